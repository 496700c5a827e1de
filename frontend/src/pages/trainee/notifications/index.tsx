import { useNavigate } from "react-router";
import { NOTIFICATION_KIND_LABELS, labelOf } from "../../../constants/enums";
import TraineeLayout from "../../../layouts/TraineeLayout";
import { Button, Card, Loading, Tag } from "../../../light";
import { Problem } from "../../../light/Problem";
import { useMarkRead, useNotifications, useReadAll, whenLabel, type Notification } from "../../notifications/api";

/** 提醒 (the trainee's): his reminders, newest first; opening one marks it read. Drawn without antd. */
export default function TraineeNotificationsPage() {
  const list = useNotifications();
  const markRead = useMarkRead();
  const readAll = useReadAll();
  const navigate = useNavigate();
  const open = async (n: Notification) => {
    if (!n.read_at) await markRead.mutateAsync(n.id);
    navigate(n.link);
  };
  const items = list.data?.items ?? [];
  const unread = list.data?.unread ?? 0;
  return (
    <TraineeLayout title="提醒">
      <div className="lk-stack" data-testid="notifications-page">
        {list.isLoading && <Loading />}
        {list.isError && <Problem problem={list.error} />}
        {unread > 0 && (
          <Button onClick={() => readAll.mutate()} loading={readAll.isPending} data-testid="notifications-read-all">
            全部标为已读（{unread}）
          </Button>
        )}
        {!list.isLoading && items.length === 0 && <p className="lk-muted">暂无提醒</p>}
        {items.map((n) => (
          <Card key={n.id} title={n.title}>
            <div data-testid="notification-item" data-read={n.read_at ? "true" : "false"} className="lk-stack" style={{ gap: 8 }}>
              <div>
                <Tag tone={n.read_at ? "default" : "processing"}>{n.read_at ? "已读" : "未读"}</Tag>{" "}
                <Tag>{labelOf(NOTIFICATION_KIND_LABELS, n.kind)}</Tag>
              </div>
              <p style={{ margin: 0 }}>{n.body}</p>
              <p className="lk-muted" style={{ margin: 0 }}>
                {whenLabel(n.created_at)}
              </p>
              <Button onClick={() => void open(n)} data-testid="notification-open" aria-label={`查看：${n.title}`}>
                查看
              </Button>
            </div>
          </Card>
        ))}
      </div>
    </TraineeLayout>
  );
}
