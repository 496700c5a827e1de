//! HR systems over REST (人员同步): people keyed by ID number, one at a time
//! (`/people/upsert`) or up to 1,000 in a batch (`/people/batch`), each
//! created or updated; moving a person between units stays a transfer.
//!
//! A batch reports every row's outcome and writes its valid rows in one
//! transaction, people in multi-row statements; a bad row fails alone,
//! named `rows[i].field`.

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, post, web};
use cme_domain::IdCardNumber;
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::ids::{DepartmentId, PersonId, UnitId};
use cme_domain::org::Department;
use cme_domain::person::{Discipline, Gender, Person, PersonStatus, Title};
use cme_domain::roster::id_number_reason;
use cme_store::Constraint;
use cme_store::StoreError;
use cme_store::repo::{audit, department, person, unit};
use sea_orm::{DatabaseTransaction, TransactionTrait as _};
use serde_json::json;
use uuid::Uuid;
use validator::Validate as _;

use super::keep::{load_detail, may_keep_in, new_title, optional_phone, stale_is_412, with_etag};
use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::clock::today;
use crate::dto::org::PersonDetail;
use crate::dto::people::{
    BatchParams, BatchRequest, BatchResponse, BatchRowResult, PersonLookup, PersonUpsert, UpsertOutcome as Outcome,
    UpsertResponse,
};
use crate::error::{ApiError, ErrorCode, FieldError, Problem};
use crate::etag;
use crate::extract::{ValidJson, field_errors, parse_value};
use crate::printable::NameCheck;

fn err(field: String, message: impl Into<String>) -> FieldError {
    FieldError { field, message: message.into() }
}

/// Looks units and departments up once per request.
pub(crate) struct Resolver<'a> {
    state: &'a AppState,
    actor: &'a Actor,
    /// A unit in the caller's jurisdiction, or `None` for one outside it.
    units: HashMap<UnitId, Option<UnitId>>,
    /// Whether the caller keeps a unit's people ([`may_keep_in`]), once per unit.
    kept: HashMap<UnitId, bool>,
    departments: HashMap<UnitId, Vec<Department>>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(state: &'a AppState, actor: &'a Actor) -> Self {
        Resolver { state, actor, units: HashMap::new(), kept: HashMap::new(), departments: HashMap::new() }
    }

    /// Whether a unit is in the caller's jurisdiction.
    pub(crate) async fn unit_visible(&mut self, id: UnitId) -> Result<bool, ApiError> {
        if let Some(known) = self.units.get(&id) {
            return Ok(known.is_some());
        }
        let visible = match unit::get_scoped(&self.state.db, &self.actor.scope, id).await {
            Ok(u) => Some(u.unit.id),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        self.units.insert(id, visible);
        Ok(visible.is_some())
    }

    /// Whether the caller keeps the people of a unit it sees; a failure other
    /// than the refusal (the database) answers as itself.
    async fn keeps(&mut self, id: UnitId) -> Result<bool, ApiError> {
        if let Some(known) = self.kept.get(&id) {
            return Ok(*known);
        }
        let kept = match may_keep_in(self.state, self.actor, id).await {
            Ok(()) => true,
            Err(ApiError::Forbidden(_)) => false,
            Err(e) => return Err(e),
        };
        self.kept.insert(id, kept);
        Ok(kept)
    }

    /// The unit a row names, or the caller's own.
    async fn unit(&mut self, unit_id: Option<Uuid>, field: String) -> Result<Result<UnitId, FieldError>, ApiError> {
        let id = match (unit_id, self.actor.scope) {
            (Some(id), _) => UnitId(id),
            (None, Scope::Unit(u) | Scope::Department(u, _)) => u,
            (None, _) => return Ok(Err(err(field, "请指定单位"))),
        };
        Ok(if !self.unit_visible(id).await? {
            Err(err(field, "单位不存在或不在本辖区"))
        } else if !self.keeps(id).await? {
            Err(err(field, "只有该单位及其科室可以维护其人员"))
        } else {
            Ok(id)
        })
    }

    pub(crate) async fn departments(&mut self, unit: UnitId) -> Result<&[Department], ApiError> {
        if !self.departments.contains_key(&unit) {
            let list = department::list_by_unit(&self.state.db, unit).await?;
            self.departments.insert(unit, list);
        }
        Ok(self.departments.get(&unit).map_or(&[][..], Vec::as_slice))
    }
}

