//! Credit entry, department reports, reversals and the compliance queries.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::compliance::{AppliedStandard, BucketsDto, ShortfallDto};
use super::org::PersonDto;
use super::{
    Amount, CreditClass, CreditKind, CreditSource, Discipline, NotCountedReason, Outcome, PersonStatus, RecordAmount,
    TitleLevel,
};
use crate::error::ApiError;
use crate::paging::filter;

wire_enum!(
    /// How a record entered: electronic 电子学分, paper_unit 单位录入, paper_department 科室录入, paper_verification 纸质验证.
    EntryPath => cme_domain::credit::EntryPath {
        Electronic = "electronic", PaperUnit = "paper_unit", PaperDepartment = "paper_department",
        PaperVerification = "paper_verification",
    }
);
wire_enum!(
    /// draft 科室草稿, pending 待审核, valid 有效, rejected 审核不通过, reversed 已冲销, reversal 冲销记录.
    CreditState => cme_domain::credit::CreditState {
        Draft = "draft", Pending = "pending", Valid = "valid", Rejected = "rejected", Reversed = "reversed",
        Reversal = "reversal",
    }
);

/// A paper certificate typed in (向导录入): by the unit's CME office it is
/// valid at once; by a department it is a draft until reported and approved.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2021, "kind": "project", "source": "provincial", "amount": 2.5,
    "activity_name": "基层医疗机构合理用药培训班", "organiser": "云南省卫生健康委", "earned_on": "2021-05-12",
    "certificate_no": "YN2021-000123"}))]
pub struct CreditEntryRequest {
    #[validate(range(min = 2015, max = 2100, message = "年度须在 2015 年及以后"))]
    pub year: i32,
    pub kind: CreditKind,
    /// Required for project credits (its class follows from it); absent for self-managed ones.
    #[serde(default)]
    pub source: Option<CreditSource>,
    pub amount: RecordAmount,
    #[validate(length(min = 1, max = 200, message = "请填写项目/活动名称（200 字以内）"))]
    pub activity_name: String,
    #[validate(length(max = 200, message = "主办单位 200 字以内"))]
    #[serde(default)]
    pub organiser: Option<String>,
    /// The date on the certificate; it must fall in `year` and not in the future.
    pub earned_on: NaiveDate,
    /// The paper certificate's number: the same certificate cannot be entered twice.
    #[validate(length(min = 1, max = 64, message = "请填写证书编号（64 字以内）"))]
    pub certificate_no: String,
    #[validate(length(max = 500, message = "备注 500 字以内"))]
    #[serde(default)]
    pub note: Option<String>,
}

/// The most paper certificates one batch (纸质学分批量录入) or one imported
/// file may hold: a department's pile of a season, checked and written in one
/// transaction.
pub const MAX_BATCH_ROWS: usize = 2_000;

/// One paper certificate of a batch (纸质学分批量录入): whose it is, and what
/// the wizard asks ([`CreditEntryRequest`]), its year by default the year of
/// the certificate's date.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id_number": "11010519491231002X", "name": "张三", "kind": "project",
    "source": "provincial", "amount": 2.5, "activity_name": "基层医疗机构合理用药培训班",
    "earned_on": "2021-05-12", "certificate_no": "YN2021-000123"}))]
pub struct CreditBatchRow {
    /// The person's ID number (sent in the body, never in a URL); or `person_id`.
    #[serde(default)]
    pub id_number: Option<String>,
    /// The person, when the caller knows his id; or `id_number`.
    #[serde(default)]
    pub person_id: Option<Uuid>,
    /// The name on the certificate: when given, it must be the person's.
    #[serde(default)]
    pub name: Option<String>,
    /// The credit year; by default the year of `earned_on`.
    #[serde(default)]
    pub year: Option<i32>,
    pub kind: CreditKind,
    /// Required for project credits; absent for self-managed ones.
    #[serde(default)]
    pub source: Option<CreditSource>,
    pub amount: RecordAmount,
    pub activity_name: String,
    #[serde(default)]
    pub organiser: Option<String>,
    pub earned_on: NaiveDate,
    pub certificate_no: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl CreditBatchRow {
    /// The wizard's request for this row, so that it is checked by the
    /// wizard's rules.
    pub fn entry(&self) -> CreditEntryRequest {
        CreditEntryRequest {
            year: self.year.unwrap_or_else(|| chrono::Datelike::year(&self.earned_on)),
            kind: self.kind,
            source: self.source,
            amount: self.amount,
            activity_name: self.activity_name.clone(),
            organiser: self.organiser.clone(),
            earned_on: self.earned_on,
            certificate_no: self.certificate_no.clone(),
            note: self.note.clone(),
        }
    }
}

/// Paper certificates typed into the grid, written together or not at all.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct CreditBatchRequest {
    /// Each row as [`CreditBatchRow`]; a row that does not parse fails
    /// alone, named `rows[i].field`. 1–2,000 rows.
    #[validate(length(min = 1, max = 2000, message = "每批 1–2000 行"))]
    #[schema(value_type = Vec<CreditBatchRow>)]
    pub rows: Vec<serde_json::Value>,
}

