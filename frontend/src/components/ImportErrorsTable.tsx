import { Table } from "antd";
import { pagesOf } from "./paging";

/** One problem of one row of an imported file. */
export interface ImportRowError {
  row: number;
  column: string;
  column_label?: string | null;
  reason: string;
}

/** Every bad row of an import: row, column, reason. */
export function ImportErrorsTable({ errors, testId = "import-errors" }: { errors: readonly ImportRowError[]; testId?: string }) {
  return (
    <Table<ImportRowError>
      rowKey={(e) => `${e.row}:${e.column}:${e.reason}`}
      size="small"
      dataSource={[...errors]}
      pagination={pagesOf(errors.length, 50)}
      data-testid={testId}
      columns={[
        { title: "行号", dataIndex: "row", width: 80 },
        { title: "列", key: "column", width: 140, render: (_, e) => e.column_label || e.column },
        { title: "问题", dataIndex: "reason" },
      ]}
    />
  );
}
