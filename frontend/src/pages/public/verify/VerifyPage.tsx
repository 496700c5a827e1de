import { SearchOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Form, Input, Typography } from "antd";
import { useSearchParams } from "react-router";
import { publicByNumber } from "../../certificates/api";
import { checkCodeProblem, normaliseCode } from "../../certificates/logic";
import { Loading, LookupFailed, PublicCertificateView, PublicShell } from "./PublicCertificateView";

interface LookupForm {
  number: string;
  code: string;
}

/** `/verify`: anyone checks a certificate by its number and the 8-character 验证码 printed on it. */
export default function VerifyPage() {
  const [search, setSearch] = useSearchParams();
  const number = (search.get("number") ?? "").trim();
  const code = normaliseCode(search.get("code") ?? "");
  const ready = number !== "" && checkCodeProblem(code) === null;
  const lookup = useQuery({
    queryKey: ["public-certificate", "number", number, code],
    queryFn: () => publicByNumber(number, code),
    enabled: ready,
    retry: false,
  });
  const [form] = Form.useForm<LookupForm>();
  return (
    <PublicShell>
      <div data-testid="public-lookup-page">
        <Card size="small" title="证书查验" style={{ marginBottom: 12 }}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
            输入证书上的证书编号和 8 位验证码，或用手机扫描证书上的二维码。
          </Typography.Paragraph>
          <Form<LookupForm>
            form={form}
            name="lookup"
            layout="vertical"
            initialValues={{ number, code: search.get("code") ?? "" }}
            onFinish={(v) => setSearch({ number: v.number.trim(), code: normaliseCode(v.code) })}
          >
            <Form.Item name="number" label="证书编号" rules={[{ required: true, whitespace: true, message: "请输入证书编号" }]}>
              <Input placeholder="如 2021-530125-000123" autoComplete="off" inputMode="text" maxLength={40} />
            </Form.Item>
            <Form.Item
              name="code"
              label="验证码"
              rules={[
                {
                  validator: (_, value: string | undefined) => {
                    const problem = checkCodeProblem(value);
                    return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
                  },
                },
              ]}
            >
              <Input placeholder="8 位字母或数字" autoComplete="off" maxLength={12} style={{ fontFamily: "monospace" }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} block loading={lookup.isFetching} data-testid="lookup-submit">
              查验
            </Button>
          </Form>
        </Card>
        {lookup.isFetching && !lookup.data && <Loading />}
        {lookup.isError && <LookupFailed problem={lookup.error} />}
        {lookup.data && <PublicCertificateView certificate={lookup.data} />}
      </div>
    </PublicShell>
  );
}