/// Whether a batch is only checked.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreditBatchQuery {
    /// `true`: check every row as a save would, write nothing (200).
    #[serde(default)]
    pub dry_run: bool,
}

/// A batch checked (a dry run) or written.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditBatchResult {
    /// The rows checked.
    pub rows: usize,
    /// Whether the rows were written (false for a dry run).
    pub saved: bool,
    /// The records written, in row order (empty for a dry run).
    pub credits: Vec<CreditDto>,
}

/// One data row of an uploaded file of paper certificates, its cells as
/// text, keyed by the fields of [`CreditBatchRow`] (`category` is one
/// cell: 国家级, 省级, 远程I类, 州市级, 远程II类 or 自管学分), for the grid to
/// show and check.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct CreditBatchCells {
    /// The row's number as the sheet shows it (from 1).
    pub row: usize,
    pub id_number: String,
    pub name: String,
    pub activity_name: String,
    pub category: String,
    pub amount: String,
    pub earned_on: String,
    pub certificate_no: String,
    pub organiser: String,
    pub note: String,
}

/// A stored credit record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditDto {
    pub id: Uuid,
    pub person_id: Uuid,
    pub year: i32,
    pub kind: CreditKind,
    pub source: Option<CreditSource>,
    /// For project credits (derived from the source); `null` for self-managed.
    pub class: Option<CreditClass>,
    pub amount: Amount,
    pub entry_path: EntryPath,
    pub state: CreditState,
    pub activity_name: String,
    pub organiser: Option<String>,
    pub earned_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
    /// For a reversal entry: the record it cancels.
    pub reverses_id: Option<Uuid>,
    /// A reversal's reason, or the entry's note.
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub department_id: Option<Uuid>,
    pub report_id: Option<Uuid>,
    /// The unit's decision on a reported record.
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A record with where it counted for the person-year (I类 / II类 / 自管),
/// or why it did not.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditLine {
    #[serde(flatten)]
    pub credit: CreditDto,
    pub counted_i: Amount,
    pub counted_ii: Amount,
    pub counted_self_managed: Amount,
    pub not_counted: Amount,
    pub not_counted_reason: Option<NotCountedReason>,
}

impl CreditLine {
    /// A record of a person-year under its standard, where it counted (`a`).
    pub fn counted(entry: &cme_store::repo::credit::CreditEntry, a: &cme_domain::compliance::Allocation) -> Self {
        CreditLine {
            credit: CreditDto::from(entry),
            counted_i: Amount(a.counted_i),
            counted_ii: Amount(a.counted_ii),
            counted_self_managed: Amount(a.counted_self_managed),
            not_counted: Amount(a.not_counted),
            not_counted_reason: a.not_counted_reason.map(Into::into),
        }
    }

    /// A record of a person-year without a standard to apply: not counted.
    pub fn uncounted(entry: &cme_store::repo::credit::CreditEntry) -> Self {
        CreditLine {
            credit: CreditDto::from(entry),
            counted_i: Amount(cme_domain::Credits::ZERO),
            counted_ii: Amount(cme_domain::Credits::ZERO),
            counted_self_managed: Amount(cme_domain::Credits::ZERO),
            not_counted: Amount(entry.record.amount),
            not_counted_reason: None,
        }
    }
}

/// The year's mandatory course and whether the person completed it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CourseDto {
    pub name: String,
    pub deadline: NaiveDate,
    pub completed: bool,
}

/// A person's year: the verdict, every shortfall, the standard applied and
/// every record with where it counted (人员达标详情 / the trainee's own page).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonYearDto {
    pub person: PersonDto,
    pub year: i32,
    pub outcome: Outcome,
    /// Why no verdict could be reached (e.g. no title on 31 December).
    pub undetermined_reason: Option<String>,
    /// `null` when undetermined.
    pub standard: Option<AppliedStandard>,
    pub buckets: Option<BucketsDto>,
    /// What is still missing (不达标原因).
    pub shortfalls: Vec<ShortfallDto>,
    pub course: Option<CourseDto>,
    /// Whether the year's verification has been submitted (credits locked).
    pub locked: bool,
    /// The year is still being earned: its verification has not opened, so
    /// the verdict is provisional (进行中, not 不达标).
    pub in_progress: bool,
    pub credits: Vec<CreditLine>,
}

