//! Transfers between units (人员调动): the lists of incoming and outgoing
//! requests, and the decisions on them. The receiving unit sees an
//! incoming person's masked data before he is in its jurisdiction; only it
//! accepts or rejects, only the sender withdraws. An acceptance moves the
//! person (unit, department, region, trainee account) in one transaction.

use actix_web::get;
use actix_web::{HttpRequest, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Object, Operation, Owner};
use cme_domain::ids::{DepartmentId, UnitId};
use cme_domain::transfer::{TransferDecision, TransferId, TransferState};
use cme_store::StoreError;
use cme_store::repo::{audit, department, transfer};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip, may_act_on};
use crate::dto::people::{AcceptTransfer, TransferDto, TransferPage, TransferQuery, TransferReason};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::ValidJson;
use crate::office::no_department;
use crate::paging::Paging;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_transfers).service(accept_transfer).service(reject_transfer).service(cancel_transfer);
}

/// Incoming (调入) or outgoing (调出) transfers of the caller's units, by
/// keyset pages, optionally in one state. A department's account has none.
#[utoipa::path(
    tag = "transfers",
    security(("bearer" = []), ("client" = [])),
    params(TransferQuery),
    responses(
        (status = 200, body = TransferPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/transfers")]
pub async fn list_transfers(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<TransferQuery>,
    paging: Paging,
) -> Result<web::Json<TransferPage>, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    no_department(actor)?;
    let direction = match query.direction.as_deref().unwrap_or("incoming") {
        "incoming" => transfer::Direction::Incoming,
        "outgoing" => transfer::Direction::Outgoing,
        _ => return Err(ApiError::field("direction", "须为 incoming 或 outgoing")),
    };
    let state_filter = query
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| TransferState::parse(s).ok_or_else(|| ApiError::field("state", format!("未知的取值: {s}"))))
        .transpose()?;
    let Paging { after, limit } = paging;
    let page = transfer::list(&state.db, &actor.scope, direction, state_filter, after, limit).await?;
    Ok(web::Json(TransferPage {
        next_cursor: page.next.map(|id| id.to_string()),
        items: page.items.into_iter().map(TransferDto::from).collect(),
    }))
}

/// The transfer, if one of its units is in the caller's jurisdiction (else
/// 404), and whether the caller acts for `side` of it (else 403).
async fn on_side(state: &AppState, actor: &Actor, id: Uuid, side: Side) -> Result<transfer::Transfer, ApiError> {
    no_department(actor)?;
    let t = transfer::get_scoped(&state.db, &actor.scope, TransferId(id)).await?;
    let unit = match side {
        Side::Receiving => t.to_unit_id,
        Side::Sending => t.from_unit_id,
    };
    may_act_on(&state.db, actor, Operation::ManagePeople, Object::owned_by(Owner::Unit(unit))).await.map_err(|_| {
        ApiError::Forbidden(match side {
            Side::Receiving => "只有调入单位可以接收或拒收".to_owned(),
            Side::Sending => "只有调出单位可以撤回".to_owned(),
        })
    })?;
    Ok(t)
}

#[derive(Clone, Copy)]
enum Side {
    Receiving,
    Sending,
}

async fn decide(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    t: &transfer::Transfer,
    decision: transfer::Decision,
) -> Result<TransferDto, ApiError> {
    let place: UnitId = match decision.decision {
        TransferDecision::Cancel => t.from_unit_id,
        _ => t.to_unit_id,
    };
    let action = match decision.decision {
        TransferDecision::Accept => AuditAction::PersonTransferAccept,
        TransferDecision::Reject => AuditAction::PersonTransferReject,
        TransferDecision::Cancel => AuditAction::PersonTransferCancel,
    };
    let entry = audit::AuditEntry::by(actor, action)
        .ip(Some(&client_ip(req)))
        .target(AuditTarget::Person, t.person_id.0)
        .place(None, Some(place))
        .detail(json!({
            "transfer_id": t.id, "from_unit_id": t.from_unit_id, "to_unit_id": t.to_unit_id,
            "to_department_id": decision.to_department, "reason": decision.reason,
        }));
    let txn = state.db.begin().await?;
    match transfer::decide(&txn, t.id, &decision).await {
        Err(StoreError::Conflict { constraint }) if constraint == "transfer_closed" => {
            return Err(closed());
        }
        Err(StoreError::StaleVersion) => return Err(closed()),
        other => other?,
    };
    audit::append(&txn, &entry).await?;
    let view = transfer::view(&txn, t.id).await?;
    txn.commit().await?;
    Ok(TransferDto::from(view))
}

fn closed() -> ApiError {
    ApiError::Conflict { code: ErrorCode::TransferClosed, detail: "该调动已处理，不能再更改".to_owned() }
}

/// The receiving unit takes the person in (接收), optionally into one of its
/// departments: his unit and department change in the same transaction;
/// the transfer stays as history.
#[utoipa::path(
    tag = "transfers",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    request_body = AcceptTransfer,
    responses(
        (status = 200, body = TransferDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/transfers/{id}/accept")]
pub async fn accept_transfer(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<AcceptTransfer>,
) -> Result<web::Json<TransferDto>, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let t = on_side(&state, actor, id.into_inner(), Side::Receiving).await?;
    let to_department = match body.0.department_id {
        None => None,
        Some(d) => match department::get(&state.db, DepartmentId(d)).await {
            Ok(dep) if dep.unit_id == t.to_unit_id => Some(dep.id),
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(ApiError::field("department_id", "科室不属于调入单位"));
            }
            Err(e) => return Err(e.into()),
        },
    };
    let decision = transfer::Decision {
        decision: TransferDecision::Accept,
        decided_by: actor.name.clone(),
        reason: None,
        to_department,
    };
    Ok(web::Json(decide(&state, &req, actor, &t, decision).await?))
}

/// The receiving unit refuses (拒收), with a reason.
#[utoipa::path(
    tag = "transfers",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    request_body = TransferReason,
    responses(
        (status = 200, body = TransferDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/transfers/{id}/reject")]
pub async fn reject_transfer(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<TransferReason>,
) -> Result<web::Json<TransferDto>, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let t = on_side(&state, actor, id.into_inner(), Side::Receiving).await?;
    let decision = transfer::Decision {
        decision: TransferDecision::Reject,
        decided_by: actor.name.clone(),
        reason: Some(body.0.reason.trim().to_owned()),
        to_department: None,
    };
    Ok(web::Json(decide(&state, &req, actor, &t, decision).await?))
}

/// The sending unit withdraws its request (撤回) while it is pending.
#[utoipa::path(
    tag = "transfers",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    request_body = TransferReason,
    responses(
        (status = 200, body = TransferDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/transfers/{id}/cancel")]
pub async fn cancel_transfer(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<TransferReason>,
) -> Result<web::Json<TransferDto>, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let t = on_side(&state, actor, id.into_inner(), Side::Sending).await?;
    let decision = transfer::Decision {
        decision: TransferDecision::Cancel,
        decided_by: actor.name.clone(),
        reason: Some(body.0.reason.trim().to_owned()),
        to_department: None,
    };
    Ok(web::Json(decide(&state, &req, actor, &t, decision).await?))
}