/// The department a row asks for: left as it is, or set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DepartmentChoice {
    Keep,
    Set(Option<DepartmentId>),
}

/// A row that passed every check that needs no stored person.
struct ValidRow {
    id_number: IdCardNumber,
    name: String,
    gender: Gender,
    unit: UnitId,
    department: DepartmentChoice,
    discipline: Discipline,
    status: Option<PersonStatus>,
    phone: Option<String>,
    title: Option<Title>,
}

/// Checks one row; every failing field is named under `prefix`.
async fn validate_row(
    res: &mut Resolver<'_>,
    row: &PersonUpsert,
    prefix: &str,
) -> Result<Result<ValidRow, Vec<FieldError>>, ApiError> {
    let mut errors = match row.validate() {
        Ok(()) => Vec::new(),
        Err(e) => field_errors(&e, prefix.trim_end_matches('.')),
    };
    let f = |name: &str| format!("{prefix}{name}");
    let id_number = IdCardNumber::parse(&row.id_number, today())
        .map_err(|e| errors.push(err(f("id_number"), id_number_reason(&e))))
        .ok();
    let name =
        NameCheck::new(res.state.fonts.as_ref()).parse(&row.name).map_err(|m| errors.push(err(f("name"), m))).ok();
    let phone = match optional_phone(row.phone.as_deref(), &f("phone")) {
        Ok(p) => p,
        Err(e) => {
            errors.extend(e.problem().errors);
            None
        }
    };
    let title = match row.title.as_ref().map(|t| new_title(t, &f("title."))).transpose() {
        Ok(t) => t,
        Err(e) => {
            errors.extend(e.problem().errors);
            None
        }
    };
    let unit = match res.unit(row.unit_id, f("unit_id")).await? {
        Ok(u) => Some(u),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let department = match unit {
        Some(unit) => department_choice(res, row, unit, prefix, &mut errors).await?,
        None => DepartmentChoice::Keep,
    };
    Ok(match (id_number, name, unit) {
        (Some(id_number), Some(name), Some(unit)) if errors.is_empty() => Ok(ValidRow {
            id_number,
            name,
            gender: row.gender.into(),
            unit,
            department,
            discipline: row.discipline.into(),
            status: row.status.map(Into::into),
            phone,
            title,
        }),
        _ => Err(errors),
    })
}

/// The department a row of `unit` asks for (by id, else by name); a
/// department's account keeps its own. Failing fields are named under
/// `prefix` in `errors`.
async fn department_choice(
    res: &mut Resolver<'_>,
    row: &PersonUpsert,
    unit: UnitId,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Result<DepartmentChoice, ApiError> {
    let f = |name: &str| format!("{prefix}{name}");
    let named = row.department_name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let wanted = match (row.department_id, named) {
        (Some(id), _) => match res.departments(unit).await?.iter().find(|d| d.id.0 == id) {
            Some(d) => Some(d.id),
            None => {
                errors.push(err(f("department_id"), "科室不属于该单位"));
                None
            }
        },
        (None, Some(name)) => match res.departments(unit).await?.iter().find(|d| d.name == name) {
            Some(d) => Some(d.id),
            None => {
                errors.push(err(f("department_name"), "本单位没有该科室"));
                None
            }
        },
        (None, None) => None,
    };
    Ok(match (res.actor.scope, wanted) {
        (Scope::Department(_, own), Some(d)) if d != own => {
            errors.push(err(f("department_id"), "科室账号只能维护本科室人员"));
            DepartmentChoice::Keep
        }
        (Scope::Department(_, own), _) => DepartmentChoice::Set(Some(own)),
        (_, Some(d)) => DepartmentChoice::Set(Some(d)),
        (_, None) => DepartmentChoice::Keep,
    })
}

/// What one row will do.
enum Plan {
    Create(person::NewPerson),
    Update(Update),
    Unchanged(PersonId),
}

struct Update {
    id: PersonId,
    unit: UnitId,
    /// The version read (or the one `If-Match` named).
    version: i32,
    edit: person::PersonEdit,
    changes: serde_json::Map<String, serde_json::Value>,
    status: Option<PersonStatus>,
    title: Option<Title>,
}

impl Plan {
    fn person_id(&self) -> PersonId {
        match self {
            Plan::Create(n) => n.person.id,
            Plan::Update(u) => u.id,
            Plan::Unchanged(id) => *id,
        }
    }

    fn outcome(&self) -> Outcome {
        match self {
            Plan::Create(_) => Outcome::Created,
            Plan::Update(_) => Outcome::Updated,
            Plan::Unchanged(_) => Outcome::Unchanged,
        }
    }
}

/// Decides what a valid row does to the stored person with its ID number.
async fn plan(
    res: &mut Resolver<'_>,
    v: ValidRow,
    existing: Option<&person::PersonRecord>,
    prefix: &str,
) -> Result<Result<Plan, Vec<FieldError>>, ApiError> {
    let f = |name: &str| format!("{prefix}{name}");
    let Some(rec) = existing else {
        return Ok(Ok(Plan::Create(new_person(v))));
    };
    let p = &rec.person;
    let visible = res.unit_visible(p.unit_id).await?
        && match res.actor.scope {
            Scope::Department(_, own) => p.department_id == Some(own),
            _ => true,
        };
    if !visible {
        // It exists; where is not the caller's business.
        return Ok(Err(vec![err(f("id_number"), "该身份证号已登记在其他单位，调入须由原单位发起调动")]));
    }
    if p.unit_id != v.unit {
        return Ok(Err(vec![err(f("unit_id"), "该人员属于本辖区其他单位，变更单位须办理调动")]));
    }
    Ok(update_of(v, rec, prefix))
}

/// The person a valid row creates.
fn new_person(v: ValidRow) -> person::NewPerson {
    let department = match v.department {
        DepartmentChoice::Set(d) => d,
        DepartmentChoice::Keep => None,
    };
    person::NewPerson {
        person: Person {
            id: PersonId::new(),
            unit_id: v.unit,
            department_id: department,
            name: v.name,
            gender: v.gender,
            id_number: v.id_number,
            discipline: v.discipline,
            status: v.status.unwrap_or(PersonStatus::Normal),
            titles: v.title.into_iter().collect(),
        },
        phone: v.phone,
    }
}

/// What a valid row changes in the stored person `rec` of the caller's
/// unit: each change with its audit detail, or nothing.
fn update_of(v: ValidRow, rec: &person::PersonRecord, prefix: &str) -> Result<Plan, Vec<FieldError>> {
    let p = &rec.person;
    let mut edit = person::PersonEdit::default();
    let mut changes = serde_json::Map::new();
    if v.name != p.name {
        changes.insert("name".into(), json!({"from": p.name, "to": v.name}));
        edit.name = Some(v.name);
    }
    if v.gender != p.gender {
        changes.insert("gender".into(), json!({"from": p.gender, "to": v.gender}));
        edit.gender = Some(v.gender);
    }
    if v.discipline != p.discipline {
        changes.insert("discipline".into(), json!({"from": p.discipline, "to": v.discipline}));
        edit.discipline = Some(v.discipline);
    }
    if let DepartmentChoice::Set(d) = v.department
        && d != p.department_id
    {
        changes.insert("department_id".into(), json!({"from": p.department_id, "to": d}));
        edit.department_id = Some(d);
    }
    if let Some(phone) = v.phone
        && Some(&phone) != rec.phone.as_ref()
    {
        changes.insert("phone".into(), json!("changed"));
        edit.phone = Some(Some(phone));
    }
    let status = v.status.filter(|s| *s != p.status);
    if let Some(s) = status {
        changes.insert("status".into(), json!({"from": p.status, "to": s}));
    }
    let title = match v.title {
        Some(t) => match p.titles.iter().find(|held| held.obtained_on == t.obtained_on) {
            Some(held) if held.name == t.name && held.level == t.level => None,
            Some(_) => return Err(vec![err(format!("{prefix}title.obtained_on"), "该人员在这一天已有另一职称记录")]),
            None => {
                changes.insert("title".into(), json!({"name": t.name, "level": t.level, "obtained_on": t.obtained_on}));
                Some(t)
            }
        },
        None => None,
    };
    if changes.is_empty() {
        return Ok(Plan::Unchanged(p.id));
    }
    Ok(Plan::Update(Update { id: p.id, unit: p.unit_id, version: rec.row_version, edit, changes, status, title }))
}

/// Writes the plans in one transaction, each change with its audit entry.
async fn execute(state: &AppState, req: &HttpRequest, actor: &Actor, plans: &[&Plan]) -> Result<(), ApiError> {
    let (creates, entries) = creates_and_entries(actor, &client_ip(req), plans);
    if entries.is_empty() {
        return Ok(());
    }
    let txn = state.db.begin().await?;
    match person::create_many(&txn, &state.pii, &creates).await {
        // Someone stored one of these numbers since the check.
        Err(e) if e.constraint() == Some(Constraint::PeopleIdNumber) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::ConcurrentChange,
                detail: "其间有人登记了其中的身份证号，请重试".to_owned(),
            });
        }
        other => other?,
    };
    for plan in plans {
        let Plan::Update(u) = plan else { continue };
        apply_update(&txn, state, actor, u).await?;
    }
    audit::append_many(&txn, &entries).await?;
    txn.commit().await?;
    Ok(())
}

