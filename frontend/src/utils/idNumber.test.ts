import { describe, expect, it } from "vitest";
import { checkCharacter, idNumberProblem } from "./idNumber";

describe("ID numbers (GB 11643)", () => {
  it("computes the check character", () => {
    expect(checkCharacter("11010519491231002")).toBe("X");
    expect(checkCharacter("44052418800101001")).toBe("4");
  });

  it("accepts a valid number, x in either case", () => {
    expect(idNumberProblem("11010519491231002X")).toBeNull();
    expect(idNumberProblem(" 11010519491231002x ")).toBeNull();
  });

  it("names what is wrong", () => {
    expect(idNumberProblem("")).toBe("请填写身份证号");
    expect(idNumberProblem("1101051949123100")).toBe("身份证号为 18 位，末位可为 X");
    expect(idNumberProblem("110105194912310021")).toBe("身份证号校验位不正确");
  });
});
