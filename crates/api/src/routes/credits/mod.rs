//! Paper-credit entry (向导录入; by the pile in [`batch`]), department reports (科室学分上报) and the
//! unit's decisions, reversals (冲销); a person-year's credit detail
//! ([`person_year`]) and its registration form ([`forms`]).

pub mod batch;
mod entry;
pub mod forms;
pub mod person_year;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Object, Operation, Owner, Scope};
use cme_domain::credit::CreditState;
use cme_domain::ids::{CreditId, DepartmentId, PersonId};
use cme_store::repo::credit::CreditEntry;
use cme_store::repo::{audit, credit, credit_report, person};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use self::entry::{check_entry, entered, paper_credit, refuse_duplicate_certificate};
use crate::AppState;
use crate::auth::{Caller, client_ip, may_act_on};
use crate::dto::credits::{
    CreditDto, CreditEntryRequest, CreditItem, DecisionsRequest, DraftQuery, NewReportRequest, ReportDetail, ReportDto,
    ReportPage, ReportQuery, ReverseRequest,
};
use crate::error::{ApiError, ErrorCode, MissingAs, Problem};
use crate::extract::ValidJson;
use crate::paging::Paging;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(enter_credit)
        .service(batch::enter_batch)
        .service(batch::batch_template)
        .service(batch::read_batch_file)
        .service(batch::import_batch)
        .service(reverse_credit)
        .service(list_drafts)
        .service(submit_report)
        .service(list_reports)
        .service(get_report)
        .service(decide_report)
        .service(person_year::person_compliance)
        .service(person_year::my_compliance)
        .service(person_year::my_years)
        .service(forms::registration_form)
        .service(forms::my_registration_form);
}

/// Enter a paper certificate for a person (向导录入).
///
/// By the unit's CME office the record is valid at once; by a department it
/// is a draft (科室草稿) until the department reports it and the unit approves
/// it. The certificate's number is kept: the same certificate cannot be
/// entered twice for the person while an earlier entry of it is live
/// (409 `duplicate_certificate`). A submitted person-year is locked (409
/// `person_year_locked`).
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CreditEntryRequest,
    responses(
        (status = 201, body = CreditDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/people/{id}/credits")]
pub async fn enter_credit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<CreditEntryRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::EnterCredits)?;
    let body = body.0;
    let (category, certificate_no) = check_entry(&body)?;
    let txn = state.db.begin().await?;
    let p = person::get_scoped(&txn, &state.pii, &actor.scope, PersonId(id.into_inner())).await?;
    let owner = Owner::of_person(p.unit_id, p.department_id);
    may_act_on(&txn, actor, Operation::EnterCredits, Object::owned_by(owner)).await?;
    refuse_duplicate_certificate(&txn, p.id, &certificate_no).await?;
    let new = paper_credit(actor, p.id, body, category, certificate_no);
    // The same live certificate twice is 409 duplicate_certificate (the
    // constraint catalogue's answer).
    credit::record(&txn, &new).await?;
    audit::append(&txn, &entered(actor, &client_ip(&req), &new.record, p.unit_id)).await?;
    let record = new.record;
    let entry = credit::get_entry(&txn, record.id).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(CreditDto::from(&entry)))
}

