//! The annual verification cycle: the calendar, submission windows,
//! submissions (normal, make-up, special), the review queues and decisions,
//! certificate numbers, evidence and the cycle's statistics.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{Medicine, Outcome, UnitLevel};

wire_enum!(
    /// 名单: normal 正常验证, make_up 补验, special 特殊人员.
    ListKind => cme_domain::cycle::list::ListKind { Normal = "normal", MakeUp = "make_up", Special = "special" }
);
wire_enum!(
    /// 验证方式: electronic 电子验证, paper 纸质验证 (the scans of the paper certificates as evidence).
    VerificationPath => cme_domain::cycle::paper::VerificationPath { Electronic = "electronic", Paper = "paper" }
);
wire_enum!(
    /// 上报层级: county_and_above 县级以上, township 乡镇级, village 村级.
    WindowTier => cme_domain::cycle::window::WindowTier {
        CountyAndAbove = "county_and_above", Township = "township", Village = "village",
    }
);
wire_enum!(
    /// 特殊人员原因: further_study 进修, rural_service 下乡, residency 规培, front_line 援外或抗疫一线 (视为合格).
    SpecialReason => cme_domain::cycle::special::SpecialReason {
        FurtherStudy = "further_study", RuralService = "rural_service", Residency = "residency", FrontLine = "front_line",
    }
);
wire_enum!(
    /// Who acts: department 科室, unit 单位, county_office 县市区, prefecture_office 州市,
    /// province_western 省科教处, province_tcm 省中医处.
    Tier => cme_domain::review::Tier {
        Department = "department", Unit = "unit", CountyOffice = "county_office", PrefectureOffice = "prefecture_office",
        ProvinceWestern = "province_western", ProvinceTcm = "province_tcm", SystemAdmin = "system_admin",
        Trainee = "trainee",
    }
);
wire_enum!(
    /// 统计口径: unit 单位, county 县市区, prefecture 州市.
    Grouping => cme_domain::report::Grouping { Unit = "unit", County = "county", Prefecture = "prefecture" }
);

wire_enum!(
    /// 审核环节: first_review 初审, second_review 再审核, recheck 复核, final_review 最终复验.
    ReviewStage => cme_domain::review::Stage {
        FirstReview = "first_review", SecondReview = "second_review", Recheck = "recheck", FinalReview = "final_review",
    }
);
wire_enum!(
    /// 验证周期阶段: not_open 未开始, submission 数据上报, review 审验, inspection 现场抽验, questions 疑问反馈,
    /// winding_up 收尾, closed 已结束.
    CyclePhase => cme_domain::cycle::calendar::Phase {
        NotOpen = "not_open", Submission = "submission", Review = "review", Inspection = "inspection",
        Questions = "questions", WindingUp = "winding_up", Closed = "closed",
    }
);
wire_enum!(
    /// A verification's state: prepared 待上报, in_review 审核中, returned 已退回, approved 已通过, certified 已发证书编号.
    VerificationState => cme_domain::review::StateKind {
        Prepared = "prepared", InReview = "in_review", Returned = "returned", Approved = "approved", Certified = "certified",
    }
);

impl From<cme_domain::review::State> for VerificationState {
    fn from(s: cme_domain::review::State) -> Self {
        s.kind().into()
    }
}

// ------------------------------------------------------------------ cycle

/// A year's verification calendar. Dates are whole days in Asia/Shanghai (北京时间), inclusive.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CycleDto {
    /// The year verified (验证年度).
    pub year: i32,
    pub opens_on: NaiveDate,
    /// Units' data must reach the province by this day (数据上报截止).
    pub data_due: NaiveDate,
    pub inspection_from: NaiveDate,
    pub inspection_to: NaiveDate,
    pub questions_until: NaiveDate,
    pub closes_on: NaiveDate,
    /// Where the cycle stands today.
    pub phase: CyclePhase,
    pub phase_label: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    /// The ETag of the cycle: send it as If-Match to change the dates.
    pub row_version: i32,
}

