//! What every way of keeping people shares (the forms, the import, an HR
//! system's sync): who may keep whom, the fields read from the wire, and
//! the detail answered with its `ETag`.

use actix_web::HttpResponse;
use cme_domain::IdCardNumber;
use cme_domain::auth::{Actor, Object, Operation, Owner, Scope};
use cme_domain::ids::{DepartmentId, PersonId, UnitId};
use cme_domain::person::Title;
use cme_domain::roster::{id_number_reason, parse_phone, title_reason};
use cme_domain::titles::level_of;
use cme_store::StoreError;
use cme_store::repo::{department, person, unit};
use uuid::Uuid;

use crate::AppState;
use crate::auth::may_act_on;
use crate::clock::today;
use crate::dto::org::PersonDetail;
use crate::dto::people::NewTitle;
use crate::error::ApiError;
use crate::etag;

/// A lost optimistic lock is 412 on these routes (the caller sent If-Match).
pub fn stale_is_412(e: StoreError) -> ApiError {
    match e {
        StoreError::StaleVersion => ApiError::PreconditionFailed,
        other => other.into(),
    }
}

pub fn parse_id_number(text: &str, field: &str) -> Result<IdCardNumber, ApiError> {
    IdCardNumber::parse(text, today()).map_err(|e| ApiError::field(field, id_number_reason(&e)))
}

/// A title from the wire: the level from the catalogue (or as given for a
/// name the catalogue lacks), obtained no later than today.
pub fn new_title(t: &NewTitle, prefix: &str) -> Result<Title, ApiError> {
    let name = t.name.trim();
    let level = level_of(name, t.level.map(Into::into), false).map_err(|e| {
        let field = if t.level.is_some() && cme_domain::titles::lookup(name).is_some() { "level" } else { "name" };
        ApiError::field(format!("{prefix}{field}"), title_reason(&e))
    })?;
    if t.obtained_on > today() {
        return Err(ApiError::field(format!("{prefix}obtained_on"), "取得职称日期不能晚于今天"));
    }
    Ok(Title { name: name.to_owned(), level, obtained_on: t.obtained_on })
}

/// An optional phone number from the wire (empty = none).
pub fn optional_phone(text: Option<&str>, field: &str) -> Result<Option<String>, ApiError> {
    text.map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| parse_phone(p).map_err(|m| ApiError::field(field, m)))
        .transpose()
}

/// The unit a new person goes to: the one named (inside the caller's
/// jurisdiction, else 404), or the caller's own.
pub async fn target_unit(state: &AppState, actor: &Actor, unit_id: Option<Uuid>) -> Result<unit::UnitRecord, ApiError> {
    let id = match (unit_id, actor.scope) {
        (Some(id), _) => UnitId(id),
        (None, Scope::Unit(u) | Scope::Department(u, _)) => u,
        (None, _) => return Err(ApiError::field("unit_id", "请选择单位")),
    };
    Ok(unit::get_scoped(&state.db, &actor.scope, id).await?)
}

/// The ownership guard of personnel upkeep: a person (or a new one) in
/// `department` of `unit` is kept by that department or by the unit; 403
/// for anyone else who sees him.
pub async fn may_keep(
    state: &AppState,
    actor: &Actor,
    unit: UnitId,
    department: Option<DepartmentId>,
) -> Result<(), ApiError> {
    let owner = Owner::of_person(unit, department);
    may_act_on(&state.db, actor, Operation::ManagePeople, Object::owned_by(owner)).await
}

/// [`may_keep`] for new people of `unit` (an import, an HR system's rows):
/// a department's go to its own department.
pub async fn may_keep_in(state: &AppState, actor: &Actor, unit: UnitId) -> Result<(), ApiError> {
    let department = match actor.scope {
        Scope::Department(u, d) if u == unit => Some(d),
        _ => None,
    };
    may_keep(state, actor, unit, department).await
}

/// A department account keeps to its own department.
pub fn own_department_only() -> ApiError {
    ApiError::Forbidden("科室账号只能维护本科室人员".to_owned())
}

/// The department a person is put in: one of `unit`'s; a department's
/// account may use only its own (its default).
pub async fn resolve_department(
    state: &AppState,
    actor: &Actor,
    unit: UnitId,
    department_id: Option<Uuid>,
    field: &str,
) -> Result<Option<DepartmentId>, ApiError> {
    if let Scope::Department(_, own) = actor.scope {
        return match department_id {
            None => Ok(Some(own)),
            Some(d) if d == own.0 => Ok(Some(own)),
            Some(_) => Err(own_department_only()),
        };
    }
    let Some(id) = department_id else { return Ok(None) };
    match department::get(&state.db, DepartmentId(id)).await {
        Ok(d) if d.unit_id == unit => Ok(Some(d.id)),
        Ok(_) | Err(StoreError::NotFound) => Err(ApiError::field(field, "科室不属于该单位")),
        Err(e) => Err(e.into()),
    }
}

/// A person's detail as the upkeep pages show it, with his row version.
pub async fn load_detail(state: &AppState, scope: &Scope, id: PersonId) -> Result<(PersonDetail, i32), ApiError> {
    let rec = person::get_record_scoped(&state.db, &state.pii, scope, id).await?;
    let history = person::status_history(&state.db, id).await?;
    Ok((PersonDetail::new(&rec, history, today()), rec.row_version))
}

/// 200/201 with the person's detail and `ETag`.
pub fn with_etag(
    mut res: actix_web::HttpResponseBuilder,
    id: PersonId,
    version: i32,
    body: &PersonDetail,
) -> HttpResponse {
    res.insert_header(etag::header(id, version)).json(body)
}
