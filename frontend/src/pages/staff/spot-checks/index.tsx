import { ExperimentOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { CheckSummary, DrawRequest, SpotCheckKind } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import { labelOf } from "../../../constants/enums";
import { formatDateTime } from "../../../utils/format";
import { useCycles, useWorkingYear } from "../../../hooks/workingYear";
import { type DrawForm, type RateUnit, drawRequestOf, rateError, seedError, serializeDrawRequest } from "./logic";
import { ClosedTag, KIND_LABELS, SeedText, isProvinceOffice } from "./shared";
import { pagesOf } from "../../../components/paging";
import { ActorName } from "../../../components/ActorName";

/**
 * The draw form's starting values: a redraw or a re-inspection passes them in the URL. Without a
 * year there, `year` is left for the working year (DrawCard fills it once known).
 */
function initialForm(search: URLSearchParams, year: number | undefined): Omit<DrawForm, "year"> & { year: number | undefined } {
  const num = (k: string) => {
    const v = search.get(k);
    return v === null || v === "" || !Number.isFinite(Number(v)) ? null : Number(v);
  };
  const kind = search.get("kind") === "on_site" ? "on_site" : "sample";
  const permille = num("rate_permille");
  return {
    kind,
    year: num("year") ?? year,
    rate: permille ?? 10,
    rateUnit: permille !== null ? "permille" : "percent",
    perUnitMin: num("per_unit_min") ?? (kind === "on_site" ? 0 : 1),
    institutions: num("institutions") ?? (kind === "on_site" && !search.get("unit_id") ? 3 : null),
    unitId: search.get("unit_id"),
    seed: search.get("seed") ?? "",
    note: search.get("unit_id") ? "现场复查：合格率低于95%退回后的复查" : "",
  };
}

function DrawCard({ defaultYear }: { defaultYear: number | undefined }) {
  const { me } = useAuth();
  const province = isProvinceOffice(me?.role);
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<DrawForm>();
  const kind = Form.useWatch("kind", form) as SpotCheckKind | undefined;
  const rateUnit = Form.useWatch("rateUnit", form) as RateUnit | undefined;
  const unitId = Form.useWatch("unitId", form) as string | null | undefined;
  // A redraw or re-inspection link fills the form; the working year fills an untouched year.
  const initial = useMemo(() => initialForm(search, undefined), [search]);
  useEffect(() => {
    // Without a year in the URL the year field keeps what it holds (the working year, or the user's).
    const { year, ...rest } = initial;
    form.setFieldsValue(year === undefined ? rest : { ...rest, year });
  }, [form, initial]);
  useEffect(() => {
    if (defaultYear !== undefined && !search.get("year") && !form.isFieldTouched("year")) form.setFieldValue("year", defaultYear);
  }, [form, defaultYear, search]);

  const draw = useMutation({
    mutationFn: (values: DrawForm) => {
      const { body, seed } = drawRequestOf(values);
      return unwrap(
        api.POST("/api/v1/spot-checks", {
          body: body as DrawRequest,
          // Seeds may exceed 2^53: written as bare digits (see serializeDrawRequest).
          bodySerializer: () => serializeDrawRequest(body, seed),
        }),
      );
    },
    onSuccess(check) {
      void queryClient.invalidateQueries({ queryKey: ["spot-checks"] });
      queryClient.setQueryData(["spot-check", check.id], check);
      navigate(`/spot-checks/${check.id}`);
    },
  });

  return (
    <Card title="新建抽验" size="small" data-testid="draw-card">
      {search.get("unit_id") && (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} title="对退回单位进行现场复查：仅抽取该单位本年度已完成验证的人员。" />
      )}
      <Form<DrawForm> form={form} layout="vertical" initialValues={initial} onFinish={(v) => draw.mutate(v)} name="draw">
        <Form.Item name="kind" label="方式">
          <Radio.Group
            optionType="button"
            options={[
              { value: "sample", label: "抽验（本级审核链下已完成验证的记录）" },
              { value: "on_site", label: "现场抽验（随机抽取单位）", disabled: !province },
            ]}
            data-testid="draw-kind"
          />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="year" label="验证年度" rules={[{ required: true, message: "请填写年度" }]}>
              <InputNumber min={2015} max={2100} style={{ width: "100%" }} data-testid="draw-year" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16}>
            <Form.Item label="抽样比例" required>
              <Space.Compact style={{ width: "100%" }}>
                <Form.Item
                  name="rate"
                  noStyle
                  dependencies={["rateUnit"]}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: (_, value: number | null) => {
                        const error = rateError(value, getFieldValue("rateUnit") as RateUnit);
                        return error ? Promise.reject(new Error(error)) : Promise.resolve();
                      },
                    }),
                  ]}
                >
                  <InputNumber min={0} max={rateUnit === "permille" ? 1000 : 100} style={{ width: "100%" }} data-testid="draw-rate" />
                </Form.Item>
                <Form.Item name="rateUnit" noStyle>
                  <Select<RateUnit>
                    style={{ width: 90 }}
                    options={[
                      { value: "percent", label: "%" },
                      { value: "permille", label: "‰" },
                    ]}
                    data-testid="draw-rate-unit"
                  />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="perUnitMin" label="每单位至少抽取（人）" tooltip="按比例不足时至少抽取的人数（不超过该单位已完成人数）">
              <InputNumber min={0} max={1000} precision={0} style={{ width: "100%" }} data-testid="draw-min" />
            </Form.Item>
          </Col>
          {kind === "on_site" && (
            <>
              <Col xs={24} sm={8}>
                <Form.Item
                  name="institutions"
                  label="抽取单位数"
                  rules={[{ required: !unitId, message: "请填写抽取的单位数" }]}
                >
                  <InputNumber min={1} max={500} precision={0} disabled={!!unitId} style={{ width: "100%" }} data-testid="draw-institutions" />
                </Form.Item>
              </Col>
              <Col xs={24} sm={8}>
                <Form.Item name="unitId" label="复查单位（可选）" tooltip="指定一个单位复查，而不随机抽取单位">
                  <UnitSelect />
                </Form.Item>
              </Col>
            </>
          )}
        </Row>
        <Form.Item
          name="seed"
          label="随机种子（可选）"
          tooltip="相同的种子在相同的记录上抽出相同的样本；留空则随机生成，抽取后显示"
          rules={[{ validator: (_, v: string) => (seedError(v) ? Promise.reject(new Error(seedError(v)!)) : Promise.resolve()) }]}
        >
          <Input placeholder="留空则随机生成；填写已有抽验的种子可复现其样本" style={{ fontFamily: "monospace" }} data-testid="draw-seed" />
        </Form.Item>
        <Form.Item name="note" label="备注">
          <Input.TextArea rows={2} maxLength={500} showCount data-testid="draw-note" />
        </Form.Item>
        {draw.isError && (
          <div style={{ marginBottom: 12 }}>
            <ProblemAlert problem={draw.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" icon={<ExperimentOutlined />} loading={draw.isPending} data-testid="draw-submit">
          抽取
        </Button>
      </Form>
    </Card>
  );
}

/** 抽验 / 现场抽验: draw a check and list the office's checks. */
export default function SpotChecksPage() {
  const cycles = useCycles();
  const workingYear = useWorkingYear();
  const [year, setYear] = useState<number | undefined>();
  const list = useQuery({
    queryKey: ["spot-checks", year ?? null],
    queryFn: () => unwrap(api.GET("/api/v1/spot-checks", { params: { query: { year } } })),
  });
  const columns: ColumnsType<CheckSummary> = [
    {
      title: "抽验",
      key: "open",
      width: 120,
      render: (_, c) => (
        <Link to={`/spot-checks/${c.id}`} data-testid="check-open">
          {labelOf(KIND_LABELS, c.kind)} · {c.year}
        </Link>
      ),
    },
    { title: "随机种子", dataIndex: "seed", width: 220, render: (s: string) => <Typography.Text copyable={{ text: s }}><SeedText seed={s} /></Typography.Text> },
    { title: "候选记录", dataIndex: "candidates", width: 90, align: "right" },
    { title: "状态", dataIndex: "closed", width: 90, render: (c: boolean) => <ClosedTag closed={c} /> },
    { title: "发起人", dataIndex: "created_by", width: 200, render: (login: string) => <ActorName login={login} /> },
    { title: "抽取时间", dataIndex: "created_at", width: 170, render: (t: string) => formatDateTime(t) },
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="spot-checks">
      <Typography.Title level={4} style={{ margin: 0 }}>
        抽验 / 现场抽验
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        按单位分层随机抽取已完成验证的人员，逐人登记合格或不合格；结束抽验时，合格率低于 95% 的单位本年度全部人员退回单位重新验证，其证书暂停使用，复查合格后恢复。
      </Typography.Paragraph>
      <DrawCard defaultYear={workingYear} />
      <Card
        title="本机构的抽验"
        size="small"
        extra={
          <Select<number>
            allowClear
            placeholder="全部年度"
            value={year}
            onChange={setYear}
            options={(cycles.data ?? []).map((c) => ({ value: c.year, label: `${c.year} 年度` }))}
            style={{ width: 130 }}
          />
        }
      >
        {list.isError && <ProblemAlert problem={list.error} />}
        <Table<CheckSummary>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.isLoading}
          pagination={pagesOf(list.data?.length ?? 0, 20)}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: "尚无抽验" }}
          data-testid="checks-table"
        />
      </Card>
    </Space>
  );
}
