import { DeleteOutlined, DownloadOutlined, SaveOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Input, Space, Typography, Upload } from "antd";
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Link } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { downloadFile, fileBody } from "../../../api/download";
import type { CreditBatchCells, CreditBatchResult } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { UploadProgress, useUploadProgress } from "../../../components/UploadProgress";
import {
  CATEGORIES,
  COLUMNS,
  FIELDS,
  type GridField,
  type GridRow,
  MAX_ROWS,
  type RowErrors,
  emptyRow,
  errorText,
  fromCells,
  isBlank,
  nextCell,
  serverErrors,
  signature,
  tidy,
  toBatch,
  withTrailingBlank,
} from "./grid";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Today in Beijing time, YYYY-MM-DD (the server's day). */
function todayInShanghai(): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());
}

/** The server's word on a row: `errors` null when it passed; `sig` the row it was about. */
interface Checked {
  sig: string;
  errors: RowErrors | null;
}

type Status = { kind: "blank" } | { kind: "error"; errors: RowErrors } | { kind: "ok" } | { kind: "pending" };

interface RowProps {
  row: GridRow;
  index: number;
  status: Status;
  onCell: (index: number, field: GridField, value: string) => void;
  onLeave: (index: number, field: GridField) => void;
  onKey: (e: KeyboardEvent<HTMLInputElement>, index: number, col: number) => void;
  onFocusRow: (key: string) => void;
  onRemove: (index: number) => void;
  cellRef: (index: number, col: number, el: HTMLInputElement | null) => void;
}

const RowView = memo(function RowView({ row, index, status, onCell, onLeave, onKey, onFocusRow, onRemove, cellRef }: RowProps) {
  const errors = status.kind === "error" ? status.errors : undefined;
  return (
    <tr data-testid={`grid-row-${index}`} data-status={status.kind}>
      <th scope="row" style={{ fontWeight: "normal", textAlign: "right", padding: "0 6px", color: "rgba(0,0,0,0.65)" }}>
        {index + 1}
      </th>
      {COLUMNS.map((c, col) => (
        <td key={c.field} style={{ padding: 2 }}>
          <Input
            size="small"
            value={row[c.field]}
            placeholder={c.placeholder}
            status={errors?.[c.field] ? "error" : undefined}
            aria-label={`第 ${index + 1} 行 ${c.label}`}
            aria-invalid={errors?.[c.field] ? true : undefined}
            data-testid={`cell-${index}-${c.field}`}
            ref={(el) => cellRef(index, col, el?.input ?? null)}
            onChange={(e) => onCell(index, c.field, e.target.value)}
            onBlur={() => onLeave(index, c.field)}
            onFocus={() => onFocusRow(row.key)}
            onKeyDown={(e) => onKey(e, index, col)}
          />
        </td>
      ))}
      <td style={{ padding: "0 6px", minWidth: 200 }} data-testid={`row-status-${index}`}>
        {status.kind === "error" && <Typography.Text type="danger">{errorText(status.errors)}</Typography.Text>}
        {status.kind === "ok" && <Typography.Text type="success">✓ 可保存</Typography.Text>}
        {status.kind === "pending" && <Typography.Text type="secondary">检查中…</Typography.Text>}
      </td>
      <td style={{ padding: 2 }}>
        {!isBlank(row) && (
          <Button size="small" type="text" tabIndex={-1} icon={<DeleteOutlined />} aria-label={`删除第 ${index + 1} 行`} onClick={() => onRemove(index)} />
        )}
      </td>
    </tr>
  );
});

/**
 * 纸质学分批量录入: one row a paper certificate, typed with the keyboard
 * (Enter or Tab to the next cell, a new row at the end, Ctrl+Enter saves),
 * each row checked as typed (here, then by the server's dry run), all rows
 * saved in one transaction; or read from an XLSX/CSV file made from the
 * template.
 */
