import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate, useSearchParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { SignInResult } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import { PASSWORD_PATH } from "../../../auth/permissions";
import { categoryLabel } from "../../../components/creditWords";
import TraineeLayout from "../../../layouts/TraineeLayout";
import { Alert, Button, ButtonLink, Card, Loading, TextArea, type Tone } from "../../../light";
import { formatCredits } from "../../../utils/format";
import { Scanner, canScan } from "./Scanner";
import { type SignInOutcome, extractCode, signInOutcome } from "./code";

function Success({ result }: { result: SignInResult }) {
  return (
    <Card testId="sign-in-success">
      <div className="lk-stack" style={{ gap: 6, textAlign: "center" }}>
        <div style={{ fontSize: 22, fontWeight: 600, color: "#237804" }}>✓ 签到成功</div>
        <strong>{result.activity_name}</strong>
        <span className="lk-muted">{result.organiser}</span>
        <span data-testid="sign-in-credit">
          {categoryLabel(result)} {formatCredits(result.amount)} 分，已计入 {result.year} 年度
        </span>
        <ButtonLink to={`/my-credits/${result.year}`} variant="primary" block>
          查看我的学分
        </ButtonLink>
      </div>
    </Card>
  );
}

const OUTCOME_VIEW: Record<SignInOutcome["kind"], { type: Tone; title: string }> = {
  expired: { type: "warning", title: "签到码已过期" },
  invalid: { type: "error", title: "签到码无效" },
  already: { type: "info", title: "已签到" },
  forbidden: { type: "error", title: "无法签到" },
  other: { type: "error", title: "签到失败" },
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
    <Alert type={view.type} title={view.title} testId="sign-in-refused" data-kind={outcome.kind}>
      {/* The title says it already when the server's words are the same. */}
      <div data-testid="sign-in-message" style={outcome.message === view.title ? { display: "none" } : undefined}>
        {outcome.message}
      </div>
      {hint && <div>{hint}</div>}
    </Alert>
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
  const [typed, setTyped] = useState("");
  const [codeError, setCodeError] = useState<string | null>(null);
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
        setCodeError(text.trim() === "" ? "请粘贴签到码或签到链接" : "没有识别到签到码");
        return;
      }
      setCodeError(null);
      setScanning(false);
      mutate(code);
    },
    [mutate],
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
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit(typed);
  };
  return (
    <TraineeLayout title="活动签到">
      {!can("claim_activity") ? (
        <Alert type="error" title="请使用学员账号签到">
          活动签到仅限学员本人，请退出后在“学员中心登录”。
        </Alert>
      ) : (
        <div className="lk-stack" data-testid="mobile-sign-in">
          {mutation.isPending && (
            <Card>
              <Loading label="正在签到" />
              <p style={{ textAlign: "center", margin: 0 }}>正在签到…</p>
            </Card>
          )}
          {mutation.isSuccess && <Success result={mutation.data} />}
          {refused && <Refused outcome={refused} />}
          <Card title={mutation.isSuccess ? "继续签到其他活动" : "扫描大屏上的签到二维码"}>
            {scanning ? (
              <Scanner onRead={submit} onClose={() => setScanning(false)} />
            ) : canScan() ? (
              <Button variant="primary" block onClick={() => setScanning(true)} data-testid="scan">
                打开摄像头扫码
              </Button>
            ) : (
              <p className="lk-muted" style={{ margin: 0 }}>
                也可以用手机相机或微信扫描大屏二维码，在浏览器中打开后自动签到。
              </p>
            )}
          </Card>
          <Card title="或粘贴签到码">
            <form name="sign_in" noValidate onSubmit={onSubmit}>
              <TextArea
                id="sign_in_code"
                label="签到码或签到链接"
                rows={3}
                autoComplete="off"
                value={typed}
                error={codeError}
                onChange={(e) => {
                  setTyped(e.target.value);
                  setCodeError(null);
                }}
                data-testid="sign-in-code"
              />
              <Button type="submit" variant="primary" block loading={mutation.isPending} data-testid="sign-in-submit">
                签到
              </Button>
            </form>
          </Card>
        </div>
      )}
    </TraineeLayout>
  );
}
