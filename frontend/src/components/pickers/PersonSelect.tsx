import { useQuery } from "@tanstack/react-query";
import { Select, Space, Typography } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import type { PersonSummary } from "../../api/types";

/** A person of the caller's jurisdiction, searched by name; the masked ID number tells namesakes apart. */
export function PersonSelect({
  value,
  onChange,
  id,
  style,
  initial,
}: {
  value?: string;
  onChange?: (id: string | undefined, person: PersonSummary | undefined) => void;
  id?: string;
  style?: React.CSSProperties;
  /** A person already known (e.g. opened from his detail page). */
  initial?: PersonSummary | null;
}) {
  const [search, setSearch] = useState("");
  const people = useQuery({
    queryKey: ["people", "pick", search],
    queryFn: () => unwrap(api.GET("/api/v1/people", { params: { query: { name: search || undefined, status: "normal", limit: 30 } } })),
    placeholderData: (previous) => previous,
  });
  const [known] = useState(() => new Map<string, PersonSummary>());
  if (initial) known.set(initial.id, initial);
  for (const p of people.data?.items ?? []) known.set(p.id, p);
  const items = people.data?.items ?? [];
  const list = value && !items.some((p) => p.id === value) && known.has(value) ? [known.get(value)!, ...items] : items;
  return (
    <Select<string>
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined, v ? known.get(v) : undefined)}
      placeholder="输入姓名搜索"
      loading={people.isFetching}
      notFoundContent={people.isFetching ? "搜索中…" : "没有找到"}
      style={{ width: 360, maxWidth: "100%", ...style }}
      options={list.map((p) => ({
        value: p.id,
        label: (
          <Space size={8}>
            <span>{p.name}</span>
            <Typography.Text type="secondary" style={{ fontFamily: "monospace" }}>
              {p.id_number_masked}
            </Typography.Text>
          </Space>
        ),
        title: p.name,
      }))}
      data-testid="person-select"
    />
  );
}
