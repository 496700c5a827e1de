import { IdcardOutlined, LockOutlined, ReloadOutlined, SafetyOutlined, UserOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Button, Form, Input, Space, Spin } from "antd";
import { Link, Navigate } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { Captcha } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import LoginLayout from "../../../layouts/LoginLayout";
import { useHomeFor } from "../../../navigation";
import { useAfterSignIn } from "../login";
import { signInMessage } from "../login/signInMessage";

interface TraineeLoginValues {
  id_number: string;
  name: string;
  captcha_answer: string;
  password?: string;
}

function CaptchaImage({ captcha, loading, onRefresh }: { captcha: Captcha | undefined; loading: boolean; onRefresh: () => void }) {
  return (
    <Space>
      <div style={{ width: 120, height: 40, display: "flex", alignItems: "center", justifyContent: "center", border: "1px solid #d9d9d9" }}>
        {captcha && !loading ? (
          <img src={captcha.image} alt="验证码" width={120} height={40} data-testid="captcha-image" style={{ cursor: "pointer" }} onClick={onRefresh} />
        ) : (
          <Spin size="small" />
        )}
      </div>
      <Button icon={<ReloadOutlined />} onClick={onRefresh} aria-label="换一张" data-testid="captcha-refresh">
        换一张
      </Button>
    </Space>
  );
}

/**
 * 学员中心登录: ID number, name and an image captcha, then the trainee's own
 * password; on the first sign-in there is none yet, and the next page sets it.
 */
export default function TraineeLoginPage() {
  const { status, me, signIn } = useAuth();
  const afterSignIn = useAfterSignIn();
  const homeFor = useHomeFor();
  const [form] = Form.useForm<TraineeLoginValues>();
  const captcha = useQuery({
    queryKey: ["auth", "captcha"],
    queryFn: () => unwrap(api.GET("/api/v1/auth/captcha")),
    staleTime: 0,
    gcTime: 0,
    // A captcha expires; fetch a fresh one a little before it does.
    refetchInterval: (query) => Math.max(((query.state.data?.expires_in ?? 120) - 5) * 1000, 5_000),
  });
  const refreshCaptcha = () => {
    form.setFieldValue("captcha_answer", "");
    void captcha.refetch();
  };

  const mutation = useMutation({
    mutationFn: async (values: TraineeLoginValues) => {
      const current = captcha.data;
      if (!current) throw new ApiProblem({ title: "验证码未加载", status: 0, code: "captcha_invalid" });
      const password = values.password?.length ? values.password : undefined;
      const pair = await unwrap(
        api.POST("/api/v1/auth/trainee/login", {
          body: {
            id_number: values.id_number.trim().toUpperCase(),
            name: values.name.trim(),
            captcha_id: current.captcha_id,
            captcha_answer: values.captcha_answer.trim(),
            ...(password ? { password } : {}),
          },
        }),
      );
      return signIn(pair, { passwordless: !password });
    },
    onSuccess: afterSignIn,
    // A captcha is single use: any failed attempt needs a new one.
    onError: refreshCaptcha,
  });

  if (status === "loading") return <PageLoading />;
  if (status === "signed_in" && me && !mutation.isPending && !mutation.isSuccess) return <Navigate to={homeFor(me)} replace />;

  return (
    <LoginLayout title="学员中心登录" footer={<Link to="/login">单位/管理员登录 →</Link>}>
      {mutation.isError && (
        <Alert type="error" showIcon title={signInMessage(mutation.error)} style={{ marginBottom: 16 }} data-testid="login-error" />
      )}
      {captcha.isError && <Alert type="warning" showIcon title="验证码加载失败，请点击“换一张”" style={{ marginBottom: 16 }} />}
      <Form<TraineeLoginValues> form={form} name="trainee_login" layout="vertical" requiredMark={false} onFinish={(v) => mutation.mutate(v)}>
        <Form.Item
          name="id_number"
          label="身份证号"
          rules={[
            { required: true, whitespace: true, message: "请输入身份证号" },
            { pattern: /^\s*\d{17}[\dXx]\s*$/, message: "身份证号为 18 位" },
          ]}
        >
          <Input prefix={<IdcardOutlined />} maxLength={18} autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: "请输入姓名" }]}>
          <Input prefix={<UserOutlined />} autoComplete="name" />
        </Form.Item>
        <Form.Item label="验证码" htmlFor="trainee_login_captcha_answer" required>
          <Space align="start">
            <Form.Item name="captcha_answer" noStyle rules={[{ required: true, whitespace: true, message: "请输入验证码" }]}>
              <Input prefix={<SafetyOutlined />} style={{ width: 140 }} autoComplete="off" />
            </Form.Item>
            <CaptchaImage captcha={captcha.data} loading={captcha.isFetching} onRefresh={refreshCaptcha} />
          </Space>
        </Form.Item>
        <Form.Item name="password" label="密码" extra="首次登录尚未设置密码，请留空，登录后设置。">
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={mutation.isPending} data-testid="login-submit">
          登录
        </Button>
      </Form>
    </LoginLayout>
  );
}
