// GB 11643 resident ID numbers: 17 digits and a check character (0-9 or X).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS = "10X98765432";

/** The check character of the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECKS[sum % 11]!;
}

/** Why an ID number is not valid, or null when it is (the server checks it again). */
export function idNumberProblem(value: string | undefined | null): string | null {
  const v = (value ?? "").trim().toUpperCase();
  if (v === "") return "请填写身份证号";
  if (!/^\d{17}[\dX]$/.test(v)) return "身份证号为 18 位，末位可为 X";
  if (checkCharacter(v.slice(0, 17)) !== v[17]) return "身份证号校验位不正确";
  return null;
}
