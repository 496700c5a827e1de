// Wire types, named after the operations that use them. Derived from `paths`
// rather than from component names so they survive schema renames.
import type { ApiPaths } from "./paths";
import type { paths } from "./schema";

type JsonBody<T> = T extends { content: { "application/json": infer B } } ? B : never;

type EvaluateOp = paths["/api/v1/compliance/evaluate"]["post"];
export type EvaluateRequest = JsonBody<NonNullable<EvaluateOp["requestBody"]>>;
export type EvaluateResponse = JsonBody<EvaluateOp["responses"][200]>;

export type CreditInput = EvaluateRequest["credits"][number];
export type UnitLevel = EvaluateRequest["unit_level"];
export type TitleLevel = NonNullable<EvaluateRequest["title_level"]>;
export type Discipline = EvaluateRequest["discipline"];
export type CreditKind = CreditInput["kind"];
export type CreditSource = NonNullable<CreditInput["source"]>;

export type Shortfall = EvaluateResponse["shortfalls"][number];
export type AppliedStandard = EvaluateResponse["standard"];
export type Requirement = AppliedStandard["requirement"];
export type Buckets = EvaluateResponse["buckets"];
export type Allocation = EvaluateResponse["allocation"][number];
export type NotCountedReason = NonNullable<Allocation["not_counted_reason"]>;

export type StandardSummary = JsonBody<paths["/api/v1/standards"]["get"]["responses"][200]>[number];

// ---- accounts, roles, hierarchy, audit (issue 3) ----------------------------
type Ok<T> = T extends { responses: { 200: infer R } } ? JsonBody<R> : never;
type Created<T> = T extends { responses: { 201: infer R } } ? JsonBody<R> : never;
type Body<T> = T extends { requestBody?: infer B } ? JsonBody<NonNullable<B>> : never;
type Items<T> = T extends { items: (infer I)[] } ? I : never;

export type TokenPair = Ok<ApiPaths["/api/v1/auth/login"]["post"]>;
export type LoginRequest = Body<ApiPaths["/api/v1/auth/login"]["post"]>;
export type TraineeLoginRequest = Body<ApiPaths["/api/v1/auth/trainee/login"]["post"]>;
export type ChangePasswordRequest = Body<ApiPaths["/api/v1/auth/password"]["post"]>;
export type Captcha = Ok<ApiPaths["/api/v1/auth/captcha"]["get"]>;

export type Me = Ok<ApiPaths["/api/v1/me"]["get"]>;
export type Role = Me["role"];
export type Operation = Me["permissions"][number];
export type Organisation = Me["organisation"];
export type OrganisationKind = Organisation["kind"];

export type Region = Ok<ApiPaths["/api/v1/regions"]["get"]>[number];
export type RegionLevel = Region["level"];
export type UnitsPage = Ok<ApiPaths["/api/v1/units"]["get"]>;
export type Unit = Items<UnitsPage>;
export type Medicine = Unit["medicine"];
export type Department = Ok<ApiPaths["/api/v1/units/{id}/departments"]["get"]>[number];
export type PeoplePage = Ok<ApiPaths["/api/v1/people"]["get"]>;
export type PersonSummary = Items<PeoplePage>;
export type PersonDetail = Ok<ApiPaths["/api/v1/people/{id}"]["get"]>;
export type PersonStatus = PersonSummary["status"];
export type Gender = PersonSummary["gender"];
export type PersonTitle = NonNullable<PersonSummary["title"]>;

export type AccountsPage = Ok<ApiPaths["/api/v1/accounts"]["get"]>;
export type Account = Items<AccountsPage>;
export type CreateAccountRequest = Body<ApiPaths["/api/v1/accounts"]["post"]>;
export type CreatedAccount = Created<ApiPaths["/api/v1/accounts"]["post"]>;

export type ApiClientInfo = Ok<ApiPaths["/api/v1/api-clients"]["get"]>[number];
export type CreateApiClientRequest = Body<ApiPaths["/api/v1/api-clients"]["post"]>;
export type CreatedApiClient = Created<ApiPaths["/api/v1/api-clients"]["post"]>;

