// Pieces shared by the certificate pages.
import { Tag } from "antd";
import type { Certificate } from "../../api/certificateTypes";
import { CERTIFICATE_STATUS_COLORS, CERTIFICATE_STATUS_LABELS } from "../../constants/certificates";
import { labelOf } from "../../constants/enums";

/** 有效 / 已被更正后的新版本取代 / 已撤销 / 暂停使用（单位复验中）. */
export function CertificateStatusTag({ certificate }: { certificate: Pick<Certificate, "status" | "status_label"> }) {
  return (
    <Tag color={CERTIFICATE_STATUS_COLORS[certificate.status] ?? "default"} data-testid="certificate-status" data-status={certificate.status}>
      {certificate.status_label || labelOf(CERTIFICATE_STATUS_LABELS, certificate.status)}
    </Tag>
  );
}

/** Printed with the office's seal, or with the seal area marked 须加盖印章. */
export function SealTag({ sealed }: { sealed: boolean }) {
  return sealed ? (
    <Tag color="blue" data-testid="sealed">
      电子印章
    </Tag>
  ) : (
    <Tag color="orange" data-testid="unsealed">
      须加盖印章
    </Tag>
  );
}
