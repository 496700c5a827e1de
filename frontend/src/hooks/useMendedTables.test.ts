import { afterEach, describe, expect, it } from "vitest";
import { mendTables } from "./useMendedTables";

/** A box of `client` px showing `scroll` px of content (jsdom lays nothing out). */
function box(className: string, scroll: number, client: number): HTMLDivElement {
  const div = document.createElement("div");
  div.className = className;
  Object.defineProperty(div, "scrollWidth", { value: scroll });
  Object.defineProperty(div, "clientWidth", { value: client });
  document.body.append(div);
  return div;
}

afterEach(() => document.body.replaceChildren());

describe("mendTables", () => {
  it("makes the aria-hidden measuring row inert, so its select-all checkbox is not focusable", () => {
    document.body.innerHTML =
      '<table><tbody><tr aria-hidden="true" class="ant-table-measure-row"><td><input type="checkbox" /></td></tr></tbody></table>';
    mendTables(document);
    expect(document.querySelector(".ant-table-measure-row")?.hasAttribute("inert")).toBe(true);
  });

  it("lets the keyboard reach a table box that scrolls, and leaves the others and a set tabindex alone", () => {
    const wide = box("ant-table-content", 1600, 1000);
    const fits = box("ant-table-content", 800, 1000);
    const body = box("ant-table-body", 1600, 1000);
    body.tabIndex = -1;
    mendTables(document);
    expect(wide.getAttribute("tabindex")).toBe("0");
    expect(fits.hasAttribute("tabindex")).toBe(false);
    expect(body.getAttribute("tabindex")).toBe("-1");
  });
});
