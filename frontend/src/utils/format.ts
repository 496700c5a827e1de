/** Formats a credit amount (at most one decimal on the wire); null means "no constraint". */
export function formatCredits(value: number | string | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || value === "") return empty;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/0$/, "");
}
