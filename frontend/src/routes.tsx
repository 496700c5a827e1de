import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from "react";
import { matchPath, Navigate, Outlet, type RouteObject } from "react-router";
import { AuthProvider, useAuth } from "./auth/AuthProvider";
import { PageLoading, RequireAuth } from "./auth/guards";
import { PASSWORD_PATH } from "./auth/permissions";
import { NavigationProvider, useHomeFor, type RouteEntry, type RouteHandle } from "./navigation";

/*
 * Every page is its own chunk, loaded when first opened: a phone on a county
 * link signing in fetches the sign-in page, not the 60 pages of the offices
 * (the whole SPA was one 1.8 MB script; tests/bench/slow-link.mjs prints what
 * each entry page now costs). The shell's layout is split off the same way.
 */
/** A lazily loaded page whose chunk can be fetched ahead of its first render. */
type Page = LazyExoticComponent<ComponentType> & { preload: () => Promise<unknown> };

function page(load: () => Promise<{ default: ComponentType }>): Page {
  return Object.assign(lazy(load), { preload: load });
}

const BasicLayout = page(() => import("./layouts/BasicLayout"));
const MePage = page(() => import("./pages/account/me"));
const PasswordPage = page(() => import("./pages/account/password"));
const CalculatorPage = page(() => import("./pages/public/calculator"));
const StaffLoginPage = page(() => import("./pages/public/login"));
const TraineeLoginPage = page(() => import("./pages/public/trainee-login"));
const AccountsPage = page(() => import("./pages/staff/accounts"));
const ApiClientsPage = page(() => import("./pages/staff/api-clients"));
const AuditPage = page(() => import("./pages/staff/audit"));
const OrgPage = page(() => import("./pages/staff/org"));
const UnitPage = page(() => import("./pages/staff/org/UnitPage"));
const MobileSignInPage = page(() => import("./pages/mobile/sign-in"));
const ActivitiesPage = page(() => import("./pages/staff/activities"));
const ActivityPage = page(() => import("./pages/staff/activities/ActivityPage"));
const SignInScreen = page(() => import("./pages/staff/activities/SignInScreen"));
const CompliancePage = page(() => import("./pages/staff/compliance"));
const PersonYearPage = page(() => import("./pages/staff/compliance/PersonYearPage"));
const CoursesPage = page(() => import("./pages/staff/courses"));
const CreditDraftsPage = page(() => import("./pages/staff/credit-drafts"));
const CreditEntryPage = page(() => import("./pages/staff/credit-entry"));
const CreditGridPage = page(() => import("./pages/staff/credit-grid"));
const CreditReportsPage = page(() => import("./pages/staff/credit-reports"));
const ReportPage = page(() => import("./pages/staff/credit-reports/ReportPage"));
const MyCreditsPage = page(() => import("./pages/trainee/credits"));
const MyYearPage = page(() => import("./pages/trainee/credits/YearPage"));
const StaffPage = page(() => import("./pages/staff/people"));
const StaffImportPage = page(() => import("./pages/staff/people/ImportPage"));
const CyclePage = page(() => import("./pages/staff/verification/CyclePage"));
const NumbersPage = page(() => import("./pages/staff/verification/NumbersPage"));
const ReviewPage = page(() => import("./pages/staff/verification/ReviewPage"));
const StatsPage = page(() => import("./pages/staff/verification/StatsPage"));
const SubmitPage = page(() => import("./pages/staff/verification/SubmitPage"));
const WindowsPage = page(() => import("./pages/staff/verification/WindowsPage"));
const CertificatePrintPage = page(() => import("./pages/certificates/PrintPage"));
const SealPage = page(() => import("./pages/certificates/SealPage"));
const PublicTokenPage = page(() => import("./pages/public/verify/TokenPage"));
const PublicVerifyPage = page(() => import("./pages/public/verify/VerifyPage"));
const PublicSupportPage = page(() => import("./pages/public/support"));
const SupportEditPage = page(() => import("./pages/staff/support"));
const MyCertificatesPage = page(() => import("./pages/trainee/certificates"));
const TraineeProfilePage = page(() => import("./pages/trainee/profile"));
const CorrectionRequestPage = page(() => import("./pages/title-corrections/RequestPage"));
const CorrectionReviewPage = page(() => import("./pages/title-corrections/ReviewPage"));
const SpotChecksPage = page(() => import("./pages/staff/spot-checks"));
const SpotCheckPage = page(() => import("./pages/staff/spot-checks/CheckPage"));
const ReportsPage = page(() => import("./pages/staff/reports"));
const StandardsPage = page(() => import("./pages/staff/standards"));
const WorkbenchPage = page(() => import("./pages/staff/workbench"));
const UnitsPage = page(() => import("./pages/staff/units"));
const UnitImportPage = page(() => import("./pages/staff/units/ImportPage"));
const DepartmentsPage = page(() => import("./pages/staff/departments"));
const NotificationsPage = page(() => import("./pages/notifications"));
const NotificationPreferencesPage = page(() => import("./pages/notifications/PreferencesPage"));
const TraineeNotificationsPage = page(() => import("./pages/trainee/notifications"));

