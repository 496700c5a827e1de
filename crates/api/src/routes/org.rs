//! Reading the hierarchy, scoped to the caller: regions, units,
//! departments, people. Outside the caller's jurisdiction is 404.

use actix_web::{HttpRequest, get, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::Operation;
use cme_domain::ids::{PersonId, RegionId, UnitId};
use cme_domain::org::{Medicine, RegionLevel, UnitLevel};
use cme_domain::person::{Discipline, PersonStatus};
use cme_store::repo::{audit, department, person, region, unit};
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::dto::org::{
    DepartmentDto, PersonDto, PersonPage, PersonQuery, RegionDto, RegionQuery, RevealRequest, RevealedIdNumber,
    UnitDto, UnitPage, UnitQuery,
};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::no_store::NoStore;
use crate::paging::{Paging, filter};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_regions)
        .service(get_region)
        .service(get_department)
        .service(list_units)
        .service(get_unit)
        .service(list_departments)
        .service(list_people)
        .service(reveal_id_number);
}

/// Regions in the caller's jurisdiction (its own region, those below it,
/// and those above it for orientation).
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(RegionQuery),
    responses(
        (status = 200, body = Vec<RegionDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `level`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/regions")]
pub async fn list_regions(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<RegionQuery>,
) -> Result<web::Json<Vec<RegionDto>>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let level = filter::<RegionLevel>("level", query.level.as_deref())?;
    let regions = region::list_scoped(&state.db, &actor.scope, query.parent_id.map(RegionId), level).await?;
    Ok(web::Json(regions.into_iter().map(RegionDto::from).collect()))
}

/// One region, if the caller may see it (else 404).
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RegionDto), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/regions/{id}")]
pub async fn get_region(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<RegionDto>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    Ok(web::Json(RegionDto::from(region::get_scoped(&state.db, &actor.scope, RegionId(id.into_inner())).await?)))
}

/// Units in the caller's jurisdiction, with filters, by keyset pages.
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(UnitQuery),
    responses((status = 200, body = UnitPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[get("/units")]
pub async fn list_units(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UnitQuery>,
    paging: Paging,
) -> Result<web::Json<UnitPage>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let Paging { after, limit } = paging;
    let filters = unit::UnitFilter {
        region_id: query.region_id.map(RegionId),
        level: filter::<UnitLevel>("level", query.level.as_deref())?,
        medicine: filter::<Medicine>("medicine", query.medicine.as_deref())?,
        name_contains: query.name.clone().filter(|n| !n.trim().is_empty()),
        include_closed: query.closed.unwrap_or(false),
    };
    let page = unit::list_scoped(&state.db, &actor.scope, &filters, after, limit).await?;
    Ok(web::Json(UnitPage {
        next_cursor: page.next.map(|id| id.to_string()),
        items: page.items.into_iter().map(UnitDto::from).collect(),
    }))
}

/// One unit, if it is in the caller's jurisdiction (else 404).
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = UnitDto), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/units/{id}")]
pub async fn get_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<UnitDto>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let u = unit::get_scoped(&state.db, &actor.scope, UnitId(id.into_inner())).await?;
    Ok(web::Json(UnitDto::from(u)))
}

/// A unit's departments (those the caller may see).
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<DepartmentDto>), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/units/{id}/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<DepartmentDto>>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let unit_id = UnitId(id.into_inner());
    unit::get_scoped(&state.db, &actor.scope, unit_id).await?;
    let departments = department::list_scoped(&state.db, &actor.scope, unit_id).await?;
    Ok(web::Json(departments.into_iter().map(DepartmentDto::from).collect()))
}

/// One department, if the caller may see it (else 404).
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DepartmentDto), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/departments/{id}")]
pub async fn get_department(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<DepartmentDto>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let d = department::get_scoped(&state.db, &actor.scope, cme_domain::ids::DepartmentId(id.into_inner())).await?;
    Ok(web::Json(DepartmentDto::from(d)))
}

/// People in the caller's jurisdiction, ID numbers masked, by keyset pages.
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(PersonQuery),
    responses((status = 200, body = PersonPage), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[get("/people")]
pub async fn list_people(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PersonQuery>,
    paging: Paging,
) -> Result<web::Json<PersonPage>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let Paging { after, limit } = paging;
    let filters = person::PersonFilter {
        unit_id: query.unit_id.map(UnitId),
        department_id: query.department_id.map(cme_domain::ids::DepartmentId),
        status: filter::<PersonStatus>("status", query.status.as_deref())?,
        discipline: filter::<Discipline>("discipline", query.discipline.as_deref())?,
        name_contains: query.name.clone().filter(|n| !n.trim().is_empty()),
    };
    let today = crate::clock::today();
    let page = person::list_summaries(&state.db, &actor.scope, &filters, after, limit, today).await?;
    Ok(web::Json(PersonPage {
        next_cursor: page.next.map(|id| id.to_string()),
        items: page.items.into_iter().map(PersonDto::from).collect(),
    }))
}

/// The full ID number of a person, for a stated reason; every reveal is in
/// the audit log.
#[utoipa::path(
    tag = "org",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RevealRequest,
    responses((status = 200, body = RevealedIdNumber), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[post("/people/{id}/reveal-id-number")]
pub async fn reveal_id_number(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<RevealRequest>,
) -> Result<NoStore<web::Json<RevealedIdNumber>>, ApiError> {
    let actor = caller.require(Operation::RevealIdNumber)?;
    let p = person::get_scoped(&state.db, &state.pii, &actor.scope, PersonId(id.into_inner())).await?;
    let ip = client_ip(&req);
    let e = audit::AuditEntry::by(actor, AuditAction::PersonIdNumberReveal)
        .ip(Some(&ip))
        .target(AuditTarget::Person, p.id.0)
        .place(None, Some(p.unit_id))
        .detail(json!({"reason": body.0.reason}));
    audit::append(&state.db, &e).await?;
    Ok(NoStore(web::Json(RevealedIdNumber { id_number: p.id_number.as_str().to_owned() })))
}
