//! The credit standard in force, as data.

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::HashMap;
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::{HttpRequest, get, post, put, web};
use cme_domain::auth::Operation;
use cme_store::repo::compliance as stored;
use cme_store::repo::{audit, region};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::dto::standard::{DraftInput, PreviewDto, PreviewQuery, PublishResult, StandardDto, StandardSummary};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_standards)
        .service(list_standard_drafts)
        .service(get_draft)
        .service(put_draft)
        .service(preview_draft)
        .service(publish_draft)
        .service(get_standard);
}

/// List the years that have a standard, with the version in force.
#[utoipa::path(tag = "standards", responses((status = 200, body = Vec<StandardSummary>)))]
#[get("/standards")]
pub async fn list_standards(state: web::Data<AppState>) -> Result<web::Json<Vec<StandardSummary>>, ApiError> {
    let standards = cme_store::repo::standard::list_published(&state.db).await?;
    Ok(web::Json(standards.iter().map(Into::into).collect()))
}

/// The standard in force for a year: every row, its minimums and caps, and
/// the year's mandatory course.
#[utoipa::path(
    tag = "standards",
    params(("year" = i32, Path, description = "The credit year, e.g. 2021")),
    responses(
        (status = 200, body = StandardDto),
        (status = 404, description = "No standard for that year", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/standards/{year}")]
pub async fn get_standard(
    state: web::Data<AppState>,
    year: web::Path<i32>,
) -> Result<web::Json<StandardDto>, ApiError> {
    let year = year.into_inner();
    let standard = cme_store::repo::standard::get_published(&state.db, year)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{year} 年度没有学分验证标准")))?;
    Ok(web::Json((&standard).into()))
}

/// The years whose next standard is being edited (has a draft), so that an
/// editor asks only for drafts that exist.
#[utoipa::path(
    tag = "standards",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<i32>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/standards/drafts")]
pub async fn list_standard_drafts(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Vec<i32>>, ApiError> {
    caller.require(Operation::EditStandards)?;
    Ok(web::Json(cme_store::repo::standard::draft_years(&state.db).await?))
}

/// The draft of a year's next standard (the province's editor); 404 when
/// none is being edited (start from the standard in force).
#[utoipa::path(
    tag = "standards",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The credit year")),
    responses(
        (status = 200, body = StandardDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/standards/{year}/draft")]
pub async fn get_draft(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
) -> Result<web::Json<StandardDto>, ApiError> {
    caller.require(Operation::EditStandards)?;
    let year = year.into_inner();
    let draft = cme_store::repo::standard::get_draft(&state.db, year)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{year} 年度没有正在编辑的标准草稿")))?;
    Ok(web::Json((&draft).into()))
}

/// Saves the draft of a year's next standard. Every profile (discipline,
/// unit level, title level) must have exactly one row; the refusal names
/// the problem.
#[utoipa::path(
    tag = "standards",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The credit year")),
    request_body = DraftInput,
    responses(
        (status = 200, body = StandardDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/standards/{year}/draft")]
pub async fn put_draft(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    year: web::Path<i32>,
    body: ValidJson<DraftInput>,
) -> Result<web::Json<StandardDto>, ApiError> {
    let actor = caller.require(Operation::EditStandards)?;
    let year = year.into_inner();
    let draft = body.0.to_domain(year);
    draft.validate().map_err(|e| ApiError::field("rows", e.to_string()))?;
    let saved = cme_store::repo::standard::save_draft(&state.db, &draft).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::StandardDraft)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Standard, year)
        .detail(json!({"version": saved.version, "rows": saved.rows.len()}));
    audit::append(&state.db, &e).await?;
    Ok(web::Json((&saved).into()))
}

/// How many people would pass the draft, against the standard in force:
/// the people of the last closed verification year (or `on_year`), in
/// total, by prefecture and by title level. Nothing is stored.
#[utoipa::path(
    tag = "standards",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The draft's year"), PreviewQuery),
    responses(
        (status = 200, body = PreviewDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/standards/{year}/draft/preview")]
pub async fn preview_draft(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    query: web::Query<PreviewQuery>,
) -> Result<web::Json<PreviewDto>, ApiError> {
    caller.require(Operation::EditStandards)?;
    let year = year.into_inner();
    let draft = cme_store::repo::standard::get_draft(&state.db, year)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{year} 年度没有正在编辑的标准草稿")))?;
    let on_year = match query.on_year {
        Some(y) => y,
        None => last_closed_year(&state, year).await?,
    };
    // The draft's rows applied to that year's people.
    let mut applied = draft.clone();
    applied.year = on_year;
    let cells = stored::preview_standard(&state.db, on_year, &applied).await?;
    let names: HashMap<Uuid, String> = region::list(&state.db).await?.into_iter().map(|r| (r.id.0, r.name)).collect();
    Ok(web::Json(PreviewDto::new(year, on_year, &cells, &names)))
}

/// The last year whose cycle has closed (the year before `year` if none has).
async fn last_closed_year(state: &AppState, year: i32) -> Result<i32, ApiError> {
    let today = crate::clock::today();
    let closed = cme_store::repo::cycle::list(&state.db)
        .await?
        .into_iter()
        .filter(|c| c.calendar.closes_on() < today)
        .map(|c| c.calendar.year())
        .max();
    Ok(closed.unwrap_or(year - 1))
}

/// Publishes the draft as the year's next version and recomputes the
/// year's compliance under it (one transaction for the publication; the
/// recomputation follows set-wise).
#[utoipa::path(
    tag = "standards",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The draft's year")),
    responses(
        (status = 200, body = PublishResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/standards/{year}/draft/publish")]
pub async fn publish_draft(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    year: web::Path<i32>,
) -> Result<web::Json<PublishResult>, ApiError> {
    let actor = caller.require(Operation::EditStandards)?;
    let year = year.into_inner();
    let started = std::time::Instant::now();
    let txn = state.db.begin().await?;
    let published = cme_store::repo::standard::publish_draft(&txn, year).await.map_err(|e| match e {
        cme_store::StoreError::NotFound => ApiError::NotFound(format!("{year} 年度没有正在编辑的标准草稿")),
        other => other.into(),
    })?;
    let e = audit::AuditEntry::by(actor, AuditAction::StandardPublish)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Standard, year)
        .detail(json!({"version": published.version}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    let stats = stored::recompute_year(&state.db, year, stored::RecomputeFrom::Stored).await?;
    let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
    Ok(web::Json(PublishResult {
        standard: (&published).into(),
        people: n(stats.people),
        compliant: n(stats.compliant),
        written: n(stats.written),
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
}
