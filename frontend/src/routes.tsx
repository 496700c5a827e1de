import { Button, Result } from "antd";
import { Link, Navigate, Outlet, type RouteObject } from "react-router";
import { AuthProvider, useAuth } from "./auth/AuthProvider";
import { PageLoading, RequireAuth } from "./auth/guards";
import { homeFor } from "./auth/permissions";
import BasicLayout from "./layouts/BasicLayout";
import MePage from "./pages/account/me";
import PasswordPage from "./pages/account/password";
import CalculatorPage from "./pages/public/calculator";
import StaffLoginPage from "./pages/public/login";
import TraineeLoginPage from "./pages/public/trainee-login";
import AccountsPage from "./pages/staff/accounts";
import ApiClientsPage from "./pages/staff/api-clients";
import AuditPage from "./pages/staff/audit";
import OrgPage from "./pages/staff/org";
import UnitPage from "./pages/staff/org/UnitPage";

function NotFound() {
  return (
    <Result
      status="404"
      title="404"
      subTitle="页面不存在"
      extra={
        <Link to="/calculator">
          <Button type="primary">返回学分达标计算器</Button>
        </Link>
      }
    />
  );
}

/** `/`: the calculator for visitors, the user's home page once signed in. */
function Home() {
  const { status, me } = useAuth();
  if (status === "loading") return <PageLoading />;
  return <Navigate to={homeFor(me)} replace />;
}

/** The route table (a function, so that each test gets a fresh one). */
export function buildRoutes(): RouteObject[] {
  return [
    {
      element: (
        <AuthProvider>
          <Outlet />
        </AuthProvider>
      ),
      children: [
        { path: "/login", element: <StaffLoginPage /> },
        { path: "/trainee/login", element: <TraineeLoginPage /> },
        {
          path: "/",
          element: <BasicLayout />,
          children: [
            { index: true, element: <Home /> },
            { path: "calculator", element: <CalculatorPage /> },
            { path: "account/password", element: <RequireAuth><PasswordPage /></RequireAuth> },
            { path: "me", element: <RequireAuth permission="read_self"><MePage /></RequireAuth> },
            { path: "org", element: <RequireAuth permission="read_hierarchy"><OrgPage /></RequireAuth> },
            { path: "org/units/:unitId", element: <RequireAuth permission="read_hierarchy"><UnitPage /></RequireAuth> },
            { path: "accounts", element: <RequireAuth permission="manage_accounts"><AccountsPage /></RequireAuth> },
            { path: "api-clients", element: <RequireAuth permission="manage_api_clients"><ApiClientsPage /></RequireAuth> },
            { path: "audit", element: <RequireAuth permission="read_audit"><AuditPage /></RequireAuth> },
            { path: "*", element: <NotFound /> },
          ],
        },
      ],
    },
  ];
}

export const routes: RouteObject[] = buildRoutes();
