import {
  ApiOutlined,
  AuditOutlined,
  CalculatorOutlined,
  ClusterOutlined,
  DownOutlined,
  IdcardOutlined,
  KeyOutlined,
  LoginOutlined,
  LogoutOutlined,
  TeamOutlined,
  UserOutlined,
} from "@ant-design/icons";
import { Button, Dropdown, Layout, Menu, Space, Tag, Typography } from "antd";
import type { MenuProps } from "antd";
import type { ReactNode } from "react";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { PASSWORD_PATH, navFor } from "../auth/permissions";

const ICONS: Record<string, ReactNode> = {
  "/calculator": <CalculatorOutlined />,
  "/org": <ClusterOutlined />,
  "/accounts": <TeamOutlined />,
  "/api-clients": <KeyOutlined />,
  "/audit": <AuditOutlined />,
  "/me": <IdcardOutlined />,
};

/** The menu key of a location: its first path segment (`/org/units/1` → `/org`). */
function selectedKey(pathname: string): string {
  const first = pathname.split("/").filter(Boolean)[0];
  return first ? `/${first}` : "/";
}

function UserMenu() {
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  if (!me) {
    return (
      <Space>
        <Link to="/login">
          <Button type="primary" icon={<LoginOutlined />}>
            单位/管理员登录
          </Button>
        </Link>
        <Link to="/trainee/login">
          <Button ghost>学员登录</Button>
        </Link>
      </Space>
    );
  }
  const items: MenuProps["items"] = [
    { key: "password", icon: <KeyOutlined />, label: "修改密码" },
    { type: "divider" },
    { key: "logout", icon: <LogoutOutlined />, label: "退出登录" },
    { key: "logout-all", icon: <LogoutOutlined />, label: "退出所有设备", danger: true },
  ];
  const onClick: MenuProps["onClick"] = ({ key }) => {
    if (key === "password") navigate(PASSWORD_PATH);
    else if (key === "logout") void signOut();
    else if (key === "logout-all") void signOut({ everywhere: true });
  };
  return (
    <Space size="middle" style={{ color: "#fff", whiteSpace: "nowrap" }}>
      <span data-testid="header-organisation">
        <Tag color="blue" data-testid="header-role" style={{ marginInlineEnd: 8 }}>
          {me.role_label}
        </Tag>
        {me.organisation.name}
      </span>
      <Dropdown menu={{ items, onClick }} trigger={["click"]}>
        <Button type="text" style={{ color: "#fff" }} data-testid="user-menu">
          <UserOutlined /> {me.display_name} <DownOutlined />
        </Button>
      </Dropdown>
    </Space>
  );
}

/** The application shell: title bar, the menu the role may use, the user menu, page content. */
export default function BasicLayout() {
  const { pathname } = useLocation();
  const { me } = useAuth();

  // A password that must be changed comes before everything else.
  if (me?.must_change_password && pathname !== PASSWORD_PATH) {
    return <Navigate to={PASSWORD_PATH} replace />;
  }

  const items: MenuProps["items"] = [
    ...navFor(me).map((item) => ({
      key: item.path,
      icon: ICONS[item.path],
      label: <Link to={item.path}>{item.label}</Link>,
    })),
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

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header style={{ display: "flex", alignItems: "center", justifyContent: "space-between", gap: 24 }}>
        <Typography.Title level={4} style={{ color: "#fff", margin: 0, whiteSpace: "nowrap" }}>
          云南省继续医学教育学分管理系统
        </Typography.Title>
        <UserMenu />
      </Layout.Header>
      <Layout>
        <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
          <Menu
            mode="inline"
            selectedKeys={[selectedKey(pathname)]}
            items={items}
            style={{ height: "100%", borderInlineEnd: 0 }}
            data-testid="main-menu"
          />
        </Layout.Sider>
        <Layout>
          <Layout.Content style={{ padding: 24 }}>
            <Outlet />
          </Layout.Content>
          <Layout.Footer style={{ textAlign: "center" }}>云南省继续医学教育学分管理系统</Layout.Footer>
        </Layout>
      </Layout>
    </Layout>
  );
}
