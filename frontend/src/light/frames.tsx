import type { ReactNode } from "react";
import { Link } from "react-router";
import { Page } from ".";

const SYSTEM_NAME = "云南省继续医学教育学分管理系统";

/** The sign-in pages' frame: the system's name, then one card whose title is the page's h1. */
export function SignInFrame({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <Page>
      <header className="lk-header">
        <Link to="/calculator" className="lk-header-title" style={{ textDecoration: "none" }}>
          {SYSTEM_NAME}
        </Link>
      </header>
      <main className="lk-main lk-main-narrow">
        <div className="lk-card">
          <h1 className="lk-card-title" style={{ fontSize: 20, marginBottom: 16 }}>
            {title}
          </h1>
          {children}
          {footer && <div style={{ marginTop: 16, textAlign: "center" }}>{footer}</div>}
        </div>
        <p className="lk-muted" style={{ textAlign: "center", marginTop: 16 }}>
          遇到问题？<Link to="/support">技术支持服务</Link>
        </p>
      </main>
    </Page>
  );
}

/** The public pages' frame: the title bar is the page's h1; a narrow column. */
export function PublicFrame({ children, title = "学分验证合格证书查验" }: { children: ReactNode; title?: string }) {
  return (
    <Page>
      <header className="lk-header">
        <h1 className="lk-header-title">{title}</h1>
      </header>
      <main className="lk-main">{children}</main>
      <footer className="lk-footer lk-stack" style={{ gap: 4 }}>
        <Link to="/verify">按证书编号和验证码查验</Link>
        <Link to="/support">技术支持服务</Link>
        <span>{SYSTEM_NAME}</span>
      </footer>
    </Page>
  );
}