/// Open a year's verification, or change its dates (If-Match required once
/// open). A date left out takes the default of SPEC §5 (open 1 Jan Y+1, data
/// by 1 Mar, inspection 10 Apr – 10 May, questions until 20 Jun, closed 30 Jun).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleRequest {
    #[serde(default)]
    pub opens_on: Option<NaiveDate>,
    #[serde(default)]
    pub data_due: Option<NaiveDate>,
    #[serde(default)]
    pub inspection_from: Option<NaiveDate>,
    #[serde(default)]
    pub inspection_to: Option<NaiveDate>,
    #[serde(default)]
    pub questions_until: Option<NaiveDate>,
    #[serde(default)]
    pub closes_on: Option<NaiveDate>,
}

/// A submission window (stored in UTC; `label` shows it in 北京时间).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WindowDto {
    pub tier: WindowTier,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// e.g. "乡镇级学分验证上报 2022-01-01 00:00 至 2022-02-15 23:59（北京时间）".
    pub label: String,
    /// Who set it (absent for the cycle's own default).
    pub set_by: Option<String>,
    pub set_at: Option<DateTime<Utc>>,
}

impl WindowDto {
    /// A window, with who set it (`set`; none for the cycle's own default).
    pub fn new(w: &cme_domain::cycle::window::Window, set: Option<&cme_store::repo::cycle::WindowRecord>) -> Self {
        WindowDto {
            tier: w.tier().into(),
            starts_at: w.starts_at(),
            ends_at: w.ends_at(),
            label: format!("{w}（北京时间）"),
            set_by: set.map(|s| s.set_by.clone()),
            set_at: set.map(|s| s.set_at),
        }
    }
}

/// One tier's windows as an office sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TierWindows {
    pub tier: WindowTier,
    pub tier_label: String,
    /// The window this office set, if it set one.
    pub own: Option<WindowDto>,
    /// The window in force above this office: `own` must lie inside it.
    pub parent: WindowDto,
    /// What the units below follow (own, else parent).
    pub effective: WindowDto,
}

/// The windows of a cycle for the caller: an office's three tiers, or a
/// unit's (or department's) own tier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WindowsDto {
    pub year: i32,
    /// The office's region (absent for a unit).
    pub region_id: Option<Uuid>,
    pub region_name: Option<String>,
    pub tiers: Vec<TierWindows>,
    /// For a unit: the window its submissions must fall in, and whether it is open now.
    pub unit_window: Option<WindowDto>,
    pub open_now: Option<bool>,
}

/// Set the window of one tier of the units below the caller's office.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"starts_at": "2022-01-01T00:00:00+08:00", "ends_at": "2022-02-15T23:59:59+08:00"}))]
pub struct WindowRequest {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

// ------------------------------------------------------------------ submissions

/// Why a person is not eligible for the list chosen, if not.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateDto {
    pub person_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    /// The stored verdict of the year.
    pub outcome: Outcome,
    /// True when the person may go on the list now.
    pub eligible: bool,
    /// Why not, in Chinese (不达标原因, already submitted …).
    pub reason: Option<String>,
    /// The person-year's verification, if there is one.
    pub verification_id: Option<Uuid>,
    pub state: Option<VerificationState>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidatePage {
    pub items: Vec<CandidateDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateQuery {
    /// The cycle (验证年度).
    pub cycle_year: i32,
    pub list: ListKind,
    /// electronic (default) or paper (纸质验证: not bound by the system's verdict).
    pub path: Option<VerificationPath>,
    /// The year verified: the cycle's own for normal and special lists; Y−1 or Y−2 for make-up (default Y−1).
    pub year: Option<i32>,
    pub department_id: Option<Uuid>,
    /// Only those who may go on the list.
    pub eligible_only: Option<bool>,
    pub after: Option<String>,
    pub limit: Option<u64>,
}

/// A special-personnel claim (SPEC §6).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialDto {
    pub reason: SpecialReason,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// Front-line workers are deemed compliant (视为合格).
    #[serde(default)]
    pub deemed_compliant: bool,
}

impl From<&cme_store::repo::verification::Special> for SpecialDto {
    fn from(s: &cme_store::repo::verification::Special) -> Self {
        SpecialDto {
            reason: s.reason.into(),
            period_from: s.period_from,
            period_to: s.period_to,
            deemed_compliant: s.deemed_compliant,
        }
    }
}

/// One person to put on a list.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionItem {
    pub person_id: Uuid,
    /// Required on the special list.
    #[serde(default)]
    pub special: Option<SpecialDto>,
    /// Evidence files uploaded first (POST /evidence): required on the special list.
    #[serde(default)]
    pub evidence_ids: Vec<Uuid>,
    #[validate(length(max = 500, message = "备注 500 字以内"))]
    #[serde(default)]
    pub note: Option<String>,
}