/// The people the plans create, and the audit entry of every create and
/// update.
fn creates_and_entries(actor: &Actor, ip: &str, plans: &[&Plan]) -> (Vec<person::NewPerson>, Vec<audit::AuditEntry>) {
    let mut creates = Vec::new();
    let mut entries = Vec::new();
    for plan in plans {
        match plan {
            Plan::Create(n) => {
                let p = &n.person;
                entries.push(
                    audit::AuditEntry::by(actor, AuditAction::PersonUpsertCreate)
                        .ip(Some(ip))
                        .target(AuditTarget::Person, p.id.0)
                        .place(None, Some(p.unit_id))
                        .detail(json!({"name": p.name, "department_id": p.department_id, "status": p.status,
                                       "titles": p.titles.len(), "source": "hr_api"})),
                );
                creates.push(n.clone());
            }
            Plan::Update(u) => entries.push(
                audit::AuditEntry::by(actor, AuditAction::PersonUpsertUpdate)
                    .ip(Some(ip))
                    .target(AuditTarget::Person, u.id.0)
                    .place(None, Some(u.unit))
                    .detail(json!({"changes": u.changes, "source": "hr_api"})),
            ),
            Plan::Unchanged(_) => {}
        }
    }
    (creates, entries)
}

/// Writes one update: the edit, the status change, the title, the row
/// version checked by the first of them.
async fn apply_update(txn: &DatabaseTransaction, state: &AppState, actor: &Actor, u: &Update) -> Result<(), ApiError> {
    let mut guard = Some(u.version);
    if !u.edit.is_empty() {
        person::edit(txn, &state.pii, u.id, guard, &u.edit).await.map_err(stale_is_412)?;
        guard = None;
    }
    if let Some(to) = u.status {
        let change = person::StatusChangeRequest {
            to,
            reason: Some("人事系统同步".to_owned()),
            effective_on: Some(today()),
            changed_by: actor.name.clone(),
        };
        person::change_status_versioned(txn, u.id, guard, &change).await.map_err(stale_is_412)?;
        guard = None;
    }
    if let Some(t) = &u.title {
        person::add_title_versioned(txn, u.id, guard, t).await.map_err(stale_is_412)?;
    }
    Ok(())
}

