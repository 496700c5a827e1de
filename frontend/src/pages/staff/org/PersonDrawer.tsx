import { EyeOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Modal, Space, Spin, Table, Tag } from "antd";
import { useEffect, useState } from "react";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { Department, PersonTitle } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { ProblemAlert } from "../../../components/ProblemAlert";
import {
  DISCIPLINE_LABELS,
  GENDER_LABELS,
  PERSON_STATUS_LABELS,
  TITLE_LEVEL_LABELS,
  labelOf,
} from "../../../constants/enums";
import { submitModalForm } from "../../../utils/modalForm";

/** Asks why, then reveals a full ID number (the server audits every reveal). */
function RevealButton({ personId, onRevealed }: { personId: string; onRevealed: (idNumber: string) => void }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const mutation = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST("/api/v1/people/{id}/reveal-id-number", { params: { path: { id: personId } }, body: { reason } })),
    onSuccess(result) {
      onRevealed(result.id_number);
      setOpen(false);
      form.resetFields();
    },
  });
  const finish = (v: { reason: string }) => mutation.mutate(v.reason.trim());
  return (
    <>
      <Button size="small" icon={<EyeOutlined />} onClick={() => setOpen(true)} data-testid="reveal-id-number">
        查看完整身份证号
      </Button>
      <Modal
        title="查看完整身份证号"
        open={open}
        okText="查看"
        cancelText="取消"
        confirmLoading={mutation.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Alert type="info" showIcon title="查看完整身份证号将记入审计日志。" style={{ marginBottom: 16 }} />
        {mutation.isError && mutation.error instanceof ApiProblem && <ProblemAlert problem={mutation.error} />}
        <Form form={form} layout="vertical" name="reveal" onFinish={finish}>
          <Form.Item
            name="reason"
            label="查看原因"
            rules={[{ required: true, whitespace: true, message: "请填写查看原因" }]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount placeholder="例如：核对证书信息" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** A person's details: masked ID (revealable with the permission), title history. */
export function PersonDrawer({
  personId,
  departments = [],
  onClose,
}: {
  personId: string | null;
  departments?: Department[];
  onClose: () => void;
}) {
  const { can } = useAuth();
  const { message } = App.useApp();
  const [revealed, setRevealed] = useState<string | null>(null);
  useEffect(() => setRevealed(null), [personId]);
  const person = useQuery({
    queryKey: ["person", personId],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}", { params: { path: { id: personId! } } })),
    enabled: personId !== null,
  });
  const p = person.data;
  const department = p?.department_id ? departments.find((d) => d.id === p.department_id)?.name : undefined;

  return (
    <Drawer title={p?.name ?? "人员详情"} open={personId !== null} onClose={onClose} size={560} data-testid="person-drawer">
      {person.isLoading && <Spin />}
      {person.isError && <ProblemAlert problem={person.error} />}
      {p && (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label="姓名">{p.name}</Descriptions.Item>
            <Descriptions.Item label="性别">{labelOf(GENDER_LABELS, p.gender)}</Descriptions.Item>
            <Descriptions.Item label="身份证号">
              <Space>
                <span style={{ fontFamily: "monospace" }} data-testid="person-id-number">
                  {revealed ?? p.id_number_masked}
                </span>
                {revealed === null && can("reveal_id_number") && (
                  <RevealButton
                    personId={p.id}
                    onRevealed={(id) => {
                      setRevealed(id);
                      message.info("已记入审计日志");
                    }}
                  />
                )}
              </Space>
            </Descriptions.Item>
            {department && <Descriptions.Item label="科室">{department}</Descriptions.Item>}
            <Descriptions.Item label="类别">{labelOf(DISCIPLINE_LABELS, p.discipline)}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <Tag>{labelOf(PERSON_STATUS_LABELS, p.status)}</Tag>
            </Descriptions.Item>
          </Descriptions>
          <Table<PersonTitle>
            title={() => "职称记录"}
            rowKey={(t) => `${t.name}-${t.obtained_on}`}
            size="small"
            pagination={false}
            dataSource={p.titles ?? []}
            columns={[
              { title: "职称", dataIndex: "name" },
              { title: "级别", dataIndex: "level", render: (l: string) => labelOf(TITLE_LEVEL_LABELS, l) },
              { title: "取得日期", dataIndex: "obtained_on" },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}
