//! Title corrections (职称信息更正, SPEC §7): a person (or his unit) asks,
//! with documents, that a certificate's title be corrected to the title
//! actually held; the unit and each office above approve; the province
//! decides. The engine says beforehand whether the year meets the new
//! title's standard, and a request that would not is refused. On approval
//! the certificate is reissued with the same number as a new version.

use actix_web::{HttpRequest, get, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Object, Operation, Owner, Scope};
use cme_domain::compliance::Outcome as DomainOutcome;
use cme_domain::ids::PersonId;
use cme_domain::person::TitleLevel as DomainLevel;
use cme_domain::review::Tier as DomainTier;
use cme_domain::title_correction::CorrectionEvent as DomainEvent;
use cme_domain::title_correction::CorrectionState;
use cme_store::repo::compliance as stored;
use cme_store::repo::title_correction::{self as corrections, Correction, CorrectionScope, NewCorrection};
use cme_store::repo::verification::Acting;
use cme_store::repo::{audit, evidence};
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip, may_act_on};
use crate::dto::certificate::{
    CorrectionDecision, CorrectionDto, CorrectionEvent, CorrectionListQuery, CorrectionPreviewDto,
    CorrectionPreviewQuery, CorrectionRequest,
};
use crate::error::{ApiError, MissingAs, Problem};
use crate::extract::ValidJson;
use crate::office::{office_region, office_scope, tier_of};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(preview)
        .service(request_correction)
        .service(list_corrections)
        .service(get_correction)
        .service(decide_correction);
}

/// The person a request is about: a trainee himself; a unit one of its
/// own staff (by `person_id`).
async fn subject(state: &AppState, actor: &Actor, person_id: Option<Uuid>) -> Result<PersonId, ApiError> {
    match actor.scope {
        Scope::Person(_, p) => {
            if person_id.is_some_and(|x| x != p.0) {
                return Err(ApiError::Forbidden("学员只能为本人申请".into()));
            }
            Ok(p)
        }
        Scope::Unit(u) => {
            let id = person_id.ok_or_else(|| ApiError::field("person_id", "请选择人员"))?;
            let p = cme_store::repo::person::get(&state.db, &state.pii, PersonId(id))
                .await
                .missing_as(|| ApiError::field("person_id", "人员不存在"))?;
            if p.unit_id != u {
                return Err(ApiError::field("person_id", "人员不属于本单位"));
            }
            Ok(PersonId(id))
        }
        _ => Err(ApiError::Forbidden("职称更正由本人或其单位申请".into())),
    }
}

fn level_of(name: &str, given: Option<crate::dto::TitleLevel>) -> Result<DomainLevel, ApiError> {
    cme_domain::titles::level_of(name.trim(), given.map(Into::into), false)
        .map_err(|e| ApiError::field("new_level", e.to_string()))
}

