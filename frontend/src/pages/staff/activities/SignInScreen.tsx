import { CompressOutlined, ExpandOutlined, LeftOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Result, Space, Spin } from "antd";
import QRCode from "qrcode";
import { useEffect, useRef, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { ApiProblem, api, toApiProblem } from "../../../api/client";
import type { SignInCode } from "../../../api/types";
import { categoryLabel } from "../../../components/PersonYearView";
import { formatCredits, formatDateTime } from "../../../utils/format";
import { RETRY_MS, absoluteSignInUrl, clockSkew, nextRefreshDelay, secondsLeft } from "./qrTiming";

interface Rotating {
  code: SignInCode | null;
  /** When the next code is fetched (this clock). */
  dueAt: number | null;
  problem: ApiProblem | null;
}

/** The activity's current code, fetched again shortly after each minute turns. */
function useRotatingCode(activityId: string): Rotating {
  const [state, setState] = useState<Rotating>({ code: null, dueAt: null, problem: null });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const load = async () => {
      let delay = RETRY_MS;
      try {
        const { data, error, response } = await api.GET("/api/v1/activities/{id}/sign-in-code", {
          params: { path: { id: activityId } },
        });
        if (stopped) return;
        if (!response.ok || error !== undefined || !data) {
          const problem = toApiProblem(error, response);
          setState((s) => ({ ...s, problem, dueAt: Date.now() + RETRY_MS }));
          // Not running (cancelled, over) will not change by itself: stop asking.
          if (problem.status === 409 || problem.status === 404 || problem.status === 403) return;
        } else {
          const now = Date.now();
          delay = nextRefreshDelay(data, now, clockSkew(response.headers.get("Date"), now));
          setState({ code: data, dueAt: now + delay, problem: null });
        }
      } catch {
        if (stopped) return;
        setState((s) => ({ ...s, dueAt: Date.now() + RETRY_MS }));
      }
      timer = setTimeout(() => void load(), delay);
    };
    void load();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    };
  }, [activityId]);
  return state;
}

/** A ticking clock for the countdown. */
function useNow(intervalMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

function QrImage({ text }: { text: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(text, { errorCorrectionLevel: "M", margin: 2, width: 720 }).then((url) => {
      if (live) setSrc(url);
    });
    return () => {
      live = false;
    };
  }, [text]);
  if (!src) return <Spin size="large" />;
  return (
    <img
      src={src}
      alt="签到二维码"
      data-testid="sign-in-qr"
      data-url={text}
      style={{ width: "min(62vh, 90vw)", height: "min(62vh, 90vw)", imageRendering: "pixelated", background: "#fff", borderRadius: 8 }}
    />
  );
}

/**
 * 签到大屏: the full-screen page for the event's projector. The QR code
 * carries the absolute URL of `/m/sign-in?code=…` and changes every minute.
 */
export default function SignInScreen() {
  const { activityId = "" } = useParams();
  const navigate = useNavigate();
  const root = useRef<HTMLDivElement>(null);
  const [fullscreen, setFullscreen] = useState(false);
  const now = useNow();
  const rotating = useRotatingCode(activityId);
  const activity = useQuery({
    queryKey: ["activity", activityId],
    queryFn: async () => {
      const { data, error, response } = await api.GET("/api/v1/activities/{id}", { params: { path: { id: activityId } } });
      if (!response.ok || !data) throw toApiProblem(error, response);
      return data;
    },
    // The count of people signed in so far, kept fresh on the screen.
    refetchInterval: 10_000,
  });
  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);
  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.();
  };

  const a = activity.data;
  const code = rotating.code;
  const url = code ? absoluteSignInUrl(code.url, window.location.origin) : null;
  const left = rotating.dueAt !== null ? secondsLeft(rotating.dueAt, now) : null;

  return (
    <div
      ref={root}
      data-testid="sign-in-screen"
      style={{
        minHeight: "100vh",
        background: "linear-gradient(160deg, #002a5c 0%, #001529 100%)",
        color: "#fff",
        display: "flex",
        flexDirection: "column",
        alignItems: "center",
        padding: "24px 16px",
        boxSizing: "border-box",
      }}
    >
      <Space style={{ alignSelf: "stretch", justifyContent: "space-between" }}>
        <Button ghost icon={<LeftOutlined />} onClick={() => navigate(`/activities/${activityId}`)} data-testid="screen-back">
          返回
        </Button>
        <Button ghost icon={fullscreen ? <CompressOutlined /> : <ExpandOutlined />} onClick={toggleFullscreen}>
          {fullscreen ? "退出全屏" : "全屏"}
        </Button>
      </Space>
      <h1 style={{ color: "#fff", fontSize: "clamp(24px, 4vw, 48px)", margin: "8px 0 4px", textAlign: "center" }}>
        {a?.name ?? "继教活动签到"}
      </h1>
      {a && (
        <div style={{ fontSize: "clamp(16px, 2vw, 24px)", opacity: 0.85, marginBottom: 16, textAlign: "center" }}>
          {a.organiser} · {categoryLabel(a)} {formatCredits(a.amount)} 分 · 已签到{" "}
          <b data-testid="screen-count">{a.sign_in_count}</b> 人
        </div>
      )}
      {rotating.problem && !code ? (
        <Result
          status="warning"
          title={<span style={{ color: "#fff" }}>{rotating.problem.detail ?? rotating.problem.title}</span>}
          data-testid="screen-problem"
        />
      ) : url ? (
        <>
          <QrImage text={url} />
          <div style={{ marginTop: 16, fontSize: "clamp(16px, 2.2vw, 28px)", textAlign: "center" }}>
            请用手机登录学员中心后扫码签到
          </div>
          <div style={{ marginTop: 8, fontSize: "clamp(14px, 1.6vw, 20px)", opacity: 0.8 }} data-testid="screen-countdown">
            {left !== null ? `二维码 ${left} 秒后刷新` : ""}
            {code ? ` · 本码有效至 ${formatDateTime(code.expires_at).slice(11)}` : ""}
          </div>
          {rotating.problem && (
            <div style={{ marginTop: 8, color: "#ffccc7" }}>刷新失败，稍后自动重试（{rotating.problem.title}）</div>
          )}
        </>
      ) : (
        <Spin size="large" />
      )}
    </div>
  );
}
