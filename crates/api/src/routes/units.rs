//! Unit upkeep (单位维护, issue 17): an office opens (开通) the units of its
//! jurisdiction, one by one or from a file, each with its CME office
//! account and a one-time password; renames, moves, merges and closes them.
//! A unit keeps its own departments (科室维护). Units and departments are
//! closed, never deleted; every change is audited in its transaction.
//!
//! Who: a county office in its county, a prefecture office in its
//! prefecture, the province's two offices everywhere, each for the units of
//! its medicine (科教处 Western, 中医处 TCM); a unit's CME office for its own
//! departments. A unit outside the caller's jurisdiction is 404.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use cme_documents::table;
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Object, Operation, Owner, Role, Scope};
use cme_domain::ids::{DepartmentId, UnitId};
use cme_domain::org::{Department, Medicine, Region, Unit, UnitCode, UnitLevel, parse_name, unit_fits_region};
use cme_store::repo::unit::UnitRecord;
use cme_store::repo::{account, audit, department, region, unit};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::attachment::{XLSX, attachment};
use crate::auth::{Caller, client_ip, may_act_on, password};
use crate::dto::org::{DepartmentDto, UnitDto};
use crate::dto::units::{
    DepartmentRequest, MergeResult, MergeUnitRequest, MoveUnitRequest, OpenUnitRequest, OpenedUnit, RenameRequest,
    UnitCloseRequest, UnitImportQuery, UnitImportResult, UnitImportRow,
};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::ValidJson;
use crate::no_store::NoStore;
use crate::upload::{Record, Upload};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(unit_template)
        .service(import_units)
        .service(open_unit)
        .service(rename_unit)
        .service(move_unit)
        .service(merge_unit)
        .service(close_unit)
        .service(create_department)
        .service(rename_department)
        .service(close_department);
}

/// The most rows one import opens (a prefecture's village clinics).
pub const MAX_IMPORT_ROWS: usize = 2_000;

/// An audit entry about a unit, placed in it.
fn unit_entry(actor: &Actor, ip: &str, action: AuditAction, u: UnitId, detail: serde_json::Value) -> audit::AuditEntry {
    audit::AuditEntry::by(actor, action).ip(Some(ip)).target(AuditTarget::Unit, u.0).place(None, Some(u)).detail(detail)
}

/// The region `id` if the caller administers it (its own region or one
/// below; the province everywhere) and a unit of `level` hangs there.
fn region_for(regions: &[Region], id: Uuid, level: UnitLevel) -> Result<&Region, &'static str> {
    let r = regions.iter().find(|r| r.id.0 == id).ok_or("所选地区不在本辖区")?;
    if !unit_fits_region(level, r.level) {
        return Err(fit_message(level));
    }
    Ok(r)
}

fn fit_message(level: UnitLevel) -> &'static str {
    match level {
        UnitLevel::Provincial => "省级机构须挂在省（省直单位）",
        UnitLevel::Prefecture => "州市级单位须挂在州市",
        UnitLevel::County | UnitLevel::Township | UnitLevel::Village => "县级、乡镇/社区、村级单位须挂在县市区",
    }
}

/// The CME office account's username: the one asked for, else the code in
/// lower case.
fn username_for(asked: Option<&str>, code: &UnitCode) -> Result<String, &'static str> {
    let name =
        asked.map(str::trim).filter(|n| !n.is_empty()).map_or_else(|| code.as_str().to_lowercase(), str::to_lowercase);
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) || name.len() > 64 {
        return Err("登录名只能包含字母、数字、- _ .，最多 64 个字符");
    }
    if name.starts_with("trainee-") {
        return Err("trainee- 开头的登录名保留给学员");
    }
    Ok(name)
}

/// The display name of a unit's CME office account.
fn office_name(unit_name: &str) -> String {
    format!("{unit_name}继教办")
}

/// A unit the caller may keep (in its jurisdiction, else 404; of its
/// medicine at the province, else 403), and open (else 409).
async fn kept_unit(state: &AppState, actor: &Actor, id: Uuid) -> Result<UnitRecord, ApiError> {
    let u = unit::get_scoped(&state.db, &actor.scope, UnitId(id)).await?;
    may_act_on(&state.db, actor, Operation::ManageUnits, Object::in_unit(Owner::Unit(u.unit.id), u.unit.medicine))
        .await?;
    if u.closed_at.is_some() {
        return Err(ApiError::Conflict {
            code: crate::error::ErrorCode::UnitClosed,
            detail: "该单位已撤销".to_owned(),
        });
    }
    Ok(u)
}

