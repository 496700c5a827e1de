import { describe, expect, it } from "vitest";
import { pagesOf, showTotal } from "./paging";

describe("a table's pages", () => {
  it("show the total", () => {
    expect(showTotal(42)).toBe("共 42 条");
    expect(pagesOf(42, 20)).toMatchObject({ pageSize: 20, showTotal });
  });

  it("are left out when everything fits on one", () => {
    expect(pagesOf(20, 20)).toBe(false);
    expect(pagesOf(0, 20)).toBe(false);
  });
});