/// 验证信息上报: put people on a list of a cycle. A unit submits them at once
/// (its first review, 初审); a department prepares them for its unit.
/// All or nothing: a refused person names `people[i]`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cycle_year": 2021, "list": "normal", "people": [{"person_id": "0190f6c2-8c1e-7a51-9d43-2f6e1b0c9a11"}]}))]
pub struct SubmissionRequest {
    pub cycle_year: i32,
    pub list: ListKind,
    /// The year verified (default: the cycle's; make-up: Y−1 or Y−2).
    #[serde(default)]
    pub year: Option<i32>,
    /// electronic (default) or paper (纸质验证: normal and make-up lists only; each person
    /// needs the scans of his paper certificates in `evidence_ids`, and may be submitted
    /// whatever the system's verdict, which the offices still see).
    #[serde(default)]
    pub path: Option<VerificationPath>,
    #[validate(length(min = 1, max = 5000, message = "每次上报 1 至 5000 人"), nested)]
    pub people: Vec<SubmissionItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionResult {
    /// Records put on the list (new, or revised after a return).
    pub prepared: u64,
    /// Records submitted to the first office (0 for a department).
    pub submitted: u64,
    pub ids: Vec<Uuid>,
}

/// Submit prepared or returned records (a department's, or after fixing a return).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitIdsRequest {
    #[validate(length(min = 1, max = 5000, message = "每次 1 至 5000 条"))]
    pub ids: Vec<Uuid>,
}

// ------------------------------------------------------------------ records and reviews

/// A verification record as lists and queues show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerificationDto {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub id_number_masked: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub unit_level: UnitLevel,
    pub medicine: Medicine,
    /// The year verified.
    pub year: i32,
    pub cycle_year: i32,
    pub list: ListKind,
    /// electronic, or paper (纸质验证).
    pub path: VerificationPath,
    /// 电子验证 or 纸质验证.
    pub path_label: String,
    pub state: VerificationState,
    /// The chain step awaited while in review (1 = the first office).
    pub step: Option<u8>,
    /// Who acts next: the reviewing office, the final office (numbers), or the unit.
    pub waiting_on: Option<Tier>,
    pub waiting_on_label: Option<String>,
    pub special: Option<SpecialDto>,
    pub note: Option<String>,
    /// The compliance verdict when the unit submitted the record.
    pub outcome_at_submit: Option<Outcome>,
    pub certificate_no: Option<String>,
    pub issued_at: Option<DateTime<Utc>>,
    /// Send it back with a decision: a record changed meanwhile is refused (409).
    pub row_version: i32,
    pub updated_at: DateTime<Utc>,
    /// The stored verdict of the person-year: title, credits against the
    /// standard, shortfalls (in review queues and lists; absent elsewhere).
    pub verdict: Option<RecordVerdictDto>,
}

impl From<&cme_store::repo::verification::QueueRow> for VerificationDto {
    fn from(row: &cme_store::repo::verification::QueueRow) -> Self {
        let r = &row.record;
        VerificationDto {
            id: r.id.0,
            person_id: r.person_id.0,
            person_name: row.person_name.clone(),
            id_number_masked: row.id_number_masked.clone(),
            unit_id: r.unit_id.0,
            unit_name: row.unit_name.clone(),
            unit_level: r.unit_level.into(),
            medicine: r.medicine.into(),
            year: r.year,
            cycle_year: r.cycle_year,
            list: r.list_kind.into(),
            path: r.path.into(),
            path_label: r.path.label().to_owned(),
            state: r.state.into(),
            step: r.state.step(),
            waiting_on: r.current_tier.map(Into::into),
            waiting_on_label: r.current_tier.map(|t| t.label().to_owned()),
            special: r.special.as_ref().map(SpecialDto::from),
            note: r.note.clone(),
            outcome_at_submit: r.outcome_at_submit.map(Into::into),
            certificate_no: r.certificate_no.clone(),
            issued_at: r.issued_at,
            row_version: r.row_version,
            updated_at: r.updated_at,
            verdict: None,
        }
    }
}

