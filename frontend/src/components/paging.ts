import type { TablePaginationConfig } from "antd";

/** The total under a paginated table, `共 N 条`. */
export function showTotal(total: number): string {
  return `共 ${total} 条`;
}

/**
 * A table's pages: `pageSize` rows a page with the total shown, or no pager at all
 * when `count` rows fit on one page.
 */
export function pagesOf(count: number, pageSize: number): TablePaginationConfig | false {
  return count > pageSize ? { pageSize, showTotal, showSizeChanger: false } : false;
}
