// The seal's image, fetched with the bearer token for an <img>, and the
// public lookups, which go out without any token.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { PublicCertificate } from "../../api/certificateTypes";
import { fileOf } from "../../api/download";
import { publicClient } from "../../api/public";

/** A blob as a `data:` URL (the server's CSP allows `data:` images, not `blob:` ones). */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("read failed"));
    reader.readAsDataURL(blob);
  });
}

/** A `data:` URL of a seal's processed PNG, which the API serves only with a token. */
export function useSealImageUrl(sealId: string | null | undefined) {
  const image = useQuery({
    queryKey: ["seal-image", sealId],
    queryFn: async () =>
      dataUrlOf(
        (await fileOf(api.GET("/api/v1/seals/{id}/image", { params: { path: { id: sealId! } }, parseAs: "blob" }), "image.png")).blob,
      ),
    enabled: Boolean(sealId),
    staleTime: Infinity,
  });
  return { ...image, url: image.data ?? null };
}


/** The public answer for a QR code's token. */
export function publicByToken(token: string): Promise<PublicCertificate> {
  return unwrap(publicClient.GET("/api/v1/public/certificates/{token}", { params: { path: { token } } }));
}

/** The public answer for a certificate number and its printed 验证码. */
export function publicByNumber(number: string, code: string): Promise<PublicCertificate> {
  return unwrap(publicClient.GET("/api/v1/public/certificates", { params: { query: { number, code } } }));
}
