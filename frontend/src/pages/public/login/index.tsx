import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { Alert, Button, Form, Input } from "antd";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { LoginRequest, Me } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import { PASSWORD_PATH } from "../../../auth/permissions";
import LoginLayout from "../../../layouts/LoginLayout";
import { useHomeFor } from "../../../navigation";
import { signInMessage } from "./signInMessage";

/** Where to go after signing in: the page that sent the user here, if any. */
export function useAfterSignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  const homeFor = useHomeFor();
  const from = (location.state as { from?: { pathname?: string; search?: string } } | null)?.from;
  return (me: Me) => {
    // A forced password change first; the page asked for comes after it.
    if (me.must_change_password) navigate(PASSWORD_PATH, { replace: true, state: from ? { from } : undefined });
    else if (from?.pathname && !from.pathname.endsWith("/login")) navigate(`${from.pathname}${from.search ?? ""}`, { replace: true });
    else navigate(homeFor(me), { replace: true });
  };
}

/** 单位/管理员登录: username and password. */
export default function StaffLoginPage() {
  const { status, me, signIn } = useAuth();
  const afterSignIn = useAfterSignIn();
  const homeFor = useHomeFor();
  const mutation = useMutation({
    mutationFn: async (body: LoginRequest) => signIn(await unwrap(api.POST("/api/v1/auth/login", { body }))),
    onSuccess: afterSignIn,
  });

  if (status === "loading") return <PageLoading />;
  if (status === "signed_in" && me && !mutation.isPending && !mutation.isSuccess) return <Navigate to={homeFor(me)} replace />;

  return (
    <LoginLayout title="单位/管理员登录" footer={<Link to="/trainee/login">学员中心登录 →</Link>}>
      {mutation.isError && (
        <Alert type="error" showIcon title={signInMessage(mutation.error)} style={{ marginBottom: 16 }} data-testid="login-error" />
      )}
      <Form<LoginRequest> name="login" layout="vertical" requiredMark={false} onFinish={(values) => mutation.mutate(values)}>
        <Form.Item name="username" label="用户名" rules={[{ required: true, whitespace: true, message: "请输入用户名" }]}>
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label="密码" rules={[{ required: true, message: "请输入密码" }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={mutation.isPending} data-testid="login-submit">
          登录
        </Button>
      </Form>
    </LoginLayout>
  );
}
