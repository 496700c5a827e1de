import { CameraOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { Alert, Button, Card, Form, Input, Result, Space, Typography } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { SignInResult } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import { PASSWORD_PATH } from "../../../auth/permissions";
import { categoryLabel } from "../../../components/PersonYearView";
import MobileLayout from "../../../layouts/MobileLayout";
import { formatCredits } from "../../../utils/format";
import { Scanner, canScan } from "./Scanner";
import { type SignInOutcome, extractCode, signInOutcome } from "./code";

function Success({ result }: { result: SignInResult }) {
  return (
    <Result
      status="success"
      title="签到成功"
      data-testid="sign-in-success"
      subTitle={
        <Space orientation="vertical" size={2}>
          <Typography.Text strong>{result.activity_name}</Typography.Text>
          <span>{result.organiser}</span>
          <span data-testid="sign-in-credit">
            {categoryLabel(result)} {formatCredits(result.amount)} 分，已计入 {result.year} 年度
          </span>
        </Space>
      }
      extra={
        <Link to={`/my-credits/${result.year}`}>
          <Button type="primary" block>
            查看我的学分
          </Button>
        </Link>
      }
    />
  );
}

const OUTCOME_VIEW: Record<SignInOutcome["kind"], { status: "warning" | "info" | "error"; title: string }> = {
  expired: { status: "warning", title: "签到码已过期" },
  invalid: { status: "error", title: "签到码无效" },
  already: { status: "info", title: "已签到" },
  forbidden: { status: "error", title: "无法签到" },
  other: { status: "error", title: "签到失败" },
};

function Refused({ outcome }: { outcome: SignInOutcome }) {
  const view = OUTCOME_VIEW[outcome.kind];
  const hint =
    outcome.kind === "expired"
      ? "二维码每分钟更新一次，请重新扫描大屏上当前的二维码。"
      : outcome.kind === "invalid"
        ? "请确认扫描的是活动现场大屏上的签到二维码。"
        : null;
  return (
    <Alert
      type={view.status}
      showIcon
      data-testid="sign-in-refused"
      data-kind={outcome.kind}
      title={view.title}
      description={
        <>
          {/* The title says it already when the server's words are the same. */}
          <div data-testid="sign-in-message" style={outcome.message === view.title ? { display: "none" } : undefined}>
            {outcome.message}
          </div>
          {hint && <div>{hint}</div>}
        </>
      }
      style={{ marginBottom: 12 }}
    />
  );
}

/**
 * 活动签到 (the trainee's phone): a code in the URL (the QR code's link) is
 * sent as soon as the trainee is signed in; otherwise the camera (where the
 * browser reads QR codes) or a pasted code.
 */
export default function MobileSignInPage() {
  const { status, me, can } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const urlCode = extractCode(search.get("code"));
  const [scanning, setScanning] = useState(false);
  const [form] = Form.useForm<{ code: string }>();
  const sent = useRef<string | null>(null);

  const mutation = useMutation({
    mutationFn: (code: string) => unwrap(api.POST("/api/v1/activities/sign-in", { body: { code } })),
  });
  // `mutate` is stable across renders; the camera's callback must be too.
  const { mutate } = mutation;
  const submit = useCallback(
    (text: string) => {
      const code = extractCode(text);
      if (!code) {
        form.setFields([{ name: "code", errors: ["没有识别到签到码"] }]);
        return;
      }
      setScanning(false);
      mutate(code);
    },
    [form, mutate],
  );

  const ready = status === "signed_in" && me !== null && !me.must_change_password && can("claim_activity");
  // The QR code's link: send its code once, then drop it from the address
  // so that a reload does not send it again.
  useEffect(() => {
    if (!ready || !urlCode || sent.current === urlCode) return;
    sent.current = urlCode;
    mutate(urlCode);
    navigate("/m/sign-in", { replace: true });
  }, [ready, urlCode, mutate, navigate]);

  if (status === "loading") return <PageLoading />;
  if (status === "signed_out" || !me) {
    return <Navigate to="/trainee/login" replace state={{ from: location }} />;
  }
  if (me.must_change_password) return <Navigate to={PASSWORD_PATH} replace state={{ from: location }} />;

  const refused = mutation.error instanceof ApiProblem ? signInOutcome(mutation.error) : null;
  return (
    <MobileLayout title="活动签到">
      {!can("claim_activity") ? (
        <Result status="403" title="请使用学员账号签到" subTitle="活动签到仅限学员本人，请退出后在“学员中心登录”。" />
      ) : (
        <Space orientation="vertical" size={12} style={{ width: "100%" }} data-testid="mobile-sign-in">
          {mutation.isPending && (
            <Card>
              <Result status="info" title="正在签到…" />
            </Card>
          )}
          {mutation.isSuccess && (
            <Card>
              <Success result={mutation.data} />
            </Card>
          )}
          {refused && <Refused outcome={refused} />}
          <Card title={mutation.isSuccess ? "继续签到其他活动" : "扫描大屏上的签到二维码"} size="small">
            {scanning ? (
              <Scanner onRead={submit} onClose={() => setScanning(false)} />
            ) : canScan() ? (
              <Button type="primary" size="large" block icon={<CameraOutlined />} onClick={() => setScanning(true)} data-testid="scan">
                打开摄像头扫码
              </Button>
            ) : (
              <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
                也可以用手机相机或微信扫描大屏二维码，在浏览器中打开后自动签到。
              </Typography.Paragraph>
            )}
          </Card>
          <Card title="或粘贴签到码" size="small">
            <Form
              form={form}
              name="sign_in"
              layout="vertical"
              requiredMark={false}
              onFinish={(v) => submit(v.code)}
            >
              <Form.Item name="code" rules={[{ required: true, whitespace: true, message: "请粘贴签到码或签到链接" }]}>
                <Input.TextArea rows={3} placeholder="签到码或签到链接" autoComplete="off" data-testid="sign-in-code" />
              </Form.Item>
              <Button type="primary" htmlType="submit" size="large" block loading={mutation.isPending} data-testid="sign-in-submit">
                签到
              </Button>
            </Form>
          </Card>
        </Space>
      )}
    </MobileLayout>
  );
}
