// Page object for /calculator. Selectors: data-testid where the SPA defines one,
// antd's generated ids (form name "calculator") for the controls.

/** Picks `label` in the antd Select whose input has id `inputId`. */
export async function chooseSelect(page, inputId, label) {
  const select = page.locator(".ant-select").filter({ has: page.locator(`#${inputId}`) });
  await select.click();
  const option = page
    .locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option")
    .filter({ hasText: label });
  await option.first().click();
  await page
    .locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)")
    .waitFor({ state: "hidden" })
    .catch(() => {});
}

/** Clicks the radio button labelled `label` inside the form item `name`. */
export async function chooseRadio(page, name, label) {
  await page.locator(`#calculator_${name}`).getByText(label, { exact: true }).click();
}

export async function setSwitch(page, name, on) {
  const sw = page.locator(`#calculator_${name}`);
  const checked = (await sw.getAttribute("aria-checked")) === "true";
  if (checked !== on) await sw.click();
}

/**
 * Fills the whole form. credits: [{kind: "项目学分"|"自管学分", source?: "国家级 I类"..., amount}].
 */
export async function fillCalculator(page, { year, unit, title, discipline, mandatory, credits }) {
  await chooseSelect(page, "calculator_year", `${year} 年度`);
  await chooseRadio(page, "unit_level", unit);
  if (title) await chooseRadio(page, "title_level", title);
  await chooseRadio(page, "discipline", discipline);
  await setSwitch(page, "mandatory_course_completed", mandatory);

  // Start from exactly as many rows as needed.
  const rows = () => page.locator('[data-testid^="credit-row-"]');
  while ((await rows().count()) > credits.length) {
    await page.locator('[data-testid^="credit-remove-"]').last().click();
  }
  while ((await rows().count()) < credits.length) {
    await page.getByTestId("credit-add").click();
  }
  for (const [i, credit] of credits.entries()) {
    await chooseSelect(page, `calculator_credits_${i}_kind`, credit.kind);
    if (credit.source) await chooseSelect(page, `calculator_credits_${i}_source`, credit.source);
    await page.locator(`#calculator_credits_${i}_amount`).fill(String(credit.amount));
  }
}

/** Submits and waits for a fresh verdict (or a problem) to appear. */
export async function calculate(page) {
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/v1/compliance/evaluate"));
  await page.getByTestId("calculate-submit").click();
  const response = await answered;
  await page.locator('[data-testid="verdict"], [data-testid="problem"]').first().waitFor();
  return response;
}
