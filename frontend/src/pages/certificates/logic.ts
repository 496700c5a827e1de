// Pure helpers of the certificate pages (printing, the trainee's certificates,
// public verification, title corrections), kept apart so they can be tested alone.
import type { Certificate, Correction, PublicCertificate } from "../../api/certificateTypes";
import { CERTIFICATE_STATUS_LABELS, FIRST_CERTIFICATE_YEAR, MAX_PROOF_YEARS } from "../../constants/certificates";
import { labelOf } from "../../constants/enums";
import { type EvidenceFault, evidenceFault } from "../../utils/evidence";

/** Credits kept in tenths on the wire (123 → "12.3", 120 → "12"). */
export function formatTenths(tenths: number | null | undefined): string {
  if (tenths === null || tenths === undefined || !Number.isFinite(tenths)) return "—";
  return (tenths / 10).toFixed(1).replace(/\.0$/, "");
}

/**
 * A code as a person types it: upper case, no spaces or dashes, and the
 * letters Crockford's base32 reads as digits (O → 0, I and L → 1), as the
 * server normalises it.
 */
export function normaliseCode(typed: string): string {
  return typed
    .replace(/[\s-]/g, "")
    .toUpperCase()
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
}

const TOKEN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const CODE = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/**
 * The token of a verification link (`https://host/v/TOKEN`), of a path
 * (`/v/TOKEN`) or of a token typed alone; null when it cannot be one.
 */
export function tokenFrom(input: string | null | undefined): string | null {
  const raw = (input ?? "").trim();
  if (raw === "") return null;
  let candidate = raw;
  const link = /\/v\/([^/?#\s]+)/.exec(raw);
  if (link?.[1]) {
    try {
      candidate = decodeURIComponent(link[1]);
    } catch {
      candidate = link[1];
    }
  } else if (raw.includes("/")) {
    return null;
  }
  const token = normaliseCode(candidate);
  return TOKEN.test(token) ? token : null;
}

/** The SPA path of a certificate's public page (`/v/TOKEN`), from its `verify_url`. */
export function verifyPath(verifyUrl: string): string | null {
  const token = tokenFrom(verifyUrl);
  return token ? `/v/${token}` : null;
}

/** Why a typed 验证码 cannot be one, or null. */
export function checkCodeProblem(typed: string | null | undefined): string | null {
  const code = normaliseCode(typed ?? "");
  if (code === "") return "请输入验证码";
  if (code.length !== 8) return "验证码为 8 位字母或数字";
  if (!CODE.test(code)) return "验证码只含数字和字母（不含 U）";
  return null;
}

/** Certificates newest year first, then newest version first. */
export function sortCertificates<T extends Pick<Certificate, "year" | "version">>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.year - a.year || b.version - a.version);
}

/** The years a multi-year proof may name: those with a valid certificate, newest first. */
export function proofYears(list: readonly (Pick<Certificate, "year" | "status"> & { sealed?: boolean })[]): number[] {
  // An unsealed certificate is printed by the unit only (notice-2017): not here.
  const years = new Set(list.filter((c) => c.status === "valid" && c.sealed !== false).map((c) => c.year));
  return [...years].sort((a, b) => b - a);
}

/** Adds or removes `year`; a sixth year is not added. */
export function toggleYear(selected: readonly number[], year: number, max = MAX_PROOF_YEARS): number[] {
  if (selected.includes(year)) return selected.filter((y) => y !== year);
  if (selected.length >= max) return [...selected];
  return [...selected, year].sort((a, b) => a - b);
}

/** Whether `year` may still be ticked (already ticked, or room left). */
export function canTickYear(selected: readonly number[], year: number, max = MAX_PROOF_YEARS): boolean {
  return selected.includes(year) || selected.length < max;
}

/** The `years` parameter of a proof: ascending, de-duplicated, comma-separated. */
export function proofParam(years: readonly number[]): string {
  return [...new Set(years)].sort((a, b) => a - b).join(",");
}

/** Years a certificate may exist for, newest first (from `last` down to 2015). */
export function certificateYears(last: number, first = FIRST_CERTIFICATE_YEAR): number[] {
  const out: number[] = [];
  for (let y = last; y >= first; y--) out.push(y);
  return out;
}

export interface Verdict {
  /** The headline: 证书真实有效, 已被更正后的新版本取代, …. */
  title: string;
  type: "success" | "warning" | "error" | "info";
  /** What else the public should know (the current version, the reason). */
  detail: string | null;
}

