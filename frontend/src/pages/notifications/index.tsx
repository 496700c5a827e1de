import { BellOutlined, CheckOutlined, SettingOutlined } from "@ant-design/icons";
import { Alert, Badge, Button, Card, Empty, List, Space, Tag, Typography } from "antd";
import { Link, useNavigate } from "react-router";
import { PageTitle } from "../../components/PageTitle";
import { NOTIFICATION_KIND_LABELS, labelOf } from "../../constants/enums";
import { useMarkRead, useNotifications, useReadAll, whenLabel, type Notification } from "./api";

/**
 * 提醒 (the bell's page): the caller's reminders, newest first. Opening one
 * marks it read and goes to the page it is about.
 */
export default function NotificationsPage() {
  const list = useNotifications();
  const markRead = useMarkRead();
  const readAll = useReadAll();
  const navigate = useNavigate();
  const open = async (n: Notification) => {
    if (!n.read_at) await markRead.mutateAsync(n.id);
    navigate(n.link);
  };
  const unread = list.data?.unread ?? 0;
  return (
    <Card
      title={
        <Space>
          <BellOutlined />
          <PageTitle>提醒</PageTitle>
          {unread > 0 && <Badge count={unread} data-testid="notifications-unread" />}
        </Space>
      }
      extra={
        <Space>
          <Button icon={<CheckOutlined />} disabled={unread === 0} loading={readAll.isPending} onClick={() => readAll.mutate()} data-testid="notifications-read-all">
            全部标为已读
          </Button>
          <Link to="/notifications/preferences" data-testid="notifications-preferences">
            <SettingOutlined /> 提醒设置
          </Link>
        </Space>
      }
      data-testid="notifications-page"
    >
      {list.isError && <Alert type="error" showIcon message="提醒加载失败，请稍后重试" />}
      <List
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description="暂无提醒" /> }}
        renderItem={(n) => (
          <List.Item
            key={n.id}
            data-testid="notification-item"
            data-read={n.read_at ? "true" : "false"}
            actions={[
              <Button key="open" type="link" onClick={() => void open(n)} data-testid="notification-open" aria-label={`查看：${n.title}`}>
                查看
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <Space wrap>
                  {!n.read_at && <Badge status="processing" aria-label="未读" />}
                  <Typography.Text strong={!n.read_at}>{n.title}</Typography.Text>
                  <Tag>{labelOf(NOTIFICATION_KIND_LABELS, n.kind)}</Tag>
                </Space>
              }
              description={
                <Space direction="vertical" size={2}>
                  <span>{n.body}</span>
                  <Typography.Text type="secondary">{whenLabel(n.created_at)}</Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
