import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, Navigate } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { Captcha } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import { Alert, Button, PasswordField, Spinner, TextField } from "../../../light";
import { SignInFrame } from "../../../light/frames";
import { useHomeFor } from "../../../navigation";
import { SignInNotices } from "../login";
import { useAfterSignIn } from "../login/afterSignIn";

interface TraineeLoginValues {
  id_number: string;
  name: string;
  captcha_answer: string;
  password: string;
}

type Errors = Partial<Record<keyof TraineeLoginValues, string>>;

const EMPTY: TraineeLoginValues = { id_number: "", name: "", captcha_answer: "", password: "" };

/** What is wrong with the form before it is sent (the same rules as before). */
export function traineeLoginErrors(v: TraineeLoginValues): Errors {
  const errors: Errors = {};
  if (v.id_number.trim() === "") errors.id_number = "请输入身份证号";
  else if (!/^\s*\d{17}[\dXx]\s*$/.test(v.id_number)) errors.id_number = "身份证号为 18 位";
  if (v.name.trim() === "") errors.name = "请输入姓名";
  if (v.captcha_answer.trim() === "") errors.captcha_answer = "请输入验证码";
  return errors;
}

function CaptchaImage({ captcha, loading, onRefresh }: { captcha: Captcha | undefined; loading: boolean; onRefresh: () => void }) {
  return (
    <div className="lk-row" style={{ flexWrap: "nowrap" }}>
      <div style={{ width: 120, height: 44, display: "flex", alignItems: "center", justifyContent: "center", border: "1px solid #d9d9d9", borderRadius: 6, flex: "none", overflow: "hidden" }}>
        {captcha && !loading ? (
          // The image is a picture of the code; the button beside it is the way to a new one.
          <img src={captcha.image} alt="验证码" width={120} height={40} data-testid="captcha-image" style={{ cursor: "pointer" }} onClick={onRefresh} />
        ) : (
          <Spinner label="验证码加载中" />
        )}
      </div>
      <Button onClick={onRefresh} data-testid="captcha-refresh" style={{ flex: "none" }}>
        换一张
      </Button>
    </div>
  );
}

/**
 * 学员中心登录: ID number, name and an image captcha, then the trainee's own
 * password; on the first sign-in there is none yet, and the next page sets it.
 * Drawn without antd: a phone on a county link opens it first.
 */
export default function TraineeLoginPage() {
  const { status, me, signIn } = useAuth();
  const afterSignIn = useAfterSignIn();
  const homeFor = useHomeFor();
  const [values, setValues] = useState<TraineeLoginValues>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const captcha = useQuery({
    queryKey: ["auth", "captcha"],
    queryFn: () => unwrap(api.GET("/api/v1/auth/captcha")),
    staleTime: 0,
    gcTime: 0,
    // A captcha expires; fetch a fresh one a little before it does.
    refetchInterval: (query) => Math.max(((query.state.data?.expires_in ?? 120) - 5) * 1000, 5_000),
  });
  const refreshCaptcha = () => {
    setValues((v) => ({ ...v, captcha_answer: "" }));
    void captcha.refetch();
  };

  const mutation = useMutation({
    mutationFn: async (v: TraineeLoginValues) => {
      const current = captcha.data;
      if (!current) throw new ApiProblem({ title: "验证码未加载", status: 0, code: "captcha_invalid" });
      const password = v.password.length ? v.password : undefined;
      const pair = await unwrap(
        api.POST("/api/v1/auth/trainee/login", {
          body: {
            id_number: v.id_number.trim().toUpperCase(),
            name: v.name.trim(),
            captcha_id: current.captcha_id,
            captcha_answer: v.captcha_answer.trim(),
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

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = traineeLoginErrors(values);
    setErrors(found);
    if (Object.keys(found).length === 0) mutation.mutate(values);
  };
  const field = (name: keyof TraineeLoginValues) => ({
    id: `trainee_login_${name}`,
    name,
    value: values[name],
    error: errors[name],
    onChange: (e: { target: { value: string } }) => {
      setValues((v) => ({ ...v, [name]: e.target.value }));
      setErrors((v) => ({ ...v, [name]: undefined }));
    },
  });

  return (
    <SignInFrame title="学员中心登录" footer={<Link to="/login">单位/管理员登录 →</Link>}>
      <form name="trainee_login" noValidate onSubmit={onSubmit}>
        <SignInNotices error={mutation.isError ? mutation.error : null}>
          {captcha.isError && <Alert type="warning" title="验证码加载失败，请点击“换一张”" />}
        </SignInNotices>
        <TextField {...field("id_number")} label="身份证号" maxLength={18} autoComplete="username" autoCapitalize="characters" autoFocus />
        <TextField {...field("name")} label="姓名" autoComplete="name" />
        <TextField
          {...field("captcha_answer")}
          label="验证码"
          autoComplete="off"
          autoCapitalize="none"
          hint={<CaptchaImage captcha={captcha.data} loading={captcha.isFetching} onRefresh={refreshCaptcha} />}
        />
        <PasswordField {...field("password")} label="密码" autoComplete="current-password" hint="首次登录尚未设置密码，请留空，登录后设置。" />
        <Button type="submit" variant="primary" block loading={mutation.isPending} data-testid="login-submit">
          登录
        </Button>
      </form>
    </SignInFrame>
  );
}