/// A checked unit to open, with its account.
struct NewUnit {
    record: UnitRecord,
    region_name: String,
    username: String,
    row: usize,
}

impl NewUnit {
    fn checked(&self) -> UnitImportRow {
        UnitImportRow {
            row: self.row,
            name: self.record.unit.name.clone(),
            level: self.record.unit.level.into(),
            medicine: self.record.unit.medicine.into(),
            region_id: self.record.unit.region_id.0,
            region_name: self.region_name.clone(),
            code: self.record.code.clone(),
            username: self.username.clone(),
        }
    }
}

/// Writes units with their office accounts (one-time passwords hashed
/// fast, see [`password::hash_one_time`]) and their audit entries, in the
/// caller's transaction.
async fn write_units<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    ip: &str,
    units: &[NewUnit],
    action: AuditAction,
) -> Result<Vec<OpenedUnit>, ApiError> {
    let records: Vec<UnitRecord> = units.iter().map(|u| u.record.clone()).collect();
    unit::insert_many(db, &records).await?;
    let passwords: Vec<String> = units.iter().map(|_| password::generate_initial()).collect();
    let accounts: Vec<account::NewAccount> = units
        .iter()
        .zip(&passwords)
        .map(|(u, pw)| account::NewAccount {
            username: u.username.clone(),
            role: Role::Unit,
            scope: Scope::Unit(u.record.unit.id),
            display_name: office_name(&u.record.unit.name),
            password_hash: Some(password::hash_one_time(pw)),
            must_change_password: true,
            created_by: Some(actor.id),
        })
        .collect();
    let ids = account::insert_unit_offices(db, &accounts).await?;
    let mut entries = Vec::with_capacity(units.len() * 2 + 1);
    for (u, account_id) in units.iter().zip(&ids) {
        let unit = &u.record.unit;
        entries.push(unit_entry(
            actor,
            ip,
            AuditAction::UnitOpen,
            unit.id,
            json!({"name": unit.name, "code": u.record.code, "level": unit.level.label(), "kind": unit.medicine.label()}),
        ));
        entries.push(
            audit::AuditEntry::by(actor, AuditAction::AccountCreate)
                .ip(Some(ip))
                .target(AuditTarget::Account, account_id)
                .place(None, Some(unit.id))
                .detail(json!({"role": Role::Unit.as_str()})),
        );
    }
    if action == AuditAction::UnitImport {
        let (region, unit) = match actor.scope {
            Scope::Region(r) => (Some(r), None),
            _ => (None, None),
        };
        entries.push(
            audit::AuditEntry::by(actor, action).ip(Some(ip)).place(region, unit).detail(json!({"rows": units.len()})),
        );
    }
    audit::append_many(db, &entries).await?;
    Ok(units
        .iter()
        .zip(passwords)
        .map(|(u, initial_password)| OpenedUnit {
            unit: UnitDto::from(u.record.clone()),
            username: u.username.clone(),
            initial_password,
        })
        .collect())
}

/// Open a unit (开通): the unit under a region of the caller's jurisdiction
/// and its CME office account (role 单位), whose one-time password is in
/// this answer only (never stored in plain text; the first sign-in must
/// change it). The code is a 统一社会信用代码 (its check character is
/// checked) or a 医疗机构执业许可证登记号; a code or username in use is 409.
/// 科教处 opens Western units, 中医处 TCM ones (403 for the other).
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    request_body = OpenUnitRequest,
    responses(
        (status = 201, body = OpenedUnit),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units")]
pub async fn open_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<OpenUnitRequest>,
) -> Result<NoStore<HttpResponse>, ApiError> {
    let actor = caller.require(Operation::ManageUnits)?;
    let body = body.0;
    let name = parse_name(&body.name).map_err(|m| ApiError::field("name", m))?;
    let code = UnitCode::parse(&body.code).map_err(|m| ApiError::field("code", m))?;
    let level: UnitLevel = body.level.into();
    let medicine: Medicine = body.medicine.into();
    let regions = region::list_administered(&state.db, &actor.scope).await?;
    let r = region_for(&regions, body.region_id, level).map_err(|m| ApiError::field("region_id", m))?;
    may_act_on(&state.db, actor, Operation::ManageUnits, Object::in_unit(Owner::Region(r.id), medicine)).await?;
    let username = username_for(body.username.as_deref(), &code).map_err(|m| ApiError::field("username", m))?;
    let new = NewUnit {
        record: UnitRecord::open(
            Unit { id: UnitId(Uuid::now_v7()), region_id: r.id, name, level, medicine },
            code.as_str().to_owned(),
        ),
        region_name: r.name.clone(),
        username,
        row: 0,
    };
    let txn = state.db.begin().await?;
    // A code or username in use: 409 by the constraint catalogue.
    let mut opened =
        write_units(&txn, actor, &client_ip(&req), std::slice::from_ref(&new), AuditAction::UnitOpen).await?;
    txn.commit().await?;
    let opened = opened.pop().ok_or_else(|| ApiError::Internal("no unit opened".to_owned()))?;
    Ok(NoStore(HttpResponse::Created().json(opened)))
}

