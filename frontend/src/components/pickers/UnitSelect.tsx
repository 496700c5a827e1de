import { useQuery } from "@tanstack/react-query";
import { Select } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../api/client";

/** A unit of the caller's jurisdiction, searched by name. */
export function UnitSelect({
  value,
  onChange,
  regionId,
  id,
  style,
  "aria-label": ariaLabel = "单位",
}: {
  value?: string;
  onChange?: (id: string | undefined) => void;
  regionId?: string;
  id?: string;
  style?: React.CSSProperties;
  /** The name screen readers announce; the placeholder's word by default (filter bars have no labels). */
  "aria-label"?: string;
}) {
  const [search, setSearch] = useState("");
  const units = useQuery({
    queryKey: ["units", "pick", { search, regionId }],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/units", {
          params: { query: { name: search || undefined, region_id: regionId, limit: 30 } },
        }),
      ),
    placeholderData: (previous) => previous,
  });
  // Keep the chosen unit's label while the search shows other names.
  const [labels] = useState(() => new Map<string, string>());
  for (const u of units.data?.items ?? []) labels.set(u.id, u.name);
  const options = (units.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: labels.get(value) ?? "已选单位" });
  return (
    <Select<string>
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      allowClear
      placeholder="单位"
      aria-label={ariaLabel}
      loading={units.isFetching}
      options={options}
      style={{ width: 220, ...style }}
      data-testid="unit-select"
    />
  );
}
