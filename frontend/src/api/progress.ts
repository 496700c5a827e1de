// Upload progress for imports: on a county link a 3 MB staff file takes a
// minute to send, and a page that only spins looks stuck. fetch() cannot
// report what it has sent; XMLHttpRequest can, so an import passes this as
// openapi-fetch's per-request `fetch` and everything else (the auth
// middleware, unwrap, problem+json) stays as it is.

/** How far an upload is: bytes sent of the total, then the server working. */
export interface Transfer {
  sent: number;
  total: number;
  phase: "uploading" | "processing";
}

function headersOf(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const at = line.indexOf(":");
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}

/** A `fetch` that reports the request body's upload to `onProgress`. */
export function fetchWithProgress(onProgress: (t: Transfer) => void): (request: Request) => Promise<Response> {
  return async (request) => {
    const body = request.method === "GET" || request.method === "HEAD" ? null : await request.blob();
    const total = body?.size ?? 0;
    return new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(request.method, request.url);
      request.headers.forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.responseType = "blob";
      onProgress({ sent: 0, total, phase: "uploading" });
      xhr.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : total, phase: "uploading" });
      xhr.upload.onload = () => onProgress({ sent: total, total, phase: "processing" });
      xhr.onload = () => {
        const status = xhr.status;
        const content = status === 204 || status === 304 ? null : (xhr.response as Blob);
        resolve(new Response(content, { status, statusText: xhr.statusText, headers: headersOf(xhr.getAllResponseHeaders()) }));
      };
      xhr.onerror = () => reject(new TypeError("Failed to fetch"));
      xhr.onabort = () => reject(new DOMException("The upload was aborted", "AbortError"));
      request.signal.addEventListener("abort", () => xhr.abort());
      xhr.send(body);
    });
  };
}

/** "1.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** What an import's progress says, in words. */
export function transferLine(t: Transfer): string {
  if (t.phase === "processing") return "已上传，服务器正在逐行检查…";
  const percent = t.total > 0 ? Math.floor((t.sent * 100) / t.total) : 0;
  return `正在上传 ${percent}%（${formatBytes(t.sent)} / ${formatBytes(t.total)}）`;
}