/// Rename a unit (单位更名). Its id stays, so its people, records and the
/// reports by unit follow it; the audit log keeps the old name.
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RenameRequest,
    responses(
        (status = 200, body = UnitDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/units/{id}")]
pub async fn rename_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<RenameRequest>,
) -> Result<web::Json<UnitDto>, ApiError> {
    let actor = caller.require(Operation::ManageUnits)?;
    let u = kept_unit(&state, actor, id.into_inner()).await?;
    let name = parse_name(&body.0.name).map_err(|m| ApiError::field("name", m))?;
    let txn = state.db.begin().await?;
    unit::rename(&txn, u.unit.id, &name).await?;
    let e = unit_entry(
        actor,
        &client_ip(&req),
        AuditAction::UnitRename,
        u.unit.id,
        json!({"from": u.unit.name, "to": name}),
    );
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(UnitDto::from(unit::get(&state.db, u.unit.id).await?)))
}

/// Move a unit under another region of the caller's jurisdiction (变更所属
/// 地区), with its people: their place and stored verdicts follow, so the
/// new region's office sees them. Verification records keep the county and
/// prefecture they were submitted in (their chain and past reports stay
/// where they were made).
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = MoveUnitRequest,
    responses(
        (status = 200, body = UnitDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/move")]
pub async fn move_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<MoveUnitRequest>,
) -> Result<web::Json<UnitDto>, ApiError> {
    let actor = caller.require(Operation::ManageUnits)?;
    let u = kept_unit(&state, actor, id.into_inner()).await?;
    let regions = region::list_administered(&state.db, &actor.scope).await?;
    let to = region_for(&regions, body.0.region_id, u.unit.level).map_err(|m| ApiError::field("region_id", m))?;
    if to.id == u.unit.region_id {
        return Err(ApiError::field("region_id", "单位已在该地区"));
    }
    let from = region::get(&state.db, u.unit.region_id).await?;
    let txn = state.db.begin().await?;
    let people = unit::move_to(&txn, u.unit.id, to).await?;
    let e = unit_entry(
        actor,
        &client_ip(&req),
        AuditAction::UnitMove,
        u.unit.id,
        json!({"name": u.unit.name, "from": from.name, "to": to.name, "people": people}),
    );
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(UnitDto::from(unit::get(&state.db, u.unit.id).await?)))
}

