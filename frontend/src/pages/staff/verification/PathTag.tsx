import { Tag } from "antd";
import type { VerificationPath } from "../../../api/types";
import { VERIFICATION_PATH_LABELS } from "../../../constants/verification";

/** 纸质验证 on a record verified on paper; nothing on an electronic one (the usual case). */
export function PathTag({ path }: { path: VerificationPath }) {
  if (path !== "paper") return null;
  return (
    <Tag color="geekblue" data-testid="path-tag">
      {VERIFICATION_PATH_LABELS[path]}
    </Tag>
  );
}