/// The stored verdict beside a record: what a reviewer reviews.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordVerdictDto {
    /// The title held on 31 December of the year verified.
    pub title_name: Option<String>,
    pub title_level: Option<super::TitleLevel>,
    pub outcome: Outcome,
    /// Counted I类 (after caps).
    pub counted_i: super::Amount,
    /// Counted II类, the I surplus included.
    pub counted_ii: super::Amount,
    pub self_managed: super::Amount,
    pub total: super::Amount,
    /// What the year's standard requires of the person (absent when no row
    /// applies, e.g. a county unit's person without a title).
    pub required: Option<super::standard::RequirementDto>,
    /// Every unmet requirement (不达标原因).
    pub shortfalls: Vec<super::compliance::ShortfallDto>,
    /// Why the verdict is undetermined.
    pub note: Option<String>,
}

impl RecordVerdictDto {
    /// A stored verdict with the requirement of its standard row; shortfalls name the year's mandatory `course`.
    pub fn new(
        v: &cme_store::repo::compliance::RecordVerdict,
        required: Option<&cme_domain::standard::Requirement>,
        course: Option<&str>,
    ) -> Self {
        RecordVerdictDto {
            title_name: v.title.as_ref().map(|t| t.name.clone()),
            title_level: v.title.as_ref().map(|t| t.level.into()),
            outcome: v.outcome.into(),
            counted_i: super::Amount(v.counted_i),
            counted_ii: super::Amount(v.counted_ii),
            self_managed: super::Amount(v.self_managed),
            total: super::Amount(v.total),
            required: required.map(Into::into),
            shortfalls: v.shortfalls.iter().map(|s| super::compliance::ShortfallDto::new(s, course)).collect(),
            note: v.note.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerificationPage {
    pub items: Vec<VerificationDto>,
    pub next_cursor: Option<String>,
    /// How many records match the filters (first page only: without `after`).
    pub total: Option<u64>,
    /// When `total` was counted: send it back with "approve all that match",
    /// which reports the records changed since.
    pub counted_at: Option<DateTime<Utc>>,
}

impl From<cme_store::repo::Page<cme_store::repo::verification::QueueRow>> for VerificationPage {
    fn from(p: cme_store::repo::Page<cme_store::repo::verification::QueueRow>) -> Self {
        VerificationPage {
            items: p.items.iter().map(VerificationDto::from).collect(),
            next_cursor: p.next.map(|n| n.to_string()),
            total: None,
            counted_at: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerificationQuery {
    pub cycle_year: i32,
    /// prepared, in_review, returned, approved, certified.
    pub state: Option<VerificationState>,
    pub list: Option<ListKind>,
    /// electronic or paper (纸质验证).
    pub path: Option<VerificationPath>,
    pub unit_id: Option<Uuid>,
    /// The year verified (make-up lists hold earlier years).
    pub year: Option<i32>,
    /// Part of the person's name (an ID number is looked up by POST /reviews/queue/lookup, never in a URL).
    pub name: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u64>,
}

impl From<&VerificationQuery> for cme_store::repo::verification::QueueFilter {
    fn from(q: &VerificationQuery) -> Self {
        cme_store::repo::verification::QueueFilter {
            cycle_year: q.cycle_year,
            waiting_on: None,
            state: q.state.map(Into::into),
            list_kind: q.list.map(Into::into),
            path: q.path.map(Into::into),
            unit_id: q.unit_id.map(cme_domain::ids::UnitId),
            year: q.year,
            name_contains: q.name.clone(),
            people: None,
        }
    }
}

/// One step of a record's chain, for its timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChainStepDto {
    pub stage: ReviewStage,
    pub stage_label: String,
    pub tier: Tier,
    pub tier_label: String,
}

impl From<&cme_domain::review::Step> for ChainStepDto {
    fn from(s: &cme_domain::review::Step) -> Self {
        ChainStepDto {
            stage: s.stage.into(),
            stage_label: s.stage.label().to_owned(),
            tier: s.tier.into(),
            tier_label: s.tier.label().to_owned(),
        }
    }
}

/// One transition of a record: who, when, from which state to which, why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub seq: i32,
    pub event: String,
    pub event_label: String,
    pub from: Option<VerificationState>,
    pub from_step: Option<u8>,
    pub to: VerificationState,
    pub to_step: Option<u8>,
    pub actor_tier: Tier,
    pub actor_name: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<cme_store::repo::verification::TransitionEntry> for TimelineEntry {
    fn from(t: cme_store::repo::verification::TransitionEntry) -> Self {
        TimelineEntry {
            seq: t.seq,
            event_label: event_label(&t.event),
            event: t.event,
            from: t.from.map(Into::into),
            from_step: t.from.and_then(cme_domain::review::State::step),
            to: t.to.into(),
            to_step: t.to.step(),
            actor_tier: t.actor_tier.into(),
            actor_name: t.actor_name,
            reason: t.reason,
            at: t.at,
        }
    }
}

/// An event's label: a review decision's, or 列入名单 for the preparation
/// that opens every record.
fn event_label(event: &str) -> String {
    if event == cme_store::repo::verification::PREPARE_EVENT {
        return "列入名单".to_owned();
    }
    event.parse::<cme_domain::review::Event>().map_or_else(|_| event.to_owned(), |e| e.label().to_owned())
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidenceDto {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<cme_store::repo::evidence::Evidence> for EvidenceDto {
    fn from(e: cme_store::repo::evidence::Evidence) -> Self {
        EvidenceDto {
            id: e.id,
            file_name: e.file_name,
            content_type: e.content_type,
            size_bytes: e.size_bytes,
            uploaded_by: e.uploaded_by,
            uploaded_at: e.uploaded_at,
        }
    }
}

/// The name of an uploaded evidence file.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// The original file name, shown to reviewers.
    pub file_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerificationDetail {
    pub record: VerificationDto,
    pub chain: Vec<ChainStepDto>,
    pub timeline: Vec<TimelineEntry>,
    pub evidence: Vec<EvidenceDto>,
}

/// approve 通过 (passes to the next office) or return 退回 (to the unit, with a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Return,
}

/// A reviewer's decision is one of the review chain's events, and says so
/// in its labels (the SPA's are generated from them); the wire names come
/// from serde's `rename_all`, which a test checks `as_str` against.
impl Decision {
    pub const ALL: &'static [Decision] = &[Decision::Approve, Decision::Return];

    pub fn as_str(self) -> &'static str {
        cme_domain::review::Event::from(self).as_str()
    }

    pub fn label(self) -> &'static str {
        cme_domain::review::Event::from(self).label()
    }
}

impl From<Decision> for cme_domain::review::Event {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Approve => cme_domain::review::Event::Approve,
            Decision::Return => cme_domain::review::Event::Return,
        }
    }
}

/// A record as the reviewer saw it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionItem {
    pub id: Uuid,
    pub row_version: i32,
}

/// Approve or return one record or a batch, all or nothing.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub decision: Decision,
    /// Required to return.
    #[validate(length(max = 500, message = "原因 500 字以内"))]
    #[serde(default)]
    pub reason: Option<String>,
    #[validate(length(min = 1, max = 5000, message = "每次 1 至 5000 条"))]
    pub items: Vec<DecisionItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionResult {
    pub decided: u64,
    pub decision: Decision,
    pub millis: u64,
}

/// Find the records of one person in the caller's queue by ID number (in
/// the body, so that it never reaches a URL or an access log).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueLookup {
    pub cycle_year: i32,
    #[validate(length(min = 1, max = 32, message = "请填写身份证号"))]
    pub id_number: String,
    /// in_review (default) or approved (waiting for a number).
    #[serde(default)]
    pub state: Option<VerificationState>,
}

