//! The what-if calculator's contract (outside systems rely on these names).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{Amount, CreditKind, CreditSource, Discipline, NotCountedReason, ShortfallCode, TitleLevel, UnitLevel};
use crate::dto::standard::{MandatoryCourse, RequirementDto};
use crate::error::ApiError;
use cme_domain::credit::CreditCategory;

/// A profile and a list of credits to evaluate.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2021, "unit_level": "county", "title_level": "senior",
    "discipline": "clinical", "mandatory_course_completed": true,
    "credits": [{"kind": "project", "source": "national", "amount": 5},
                {"kind": "self_managed", "amount": 2.5}]}))]
pub struct EvaluateRequest {
    /// The credit year (2015 onwards).
    #[validate(range(min = 2015, max = 2100, message = "年度须在 2015 年及以后"))]
    pub year: i32,
    pub unit_level: UnitLevel,
    /// Required except for township and village units, where it is ignored.
    #[serde(default)]
    pub title_level: Option<TitleLevel>,
    pub discipline: Discipline,
    /// Whether the year's mandatory all-staff course is completed; ignored in
    /// years that name none.
    #[serde(default)]
    pub mandatory_course_completed: bool,
    #[validate(length(max = 500, message = "最多 500 条学分"))]
    pub credits: Vec<CreditIn>,
}

impl EvaluateRequest {
    /// The request's credits as the rules take them (a bad category names
    /// `credits[i]`).
    pub fn credit_inputs(&self) -> Result<Vec<cme_domain::compliance::CreditInput>, ApiError> {
        self.credits
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Ok(cme_domain::compliance::CreditInput { category: c.category(i)?, amount: c.amount.0, valid: true })
            })
            .collect()
    }
}

/// One credit of the calculator's input.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditIn {
    pub kind: CreditKind,
    /// Required for project credits; must be absent for self-managed ones.
    #[serde(default)]
    pub source: Option<CreditSource>,
    pub amount: Amount,
}

impl CreditIn {
    /// The domain category, or the field error naming `credits[i].source`.
    pub fn category(&self, index: usize) -> Result<CreditCategory, ApiError> {
        CreditCategory::from_parts(self.kind.into(), self.source.map(Into::into)).ok_or_else(|| {
            let message = match self.kind {
                CreditKind::Project => "项目学分须填写来源 (source)",
                CreditKind::SelfManaged => "自管学分不能填写来源 (source)",
            };
            ApiError::field(format!("credits[{index}].source"), message)
        })
    }
}

/// One unmet requirement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShortfallDto {
    pub code: ShortfallCode,
    /// Credits missing (0 for the mandatory course).
    pub missing: Amount,
    /// The reason in Chinese, e.g. "II类学分差 2.5 分".
    pub message: String,
}

impl ShortfallDto {
    /// A shortfall, its message naming the year's mandatory `course`.
    pub fn new(s: &cme_domain::compliance::Shortfall, course: Option<&str>) -> Self {
        ShortfallDto { code: s.code.into(), missing: Amount(s.missing), message: s.message(course) }
    }
}

/// The standard row that was applied.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppliedStandard {
    pub year: i32,
    pub version: u32,
    pub unit_level: UnitLevel,
    /// `null` for township and village rows, which apply to any title.
    pub title_level: Option<TitleLevel>,
    pub discipline: Discipline,
    pub mandatory_course: Option<MandatoryCourse>,
    pub requirement: RequirementDto,
}

impl AppliedStandard {
    /// The `row` of version `version` of the year's standard, with the
    /// year's mandatory `course`.
    pub fn new(
        year: i32,
        version: u32,
        row: &cme_domain::standard::StandardRow,
        course: Option<&cme_domain::standard::MandatoryCourse>,
    ) -> Self {
        AppliedStandard {
            year,
            version,
            unit_level: row.unit_level.into(),
            title_level: row.title_level.map(Into::into),
            discipline: row.discipline.into(),
            mandatory_course: course.map(Into::into),
            requirement: (&row.requirement).into(),
        }
    }
}

/// The counted amount of every bucket.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BucketsDto {
    pub i_national: Amount,
    pub i_provincial: Amount,
    pub i_national_provincial: Amount,
    /// Distance I类 that counts, after its cap.
    pub i_distance: Amount,
    /// All counted I类.
    pub i_subtotal: Amount,
    /// I类 beyond the I subtotal's minimum, counted toward II类.
    pub i_surplus_to_ii: Amount,
    pub ii_prefecture: Amount,
    /// Distance II类 that counts, after its cap.
    pub ii_distance: Amount,
    /// II类 plus the I surplus.
    pub ii_subtotal: Amount,
    pub self_managed: Amount,
    /// Everything that counts, each credit once.
    pub total: Amount,
}

/// Where one input credit counted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AllocationDto {
    /// The credit's position in the request.
    pub index: usize,
    pub kind: CreditKind,
    pub source: Option<CreditSource>,
    pub amount: Amount,
    pub counted_i: Amount,
    pub counted_ii: Amount,
    pub counted_self_managed: Amount,
    pub not_counted: Amount,
    pub not_counted_reason: Option<NotCountedReason>,
}

impl AllocationDto {
    /// Where the request's credit at `index` (`c`) counted (`a`).
    pub fn new(index: usize, a: &cme_domain::compliance::Allocation, c: &cme_domain::compliance::CreditInput) -> Self {
        AllocationDto {
            index,
            kind: c.category.kind().into(),
            source: c.category.source().map(Into::into),
            amount: Amount(c.amount),
            counted_i: Amount(a.counted_i),
            counted_ii: Amount(a.counted_ii),
            counted_self_managed: Amount(a.counted_self_managed),
            not_counted: Amount(a.not_counted),
            not_counted_reason: a.not_counted_reason.map(Into::into),
        }
    }
}

/// The verdict, with everything that explains it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvaluateResponse {
    pub compliant: bool,
    /// Every unmet requirement (不达标原因); empty when compliant.
    pub shortfalls: Vec<ShortfallDto>,
    pub standard: AppliedStandard,
    pub buckets: BucketsDto,
    pub allocation: Vec<AllocationDto>,
}

impl From<cme_domain::compliance::Buckets> for BucketsDto {
    fn from(b: cme_domain::compliance::Buckets) -> Self {
        BucketsDto {
            i_national: Amount(b.i_national),
            i_provincial: Amount(b.i_provincial),
            i_national_provincial: Amount(b.i_national_provincial),
            i_distance: Amount(b.i_distance),
            i_subtotal: Amount(b.i_subtotal),
            i_surplus_to_ii: Amount(b.i_surplus_to_ii),
            ii_prefecture: Amount(b.ii_prefecture),
            ii_distance: Amount(b.ii_distance),
            ii_subtotal: Amount(b.ii_subtotal),
            self_managed: Amount(b.self_managed),
            total: Amount(b.total),
        }
    }
}
