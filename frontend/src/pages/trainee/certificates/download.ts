import { useMutation } from "@tanstack/react-query";
import { api } from "../../../api/client";
import type { Certificate } from "../../../api/certificateTypes";
import { downloadFile } from "../../../api/download";

/** The PDF of one of the trainee's certificates, saved under a name he recognises. */
export function useCertificateDownload(c: Pick<Certificate, "id" | "year" | "number">, onSaved?: (name: string) => void) {
  return useMutation({
    mutationFn: () =>
      downloadFile(
        api.GET("/api/v1/certificates/{id}/pdf", { params: { path: { id: c.id } }, parseAs: "blob" }),
        `${c.year}年度学分验证合格证书-${c.number}.pdf`,
      ),
    onSuccess: onSaved,
  });
}

/** The certificate he can print himself: the newest valid one with the office's seal. */
export function printableCertificate<T extends Pick<Certificate, "year" | "version" | "status" | "sealed">>(list: readonly T[]): T | null {
  return [...list].filter((c) => c.status === "valid" && c.sealed).sort((a, b) => b.year - a.year || b.version - a.version)[0] ?? null;
}
