//! The credit standard in force, as data.

use std::collections::{BTreeMap, HashMap};
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
use crate::dto::standard::{
    DraftInput, PreviewDto, PreviewQuery, PreviewRow, PublishResult, StandardDto, StandardSummary,
};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_standards)
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
    let e = audit::AuditEntry::by(actor, "standard.draft")
        .ip(Some(&client_ip(&req)))
        .target("standard", year)
        .detail(json!({"version": saved.version, "rows": saved.rows.len()}));
    audit::append(&state.db, &e).await?;
    Ok(web::Json((&saved).into()))
}

fn rate(n: u64, of: u64) -> u32 {
    cme_domain::report::per_mille(n, of).unwrap_or(0)
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
    Ok(web::Json(preview_dto(year, on_year, &cells, &names)))
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

/// The preview's cells summed for the province, per prefecture (by name)
/// and per title level, each with its rates now and under the draft.
fn preview_dto(year: i32, on_year: i32, cells: &[stored::PreviewCell], names: &HashMap<Uuid, String>) -> PreviewDto {
    let mut total = PreviewRow { name: "全省".to_owned(), ..total_template() };
    let mut by_pref: BTreeMap<Option<Uuid>, PreviewRow> = BTreeMap::new();
    let mut by_title: BTreeMap<Option<&'static str>, PreviewRow> = BTreeMap::new();
    for c in cells {
        for row in [
            &mut total,
            by_pref.entry(c.prefecture_id).or_insert_with(|| PreviewRow {
                prefecture_id: c.prefecture_id,
                name: c.prefecture_id.and_then(|p| names.get(&p).cloned()).unwrap_or_else(|| "省直".to_owned()),
                ..total_template()
            }),
        ] {
            row.people += c.people;
            row.compliant_now += c.compliant_now;
            row.compliant_draft += c.compliant_draft;
        }
        let t =
            by_title.entry(c.title_level.map(cme_domain::person::TitleLevel::as_str)).or_insert_with(|| PreviewRow {
                title_level: c.title_level.map(Into::into),
                name: c.title_level.map_or("不分职称（乡镇、村级）", |t| t.label()).to_owned(),
                ..total_template()
            });
        t.people += c.people;
        t.compliant_now += c.compliant_now;
        t.compliant_draft += c.compliant_draft;
    }
    let finish = |mut r: PreviewRow| {
        r.rate_now_permille = rate(r.compliant_now, r.people);
        r.rate_draft_permille = rate(r.compliant_draft, r.people);
        r
    };
    let mut by_prefecture: Vec<PreviewRow> = by_pref.into_values().map(finish).collect();
    by_prefecture.sort_by(|a, b| a.name.cmp(&b.name));
    PreviewDto {
        year,
        on_year,
        total: finish(total),
        by_prefecture,
        by_title: by_title.into_values().map(finish).collect(),
    }
}

fn total_template() -> PreviewRow {
    PreviewRow {
        prefecture_id: None,
        name: String::new(),
        title_level: None,
        people: 0,
        compliant_now: 0,
        compliant_draft: 0,
        rate_now_permille: 0,
        rate_draft_permille: 0,
    }
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
    let e = audit::AuditEntry::by(actor, "standard.publish")
        .ip(Some(&client_ip(&req)))
        .target("standard", year)
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
