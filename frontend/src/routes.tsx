import { Button, Result } from "antd";
import { Link, Navigate, Outlet, type RouteObject } from "react-router";
import { AuthProvider, useAuth } from "./auth/AuthProvider";
import { PageLoading, RequireAuth } from "./auth/guards";
import { homeFor } from "./auth/permissions";
import BasicLayout from "./layouts/BasicLayout";
import MePage from "./pages/account/me";
import PasswordPage from "./pages/account/password";
import CalculatorPage from "./pages/public/calculator";
import StaffLoginPage from "./pages/public/login";
import TraineeLoginPage from "./pages/public/trainee-login";
import AccountsPage from "./pages/staff/accounts";
import ApiClientsPage from "./pages/staff/api-clients";
import AuditPage from "./pages/staff/audit";
import OrgPage from "./pages/staff/org";
import UnitPage from "./pages/staff/org/UnitPage";
import MobileSignInPage from "./pages/mobile/sign-in";
import ActivitiesPage from "./pages/staff/activities";
import ActivityPage from "./pages/staff/activities/ActivityPage";
import SignInScreen from "./pages/staff/activities/SignInScreen";
import CompliancePage from "./pages/staff/compliance";
import PersonYearPage from "./pages/staff/compliance/PersonYearPage";
import CoursesPage from "./pages/staff/courses";
import CreditDraftsPage from "./pages/staff/credit-drafts";
import CreditEntryPage from "./pages/staff/credit-entry";
import CreditReportsPage from "./pages/staff/credit-reports";
import ReportPage from "./pages/staff/credit-reports/ReportPage";
import MyCreditsPage from "./pages/trainee/credits";
import MyYearPage from "./pages/trainee/credits/YearPage";
import StaffPage from "./pages/staff/people";
import StaffImportPage from "./pages/staff/people/ImportPage";
import CyclePage from "./pages/staff/verification/CyclePage";
import NumbersPage from "./pages/staff/verification/NumbersPage";
import ReviewPage from "./pages/staff/verification/ReviewPage";
import StatsPage from "./pages/staff/verification/StatsPage";
import SubmitPage from "./pages/staff/verification/SubmitPage";
import WindowsPage from "./pages/staff/verification/WindowsPage";
import CertificatePrintPage from "./pages/certificates/PrintPage";
import SealPage from "./pages/certificates/SealPage";
import PublicTokenPage from "./pages/public/verify/TokenPage";
import PublicVerifyPage from "./pages/public/verify/VerifyPage";
import MyCertificatesPage from "./pages/trainee/certificates";
import CorrectionRequestPage from "./pages/title-corrections/RequestPage";
import CorrectionReviewPage from "./pages/title-corrections/ReviewPage";
import SpotChecksPage from "./pages/staff/spot-checks";
import SpotCheckPage from "./pages/staff/spot-checks/CheckPage";
import ReportsPage from "./pages/staff/reports";
import StandardsPage from "./pages/staff/standards";

function NotFound() {
  return (
    <Result
      status="404"
      title="404"
      subTitle="页面不存在"
      extra={
        <Link to="/calculator">
          <Button type="primary">返回学分达标计算器</Button>
        </Link>
      }
    />
  );
}

/** `/`: the calculator for visitors, the user's home page once signed in. */
function Home() {
  const { status, me } = useAuth();
  if (status === "loading") return <PageLoading />;
  return <Navigate to={homeFor(me)} replace />;
}