/// Reverse a wrong record (冲销): the record is kept as `reversed`, and a
/// new `reversal` entry names it and carries the reason; both show in the
/// history and neither counts. A corrected record is then entered anew.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReverseRequest,
    responses(
        (status = 200, description = "The reversal entry", body = CreditDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credits/{id}/reverse")]
pub async fn reverse_credit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ReverseRequest>,
) -> Result<web::Json<CreditDto>, ApiError> {
    let actor = caller.require(Operation::ReviewCredits)?;
    let txn = state.db.begin().await?;
    let original = credit::get(&txn, CreditId(id.into_inner())).await?;
    // Outside the jurisdiction the record does not exist.
    let p = person::get_scoped(&txn, &state.pii, &actor.scope, original.person_id).await?;
    let owner = Owner::of_person(p.unit_id, p.department_id);
    may_act_on(&txn, actor, Operation::ReviewCredits, Object::owned_by(owner)).await?;
    if !matches!(original.state, CreditState::Valid | CreditState::Draft) {
        return Err(ApiError::Conflict {
            code: ErrorCode::InvalidState,
            detail: format!("状态为“{}”的记录不能冲销", original.state.label()),
        });
    }
    let reversal = credit::reverse(&txn, original.id, body.0.reason.trim(), &actor.name, Utc::now()).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::CreditReverse)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Credit, original.id.0)
        .place(None, Some(p.unit_id))
        .detail(
            json!({"reversal_id": reversal.id.0, "reason": body.0.reason, "person_id": p.id.0, "year": original.year}),
        );
    audit::append(&txn, &e).await?;
    let entry = credit::get_entry(&txn, reversal.id).await?;
    txn.commit().await?;
    Ok(web::Json(CreditDto::from(&entry)))
}

/// The department whose drafts or reports a caller works on.
fn department_of(actor: &Actor, asked: Option<Uuid>) -> Result<DepartmentId, ApiError> {
    match (actor.scope, asked) {
        (Scope::Department(_, d), None) => Ok(d),
        (Scope::Department(_, d), Some(a)) if a == d.0 => Ok(d),
        (Scope::Department(..), Some(_)) => Err(ApiError::NotFound("科室不存在".to_owned())),
        (_, Some(a)) => Ok(DepartmentId(a)),
        (_, None) => Err(ApiError::field("department_id", "请选择科室")),
    }
}

async fn items(state: &AppState, entries: Vec<CreditEntry>) -> Result<Vec<CreditItem>, ApiError> {
    let names = person::names(&state.db, entries.iter().map(|e| e.record.person_id)).await?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let (person_name, id_number_masked) = names.get(&e.record.person_id).cloned().unwrap_or_default();
            CreditItem { credit: CreditDto::from(&e), person_name, id_number_masked }
        })
        .collect())
}

/// A department's drafts: typed-in paper credits not yet reported.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(DraftQuery),
    responses(
        (status = 200, body = Vec<CreditItem>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A unit names no department (`department_id`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/credit-drafts")]
pub async fn list_drafts(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<DraftQuery>,
) -> Result<web::Json<Vec<CreditItem>>, ApiError> {
    let actor = caller.require(Operation::EnterCredits)?;
    let department = department_of(actor, query.department_id)?;
    cme_store::repo::department::get_scoped(&state.db, &actor.scope, department).await?;
    let drafts = credit::drafts_of_department(&state.db, department).await?;
    Ok(web::Json(items(&state, drafts).await?))
}

/// Report a batch of the department's drafts to the unit (科室学分上报).
///
/// Every record named must be a draft of the caller's department in an
/// open person-year, or nothing is reported.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    request_body = NewReportRequest,
    responses(
        (status = 201, body = ReportDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credit-reports")]
pub async fn submit_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<NewReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::EnterCredits)?;
    let Scope::Department(unit, department) = actor.scope else {
        return Err(ApiError::Forbidden("只有科室可以上报学分".to_owned()));
    };
    let mut ids: Vec<CreditId> = body.0.credit_ids.iter().copied().map(CreditId).collect();
    ids.sort_by_key(|c| c.0);
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(ApiError::field("credit_ids", "有重复的记录"));
    }
    let txn = state.db.begin().await?;
    for (i, id) in body.0.credit_ids.iter().enumerate() {
        let entry = credit::get_entry(&txn, CreditId(*id))
            .await
            .missing_as(|| ApiError::field(format!("credit_ids[{i}]"), "记录不存在"))?;
        if entry.department_id != Some(department) || entry.record.state != CreditState::Draft {
            return Err(ApiError::field(format!("credit_ids[{i}]"), "只能上报本科室的草稿记录"));
        }
    }
    let report = credit_report::submit(
        &txn,
        unit,
        department,
        &ids,
        body.0.note.as_deref().filter(|n| !n.is_empty()),
        &actor.name,
    )
    .await?;
    let e = audit::AuditEntry::by(actor, AuditAction::CreditReportSubmit)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::CreditReport, report.id)
        .detail(json!({"credits": body.0.credit_ids.len()}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(ReportDto::from(report)))
}

/// Department reports in the caller's jurisdiction, newest first: the
/// unit's approval queue (`state=open`), a department's own reports.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, body = ReportPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/credit-reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReportQuery>,
    paging: Paging,
) -> Result<web::Json<ReportPage>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let open = match query.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(other) => return Err(ApiError::field("state", format!("未知的取值: {other}"))),
    };
    let Paging { after, limit } = paging;
    let page = credit_report::list(&state.db, &actor.scope, open, after, limit).await?;
    Ok(web::Json(ReportPage {
        next_cursor: page.next.map(|id| id.to_string()),
        items: page.items.into_iter().map(ReportDto::from).collect(),
    }))
}