/// Merge a unit into another (合并): its people (with their credits, which
/// are theirs), departments, verification records, certificates, title
/// corrections, evidence and department reports move to the surviving unit,
/// so lists and reports by unit count them there; the merged unit is kept,
/// closed, naming the survivor (`merged_into`), and its office accounts are
/// disabled. Both units must be the caller's to keep; refused (409) while a
/// transfer in or out of the merged unit is pending.
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = MergeUnitRequest,
    responses(
        (status = 200, body = MergeResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/merge")]
pub async fn merge_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<MergeUnitRequest>,
) -> Result<web::Json<MergeResult>, ApiError> {
    let actor = caller.require(Operation::ManageUnits)?;
    let from = kept_unit(&state, actor, id.into_inner()).await?;
    if body.0.into_unit_id == from.unit.id.0 {
        return Err(ApiError::field("into_unit_id", "不能合并到本单位自身"));
    }
    let into = match kept_unit(&state, actor, body.0.into_unit_id).await {
        Err(ApiError::NotFound(_)) => return Err(ApiError::field("into_unit_id", "所选单位不在本辖区")),
        Err(ApiError::Conflict { .. }) => return Err(ApiError::field("into_unit_id", "所选单位已撤销")),
        other => other?,
    };
    let txn = state.db.begin().await?;
    let merged = unit::merge(&txn, &from, &into).await?;
    let ip = client_ip(&req);
    let detail = json!({"from": from.unit.name, "to": into.unit.name, "people": merged.people});
    audit::append(&txn, &unit_entry(actor, &ip, AuditAction::UnitMerge, from.unit.id, detail.clone())).await?;
    audit::append(&txn, &unit_entry(actor, &ip, AuditAction::UnitMerge, into.unit.id, detail)).await?;
    for account in &merged.disabled_accounts {
        let e = audit::AuditEntry::by(actor, AuditAction::AccountDisable)
            .ip(Some(&ip))
            .target(AuditTarget::Account, account)
            .place(None, Some(from.unit.id))
            .detail(json!({"reason": "单位已合并"}));
        audit::append(&txn, &e).await?;
    }
    txn.commit().await?;
    for account in &merged.disabled_accounts {
        crate::auth::revocation::sessions_ended(&state, *account).await;
    }
    Ok(web::Json(MergeResult {
        unit: UnitDto::from(unit::get(&state.db, from.unit.id).await?),
        into: UnitDto::from(unit::get(&state.db, into.unit.id).await?),
        people: merged.people,
        departments: merged.departments,
    }))
}

/// Close a unit (撤销): refused (409 `unit_busy`, saying how many 在职人员
/// and open records remain) while people of status normal or open records
/// (verifications not final, pending transfers, department reports awaiting
/// the unit) remain. The unit is kept, marked closed; its office accounts
/// are disabled.
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = UnitCloseRequest,
    responses(
        (status = 200, body = UnitDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/close")]
pub async fn close_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UnitCloseRequest>,
) -> Result<web::Json<UnitDto>, ApiError> {
    let actor = caller.require(Operation::ManageUnits)?;
    let u = kept_unit(&state, actor, id.into_inner()).await?;
    let reason = body.0.reason.trim().to_owned();
    let txn = state.db.begin().await?;
    let disabled = unit::close(&txn, u.unit.id).await?;
    let ip = client_ip(&req);
    let e = unit_entry(actor, &ip, AuditAction::UnitClose, u.unit.id, json!({"name": u.unit.name, "reason": reason}));
    audit::append(&txn, &e).await?;
    for account in &disabled {
        let e = audit::AuditEntry::by(actor, AuditAction::AccountDisable)
            .ip(Some(&ip))
            .target(AuditTarget::Account, account)
            .place(None, Some(u.unit.id))
            .detail(json!({"reason": "单位已撤销"}));
        audit::append(&txn, &e).await?;
    }
    txn.commit().await?;
    for account in &disabled {
        crate::auth::revocation::sessions_ended(&state, *account).await;
    }
    Ok(web::Json(UnitDto::from(unit::get(&state.db, u.unit.id).await?)))
}

// --- Departments (科室维护) ---------------------------------------------------

/// A department of the caller's own unit (else 404 outside its
/// jurisdiction, 403 for an office above it), open (else 409).
async fn kept_department(state: &AppState, actor: &Actor, id: Uuid) -> Result<Department, ApiError> {
    let d = department::get_scoped(&state.db, &actor.scope, DepartmentId(id)).await?;
    may_act_on(&state.db, actor, Operation::ManageDepartments, Object::owned_by(Owner::Unit(d.unit_id))).await?;
    if department::is_closed(&state.db, d.id).await? {
        return Err(ApiError::Conflict {
            code: crate::error::ErrorCode::UnitClosed,
            detail: "该科室已撤销".to_owned(),
        });
    }
    Ok(d)
}

fn department_entry(
    actor: &Actor,
    ip: &str,
    action: AuditAction,
    d: &Department,
    detail: serde_json::Value,
) -> audit::AuditEntry {
    audit::AuditEntry::by(actor, action)
        .ip(Some(ip))
        .target(AuditTarget::Department, d.id.0)
        .place(None, Some(d.unit_id))
        .detail(detail)
}

/// Add a department to one's own unit (新增科室); names are unique within
/// the unit (409).
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DepartmentRequest,
    responses(
        (status = 201, body = DepartmentDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/departments")]
pub async fn create_department(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<DepartmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManageDepartments)?;
    let u = unit::get_scoped(&state.db, &actor.scope, UnitId(id.into_inner())).await?;
    may_act_on(&state.db, actor, Operation::ManageDepartments, Object::owned_by(Owner::Unit(u.unit.id))).await?;
    if u.closed_at.is_some() {
        return Err(ApiError::Conflict {
            code: crate::error::ErrorCode::UnitClosed,
            detail: "该单位已撤销".to_owned(),
        });
    }
    let name = parse_name(&body.0.name).map_err(|m| ApiError::field("name", m))?;
    let d = Department { id: DepartmentId(Uuid::now_v7()), unit_id: u.unit.id, name };
    let txn = state.db.begin().await?;
    // A name the unit has: 409 by the constraint catalogue.
    department::insert(&txn, &d).await?;
    let e = department_entry(actor, &client_ip(&req), AuditAction::DepartmentCreate, &d, json!({"name": d.name}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(DepartmentDto::from(d)))
}

/// Rename a department of one's own unit (科室更名).
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DepartmentRequest,
    responses(
        (status = 200, body = DepartmentDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/departments/{id}")]
pub async fn rename_department(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<DepartmentRequest>,
) -> Result<web::Json<DepartmentDto>, ApiError> {
    let actor = caller.require(Operation::ManageDepartments)?;
    let d = kept_department(&state, actor, id.into_inner()).await?;
    let name = parse_name(&body.0.name).map_err(|m| ApiError::field("name", m))?;
    let txn = state.db.begin().await?;
    department::rename(&txn, d.id, &name).await?;
    let e = department_entry(
        actor,
        &client_ip(&req),
        AuditAction::DepartmentRename,
        &d,
        json!({"from": d.name, "to": name}),
    );
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(DepartmentDto::from(department::get(&state.db, d.id).await?)))
}

/// Close a department of one's own unit (撤销科室): refused (409
/// `unit_busy`, saying why) while people of status normal or open records
/// remain in it; kept, no longer listed, its accounts disabled.
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = UnitCloseRequest,
    responses(
        (status = 204, description = "Closed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/departments/{id}/close")]
pub async fn close_department(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<UnitCloseRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManageDepartments)?;
    let d = kept_department(&state, actor, id.into_inner()).await?;
    let reason = body.0.reason.trim().to_owned();
    let txn = state.db.begin().await?;
    let disabled = department::close(&txn, &d).await?;
    let ip = client_ip(&req);
    audit::append(
        &txn,
        &department_entry(actor, &ip, AuditAction::DepartmentClose, &d, json!({"name": d.name, "reason": reason})),
    )
    .await?;
    for account in &disabled {
        let e = audit::AuditEntry::by(actor, AuditAction::AccountDisable)
            .ip(Some(&ip))
            .target(AuditTarget::Account, account)
            .place(None, Some(d.unit_id))
            .detail(json!({"reason": "科室已撤销"}));
        audit::append(&txn, &e).await?;
    }
    txn.commit().await?;
    for account in &disabled {
        crate::auth::revocation::sessions_ended(&state, *account).await;
    }
    Ok(HttpResponse::NoContent().finish())
}

// --- Import (开通单位导入) ------------------------------------------------------

/// A column of the template and of an imported file.
struct Column {
    field: &'static str,
    label: &'static str,
    required: bool,
}

const COLUMNS: [Column; 6] = [
    Column { field: "name", label: "单位名称", required: true },
    Column { field: "level", label: "单位级别", required: true },
    Column { field: "medicine", label: "中西医类别", required: true },
    Column { field: "region", label: "所属地区", required: true },
    Column { field: "code", label: "统一社会信用代码或执业许可证登记号", required: true },
    Column { field: "username", label: "登录名", required: false },
];

/// The template's example row; an imported row equal to it is left out.
const EXAMPLE: [&str; 6] = ["示例县示例镇示例村卫生室", "村级", "西医", "示例县", "9144030071526726XG", ""];

const NOTES: [&str; 8] = [
    "每行开通一个单位，并为其创建继教办账号（角色：单位），初始密码只在导入结果中显示一次，首次登录须修改。带 * 的列必填。",
    "单位名称：2–60 个字。",
    "单位级别：省级、州市级、县级、乡镇/社区、村级。",
    "中西医类别：西医，或 中医（含中西医结合、民族医）。",
    "所属地区：本辖区内的州市或县市区名称，或 6 位行政区划代码；县级、乡镇/社区、村级单位填县市区，州市级单位填州市，省级机构填省。",
    "统一社会信用代码（18 位，校验位须正确）或医疗机构执业许可证登记号；不能与已开通的单位重复。",
    "登录名：可不填，默认为代码的小写；只能包含字母、数字、- _ .。",
    "一次最多 2000 行；任何一行有误则整批不保存，错误按行列出。请删除示例行后再导入。",
];

/// The template for opening units from a file (开通单位导入模板).
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = inline(crate::dto::FileBytes)),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/import/template")]
pub async fn unit_template(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(Operation::ManageUnits)?;
    let headers: Vec<String> =
        COLUMNS.iter().map(|c| if c.required { format!("*{}", c.label) } else { c.label.to_owned() }).collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let example = vec![EXAMPLE.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()];
    let notes: Vec<Vec<String>> = NOTES.iter().map(|n| vec![(*n).to_owned()]).collect();
    let bytes = table::write_xlsx(&[
        table::Sheet { name: "开通单位", headers: &headers, rows: &example },
        table::Sheet { name: "填写说明", headers: &["填写说明"], rows: &notes },
    ])
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(attachment(bytes, XLSX, "开通单位导入模板.xlsx", "units-template.xlsx"))
}

/// Open units from an XLSX or CSV file (UTF-8 or GBK) made from the
/// template (开通单位导入): every row checked (name, level, medicine, a region
/// the caller administers that fits the level, the code's format and check
/// character, code and username not in use nor twice in the file, the
/// caller's medicine at the province); one bad row and nothing is written:
/// 422 whose `errors` name each `rows[i].field`, the message naming the
/// sheet's row and column. Otherwise every unit and its CME office account
/// are written in one transaction (201), each audited, and the answer lists
/// each account's one-time password, shown this once. `dry_run=true`
/// checks the same way and writes nothing (200). At most 4 MiB and 2,000
/// rows.
#[utoipa::path(
    tag = "units",
    security(("bearer" = [])),
    params(UnitImportQuery),
    request_body(
        description = "An XLSX or CSV file made from the template",
        content(
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (inline(crate::dto::FileBytes) = "text/csv")
        )
    ),
    responses(
        (status = 200, description = "A dry run: every row passed", body = UnitImportResult),
        (status = 201, description = "Every unit opened", body = UnitImportResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/import")]
pub async fn import_units(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<UnitImportQuery>,
    upload: Upload,
) -> Result<NoStore<HttpResponse>, ApiError> {
    let actor = caller.require(Operation::ManageUnits)?;
    let cells = file_cells(upload)?;
    let regions = region::list_administered(&state.db, &actor.scope).await?;
    if query.dry_run {
        let units = check_rows(&state.db, actor, &regions, &cells).await?;
        let checked = units.iter().map(NewUnit::checked).collect();
        return Ok(NoStore(HttpResponse::Ok().json(UnitImportResult {
            rows: cells.len(),
            saved: false,
            checked,
            units: Vec::new(),
        })));
    }
    let txn = state.db.begin().await?;
    let units = check_rows(&txn, actor, &regions, &cells).await?;
    let opened = write_units(&txn, actor, &client_ip(&req), &units, AuditAction::UnitImport).await?;
    txn.commit().await?;
    let checked = units.iter().map(NewUnit::checked).collect();
    Ok(NoStore(HttpResponse::Created().json(UnitImportResult {
        rows: cells.len(),
        saved: true,
        checked,
        units: opened,
    })))
}

/// A file's data row: its sheet row number and its cells by field.
struct Cells {
    line: usize,
    cells: HashMap<&'static str, String>,
}

impl Cells {
    fn get(&self, field: &str) -> &str {
        self.cells.get(field).map_or("", |s| s.trim())
    }
}

/// The file's data rows: the header is the first row (of the first ten)
/// naming 单位名称; notes (`#`) and the template's example are left out.
fn file_cells(upload: Upload) -> Result<Vec<Cells>, ApiError> {
    let Upload::Table(records) = upload else {
        return Err(ApiError::UnsupportedMediaType(format!("请上传 XLSX（{XLSX}）或 CSV（text/csv）文件")));
    };
    let records: Vec<Record> =
        records.into_iter().filter(|r| !r.fields.first().is_some_and(|c| c.starts_with('#'))).collect();
    let at = records
        .iter()
        .take(10)
        .position(|r| r.fields.iter().any(|c| header_field(c) == Some("name")))
        .ok_or_else(|| ApiError::field("file", "找不到表头：请使用导入模板，表头须含“单位名称”"))?;
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in records[at].fields.iter().enumerate() {
        if let Some(field) = header_field(h) {
            columns.entry(field).or_insert(i);
        }
    }
    let missing: Vec<&str> =
        COLUMNS.iter().filter(|c| c.required && !columns.contains_key(c.field)).map(|c| c.label).collect();
    if !missing.is_empty() {
        return Err(ApiError::field("file", format!("缺少必填列：{}", missing.join("、"))));
    }
    let data = &records[at + 1..];
    if data.len() > MAX_IMPORT_ROWS {
        return Err(ApiError::field("file", format!("一次最多导入 {MAX_IMPORT_ROWS} 行")));
    }
    let rows: Vec<Cells> = data
        .iter()
        .map(|r| Cells {
            line: r.line,
            cells: columns.iter().map(|(f, i)| (*f, r.fields.get(*i).cloned().unwrap_or_default())).collect(),
        })
        .filter(|c| !(c.get("name") == EXAMPLE[0] && c.get("code") == EXAMPLE[4]))
        .collect();
    if rows.is_empty() {
        return Err(ApiError::field("file", "文件中没有数据行（示例行不计）"));
    }
    Ok(rows)
}

/// The field a header names (a leading `*` and spaces ignored).
fn header_field(text: &str) -> Option<&'static str> {
    let text: String = text.trim().trim_start_matches(['*', '＊']).chars().filter(|c| !c.is_whitespace()).collect();
    COLUMNS.iter().find(|c| c.label == text || c.field == text).map(|c| c.field)
}

fn label_of(field: &str) -> &'static str {
    COLUMNS.iter().find(|c| c.field == field).map_or("", |c| c.label)
}

/// A 单位级别 as people write it.
fn parse_level(text: &str) -> Option<UnitLevel> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match t.as_str() {
        "省级" | "省级机构" | "省直" | "省直单位" => UnitLevel::Provincial,
        "州市级" | "州市" | "州级" | "市级" => UnitLevel::Prefecture,
        "县级" | "县市区级" | "县区级" => UnitLevel::County,
        "乡镇/社区" | "乡镇" | "社区" | "乡镇级" | "基层" | "乡镇卫生院" | "社区卫生服务中心" => {
            UnitLevel::Township
        }
        "村级" | "乡村医生" | "村卫生室" | "村" => UnitLevel::Village,
        other => return UnitLevel::parse(&other.to_ascii_lowercase()),
    })
}

/// 西医 or 中医 (中西医结合 and 民族医 are reviewed as TCM).
fn parse_medicine(text: &str) -> Option<Medicine> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match t.as_str() {
        "西医" => Medicine::Western,
        "中医" | "中西医结合" | "民族医" | "中医（含中西医结合、民族医）" => Medicine::Tcm,
        other => return Medicine::parse(&other.to_ascii_lowercase()),
    })
}