const NotFound = lazy(() => import("./auth/denied").then((m) => ({ default: m.NotFound })));
const loadAntd = () => import("./antd");
const AntdProviders = lazy(loadAntd);

/** `/`: the calculator for visitors, the user's home page once signed in. */
function Home() {
  const { status, me } = useAuth();
  const homeFor = useHomeFor();
  if (status === "loading") return <PageLoading />;
  return <Navigate to={homeFor(me)} replace />;
}

/**
 * The route table: every page with its path, frame, access, and its place in
 * the menu. The router's routes (`buildRoutes`) and the menu (`menuFor`, in
 * this order) are both derived from it; a page the menu does not list says
 * `hideInMenu`.
 */
export const ROUTE_TABLE: readonly RouteEntry[] = [
  // Public certificate verification (the QR code's link, and by number): no sign-in, no menu.
  { path: "/v/:token", page: PublicTokenPage, frame: "public", kit: "light", access: null, hideInMenu: true },
  { path: "/verify", page: PublicVerifyPage, frame: "public", kit: "light", access: null, hideInMenu: true },
  { path: "/support", page: PublicSupportPage, frame: "public", kit: "light", access: null, hideInMenu: true },
  { path: "/login", page: StaffLoginPage, frame: "bare", kit: "light", access: null, hideInMenu: true },
  { path: "/trainee/login", page: TraineeLoginPage, frame: "bare", kit: "light", access: null, hideInMenu: true },
  { path: "/", page: Home, frame: "menu", access: null, hideInMenu: true },
  { path: PASSWORD_PATH, page: PasswordPage, frame: "menu", access: "signed_in", hideInMenu: true },
  // The bell's pages (the header's bell opens them; a trainee's are in his own frame).
  { path: "/notifications", page: NotificationsPage, frame: "menu", access: "signed_in", hideInMenu: true },
  { path: "/notifications/preferences", page: NotificationPreferencesPage, frame: "menu", access: "signed_in", hideInMenu: true },

  // The menu, in order, each list followed by its detail pages.
  // Staff land here (the first page of the menu they may use): what waits on them.
  { path: "/workbench", page: WorkbenchPage, frame: "menu", access: "read_hierarchy", label: "工作台", icon: "DashboardOutlined" },
  { path: "/calculator", page: CalculatorPage, frame: "menu", access: null, label: "学分达标计算器", icon: "CalculatorOutlined" },
  { path: "/org", page: OrgPage, frame: "menu", access: "read_hierarchy", label: "机构人员", icon: "ClusterOutlined" },
  { path: "/org/units/:unitId", page: UnitPage, frame: "menu", access: "read_hierarchy", hideInMenu: true, parent: "/org" },
  { path: "/staff", page: StaffPage, frame: "menu", access: "manage_people", label: "人员维护", icon: "SolutionOutlined" },
  { path: "/staff/import", page: StaffImportPage, frame: "menu", access: "manage_people", hideInMenu: true, parent: "/staff" },
  { path: "/compliance", page: CompliancePage, frame: "menu", access: "read_hierarchy", label: "达标情况查询", icon: "FileSearchOutlined" },
  {
    path: "/compliance/people/:personId/:year",
    page: PersonYearPage,
    frame: "menu",
    access: "read_hierarchy",
    hideInMenu: true,
    parent: "/compliance",
  },
  { path: "/credit-entry", page: CreditEntryPage, frame: "menu", access: "enter_credits", label: "学分录入", icon: "EditOutlined" },
  {
    path: "/credit-grid",
    page: CreditGridPage,
    frame: "menu",
    access: "enter_credits",
    label: "纸质学分批量录入",
    icon: "TableOutlined",
  },
  {
    path: "/credit-drafts",
    page: CreditDraftsPage,
    frame: "menu",
    access: "enter_credits",
    label: "科室学分上报",
    icon: "SendOutlined",
    kinds: ["department"],
  },
  { path: "/credit-reports", page: CreditReportsPage, frame: "menu", access: "review_credits", label: "学分审核", icon: "CheckSquareOutlined" },
  // A department opens its own reports from 科室学分上报: reading is enough.
  { path: "/credit-reports/:reportId", page: ReportPage, frame: "menu", access: "read_hierarchy", hideInMenu: true, parent: "/credit-reports" },
  { path: "/verification-cycle", page: CyclePage, frame: "menu", access: "manage_cycle", label: "验证周期设置", icon: "CalendarOutlined" },
  { path: "/verification-windows", page: WindowsPage, frame: "menu", access: "set_windows", label: "截止时间设置", icon: "FieldTimeOutlined" },
  {
    path: "/verification-submit",
    page: SubmitPage,
    frame: "menu",
    access: "submit_verifications",
    label: "验证信息上报",
    icon: "CloudUploadOutlined",
    // The API submits for a unit or a department only (`submitter`), whoever holds the operation.
    kinds: ["unit", "department"],
  },
  {
    path: "/verification-review",
    page: ReviewPage,
    frame: "menu",
    access: "review_verifications",
    label: "验证审核",
    icon: "SafetyCertificateOutlined",
  },
  {
    path: "/certificate-numbers",
    page: NumbersPage,
    frame: "menu",
    access: "issue_certificate_numbers",
    label: "生成证书编号",
    icon: "NumberOutlined",
  },
  {
    path: "/verification-stats",
    page: StatsPage,
    frame: "menu",
    access: "read_hierarchy",
    label: "验证统计",
    icon: "BarChartOutlined",
    kinds: ["province", "region", "unit"],
  },
  { path: "/seal", page: SealPage, frame: "menu", access: "manage_seal", label: "电子印章", icon: "CopyrightOutlined" },
  { path: "/certificates", page: CertificatePrintPage, frame: "menu", access: "print_certificates", label: "证书打印", icon: "PrinterOutlined" },
  {
    path: "/title-correction-review",
    page: CorrectionReviewPage,
    frame: "menu",
    access: "review_title_corrections",
    label: "职称更正审核",
    icon: "AuditOutlined",
  },
  {
    path: "/title-corrections",
    page: CorrectionRequestPage,
    frame: "menu",
    access: "request_title_correction",
    label: "职称更正申请",
    icon: "FormOutlined",
  },
  { path: "/spot-checks", page: SpotChecksPage, frame: "menu", access: "spot_check", label: "抽验", icon: "ExperimentOutlined" },
  { path: "/spot-checks/:checkId", page: SpotCheckPage, frame: "menu", access: "spot_check", hideInMenu: true, parent: "/spot-checks" },
  { path: "/reports", page: ReportsPage, frame: "menu", access: "read_reports", label: "统计报表", icon: "FundOutlined" },
  { path: "/standard-editor", page: StandardsPage, frame: "menu", access: "edit_standards", label: "学分标准维护", icon: "SlidersOutlined" },
  { path: "/activities", page: ActivitiesPage, frame: "menu", access: "manage_activities", label: "继教活动", icon: "NotificationOutlined" },
  { path: "/activities/:activityId", page: ActivityPage, frame: "menu", access: "manage_activities", hideInMenu: true, parent: "/activities" },
  // The rotating QR code, full screen for a projector.
  { path: "/activities/:activityId/screen", page: SignInScreen, frame: "bare", access: "manage_activities", hideInMenu: true },
  { path: "/courses", page: CoursesPage, frame: "menu", access: "record_course", label: "公需科目", icon: "ReadOutlined" },
  { path: "/units", page: UnitsPage, frame: "menu", access: "manage_units", label: "单位管理", icon: "ApartmentOutlined" },
  { path: "/units/import", page: UnitImportPage, frame: "menu", access: "manage_units", hideInMenu: true, parent: "/units" },
  { path: "/departments", page: DepartmentsPage, frame: "menu", access: "manage_departments", label: "科室管理", icon: "PartitionOutlined" },
  { path: "/accounts", page: AccountsPage, frame: "menu", access: "manage_accounts", label: "账号管理", icon: "TeamOutlined" },
  { path: "/api-clients", page: ApiClientsPage, frame: "menu", access: "manage_api_clients", label: "接口客户端", icon: "KeyOutlined" },
  { path: "/audit", page: AuditPage, frame: "menu", access: "read_audit", label: "审计日志", icon: "AuditOutlined" },
  { path: "/support-desk", page: SupportEditPage, frame: "menu", access: "edit_support", label: "技术支持维护", icon: "CustomerServiceOutlined" },
  // The trainee's pages: his own frame (TraineeLayout, a tab bar on a phone), without antd.
  { path: "/my-credits", page: MyCreditsPage, frame: "bare", kit: "light", access: "claim_activity", label: "我的学分", icon: "TrophyOutlined" },
  { path: "/my-credits/:year", page: MyYearPage, frame: "bare", kit: "light", access: "claim_activity", hideInMenu: true, parent: "/my-credits" },
  {
    path: "/my-certificates",
    page: MyCertificatesPage,
    frame: "bare",
    kit: "light",
    access: "claim_activity",
    label: "我的证书",
    icon: "SafetyCertificateOutlined",
  },
  // The phone page: it sends visitors to the trainee sign-in and tells staff it is for trainees.
  {
    path: "/m/sign-in",
    page: MobileSignInPage,
    frame: "bare",
    kit: "light",
    access: "claim_activity",
    selfGuarded: true,
    label: "活动签到",
    icon: "QrcodeOutlined",
  },
  { path: "/my-profile", page: TraineeProfilePage, frame: "bare", kit: "light", access: "claim_activity", hideInMenu: true },
  { path: "/my-notifications", page: TraineeNotificationsPage, frame: "bare", kit: "light", access: "claim_activity", hideInMenu: true },
  { path: "/me", page: MePage, frame: "menu", access: "read_self", label: "我的信息", icon: "IdcardOutlined" },
  { path: "/*", page: NotFound, frame: "menu", access: null, hideInMenu: true },
];

