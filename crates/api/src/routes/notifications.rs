//! The notification centre (the bell): the caller's own reminders, marking
//! them read, and the choice of which reminders to receive where. Every
//! staff account and every trainee has one; an API client has none. A
//! reminder is only ever its recipient's: anyone else's reads as missing.

use actix_web::{HttpRequest, get, post, put, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Role};
use cme_store::repo::audit;
use cme_store::repo::notification::{self as notes, Preference};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::dto::notifications::{
    NotificationDto, NotificationPage, NotificationQuery, PreferencesDto, PreferencesUpdate, ReadAllResult,
};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::paging::Paging;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(read_all)
        .service(get_preferences)
        .service(put_preferences)
        .service(read_notification);
}

/// The people who sign in have reminders; an outside system has none.
fn person(caller: &Caller) -> Result<&Actor, ApiError> {
    if caller.0.role == Role::ApiClient {
        return Err(ApiError::Forbidden("外部系统没有提醒".to_owned()));
    }
    Ok(&caller.0)
}

/// The caller's reminders, newest first, by keyset pages, with the unread
/// count (the bell's badge); `unread=true` for the unread ones only.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(NotificationQuery),
    responses(
        (status = 200, body = NotificationPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<NotificationQuery>,
    paging: Paging,
) -> Result<web::Json<NotificationPage>, ApiError> {
    let actor = person(&caller)?;
    let Paging { after, limit } = paging;
    let page = notes::list(&state.db, actor.id, after, limit, query.unread.unwrap_or(false)).await?;
    let unread = notes::unread(&state.db, actor.id).await?;
    Ok(web::Json(NotificationPage {
        next_cursor: page.next.map(|id| id.to_string()),
        items: page.items.into_iter().map(NotificationDto::from).collect(),
        unread,
    }))
}

/// Marks one of the caller's reminders read (opening it does). Reading it
/// again changes nothing.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = NotificationDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/notifications/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<NotificationDto>, ApiError> {
    let actor = person(&caller)?;
    let id = id.into_inner();
    let txn = state.db.begin().await?;
    let (n, marked) = notes::mark_read(&txn, actor.id, id).await?;
    if marked {
        let e = audit::AuditEntry::by(actor, AuditAction::NotificationRead)
            .ip(Some(&client_ip(&req)))
            .target(AuditTarget::Notification, id)
            .detail(json!({"notification": n.kind.as_str(), "kind": n.kind.label()}));
        audit::append(&txn, &e).await?;
    }
    txn.commit().await?;
    Ok(web::Json(NotificationDto::from(n)))
}

/// Marks every unread reminder of the caller read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReadAllResult),
        (status = 403, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/notifications/read-all")]
pub async fn read_all(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
) -> Result<web::Json<ReadAllResult>, ApiError> {
    let actor = person(&caller)?;
    let txn = state.db.begin().await?;
    let marked = notes::mark_all_read(&txn, actor.id).await?;
    if marked > 0 {
        let e = audit::AuditEntry::by(actor, AuditAction::NotificationReadAll)
            .ip(Some(&client_ip(&req)))
            .target(AuditTarget::Account, actor.id)
            .detail(json!({"count": marked}));
        audit::append(&txn, &e).await?;
    }
    txn.commit().await?;
    Ok(web::Json(ReadAllResult { marked }))
}

/// Which reminders the caller receives, where: every kind with its
/// channels (in the system, SMS/WeChat, email), the email address, and
/// which outside channels the province has connected.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, body = PreferencesDto),
        (status = 403, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/notifications/preferences")]
pub async fn get_preferences(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<PreferencesDto>, ApiError> {
    let actor = person(&caller)?;
    let p = notes::preferences(&state.db, actor.id).await?;
    Ok(web::Json(PreferencesDto::new(p, state.delivery.webhook.is_some(), state.delivery.smtp.is_some())))
}

/// Changes which reminders the caller receives, where: the kinds given are
/// replaced, the others kept; the email address is replaced.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body = PreferencesUpdate,
    responses(
        (status = 200, body = PreferencesDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/notifications/preferences")]
pub async fn put_preferences(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<PreferencesUpdate>,
) -> Result<web::Json<PreferencesDto>, ApiError> {
    let actor = person(&caller)?;
    let b = body.0;
    let mut seen = std::collections::HashSet::new();
    let mut kinds = Vec::new();
    for (i, k) in b.kinds.iter().enumerate() {
        let kind: cme_domain::notification::NotificationKind = k.kind.into();
        if !seen.insert(kind) {
            return Err(ApiError::field(format!("kinds[{i}].kind"), "同一提醒类别只能出现一次"));
        }
        kinds.push(Preference { kind, in_app: k.in_app, webhook: k.webhook, email: k.email });
    }
    let email = b.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if email.is_none() && kinds.iter().any(|k| k.email) && state.delivery.smtp.is_some() {
        return Err(ApiError::field("email", "选择电子邮件提醒时须填写电子邮件地址"));
    }
    let txn = state.db.begin().await?;
    let p = notes::set_preferences(&txn, actor.id, &kinds, email).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::NotificationPreferences)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Account, actor.id)
        .detail(json!({
            "kinds": kinds.iter().map(|k| json!({
                "kind": k.kind.as_str(), "in_app": k.in_app, "webhook": k.webhook, "email": k.email,
            })).collect::<Vec<_>>(),
            "email_set": email.is_some(),
        }));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(PreferencesDto::new(p, state.delivery.webhook.is_some(), state.delivery.smtp.is_some())))
}
