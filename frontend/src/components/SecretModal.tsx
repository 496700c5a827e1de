import { Alert, Descriptions, Modal, Typography } from "antd";
import type { ReactNode } from "react";

/**
 * Shows a secret the server will never show again (an initial password, a
 * client secret), with copy buttons.
 */
export function SecretModal({
  open,
  title,
  fields,
  onClose,
  note = "请立即复制并妥善转交。关闭后将无法再次查看。",
}: {
  open: boolean;
  title: string;
  fields: { label: string; value: string; testId?: string }[];
  onClose: () => void;
  note?: ReactNode;
}) {
  return (
    <Modal
      title={title}
      open={open}
      onOk={onClose}
      onCancel={onClose}
      okText="我已复制"
      cancelButtonProps={{ style: { display: "none" } }}
      maskClosable={false}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={note} style={{ marginBottom: 16 }} />
      <Descriptions column={1} bordered size="small">
        {fields.map((f) => (
          <Descriptions.Item key={f.label} label={f.label}>
            <Typography.Text copyable={{ text: f.value, tooltips: ["复制", "已复制"] }} code data-testid={f.testId}>
              {f.value}
            </Typography.Text>
          </Descriptions.Item>
        ))}
      </Descriptions>
    </Modal>
  );
}
