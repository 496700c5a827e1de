import { Button, Result, Spin } from "antd";
import type { ReactNode } from "react";
import { Link, Navigate, useLocation } from "react-router";
import type { Operation } from "../api/types";
import { useHomeFor } from "../navigation";
import { useAuth } from "./AuthProvider";

export function PageLoading() {
  return (
    <div style={{ display: "flex", justifyContent: "center", padding: 48 }}>
      <Spin size="large" />
    </div>
  );
}

/** 无权访问: the role may not use this page. */
export function Forbidden() {
  const { me } = useAuth();
  const homeFor = useHomeFor();
  return (
    <Result
      status="403"
      title="无权访问"
      subTitle="当前账号没有使用此功能的权限。"
      data-testid="forbidden"
      extra={
        <Link to={homeFor(me)}>
          <Button type="primary">返回首页</Button>
        </Link>
      }
    />
  );
}

/**
 * 无权访问或不存在: what the API's 404 means for a resource outside the
 * caller's jurisdiction; the page does not tell the two apart either.
 */
export function NotFoundOrForbidden({ backTo, backLabel = "返回" }: { backTo?: string; backLabel?: string }) {
  const { me } = useAuth();
  const homeFor = useHomeFor();
  return (
    <Result
      status="404"
      title="无权访问或不存在"
      subTitle="该记录不存在，或不在您的管辖范围内。"
      data-testid="not-found-or-forbidden"
      extra={
        <Link to={backTo ?? homeFor(me)}>
          <Button type="primary">{backLabel}</Button>
        </Link>
      }
    />
  );
}

/** Renders `children` for a signed-in user who may take `permission`; sends others to sign in. */
export function RequireAuth({ permission, children }: { permission?: Operation; children: ReactNode }) {
  const { status, me, can, loginPath } = useAuth();
  const location = useLocation();
  if (status === "loading") return <PageLoading />;
  if (status === "signed_out" || !me) return <Navigate to={loginPath} replace state={{ from: location }} />;
  if (permission && !can(permission)) return <Forbidden />;
  return <>{children}</>;
}