/// Checks every row against the file and what is stored; any failing row
/// fails the whole file (422, every problem named).
async fn check_rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    regions: &[Region],
    rows: &[Cells],
) -> Result<Vec<NewUnit>, ApiError> {
    let mut by_name: HashMap<&str, Vec<&Region>> = HashMap::new();
    for r in regions {
        by_name.entry(r.name.as_str()).or_default().push(r);
    }
    let codes: Vec<String> =
        rows.iter().filter_map(|r| UnitCode::parse(r.get("code")).ok()).map(|c| c.as_str().to_owned()).collect();
    let taken_codes: HashSet<String> = unit::codes_taken(db, &codes).await?.into_iter().collect();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut failed_rows = 0;
    let mut out = Vec::with_capacity(rows.len());
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    let mut seen_names: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let mut row_errors = Vec::new();
        let mut error = |field: &'static str, message: &str| {
            row_errors.push(FieldError {
                field: format!("rows[{i}].{field}"),
                message: format!("第 {} 行「{}」：{message}", row.line, label_of(field)),
            });
        };
        let name = parse_name(row.get("name")).map_err(|m| error("name", m)).ok();
        let level = match row.get("level") {
            "" => {
                error("level", "请填写单位级别");
                None
            }
            t => parse_level(t).or_else(|| {
                error("level", "单位级别须为 省级、州市级、县级、乡镇/社区 或 村级");
                None
            }),
        };
        let medicine = match row.get("medicine") {
            "" => {
                error("medicine", "请填写中西医类别");
                None
            }
            t => parse_medicine(t).or_else(|| {
                error("medicine", "中西医类别须为 西医 或 中医");
                None
            }),
        };
        let region = match row.get("region") {
            "" => {
                error("region", "请填写所属地区");
                None
            }
            t => {
                let found: Vec<&Region> = match by_name.get(t) {
                    Some(named) => named.clone(),
                    None => regions.iter().filter(|r| r.code == t).collect(),
                };
                match found.as_slice() {
                    [one] => Some(*one),
                    [] => {
                        error("region", "查无此地区或不在本辖区");
                        None
                    }
                    _ => {
                        error("region", "地区名称不唯一，请填写 6 位行政区划代码");
                        None
                    }
                }
            }
        };
        if let (Some(level), Some(region)) = (level, region)
            && !unit_fits_region(level, region.level)
        {
            error("region", fit_message(level));
        }
        if let (Some(medicine), Some(region)) = (medicine, region) {
            let object = Object::in_unit(Owner::Region(region.id), medicine);
            if let Err(ApiError::Forbidden(why)) =
                crate::auth::may_act_on(db, actor, Operation::ManageUnits, object).await
            {
                error("medicine", &why);
            }
        }
        let code = match UnitCode::parse(row.get("code")) {
            Err(m) => {
                error("code", m);
                None
            }
            Ok(code) => {
                if taken_codes.contains(code.as_str()) {
                    error("code", "该代码的单位已开通");
                } else if let Some(first) = seen_codes.get(code.as_str()) {
                    error("code", &format!("与本文件第 {first} 行的代码相同"));
                }
                seen_codes.entry(code.as_str().to_owned()).or_insert(row.line);
                Some(code)
            }
        };
        let username = code.as_ref().and_then(|code| {
            let asked = Some(row.get("username")).filter(|u| !u.is_empty());
            username_for(asked, code).map_err(|m| error("username", m)).ok()
        });
        if let Some(u) = &username {
            if let Some(first) = seen_names.get(u) {
                error("username", &format!("与本文件第 {first} 行的登录名相同"));
            }
            seen_names.entry(u.clone()).or_insert(row.line);
        }
        match (name, level, medicine, region, code, username, row_errors.is_empty()) {
            (Some(name), Some(level), Some(medicine), Some(region), Some(code), Some(username), true) => {
                out.push(NewUnit {
                    record: UnitRecord::open(
                        Unit { id: UnitId(Uuid::now_v7()), region_id: region.id, name, level, medicine },
                        code.as_str().to_owned(),
                    ),
                    region_name: region.name.clone(),
                    username,
                    row: row.line,
                });
            }
            _ => {
                failed_rows += 1;
                errors.extend(row_errors);
            }
        }
    }
    // Usernames in use: one query for the whole file.
    let names: Vec<String> = out.iter().map(|u| u.username.clone()).collect();
    let taken: HashSet<String> = account::usernames_taken(db, &names).await?.into_iter().collect();
    if !taken.is_empty() {
        for (i, u) in rows.iter().enumerate() {
            if let Some(n) = out.iter().find(|n| n.row == u.line)
                && taken.contains(&n.username)
            {
                failed_rows += 1;
                errors.push(FieldError {
                    field: format!("rows[{i}].username"),
                    message: format!("第 {} 行「{}」：登录名 {} 已被使用", u.line, label_of("username"), n.username),
                });
            }
        }
    }
    if failed_rows > 0 {
        return Err(ApiError::Invalid { detail: format!("{failed_rows} 行有误，整批未保存"), errors });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_and_medicine_as_people_write_them() {
        assert_eq!(parse_level("村级"), Some(UnitLevel::Village));
        assert_eq!(parse_level(" 乡镇/社区 "), Some(UnitLevel::Township));
        assert_eq!(parse_level("county"), Some(UnitLevel::County));
        assert_eq!(parse_level("部级"), None);
        assert_eq!(parse_medicine("中西医结合"), Some(Medicine::Tcm));
        assert_eq!(parse_medicine("西医"), Some(Medicine::Western));
        assert_eq!(parse_medicine("藏医药"), None);
    }

    #[test]
    fn usernames_default_to_the_code() {
        let code = UnitCode::parse("9144030071526726XG").unwrap_or(UnitCode::Uscc(String::new()));
        assert_eq!(username_for(None, &code), Ok("9144030071526726xg".to_owned()));
        assert_eq!(username_for(Some(" MhCun01 "), &code), Ok("mhcun01".to_owned()));
        assert!(username_for(Some("卫生室"), &code).is_err());
        assert!(username_for(Some("trainee-x"), &code).is_err());
    }

    #[test]
    fn headers_are_read_with_or_without_stars() {
        assert_eq!(header_field("*单位名称"), Some("name"));
        assert_eq!(header_field("*统一社会信用代码或执业许可证登记号"), Some("code"));
        assert_eq!(header_field("其他"), None);
    }
}
