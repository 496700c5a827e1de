import { describe, expect, it } from "vitest";
import { auditFilters, auditSearch } from "./filters";

describe("audit filters", () => {
  it("survive a round trip through the URL", () => {
    const f = { actor: "郑丽", action: "person.id_number.reveal", target_type: "person", from: "2021-03-01", to: "2021-03-31" };
    expect(auditFilters(auditSearch(f))).toEqual(f);
  });

  it("drop what the server would refuse instead of showing an error", () => {
    const f = auditFilters(new URLSearchParams("action=made.up&target_type=nope&from=yesterday&actor=%20%20"));
    expect(f).toEqual({ actor: undefined, action: undefined, target_type: undefined, from: undefined, to: undefined });
  });
});