export default function CreditGridPage() {
  const { message } = App.useApp();
  const { me } = useAuth();
  const isDepartment = me?.organisation.kind === "department";
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<GridRow[]>(() => [emptyRow()]);
  const [checked, setChecked] = useState<Map<string, Checked>>(() => new Map());
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [general, setGeneral] = useState<string | null>(null);
  const [saved, setSaved] = useState<CreditBatchResult | null>(null);
  const cells = useRef(new Map<string, HTMLInputElement>());
  const [focusAt, setFocusAt] = useState<{ row: number; col: number } | null>(null);
  const today = todayInShanghai();

  const local = useMemo(() => toBatch(rows, today).local, [rows, today]);

  // The server's dry run, a moment after typing stops; a later answer replaces an earlier one.
  const checkSeq = useRef(0);
  const runCheck = useCallback(
    async (current: GridRow[]) => {
      const { body, sent } = toBatch(current, today);
      if (body.length === 0) return;
      const seq = ++checkSeq.current;
      const sigs = sent.map((i) => ({ index: i, key: current[i]!.key, sig: signature(current[i]!) }));
      let mapped: Map<number, RowErrors> = new Map();
      let generalError: string | null = null;
      try {
        await unwrap(api.POST("/api/v1/credits/batch", { params: { query: { dry_run: true } }, body: { rows: body } }));
      } catch (e) {
        if (!(e instanceof ApiProblem) || e.status !== 422) return;
        const answer = serverErrors(e, sent);
        mapped = answer.rows;
        generalError = answer.general;
      }
      if (seq !== checkSeq.current) return;
      setGeneral(generalError);
      setChecked((old) => {
        const next = new Map(old);
        for (const { index, key, sig } of sigs) next.set(key, { sig, errors: mapped.get(index) ?? null });
        return next;
      });
    },
    [today],
  );
  useEffect(() => {
    const timer = setTimeout(() => void runCheck(rows), 600);
    return () => clearTimeout(timer);
  }, [rows, runCheck]);

  useEffect(() => {
    if (!focusAt) return;
    cells.current.get(`${focusAt.row}:${focusAt.col}`)?.focus();
    setFocusAt(null);
  }, [focusAt, rows]);

  const statusOf = (row: GridRow, i: number): Status => {
    if (isBlank(row)) return { kind: "blank" };
    const mine = local.get(i);
    const showLocal = showAll || row.key !== focusedKey;
    if (mine && showLocal) return { kind: "error", errors: mine };
    if (mine) return { kind: "blank" };
    const server = checked.get(row.key);
    if (server && server.sig === signature(row)) return server.errors ? { kind: "error", errors: server.errors } : { kind: "ok" };
    return { kind: "pending" };
  };

  const onCell = useCallback((index: number, field: GridField, value: string) => {
    setSaved(null);
    setRows((old) => withTrailingBlank(old.map((r, i) => (i === index ? { ...r, [field]: value } : r))));
  }, []);
  const onLeave = useCallback((index: number, field: GridField) => {
    setRows((old) => {
      const row = old[index];
      if (!row) return old;
      const next = tidy(row, field);
      return next === row ? old : old.map((r, i) => (i === index ? next : r));
    });
  }, []);
  const onRemove = useCallback((index: number) => {
    setRows((old) => withTrailingBlank(old.filter((_, i) => i !== index)));
  }, []);
  const cellRef = useCallback((index: number, col: number, el: HTMLInputElement | null) => {
    const key = `${index}:${col}`;
    if (el) cells.current.set(key, el);
    else cells.current.delete(key);
  }, []);

  const save = useMutation({
    mutationFn: (body: Parameters<typeof toBatch>[0]) => {
      const batch = toBatch(body, today);
      return unwrap<CreditBatchResult>(api.POST("/api/v1/credits/batch", { body: { rows: batch.body } }));
    },
    onSuccess(result) {
      setSaved(result);
      setRows([emptyRow()]);
      setChecked(new Map());
      setShowAll(false);
      setGeneral(null);
      message.success(isDepartment ? `已保存 ${result.credits.length} 条，为科室草稿` : `已保存 ${result.credits.length} 条学分，即时生效`);
      void queryClient.invalidateQueries({ queryKey: ["compliance"] });
      void queryClient.invalidateQueries({ queryKey: ["person-year"] });
      void queryClient.invalidateQueries({ queryKey: ["credit-drafts"] });
    },
    onError(e, sentRows) {
      if (!(e instanceof ApiProblem) || e.status !== 422) return;
      const { sent } = toBatch(sentRows, today);
      const answer = serverErrors(e, sent);
      setGeneral(answer.general);
      setChecked((old) => {
        const next = new Map(old);
        for (const gridIndex of sent) {
          const row = sentRows[gridIndex]!;
          next.set(row.key, { sig: signature(row), errors: answer.rows.get(gridIndex) ?? null });
        }
        return next;
      });
      message.error(`${e.detail ?? "有行有误"}：请按各行提示修改`);
    },
  });

  const trySave = useCallback(() => {
    const { body, local: bad } = toBatch(rows, today);
    setShowAll(true);
    if (bad.size > 0) {
      message.error(`有 ${bad.size} 行有误，请按各行提示修改后再保存`);
      const first = [...bad.keys()][0]!;
      const field = FIELDS.findIndex((f) => bad.get(first)?.[f]);
      setFocusAt({ row: first, col: Math.max(field, 0) });
      return;
    }
    if (body.length === 0) {
      message.warning("请先录入证书");
      return;
    }
    save.mutate(rows);
  }, [rows, today, message, save]);

  const onKey = useCallback(
    (e: KeyboardEvent<HTMLInputElement>, index: number, col: number) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        trySave();
        return;
      }
      const lastCell = index === rows.length - 1 && col === FIELDS.length - 1;
      if (e.key === "Enter" || (e.key === "Tab" && !e.shiftKey && lastCell)) {
        e.preventDefault();
        const to = nextCell(index, col, rows.length, e.shiftKey);
        if (to.append) setRows((old) => (old.length >= MAX_ROWS ? old : [...old, emptyRow()]));
        setFocusAt({ row: to.row, col: to.col });
        return;
      }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        const row = index + (e.key === "ArrowDown" ? 1 : -1);
        if (row >= 0 && row < rows.length) {
          e.preventDefault();
          setFocusAt({ row, col });
        }
      }
    },
    [rows.length, trySave],
  );

  const template = useMutation({
    mutationFn: () => downloadFile(api.GET("/api/v1/credits/batch/template", { parseAs: "blob" }), "纸质学分导入模板.xlsx"),
    onError: (e) => message.error(e instanceof ApiProblem ? (e.detail ?? e.title) : "下载失败"),
  });
  const progress = useUploadProgress();
  const read = useMutation({
    mutationFn: (file: File) => {
      progress.reset();
      return unwrap<CreditBatchCells[]>(
        api.POST("/api/v1/credits/batch/read", {
          body: file,
          bodySerializer: fileBody,
          headers: { "Content-Type": /\.xlsx$/i.test(file.name) ? XLSX_TYPE : "text/csv" },
          fetch: progress.fetch,
        }),
      );
    },
    onSuccess(found) {
      const typed = rows.filter((r) => !isBlank(r));
      const room = MAX_ROWS - typed.length;
      const imported = found.slice(0, Math.max(room, 0)).map(fromCells);
      setRows(withTrailingBlank([...typed, ...imported]));
      setShowAll(true);
      setSaved(null);
      if (found.length > imported.length) message.warning(`最多 ${MAX_ROWS} 行：文件中有 ${found.length - imported.length} 行未读入`);
      else message.success(`已读入 ${imported.length} 行，检查无误后保存`);
    },
  });

  const filled = rows.filter((r) => !isBlank(r)).length;
  const statuses = rows.map((r, i) => statusOf(r, i));
  const bad = statuses.filter((s) => s.kind === "error").length;

  return (
    <Card title={<PageTitle>纸质学分批量录入</PageTitle>} data-testid="credit-grid">
      <Typography.Paragraph type="secondary">
        一行一张纸质证书。回车或 Tab 到下一格，最后一格回车自动新增一行，Ctrl+Enter 保存全部。学分类别可输入编号：
        {CATEGORIES.map((c) => `${c.code} ${c.label}`).join("，")}。学分计入获得日期所在年度。每行录入时即检查；
        保存时全部行一并保存，任一行有误则都不保存。一次最多 {MAX_ROWS} 行。
        {isDepartment ? "科室录入的学分为草稿，须在“科室学分上报”中上报单位审核。" : "单位录入的学分即时生效。"}
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} onClick={trySave} data-testid="grid-save">
          保存全部（Ctrl+Enter）
        </Button>
        <Upload
          accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          showUploadList={false}
          beforeUpload={(file) => {
            read.mutate(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={read.isPending} data-testid="grid-import">
            导入 XLSX/CSV
          </Button>
        </Upload>
        <Button icon={<DownloadOutlined />} loading={template.isPending} onClick={() => template.mutate()} data-testid="grid-template">
          下载模板
        </Button>
        <Typography.Text type="secondary" data-testid="grid-summary">
          共 {filled} 行{bad > 0 ? `，${bad} 行有误` : ""}
        </Typography.Text>
      </Space>
      <UploadProgress transfer={progress.transfer} active={read.isPending} />
      {read.isError && <ProblemAlert problem={read.error} />}
      {save.isError && !(save.error instanceof ApiProblem && save.error.status === 422) && <ProblemAlert problem={save.error} />}
      {general && <Alert type="error" showIcon title={general} style={{ marginBottom: 12 }} />}
      {saved && (
        <Alert
          type="success"
          showIcon
          data-testid="grid-saved"
          style={{ marginBottom: 12 }}
          title={
            isDepartment ? (
              <span>
                已保存 {saved.credits.length} 条，为科室草稿。<Link to="/credit-drafts">去上报</Link>
              </span>
            ) : (
              `已保存 ${saved.credits.length} 条学分，即时生效。`
            )
          }
        />
      )}
      <div style={{ overflowX: "auto" }} onKeyDown={(e) => e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.preventDefault()}>
        <table style={{ borderCollapse: "collapse", width: "100%" }} aria-label="纸质证书录入表">
          <thead>
            <tr>
              <th scope="col" style={{ width: 36 }}>
                行
              </th>
              {COLUMNS.map((c) => (
                <th key={c.field} scope="col" style={{ minWidth: c.width, textAlign: "left", padding: "4px 6px", fontWeight: 500 }}>
                  {c.required ? `*${c.label}` : c.label}
                </th>
              ))}
              <th scope="col" style={{ textAlign: "left", padding: "4px 6px", fontWeight: 500 }}>
                检查结果
              </th>
              <th scope="col" style={{ width: 36 }}>
                <span style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)" }}>操作</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <RowView
                key={row.key}
                row={row}
                index={i}
                status={statuses[i]!}
                onCell={onCell}
                onLeave={onLeave}
                onKey={onKey}
                onFocusRow={setFocusedKey}
                onRemove={onRemove}
                cellRef={cellRef}
              />
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

