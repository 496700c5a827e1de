import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, Navigate } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { LoginRequest } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import { Alert, Button, PasswordField, TextField } from "../../../light";
import { SignInFrame } from "../../../light/frames";
import { useHomeFor } from "../../../navigation";
import { useAfterSignIn, useSignInState } from "./afterSignIn";
import { signInMessage } from "./signInMessage";

/** Above the form: that the session ended under the user, and why a sign-in failed. */
export function SignInNotices({ error, children }: { error: unknown; children?: ReactNode }) {
  const { expired } = useSignInState();
  if (expired !== true && !error && !children) return null;
  return (
    <div className="lk-stack" style={{ marginBottom: 16 }}>
      {expired === true && !error && <Alert type="warning" title="登录已失效，请重新登录" testId="login-expired" />}
      {Boolean(error) && <Alert type="error" title={signInMessage(error)} testId="login-error" />}
      {children}
    </div>
  );
}

/** 单位/管理员登录: username and password. Drawn without antd (a phone opens it first). */
export default function StaffLoginPage() {
  const { status, me, signIn } = useAuth();
  const afterSignIn = useAfterSignIn();
  const homeFor = useHomeFor();
  const [values, setValues] = useState<LoginRequest>({ username: "", password: "" });
  const [errors, setErrors] = useState<Partial<Record<keyof LoginRequest, string>>>({});
  const mutation = useMutation({
    mutationFn: async (body: LoginRequest) => signIn(await unwrap(api.POST("/api/v1/auth/login", { body }))),
    onSuccess: afterSignIn,
  });

  if (status === "loading") return <PageLoading />;
  if (status === "signed_in" && me && !mutation.isPending && !mutation.isSuccess) return <Navigate to={homeFor(me)} replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      username: values.username.trim() === "" ? "请输入用户名" : undefined,
      password: values.password === "" ? "请输入密码" : undefined,
    };
    setErrors(found);
    if (!found.username && !found.password) mutation.mutate(values);
  };
  const set = (field: keyof LoginRequest) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: e.target.value }));
    setErrors((v) => ({ ...v, [field]: undefined }));
  };

  return (
    <SignInFrame title="单位/管理员登录" footer={<Link to="/trainee/login">学员中心登录 →</Link>}>
      <form name="login" noValidate onSubmit={onSubmit}>
        <SignInNotices error={mutation.isError ? mutation.error : null} />
        <TextField
          id="login_username"
          name="username"
          label="用户名"
          autoComplete="username"
          autoCapitalize="none"
          autoFocus
          value={values.username}
          onChange={set("username")}
          error={errors.username}
        />
        <PasswordField
          id="login_password"
          name="password"
          label="密码"
          autoComplete="current-password"
          value={values.password}
          onChange={set("password")}
          error={errors.password}
        />
        <Button type="submit" variant="primary" block loading={mutation.isPending} data-testid="login-submit">
          登录
        </Button>
      </form>
    </SignInFrame>
  );
}
