//! Personnel upkeep (人员维护): create and edit people, keep their titles
//! and status (状态/职称维护), and ask for a transfer to another unit.
//!
//! Who: a unit's CME office for its staff, a department for its own staff,
//! and outside systems granted `manage_people` by their unit (never the
//! offices above a unit, nor the system administrator: [`keep::may_keep`]).
//! Changes to an existing person need `If-Match` with the person's `ETag`
//! (428 without, 412 when stale); each change and its audit entry commit
//! together.

pub mod import;
mod keep;
pub mod sync;

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::ids::{PersonId, UnitId};
use cme_domain::person::{Person, PersonStatus, Title, title_for_year};
use cme_domain::titles::CATALOGUE;
use cme_store::StoreError;
use cme_store::repo::{audit, person, transfer, unit};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use self::keep::{
    load_detail, may_keep, new_title, optional_phone, own_department_only, parse_id_number, resolve_department,
    stale_is_412, target_unit, with_etag,
};
use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::clock::today;
use crate::dto::org::PersonDetail;
use crate::dto::people::{
    CatalogueTitle, NewPersonRequest, NewTitle, PersonPatch, StatusChangeRequest, TransferDto, TransferRequest,
};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::etag;
use crate::extract::ValidJson;
use crate::office::no_department;
use crate::printable::NameCheck;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg
        // Fixed paths under /people before /people/{id}.
        .service(create_person)
        .service(title_catalogue)
        .service(import::import_template)
        .service(import::import_people)
        .service(import::import_errors)
        .service(sync::lookup_person)
        .service(sync::upsert_person)
        .service(sync::batch_people)
        .service(get_person)
        .service(update_person)
        .service(add_title)
        .service(change_status)
        .service(request_transfer)
        .service(person_transfers);
}

fn audit_entry(actor: &Actor, req: &HttpRequest, action: AuditAction, p: PersonId, unit: UnitId) -> audit::AuditEntry {
    audit::AuditEntry::by(actor, action)
        .ip(Some(&client_ip(req)))
        .target(AuditTarget::Person, p.0)
        .place(None, Some(unit))
}

/// The title a person's standard of this year is chosen by (for the audit).
fn standard_title(titles: &[Title]) -> serde_json::Value {
    use chrono::Datelike as _;
    let year = today().year();
    title_for_year(titles, year)
        .map_or(serde_json::Value::Null, |t| json!({"year": year, "name": t.name, "level": t.level}))
}

/// One person with the title and status histories, if in the caller's
/// jurisdiction. The `ETag` header is the person's version: send it back as
/// `If-Match` with a change.
#[utoipa::path(
    tag = "org",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonDetail, headers(("ETag" = String, description = "The person's version, for If-Match"))), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/people/{id}")]
pub async fn get_person(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let pid = PersonId(id.into_inner());
    let (body, version) = load_detail(&state, &actor.scope, pid).await?;
    Ok(with_etag(HttpResponse::Ok(), pid, version, &body))
}

