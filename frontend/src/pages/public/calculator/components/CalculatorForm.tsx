import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Form, InputNumber, Radio, Select, Space, Switch } from "antd";
import type { FormInstance } from "antd";
import {
  CREDIT_KIND_LABELS,
  CREDIT_SOURCE_LABELS,
  DISCIPLINE_LABELS,
  TITLE_LEVEL_LABELS,
  UNIT_LEVEL_LABELS,
  options,
} from "../../../../constants/enums";
import { useStandardYears } from "../../../../hooks/workingYear";
import { INITIAL_VALUES, titleApplies, type CalculatorFormValues } from "../mapping";

interface Props {
  form: FormInstance<CalculatorFormValues>;
  submitting: boolean;
  onSubmit: (values: CalculatorFormValues) => void;
}

/** The profile and the credits of the what-if calculator. */
export function CalculatorForm({ form, submitting, onSubmit }: Props) {
  const unitLevel = Form.useWatch("unit_level", form);
  const hasTitle = titleApplies(unitLevel);
  const year = Form.useWatch("year", form);
  const standardYears = useStandardYears();
  // The years with a standard (what the engine can evaluate), and the one chosen.
  const years = [...new Set([...(standardYears.data ?? []), ...(year ? [year] : [])])].sort((a, b) => b - a);

  return (
    <Form<CalculatorFormValues>
      form={form}
      name="calculator"
      layout="vertical"
      initialValues={INITIAL_VALUES}
      onFinish={onSubmit}
      requiredMark={false}
    >
      <Form.Item label="年度" name="year" rules={[{ required: true, message: "请选择年度" }]}>
        <Select
          style={{ width: 160 }}
          loading={standardYears.isLoading}
          options={years.map((y) => ({ value: y, label: `${y} 年度` }))}
          data-testid="calculator-year"
        />
      </Form.Item>
      <Form.Item label="单位级别" name="unit_level" rules={[{ required: true, message: "请选择单位级别" }]}>
        <Radio.Group optionType="button" options={options(UNIT_LEVEL_LABELS)} />
      </Form.Item>
      <Form.Item
        label="职称级别"
        name="title_level"
        extra={hasTitle ? undefined : "乡镇/社区及乡村医生不分职称"}
        rules={[{ required: hasTitle, message: "请选择职称级别" }]}
      >
        <Radio.Group optionType="button" disabled={!hasTitle} options={options(TITLE_LEVEL_LABELS)} />
      </Form.Item>
      <Form.Item label="专业类别" name="discipline" rules={[{ required: true, message: "请选择专业类别" }]}>
        <Radio.Group optionType="button" options={options(DISCIPLINE_LABELS)} />
      </Form.Item>
      <Form.Item label="已完成全员培训（公需科目）" name="mandatory_course_completed" valuePropName="checked">
        <Switch checkedChildren="已完成" unCheckedChildren="未完成" />
      </Form.Item>

      <Form.Item label="学分">
        <Form.List name="credits">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space
                  key={field.key}
                  align="baseline"
                  wrap
                  data-testid={`credit-row-${field.name}`}
                  style={{ display: "flex", marginBottom: 4 }}
                >
                  <Form.Item name={[field.name, "kind"]} rules={[{ required: true, message: "请选择类别" }]}>
                    <Select
                      style={{ width: 120 }}
                      placeholder="类别"
                      options={options(CREDIT_KIND_LABELS)}
                    />
                  </Form.Item>
                  <Form.Item
                    noStyle
                    shouldUpdate={(prev: CalculatorFormValues, next: CalculatorFormValues) =>
                      prev.credits?.[field.name]?.kind !== next.credits?.[field.name]?.kind
                    }
                  >
                    {({ getFieldValue }) =>
                      getFieldValue(["credits", field.name, "kind"]) === "project" ? (
                        <Form.Item
                          name={[field.name, "source"]}
                          rules={[{ required: true, message: "请选择来源" }]}
                        >
                          <Select
                            style={{ width: 140 }}
                            placeholder="来源"
                            options={options(CREDIT_SOURCE_LABELS)}
                          />
                        </Form.Item>
                      ) : (
                        <Form.Item>
                          <span style={{ display: "inline-block", width: 140, color: "rgba(0,0,0,0.45)" }}>
                            —
                          </span>
                        </Form.Item>
                      )
                    }
                  </Form.Item>
                  <Form.Item name={[field.name, "amount"]} rules={[{ required: true, message: "请输入学分" }]}>
                    <InputNumber min={0.1} step={0.5} precision={1} placeholder="学分" style={{ width: 120 }} />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    data-testid={`credit-remove-${field.name}`}
                  >
                    删除
                  </Button>
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => add({ kind: "project", source: "national", amount: null })}
                data-testid="credit-add"
              >
                添加学分
              </Button>
            </>
          )}
        </Form.List>
      </Form.Item>

      <Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="calculate-submit">
          计算
        </Button>
      </Form.Item>
    </Form>
  );
}
