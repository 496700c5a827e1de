import { Button, Space, Typography } from "antd";

/** The "加载更多" button under a keyset-paginated table. */
export function LoadMore({
  hasMore,
  loading,
  onLoad,
  count,
  total,
}: {
  hasMore: boolean;
  loading: boolean;
  onLoad: () => void;
  count: number;
  /** The whole list's size, where the server counts it. */
  total?: number;
}) {
  return (
    <div style={{ textAlign: "center", marginTop: 16 }} data-testid="load-more-bar">
      {hasMore ? (
        <Space>
          <Button onClick={onLoad} loading={loading} data-testid="load-more">
            加载更多
          </Button>
          {total !== undefined && <Typography.Text type="secondary">{`已显示 ${count} 条，共 ${total} 条`}</Typography.Text>}
        </Space>
      ) : (
        <Typography.Text type="secondary">{count > 0 ? `已显示全部 ${count} 条` : ""}</Typography.Text>
      )}
    </div>
  );
}
