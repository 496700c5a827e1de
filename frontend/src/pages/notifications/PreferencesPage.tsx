import { Alert, Button, Card, Checkbox, Input, Space, Table, Typography, message } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { PageTitle } from "../../components/PageTitle";
import { NOTIFICATION_KIND_LABELS, labelOf } from "../../constants/enums";
import { ApiProblem } from "../../api/client";
import { usePreferences, useSavePreferences, type Preferences } from "./api";

type Row = Preferences["kinds"][number];
type Channel = "in_app" | "webhook" | "email";

/** 提醒设置: which reminders the caller receives, and where (in the system, SMS/WeChat, email). */
export default function NotificationPreferencesPage() {
  const prefs = usePreferences();
  const save = useSavePreferences();
  const [rows, setRows] = useState<Row[]>([]);
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (prefs.data) {
      setRows(prefs.data.kinds);
      setEmail(prefs.data.email ?? "");
    }
  }, [prefs.data]);
  const toggle = (kind: Row["kind"], channel: Channel, on: boolean) =>
    setRows((rs) => rs.map((r) => (r.kind === kind ? { ...r, [channel]: on } : r)));
  const submit = () => {
    setError(null);
    save.mutate(
      { kinds: rows, email: email.trim() === "" ? null : email.trim() },
      {
        onSuccess: () => void message.success("提醒设置已保存"),
        onError: (e) => setError(e instanceof ApiProblem ? (e.detail ?? e.title) : "保存失败"),
      },
    );
  };
  const column = (channel: Channel, title: string, available: boolean) => ({
    title,
    key: channel,
    render: (_: unknown, r: Row) => (
      <Checkbox
        checked={r[channel]}
        disabled={!available}
        onChange={(e) => toggle(r.kind, channel, e.target.checked)}
        aria-label={`${labelOf(NOTIFICATION_KIND_LABELS, r.kind)}：${title}`}
        data-testid={`pref-${r.kind}-${channel}`}
      />
    ),
  });
  const data = prefs.data;
  return (
    <Card title={<PageTitle>提醒设置</PageTitle>} extra={<Link to="/notifications">返回提醒</Link>} data-testid="notification-preferences">
      {prefs.isError && <Alert type="error" showIcon message="提醒设置加载失败，请稍后重试" />}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table<Row>
        rowKey="kind"
        loading={prefs.isLoading}
        pagination={false}
        dataSource={rows}
        columns={[
          { title: "提醒类别", key: "kind", render: (_: unknown, r: Row) => labelOf(NOTIFICATION_KIND_LABELS, r.kind) },
          column("in_app", "站内提醒", true),
          column("webhook", "短信/微信", data?.webhook_available ?? false),
          column("email", "电子邮件", data?.email_available ?? false),
        ]}
      />
      <Space direction="vertical" style={{ marginTop: 16, width: "100%" }}>
        {data && !data.webhook_available && !data.email_available && (
          <Typography.Text type="secondary">本省尚未接入短信/微信或电子邮件，提醒只在系统内显示。</Typography.Text>
        )}
        <label htmlFor="notify-email">接收提醒的电子邮件地址</label>
        <Input id="notify-email" value={email} onChange={(e) => setEmail(e.target.value)} style={{ maxWidth: 360 }} data-testid="pref-email" />
        <Button type="primary" onClick={submit} loading={save.isPending} data-testid="pref-save">
          保存
        </Button>
      </Space>
    </Card>
  );
}