/**
 * Starts fetching what the page at `pathname` needs (its chunk, antd's and
 * the menu frame's when it uses them) at start-up, while the session
 * resumes: on a 400 ms link the page then arrives with the session instead
 * of one round of requests after it (tests/bench/slow-link.mjs).
 */
export function preloadRoute(pathname: string, table: readonly RouteEntry[] = ROUTE_TABLE): void {
  const entry = table.find((e) => e.path !== "/*" && matchPath({ path: e.path, end: true }, pathname) !== null);
  if (!entry) return;
  const quietly = (p: Promise<unknown> | undefined) => void p?.catch(() => undefined);
  quietly((entry.page as Partial<Page>).preload?.());
  if (entry.kit !== "light") quietly(loadAntd());
  if (entry.frame === "menu") quietly(BasicLayout.preload());
}

/** The page of an entry, behind `RequireAuth` unless anyone may open it or it checks for itself. */
function elementOf(entry: RouteEntry) {
  const Page = entry.page;
  // A menu page has antd's providers from its frame; a light page does without.
  const page = (
    <Suspense fallback={<PageLoading />}>
      {entry.frame === "menu" || entry.kit === "light" ? (
        <Page />
      ) : (
        <AntdProviders>
          <Page />
        </AntdProviders>
      )}
    </Suspense>
  );
  if (entry.access === null || entry.selfGuarded) return page;
  return <RequireAuth permission={entry.access === "signed_in" ? undefined : entry.access}>{page}</RequireAuth>;
}

function routeOf(entry: RouteEntry): RouteObject {
  const handle: RouteHandle = { entry };
  const element = elementOf(entry);
  // The shell's own path is its index route.
  return entry.frame === "menu" && entry.path === "/" ? { index: true, element, handle } : { path: entry.path, element, handle };
}

/** The router's routes, from `table` (a function, so that each test gets a fresh one). */
export function buildRoutes(table: readonly RouteEntry[] = ROUTE_TABLE): RouteObject[] {
  const framed = (frame: RouteEntry["frame"]) => table.filter((e) => e.frame === frame).map(routeOf);
  return [
    ...framed("public"),
    {
      element: (
        <AuthProvider>
          <NavigationProvider table={table}>
            <Outlet />
          </NavigationProvider>
        </AuthProvider>
      ),
      children: [
        ...framed("bare"),
        {
          path: "/",
          element: (
            <Suspense fallback={<PageLoading />}>
              <AntdProviders>
                <BasicLayout />
              </AntdProviders>
            </Suspense>
          ),
          children: framed("menu"),
        },
      ],
    },
  ];
}

export const routes: RouteObject[] = buildRoutes();
