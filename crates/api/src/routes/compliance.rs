//! The what-if calculator.

use actix_web::{post, web};
use cme_domain::compliance::{self, CourseStatus, CreditInput};
use cme_domain::standard::{Profile, StandardError};

use crate::AppState;
use crate::dto::Amount;
use crate::dto::compliance::{AllocationDto, AppliedStandard, EvaluateRequest, EvaluateResponse, ShortfallDto};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;

/// Evaluate a profile and a list of credits against the standard of a year.
///
/// The what-if calculator (学分达标计算器): public, stores nothing. The
/// answer says whether the person is compliant, every shortfall with the
/// amount missing, the standard row applied, the counted buckets, and where
/// each credit counted (or why it did not).
#[utoipa::path(
    tag = "compliance",
    request_body = EvaluateRequest,
    responses(
        (status = 200, description = "The verdict", body = EvaluateResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/compliance/evaluate")]
pub async fn evaluate(
    state: web::Data<AppState>,
    body: ValidJson<EvaluateRequest>,
) -> Result<web::Json<EvaluateResponse>, ApiError> {
    let req = body.0;
    let credits = req
        .credits
        .iter()
        .enumerate()
        .map(|(i, c)| Ok(CreditInput { category: c.category(i)?, amount: c.amount.0, valid: true }))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let standard = cme_store::repo::standard::get_published(&state.db, req.year)
        .await?
        .ok_or_else(|| ApiError::field("year", format!("{} 年度没有学分验证标准", req.year)))?;
    let profile = Profile {
        unit_level: req.unit_level.into(),
        title_level: req.title_level.map(Into::into),
        discipline: req.discipline.into(),
    };
    let row = standard.requirement(profile).map_err(|e| match e {
        StandardError::TitleRequired(_) => ApiError::field("title_level", "该单位级别须填写职称级别"),
        other => ApiError::field("year", other.to_string()),
    })?;
    let course = CourseStatus::new(standard.mandatory_course.is_some(), req.mandatory_course_completed);
    let evaluation = compliance::evaluate(&row.requirement, course, &credits);
    let allocation = compliance::allocate(&row.requirement, &credits);
    let course_name = standard.mandatory_course.as_ref().map(|c| c.name.as_str());

    Ok(web::Json(EvaluateResponse {
        compliant: evaluation.compliant,
        shortfalls: evaluation
            .shortfalls
            .iter()
            .map(|s| ShortfallDto { code: s.code.into(), missing: Amount(s.missing), message: s.message(course_name) })
            .collect(),
        standard: AppliedStandard {
            year: standard.year,
            version: standard.version,
            unit_level: row.unit_level.into(),
            title_level: row.title_level.map(Into::into),
            discipline: row.discipline.into(),
            mandatory_course: standard.mandatory_course.as_ref().map(Into::into),
            requirement: (&row.requirement).into(),
        },
        buckets: evaluation.buckets.into(),
        allocation: allocation
            .iter()
            .zip(&credits)
            .enumerate()
            .map(|(index, (a, c))| AllocationDto {
                index,
                kind: c.category.kind().into(),
                source: c.category.source().map(Into::into),
                amount: Amount(c.amount),
                counted_i: Amount(a.counted_i),
                counted_ii: Amount(a.counted_ii),
                counted_self_managed: Amount(a.counted_self_managed),
                not_counted: Amount(a.not_counted),
                not_counted_reason: a.not_counted_reason.map(Into::into),
            })
            .collect(),
    }))
}