export type AuditPage = Ok<ApiPaths["/api/v1/audit"]["get"]>;
export type AuditEntry = Items<AuditPage>;

// ---- credits, compliance, activities, courses (issue 4) ---------------------
type Query<T> = T extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type CompliancePage = Ok<ApiPaths["/api/v1/compliance"]["get"]>;
export type ComplianceQuery = Query<ApiPaths["/api/v1/compliance"]["get"]>;
export type ComplianceRow = Items<CompliancePage>;
export type OutcomeCounts = NonNullable<CompliancePage["counts"]>;
export type Outcome = ComplianceRow["outcome"];
export type ShortfallItem = ComplianceRow["shortfalls"][number];
export type ShortfallCode = ShortfallItem["code"];

export type PersonYear = Ok<ApiPaths["/api/v1/people/{id}/compliance/{year}"]["get"]>;
export type CreditLine = PersonYear["credits"][number];
export type YearSummary = Ok<ApiPaths["/api/v1/me/compliance"]["get"]>[number];

export type CreditEntryRequest = Body<ApiPaths["/api/v1/people/{id}/credits"]["post"]>;
export type Credit = Created<ApiPaths["/api/v1/people/{id}/credits"]["post"]>;
export type CreditState = Credit["state"];
export type EntryPath = Credit["entry_path"];
export type CreditItem = Ok<ApiPaths["/api/v1/credit-drafts"]["get"]>[number];
export type CreditBatchRequest = Body<ApiPaths["/api/v1/credits/batch"]["post"]>;
export type CreditBatchRow = CreditBatchRequest["rows"][number];
export type CreditBatchResult = Created<ApiPaths["/api/v1/credits/batch"]["post"]>;
export type CreditBatchCells = Ok<ApiPaths["/api/v1/credits/batch/read"]["post"]>[number];

export type ReportPage = Ok<ApiPaths["/api/v1/credit-reports"]["get"]>;
export type CreditReport = Items<ReportPage>;
export type ReportDetail = Ok<ApiPaths["/api/v1/credit-reports/{id}"]["get"]>;
export type Decision = Body<ApiPaths["/api/v1/credit-reports/{id}/decisions"]["post"]>["decisions"][number];

export type ActivityPage = Ok<ApiPaths["/api/v1/activities"]["get"]>;
export type Activity = Items<ActivityPage>;
export type NewActivityRequest = Body<ApiPaths["/api/v1/activities"]["post"]>;
export type SignInCode = Ok<ApiPaths["/api/v1/activities/{id}/sign-in-code"]["get"]>;
export type SignInResult = Created<ApiPaths["/api/v1/activities/sign-in"]["post"]>;
export type RosterReport = Ok<ApiPaths["/api/v1/activities/{id}/roster"]["post"]>;
export type RosterRow = RosterReport["results"][number];
export type RosterOutcome = RosterRow["outcome"];

export type Completion = Created<ApiPaths["/api/v1/people/{id}/course-completions"]["post"]>;
export type ImportMode = NonNullable<Query<ApiPaths["/api/v1/course-completions/import"]["post"]>["mode"]>;
export type CompletionImportReport = Ok<ApiPaths["/api/v1/course-completions/import"]["post"]>;
export type ImportError = CompletionImportReport["errors"][number];
export type StandardsList = Ok<ApiPaths["/api/v1/standards"]["get"]>;

// ---- the verification cycle (issue 6) ---------------------------------------
export type Cycle = Ok<ApiPaths["/api/v1/cycles/{year}"]["get"]>;
export type CycleRequest = Body<ApiPaths["/api/v1/cycles/{year}"]["put"]>;
export type Windows = Ok<ApiPaths["/api/v1/cycles/{year}/windows"]["get"]>;
export type TierWindows = Windows["tiers"][number];
export type SubmissionWindow = TierWindows["effective"];
export type WindowTier = SubmissionWindow["tier"];