/// What the engine says of the year under the new title, before anyone
/// applies or approves: the verdict, whether a correction is allowed and
/// what would be missing.
#[utoipa::path(
    tag = "title-correction",
    security(("bearer" = [])),
    params(CorrectionPreviewQuery),
    responses(
        (status = 200, body = CorrectionPreviewDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/title-corrections/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CorrectionPreviewQuery>,
) -> Result<web::Json<CorrectionPreviewDto>, ApiError> {
    let actor = &caller.0;
    let person = if actor.may(Operation::RequestTitleCorrection) {
        subject(&state, actor, query.person_id).await?
    } else {
        return Err(ApiError::Forbidden("无权申请职称更正".into()));
    };
    let level = level_of(&query.new_title, query.new_level)?;
    let v = stored::verdict_with_title(&state.db, person, query.year, level).await?;
    Ok(web::Json(CorrectionPreviewDto {
        year: query.year,
        new_level: level.into(),
        outcome: v.outcome.into(),
        allowed: v.outcome == DomainOutcome::Compliant,
        shortfalls: v.shortfalls.iter().map(|s| s.message(None)).collect(),
    }))
}

/// Files a title correction with its documents (uploaded with
/// `POST /evidence`). Refused when the year has no valid certificate, when
/// a request of the year is already open, and when the year would not
/// meet the new title's standard (the refusal says what is missing).
#[utoipa::path(
    tag = "title-correction",
    security(("bearer" = [])),
    request_body = CorrectionRequest,
    responses(
        (status = 200, body = CorrectionDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/title-corrections")]
pub async fn request_correction(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<CorrectionRequest>,
) -> Result<web::Json<CorrectionDto>, ApiError> {
    let actor = caller.require(Operation::RequestTitleCorrection)?;
    let b = body.0;
    let person = subject(&state, actor, b.person_id).await?;
    let level = level_of(&b.new_title, b.new_level)?;
    let unit = match actor.scope {
        Scope::Person(u, _) | Scope::Unit(u) => u,
        _ => return Err(ApiError::Forbidden("职称更正由本人或其单位申请".into())),
    };
    // The worker's own request, or his unit's for him.
    may_act_on(&state.db, actor, Operation::RequestTitleCorrection, Object::owned_by(Owner::Person(unit, person)))
        .await?;
    for (i, e) in b.evidence_ids.iter().enumerate() {
        let file = evidence::get(&state.db, *e)
            .await
            .missing_as(|| ApiError::field(format!("evidence_ids[{i}]"), "文件不存在"))?;
        if file.unit_id != unit {
            return Err(ApiError::field(format!("evidence_ids[{i}]"), "文件不属于本单位"));
        }
    }
    let tier = tier_of(actor).unwrap_or(DomainTier::Trainee);
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let new = NewCorrection {
        person_id: person,
        year: b.year,
        new_title: b.new_title.trim().to_owned(),
        new_level: level,
        obtained_on: b.obtained_on,
        reason: b.reason.trim().to_owned(),
        evidence: b.evidence_ids.clone(),
    };
    let c = corrections::request(&state.db, &new, &by).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::TitleCorrectionRequest)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::TitleCorrection, c.id)
        .place(None, Some(c.unit_id))
        .detail(json!({"person": person.0, "year": b.year, "old_title": c.old_title, "new_title": c.new_title}));
    audit::append(&state.db, &e).await?;
    Ok(web::Json(CorrectionDto::from(&c)))
}

/// Whose requests the caller sees.
async fn scope_of(state: &AppState, actor: &Actor) -> Result<CorrectionScope, ApiError> {
    if let Scope::Person(_, p) = actor.scope {
        return Ok(CorrectionScope::Person(p));
    }
    Ok(office_scope(state, actor).await?.into())
}

fn in_scope(scope: CorrectionScope, c: &Correction) -> bool {
    match scope {
        CorrectionScope::Person(p) => c.person_id == p,
        CorrectionScope::Unit(u) => c.unit_id == u,
        CorrectionScope::County(r) => c.county_id == Some(r),
        CorrectionScope::Prefecture(r) => c.prefecture_id == Some(r),
        CorrectionScope::Province => true,
    }
}

/// Title corrections in the caller's place (a trainee his own); with
/// `waiting=true`, those waiting on the caller's tier.
#[utoipa::path(
    tag = "title-correction",
    security(("bearer" = [])),
    params(CorrectionListQuery),
    responses(
        (status = 200, body = Vec<CorrectionDto>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/title-corrections")]
pub async fn list_corrections(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CorrectionListQuery>,
) -> Result<web::Json<Vec<CorrectionDto>>, ApiError> {
    let actor = &caller.0;
    if !(actor.may(Operation::ReviewTitleCorrections) || actor.may(Operation::RequestTitleCorrection)) {
        return Err(ApiError::Forbidden("无权查看职称更正".into()));
    }
    let scope = scope_of(&state, actor).await?;
    let waiting = if query.waiting.unwrap_or(false) { Some(tier_of(actor)?) } else { None };
    let rows = corrections::list(&state.db, scope, waiting).await?;
    Ok(web::Json(rows.iter().map(CorrectionDto::from).collect()))
}

/// One request with its chain, documents and log.
#[utoipa::path(
    tag = "title-correction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The request")),
    responses(
        (status = 200, body = CorrectionDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/title-corrections/{id}")]
pub async fn get_correction(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<CorrectionDto>, ApiError> {
    let actor = &caller.0;
    if !(actor.may(Operation::ReviewTitleCorrections) || actor.may(Operation::RequestTitleCorrection)) {
        return Err(ApiError::Forbidden("无权查看职称更正".into()));
    }
    let c = corrections::get(&state.db, id.into_inner()).await?;
    let scope = scope_of(&state, actor).await?;
    if !in_scope(scope, &c) {
        return Err(ApiError::NotFound("申请不存在".into()));
    }
    Ok(web::Json(CorrectionDto::from(&c)))
}

/// Approves (passes upward; the province's approval decides) or rejects,
/// with a reason, the request waiting on the caller's tier, as seen
/// (`row_version`). The province's approval re-checks the standard, records
/// the title, recomputes the year and reissues the certificate with the
/// same number as a new version; the old one then reads as superseded.
#[utoipa::path(
    tag = "title-correction",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The request")),
    request_body = CorrectionDecision,
    responses(
        (status = 200, body = CorrectionDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/title-corrections/{id}/decision")]
pub async fn decide_correction(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<CorrectionDecision>,
) -> Result<web::Json<CorrectionDto>, ApiError> {
    let actor = caller.require(Operation::ReviewTitleCorrections)?;
    let tier = tier_of(actor)?;
    let c = corrections::get(&state.db, id.into_inner()).await?;
    let scope = scope_of(&state, actor).await?;
    if !in_scope(scope, &c) {
        return Err(ApiError::NotFound("申请不存在".into()));
    }
    let event: DomainEvent = body.0.decision.into();
    if body.0.decision == CorrectionEvent::Request {
        return Err(ApiError::field("decision", "请选择 approve 或 reject"));
    }
    if event == DomainEvent::Reject && body.0.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(ApiError::field("reason", "驳回须说明原因"));
    }
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let decided =
        corrections::decide(&state.db, c.id, body.0.row_version, event, &by, body.0.reason.as_deref()).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::TitleCorrectionDecide)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::TitleCorrection, c.id)
        .place(c.county_id.or(c.prefecture_id), Some(c.unit_id))
        .detail(json!({
            "decision": event.as_str(), "reason": body.0.reason, "state": decided.state.as_str(),
            "new_certificate": decided.new_certificate_id,
        }));
    audit::append(&state.db, &e).await?;
    if decided.state != CorrectionState::InReview {
        let office = match office_region(&state, actor).await? {
            Some(r) if tier != DomainTier::ProvinceWestern && tier != DomainTier::ProvinceTcm => {
                format!("{}继教委办公室", r.name)
            }
            _ => tier.label().to_owned(),
        };
        let approved = decided.state == CorrectionState::Approved;
        let r = cme_domain::notification::title_correction_decided(
            &decided.person_name,
            &decided.new_title,
            approved,
            &office,
            &decided.id.to_string(),
        );
        crate::notify::title_correction_decided(
            &state.db,
            &state.delivery,
            &decided.requested_by,
            decided.person_id.0,
            &r,
        )
        .await?;
    }
    Ok(web::Json(CorrectionDto::from(&decided)))
}
