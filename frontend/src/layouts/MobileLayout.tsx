import { LogoutOutlined, TrophyOutlined } from "@ant-design/icons";
import { Button, Layout, Space, Typography } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { useAuth } from "../auth/AuthProvider";

/** A phone's frame: a slim header, one narrow column. */
export default function MobileLayout({ title, children }: { title: string; children: ReactNode }) {
  const { me, signOut } = useAuth();
  return (
    <Layout style={{ minHeight: "100vh", background: "#f5f5f5" }}>
      <Layout.Header
        style={{ display: "flex", alignItems: "center", justifyContent: "space-between", padding: "0 12px", height: 52, lineHeight: "52px" }}
      >
        {/* The page's title, its one h1 (a phone page has no card title). */}
        <Typography.Title level={1} style={{ color: "#fff", margin: 0, fontSize: 16, lineHeight: "inherit", whiteSpace: "nowrap" }}>
          {title}
        </Typography.Title>
        {me && (
          <Space size={4}>
            <Link to="/my-credits">
              <Button type="text" size="small" style={{ color: "#fff" }} icon={<TrophyOutlined />}>
                我的学分
              </Button>
            </Link>
            <Button
              type="text"
              size="small"
              style={{ color: "#fff" }}
              icon={<LogoutOutlined />}
              aria-label="退出登录"
              onClick={() => void signOut()}
            />
          </Space>
        )}
      </Layout.Header>
      <Layout.Content style={{ padding: 12, width: "100%", maxWidth: 520, margin: "0 auto", boxSizing: "border-box" }}>
        {children}
      </Layout.Content>
    </Layout>
  );
}
