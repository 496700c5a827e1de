import { useQuery } from "@tanstack/react-query";
import { Button, Card, Col, Empty, Form, Input, Row, Select, Spin, Table, Tree } from "antd";
import type { TreeDataNode } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useState } from "react";
import { Link, Navigate } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { Medicine, Region, Unit, UnitLevel } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { LoadMore } from "../../../components/LoadMore";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { MEDICINE_LABELS, UNIT_LEVEL_LABELS, labelOf, options } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { OrgPeople } from "./OrgPeople";

const PAGE_SIZE = 50;

interface UnitFilters {
  name?: string;
  level?: UnitLevel;
  medicine?: Medicine;
}

function toNode(region: Region): TreeDataNode {
  return { key: region.id, title: region.name, isLeaf: region.level === "county" };
}

/** Puts `children` under the node `key`, wherever it is in the tree. */
function withChildren(nodes: TreeDataNode[], key: React.Key, children: TreeDataNode[]): TreeDataNode[] {
  return nodes.map((node) => {
    if (node.key === key) return { ...node, children, isLeaf: children.length === 0 };
    if (node.children) return { ...node, children: withChildren(node.children, key, children) };
    return node;
  });
}

/**
 * The regions the caller sees, lazily: the top of its jurisdiction first
 * (the province for the province offices, its own prefecture or county for
 * an office), each node's children when it is opened.
 */
function RegionTree({ selected, onSelect }: { selected: string | null; onSelect: (region: Region | null) => void }) {
  const roots = useQuery({
    queryKey: ["regions", "roots"],
    queryFn: () => unwrap(api.GET("/api/v1/regions")),
  });
  const [tree, setTree] = useState<TreeDataNode[]>([]);
  const [known] = useState(() => new Map<string, Region>());

  useEffect(() => {
    if (!roots.data) return;
    const ids = new Set(roots.data.map((r) => r.id));
    for (const r of roots.data) known.set(r.id, r);
    // Whatever the server lists, the roots are those whose parent the caller cannot see.
    setTree(roots.data.filter((r) => r.parent_id == null || !ids.has(r.parent_id)).map(toNode));
  }, [roots.data, known]);

  const loadData = useCallback(
    async (node: TreeDataNode) => {
      if (node.children) return;
      const children = await unwrap(api.GET("/api/v1/regions", { params: { query: { parent_id: String(node.key) } } }));
      for (const r of children) known.set(r.id, r);
      setTree((current) => withChildren(current, node.key, children.map(toNode)));
    },
    [known],
  );

  if (roots.isLoading) return <Spin />;
  if (roots.isError) return <ProblemAlert problem={roots.error} />;
  if (tree.length === 0) return <Empty description="无可查看的行政区划" />;
  return (
    <Tree
      treeData={tree}
      loadData={loadData}
      selectedKeys={selected ? [selected] : []}
      defaultExpandedKeys={tree.length === 1 ? [tree[0]!.key] : []}
      onSelect={(keys) => {
        const key = keys[0];
        onSelect(key === undefined ? null : (known.get(String(key)) ?? null));
      }}
      data-testid="region-tree"
    />
  );
}

function UnitsTable({ region }: { region: Region | null }) {
  const [filters, setFilters] = useState<UnitFilters>({});
  const list = useCursorList<Unit>(["units", { region: region?.id ?? null, ...filters }], (after) =>
    unwrap(
      api.GET("/api/v1/units", {
        params: {
          query: {
            region_id: region?.id,
            name: filters.name || undefined,
            level: filters.level,
            medicine: filters.medicine,
            after,
            limit: PAGE_SIZE,
          },
        },
      }),
    ),
  );
  const columns: ColumnsType<Unit> = [
    {
      title: "单位名称",
      dataIndex: "name",
      render: (name: string, unit) => <Link to={`/org/units/${unit.id}`}>{name}</Link>,
    },
    { title: "代码", dataIndex: "code", width: 140 },
    { title: "级别", dataIndex: "level", width: 120, render: (l: string) => labelOf(UNIT_LEVEL_LABELS, l) },
    { title: "类别", dataIndex: "medicine", width: 100, render: (m: string) => labelOf(MEDICINE_LABELS, m) },
  ];
  return (
    <Card title={region ? `单位 · ${region.name}` : "单位"} data-testid="units">
      <Form<UnitFilters> layout="inline" onFinish={setFilters} style={{ marginBottom: 16, rowGap: 8 }} name="unit_filters">
        <Form.Item name="name">
          <Input placeholder="单位名称" allowClear style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="level">
          <Select placeholder="单位级别" allowClear style={{ width: 140 }} options={options(UNIT_LEVEL_LABELS)} />
        </Form.Item>
        <Form.Item name="medicine">
          <Select placeholder="中/西医" allowClear style={{ width: 120 }} options={options(MEDICINE_LABELS)} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          查询
        </Button>
      </Form>
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<Unit>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        data-testid="units-table"
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
    </Card>
  );
}

/** 机构人员: regions → units → a unit's departments and people, within the caller's jurisdiction. */
export default function OrgPage() {
  const { me } = useAuth();
  const [region, setRegion] = useState<Region | null>(null);
  if (!me) return null;
  // A unit sees its own unit; a department its own people.
  if (me.organisation.kind === "unit") return <Navigate to={`/org/units/${me.organisation.id}`} replace />;
  if (me.organisation.kind === "department") {
    return <OrgPeople departmentId={me.organisation.id ?? undefined} title={`人员 · ${me.organisation.name}`} />;
  }
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={6}>
        <Card title="行政区划">
          <RegionTree selected={region?.id ?? null} onSelect={setRegion} />
        </Card>
      </Col>
      <Col xs={24} lg={18}>
        <UnitsTable region={region} />
      </Col>
    </Row>
  );
}
