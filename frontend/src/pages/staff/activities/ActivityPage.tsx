import { QrcodeOutlined, StopOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
  Upload,
} from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { fileBody } from "../../../api/download";
import type { Activity, RosterReport, RosterRow } from "../../../api/types";
import { NotFoundOrForbidden } from "../../../auth/denied";
import { idNumberColumn } from "../../../components/PeopleTable";
import { categoryLabel } from "../../../components/PersonYearView";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { ROSTER_OUTCOME_LABELS, labelOf } from "../../../constants/enums";
import { formatCredits, formatDateTime } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";
import { ActivityStatus } from "./ActivityStatus";
import { pagesOf } from "../../../components/paging";
import { ActorName } from "../../../components/ActorName";

function CancelButton({ activity }: { activity: Activity }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST("/api/v1/activities/{id}/cancel", { params: { path: { id: activity.id } }, body: { reason } })),
    onSuccess(updated) {
      queryClient.setQueryData(["activity", activity.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["activities"] });
      setOpen(false);
    },
  });
  const finish = (v: { reason: string }) => mutation.mutate(v.reason.trim());
  return (
    <>
      <Button danger icon={<StopOutlined />} onClick={() => setOpen(true)} data-testid="activity-cancel">
        取消活动
      </Button>
      <Modal
        title="取消活动"
        open={open}
        okText="取消活动"
        okButtonProps={{ danger: true }}
        cancelText="返回"
        confirmLoading={mutation.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="取消后不再接受签到和名单上传；已记入的学分保留（如需撤销请逐条冲销）。"
        />
        {mutation.isError && <ProblemAlert problem={mutation.error} />}
        <Form form={form} layout="vertical" name="cancel_activity" onFinish={finish}>
          <Form.Item name="reason" label="取消原因" rules={[{ required: true, whitespace: true, message: "请填写取消原因" }]}>
            <Input.TextArea rows={3} maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

const OUTCOME_COLORS: Record<string, string> = {
  credited: "success",
  already_signed_in: "default",
  duplicate_row: "default",
};

/** 上传签到名单: ID numbers pasted or a CSV file, each row reported. */
function Roster({ activity }: { activity: Activity }) {
  const [text, setText] = useState("");
  const queryClient = useQueryClient();
  const upload = useMutation({
    mutationFn: (csv: string) =>
      unwrap<RosterReport>(
        api.POST("/api/v1/activities/{id}/roster", {
          params: { path: { id: activity.id } },
          body: new Blob([csv]),
          bodySerializer: fileBody,
          headers: { "Content-Type": "text/csv; charset=utf-8" },
        }),
      ),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: ["activity", activity.id] });
      void queryClient.invalidateQueries({ queryKey: ["activities"] });
    },
  });
  const report = upload.data;
  const closed = Boolean(activity.cancelled_at);
  return (
    <Card title="签到名单" style={{ marginTop: 16 }} data-testid="roster">
      <Typography.Paragraph type="secondary">
        活动结束后可上传参加人员名单：每行一个身份证号（可有表头“身份证号”），或上传 CSV 文件。已签到的人员不会重复记入。
      </Typography.Paragraph>
      <Input.TextArea
        rows={6}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={"身份证号\n530125198001010011\n…"}
        style={{ fontFamily: "monospace", marginBottom: 12 }}
        disabled={closed}
        data-testid="roster-text"
      />
      <Space wrap>
        <Button
          type="primary"
          disabled={closed || text.trim() === ""}
          loading={upload.isPending}
          onClick={() => upload.mutate(text)}
          data-testid="roster-submit"
        >
          提交名单
        </Button>
        <Upload
          accept=".csv,.txt,text/csv,text/plain"
          showUploadList={false}
          disabled={closed}
          beforeUpload={(file) => {
            void file.text().then((content) => {
              setText(content);
              upload.mutate(content);
            });
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} disabled={closed}>
            上传 CSV 文件
          </Button>
        </Upload>
      </Space>
      {upload.isError && (
        <div style={{ marginTop: 16 }}>
          <ProblemAlert problem={upload.error} />
        </div>
      )}
      {report && (
        <div style={{ marginTop: 16 }} data-testid="roster-report">
          <Space size="large" style={{ marginBottom: 12 }}>
            <Statistic title="名单行数" value={report.rows} />
            <Statistic title="记入学分" value={report.credited} styles={{ content: { color: "#389e0d" } }} />
            <Statistic title="未记入" value={report.rows - report.credited} />
          </Space>
          <Table<RosterRow>
            rowKey="row"
            size="small"
            pagination={pagesOf(report.results.length, 50)}
            dataSource={report.results}
            columns={[
              { title: "行号", dataIndex: "row", width: 70 },
              idNumberColumn<RosterRow>(),
              {
                title: "结果",
                dataIndex: "outcome",
                width: 130,
                render: (o: string) => <Tag color={OUTCOME_COLORS[o] ?? "error"}>{labelOf(ROSTER_OUTCOME_LABELS, o)}</Tag>,
              },
              { title: "说明", dataIndex: "reason" },
            ]}
          />
        </div>
      )}
    </Card>
  );
}

