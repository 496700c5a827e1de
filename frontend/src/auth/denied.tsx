import { Button, Result } from "antd";
import { Link } from "react-router";
import { useHomeFor } from "../navigation";
import { useAuth } from "./AuthProvider";

/** 页面不存在: no page at this address. */
export function NotFound() {
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
