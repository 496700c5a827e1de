import { Button, Space } from "antd";

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
          {total !== undefined && <span style={{ color: "rgba(0,0,0,0.45)" }}>{`已显示 ${count} 条，共 ${total} 条`}</span>}
        </Space>
      ) : (
        <span style={{ color: "rgba(0,0,0,0.45)" }}>{count > 0 ? `已显示全部 ${count} 条` : ""}</span>
      )}
    </div>
  );
}