/** The route table (a function, so that each test gets a fresh one). */
export function buildRoutes(): RouteObject[] {
  return [
    // Public certificate verification (the QR code's link, and by number): no sign-in, no menu.
    { path: "/v/:token", element: <PublicTokenPage /> },
    { path: "/verify", element: <PublicVerifyPage /> },
    {
      element: (
        <AuthProvider>
          <Outlet />
        </AuthProvider>
      ),
      children: [
        { path: "/login", element: <StaffLoginPage /> },
        { path: "/trainee/login", element: <TraineeLoginPage /> },
        // Full-screen and phone pages, without the menu.
        { path: "/m/sign-in", element: <MobileSignInPage /> },
        {
          path: "/activities/:activityId/screen",
          element: <RequireAuth permission="manage_activities"><SignInScreen /></RequireAuth>,
        },
        {
          path: "/",
          element: <BasicLayout />,
          children: [
            { index: true, element: <Home /> },
            { path: "calculator", element: <CalculatorPage /> },
            { path: "account/password", element: <RequireAuth><PasswordPage /></RequireAuth> },
            { path: "me", element: <RequireAuth permission="read_self"><MePage /></RequireAuth> },
            { path: "org", element: <RequireAuth permission="read_hierarchy"><OrgPage /></RequireAuth> },
            { path: "org/units/:unitId", element: <RequireAuth permission="read_hierarchy"><UnitPage /></RequireAuth> },
            { path: "staff", element: <RequireAuth permission="manage_people"><StaffPage /></RequireAuth> },
            { path: "staff/import", element: <RequireAuth permission="manage_people"><StaffImportPage /></RequireAuth> },
            { path: "compliance", element: <RequireAuth permission="read_hierarchy"><CompliancePage /></RequireAuth> },
            {
              path: "compliance/people/:personId/:year",
              element: <RequireAuth permission="read_hierarchy"><PersonYearPage /></RequireAuth>,
            },
            { path: "credit-entry", element: <RequireAuth permission="enter_credits"><CreditEntryPage /></RequireAuth> },
            { path: "credit-drafts", element: <RequireAuth permission="enter_credits"><CreditDraftsPage /></RequireAuth> },
            { path: "credit-reports", element: <RequireAuth permission="review_credits"><CreditReportsPage /></RequireAuth> },
            { path: "credit-reports/:reportId", element: <RequireAuth permission="read_hierarchy"><ReportPage /></RequireAuth> },
            { path: "verification-cycle", element: <RequireAuth permission="manage_cycle"><CyclePage /></RequireAuth> },
            { path: "verification-windows", element: <RequireAuth permission="set_windows"><WindowsPage /></RequireAuth> },
            { path: "verification-submit", element: <RequireAuth permission="submit_verifications"><SubmitPage /></RequireAuth> },
            { path: "verification-review", element: <RequireAuth permission="review_verifications"><ReviewPage /></RequireAuth> },
            { path: "certificate-numbers", element: <RequireAuth permission="issue_certificate_numbers"><NumbersPage /></RequireAuth> },
            { path: "verification-stats", element: <RequireAuth permission="read_hierarchy"><StatsPage /></RequireAuth> },
            { path: "spot-checks", element: <RequireAuth permission="spot_check"><SpotChecksPage /></RequireAuth> },
            { path: "spot-checks/:checkId", element: <RequireAuth permission="spot_check"><SpotCheckPage /></RequireAuth> },
            { path: "reports", element: <RequireAuth permission="read_reports"><ReportsPage /></RequireAuth> },
            { path: "standard-editor", element: <RequireAuth permission="edit_standards"><StandardsPage /></RequireAuth> },
            { path: "seal", element: <RequireAuth permission="manage_seal"><SealPage /></RequireAuth> },
            { path: "certificates", element: <RequireAuth permission="print_certificates"><CertificatePrintPage /></RequireAuth> },
            { path: "my-certificates", element: <RequireAuth permission="claim_activity"><MyCertificatesPage /></RequireAuth> },
            {
              path: "title-corrections",
              element: <RequireAuth permission="request_title_correction"><CorrectionRequestPage /></RequireAuth>,
            },
            {
              path: "title-correction-review",
              element: <RequireAuth permission="review_title_corrections"><CorrectionReviewPage /></RequireAuth>,
            },
            { path: "activities", element: <RequireAuth permission="manage_activities"><ActivitiesPage /></RequireAuth> },
            {
              path: "activities/:activityId",
              element: <RequireAuth permission="manage_activities"><ActivityPage /></RequireAuth>,
            },
            { path: "courses", element: <RequireAuth permission="record_course"><CoursesPage /></RequireAuth> },
            { path: "my-credits", element: <RequireAuth permission="claim_activity"><MyCreditsPage /></RequireAuth> },
            { path: "my-credits/:year", element: <RequireAuth permission="claim_activity"><MyYearPage /></RequireAuth> },
            { path: "accounts", element: <RequireAuth permission="manage_accounts"><AccountsPage /></RequireAuth> },
            { path: "api-clients", element: <RequireAuth permission="manage_api_clients"><ApiClientsPage /></RequireAuth> },
            { path: "audit", element: <RequireAuth permission="read_audit"><AuditPage /></RequireAuth> },
            { path: "*", element: <NotFound /> },
          ],
        },
      ],
    },
  ];
}

export const routes: RouteObject[] = buildRoutes();
