import { QrcodeOutlined, RightOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, List, Space, Spin, Tag, Typography } from "antd";
import { Link } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { YearSummary } from "../../../api/types";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { OUTCOME_COLORS, OUTCOME_LABELS } from "../../../constants/enums";
import { formatCredits } from "../../../utils/format";
import { plainShortfall } from "../../../utils/shortfall";

/** 我的学分: the trainee's years at a glance, newest first. */
export default function MyCreditsPage() {
  const years = useQuery({ queryKey: ["me", "compliance"], queryFn: () => unwrap(api.GET("/api/v1/me/compliance")) });
  return (
    <div style={{ maxWidth: 720, margin: "0 auto" }} data-testid="my-credits">
      <Card
        title={<PageTitle>我的学分</PageTitle>}
        size="small"
        extra={
          <Link to="/m/sign-in">
            <Button type="primary" size="small" icon={<QrcodeOutlined />}>
              活动签到
            </Button>
          </Link>
        }
      >
        {years.isLoading && <Spin />}
        {years.isError && <ProblemAlert problem={years.error} />}
        {years.data && (
          <List<YearSummary>
            dataSource={years.data}
            locale={{ emptyText: "暂无学分记录" }}
            renderItem={(y) => (
              <List.Item key={y.year} data-testid="my-year" data-year={y.year} data-outcome={y.outcome}>
                <Link to={`/my-credits/${y.year}`} style={{ width: "100%", color: "inherit" }}>
                  <Space orientation="vertical" size={4} style={{ width: "100%" }}>
                    <Space style={{ justifyContent: "space-between", width: "100%" }}>
                      <Typography.Text strong style={{ fontSize: 16 }}>
                        {y.year} 年度
                      </Typography.Text>
                      <Space>
                        <Tag color={OUTCOME_COLORS[y.outcome]}>{OUTCOME_LABELS[y.outcome]}</Tag>
                        <RightOutlined />
                      </Space>
                    </Space>
                    <Typography.Text type="secondary">已计入 {formatCredits(y.total)} 分</Typography.Text>
                    {y.shortfalls.length > 0 && (
                      <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                        {y.shortfalls.map((s) => (
                          <li key={s.code}>
                            <Typography.Text type="danger">{plainShortfall(s)}</Typography.Text>
                          </li>
                        ))}
                      </ul>
                    )}
                  </Space>
                </Link>
              </List.Item>
            )}
          />
        )}
      </Card>
    </div>
  );
}
