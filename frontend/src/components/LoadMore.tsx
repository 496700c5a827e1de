import { Button, Typography } from "antd";

/** The "加载更多" button under a keyset-paginated table. */
export function LoadMore({
  hasMore,
  loading,
  onLoad,
  count,
}: {
  hasMore: boolean;
  loading: boolean;
  onLoad: () => void;
  count: number;
}) {
  return (
    <div style={{ textAlign: "center", marginTop: 16 }} data-testid="load-more-bar">
      {hasMore ? (
        <Button onClick={onLoad} loading={loading} data-testid="load-more">
          加载更多
        </Button>
      ) : (
        <Typography.Text type="secondary">{count > 0 ? `已显示全部 ${count} 条` : ""}</Typography.Text>
      )}
    </div>
  );
}
