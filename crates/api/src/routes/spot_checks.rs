//! Spot checks (抽验) and on-site inspections (现场抽验), SPEC §5: an office
//! draws a reproducible sample of the records finalised below it,
//! stratified by unit (the province draws institutions for on-site
//! inspection); results are recorded per person; closing computes each
//! institution's pass rate and sends one under 95% back to its unit, its
//! certificates of the year held until a later inspection passes it.

use actix_web::{HttpRequest, get, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Object, Operation, Owner};
use cme_domain::ids::UnitId;
use cme_domain::review::Tier as DomainTier;
use cme_domain::spot_check::{InstitutionOutcome, SampleSpec, SpotCheckKind as DomainKind, new_seed};
use cme_store::repo::spot_check::{self as checks, Check, NewCheck, Recorded};
use cme_store::repo::verification::{Acting, OfficeScope};
use cme_store::repo::{audit, unit};
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip, may_act_on, organisation};
use crate::dto::certificate::{
    CheckDto, CheckListQuery, CheckSummaryDto, CloseRequest, CloseResult, DrawRequest, ResultsRequest, SentBackDto,
};
use crate::error::{ApiError, MissingAs, Problem};
use crate::extract::ValidJson;
use crate::office::{office_region, office_scope, tier_of};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(draw).service(list_checks).service(get_check).service(record_results).service(close_check);
}

/// The caller's office: tier, region and the records it sees.
async fn office(
    state: &AppState,
    actor: &Actor,
) -> Result<(DomainTier, cme_domain::org::Region, OfficeScope), ApiError> {
    let tier = tier_of(actor)?;
    let region =
        office_region(state, actor).await?.ok_or_else(|| ApiError::Forbidden("只有继教委办公室可以抽验".into()))?;
    let scope = office_scope(state, actor).await?;
    Ok((tier, region, scope))
}

/// A check the caller sees: its office's (the province sees all), else 404.
async fn visible_check(state: &AppState, actor: &Actor, id: Uuid) -> Result<(Check, DomainTier), ApiError> {
    let (tier, region, scope) = office(state, actor).await?;
    let c = checks::get(&state.db, id).await?;
    if c.region_id != region.id && scope != OfficeScope::Province {
        return Err(ApiError::NotFound("抽验不存在".into()));
    }
    Ok((c, tier))
}

/// A check as the ownership rule sees it: the office that drew it.
fn object(c: &Check) -> Object {
    Object::owned_by(Owner::Office(c.region_id, c.office))
}

/// A check the caller's office drew, to record into or close: another
/// office that sees it (the province's other office, the province over a
/// prefecture's) gets 403.
async fn own_check(state: &AppState, actor: &Actor, id: Uuid) -> Result<(Check, DomainTier), ApiError> {
    let (c, tier) = visible_check(state, actor, id).await?;
    may_act_on(&state.db, actor, Operation::SpotCheck, object(&c)).await?;
    Ok((c, tier))
}

/// Draws a spot check (`sample`: the records finalised below the office
/// whose chain names it for spot checks, stratified by unit) or an on-site
/// inspection (`on_site`, the province: `institutions` drawn at random, or
/// one `unit_id` re-inspected, then a sample of each). The seed and the
/// sample are stored and shown; the same seed over the same records draws
/// the same sample.
#[utoipa::path(
    tag = "spot-check",
    security(("bearer" = [])),
    request_body = DrawRequest,
    responses(
        (status = 200, body = CheckDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spot-checks")]
pub async fn draw(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<DrawRequest>,
) -> Result<web::Json<CheckDto>, ApiError> {
    let actor = caller.require(Operation::SpotCheck)?;
    let (tier, region, scope) = office(&state, actor).await?;
    let b = body.0;
    let kind: DomainKind = b.kind.into();
    if kind == DomainKind::OnSite && b.institutions.is_none() && b.unit_id.is_none() {
        return Err(ApiError::field("institutions", "现场抽验须填写抽取的单位数，或指定复查的单位"));
    }
    if kind == DomainKind::Sample && b.unit_id.is_some() {
        return Err(ApiError::field("unit_id", "指定单位仅用于现场抽验复查"));
    }
    if let Some(u) = b.unit_id {
        unit::get(&state.db, UnitId(u)).await.missing_as(|| ApiError::field("unit_id", "单位不存在"))?;
    }
    let seed = match b.seed {
        Some(s) if s > i64::MAX as u64 => return Err(ApiError::field("seed", "种子过大")),
        Some(s) => s,
        None => new_seed(&mut rand::thread_rng()),
    };
    let new = NewCheck {
        kind,
        year: b.year,
        office: tier,
        region: region.id,
        scope,
        seed,
        spec: SampleSpec { rate_permille: b.rate_permille, per_unit_min: b.per_unit_min },
        institutions: b.institutions,
        only_unit: b.unit_id.map(UnitId),
        note: b.note.clone().filter(|n| !n.trim().is_empty()),
    };
    let c = checks::draw(&state.db, &new, &actor.name).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::SpotCheckDraw)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::SpotCheck, c.id)
        .place(Some(region.id), None)
        .detail(json!({
            "kind": kind.as_str(), "year": b.year, "seed": seed.to_string(), "candidates": c.candidates,
            "institutions": c.units.len(), "sampled": c.items.len(),
        }));
    audit::append(&state.db, &e).await?;
    Ok(web::Json(CheckDto::new(&c, true)))
}