export type CandidatePage = Ok<ApiPaths["/api/v1/verifications/candidates"]["get"]>;
export type Candidate = Items<CandidatePage>;
export type ListKind = Query<ApiPaths["/api/v1/verifications/candidates"]["get"]>["list"];
export type SubmissionRequest = Body<ApiPaths["/api/v1/verifications"]["post"]>;
export type SubmissionItem = SubmissionRequest["people"][number];
export type SpecialClaim = NonNullable<SubmissionItem["special"]>;
export type SpecialReason = SpecialClaim["reason"];
export type SubmissionResult = Ok<ApiPaths["/api/v1/verifications"]["post"]>;
export type Evidence = Ok<ApiPaths["/api/v1/evidence"]["post"]>;

export type VerificationPage = Ok<ApiPaths["/api/v1/verifications"]["get"]>;
export type Verification = Items<VerificationPage>;
export type VerificationState = Verification["state"];
export type VerificationPath = Verification["path"];
export type ReviewTier = NonNullable<Verification["waiting_on"]>;
export type VerificationDetail = Ok<ApiPaths["/api/v1/verifications/{id}"]["get"]>;
export type ChainStep = VerificationDetail["chain"][number];
export type TimelineEntry = VerificationDetail["timeline"][number];
export type DecisionRequest = Body<ApiPaths["/api/v1/reviews/decisions"]["post"]>;
export type ReviewDecision = DecisionRequest["decision"];
export type DecisionItem = DecisionRequest["items"][number];
export type QueueSummaryRow = Ok<ApiPaths["/api/v1/reviews/summary"]["get"]>[number];
export type NumbersResult = Ok<ApiPaths["/api/v1/certificate-numbers"]["post"]>;
export type Stats = Ok<ApiPaths["/api/v1/verification-stats"]["get"]>;
export type StatsRow = Stats["rows"][number];
export type Grouping = Stats["by"];

// ---- spot checks, reports, the standard editor (issue 8) ---------------------
export type DrawRequest = Body<ApiPaths["/api/v1/spot-checks"]["post"]>;
export type SpotCheck = Ok<ApiPaths["/api/v1/spot-checks/{id}"]["get"]>;
export type SpotCheckKind = SpotCheck["kind"];
export type CheckSummary = Ok<ApiPaths["/api/v1/spot-checks"]["get"]>[number];
export type CheckUnit = SpotCheck["units"][number];
export type CheckItem = SpotCheck["items"][number];
export type ItemResult = CheckItem["result"];
export type InstitutionOutcome = NonNullable<CheckUnit["outcome"]>;
export type ResultsRequest = Body<ApiPaths["/api/v1/spot-checks/{id}/results"]["post"]>;
export type ResultInput = ResultsRequest["results"][number];
export type CloseResult = Ok<ApiPaths["/api/v1/spot-checks/{id}/close"]["post"]>;
export type StatsQuery = Query<ApiPaths["/api/v1/verification-stats"]["get"]>;

export type StandardDto = Ok<ApiPaths["/api/v1/standards/{year}"]["get"]>;
export type DraftInput = Body<ApiPaths["/api/v1/standards/{year}/draft"]["put"]>;
export type PreviewDto = Ok<ApiPaths["/api/v1/standards/{year}/draft/preview"]["post"]>;
export type PreviewRow = PreviewDto["total"];
export type PublishResult = Ok<ApiPaths["/api/v1/standards/{year}/draft/publish"]["post"]>;

// ---- workbench (issue 15) ----------------------------------------------------
export type Workbench = Ok<ApiPaths["/api/v1/workbench"]["get"]>;
export type WorkbenchTask = Workbench["tasks"][number];
export type MatchingApprovalResult = Ok<ApiPaths["/api/v1/reviews/decisions/matching"]["post"]>;
export type ReviewJob = Ok<ApiPaths["/api/v1/reviews/jobs/{id}"]["get"]>;
