import { EditOutlined, RollbackOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Form, Input, Modal, Space, Spin } from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { CreditLine } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { NotFoundOrForbidden } from "../../../auth/denied";
import { IdNumber } from "../../../components/PeopleTable";
import { PersonYearView, categoryLabel } from "../../../components/PersonYearView";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { RegistrationFormButtons } from "../../../components/RegistrationFormButtons";
import { YearSelect } from "../../../components/pickers/YearSelect";
import { DISCIPLINE_LABELS, PERSON_STATUS_LABELS, labelOf } from "../../../constants/enums";
import { formatCredits } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";
import { RecordCompletionButton } from "../courses/RecordCompletion";

/** 冲销: asks why, then reverses one record (both records stay in the history). */
function ReverseButton({ line, onDone }: { line: CreditLine; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const mutation = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST("/api/v1/credits/{id}/reverse", { params: { path: { id: line.id } }, body: { reason } })),
    onSuccess() {
      message.success("已冲销，原记录与冲销记录均保留在历史中");
      setOpen(false);
      onDone();
    },
  });
  const finish = (v: { reason: string }) => mutation.mutate(v.reason.trim());
  return (
    <>
      <Button size="small" danger icon={<RollbackOutlined />} onClick={() => setOpen(true)} data-testid="reverse-credit">
        冲销
      </Button>
      <Modal
        title="冲销学分记录"
        open={open}
        okText="冲销"
        okButtonProps={{ danger: true }}
        cancelText="取消"
        confirmLoading={mutation.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={`${line.activity_name}（${categoryLabel(line)} ${formatCredits(line.amount)} 分）`}
          description="冲销不会删除原记录：原记录标记为“已冲销”，并新增一条冲销记录；两者都不计入学分。如需更正，请冲销后重新录入。"
        />
        {mutation.isError && <ProblemAlert problem={mutation.error} />}
        <Form form={form} layout="vertical" name="reverse" onFinish={finish}>
          <Form.Item name="reason" label="冲销原因" rules={[{ required: true, whitespace: true, message: "请填写冲销原因" }]}>
            <Input.TextArea rows={3} maxLength={200} showCount placeholder="例如：证书学分录入错误" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** 人员达标详情: one person's year with every record and where it counted. */
export default function PersonYearPage() {
  const { personId = "", year: yearParam = "" } = useParams();
  const year = Number(yearParam);
  const navigate = useNavigate();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const detail = useQuery({
    queryKey: ["person-year", personId, year],
    queryFn: () =>
      unwrap(api.GET("/api/v1/people/{id}/compliance/{year}", { params: { path: { id: personId, year } } })),
    enabled: Number.isInteger(year),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["person-year", personId] });
    void queryClient.invalidateQueries({ queryKey: ["compliance"] });
  };

  if (detail.isLoading) return <Spin size="large" />;
  if (detail.isError) {
    if (detail.error instanceof ApiProblem && [403, 404].includes(detail.error.status)) {
      return <NotFoundOrForbidden backTo="/compliance" backLabel="返回达标情况查询" />;
    }
    return <ProblemAlert problem={detail.error} />;
  }
  const d = detail.data!;
  const p = d.person;
  const mayReverse = can("review_credits") && !d.locked;
  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 16 }}
        items={[{ title: <Link to={`/compliance?year=${year}`}>达标情况查询</Link> }, { title: `${p.name} · ${year} 年度` }]}
      />
      <Card
        title={
          <Space>
            <span data-testid="person-name">{p.name}</span>
            <YearSelect value={year} onChange={(y) => navigate(`/compliance/people/${personId}/${y}`)} />
          </Space>
        }
        extra={
          <Space wrap>
            {can("enter_credits") && !d.locked && (
              <Button
                type="primary"
                icon={<EditOutlined />}
                onClick={() => navigate(`/credit-entry?person=${personId}&year=${year}`)}
                data-testid="enter-credit"
              >
                录入学分
              </Button>
            )}
            {can("record_course") && d.course && !d.course.completed && !d.locked && (
              <RecordCompletionButton personId={personId} year={year} course={d.course} />
            )}
            <RegistrationFormButtons personId={personId} year={year} name={p.name} />
          </Space>
        }
        style={{ marginBottom: 16 }}
      >
        <Descriptions size="small" column={{ xs: 1, md: 4 }}>
          <Descriptions.Item label="身份证号">
            <IdNumber value={p.id_number_masked} />
          </Descriptions.Item>
          <Descriptions.Item label="类别">{labelOf(DISCIPLINE_LABELS, p.discipline)}</Descriptions.Item>
          <Descriptions.Item label="职称">{p.title ? p.title.name : "—"}</Descriptions.Item>
          <Descriptions.Item label="状态">{labelOf(PERSON_STATUS_LABELS, p.status)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <PersonYearView
        data={d}
        actions={
          mayReverse
            ? (line) =>
                line.state === "valid" || line.state === "draft" ? <ReverseButton line={line} onDone={refresh} /> : null
            : undefined
        }
      />
    </>
  );
}
