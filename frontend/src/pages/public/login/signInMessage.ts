import { ApiProblem } from "../../../api/client";

/** What a failed sign-in tells the user; never which of username or password was wrong. */
export function signInMessage(error: unknown): string {
  if (!(error instanceof ApiProblem)) return "登录失败，请稍后再试";
  switch (error.code) {
    case "invalid_credentials":
      return "账号或密码错误";
    case "too_many_attempts":
      return error.retryAfter !== null
        ? `尝试次数过多，请 ${Math.ceil(error.retryAfter / 60)} 分钟后再试`
        : "尝试次数过多，请稍后再试";
    case "account_disabled":
      return "账号已停用，请联系上级管理部门";
    case "captcha_invalid":
      return "验证码错误或已过期";
    default:
      return error.status === 0 ? "无法连接服务器" : (error.detail ?? error.title);
  }
}
