//! The verification cycle of each year (SPEC §5): the province opens it and
//! sets its dates; each office sets the submission windows (截止时间设置) of
//! the tiers of units below it, inside its own parent's window.

use actix_web::http::header::ETAG;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::Utc;
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::cycle::calendar::{Calendar, CalendarDates, CalendarError};
use cme_domain::cycle::window::{Window, WindowTier};
use cme_domain::ids::RegionId;
use cme_domain::org::Region;
use cme_domain::time;
use cme_store::repo::{audit, cycle as cycles, unit};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::dto::verification::{CycleDto, CycleRequest, TierWindows, WindowDto, WindowRequest, WindowsDto};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::office::{office_region, opened_cycle};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_cycles).service(get_cycle).service(put_cycle).service(get_windows).service(put_window);
}

fn cycle_etag(year: i32, version: i32) -> String {
    format!("\"cycle-{year}.{version}\"")
}

/// Every opened verification cycle, latest first.
#[utoipa::path(
    tag = "cycle",
    security(("bearer" = [])),
    responses(
        (status = 200, body = [CycleDto]),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cycles")]
pub async fn list_cycles(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Vec<CycleDto>>, ApiError> {
    caller.require(Operation::ReadHierarchy)?;
    Ok(web::Json(cycles::list(&state.db).await?.iter().map(CycleDto::from).collect()))
}

/// One year's verification calendar and where it stands today; the ETag is
/// the If-Match to change it.
#[utoipa::path(
    tag = "cycle",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The year verified")),
    responses(
        (status = 200, body = CycleDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cycles/{year}")]
pub async fn get_cycle(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Operation::ReadHierarchy)?;
    let c = opened_cycle(&state, year.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header((ETAG, cycle_etag(c.calendar.year(), c.row_version))).json(CycleDto::from(&c)))
}

/// Open year Y's verification (验证周期设置), or change its dates: the
/// province offices. Dates left out take SPEC §5's defaults (all in Y+1:
/// open 1 Jan, data to the province by 1 Mar, on-site inspection 10 Apr –
/// 10 May, questions until 20 Jun, closed 30 Jun). Changing an open cycle
/// needs `If-Match` with its ETag (428 without, 412 when stale).
#[utoipa::path(
    tag = "cycle",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The year verified")),
    request_body = CycleRequest,
    responses(
        (status = 200, body = CycleDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cycles/{year}")]
pub async fn put_cycle(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    year: web::Path<i32>,
    body: ValidJson<CycleRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManageCycle)?;
    let year = year.into_inner();
    let defaults = Calendar::defaults(year).map_err(|e| ApiError::field("year", e.to_string()))?.dates();
    let b = body.0;
    let dates = CalendarDates {
        opens_on: b.opens_on.unwrap_or(defaults.opens_on),
        data_due: b.data_due.unwrap_or(defaults.data_due),
        inspection_from: b.inspection_from.unwrap_or(defaults.inspection_from),
        inspection_to: b.inspection_to.unwrap_or(defaults.inspection_to),
        questions_until: b.questions_until.unwrap_or(defaults.questions_until),
        closes_on: b.closes_on.unwrap_or(defaults.closes_on),
    };
    let calendar = Calendar::parse(year, dates).map_err(|e| match &e {
        CalendarError::OutOfOrder { field, .. } => ApiError::field(field.as_str(), e.to_string()),
        CalendarError::OpensDuringYear { .. } => ApiError::field("opens_on", e.to_string()),
        CalendarError::DateOutOfRange { field, .. } => ApiError::field(field.as_str(), e.to_string()),
        _ => ApiError::field("year", e.to_string()),
    })?;
    let txn = state.db.begin().await?;
    let current = cycles::get(&txn, year).await?;
    let expected = match &current {
        None => None,
        Some(c) => {
            crate::etag::if_match(&req, &cycle_etag(year, c.row_version), true)?;
            Some(c.row_version)
        }
    };
    // A change that lost a race with another since the If-Match check is stale too.
    let saved = cycles::put(&txn, &calendar, &actor.name, expected).await.map_err(|e| match e {
        cme_store::StoreError::StaleVersion => ApiError::PreconditionFailed,
        other => other.into(),
    })?;
    let e =
        audit::AuditEntry::by(actor, if current.is_none() { AuditAction::CycleOpen } else { AuditAction::CycleUpdate })
            .ip(Some(&client_ip(&req)))
            .target(AuditTarget::Cycle, year)
            .detail(json!({"before": current.as_ref().map(CycleDto::from), "after": CycleDto::from(&saved)}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().insert_header((ETAG, cycle_etag(year, saved.row_version))).json(CycleDto::from(&saved)))
}

/// The window an office's own one must lie inside: for the province, the
/// whole cycle (opening to closing day); below, what is in force above it.
async fn parent_window(
    state: &AppState,
    calendar: &Calendar,
    tier: WindowTier,
    path: &[Region],
) -> Result<(Window, Option<cycles::WindowRecord>), ApiError> {
    if path.len() <= 1 {
        let whole =
            Window::new(tier, time::local_day_start(calendar.opens_on()), time::local_day_end(calendar.closes_on()))
                .map_err(|e| ApiError::Internal(e.to_string()))?;
        return Ok((whole, None));
    }
    let above = &path[..path.len() - 1];
    let w = cycles::effective(&state.db, calendar, tier, above).await?;
    let ids: Vec<RegionId> = above.iter().map(|r| r.id).collect();
    let set = cycles::windows_of(&state.db, calendar.year(), &ids).await?;
    let record = set.into_iter().find(|s| s.window == w);
    Ok((w, record))
}

async fn windows_view(state: &AppState, actor: &Actor, year: i32) -> Result<WindowsDto, ApiError> {
    let c = opened_cycle(state, year).await?;
    let calendar = &c.calendar;
    if let Some(office) = office_region(state, actor).await? {
        let path = cycles::path_of(&state.db, office.id).await?;
        let own_set = cycles::windows_of(&state.db, year, &[office.id]).await?;
        let mut tiers = Vec::new();
        for tier in [WindowTier::CountyAndAbove, WindowTier::Township, WindowTier::Village] {
            let (parent, parent_set) = parent_window(state, calendar, tier, &path).await?;
            let own = own_set.iter().find(|w| w.window.tier() == tier);
            // Below an office that set nothing, units follow what is in
            // force above it; below the province, the cycle's own window
            // (opening day to the data deadline), not the whole cycle.
            let inherited = if path.len() <= 1 { Window::cycle_default(tier, calendar) } else { parent };
            let effective = own.map_or(inherited, |o| o.window);
            tiers.push(TierWindows {
                tier: tier.into(),
                tier_label: tier.label().to_owned(),
                own: own.map(|o| WindowDto::new(&o.window, Some(o))),
                parent: WindowDto::new(&parent, parent_set.as_ref()),
                effective: WindowDto::new(&effective, own.or(parent_set.as_ref())),
            });
        }
        return Ok(WindowsDto {
            year,
            region_id: Some(office.id.0),
            region_name: Some(office.name),
            tiers,
            unit_window: None,
            open_now: None,
        });
    }
    let unit_id = match actor.scope {
        Scope::Unit(u) | Scope::Department(u, _) | Scope::Person(u, _) => u,
        _ => return Err(ApiError::Forbidden("没有所属机构".into())),
    };
    let w = cycles::effective_for_unit(&state.db, calendar, unit_id).await?;
    let u = unit::get(&state.db, unit_id).await?;
    let path = cycles::path_of(&state.db, u.unit.region_id).await?;
    let ids: Vec<RegionId> = path.iter().map(|r| r.id).collect();
    let set = cycles::windows_of(&state.db, year, &ids).await?;
    let record = set.iter().find(|s| s.window == w);
    Ok(WindowsDto {
        year,
        region_id: None,
        region_name: None,
        tiers: Vec::new(),
        unit_window: Some(WindowDto::new(&w, record)),
        open_now: Some(w.contains(Utc::now())),
    })
}

/// The submission windows of a cycle as the caller sees them: an office,
/// for each tier of units below it, the window it set, its parent's and the
/// one in force; a unit (or department), the window of its own submissions.
#[utoipa::path(
    tag = "cycle",
    security(("bearer" = [])),
    params(("year" = i32, Path, description = "The year verified")),
    responses(
        (status = 200, body = WindowsDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cycles/{year}/windows")]
pub async fn get_windows(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
) -> Result<web::Json<WindowsDto>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    Ok(web::Json(windows_view(&state, actor, year.into_inner()).await?))
}

/// 截止时间设置: an office sets the window of one tier of the units below it
/// (county_and_above 县级以上, township 乡镇级, village 村级). It must lie inside
/// the window in force above the office (the province's: inside the cycle).
#[utoipa::path(
    tag = "cycle",
    security(("bearer" = [])),
    params(
        ("year" = i32, Path, description = "The year verified"),
        ("tier" = String, Path, description = "county_and_above, township or village"),
    ),
    request_body = WindowRequest,
    responses(
        (status = 200, body = WindowsDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cycles/{year}/windows/{tier}")]
pub async fn put_window(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    path: web::Path<(i32, String)>,
    body: ValidJson<WindowRequest>,
) -> Result<web::Json<WindowsDto>, ApiError> {
    let actor = caller.require(Operation::SetWindows)?;
    let (year, tier) = path.into_inner();
    let tier: WindowTier =
        tier.parse().map_err(|_| ApiError::field("tier", "上报层级须为 county_and_above、township 或 village"))?;
    let c = opened_cycle(&state, year).await?;
    let office =
        office_region(&state, actor).await?.ok_or_else(|| ApiError::Forbidden("只有继教委办公室可以设置".into()))?;
    let window =
        Window::new(tier, body.0.starts_at, body.0.ends_at).map_err(|e| ApiError::field("ends_at", e.to_string()))?;
    let path = cycles::path_of(&state.db, office.id).await?;
    let (parent, _) = parent_window(&state, &c.calendar, tier, &path).await?;
    window.validate_inside(&parent).map_err(|e| {
        let field = if window.starts_at() < parent.starts_at() { "starts_at" } else { "ends_at" };
        ApiError::field(field, e.to_string())
    })?;
    let txn = state.db.begin().await?;
    let before = cycles::windows_of(&txn, year, &[office.id]).await?.into_iter().find(|w| w.window.tier() == tier);
    cycles::set_window(&txn, year, office.id, &window, &actor.name).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::CycleWindow)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Cycle, year)
        .place(Some(office.id), None)
        .detail(json!({
            "tier": tier.as_str(),
            "before": before.map(|b| json!({"starts_at": b.window.starts_at(), "ends_at": b.window.ends_at()})),
            "after": {"starts_at": window.starts_at(), "ends_at": window.ends_at()},
        }));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(windows_view(&state, actor, year).await?))
}
