import {
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CalculatorOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  CopyrightOutlined,
  DownOutlined,
  EditOutlined,
  ExperimentOutlined,
  FieldTimeOutlined,
  FileSearchOutlined,
  FormOutlined,
  FundOutlined,
  IdcardOutlined,
  KeyOutlined,
  LoginOutlined,
  LogoutOutlined,
  MenuOutlined,
  NumberOutlined,
  NotificationOutlined,
  PrinterOutlined,
  QrcodeOutlined,
  ReadOutlined,
  SafetyCertificateOutlined,
  SlidersOutlined,
  SendOutlined,
  SolutionOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
} from "@ant-design/icons";
import { Button, Dropdown, Grid, Layout, Menu, Space, Tag, Typography } from "antd";
import type { MenuProps } from "antd";
import type { ReactNode } from "react";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { PASSWORD_PATH, navFor } from "../auth/permissions";

const ICONS: Record<string, ReactNode> = {
  "/calculator": <CalculatorOutlined />,
  "/org": <ClusterOutlined />,
  "/staff": <SolutionOutlined />,
  "/compliance": <FileSearchOutlined />,
  "/credit-entry": <EditOutlined />,
  "/credit-drafts": <SendOutlined />,
  "/credit-reports": <CheckSquareOutlined />,
  "/verification-cycle": <CalendarOutlined />,
  "/verification-windows": <FieldTimeOutlined />,
  "/verification-submit": <CloudUploadOutlined />,
  "/verification-review": <SafetyCertificateOutlined />,
  "/certificate-numbers": <NumberOutlined />,
  "/verification-stats": <BarChartOutlined />,
  "/spot-checks": <ExperimentOutlined />,
  "/reports": <FundOutlined />,
  "/standard-editor": <SlidersOutlined />,
  "/activities": <NotificationOutlined />,
  "/courses": <ReadOutlined />,
  "/my-credits": <TrophyOutlined />,
  "/my-certificates": <SafetyCertificateOutlined />,
  "/seal": <CopyrightOutlined />,
  "/certificates": <PrinterOutlined />,
  "/title-corrections": <FormOutlined />,
  "/title-correction-review": <AuditOutlined />,
  "/m/sign-in": <QrcodeOutlined />,
  "/people-import": <BookOutlined />,
  "/accounts": <TeamOutlined />,
  "/api-clients": <KeyOutlined />,
  "/audit": <AuditOutlined />,
  "/me": <IdcardOutlined />,
};

/** The menu key of a location: its first path segment (`/org/units/1` → `/org`; `/m/sign-in` whole). */
function selectedKey(pathname: string): string {
  const parts = pathname.split("/").filter(Boolean);
  if (parts[0] === "m" && parts[1]) return `/m/${parts[1]}`;
  return parts[0] ? `/${parts[0]}` : "/";
}

function UserMenu({ compact }: { compact: boolean }) {
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
        <Tag color="blue" data-testid="header-role" style={{ marginInlineEnd: compact ? 0 : 8 }}>
          {me.role_label}
        </Tag>
        {!compact && me.organisation.name}
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
  // Phones (trainees checking their credits) get a short title and no organisation name.
  const screens = Grid.useBreakpoint();
  const compact = screens.xs === true;

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
      <Layout.Header
        style={{ display: "flex", alignItems: "center", justifyContent: "space-between", gap: compact ? 8 : 24, paddingInline: compact ? 12 : undefined }}
      >
        <Space size={4}>
          {compact && (
            // On a phone the menu folds into the header instead of a side bar.
            <Dropdown menu={{ items, selectedKeys: [selectedKey(pathname)] }} trigger={["click"]}>
              <Button type="text" icon={<MenuOutlined />} style={{ color: "#fff" }} aria-label="菜单" data-testid="compact-menu" />
            </Dropdown>
          )}
          <Typography.Title level={compact ? 5 : 4} style={{ color: "#fff", margin: 0, whiteSpace: "nowrap" }}>
            {compact ? "云南继教学分" : "云南省继续医学教育学分管理系统"}
          </Typography.Title>
        </Space>
        <UserMenu compact={compact} />
      </Layout.Header>
      <Layout>
        {!compact && (
          <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
            <Menu
              mode="inline"
              selectedKeys={[selectedKey(pathname)]}
              items={items}
              style={{ height: "100%", borderInlineEnd: 0 }}
              data-testid="main-menu"
            />
          </Layout.Sider>
        )}
        <Layout>
          <Layout.Content style={{ padding: compact ? 8 : 24 }}>
            <Outlet />
          </Layout.Content>
          <Layout.Footer style={{ textAlign: "center" }}>云南省继续医学教育学分管理系统</Layout.Footer>
        </Layout>
      </Layout>
    </Layout>
  );
}
