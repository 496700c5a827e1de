import { useQuery } from "@tanstack/react-query";
import { Breadcrumb, Card, Col, Descriptions, Menu, Row, Spin } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { useAuth } from "../../../auth/AuthProvider";
import { NotFoundOrForbidden } from "../../../auth/denied";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { MEDICINE_LABELS, UNIT_LEVEL_LABELS, labelOf } from "../../../constants/enums";
import { OrgPeople } from "./OrgPeople";

const ALL = "__all__";

/** One unit: its details, its departments, and its people (all, or one department's). */
export default function UnitPage() {
  const { unitId = "" } = useParams();
  const { me } = useAuth();
  const [department, setDepartment] = useState<string>(ALL);
  const unit = useQuery({
    queryKey: ["unit", unitId],
    queryFn: () => unwrap(api.GET("/api/v1/units/{id}", { params: { path: { id: unitId } } })),
  });
  const departments = useQuery({
    queryKey: ["unit", unitId, "departments"],
    queryFn: () => unwrap(api.GET("/api/v1/units/{id}/departments", { params: { path: { id: unitId } } })),
    enabled: unit.isSuccess,
  });

  if (unit.isLoading) return <Spin size="large" />;
  if (unit.isError) {
    // Outside the jurisdiction and nonexistent look the same (404), on purpose.
    if (unit.error instanceof ApiProblem && [403, 404, 422, 400].includes(unit.error.status)) {
      return <NotFoundOrForbidden backTo="/org" backLabel="返回机构人员" />;
    }
    return <ProblemAlert problem={unit.error} />;
  }
  const u = unit.data!;
  const deps = departments.data ?? [];
  const ownUnit = me?.organisation.kind === "unit";

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 16 }}
        items={[{ title: ownUnit ? "机构人员" : <Link to="/org">机构人员</Link> }, { title: u.name }]}
      />
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card title={u.name} data-testid="unit-detail">
            <Descriptions column={{ xs: 1, md: 3 }} size="small">
              <Descriptions.Item label="单位代码">{u.code}</Descriptions.Item>
              <Descriptions.Item label="单位级别">{labelOf(UNIT_LEVEL_LABELS, u.level)}</Descriptions.Item>
              <Descriptions.Item label="类别">{labelOf(MEDICINE_LABELS, u.medicine)}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={5}>
          <Card title="科室" loading={departments.isLoading} styles={{ body: { padding: 0 } }}>
            {departments.isError && <ProblemAlert problem={departments.error} />}
            <Menu
              mode="inline"
              selectedKeys={[department]}
              onClick={({ key }) => setDepartment(key)}
              items={[{ key: ALL, label: "全部人员" }, ...deps.map((d) => ({ key: d.id, label: d.name }))]}
              data-testid="departments"
            />
          </Card>
        </Col>
        <Col xs={24} lg={19}>
          <OrgPeople
            key={department}
            unitId={u.id}
            departmentId={department === ALL ? undefined : department}
            departments={deps}
            title={department === ALL ? "全部人员" : `人员 · ${deps.find((d) => d.id === department)?.name ?? ""}`}
          />
        </Col>
      </Row>
    </>
  );
}
