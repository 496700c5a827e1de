import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../App";
import type { Evidence } from "../api/types";
import { EvidenceUpload } from "./EvidenceUpload";

/** The upload's parent: keeps the list, as the pages do. */
function Harness({ max, multiple }: { max?: number; multiple?: boolean }) {
  const [files, setFiles] = useState<Evidence[]>([]);
  return (
    <EvidenceUpload
      files={files}
      onChange={setFiles}
      check={(f) => (f.type === "application/pdf" ? null : "只能上传 PDF")}
      buttonText="上传证明材料"
      multiple={multiple}
      max={max}
      testIdPrefix="t-"
    />
  );
}

/** A fake `/evidence` that names each file it is sent, answering in the order given. */
function serve() {
  const sent: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      const name = url.searchParams.get("file_name") ?? "";
      sent.push(name);
      const size = (await request.arrayBuffer()).byteLength;
      const body: Evidence = {
        id: `e-${sent.length}`,
        file_name: name,
        content_type: "application/pdf",
        size_bytes: size,
        uploaded_at: "2026-03-01T00:00:00Z",
        uploaded_by: "王芳",
      };
      return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
    }),
  );
  return sent;
}

function renderUpload(props: { max?: number; multiple?: boolean } = {}) {
  render(
    <AppProviders queryClient={createQueryClient()}>
      <Harness {...props} />
    </AppProviders>,
  );
  return screen.getByTestId("t-evidence-upload").closest(".ant-upload")!.querySelector<HTMLInputElement>('input[type="file"]')!;
}

const pdf = (name: string, bytes = 2048) => new File([new Uint8Array(bytes)], name, { type: "application/pdf" });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("EvidenceUpload", () => {
  it("uploads a chosen file at once and lists it with its size; a file can be removed", async () => {
    const sent = serve();
    const input = renderUpload();
    const user = userEvent.setup();
    await user.upload(input, pdf("进修证明.pdf"));
    expect(await screen.findByTestId("t-evidence-name")).toHaveTextContent("进修证明.pdf");
    expect(screen.getByTestId("t-evidence-size")).toHaveTextContent("2.0 KB");
    expect(sent).toEqual(["进修证明.pdf"]);
    await user.click(within(screen.getByTestId("t-evidence-list")).getByRole("button", { name: "移除" }));
    await waitFor(() => expect(screen.queryByTestId("t-evidence-list")).toBeNull());
  });

  it("refuses a file its page refuses, without sending it", async () => {
    const sent = serve();
    const input = renderUpload();
    const user = userEvent.setup({ applyAccept: false });
    await user.upload(input, new File(["x"], "a.txt", { type: "text/plain" }));
    expect(await screen.findByText("只能上传 PDF")).toBeInTheDocument();
    expect(sent).toEqual([]);
  });

  it("lists every file chosen together, up to the cap", async () => {
    const sent = serve();
    const input = renderUpload({ multiple: true, max: 2 });
    const user = userEvent.setup();
    await user.upload(input, [pdf("一.pdf"), pdf("二.pdf"), pdf("三.pdf")]);
    expect(await screen.findByText("最多上传 2 份证明材料")).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId("t-evidence-name").map((n) => n.textContent)).toEqual(["一.pdf", "二.pdf"]));
    expect(sent).toEqual(["一.pdf", "二.pdf"]);
  });
});
