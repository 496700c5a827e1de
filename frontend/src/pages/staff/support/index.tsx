import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Select, Space, Spin, Typography } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, ApiProblem, unwrap } from "../../../api/client";
import { publicClient } from "../../../api/public";
import { useAuth } from "../../../auth/AuthProvider";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { formatDateTime } from "../../../utils/format";
import { applyProblem } from "../../../utils/formErrors";

interface EntryForm {
  phone?: string;
  hours?: string;
  contacts: { name: string; phone: string }[];
  qq_groups: { number: string }[];
  note?: string;
}

const FIELDS = ["phone", "hours", "contacts", "qq_groups", "note"] as const;

/**
 * 技术支持维护: an office keeps its own entry of the public help desk
 * (`/support`): its line, contacts and QQ groups. The province's offices
 * keep any office's entry (they choose it from the list).
 */
export default function SupportEditPage() {
  const { message } = App.useApp();
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<EntryForm>();
  const [other, setOther] = useState<string[]>([]);
  const mine = useQuery({ queryKey: ["support", "mine"], queryFn: () => unwrap(api.GET("/api/v1/support/mine")) });
  const province = me?.role === "province_western" || me?.role === "province_tcm";
  const desk = useQuery({
    queryKey: ["public-support"],
    queryFn: () => unwrap(publicClient.GET("/api/v1/public/support")),
    enabled: province,
  });
  const regions = useQuery({
    queryKey: ["regions", "offices"],
    queryFn: () => unwrap(api.GET("/api/v1/regions")),
    enabled: province,
  });
  const [regionId, setRegionId] = useState<string | null>(null);
  const chosen = regionId ?? mine.data?.region_id ?? null;
  const entry =
    chosen === mine.data?.region_id ? mine.data?.entry : desk.data?.entries.find((e) => e.region_id === chosen);

  useEffect(() => {
    form.resetFields();
    form.setFieldsValue({
      phone: entry?.phone ?? undefined,
      hours: entry?.hours ?? undefined,
      contacts: entry?.contacts ?? [],
      qq_groups: (entry?.qq_groups ?? []).map((number) => ({ number })),
      note: entry?.note ?? undefined,
    });
    setOther([]);
  }, [entry, chosen, form]);

  const save = useMutation({
    mutationFn: (v: EntryForm) =>
      unwrap(
        api.PUT("/api/v1/support/{id}", {
          params: { path: { id: chosen! } },
          body: {
            phone: v.phone ?? null,
            hours: v.hours ?? null,
            contacts: (v.contacts ?? []).map((c) => ({ name: c.name ?? "", phone: c.phone ?? "" })),
            qq_groups: (v.qq_groups ?? []).map((g) => g.number ?? ""),
            note: v.note ?? null,
          },
        }),
      ),
    onSuccess: async () => {
      void message.success("技术支持信息已保存");
      await queryClient.invalidateQueries({ queryKey: ["support"] });
      await queryClient.invalidateQueries({ queryKey: ["public-support"] });
    },
    onError: (problem) => {
      if (!(problem instanceof ApiProblem)) return setOther(["保存失败，请稍后再试"]);
      // The form holds QQ groups as objects: qq_groups[1] → qq_groups[1].number.
      const rename = Object.fromEntries(
        problem.errors.filter((e) => /^qq_groups\[\d+\]$/.test(e.field)).map((e) => [e.field, `${e.field}.number`]),
      );
      setOther(applyProblem(form, problem, FIELDS, { rename }));
    },
  });

  if (mine.isLoading) return <Spin />;
  if (mine.isError) return <ProblemAlert problem={mine.error} />;
  const offices = (regions.data ?? []).map((r) => ({ value: r.id, label: r.level === "province" ? `${r.name}（省直单位）` : r.name }));
  const chosenName = offices.find((o) => o.value === chosen)?.label ?? mine.data?.region_name;

  return (
    <Card title={<PageTitle>技术支持维护</PageTitle>} extra={<Link to="/support">查看公开页面</Link>}>
      <Typography.Paragraph type="secondary">
        这里维护的电话、联系人和 QQ 群显示在登录页的“技术支持服务”页面上，供医务人员和各单位查找。
        {province ? "省级办公室可以维护各州市、县区的条目。" : "本办公室只能维护自己的条目。"}
      </Typography.Paragraph>
      {province && (
        <Form.Item label="维护哪个地区的条目" style={{ maxWidth: 480 }}>
          <Select
            aria-label="维护哪个地区的条目"
            showSearch
            optionFilterProp="label"
            loading={regions.isLoading}
            value={chosen ?? undefined}
            options={offices}
            onChange={(v: string) => setRegionId(v)}
          />
        </Form.Item>
      )}
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        {chosenName}
      </Typography.Title>
      {entry ? (
        <Typography.Paragraph type="secondary">最近保存：{formatDateTime(entry.updated_at)}</Typography.Paragraph>
      ) : (
        <Typography.Paragraph type="secondary">尚未填写，保存后即在公开页面显示。</Typography.Paragraph>
      )}
      <Form<EntryForm> form={form} layout="vertical" style={{ maxWidth: 640 }} onFinish={(v) => save.mutate(v)} data-testid="support-form">
        <Form.Item name="phone" label="办公室电话" extra="如 0871-63575660">
          <Input maxLength={30} />
        </Form.Item>
        <Form.Item name="hours" label="服务时间" extra="如 工作日 9:00–17:30">
          <Input maxLength={50} />
        </Form.Item>
        <Form.List name="contacts">
          {(fields, { add, remove }) => (
            <Form.Item label="联系人">
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, "name"]} rules={[{ required: true, message: "请填写姓名" }]}>
                    <Input placeholder="姓名" aria-label="联系人姓名" maxLength={20} />
                  </Form.Item>
                  <Form.Item name={[field.name, "phone"]} rules={[{ required: true, message: "请填写电话" }]}>
                    <Input placeholder="电话" aria-label="联系人电话" maxLength={30} />
                  </Form.Item>
                  <Button aria-label="删除该联系人" icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ name: "", phone: "" })} disabled={fields.length >= 10}>
                添加联系人
              </Button>
            </Form.Item>
          )}
        </Form.List>
        <Form.List name="qq_groups">
          {(fields, { add, remove }) => (
            <Form.Item label="技术服务 QQ 群">
              {fields.map((field) => (
                <Space key={field.key} align="baseline">
                  <Form.Item name={[field.name, "number"]} rules={[{ required: true, message: "请填写群号" }]}>
                    <Input placeholder="群号" aria-label="QQ 群号" maxLength={11} />
                  </Form.Item>
                  <Button aria-label="删除该 QQ 群" icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ number: "" })} disabled={fields.length >= 10}>
                添加 QQ 群
              </Button>
            </Form.Item>
          )}
        </Form.List>
        <Form.Item name="note" label="说明">
          <Input.TextArea rows={2} maxLength={200} showCount />
        </Form.Item>
        {other.length > 0 && <Alert type="error" showIcon message={other.join("；")} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!chosen} data-testid="support-save">
          保存
        </Button>
      </Form>
    </Card>
  );
}
