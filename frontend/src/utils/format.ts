/** Formats a credit amount (at most one decimal on the wire); null means "no constraint". */
export function formatCredits(value: number | string | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || value === "") return empty;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/0$/, "");
}

/**
 * `part / whole` in thousandths, rounded half up on integers (3/7 → 429, 2/11 → 182), the
 * same rounding as the API and the XLSX reports; null when `whole` is 0.
 */
export function perMille(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.floor((part * 2000 + whole) / (2 * whole));
}

/** A per mille as a percentage with one decimal: 953 → `95.3%`; null → `—`. */
export function formatRate(permille: number | null | undefined): string {
  if (permille === null || permille === undefined) return "—";
  return `${(permille / 10).toFixed(1)}%`;
}

/** A file size in words: `512 B`, `12.3 KB`, `1.5 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const SHANGHAI = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** A UTC instant from the wire, shown in Beijing time: `2026-03-01 08:30:00`. */
export function formatDateTime(value: string | null | undefined, empty = "—"): string {
  if (!value) return empty;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const parts = Object.fromEntries(SHANGHAI.formatToParts(date).map((p) => [p.type, p.value]));
  const hour = parts.hour === "24" ? "00" : parts.hour;
  return `${parts.year}-${parts.month}-${parts.day} ${hour}:${parts.minute}:${parts.second}`;
}

const SHANGHAI_DATE = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

/** Today in Beijing time as `YYYY-MM-DD` (the server's calendar for dates). */
export function todayInShanghai(now: Date = new Date()): string {
  return SHANGHAI_DATE.format(now);
}
