import { describe, expect, it } from "vitest";
import {
  canTickYear,
  certificateYears,
  checkCodeProblem,
  correctionCurrent,
  evidenceFileProblem,
  formatTenths,
  lookupFailure,
  normaliseCode,
  proofParam,
  proofYears,
  publicVerdict,
  sealContentType,
  sealFileProblem,
  sortCertificates,
  toggleYear,
  tokenFrom,
  verifyPath,
} from "./logic";
import { CERTIFICATE_STATUS_LABELS } from "../../constants/certificates";

const TOKEN = "0123456789ABCDEFGHJKMNPQRS";

describe("formatTenths", () => {
  it("shows tenths as credits", () => {
    expect(formatTenths(123)).toBe("12.3");
    expect(formatTenths(120)).toBe("12");
    expect(formatTenths(5)).toBe("0.5");
    expect(formatTenths(0)).toBe("0");
    expect(formatTenths(null)).toBe("—");
  });
});

describe("codes and tokens", () => {
  it("normalises as the server does", () => {
    expect(normaliseCode(" ab-cd io l9 ")).toBe("ABCD1019");
    expect(normaliseCode("o0Oo")).toBe("0000");
  });
  it("reads a token from a link, a path or alone", () => {
    expect(tokenFrom(`https://cme.example.cn/v/${TOKEN}`)).toBe(TOKEN);
    expect(tokenFrom(`http://127.0.0.1:8080/v/${TOKEN}?x=1#top`)).toBe(TOKEN);
    expect(tokenFrom(`/v/${TOKEN}`)).toBe(TOKEN);
    expect(tokenFrom(TOKEN.toLowerCase())).toBe(TOKEN);
    expect(tokenFrom(`${TOKEN.slice(0, 13)}-${TOKEN.slice(13)}`)).toBe(TOKEN);
  });
  it("refuses what cannot be a token", () => {
    expect(tokenFrom("")).toBeNull();
    expect(tokenFrom(null)).toBeNull();
    expect(tokenFrom("ABC")).toBeNull();
    expect(tokenFrom(`${TOKEN}X`)).toBeNull();
    expect(tokenFrom(`https://example.cn/other/${TOKEN}`)).toBeNull();
    expect(tokenFrom("0123456789ABCDEFGHJKMNPQRU")).toBeNull(); // U is not Crockford
  });
  it("turns a verify_url into the SPA's path", () => {
    expect(verifyPath(`http://host:1234/v/${TOKEN}`)).toBe(`/v/${TOKEN}`);
    expect(verifyPath("nonsense")).toBeNull();
  });
  it("checks a typed 验证码", () => {
    expect(checkCodeProblem("")).toBe("请输入验证码");
    expect(checkCodeProblem("abc")).toBe("验证码为 8 位字母或数字");
    expect(checkCodeProblem("abcd-efgh")).toBeNull();
    expect(checkCodeProblem("ABCDEFGU")).toMatch(/不含 U/);
  });
});

describe("multi-year proof", () => {
  const certs = [
    { year: 2019, version: 1, status: "valid" as const },
    { year: 2021, version: 1, status: "superseded" as const },
    { year: 2021, version: 2, status: "valid" as const },
    { year: 2020, version: 1, status: "revoked" as const },
  ];
  it("offers only years with a valid certificate, newest first", () => {
    expect(proofYears(certs)).toEqual([2021, 2019]);
  });
  it("leaves unsealed certificates out of a trainee's proof (the unit prints them)", () => {
    expect(proofYears([{ year: 2021, status: "valid", sealed: false }, { year: 2020, status: "valid", sealed: true }])).toEqual([2020]);
  });
  it("sorts by year then version, newest first", () => {
    expect(sortCertificates(certs).map((c) => `${c.year}v${c.version}`)).toEqual(["2021v2", "2021v1", "2020v1", "2019v1"]);
  });
  it("ticks at most five years", () => {
    let years: number[] = [];
    for (const y of [2021, 2017, 2019, 2018, 2020]) years = toggleYear(years, y);
    expect(years).toEqual([2017, 2018, 2019, 2020, 2021]);
    expect(toggleYear(years, 2016)).toEqual(years);
    expect(canTickYear(years, 2016)).toBe(false);
    expect(canTickYear(years, 2019)).toBe(true);
    expect(toggleYear(years, 2019)).toEqual([2017, 2018, 2020, 2021]);
  });
  it("names the years ascending and once", () => {
    expect(proofParam([2021, 2019, 2021])).toBe("2019,2021");
  });
  it("lists the years a certificate may exist for", () => {
    expect(certificateYears(2017)).toEqual([2017, 2016, 2015]);
  });
});

