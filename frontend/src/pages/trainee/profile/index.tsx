import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { useAuth } from "../../../auth/AuthProvider";
import { PASSWORD_PATH } from "../../../auth/permissions";
import { TITLE_LEVEL_LABELS } from "../../../constants/enums";
import TraineeLayout from "../../../layouts/TraineeLayout";
import { Button, ButtonLink, Card, Loading } from "../../../light";
import { Problem } from "../../../light/Problem";

/**
 * 我的 (the trainee's): who he is, in the words of his record (name, ID
 * number masked, unit, title), and his account's two actions. No login name, account
 * id or permission: a trainee signs in with his ID number and name.
 */
export default function TraineeProfilePage() {
  const { me, signOut } = useAuth();
  // His record: the latest year's (the current year is always there).
  const years = useQuery({ queryKey: ["me", "compliance"], queryFn: () => unwrap(api.GET("/api/v1/me/compliance")) });
  const year = years.data?.[0]?.year;
  const detail = useQuery({
    queryKey: ["me", "compliance", year],
    queryFn: () => unwrap(api.GET("/api/v1/me/compliance/{year}", { params: { path: { year: year! } } })),
    enabled: year !== undefined,
  });
  const person = detail.data?.person;
  const facts: [string, string | null | undefined][] = [
    ["姓名", person?.name ?? me?.display_name],
    ["身份证号", person?.id_number_masked],
    ["单位", me?.workplace?.unit],
    ["科室", me?.workplace?.department ?? (me?.workplace ? "未分科室" : null)],
    ["职称", person?.title ? `${person.title.name}（${TITLE_LEVEL_LABELS[person.title.level]}）` : null],
  ];
  return (
    <TraineeLayout title="我的">
      <div className="lk-stack" data-testid="trainee-profile">
        <Card title="个人信息">
          {(years.isLoading || detail.isLoading) && <Loading />}
          {detail.isError && <Problem problem={detail.error} />}
          <dl className="lk-facts">
            {facts.map(([label, value]) => (
              <div key={label} style={{ display: "contents" }}>
                <dt>{label}</dt>
                <dd data-testid={`profile-${label}`}>{value || "—"}</dd>
              </div>
            ))}
          </dl>
          <p className="lk-muted" style={{ marginBottom: 0 }}>
            信息有误请联系本单位继续医学教育管理员；职称有误可在“我的证书”中申请更正。
          </p>
        </Card>
        <Card title="账号">
          <div className="lk-stack" style={{ gap: 8 }}>
            <ButtonLink to={PASSWORD_PATH} block data-testid="profile-password">
              修改密码
            </ButtonLink>
            <Button variant="danger" block onClick={() => void signOut()} data-testid="profile-sign-out">
              退出登录
            </Button>
          </div>
        </Card>
      </div>
    </TraineeLayout>
  );
}