/** One activity: its details, the sign-in screen, the roster upload, cancellation. */
export default function ActivityPage() {
  const { activityId = "" } = useParams();
  const navigate = useNavigate();
  const activity = useQuery({
    queryKey: ["activity", activityId],
    queryFn: () => unwrap(api.GET("/api/v1/activities/{id}", { params: { path: { id: activityId } } })),
  });
  if (activity.isLoading) return <Spin size="large" />;
  if (activity.isError) {
    if (activity.error instanceof ApiProblem && [403, 404, 422].includes(activity.error.status)) {
      return <NotFoundOrForbidden backTo="/activities" backLabel="返回继教活动" />;
    }
    return <ProblemAlert problem={activity.error} />;
  }
  const a = activity.data!;
  return (
    <>
      <Breadcrumb style={{ marginBottom: 16 }} items={[{ title: <Link to="/activities">继教活动</Link> }, { title: a.name }]} />
      <Card
        title={
          <Space>
            <span>{a.name}</span>
            <ActivityStatus activity={a} />
          </Space>
        }
        data-testid="activity-detail"
        extra={
          <Space wrap>
            {a.owned && a.running && (
              <Button
                type="primary"
                icon={<QrcodeOutlined />}
                onClick={() => navigate(`/activities/${a.id}/screen`)}
                data-testid="open-screen"
              >
                签到大屏
              </Button>
            )}
            {a.owned && !a.cancelled_at && <CancelButton activity={a} />}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }} bordered>
          <Descriptions.Item label="编号">{a.code}</Descriptions.Item>
          <Descriptions.Item label="主办单位">{a.organiser}</Descriptions.Item>
          <Descriptions.Item label="类别">{categoryLabel(a)}</Descriptions.Item>
          <Descriptions.Item label="每人学分">{formatCredits(a.amount)}</Descriptions.Item>
          <Descriptions.Item label="日期">
            {a.starts_on === a.ends_on ? a.starts_on : `${a.starts_on} 至 ${a.ends_on}`}
          </Descriptions.Item>
          <Descriptions.Item label="学分年度">{a.year}</Descriptions.Item>
          <Descriptions.Item label="已签到人数">
            <span data-testid="sign-in-count">{a.sign_in_count}</span>
          </Descriptions.Item>
          <Descriptions.Item label="创建">
            <ActorName login={a.created_by} /> {formatDateTime(a.created_at)}
          </Descriptions.Item>
          {a.cancelled_at && (
            <Descriptions.Item label="已取消">
              {formatDateTime(a.cancelled_at)}：{a.cancel_reason ?? ""}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {a.owned ? (
        <Roster activity={a} />
      ) : (
        <Alert
          style={{ marginTop: 16 }}
          type="info"
          showIcon
          message="本活动由其他机构创建：只能查看，签到大屏、签到名单和取消由创建机构办理。"
          data-testid="activity-not-owned"
        />
      )}
    </>
  );
}