/// Create a person (人员新增) in the caller's unit, or in a unit of the
/// caller's jurisdiction named by `unit_id`. An ID number stored already
/// (in any unit) is 409 naming `id_number`; the answer never says where.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    request_body = NewPersonRequest,
    responses(
        (status = 201, body = PersonDetail, headers(("ETag" = String, description = "The person's version, for If-Match"), ("Location" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people")]
pub async fn create_person(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<NewPersonRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let b = body.0;
    let unit = target_unit(&state, actor, b.unit_id).await?;
    let department = resolve_department(&state, actor, unit.unit.id, b.department_id, "department_id").await?;
    may_keep(&state, actor, unit.unit.id, department).await?;
    let name = NameCheck::new(state.fonts.as_ref()).parse(&b.name).map_err(|m| ApiError::field("name", m))?;
    let id_number = parse_id_number(&b.id_number, "id_number")?;
    let phone = optional_phone(b.phone.as_deref(), "phone")?;
    let title = b.title.as_ref().map(|t| new_title(t, "title.")).transpose()?;
    if person::find_by_id_number(&state.db, &state.pii, &id_number).await?.is_some() {
        return Err(ApiError::id_number_taken("id_number"));
    }
    let p = Person {
        id: PersonId::new(),
        unit_id: unit.unit.id,
        department_id: department,
        name,
        gender: b.gender.into(),
        id_number,
        discipline: b.discipline.into(),
        status: b.status.map_or(PersonStatus::Normal, Into::into),
        titles: title.into_iter().collect(),
    };
    let entry = audit_entry(actor, &req, AuditAction::PersonCreate, p.id, p.unit_id).detail(json!({
        "name": p.name, "unit_id": p.unit_id, "department_id": p.department_id, "discipline": p.discipline,
        "status": p.status, "phone": phone.is_some(), "standard_title": standard_title(&p.titles),
    }));
    let txn = state.db.begin().await?;
    // A number stored already is 409 naming id_number (the constraint
    // catalogue's answer).
    person::create(&txn, &state.pii, &person::NewPerson { person: p.clone(), phone }).await?;
    audit::append(&txn, &entry).await?;
    txn.commit().await?;
    let (body, version) = load_detail(&state, &actor.scope, p.id).await?;
    let mut res = HttpResponse::Created();
    res.insert_header((LOCATION, format!("/api/v1/people/{}", p.id)));
    Ok(with_etag(res, p.id, version, &body))
}

/// Edit a person's name, gender, department, discipline or phone (人员修改).
/// Requires `If-Match` with the `ETag` of the last read: 428 without it,
/// 412 when someone changed the person since. Answers the new `ETag`.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The person's ETag")),
    request_body = PersonPatch,
    responses(
        (status = 200, body = PersonDetail, headers(("ETag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/people/{id}")]
pub async fn update_person(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<PersonPatch>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let pid = PersonId(id.into_inner());
    let rec = person::get_record_scoped(&state.db, &state.pii, &actor.scope, pid).await?;
    may_keep(&state, actor, rec.person.unit_id, rec.person.department_id).await?;
    let guard = etag::check_if_match(&req, pid, rec.row_version, true)?;
    let b = body.0;
    let (edit, changes) = person_edit(&state, actor, &rec, &b).await?;
    if edit.is_empty() {
        let (body, version) = load_detail(&state, &actor.scope, pid).await?;
        return Ok(with_etag(HttpResponse::Ok(), pid, version, &body));
    }
    let entry = audit_entry(actor, &req, AuditAction::PersonUpdate, pid, rec.person.unit_id)
        .detail(json!({"changes": changes, "reason": b.reason}));
    let txn = state.db.begin().await?;
    person::edit(&txn, &state.pii, pid, Some(guard), &edit).await.map_err(stale_is_412)?;
    audit::append(&txn, &entry).await?;
    txn.commit().await?;
    let (body, version) = load_detail(&state, &actor.scope, pid).await?;
    Ok(with_etag(HttpResponse::Ok(), pid, version, &body))
}

/// What a patch changes, checked, and the changes for the log (from → to;
/// never the phone number itself). Fields equal to the stored ones change
/// nothing.
async fn person_edit(
    state: &AppState,
    actor: &Actor,
    rec: &person::PersonRecord,
    b: &PersonPatch,
) -> Result<(person::PersonEdit, serde_json::Map<String, serde_json::Value>), ApiError> {
    let current = &rec.person;
    let mut edit = person::PersonEdit::default();
    let mut changes = serde_json::Map::new();
    if let Some(name) = &b.name {
        let name = NameCheck::new(state.fonts.as_ref()).parse(name).map_err(|m| ApiError::field("name", m))?;
        if name != current.name {
            changes.insert("name".into(), json!({"from": current.name, "to": name}));
            edit.name = Some(name);
        }
    }
    if let Some(gender) = b.gender.map(cme_domain::person::Gender::from).filter(|g| *g != current.gender) {
        changes.insert("gender".into(), json!({"from": current.gender, "to": gender}));
        edit.gender = Some(gender);
    }
    if let Some(discipline) =
        b.discipline.map(cme_domain::person::Discipline::from).filter(|d| *d != current.discipline)
    {
        changes.insert("discipline".into(), json!({"from": current.discipline, "to": discipline}));
        edit.discipline = Some(discipline);
    }
    if let Some(department) = b.department_id {
        let department = match department {
            Some(d) => resolve_department(state, actor, current.unit_id, Some(d), "department_id").await?,
            None if matches!(actor.scope, Scope::Department(..)) => return Err(own_department_only()),
            None => None,
        };
        if department != current.department_id {
            changes.insert("department_id".into(), json!({"from": current.department_id, "to": department}));
            edit.department_id = Some(department);
        }
    }
    if let Some(phone) = &b.phone {
        let phone = optional_phone(phone.as_deref(), "phone")?;
        if phone != rec.phone {
            // Never the number itself in the log.
            changes.insert("phone".into(), json!(if phone.is_some() { "changed" } else { "removed" }));
            edit.phone = Some(phone);
        }
    }
    Ok((edit, changes))
}

/// Record a newly obtained title (职称维护). The history is kept; the
/// standard follows by itself (the title held on 31 December of a year
/// chooses that year's row). Requires `If-Match`.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The person's ETag")),
    request_body = NewTitle,
    responses(
        (status = 201, body = PersonDetail, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/{id}/titles")]
pub async fn add_title(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<NewTitle>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let pid = PersonId(id.into_inner());
    let rec = person::get_record_scoped(&state.db, &state.pii, &actor.scope, pid).await?;
    may_keep(&state, actor, rec.person.unit_id, rec.person.department_id).await?;
    let guard = etag::check_if_match(&req, pid, rec.row_version, true)?;
    let title = new_title(&body.0, "")?;
    if rec.person.titles.iter().any(|t| t.obtained_on == title.obtained_on) {
        return Err(ApiError::Conflict {
            code: ErrorCode::TitleExists,
            detail: "该人员在这一天已有职称记录".to_owned(),
        });
    }
    let mut titles = rec.person.titles.clone();
    titles.push(title.clone());
    let entry = audit_entry(actor, &req, AuditAction::PersonTitleAdd, pid, rec.person.unit_id).detail(json!({
        "name": title.name, "level": title.level, "obtained_on": title.obtained_on, "reason": body.0.reason,
        "standard_title": standard_title(&titles),
    }));
    let txn = state.db.begin().await?;
    person::add_title_versioned(&txn, pid, Some(guard), &title).await.map_err(stale_is_412)?;
    audit::append(&txn, &entry).await?;
    txn.commit().await?;
    let (body, version) = load_detail(&state, &actor.scope, pid).await?;
    Ok(with_etag(HttpResponse::Created(), pid, version, &body))
}

/// Change a person's status (状态维护: 正常, 不计达标, 注销) with a reason
/// and the day it takes effect; the change is kept in the history.
/// Requires `If-Match`.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The person's ETag")),
    request_body = StatusChangeRequest,
    responses(
        (status = 200, body = PersonDetail, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/{id}/status")]
pub async fn change_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<StatusChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let pid = PersonId(id.into_inner());
    let rec = person::get_record_scoped(&state.db, &state.pii, &actor.scope, pid).await?;
    may_keep(&state, actor, rec.person.unit_id, rec.person.department_id).await?;
    let guard = etag::check_if_match(&req, pid, rec.row_version, true)?;
    let b = body.0;
    let to: PersonStatus = b.status.into();
    if to == rec.person.status {
        return Err(ApiError::field("status", "人员当前已是该状态"));
    }
    let change = person::StatusChangeRequest {
        to,
        reason: Some(b.reason.trim().to_owned()),
        effective_on: Some(b.effective_on.unwrap_or_else(today)),
        changed_by: actor.name.clone(),
    };
    let entry = audit_entry(actor, &req, AuditAction::PersonStatusChange, pid, rec.person.unit_id).detail(json!({
        "from": rec.person.status, "to": to, "reason": change.reason, "effective_on": change.effective_on,
    }));
    let txn = state.db.begin().await?;
    person::change_status_versioned(&txn, pid, Some(guard), &change).await.map_err(stale_is_412)?;
    audit::append(&txn, &entry).await?;
    txn.commit().await?;
    let (body, version) = load_detail(&state, &actor.scope, pid).await?;
    Ok(with_etag(HttpResponse::Ok(), pid, version, &body))
}

/// The known titles and their levels (职称目录), for pickers and imports.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    responses((status = 200, body = Vec<CatalogueTitle>), (status = 403, body = Problem, content_type = "application/problem+json"))
)]
#[get("/title-catalogue")]
pub async fn title_catalogue(caller: Caller) -> Result<web::Json<Vec<CatalogueTitle>>, ApiError> {
    caller.require(Operation::ReadHierarchy)?;
    Ok(web::Json(
        CATALOGUE
            .iter()
            .map(|t| CatalogueTitle {
                name: t.name.to_owned(),
                level: t.level.into(),
                series: t.series.into(),
                series_label: t.series.label().to_owned(),
            })
            .collect(),
    ))
}

/// Ask to transfer a person to another unit (调出申请). The receiving unit
/// (by id or registration code) sees the request among its incoming
/// transfers and accepts or rejects it; a person has at most one open
/// transfer (409 `transfer_open`).
#[utoipa::path(
    tag = "transfers",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    request_body = TransferRequest,
    responses(
        (status = 201, body = TransferDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/{id}/transfers")]
pub async fn request_transfer(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<TransferRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    no_department(actor)?;
    let pid = PersonId(id.into_inner());
    let p = person::get_scoped(&state.db, &state.pii, &actor.scope, pid).await?;
    // A transfer is the unit's business, not its department's.
    may_keep(&state, actor, p.unit_id, None).await?;
    let b = body.0;
    let to = match (b.to_unit_id, b.to_unit_code.as_deref().map(str::trim).filter(|c| !c.is_empty())) {
        (Some(id), _) => match unit::get(&state.db, UnitId(id)).await {
            Err(StoreError::NotFound) => return Err(ApiError::field("to_unit_id", "调入单位不存在")),
            other => other?,
        },
        (None, Some(code)) => unit::find_by_code(&state.db, code)
            .await?
            .ok_or_else(|| ApiError::field("to_unit_code", "没有该编码的单位"))?,
        (None, None) => return Err(ApiError::field("to_unit_id", "请指定调入单位")),
    };
    if to.unit.id == p.unit_id {
        return Err(ApiError::field("to_unit_id", "调入单位不能是当前单位"));
    }
    let txn = state.db.begin().await?;
    // A second open transfer is 409 transfer_open (the constraint catalogue's answer).
    let t = transfer::request(&txn, pid, to.unit.id, b.reason.trim(), &actor.name).await?;
    let entry = audit_entry(actor, &req, AuditAction::PersonTransferRequest, pid, p.unit_id).detail(json!({
        "transfer_id": t.id, "from_unit_id": t.from_unit_id, "to_unit_id": t.to_unit_id, "reason": t.reason,
    }));
    audit::append(&txn, &entry).await?;
    let view = transfer::view(&txn, t.id).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(TransferDto::from(view)))
}

/// A person's transfers, oldest first (调动记录), if he is in the caller's
/// jurisdiction.
#[utoipa::path(
    tag = "transfers",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<TransferDto>), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/people/{id}/transfers")]
pub async fn person_transfers(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<TransferDto>>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let pid = PersonId(id.into_inner());
    person::get_scoped(&state.db, &state.pii, &actor.scope, pid).await?;
    let history = transfer::history(&state.db, pid).await?;
    Ok(web::Json(history.into_iter().map(TransferDto::from).collect()))
}