/// The checks the caller's office drew (the province sees every one).
#[utoipa::path(
    tag = "spot-check",
    security(("bearer" = [])),
    params(CheckListQuery),
    responses(
        (status = 200, body = Vec<CheckSummaryDto>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/spot-checks")]
pub async fn list_checks(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CheckListQuery>,
) -> Result<web::Json<Vec<CheckSummaryDto>>, ApiError> {
    let actor = caller.require(Operation::SpotCheck)?;
    let (_, region, scope) = office(&state, actor).await?;
    let region = if scope == OfficeScope::Province { None } else { Some(region.id) };
    let rows = checks::list(&state.db, region, query.year).await?;
    Ok(web::Json(rows.into_iter().map(CheckSummaryDto::from).collect()))
}

/// A check with its institutions, sample and results.
#[utoipa::path(
    tag = "spot-check",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The check")),
    responses(
        (status = 200, body = CheckDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/spot-checks/{id}")]
pub async fn get_check(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<CheckDto>, ApiError> {
    let actor = caller.require(Operation::SpotCheck)?;
    let (c, _) = visible_check(&state, actor, id.into_inner()).await?;
    let org = organisation(&state.db, actor).await?;
    let owned = cme_domain::auth::may_act_on(actor, org, Operation::SpotCheck, &object(&c)).is_ok();
    Ok(web::Json(CheckDto::new(&c, owned)))
}

/// Records results of sampled people (合格, or 不合格 with the reason), all
/// or nothing, while the check is open. Only the office that drew it (403
/// for another office that sees it).
#[utoipa::path(
    tag = "spot-check",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The check")),
    request_body = ResultsRequest,
    responses(
        (status = 200, body = CheckDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spot-checks/{id}/results")]
pub async fn record_results(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<ResultsRequest>,
) -> Result<web::Json<CheckDto>, ApiError> {
    let actor = caller.require(Operation::SpotCheck)?;
    let (c, _) = own_check(&state, actor, id.into_inner()).await?;
    let mut results = Vec::with_capacity(body.0.results.len());
    for (i, r) in body.0.results.iter().enumerate() {
        let note = r.note.clone().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if r.result == crate::dto::certificate::ItemResult::Fail && note.is_none() {
            return Err(ApiError::field(format!("results[{i}].note"), "不合格须说明原因"));
        }
        if r.result == crate::dto::certificate::ItemResult::Pending {
            return Err(ApiError::field(format!("results[{i}].result"), "请登记合格或不合格"));
        }
        if !c.items.iter().any(|x| x.id == r.item_id) {
            return Err(ApiError::field(format!("results[{i}].item_id"), "不是本次抽验的人员"));
        }
        results.push(Recorded { item_id: r.item_id, result: r.result.into(), note });
    }
    let updated = checks::record(&state.db, c.id, &results, &actor.name).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::SpotCheckRecord)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::SpotCheck, c.id)
        .detail(json!({"results": results.iter().map(|r| json!({"item": r.item_id, "result": r.result.as_str(), "note": r.note})).collect::<Vec<_>>()}));
    audit::append(&state.db, &e).await?;
    Ok(web::Json(CheckDto::new(&updated, true)))
}

/// Closes a check as seen (`row_version`): every sampled person must have a
/// result. Each institution's pass rate is computed; under 95% its year
/// goes back to the unit for re-verification and its certificates of the
/// year are held; at 95% or more an earlier hold is released. Only the
/// office that drew it (403 for another office that sees it).
#[utoipa::path(
    tag = "spot-check",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The check")),
    request_body = CloseRequest,
    responses(
        (status = 200, body = CloseResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/spot-checks/{id}/close")]
pub async fn close_check(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<CloseRequest>,
) -> Result<web::Json<CloseResult>, ApiError> {
    let actor = caller.require(Operation::SpotCheck)?;
    let (c, tier) = own_check(&state, actor, id.into_inner()).await?;
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let (closed, outcome) = checks::close(&state.db, c.id, body.0.row_version, &by).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::SpotCheckClose)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::SpotCheck, c.id)
        .detail(json!({
            "sent_back": outcome.sent_back.iter().map(|(u, n)| json!({"unit": u.0, "records": n})).collect::<Vec<_>>(),
            "released": outcome.released.iter().map(|u| u.0).collect::<Vec<_>>(),
        }));
    audit::append(&state.db, &e).await?;
    let event = c.id.to_string();
    for (u, n) in &outcome.sent_back {
        let words = format!("{}（{n} 条记录）", InstitutionOutcome::SentBack.label());
        crate::notify::spot_check_outcome(&state.db, &state.delivery, u.0, closed.year, &words, &event).await?;
    }
    for u in &outcome.released {
        let words = format!("{}，证书暂缓已解除", InstitutionOutcome::Passed.label());
        crate::notify::spot_check_outcome(&state.db, &state.delivery, u.0, closed.year, &words, &event).await?;
    }
    Ok(web::Json(CloseResult {
        check: CheckDto::new(&closed, true),
        sent_back: outcome
            .sent_back
            .iter()
            .map(|(u, n)| SentBackDto { unit_id: u.0, records: u64::try_from(*n).unwrap_or(u64::MAX) })
            .collect(),
        released: outcome.released.iter().map(|u| u.0).collect(),
    }))
}
