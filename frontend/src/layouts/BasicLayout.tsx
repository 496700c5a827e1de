import { ApiOutlined, CalculatorOutlined } from "@ant-design/icons";
import { Layout, Menu, Typography } from "antd";
import type { MenuProps } from "antd";
import { Link, Outlet, useLocation } from "react-router";

const items: MenuProps["items"] = [
  { key: "/calculator", icon: <CalculatorOutlined />, label: <Link to="/calculator">学分达标计算器</Link> },
  {
    key: "api-docs",
    icon: <ApiOutlined />,
    // The API documentation is served by the backend, outside the SPA's router.
    label: (
      <a href="/api/docs" target="_blank" rel="noreferrer">
        API 文档
      </a>
    ),
  },
];

/** The application shell: title bar, navigation, page content. */
export default function BasicLayout() {
  const { pathname } = useLocation();
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header style={{ display: "flex", alignItems: "center", gap: 24 }}>
        <Typography.Title level={4} style={{ color: "#fff", margin: 0, whiteSpace: "nowrap" }}>
          云南省继续医学教育学分管理系统
        </Typography.Title>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[pathname]}
          items={items}
          style={{ flex: 1, minWidth: 0 }}
        />
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Outlet />
      </Layout.Content>
      <Layout.Footer style={{ textAlign: "center" }}>云南省继续医学教育学分管理系统</Layout.Footer>
    </Layout>
  );
}
