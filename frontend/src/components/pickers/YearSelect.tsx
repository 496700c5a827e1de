import { useQuery } from "@tanstack/react-query";
import { Select } from "antd";
import { api, unwrap } from "../../api/client";

/** The years that have a published standard, newest first. */
export function useStandardYears() {
  return useQuery({
    queryKey: ["standards"],
    queryFn: () => unwrap(api.GET("/api/v1/standards")),
    staleTime: 5 * 60_000,
    select: (list) => [...new Set(list.map((s) => s.year))].sort((a, b) => b - a),
  });
}

/** The year a page opens on: the latest standard year not after this one. */
export function defaultYear(years: readonly number[] | undefined, now = new Date()): number {
  const current = now.getFullYear();
  return years?.find((y) => y <= current) ?? years?.[0] ?? current;
}

/** 年度: a year that has a standard. */
export function YearSelect({
  value,
  onChange,
  id,
  style,
}: {
  value?: number;
  onChange?: (year: number) => void;
  id?: string;
  style?: React.CSSProperties;
}) {
  const years = useStandardYears();
  return (
    <Select<number>
      id={id}
      value={value}
      onChange={onChange}
      loading={years.isLoading}
      placeholder="年度"
      style={{ width: 120, ...style }}
      options={(years.data ?? (value ? [value] : [])).map((y) => ({ value: y, label: `${y} 年度` }))}
      data-testid="year-select"
    />
  );
}
