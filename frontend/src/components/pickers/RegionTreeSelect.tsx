import { useQuery } from "@tanstack/react-query";
import { TreeSelect } from "antd";
import { useCallback, useEffect, useState } from "react";
import { api, unwrap } from "../../api/client";
import type { Region } from "../../api/types";

interface Node {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
}

function toNode(r: Region, visible: Set<string>): Node {
  return {
    id: r.id,
    pId: r.parent_id && visible.has(r.parent_id) ? r.parent_id : null,
    value: r.id,
    title: r.name,
    isLeaf: r.level === "county",
  };
}

/** A region (prefecture or county) of the caller's jurisdiction, loaded a level at a time. */
export function RegionTreeSelect({
  value,
  onChange,
  id,
  style,
  "aria-label": ariaLabel = "行政区划",
}: {
  value?: string;
  onChange?: (id: string | undefined) => void;
  id?: string;
  style?: React.CSSProperties;
  /** The name screen readers announce; the placeholder's word by default (filter bars have no labels). */
  "aria-label"?: string;
}) {
  const roots = useQuery({ queryKey: ["regions", "roots"], queryFn: () => unwrap(api.GET("/api/v1/regions")) });
  const [nodes, setNodes] = useState<Node[]>([]);
  useEffect(() => {
    if (!roots.data) return;
    const ids = new Set(roots.data.map((r) => r.id));
    setNodes(roots.data.map((r) => toNode(r, ids)));
  }, [roots.data]);
  const loadData = useCallback(async (node: { id?: string; value?: unknown }) => {
    const parent = String(node.id ?? node.value);
    const children = await unwrap(api.GET("/api/v1/regions", { params: { query: { parent_id: parent } } }));
    setNodes((current) => {
      const known = new Set(current.map((n) => n.id));
      const fresh = children.filter((c) => !known.has(c.id)).map((c) => ({ ...toNode(c, new Set([parent])), pId: parent }));
      return [...current, ...fresh];
    });
  }, []);
  return (
    <TreeSelect
      id={id}
      treeDataSimpleMode
      treeData={nodes}
      loadData={loadData}
      value={value}
      onChange={(v) => onChange?.(v ? String(v) : undefined)}
      allowClear
      placeholder="行政区划"
      aria-label={ariaLabel}
      loading={roots.isLoading}
      style={{ width: 200, ...style }}
      data-testid="region-select"
    />
  );
}