/// Create or update one person keyed by ID number (人事系统同步). A person
/// of another unit is 409 (moving is a transfer); for an existing person an
/// optional `If-Match` is honoured (412 when stale; any `If-Match` for a
/// person that does not exist yet is 412 too). 201 when created, 200 when
/// updated or unchanged, with the person's `ETag`.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(("If-Match" = Option<String>, Header, description = "Optional: the person's ETag")),
    request_body = PersonUpsert,
    responses(
        (status = 200, body = UpsertResponse, headers(("ETag" = String))),
        (status = 201, body = UpsertResponse, headers(("ETag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/upsert")]
pub async fn upsert_person(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<PersonUpsert>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let mut res = Resolver::new(&state, actor);
    let v = match validate_row(&mut res, &body.0, "").await? {
        Ok(v) => v,
        Err(errors) => return Err(invalid(errors)),
    };
    let existing = person::find_many_by_id_number(&state.db, &state.pii, &[&v.id_number]).await?;
    let rec = existing.get(v.id_number.as_str());
    let has_if_match = req.headers().contains_key(actix_web::http::header::IF_MATCH);
    let version = match rec {
        Some(r) => Some(etag::check_if_match(&req, r.person.id, r.row_version, false)?),
        None if has_if_match => return Err(ApiError::PreconditionFailed),
        None => None,
    };
    let mut plan = match plan(&mut res, v, rec, "").await? {
        Ok(p) => p,
        Err(errors) if errors.iter().any(|e| e.field == "id_number") => {
            return Err(ApiError::Duplicate {
                field: "id_number".to_owned(),
                detail: errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "),
            });
        }
        Err(errors) => return Err(invalid(errors)),
    };
    if let (Plan::Update(u), Some(v)) = (&mut plan, version) {
        u.version = v;
    }
    execute(&state, &req, actor, &[&plan]).await?;
    let id = plan.person_id();
    let (detail, version) = load_detail(&state, &actor.scope, id).await?;
    let outcome = plan.outcome();
    let status = if outcome == Outcome::Created { HttpResponse::Created() } else { HttpResponse::Ok() };
    let mut res = status;
    Ok(res.insert_header(etag::header(id, version)).json(UpsertResponse { outcome, person: detail }))
}

/// Find a person of the caller's jurisdiction by ID number (人事系统查询),
/// writing nothing: the person with its `ETag`, to send back as `If-Match`
/// with an upsert or a `PATCH /people/{id}`. A number unknown, or of a
/// person outside the jurisdiction, is 404 alike (whether someone exists
/// elsewhere is not the caller's to learn). The number travels in the
/// body so that it never reaches a URL or an access log.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    request_body = PersonLookup,
    responses(
        (status = 200, body = PersonDetail, headers(("ETag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/lookup")]
pub async fn lookup_person(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidJson<PersonLookup>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let number = IdCardNumber::parse(&body.0.id_number, today())
        .map_err(|e| ApiError::field("id_number", id_number_reason(&e)))?;
    let found = person::find_many_by_id_number(&state.db, &state.pii, &[&number]).await?;
    let not_found = || ApiError::NotFound("辖区内没有该身份证号的人员".to_owned());
    let id = found.get(number.as_str()).map(|r| r.person.id).ok_or_else(not_found)?;
    let (detail, version) = load_detail(&state, &actor.scope, id).await.map_err(|e| match e {
        ApiError::NotFound(_) => not_found(),
        other => other,
    })?;
    Ok(with_etag(HttpResponse::Ok(), id, version, &detail))
}

fn invalid(errors: Vec<FieldError>) -> ApiError {
    let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
    ApiError::Invalid { detail, errors }
}

/// The most rows a batch takes.
pub const MAX_BATCH: usize = 1000;

/// Create or update up to 1,000 people keyed by ID number (批量同步).
/// Every row's outcome is reported (`created`, `updated`, `unchanged` or
/// `failed` with its fields named `rows[i].field`); the valid rows are
/// written in one transaction. With `atomic=true` one failing row fails
/// the batch: 422 naming every failing row's fields, nothing written. More
/// than 1,000 rows is 422 naming `rows`. Rows take no `If-Match`: each is
/// keyed by its ID number and the last writer wins (use `/people/lookup`
/// and `/people/upsert` with `If-Match` to guard one person).
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(BatchParams),
    request_body = BatchRequest,
    responses(
        (status = 200, body = BatchResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/batch")]
pub async fn batch_people(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    params: web::Query<BatchParams>,
    body: ValidJson<BatchRequest>,
) -> Result<web::Json<BatchResponse>, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let rows = body.0.rows;
    if rows.len() > MAX_BATCH {
        return Err(ApiError::field("rows", format!("每批最多 {MAX_BATCH} 行")));
    }
    let mut res = Resolver::new(&state, actor);
    let checked = check_rows(&mut res, rows).await?;
    let planned = plan_rows(&state, &mut res, checked).await?;
    if params.atomic {
        refuse_any_failed(&planned)?;
    }
    let to_write: Vec<&Plan> = planned.iter().filter_map(|p| p.as_ref().ok()).collect();
    match execute(&state, &req, actor, &to_write).await {
        // A batch names no version: someone changed one of its people meanwhile.
        Err(ApiError::PreconditionFailed) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::ConcurrentChange,
                detail: "其间有人修改了其中的人员，请重试".to_owned(),
            });
        }
        other => other?,
    }
    Ok(web::Json(batch_response(planned)))
}

/// A row of a batch, checked, or why not.
type Checked = Result<ValidRow, Vec<FieldError>>;

/// A row of a batch, planned, or why not.
type Planned = Result<Plan, Vec<FieldError>>;

/// Parses and validates every row (field errors named `rows[i].field`),
/// then fails the rows that repeat an ID number.
async fn check_rows(res: &mut Resolver<'_>, rows: Vec<serde_json::Value>) -> Result<Vec<Checked>, ApiError> {
    let mut checked: Vec<Checked> = Vec::with_capacity(rows.len());
    for (i, value) in rows.into_iter().enumerate() {
        let prefix = format!("rows[{i}]");
        let row = match parse_value::<PersonUpsert>(value, &prefix) {
            Ok(row) => row,
            Err(errors) => {
                checked.push(Err(errors));
                continue;
            }
        };
        checked.push(validate_row(res, &row, &format!("{prefix}.")).await?);
    }
    fail_duplicates(&mut checked);
    Ok(checked)
}

/// The same number twice in one batch: both rows fail, naming each other.
fn fail_duplicates(checked: &mut [Checked]) {
    let ids = checked.iter().enumerate().filter_map(|(i, r)| r.as_ref().ok().map(|v| (i, &v.id_number)));
    let pairs = cme_domain::roster::duplicates(ids);
    let mut dup_errors: HashMap<usize, Vec<FieldError>> = HashMap::new();
    for (first, later) in pairs {
        for (row, other) in [(first, later), (later, first)] {
            dup_errors
                .entry(row)
                .or_default()
                .push(err(format!("rows[{row}].id_number"), format!("与 rows[{other}] 的身份证号重复")));
        }
    }
    for (i, errors) in dup_errors {
        checked[i] = Err(errors);
    }
}

/// Plans each valid row against the person stored under its ID number.
async fn plan_rows(state: &AppState, res: &mut Resolver<'_>, checked: Vec<Checked>) -> Result<Vec<Planned>, ApiError> {
    let numbers: Vec<&IdCardNumber> = checked.iter().filter_map(|r| r.as_ref().ok().map(|v| &v.id_number)).collect();
    let existing = person::find_many_by_id_number(&state.db, &state.pii, &numbers).await?;
    let mut planned: Vec<Planned> = Vec::with_capacity(checked.len());
    for (i, row) in checked.into_iter().enumerate() {
        planned.push(match row {
            Ok(v) => {
                let rec = existing.get(v.id_number.as_str());
                plan(res, v, rec, &format!("rows[{i}].")).await?
            }
            Err(e) => Err(e),
        });
    }
    Ok(planned)
}

/// An atomic batch with a failing row: 422 naming every failing row's fields.
fn refuse_any_failed(planned: &[Planned]) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = planned.iter().filter_map(|p| p.as_ref().err()).flatten().cloned().collect();
    if !errors.is_empty() {
        let failed = planned.iter().filter(|p| p.is_err()).count();
        return Err(ApiError::Invalid { detail: format!("{failed} 行有误，整批未写入"), errors });
    }
    Ok(())
}

/// Every row's outcome, and the counts of each.
fn batch_response(planned: Vec<Planned>) -> BatchResponse {
    let mut response =
        BatchResponse { rows: planned.len(), created: 0, updated: 0, unchanged: 0, failed: 0, results: Vec::new() };
    for (index, p) in planned.into_iter().enumerate() {
        let result = match p {
            Ok(plan) => BatchRowResult {
                index,
                outcome: plan.outcome(),
                person_id: Some(plan.person_id().0),
                errors: Vec::new(),
            },
            Err(errors) => BatchRowResult { index, outcome: Outcome::Failed, person_id: None, errors },
        };
        match result.outcome {
            Outcome::Created => response.created += 1,
            Outcome::Updated => response.updated += 1,
            Outcome::Unchanged => response.unchanged += 1,
            Outcome::Failed => response.failed += 1,
        }
        response.results.push(result);
    }
    response
}
