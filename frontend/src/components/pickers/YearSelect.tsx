import { Select } from "antd";
import { useStandardYears } from "../../hooks/workingYear";

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