/// 全部通过: approve every record of the caller's queue that matches the
/// filters, after the reviewer confirmed their count.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchingApproval {
    pub cycle_year: i32,
    #[serde(default)]
    pub list: Option<ListKind>,
    #[serde(default)]
    pub path: Option<VerificationPath>,
    #[serde(default)]
    pub unit_id: Option<Uuid>,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    #[validate(length(max = 50, message = "姓名 50 字以内"))]
    pub name: Option<String>,
    /// The count the reviewer was shown and confirmed (the queue page's `total`).
    #[validate(range(min = 1, max = 5000, message = "每次 1 至 5000 条"))]
    pub expected: u64,
    /// When it was counted (the queue page's `counted_at`): records changed since are reported, not approved.
    pub counted_at: DateTime<Utc>,
}

/// A record left out of an approval because it changed after it was counted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangedRecord {
    pub id: Uuid,
    pub person_name: String,
    pub unit_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchingApprovalResult {
    /// Approved now.
    pub decided: u64,
    /// The count confirmed.
    pub expected: u64,
    /// Records matching now and waiting on the caller (decided + changed).
    pub found: u64,
    /// Matching but changed since they were counted (edited, returned and
    /// resubmitted): not approved, listed for a look.
    pub changed: Vec<ChangedRecord>,
    /// Counted but no longer waiting on the caller (someone else decided them).
    pub gone: u64,
    pub millis: u64,
    /// Set when there were more records than one request approves: they are
    /// being approved in the background (`decided` is 0); follow
    /// `GET /reviews/jobs/{id}`.
    pub job: Option<ReviewJobDto>,
}