/// One report with its records and each person (ID masked).
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ReportDetail), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/credit-reports/{id}")]
pub async fn get_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<ReportDetail>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let report = credit_report::get_scoped(&state.db, &actor.scope, id.into_inner()).await?;
    let entries = credit::entries_of_report(&state.db, report.id).await?;
    Ok(web::Json(ReportDetail { report: ReportDto::from(report), items: items(&state, entries).await? }))
}

/// The unit approves or rejects reported records (审核通过/不通过), one or
/// many at a time; a rejection needs a reason. Only approved records count.
/// All decisions of a request apply together or not at all.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionsRequest,
    responses(
        (status = 200, body = ReportDetail),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credit-reports/{id}/decisions")]
pub async fn decide_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<DecisionsRequest>,
) -> Result<web::Json<ReportDetail>, ApiError> {
    let actor = caller.require(Operation::ReviewCredits)?;
    let mut decisions = Vec::with_capacity(body.0.decisions.len());
    for (i, d) in body.0.decisions.iter().enumerate() {
        let reason = d.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        if !d.approve && reason.is_none() {
            return Err(ApiError::field(format!("decisions[{i}].reason"), "审核不通过须填写原因"));
        }
        decisions.push(credit_report::Decision { credit_id: CreditId(d.credit_id), approve: d.approve, reason });
    }
    let txn = state.db.begin().await?;
    let report = credit_report::get_scoped(&txn, &actor.scope, id.into_inner()).await?;
    // The department's report goes to its unit for review.
    let owner = Owner::Department(report.unit_id, report.department_id);
    may_act_on(&txn, actor, Operation::ReviewCredits, Object::owned_by(owner)).await?;
    for (i, d) in decisions.iter().enumerate() {
        let entry = credit::get_entry(&txn, d.credit_id)
            .await
            .missing_as(|| ApiError::field(format!("decisions[{i}].credit_id"), "记录不存在"))?;
        if entry.report_id != Some(report.id) {
            return Err(ApiError::field(format!("decisions[{i}].credit_id"), "该记录不属于此次上报"));
        }
        if entry.record.state != CreditState::Pending {
            return Err(ApiError::Conflict {
                code: ErrorCode::AlreadyDecided,
                detail: format!("记录“{}”已审核（{}）", entry.record.activity_name, entry.record.state.label()),
            });
        }
    }
    credit_report::decide(&txn, report.id, &decisions, &actor.name).await?;
    let approved = decisions.iter().filter(|d| d.approve).count();
    let e = audit::AuditEntry::by(actor, AuditAction::CreditReportDecide)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::CreditReport, report.id)
        .place(None, Some(report.unit_id))
        .detail(json!({
            "approved": approved,
            "rejected": decisions.len() - approved,
            "decisions": decisions.iter().map(|d| json!({"credit_id": d.credit_id.0, "approve": d.approve, "reason": d.reason})).collect::<Vec<_>>(),
        }));
    audit::append(&txn, &e).await?;
    let report = credit_report::get_scoped(&txn, &actor.scope, report.id).await?;
    txn.commit().await?;
    let entries = credit::entries_of_report(&state.db, report.id).await?;
    Ok(web::Json(ReportDetail { report: ReportDto::from(report), items: items(&state, entries).await? }))
}
