import { Button, Result } from "antd";
import { Link, Navigate, type RouteObject } from "react-router";
import BasicLayout from "./layouts/BasicLayout";
import CalculatorPage from "./pages/public/calculator";

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

export const routes: RouteObject[] = [
  {
    path: "/",
    element: <BasicLayout />,
    children: [
      { index: true, element: <Navigate to="/calculator" replace /> },
      { path: "calculator", element: <CalculatorPage /> },
      { path: "*", element: <NotFound /> },
    ],
  },
];
