import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import type { Operation } from "../api/types";
import { useAuth } from "./AuthProvider";

/*
 * Nothing here imports antd: the sign-in pages, the public verification page
 * and the trainee's pages load without it (index.html styles the spinner).
 */
const Forbidden = lazy(() => import("./denied").then((m) => ({ default: m.Forbidden })));
const AntdProviders = lazy(() => import("../antd"));

/** A spinner while a page, its chunk or the session loads (styled in index.html, like the splash). */
export function PageLoading() {
  return (
    <div className="cme-loading" role="status" aria-label="加载中">
      <span className="cme-spinner" />
    </div>
  );
}

/** Renders `children` for a signed-in user who may take `permission`; sends others to sign in. */
export function RequireAuth({ permission, children }: { permission?: Operation; children: ReactNode }) {
  const { status, me, can, loginPath } = useAuth();
  const location = useLocation();
  if (status === "loading") return <PageLoading />;
  if (status === "signed_out" || !me) return <Navigate to={loginPath} replace state={{ from: location }} />;
  if (permission && !can(permission))
    return (
      <Suspense fallback={<PageLoading />}>
        <AntdProviders>
          <Forbidden />
        </AntdProviders>
      </Suspense>
    );
  return <>{children}</>;
}
