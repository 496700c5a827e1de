import { EditOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Modal, Space, Tag, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { SubmissionWindow, TierWindows, WindowTier } from "../../../api/types";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { labelOf } from "../../../constants/enums";
import { WINDOW_TIER_LABELS } from "../../../constants/verification";
import { formatDateTime } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";
import {
  WINDOW_STATUS_COLORS,
  WINDOW_STATUS_LABELS,
  fromBeijingPicker,
  toBeijingPicker,
  windowRange,
  windowStatus,
} from "./logic";
import { CycleSelect, NoCycle, useCycleYear } from "./shared";
import { ActorName } from "../../../components/ActorName";

function WindowLine({ window, testId }: { window: SubmissionWindow; testId: string }) {
  const status = windowStatus(window);
  return (
    <Space wrap data-testid={testId}>
      <span>{windowRange(window)}</span>
      <Tag color={WINDOW_STATUS_COLORS[status]}>{WINDOW_STATUS_LABELS[status]}</Tag>
    </Space>
  );
}

/** 截止时间设置: an office sets, for each tier of units below it, the submission window inside its parent's. */
export default function WindowsPage() {
  const [cycleYear, setCycleYear, cycles] = useCycleYear();
  const [editing, setEditing] = useState<TierWindows | null>(null);
  const [form] = Form.useForm<{ range: [Dayjs, Dayjs] }>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const windows = useQuery({
    queryKey: ["windows", cycleYear],
    queryFn: () => unwrap(api.GET("/api/v1/cycles/{year}/windows", { params: { path: { year: cycleYear! } } })),
    enabled: cycleYear !== undefined,
  });
  const save = useMutation({
    mutationFn: ({ tier, range }: { tier: WindowTier; range: [Dayjs, Dayjs] }) =>
      unwrap(
        api.PUT("/api/v1/cycles/{year}/windows/{tier}", {
          params: { path: { year: cycleYear!, tier } },
          body: { starts_at: fromBeijingPicker(range[0], "start"), ends_at: fromBeijingPicker(range[1], "end") },
        }),
      ),
    onSuccess(data) {
      queryClient.setQueryData(["windows", cycleYear], data);
      message.success("截止时间已保存");
      setEditing(null);
    },
  });
  const finish = (v: { range: [Dayjs, Dayjs] }) => editing && save.mutate({ tier: editing.tier, range: v.range });
  const open = (t: TierWindows) => {
    save.reset();
    setEditing(t);
    const w = t.own ?? t.effective;
    form.setFieldsValue({ range: [toBeijingPicker(w.starts_at), toBeijingPicker(w.ends_at)] });
  };

  return (
    <Card
      title={`截止时间设置${windows.data?.region_name ? ` · ${windows.data.region_name}` : ""}`}
      extra={<CycleSelect value={cycleYear} onChange={setCycleYear} />}
      data-testid="windows-page"
    >
      {cycles.isError && <ProblemAlert problem={cycles.error} />}
      {!cycles.isLoading && cycleYear === undefined && <NoCycle />}
      {windows.isError && <ProblemAlert problem={windows.error} />}
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="为下级各层级单位设置学分验证上报的起止时间（北京时间），须在上级设置的时间之内；未设置时沿用上级的时间。不在上报时间内的上报将被拒绝。"
      />
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        {(windows.data?.tiers ?? []).map((t) => (
          <Card
            key={t.tier}
            size="small"
            type="inner"
            title={t.tier_label}
            data-testid={`window-${t.tier}`}
            extra={
              <Button icon={<EditOutlined />} onClick={() => open(t)} data-testid={`window-edit-${t.tier}`}>
                设置
              </Button>
            }
          >
            <Descriptions size="small" column={1}>
              <Descriptions.Item label="上级设置">
                <WindowLine window={t.parent} testId="window-parent" />
              </Descriptions.Item>
              <Descriptions.Item label="本级设置">
                {t.own ? (
                  <Space wrap>
                    <WindowLine window={t.own} testId="window-own" />
                    <Typography.Text type="secondary">
                      <ActorName login={t.own.set_by} /> {formatDateTime(t.own.set_at)}
                    </Typography.Text>
                  </Space>
                ) : (
                  <Typography.Text type="secondary" data-testid="window-own">
                    未设置（沿用上级）
                  </Typography.Text>
                )}
              </Descriptions.Item>
              <Descriptions.Item label="当前生效">
                <WindowLine window={t.effective} testId="window-effective" />
              </Descriptions.Item>
            </Descriptions>
          </Card>
        ))}
      </Space>
      <Modal
        title={`设置${editing ? labelOf(WINDOW_TIER_LABELS, editing.tier) : ""}时间`}
        open={editing !== null}
        okText="保存"
        cancelText="取消"
        confirmLoading={save.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setEditing(null)}
        forceRender
      >
        {editing && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title={`须在上级设置的 ${windowRange(editing.parent)} 之内（北京时间）`} />
        )}
        <Form form={form} layout="vertical" name="window" onFinish={finish}>
          <Form.Item name="range" label="上报起止时间（北京时间）" rules={[{ required: true, message: "请选择起止时间" }]}>
            <DatePicker.RangePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" style={{ width: "100%" }} />
          </Form.Item>
        </Form>
        {save.isError && <ProblemAlert problem={save.error} />}
      </Modal>
    </Card>
  );
}
