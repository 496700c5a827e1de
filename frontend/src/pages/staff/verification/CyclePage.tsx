import { SaveOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Form, InputNumber, Row, Space, Table, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useState } from "react";
import { api, toApiProblem, unwrap } from "../../../api/client";
import type { Cycle, CycleRequest } from "../../../api/types";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { formatDateTime } from "../../../utils/format";
import { useCycles, useWorkingYear } from "../../../hooks/workingYear";
import { ActorName } from "../../../components/ActorName";

const DATE_FIELDS = [
  { name: "opens_on", label: "开启日期" },
  { name: "data_due", label: "数据上报截止（到省）" },
  { name: "inspection_from", label: "现场抽验开始" },
  { name: "inspection_to", label: "现场抽验结束" },
  { name: "questions_until", label: "问题受理截止" },
  { name: "closes_on", label: "关闭日期" },
] as const;
type DateField = (typeof DATE_FIELDS)[number]["name"];
type CycleForm = Record<DateField, Dayjs | null>;

/** SPEC §5's calendar for year Y: everything in Y+1. */
export function defaultDates(year: number): Record<DateField, string> {
  const y = year + 1;
  return {
    opens_on: `${y}-01-01`,
    data_due: `${y}-03-01`,
    inspection_from: `${y}-04-10`,
    inspection_to: `${y}-05-10`,
    questions_until: `${y}-06-20`,
    closes_on: `${y}-06-30`,
  };
}

/** An opened cycle with the ETag that guards changing it. */
async function fetchCycle(year: number): Promise<{ cycle: Cycle; etag: string | null }> {
  const { data, error, response } = await api.GET("/api/v1/cycles/{year}", { params: { path: { year } } });
  if (!response.ok || error !== undefined) throw toApiProblem(error, response);
  return { cycle: data as Cycle, etag: response.headers.get("ETag") };
}

