import { useMutation } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input } from "antd";
import { useLocation, useNavigate } from "react-router";
import { ApiProblem, api, fieldPath, unwrap } from "../../../api/client";
import { useAuth } from "../../../auth/AuthProvider";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { useHomeFor } from "../../../navigation";

interface PasswordValues {
  current_password?: string;
  new_password: string;
  confirm: string;
}

/** The server's rule, checked here first: at least 10 characters with letters and digits. */
export function passwordProblem(value: string): string | null {
  if (value.length < 10) return "新密码至少 10 位";
  if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) return "新密码须同时包含字母和数字";
  return null;
}

/** 修改密码; forced (every other page redirects here) while `must_change_password`. */
export default function PasswordPage() {
  const { me, passwordless, replaceTokens, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const homeFor = useHomeFor();
  // The page a sign-in was headed for before the forced change (e.g. a sign-in QR code's link).
  const from = (location.state as { from?: { pathname?: string; search?: string } } | null)?.from;
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordValues>();
  const forced = me?.must_change_password ?? false;
  // A trainee's first sign-in has no password to confirm.
  const asksCurrent = !passwordless;
  const currentOptional = forced && me?.role === "trainee";

  const mutation = useMutation({
    mutationFn: async (values: PasswordValues) => {
      const current = values.current_password?.length ? values.current_password : undefined;
      const pair = await unwrap(
        api.POST("/api/v1/auth/password", {
          body: { new_password: values.new_password, ...(current !== undefined ? { current_password: current } : {}) },
        }),
      );
      return replaceTokens(pair);
    },
    onSuccess(updated) {
      message.success("密码已修改，其他设备上的登录已退出");
      const back = from?.pathname && !from.pathname.endsWith("/login") ? `${from.pathname}${from.search ?? ""}` : null;
      navigate(back ?? homeFor(updated), { replace: true });
    },
    onError(problem) {
      if (problem instanceof ApiProblem && problem.errors.length > 0) {
        form.setFields(
          problem.errors.map((e) => ({ name: fieldPath(e.field) as ["new_password"], errors: [e.message] })),
        );
      }
    },
  });

  return (
    <Card title="修改密码" style={{ maxWidth: 520 }}>
      {forced && (
        <Alert
          type="warning"
          showIcon
          data-testid="password-forced"
          title={passwordless ? "首次登录，请设置登录密码" : "请先修改初始密码"}
          description="修改完成后才能使用系统的其他功能。"
          style={{ marginBottom: 16 }}
        />
      )}
      {mutation.isError && mutation.error instanceof ApiProblem && mutation.error.errors.length === 0 && (
        <div style={{ marginBottom: 16 }}>
          <ProblemAlert problem={mutation.error} />
        </div>
      )}
      <Form<PasswordValues> form={form} name="password" layout="vertical" onFinish={(v) => mutation.mutate(v)}>
        {asksCurrent && (
          <Form.Item
            name="current_password"
            label="当前密码"
            rules={currentOptional ? [] : [{ required: true, message: "请输入当前密码" }]}
            extra={currentOptional ? "尚未设置过密码时留空" : undefined}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
        )}
        <Form.Item
          name="new_password"
          label="新密码"
          extra="至少 10 位，须同时包含字母和数字"
          rules={[
            { required: true, message: "请输入新密码" },
            { validator: async (_, value: string | undefined) => {
                const problem = value ? passwordProblem(value) : null;
                if (problem) throw new Error(problem);
              } },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label="确认新密码"
          dependencies={["new_password"]}
          rules={[
            { required: true, message: "请再次输入新密码" },
            ({ getFieldValue }) => ({
              validator: async (_, value: string | undefined) => {
                if (value && value !== getFieldValue("new_password")) throw new Error("两次输入的密码不一致");
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" loading={mutation.isPending} data-testid="password-submit">
            确认修改
          </Button>
          {forced && (
            <Button type="link" onClick={() => void signOut()}>
              退出登录
            </Button>
          )}
        </Form.Item>
      </Form>
    </Card>
  );
}
