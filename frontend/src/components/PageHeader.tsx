import { Flex, Space, Typography } from "antd";
import type { ReactNode } from "react";

/**
 * A page's header (Ant Design Pro's PageContainer, without ProComponents): the title as the
 * page's one h1, an optional line under it, and the page-wide actions on the right.
 */
export function PageHeader({ title, description, extra }: { title: ReactNode; description?: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ marginBottom: 16 }} data-testid="page-header">
      <Flex justify="space-between" align="center" gap={16} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, lineHeight: "28px", margin: 0 }}>
          {title}
        </Typography.Title>
        {extra && <Space wrap>{extra}</Space>}
      </Flex>
      {description && (
        <Typography.Paragraph type="secondary" style={{ margin: "4px 0 0" }}>
          {description}
        </Typography.Paragraph>
      )}
    </div>
  );
}