/// A year in the trainee's overview.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearSummary {
    pub year: i32,
    pub outcome: Outcome,
    /// The year is still being earned: its verification has not opened, so
    /// the verdict is provisional (进行中, not 不达标).
    pub in_progress: bool,
    pub total: Amount,
    pub shortfalls: Vec<ShortfallDto>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseRequest {
    /// Why the record is wrong (kept with the reversal entry and in the audit log).
    #[validate(length(min = 2, max = 500, message = "请填写冲销原因"))]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReportRequest {
    /// The department's drafts to report, 1–500.
    #[validate(length(min = 1, max = 500, message = "每次上报 1–500 条"))]
    pub credit_ids: Vec<Uuid>,
    #[validate(length(max = 500, message = "备注 500 字以内"))]
    #[serde(default)]
    pub note: Option<String>,
}

/// A department's report (科室学分上报).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub department_id: Uuid,
    pub department_name: String,
    pub credit_count: u32,
    /// Records still waiting for the unit's decision.
    pub pending: u32,
    pub note: Option<String>,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    /// Set once every record is decided.
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportPage {
    pub items: Vec<ReportDto>,
    pub next_cursor: Option<String>,
}

/// A record with the person it belongs to, for queues and draft lists.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditItem {
    #[serde(flatten)]
    pub credit: CreditDto,
    pub person_name: String,
    pub id_number_masked: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDetail {
    pub report: ReportDto,
    pub items: Vec<CreditItem>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// `open` (records to decide) or `closed`; both when absent.
    pub state: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct DraftQuery {
    /// Required for a unit's CME office; a department sees its own.
    pub department_id: Option<Uuid>,
}

/// The unit's decision on one reported record.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    pub credit_id: Uuid,
    /// `true` 审核通过, `false` 审核不通过 (a reason is then required).
    pub approve: bool,
    #[validate(length(max = 500, message = "原因 500 字以内"))]
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionsRequest {
    #[validate(length(min = 1, max = 500, message = "每次 1–500 条"), nested)]
    pub decisions: Vec<DecisionIn>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct ComplianceQuery {
    pub year: i32,
    /// clinical or nursing_public_health.
    pub discipline: Option<String>,
    pub unit_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    /// A county or prefecture.
    pub region_id: Option<Uuid>,
    /// compliant, non_compliant, not_counted or undetermined.
    pub outcome: Option<String>,
    /// A part of the name.
    pub name: Option<String>,
    pub after: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

impl TryFrom<&ComplianceQuery> for cme_store::repo::compliance::ComplianceFilter {
    type Error = ApiError;

    /// The filters of a compliance query, each named when it is wrong.
    fn try_from(q: &ComplianceQuery) -> Result<Self, ApiError> {
        use cme_domain::ids::{DepartmentId, RegionId, UnitId};
        if !(2015..=2100).contains(&q.year) {
            return Err(ApiError::field("year", "年度须在 2015 年及以后"));
        }
        Ok(cme_store::repo::compliance::ComplianceFilter {
            year: q.year,
            discipline: filter::<cme_domain::person::Discipline>("discipline", q.discipline.as_deref())?,
            unit_id: q.unit_id.map(UnitId),
            department_id: q.department_id.map(DepartmentId),
            region_id: q.region_id.map(RegionId),
            outcome: filter::<cme_domain::compliance::Outcome>("outcome", q.outcome.as_deref())?,
            name_contains: q.name.clone().filter(|n| !n.trim().is_empty()),
        })
    }
}

/// A person's verdict in a compliance list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplianceRowDto {
    pub person_id: Uuid,
    pub name: String,
    pub id_number_masked: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub discipline: Discipline,
    pub status: PersonStatus,
    /// The title held on 31 December of the year.
    pub title_name: Option<String>,
    pub title_level: Option<TitleLevel>,
    pub outcome: Outcome,
    /// Counted I类 (after caps).
    pub counted_i: Amount,
    /// Counted II类, the I surplus included.
    pub counted_ii: Amount,
    pub self_managed: Amount,
    pub total: Amount,
    pub shortfalls: Vec<ShortfallDto>,
    /// Why the verdict is undetermined.
    pub note: Option<String>,
}

impl ComplianceRowDto {
    /// A stored verdict, its shortfalls naming the year's mandatory `course`.
    pub fn new(r: cme_store::repo::compliance::ComplianceRow, course: Option<&str>) -> Self {
        ComplianceRowDto {
            person_id: r.person_id.0,
            name: r.name,
            id_number_masked: r.id_number_masked,
            unit_id: r.unit_id.0,
            unit_name: r.unit_name,
            department_id: r.department_id.map(|d| d.0),
            department_name: r.department_name,
            discipline: r.discipline.into(),
            status: r.status.into(),
            title_name: r.title.as_ref().map(|t| t.name.clone()),
            title_level: r.title.as_ref().map(|t| t.level.into()),
            outcome: r.outcome.into(),
            counted_i: Amount(r.counted_i),
            counted_ii: Amount(r.counted_ii),
            self_managed: Amount(r.self_managed),
            total: Amount(r.total),
            shortfalls: r.shortfalls.iter().map(|s| ShortfallDto::new(s, course)).collect(),
            note: r.note,
        }
    }
}

/// How many people of the query fall under each outcome.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct OutcomeCounts {
    pub compliant: u64,
    pub non_compliant: u64,
    pub not_counted: u64,
    pub undetermined: u64,
}

impl From<&std::collections::HashMap<cme_domain::compliance::Outcome, u64>> for OutcomeCounts {
    fn from(counts: &std::collections::HashMap<cme_domain::compliance::Outcome, u64>) -> Self {
        use cme_domain::compliance::Outcome;
        let n = |o| counts.get(&o).copied().unwrap_or(0);
        OutcomeCounts {
            compliant: n(Outcome::Compliant),
            non_compliant: n(Outcome::NonCompliant),
            not_counted: n(Outcome::NotCounted),
            undetermined: n(Outcome::Undetermined),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompliancePage {
    pub items: Vec<ComplianceRowDto>,
    pub next_cursor: Option<String>,
    /// On the first page only (without `after`).
    pub counts: Option<OutcomeCounts>,
    /// When `counts` were counted: at a province or prefecture office they
    /// are shared and may be up to 30 s old (at most 2 minutes when nobody
    /// asked meanwhile); below, the time of this request.
    pub counts_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecomputeRequest {
    #[validate(range(min = 2015, max = 2100, message = "年度须在 2015 年及以后"))]
    pub year: i32,
    /// Read every input again from the credits, titles and course
    /// completions instead of the sums kept with each verdict (slower; to
    /// check the stored sums, or after a bulk load).
    #[serde(default)]
    pub from_credits: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecomputeResult {
    pub year: i32,
    pub people: u64,
    /// Stored rows that changed and were written.
    pub written: u64,
    pub counts: OutcomeCounts,
    pub millis: u64,
}

impl From<&cme_store::repo::credit::CreditEntry> for CreditDto {
    fn from(e: &cme_store::repo::credit::CreditEntry) -> Self {
        let r = &e.record;
        Self {
            id: r.id.0,
            person_id: r.person_id.0,
            year: r.year,
            kind: r.category.kind().into(),
            source: r.category.source().map(Into::into),
            class: r.category.source().map(|s| s.class().into()),
            amount: Amount(r.amount),
            entry_path: r.entry_path.into(),
            state: r.state.into(),
            activity_name: r.activity_name.clone(),
            organiser: r.organiser.clone(),
            earned_on: r.earned_on,
            certificate_no: r.certificate_no.clone(),
            reverses_id: r.reverses.map(|c| c.0),
            note: r.note.clone(),
            created_at: r.created_at,
            created_by: e.created_by.clone(),
            department_id: e.department_id.map(|d| d.0),
            report_id: e.report_id,
            decided_by: e.decided_by.clone(),
            decision_reason: e.decision_reason.clone(),
            decided_at: e.decided_at,
        }
    }
}

impl From<cme_store::repo::credit_report::Report> for ReportDto {
    fn from(r: cme_store::repo::credit_report::Report) -> Self {
        Self {
            id: r.id,
            unit_id: r.unit_id.0,
            department_id: r.department_id.0,
            department_name: r.department_name,
            credit_count: r.credit_count,
            pending: r.pending,
            note: r.note,
            submitted_by: r.submitted_by,
            submitted_at: r.submitted_at,
            closed_at: r.closed_at,
        }
    }
}

/// The format of a document.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct FormatQuery {
    /// `pdf` (default) or `xlsx`.
    pub format: Option<String>,
}
