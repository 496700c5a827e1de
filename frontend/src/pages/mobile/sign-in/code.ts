/**
 * The sign-in code in what a trainee pasted or a camera read: a whole
 * `…/m/sign-in?code=…` URL or the bare code. Returns null for nothing usable.
 */
export function extractCode(text: string | null | undefined): string | null {
  const t = (text ?? "").trim();
  if (!t) return null;
  if (/[?&]code=/.test(t)) {
    try {
      const url = new URL(t, "http://placeholder.invalid");
      const code = url.searchParams.get("code")?.trim();
      return code ? code : null;
    } catch {
      return null;
    }
  }
  // A bare code is base64url; anything with spaces inside is not one.
  return /^[A-Za-z0-9_-]+$/.test(t) ? t : null;
}

export type SignInOutcome =
  | { kind: "expired"; message: string }
  | { kind: "invalid"; message: string }
  | { kind: "already"; message: string }
  | { kind: "forbidden"; message: string }
  | { kind: "other"; message: string };

/** What a refused sign-in means to the trainee. */
export function signInOutcome(problem: { status: number; code: string; title: string; detail: string | null; errors: { field: string; message: string }[] }): SignInOutcome {
  const codeError = problem.errors.find((e) => e.field === "code")?.message;
  if (problem.status === 409 && problem.code === "already_signed_in") {
    return { kind: "already", message: problem.detail ?? "您已签到过本活动，学分已记入。" };
  }
  if (codeError?.includes("过期")) return { kind: "expired", message: codeError };
  if (codeError) return { kind: "invalid", message: codeError };
  if (problem.status === 403) {
    return { kind: "forbidden", message: problem.detail ?? "本活动仅限主办单位的人员签到。" };
  }
  return { kind: "other", message: problem.detail ?? problem.title };
}