/// Where a background "approve all" stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewJobState {
    Running,
    Finished,
    Failed,
}

/// A background "approve all that match": approved so far of the total.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewJobDto {
    pub id: Uuid,
    pub total: u64,
    pub done: u64,
    /// Not approved: decided by someone else while the job ran.
    pub skipped: u64,
    pub state: ReviewJobState,
    /// Why it stopped, when it failed (Chinese, for the reviewer).
    pub message: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<cme_store::repo::review_job::ReviewJob> for ReviewJobDto {
    fn from(j: cme_store::repo::review_job::ReviewJob) -> Self {
        use cme_store::repo::review_job::JobState;
        ReviewJobDto {
            id: j.id,
            total: u64::from(j.total),
            done: u64::from(j.done),
            skipped: u64::from(j.skipped),
            state: match j.state {
                JobState::Running => ReviewJobState::Running,
                JobState::Finished => ReviewJobState::Finished,
                JobState::Failed => ReviewJobState::Failed,
            },
            message: j.message,
            started_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}

/// Per unit and list: what waits on the caller's office.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueSummaryRow {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub list: ListKind,
    /// Waiting for the office's review.
    pub in_review: u64,
    /// Approved and waiting for a certificate number from this office.
    pub awaiting_number: u64,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CycleYearQuery {
    pub cycle_year: i32,
}

/// 生成证书编号: for the records chosen, or every approved record waiting on
/// the caller's office (optionally of one year).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumbersRequest {
    pub cycle_year: i32,
    #[serde(default)]
    pub year: Option<i32>,
    #[validate(length(max = 20000, message = "每次最多 20000 条"))]
    #[serde(default)]
    pub ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NumbersResult {
    pub issued: u64,
    /// Numbers are `{year}-{office region code}-{sequence:06}`, without gaps per office and year.
    pub first: Option<String>,
    pub last: Option<String>,
    pub millis: u64,
}

// ------------------------------------------------------------------ statistics

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    pub cycle_year: i32,
    /// unit (default), county or prefecture.
    // Read as text, so that another value is refused naming the field.
    #[param(value_type = Option<Grouping>)]
    pub by: Option<String>,
    /// Only one discipline (专业类别).
    pub discipline: Option<super::Discipline>,
}

/// The figures of one unit or region for a cycle.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatsRow {
    pub id: Uuid,
    pub name: String,
    /// People of the year to verify (normal status, with a stored verdict).
    pub to_verify: u64,
    pub compliant: u64,
    /// Submitted at least once (in review, returned, approved or certified now).
    pub submitted: u64,
    /// Returned to the unit and not yet resubmitted.
    pub returned: u64,
    /// Passed the final review (approved, with or without a certificate number yet).
    pub approved: u64,
    /// With a certificate number (included in `approved`).
    pub certified: u64,
    /// approved over submitted, in per mille, rounded down (null when nothing was submitted).
    pub pass_rate_per_mille: Option<u32>,
    pub pass_rate: Option<String>,
    /// to_verify − submitted.
    pub missing: u64,
    /// Submitted on paper (纸质验证), included in `submitted`.
    pub paper_submitted: u64,
    /// Passed on paper (approved, with or without a number yet), included in `approved`.
    pub paper_approved: u64,
}