/** 验证周期设置: the province opens a year's verification and sets its calendar. */
export default function CyclePage() {
  const cycles = useCycles();
  const [year, setYear] = useState<number | null>(null);
  const [form] = Form.useForm<CycleForm>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const working = useWorkingYear();
  const chosen = year ?? working;
  // Only an opened cycle is asked for (with its ETag): the list says which are, so a
  // year not yet opened is an empty form, not a 404.
  const opened = chosen !== undefined && (cycles.data ?? []).some((c) => c.year === chosen);
  const current = useQuery({ queryKey: ["cycle", chosen], queryFn: () => fetchCycle(chosen!), enabled: opened });
  const existing = opened ? (current.data ?? null) : null;
  const loading = chosen === undefined || cycles.isLoading || current.isLoading;

  useEffect(() => {
    if (loading || chosen === undefined) return;
    const dates: Record<DateField, string> = existing ? existing.cycle : defaultDates(chosen);
    form.setFieldsValue(Object.fromEntries(DATE_FIELDS.map((f) => [f.name, dayjs(dates[f.name])])) as CycleForm);
  }, [existing, chosen, loading, form]);

  const save = useMutation({
    mutationFn: (values: CycleForm) => {
      const body = Object.fromEntries(
        DATE_FIELDS.map((f) => [f.name, values[f.name] ? values[f.name]!.format("YYYY-MM-DD") : null]),
      ) as CycleRequest;
      return unwrap(
        api.PUT("/api/v1/cycles/{year}", {
          params: { path: { year: chosen! } },
          body,
          headers: existing?.etag ? { "If-Match": existing.etag } : undefined,
        }),
      );
    },
    onSuccess(cycle) {
      message.success(existing ? "验证周期已保存" : `已开启 ${cycle.year} 年度学分验证`);
      // Listed at once, so that the page asks for the cycle (and its ETag) now that it exists.
      queryClient.setQueryData<Cycle[]>(["cycles"], (list) =>
        [...(list ?? []).filter((c) => c.year !== cycle.year), cycle].sort((a, b) => b.year - a.year),
      );
      void queryClient.invalidateQueries({ queryKey: ["cycles"] });
      void queryClient.invalidateQueries({ queryKey: ["cycle", chosen] });
      void queryClient.invalidateQueries({ queryKey: ["windows"] });
    },
    onError() {
      // A stale ETag (412): reload what is stored now.
      void queryClient.invalidateQueries({ queryKey: ["cycle", chosen] });
    },
  });

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title="验证周期设置" data-testid="cycle-page">
        <Space wrap style={{ marginBottom: 16 }}>
          验证年度
          <InputNumber<number>
            min={2000}
            max={2100}
            value={chosen}
            onChange={(v) => v && setYear(v)}
            data-testid="cycle-year"
          />
          {existing ? (
            <Tag color="processing" data-testid="cycle-phase">
              {existing.cycle.phase_label}
            </Tag>
          ) : (
            !loading && <Tag data-testid="cycle-phase">尚未开启</Tag>
          )}
        </Space>
        {current.isError && <ProblemAlert problem={current.error} />}
        {!existing && !loading && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={`${chosen} 年度的学分验证尚未开启。默认日期按规定（次年 1 月 1 日开启，3 月 1 日前数据上报到省，4 月 10 日至 5 月 10 日现场抽验，6 月 20 日前受理问题，6 月 30 日关闭）。`}
          />
        )}
        <Form form={form} layout="vertical" name="cycle" onFinish={(v) => save.mutate(v)}>
          <Row gutter={16}>
            {DATE_FIELDS.map((f) => (
              <Col key={f.name} xs={24} sm={12} md={8}>
                <Form.Item name={f.name} label={f.label} rules={[{ required: true, message: `请选择${f.label}` }]}>
                  <DatePicker style={{ width: "100%" }} />
                </Form.Item>
              </Col>
            ))}
          </Row>
          {save.isError && (
            <div style={{ marginBottom: 16 }}>
              {save.error.status === 412 && (
                <Alert type="warning" showIcon style={{ marginBottom: 8 }} title="该周期已被他人修改，已载入最新设置，请核对后重新保存。" />
              )}
              <ProblemAlert problem={save.error} />
            </div>
          )}
          <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={save.isPending} disabled={chosen === undefined} data-testid="cycle-save">
            {existing ? "保存" : "开启本年度验证"}
          </Button>
        </Form>
        {existing && (
          <Descriptions size="small" style={{ marginTop: 16 }} column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label="开启">
              <ActorName login={existing.cycle.opened_by} /> {formatDateTime(existing.cycle.opened_at)}
            </Descriptions.Item>
            <Descriptions.Item label="最后修改">
              <ActorName login={existing.cycle.updated_by} /> {formatDateTime(existing.cycle.updated_at)}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card title="已开启的验证周期" size="small">
        {cycles.isError && <ProblemAlert problem={cycles.error} />}
        <Table<Cycle>
          rowKey="year"
          size="small"
          loading={cycles.isLoading}
          dataSource={cycles.data ?? []}
          pagination={false}
          onRow={(c) => ({ onClick: () => setYear(c.year), style: { cursor: "pointer" } })}
          columns={[
            { title: "验证年度", dataIndex: "year", width: 90 },
            { title: "阶段", dataIndex: "phase_label", width: 110, render: (p: string) => <Tag color="processing">{p}</Tag> },
            { title: "开启", dataIndex: "opens_on" },
            { title: "数据上报截止", dataIndex: "data_due" },
            { title: "现场抽验", key: "inspection", render: (_, c) => `${c.inspection_from} 至 ${c.inspection_to}` },
            { title: "问题受理截止", dataIndex: "questions_until" },
            { title: "关闭", dataIndex: "closes_on" },
          ]}
          data-testid="cycles-table"
        />
      </Card>
    </Space>
  );
}
