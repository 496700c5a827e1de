import { Card, Layout, Typography } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { PageTitle } from "../components/PageTitle";

/** The sign-in pages' frame: no menu, a centred card. */
export default function LoginLayout({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header style={{ display: "flex", alignItems: "center" }}>
        <Link to="/calculator">
          <Typography.Text strong style={{ color: "#fff", fontSize: 20, whiteSpace: "nowrap" }}>
            云南省继续医学教育学分管理系统
          </Typography.Text>
        </Link>
      </Layout.Header>
      <Layout.Content style={{ display: "flex", justifyContent: "center", alignItems: "flex-start", padding: "64px 16px" }}>
        <Card title={<PageTitle>{title}</PageTitle>} style={{ width: 420, maxWidth: "100%" }}>
          {children}
          {footer && <div style={{ marginTop: 16, textAlign: "center" }}>{footer}</div>}
        </Card>
      </Layout.Content>
    </Layout>
  );
}
