import { useQuery } from "@tanstack/react-query";
import { Select, Space } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { RegionLevel, Role } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";

/** The kind of organisation an account of `role` is bound to. */
export function organisationKindFor(role: Role | undefined): { kind: "region"; level: RegionLevel } | { kind: "unit" } | { kind: "department" } | null {
  switch (role) {
    case "system_admin":
    case "province_western":
    case "province_tcm":
      return { kind: "region", level: "province" };
    case "prefecture_office":
      return { kind: "region", level: "prefecture" };
    case "county_office":
      return { kind: "region", level: "county" };
    case "unit":
      return { kind: "unit" };
    case "department":
      return { kind: "department" };
    default:
      return null;
  }
}

function RegionSelect({ level, value, onChange }: { level: RegionLevel; value?: string; onChange?: (v: string) => void }) {
  const regions = useQuery({
    queryKey: ["regions", { level }],
    queryFn: () => unwrap(api.GET("/api/v1/regions", { params: { query: { level } } })),
  });
  return (
    <Select
      showSearch={{ optionFilterProp: "label" }}
      placeholder="选择行政区划"
      loading={regions.isLoading}
      value={value}
      onChange={onChange}
      options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
      data-testid="organisation-select"
    />
  );
}

function UnitSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const [search, setSearch] = useState("");
  const units = useQuery({
    queryKey: ["units", "picker", search],
    queryFn: () => unwrap(api.GET("/api/v1/units", { params: { query: { name: search || undefined, limit: 20 } } })),
  });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      placeholder="输入单位名称搜索"
      loading={units.isFetching}
      value={value}
      onChange={onChange}
      options={(units.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
      data-testid="organisation-select"
    />
  );
}

function DepartmentSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const { me } = useAuth();
  const ownUnit = me?.organisation.kind === "unit" ? (me.organisation.id ?? undefined) : undefined;
  const [unitId, setUnitId] = useState<string | undefined>(ownUnit);
  const departments = useQuery({
    queryKey: ["unit", unitId, "departments"],
    queryFn: () => unwrap(api.GET("/api/v1/units/{id}/departments", { params: { path: { id: unitId! } } })),
    enabled: unitId !== undefined,
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {!ownUnit && <UnitSelect value={unitId} onChange={setUnitId} />}
      <Select
        placeholder="选择科室"
        disabled={unitId === undefined}
        loading={departments.isLoading && unitId !== undefined}
        value={value}
        onChange={onChange}
        options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
        data-testid="department-select"
      />
    </Space>
  );
}

/** Picks the organisation (its id) an account of `role` is bound to; a form control. */
export function OrganisationPicker({ role, value, onChange }: { role: Role | undefined; value?: string; onChange?: (v: string) => void }) {
  const kind = organisationKindFor(role);
  if (!kind) return <Select disabled placeholder="请先选择角色" />;
  if (kind.kind === "region") return <RegionSelect key={kind.level} level={kind.level} value={value} onChange={onChange} />;
  if (kind.kind === "unit") return <UnitSelect value={value} onChange={onChange} />;
  return <DepartmentSelect value={value} onChange={onChange} />;
}
