import { formatBytes, transferLine } from "./progress";

describe("upload progress", () => {
  it("says how far the upload is, then that the server checks the rows", () => {
    expect(transferLine({ sent: 512 * 1024, total: 2 * 1024 * 1024, phase: "uploading" })).toBe("正在上传 25%（512 KB / 2.0 MB）");
    expect(transferLine({ sent: 0, total: 0, phase: "uploading" })).toBe("正在上传 0%（0 B / 0 B）");
    expect(transferLine({ sent: 10, total: 10, phase: "processing" })).toBe("已上传，服务器正在逐行检查…");
    expect(formatBytes(3_500_000)).toBe("3.3 MB");
  });
});
