import { useQuery } from "@tanstack/react-query";
import { Select } from "antd";
import { api, unwrap } from "../../api/client";

/** The departments of one unit. */
export function useDepartments(unitId: string | null | undefined) {
  return useQuery({
    queryKey: ["unit", unitId, "departments"],
    queryFn: () => unwrap(api.GET("/api/v1/units/{id}/departments", { params: { path: { id: unitId! } } })),
    enabled: Boolean(unitId),
    staleTime: 60_000,
  });
}

/** A department of `unitId`. */
export function DepartmentSelect({
  unitId,
  value,
  onChange,
  id,
  style,
  "aria-label": ariaLabel = "科室",
}: {
  unitId: string | null | undefined;
  value?: string;
  onChange?: (id: string | undefined) => void;
  id?: string;
  style?: React.CSSProperties;
  /** The name screen readers announce; the placeholder's word by default (filter bars have no labels). */
  "aria-label"?: string;
}) {
  const departments = useDepartments(unitId);
  return (
    <Select<string>
      id={id}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      allowClear
      disabled={!unitId}
      placeholder="科室"
      aria-label={ariaLabel}
      loading={departments.isLoading}
      options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
      style={{ width: 160, ...style }}
      data-testid="department-select"
    />
  );
}
