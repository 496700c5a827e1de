import type { ReactNode } from "react";
import { Link, Navigate, useLocation } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { PASSWORD_PATH } from "../auth/permissions";
import { Button, Page, TabBar, type TabItem } from "../light";
import { useNotifications } from "../pages/notifications/api";

/* Outline icons for the tab bar, drawn inline: an icon font would cost more than the page. */
const svg = (d: string) => (
  <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <path d={d} />
  </svg>
);

/** The trainee's four places: 学分 / 签到 / 证书 / 我的. */
export const TRAINEE_TABS: readonly TabItem[] = [
  { to: "/my-credits", label: "学分", icon: svg("M4 20V10m6 10V4m6 16v-7m4 7H2") },
  { to: "/m/sign-in", label: "签到", icon: svg("M4 8V4h4M16 4h4v4M20 16v4h-4M8 20H4v-4M9 9h6v6H9z") },
  { to: "/my-certificates", label: "证书", icon: svg("M5 3h14v13H5zM9 16l-1 5 4-2 4 2-1-5M9 8h6M9 11h4") },
  { to: "/my-profile", label: "我的", icon: svg("M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0") },
];

/**
 * The trainee's frame, drawn without antd: a slim header whose title is the
 * page's one h1, sign-out, and the tab bar (at the bottom of a phone, under
 * the header on a wide screen). Sends a forced password change first.
 */
export default function TraineeLayout({ title, children }: { title: string; children: ReactNode }) {
  const { me, signOut } = useAuth();
  const location = useLocation();
  const unread = useNotifications().data?.unread ?? 0;
  if (me?.must_change_password) return <Navigate to={PASSWORD_PATH} replace state={{ from: location }} />;
  return (
    <Page className="lk-with-tabbar">
      <header className="lk-header">
        <h1 className="lk-header-title">{title}</h1>
        {me && (
          <Link
            to="/my-notifications"
            className="lk-bell"
            aria-label={unread > 0 ? `提醒（${unread} 条未读）` : "提醒"}
            data-testid="bell"
            style={{ flex: "none", position: "relative", display: "inline-flex", padding: 8, color: "inherit" }}
          >
            <span style={{ width: 22, height: 22, display: "inline-block" }}>{svg("M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0")}</span>
            {unread > 0 && (
              <span
                data-testid="bell-count"
                style={{ position: "absolute", top: 0, right: 0, minWidth: 16, height: 16, borderRadius: 8, background: "#cf1322", color: "#fff", fontSize: 11, lineHeight: "16px", textAlign: "center", padding: "0 4px" }}
              >
                {unread > 99 ? "99+" : unread}
              </span>
            )}
          </Link>
        )}
        {me && (
          <Button variant="text" onClick={() => void signOut()} data-testid="sign-out" style={{ flex: "none" }}>
            退出
          </Button>
        )}
      </header>
      <TabBar items={TRAINEE_TABS} label="学员中心" />
      <main className="lk-main">{children}</main>
    </Page>
  );
}
