import { Card, Descriptions, Space, Tag } from "antd";
import { Link, Navigate } from "react-router";
import { useAuth } from "../../../auth/AuthProvider";
import { PASSWORD_PATH } from "../../../auth/permissions";
import { isTrainee } from "../../../navigation";
import { OPERATION_LABELS, ORGANISATION_KIND_LABELS, ROLE_LABELS, labelOf } from "../../../constants/enums";

/** 我的信息: the signed-in account, its organisation and what it may do. */
export default function MePage() {
  const { me } = useAuth();
  if (!me) return null;
  // A trainee's own page says who he is without account internals.
  if (isTrainee(me)) return <Navigate to="/my-profile" replace />;
  return (
    <Card title="我的信息" data-testid="me-page" extra={<Link to={PASSWORD_PATH}>修改密码</Link>}>
      <Descriptions column={1} bordered size="middle">
        <Descriptions.Item label="姓名">
          <span data-testid="me-display-name">{me.display_name}</span>
        </Descriptions.Item>
        <Descriptions.Item label="账号">{me.username}</Descriptions.Item>
        <Descriptions.Item label="角色">{me.role_label || labelOf(ROLE_LABELS, me.role)}</Descriptions.Item>
        <Descriptions.Item label="所属机构">
          {me.organisation.name}
          <Tag style={{ marginInlineStart: 8 }}>{labelOf(ORGANISATION_KIND_LABELS, me.organisation.kind)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="权限">
          <Space wrap>
            {me.permissions.map((op) => (
              <Tag key={op} color="blue">
                {labelOf(OPERATION_LABELS, op)}
              </Tag>
            ))}
          </Space>
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
