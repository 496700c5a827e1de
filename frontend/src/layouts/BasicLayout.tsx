import { ApiOutlined, BellOutlined, DownOutlined, KeyOutlined, LoginOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from "@ant-design/icons";
import { Badge, Button, Dropdown, Grid, Layout, Menu, Space, Tag, Typography } from "antd";
import type { MenuProps } from "antd";
import { Link, Navigate, Outlet, useLocation, useMatches, useNavigate } from "react-router";
import { useAuth } from "../auth/AuthProvider";
import { MENU_ICONS } from "./menuIcons";
import { PASSWORD_PATH } from "../auth/permissions";
import { useMendedTables } from "../hooks/useMendedTables";
import { menuKeyOf, useMenu, type RouteHandle } from "../navigation";
import { menuBadges } from "../pages/staff/workbench/logic";
import { useWorkbench } from "../pages/staff/workbench/useWorkbench";
import { useNotifications } from "../pages/notifications/api";

/** The bell: the unread reminders' count; opens the list. */
function Bell() {
  const unread = useNotifications().data?.unread ?? 0;
  const navigate = useNavigate();
  return (
    <Badge count={unread} overflowCount={99} size="small" data-testid="bell-count">
      <Button
        type="text"
        icon={<BellOutlined />}
        style={{ color: "#fff" }}
        aria-label={unread > 0 ? `提醒（${unread} 条未读）` : "提醒"}
        onClick={() => navigate("/notifications")}
        data-testid="bell"
      />
    </Badge>
  );
}

/** The menu item of the page shown: the route table's row of the deepest match (`/org/units/1` → `/org`). */
function useSelectedKeys(): string[] {
  const matches = useMatches();
  const handle = matches.at(-1)?.handle as RouteHandle | undefined;
  const key = menuKeyOf(handle?.entry);
  return key ? [key] : [];
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
      <Bell />
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
  const menu = useMenu();
  const selectedKeys = useSelectedKeys();
  // The workbench's counts, as badges on the menu items where the work is done.
  const badges = menuBadges(useWorkbench().data);
  // Phones (trainees checking their credits) get a short title and no organisation name.
  const screens = Grid.useBreakpoint();
  const compact = screens.xs === true;
  useMendedTables();

  // A password that must be changed comes before everything else.
  if (me?.must_change_password && pathname !== PASSWORD_PATH) {
    return <Navigate to={PASSWORD_PATH} replace />;
  }

  const items: MenuProps["items"] = [
    ...menu.map((entry) => ({
      key: entry.path,
      icon: MENU_ICONS[entry.icon],
      label: (
        <Link to={entry.path}>
          {entry.label}
          {badges[entry.path] ? (
            <Badge count={badges[entry.path]} overflowCount={999} size="small" style={{ marginInlineStart: 8 }} data-testid={`menu-badge-${entry.path.slice(1)}`} />
          ) : null}
        </Link>
      ),
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
            <Dropdown menu={{ items, selectedKeys }} trigger={["click"]}>
              <Button type="text" icon={<MenuOutlined />} style={{ color: "#fff" }} aria-label="菜单" data-testid="compact-menu" />
            </Dropdown>
          )}
          {/* The system's name, not a heading: each page's one h1 is its own title (PageTitle). */}
          <Typography.Text strong style={{ color: "#fff", fontSize: compact ? 16 : 20, whiteSpace: "nowrap" }}>
            {compact ? "云南继教学分" : "云南省继续医学教育学分管理系统"}
          </Typography.Text>
        </Space>
        <UserMenu compact={compact} />
      </Layout.Header>
      <Layout>
        {!compact && (
          <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
            <Menu
              mode="inline"
              selectedKeys={selectedKeys}
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
