//! The audit log as people read it: filtered by who, what, when and on
//! what, within the caller's jurisdiction; a page at a time, or as XLSX.

use actix_web::{HttpResponse, get, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Operation};
use cme_domain::ids::PersonId;
use cme_domain::time::{fmt_local, local_day_start};
use cme_store::repo::audit::{self, AuditFilter, AuditRecord};
use cme_store::repo::{actor as actors, person};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Caller;
use crate::dto::audit::{AuditEntryDto, AuditNames, AuditPage, AuditQuery};
use crate::error::{ApiError, Problem};
use crate::paging::Paging;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit).service(export_audit);
}

/// The query as a store filter; a code that is not an action or a target
/// kind names its field.
async fn filter_of(state: &AppState, q: &AuditQuery) -> Result<AuditFilter, ApiError> {
    let action = match q.action.as_deref().filter(|s| !s.is_empty()) {
        Some(a) => Some(AuditAction::parse(a).ok_or_else(|| ApiError::field("action", "没有这种操作"))?),
        None => None,
    };
    let target = match q.target_type.as_deref().filter(|s| !s.is_empty()) {
        Some(t) => Some(AuditTarget::parse(t).ok_or_else(|| ApiError::field("target_type", "没有这种对象"))?),
        None => None,
    };
    if let (Some(from), Some(to)) = (q.from, q.to)
        && to < from
    {
        return Err(ApiError::field("to", "结束日期早于开始日期"));
    }
    let actor_ids = match q.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Some(actors::ids_named(&state.db, text).await?),
        None => None,
    };
    Ok(AuditFilter {
        actor_ids,
        action,
        target,
        from: q.from.map(local_day_start),
        until: q.to.and_then(|d| d.succ_opt()).map(local_day_start),
    })
}

/// The names a page of entries needs: the actors, and the people and
/// accounts acted on.
async fn names_of(state: &AppState, records: &[AuditRecord]) -> Result<AuditNames, ApiError> {
    let target_ids = |kind: &str| -> Vec<Uuid> {
        records
            .iter()
            .filter(|r| r.target_type.as_deref() == Some(kind))
            .filter_map(|r| r.target_id.as_deref()?.parse().ok())
            .collect()
    };
    let mut ids: Vec<Uuid> = records.iter().filter_map(|r| r.actor_id).collect();
    ids.extend(target_ids("account"));
    ids.extend(target_ids("api_client"));
    let mut all = AuditNames::default();
    for chunk in ids.chunks(actors::MAX_NAMES) {
        all.actors.extend(actors::by_ids(&state.db, chunk).await?);
    }
    let people = person::names(&state.db, target_ids("person").into_iter().map(PersonId)).await?;
    all.people = people.into_iter().map(|(id, (name, _masked))| (id.0, name)).collect();
    Ok(all)
}

fn reader(caller: Caller) -> Result<Actor, ApiError> {
    caller.require(Operation::ReadAudit).cloned()
}

/// The audit log of the caller's jurisdiction, newest first: who (a name
/// and an organisation), what, on what and the change, in words, beside
/// the stored codes. Filters: `actor` (part of a name, or a login),
/// `action`, `target_type`, `from` and `to` (Beijing days, inclusive).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
    paging: Paging<i64>,
) -> Result<web::Json<AuditPage>, ApiError> {
    let actor = reader(caller)?;
    let filter = filter_of(&state, &query).await?;
    let Paging { after, limit } = paging;
    let page = audit::list(&state.db, &actor.scope, &filter, after, limit).await?;
    let names = names_of(&state, &page.items).await?;
    Ok(web::Json(AuditPage {
        next_cursor: page.next.map(|seq| seq.to_string()),
        items: page.items.into_iter().map(|r| AuditEntryDto::read(r, &names)).collect(),
    }))
}

/// The same entries as XLSX (up to 50,000, newest first; the last row says
/// when there were more): 时间, 操作人, 角色, 操作, 对象, 内容, IP.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "XLSX", body = inline(crate::dto::FileBytes), content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit/export")]
pub async fn export_audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = reader(caller)?;
    let filter = filter_of(&state, &query).await?;
    let page = audit::export(&state.db, &actor.scope, &filter).await?;
    let names = names_of(&state, &page.items).await?;
    let more = page.next.is_some();
    let mut rows: Vec<Vec<String>> = page
        .items
        .into_iter()
        .map(|r| {
            let e = AuditEntryDto::read(r, &names);
            vec![
                fmt_local(e.at),
                e.actor,
                e.actor_role.map(|r| cme_domain::auth::Role::from(r).label().to_owned()).unwrap_or_default(),
                e.action_label,
                e.target_label.unwrap_or_default(),
                e.summary,
                e.ip.unwrap_or_default(),
            ]
        })
        .collect();
    if more {
        rows.push(vec![format!("仅导出最近的 {} 条，请缩小筛选范围后分次导出", audit::MAX_EXPORT)]);
    }
    let bytes = web::block(move || {
        cme_documents::table::write_xlsx(&[cme_documents::table::Sheet {
            name: "审计日志",
            headers: &["时间（北京时间）", "操作人", "角色", "操作", "对象", "内容", "IP 地址"],
            rows: &rows,
        }])
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(crate::attachment::attachment(bytes, crate::attachment::XLSX, "审计日志.xlsx", "audit-log.xlsx"))
}