describe("public verdict", () => {
  const base = { status_label: "", current_version: null, revoke_reason: null };
  it("says valid, superseded with the current version, revoked with the reason, held", () => {
    expect(publicVerdict({ ...base, status: "valid", status_label: "有效" })).toMatchObject({ title: "证书真实有效", type: "success" });
    const superseded = publicVerdict({ ...base, status: "superseded", current_version: 2 });
    expect(superseded.title).toBe(CERTIFICATE_STATUS_LABELS.superseded);
    expect(superseded.detail).toMatch(/第 2 版/);
    const revoked = publicVerdict({ ...base, status: "revoked", status_label: "已撤销", revoke_reason: "学分造假" });
    expect(revoked).toMatchObject({ title: "已撤销", type: "error", detail: "撤销原因：学分造假" });
    expect(publicVerdict({ ...base, status: "held" }).title).toBe("暂停使用（单位复验中）");
  });
  it("explains failures", () => {
    expect(lookupFailure({ status: 404 })).toMatchObject({ kind: "not_found", title: "查无此证书" });
    expect(lookupFailure({ status: 429 })).toMatchObject({ kind: "rate_limited", title: "查询过于频繁" });
    expect(lookupFailure({ status: 422, detail: "验证码为 8 位" }).detail).toBe("验证码为 8 位");
    expect(lookupFailure({ status: 0 }).kind).toBe("other");
  });
});

describe("correction chain", () => {
  const chain = ["unit", "county_office", "prefecture_office", "province_western"] as const;
  const log = (event: "request" | "approve" | "reject", actor_tier: string) =>
    ({ seq: 1, event, from: null, to: "in_review", actor_tier, actor_name: "x", reason: null, at: "" }) as never;
  it("points at the tier it waits on", () => {
    expect(correctionCurrent({ state: "in_review", chain: [...chain], waiting_on: "prefecture_office", log: [] })).toEqual({
      current: 2,
      status: "process",
    });
  });
  it("finishes at the province, or stops where it was rejected", () => {
    expect(correctionCurrent({ state: "approved", chain: [...chain], waiting_on: null, log: [] })).toEqual({ current: 3, status: "finish" });
    expect(
      correctionCurrent({ state: "rejected", chain: [...chain], waiting_on: null, log: [log("request", "trainee"), log("reject", "county_office")] }),
    ).toEqual({ current: 1, status: "error" });
  });
});

describe("files", () => {
  it("accepts PNG or JPEG seals up to 10 MB", () => {
    expect(sealFileProblem({ type: "image/png", size: 100, name: "a.png" })).toBeNull();
    expect(sealFileProblem({ type: "", size: 100, name: "a.JPG" })).toBeNull();
    expect(sealFileProblem({ type: "application/pdf", size: 100, name: "a.pdf" })).toMatch(/PNG 或 JPEG/);
    expect(sealFileProblem({ type: "image/png", size: 11 * 1024 * 1024, name: "a.png" })).toMatch(/10 MB/);
    expect(sealContentType({ type: "", name: "stamp.jpeg" })).toBe("image/jpeg");
    expect(sealContentType({ type: "image/png", name: "x" })).toBe("image/png");
  });
  it("accepts PDF, PNG or JPEG evidence", () => {
    expect(evidenceFileProblem({ type: "application/pdf", size: 1 })).toBeNull();
    expect(evidenceFileProblem({ type: "text/plain", size: 1 })).toMatch(/PDF/);
    expect(evidenceFileProblem({ type: "image/png", size: 0 })).toBe("文件是空的");
  });
});
