import { LeftOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Space, Spin } from "antd";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../../../api/client";
import { PageTitle } from "../../../components/PageTitle";
import { PersonYearView } from "../../../components/PersonYearView";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { RegistrationFormButtons } from "../../../components/RegistrationFormButtons";

/** The trainee's own year: the verdict, what he still needs in plain words, every record. */
export default function MyYearPage() {
  const { year: yearParam = "" } = useParams();
  const year = Number(yearParam);
  const detail = useQuery({
    queryKey: ["me", "compliance", year],
    queryFn: () => unwrap(api.GET("/api/v1/me/compliance/{year}", { params: { path: { year } } })),
    enabled: Number.isInteger(year),
  });
  return (
    <div style={{ maxWidth: 720, margin: "0 auto" }} data-testid="my-year-page">
      <Space style={{ marginBottom: 12 }} wrap>
        <Link to="/my-credits">
          <Button icon={<LeftOutlined />}>全部年度</Button>
        </Link>
      </Space>
      <Card title={<PageTitle>{yearParam} 年度学分</PageTitle>} size="small" extra={null}>
        {detail.isLoading && <Spin />}
        {detail.isError && <ProblemAlert problem={detail.error} />}
        {detail.data && (
          <>
            <PersonYearView data={detail.data} plain />
            <RegistrationFormButtons year={year} name={detail.data.person.name} />
          </>
        )}
      </Card>
    </div>
  );
}
