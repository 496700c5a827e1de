//! The help desk (技术支持服务, notice-2017 附件 4): a public page of whom to
//! call (the province office's line, each office's contacts and QQ groups),
//! kept as data: each office edits its own entry, the province any.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Object, Operation, Owner};
use cme_domain::ids::RegionId;
use cme_domain::org::RegionLevel;
use cme_domain::support::{RawEntry, parse};
use cme_store::repo::{audit, region, support};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip, may_act_on};
use crate::dto::support::{MySupportEntryDto, SupportDeskDto, SupportEntryDto, SupportEntryRequest};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::office::office_region;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(support_desk).service(my_support_entry).service(put_support_entry);
}

/// The help desk (技术支持服务), public: the province office's line, and every
/// office's contacts and QQ groups (省直单位 first, then each prefecture
/// before its counties). Cached by browsers for a minute.
#[utoipa::path(tag = "public", responses((status = 200, body = SupportDeskDto)))]
#[get("/public/support")]
pub async fn support_desk(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = support::list(&state.db).await?;
    let province = rows.iter().find(|r| r.region.level == RegionLevel::Province);
    let desk = SupportDeskDto {
        office_phone: province.and_then(|r| r.entry.phone.clone()),
        office_hours: province.and_then(|r| r.entry.hours.clone()),
        entries: rows.into_iter().map(SupportEntryDto::from).collect(),
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "public, max-age=60")).json(desk))
}

/// The caller office's own entry, for its edit page (`entry` is absent
/// before the first save).
#[utoipa::path(
    tag = "org",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MySupportEntryDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/support/mine")]
pub async fn my_support_entry(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<MySupportEntryDto>, ApiError> {
    let actor = caller.require(Operation::EditSupport)?;
    let region =
        office_region(&state, actor).await?.ok_or_else(|| ApiError::Forbidden("该账号不属于继教委办公室".into()))?;
    let entry = support::get(&state.db, &region).await?.map(SupportEntryDto::from);
    Ok(web::Json(MySupportEntryDto { region_id: region.id.0, region_name: region.name, entry }))
}

/// Writes an office's help-desk entry whole (its line, service hours,
/// contacts, QQ groups, a note): an office its own, the province's offices
/// any. Audited with the entry before and after.
#[utoipa::path(
    tag = "org",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The office's region")),
    request_body = SupportEntryRequest,
    responses(
        (status = 200, body = SupportEntryDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/support/{id}")]
pub async fn put_support_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    region_id: web::Path<Uuid>,
    body: ValidJson<SupportEntryRequest>,
) -> Result<web::Json<SupportEntryDto>, ApiError> {
    let actor = caller.require(Operation::EditSupport)?;
    let region = region::get_scoped(&state.db, &actor.scope, RegionId(region_id.into_inner())).await?;
    let b = body.0;
    let raw = RawEntry {
        phone: b.phone.as_deref(),
        hours: b.hours.as_deref(),
        contacts: b.contacts.iter().map(|c| (c.name.as_str(), c.phone.as_str())).collect(),
        qq_groups: b.qq_groups.iter().map(String::as_str).collect(),
        note: b.note.as_deref(),
    };
    let entry = parse(&raw).map_err(|e| ApiError::field(e.field, e.reason))?;
    let txn = state.db.begin().await?;
    may_act_on(&txn, actor, Operation::EditSupport, Object { owner: Owner::Region(region.id), medicine: None }).await?;
    let before = support::get(&txn, &region).await?;
    let saved = support::put(&txn, &region, &entry, &actor.name).await?;
    // The entry in words, as the audit log shows it (修改前/修改后).
    let words = |r: &support::SupportRow| {
        let e = &r.entry;
        let mut parts = Vec::new();
        if let Some(p) = &e.phone {
            parts.push(format!("电话 {p}"));
        }
        if let Some(h) = &e.hours {
            parts.push(format!("服务时间 {h}"));
        }
        for c in &e.contacts {
            parts.push(format!("联系人 {} {}", c.name, c.phone));
        }
        if !e.qq_groups.is_empty() {
            parts.push(format!("QQ群 {}", e.qq_groups.join("、")));
        }
        if let Some(n) = &e.note {
            parts.push(format!("说明 {n}"));
        }
        if parts.is_empty() { "（空）".to_owned() } else { parts.join("，") }
    };
    let e = audit::AuditEntry::by(actor, AuditAction::SupportUpdate)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Region, region.id.0)
        .place(Some(region.id), None)
        .detail(json!({"name": region.name, "before": before.as_ref().map(words), "after": words(&saved)}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(SupportEntryDto::from(saved)))
}