impl StatsRow {
    /// A group's figures (or the total's), named.
    pub fn new(id: Uuid, name: String, f: &cme_domain::report::Figures) -> Self {
        let k = &f.counts;
        let rate = k.pass_rate();
        StatsRow {
            id,
            name,
            to_verify: u64::from(k.to_verify),
            compliant: f.compliant,
            submitted: u64::from(k.submitted),
            returned: u64::from(k.returned),
            approved: u64::from(k.passed()),
            certified: u64::from(k.certified),
            pass_rate_per_mille: rate.map(cme_domain::report::PassRate::per_mille),
            pass_rate: rate.map(cme_domain::report::PassRate::percent),
            missing: u64::from(k.missing_before_deadline()),
            paper_submitted: u64::from(f.paper.submitted),
            paper_approved: u64::from(f.paper.passed()),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatsDto {
    pub cycle_year: i32,
    pub by: Grouping,
    pub rows: Vec<StatsRow>,
    pub total: StatsRow,
    /// When these figures were computed: at a province or prefecture office
    /// they are shared and may be up to 30 s old (at most 2 minutes when
    /// nobody asked meanwhile); below, the time of this request.
    pub figures_at: DateTime<Utc>,
    /// For a unit: the end of its submission window.
    pub deadline: Option<DateTime<Utc>>,
    pub deadline_label: Option<String>,
}

impl From<&cme_store::repo::cycle::CycleRecord> for CycleDto {
    fn from(c: &cme_store::repo::cycle::CycleRecord) -> Self {
        let d = c.calendar.dates();
        let phase = c.calendar.phase(crate::clock::today());
        Self {
            year: c.calendar.year(),
            opens_on: d.opens_on,
            data_due: d.data_due,
            inspection_from: d.inspection_from,
            inspection_to: d.inspection_to,
            questions_until: d.questions_until,
            closes_on: d.closes_on,
            phase: phase.into(),
            phase_label: phase.label().to_owned(),
            opened_by: c.opened_by.clone(),
            opened_at: c.opened_at,
            updated_by: c.updated_by.clone(),
            updated_at: c.updated_at,
            row_version: c.row_version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CyclePhase, Decision, Grouping, ReviewStage, VerificationState};

    #[test]
    fn groupings_are_the_domain_names() {
        for (wire, v) in Grouping::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::report::Grouping::from(*v).as_str(), *wire);
        }
    }

    #[test]
    fn decisions_are_named_as_serialised_and_documented() {
        crate::dto::assert_named_as_serialised_and_documented(Decision::ALL, Decision::as_str);
    }

    /// The wire names are the domain's stored names.
    #[test]
    fn wire_names_match_the_domain() {
        for (wire, v) in VerificationState::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::review::StateKind::from(*v).as_str(), *wire);
        }
        for (wire, v) in ReviewStage::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::review::Stage::from(*v).as_str(), *wire);
        }
        for (wire, v) in super::VerificationPath::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::cycle::paper::VerificationPath::from(*v).as_str(), *wire);
        }
        for (wire, v) in CyclePhase::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::cycle::calendar::Phase::from(*v).as_str(), *wire);
        }
    }
}