/** What the public page says of a certificate. */
export function publicVerdict(c: Pick<PublicCertificate, "status" | "status_label" | "current_version" | "revoke_reason">): Verdict {
  const label = c.status_label || labelOf(CERTIFICATE_STATUS_LABELS, c.status);
  switch (c.status) {
    case "valid":
      return { title: "证书真实有效", type: "success", detail: null };
    case "superseded":
      return {
        title: label,
        type: "warning",
        detail:
          c.current_version !== null && c.current_version !== undefined
            ? `本证书为旧版本，当前有效版本为第 ${c.current_version} 版，请以新版本为准。`
            : "本证书为旧版本，请以更正后的新版本为准。",
      };
    case "revoked":
      return { title: label, type: "error", detail: c.revoke_reason ? `撤销原因：${c.revoke_reason}` : null };
    case "held":
      return { title: label, type: "warning", detail: "该单位本年度的学分验证正在复验，复验通过前证书暂停使用。" };
    default:
      return { title: label, type: "info", detail: null };
  }
}

export interface LookupFailure {
  kind: "not_found" | "rate_limited" | "invalid" | "other";
  title: string;
  detail: string;
}

/** A failed public lookup, in words: 查无此证书 (404), 查询过于频繁 (429), …. */
export function lookupFailure(problem: { status: number; detail?: string | null; title?: string }): LookupFailure {
  if (problem.status === 404)
    return {
      kind: "not_found",
      title: "查无此证书",
      detail: "证书编号或验证码不正确，或二维码不是本系统签发。请核对后重试；如有疑问，请联系发证机构。",
    };
  if (problem.status === 429)
    return { kind: "rate_limited", title: "查询过于频繁", detail: "请稍等一分钟后再试。" };
  if (problem.status === 422 || problem.status === 400)
    return { kind: "invalid", title: "输入有误", detail: problem.detail || "请核对证书编号和验证码。" };
  return {
    kind: "other",
    title: "暂时无法查询",
    detail: problem.detail || problem.title || "网络或服务暂时不可用，请稍后再试。",
  };
}

/** A title correction's position on its chain, for Steps. */
export function correctionCurrent(c: Pick<Correction, "state" | "chain" | "waiting_on" | "log">): {
  current: number;
  status: "wait" | "process" | "finish" | "error";
} {
  const last = c.chain.length - 1;
  if (c.state === "approved") return { current: last, status: "finish" };
  if (c.state === "rejected") {
    const rejection = [...c.log].reverse().find((l) => l.event === "reject");
    const at = rejection ? c.chain.indexOf(rejection.actor_tier) : -1;
    return { current: at >= 0 ? at : 0, status: "error" };
  }
  const at = c.waiting_on ? c.chain.indexOf(c.waiting_on) : -1;
  return { current: at >= 0 ? at : 0, status: "process" };
}

const IMAGE_TYPES = ["image/png", "image/jpeg"];
const MAX_BYTES = 10 * 1024 * 1024;

/** Why a file cannot be a seal scan (PNG or JPEG, 10 MB at most), or null. */
export function sealFileProblem(file: { type: string; size: number; name: string }): string | null {
  const type = file.type || (/\.png$/i.test(file.name) ? "image/png" : /\.jpe?g$/i.test(file.name) ? "image/jpeg" : "");
  if (!IMAGE_TYPES.includes(type)) return "请上传 PNG 或 JPEG 格式的印章扫描图片";
  if (file.size === 0) return "文件是空的";
  if (file.size > MAX_BYTES) return "印章图片不能超过 10 MB";
  return null;
}

/** The content type to send a seal scan with. */
export function sealContentType(file: { type: string; name: string }): "image/png" | "image/jpeg" {
  if (file.type === "image/jpeg" || /\.jpe?g$/i.test(file.name)) return "image/jpeg";
  return "image/png";
}

const EVIDENCE_PROBLEMS: Record<EvidenceFault, string> = {
  type: "证明材料须为 PDF、PNG 或 JPEG 文件",
  empty: "文件是空的",
  too_large: "单个文件不能超过 10 MB",
};

/** Why a file cannot be a correction's evidence (PDF, PNG or JPEG, 10 MB at most), or null. */
export function evidenceFileProblem(file: { type: string; size: number }): string | null {
  const fault = evidenceFault(file);
  return fault && EVIDENCE_PROBLEMS[fault];
}

/** 第 N 版. */
export function versionLabel(version: number): string {
  return `第 ${version} 版`;
}
