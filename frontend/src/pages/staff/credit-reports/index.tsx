import { Card, Table, Tabs } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { CreditReport } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { useCursorList } from "../../../hooks/useCursorList";
import { reportColumns } from "./columns";

function Reports({ state }: { state: "open" | "closed" }) {
  const list = useCursorList<CreditReport>(["credit-reports", state], (after) =>
    unwrap(api.GET("/api/v1/credit-reports", { params: { query: { state, after, limit: 50 } } })),
  );
  return (
    <>
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<CreditReport>
        rowKey="id"
        size="middle"
        columns={reportColumns()}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        locale={{ emptyText: state === "open" ? "没有待审核的上报" : "暂无记录" }}
        data-testid={`reports-${state}`}
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
    </>
  );
}

/** 学分审核: the departments' reports waiting for the unit's decision, and the decided ones. */
export default function CreditReportsPage() {
  const [tab, setTab] = useState<"open" | "closed">("open");
  return (
    <Card title="学分审核" data-testid="credit-reports">
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as "open" | "closed")}
        destroyOnHidden
        items={[
          { key: "open", label: "待审核", children: <Reports state="open" /> },
          { key: "closed", label: "已审核", children: <Reports state="closed" /> },
        ]}
      />
    </Card>
  );
}
