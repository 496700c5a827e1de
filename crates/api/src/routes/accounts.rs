//! The caller (`/me`), accounts of the tier below, and API clients.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Object, Operation, Owner, Role, Scope, allows, manages};
use cme_domain::ids::{DepartmentId, UnitId};
use cme_store::repo::{account, api_client, audit, department, region, unit};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, PendingCaller, client_ip, may_act_on, password};
use crate::dto::accounts::{
    AccountDto, AccountPage, AccountPatch, ApiClientDto, NewAccountRequest, NewAccountResponse, NewApiClientRequest,
    NewApiClientResponse, PageQuery, PasswordReset,
};
use crate::dto::audit::{ActorNames, ActorNamesRequest};
use crate::dto::auth::Me;
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::me::organisation;
use crate::no_store::NoStore;
use crate::paging::Paging;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(me)
        .service(list_accounts)
        .service(create_account)
        .service(update_account)
        .service(reset_password)
        .service(list_api_clients)
        .service(create_api_client)
        .service(revoke_api_client)
        .service(actor_names);
}

/// An audit entry about an account change, placed where the account lives.
fn audit_entry(
    actor: &Actor,
    ip: &str,
    action: AuditAction,
    target: &account::Account,
    detail: serde_json::Value,
) -> audit::AuditEntry {
    let (region, unit) = match target.scope {
        Scope::Province => (None, None),
        Scope::Region(r) => (Some(r), None),
        Scope::Unit(u) | Scope::Department(u, _) | Scope::Person(u, _) => (None, Some(u)),
    };
    audit::AuditEntry::by(actor, action)
        .ip(Some(ip))
        .target(AuditTarget::Account, target.id)
        .place(region, unit)
        .detail(detail)
}

/// The signed-in caller: account, role, organisation, and what it may do.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("client" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: PendingCaller) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(crate::me::me(&state, &caller.actor, caller.account.as_ref(), caller.must_change_password).await?))
}

async fn account_dto(state: &AppState, a: &account::Account) -> Result<AccountDto, ApiError> {
    Ok(AccountDto {
        id: a.id,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role.into(),
        organisation: organisation(state, &a.scope).await?,
        disabled: a.disabled,
        must_change_password: a.must_change_password,
        created_at: a.created_at,
    })
}

/// Accounts the caller manages (the tier below, inside its jurisdiction).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = AccountPage), (status = 403, body = Problem, content_type = "application/problem+json"))
)]
#[get("/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    caller: Caller,
    _query: web::Query<PageQuery>,
    paging: Paging,
) -> Result<web::Json<AccountPage>, ApiError> {
    let actor = caller.require(Operation::ManageAccounts)?;
    let Paging { after, limit } = paging;
    let page = account::list_managed_by(&state.db, actor, after, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for a in &page.items {
        items.push(account_dto(&state, a).await?);
    }
    Ok(web::Json(AccountPage { items, next_cursor: page.next.map(|id| id.to_string()) }))
}

/// Resolves the organisation of a new account to a scope the caller may
/// hand out: it must lie inside the caller's jurisdiction (else 404).
async fn scope_for(state: &AppState, actor: &Actor, role: Role, organisation: Option<Uuid>) -> Result<Scope, ApiError> {
    let need = || ApiError::field("organisation_id", "请选择所属机构");
    let scope = match role {
        Role::SystemAdmin | Role::ProvinceWestern | Role::ProvinceTcm => Scope::Province,
        Role::PrefectureOffice | Role::CountyOffice => {
            let id = organisation.ok_or_else(need)?;
            let region = match region::get_scoped(&state.db, &actor.scope, cme_domain::ids::RegionId(id)).await {
                Err(cme_store::StoreError::NotFound) => return Err(need()),
                other => other?,
            };
            let want = if role == Role::PrefectureOffice {
                cme_domain::org::RegionLevel::Prefecture
            } else {
                cme_domain::org::RegionLevel::County
            };
            if region.level != want {
                return Err(ApiError::field("organisation_id", "机构级别与角色不符"));
            }
            Scope::Region(region.id)
        }
        Role::Unit => Scope::Unit(
            unit::get_scoped(&state.db, &actor.scope, UnitId(organisation.ok_or_else(need)?)).await?.unit.id,
        ),
        Role::Department => {
            let d = department::get(&state.db, DepartmentId(organisation.ok_or_else(need)?)).await?;
            unit::get_scoped(&state.db, &actor.scope, d.unit_id).await?;
            Scope::Department(d.unit_id, d.id)
        }
        Role::Trainee | Role::ApiClient => return Err(ApiError::field("role", "不能创建该角色的账号")),
    };
    // A region office may only be created for a region strictly inside the caller's.
    if let (Scope::Region(own), Scope::Region(new)) = (actor.scope, scope)
        && own == new
    {
        return Err(ApiError::field("organisation_id", "只能为下级机构创建账号"));
    }
    Ok(scope)
}

/// Create an account of the tier below, with a one-time password it must
/// change at its first sign-in. The province's offices split the units by
/// medicine: 科教处 opens the accounts of Western units, 中医处 those of TCM
/// units (403 for the other).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    request_body = NewAccountRequest,
    responses(
        (status = 201, body = NewAccountResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation in the caller's jurisdiction (`organisation_id`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<NewAccountRequest>,
) -> Result<NoStore<HttpResponse>, ApiError> {
    let actor = caller.require(Operation::ManageAccounts)?;
    let body = body.0;
    let role: Role = body.role.parse().map_err(|_| ApiError::field("role", "未知的角色"))?;
    if !manages(actor.role, role) {
        return Err(ApiError::Forbidden(format!("{}不能创建{}账号", actor.role.label(), role.label())));
    }
    let username = body.username.trim().to_lowercase();
    if !username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err(ApiError::field("username", "用户名只能包含字母、数字、- _ ."));
    }
    if username.starts_with("trainee-") {
        return Err(ApiError::field("username", "trainee- 开头的用户名保留给学员"));
    }
    let scope = scope_for(&state, actor, role, body.organisation_id).await?;
    may_act_on(&state.db, actor, Operation::ManageAccounts, account_object(&state, scope).await?).await?;
    let initial = password::generate_initial();
    let hash = password::hash_blocking(initial.clone()).await?;
    let new = account::NewAccount {
        username,
        role,
        scope,
        display_name: body.display_name.trim().to_owned(),
        password_hash: Some(hash),
        must_change_password: true,
        created_by: Some(actor.id),
    };
    let txn = state.db.begin().await?;
    // A taken username is 409 username_taken (the constraint catalogue's answer).
    let created = account::insert(&txn, &new).await?;
    let ip = client_ip(&req);
    audit::append(&txn, &audit_entry(actor, &ip, AuditAction::AccountCreate, &created, json!({"role": role.as_str()})))
        .await?;
    txn.commit().await?;
    Ok(NoStore(
        HttpResponse::Created()
            .json(NewAccountResponse { account: account_dto(&state, &created).await?, initial_password: initial }),
    ))
}

/// The organisation an account is bound to, as the ownership rule sees it:
/// with its unit's medicine, which tells 科教处 from 中医处.
async fn account_object(state: &AppState, scope: Scope) -> Result<Object, ApiError> {
    let in_unit = |owner, u| async move {
        Ok::<_, ApiError>(Object::in_unit(owner, unit::get(&state.db, u).await?.unit.medicine))
    };
    match scope {
        Scope::Province => Ok(Object::owned_by(Owner::Region(region::root(&state.db).await?))),
        Scope::Region(r) => Ok(Object::owned_by(Owner::Region(r))),
        Scope::Unit(u) => in_unit(Owner::Unit(u), u).await,
        Scope::Department(u, d) => in_unit(Owner::Department(u, d), u).await,
        Scope::Person(u, p) => in_unit(Owner::Person(u, p), u).await,
    }
}

/// An account the caller manages (else 404) and may act on (else 403).
async fn managed(state: &AppState, actor: &Actor, id: Uuid) -> Result<account::Account, ApiError> {
    let a = account::get_managed(&state.db, actor, id).await?;
    may_act_on(&state.db, actor, Operation::ManageAccounts, account_object(state, a.scope).await?).await?;
    Ok(a)
}

/// Rename, disable or re-enable an account of the tier below. Disabling
/// ends all its sessions at once. 科教处 and 中医处 each manage the
/// accounts of the units of their medicine (403 for the other's).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AccountPatch,
    responses((status = 200, body = AccountDto), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[patch("/accounts/{id}")]
pub async fn update_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<AccountPatch>,
) -> Result<web::Json<AccountDto>, ApiError> {
    let actor = caller.require(Operation::ManageAccounts)?;
    let a = managed(&state, actor, id.into_inner()).await?;
    let body = body.0;
    let ip = client_ip(&req);
    let txn = state.db.begin().await?;
    if let Some(name) = body.display_name.as_deref() {
        account::set_display_name(&txn, a.id, name.trim()).await?;
        audit::append(&txn, &audit_entry(actor, &ip, AuditAction::AccountRename, &a, json!({"display_name": name})))
            .await?;
    }
    if let Some(disabled) = body.disabled {
        account::set_disabled(&txn, a.id, disabled).await?;
        let action = if disabled { AuditAction::AccountDisable } else { AuditAction::AccountEnable };
        audit::append(&txn, &audit_entry(actor, &ip, action, &a, json!({}))).await?;
    }
    txn.commit().await?;
    crate::auth::revocation::sessions_ended(&state, a.id).await;
    let a = account::get(&state.db, a.id).await?;
    Ok(web::Json(account_dto(&state, &a).await?))
}

/// Reset an account's password to a one-time one; its sessions end. 科教处
/// and 中医处 each reset those of the units of their medicine (403 for the
/// other's).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PasswordReset), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[post("/accounts/{id}/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<NoStore<web::Json<PasswordReset>>, ApiError> {
    let actor = caller.require(Operation::ManageAccounts)?;
    let a = managed(&state, actor, id.into_inner()).await?;
    let initial = password::generate_initial();
    let hash = password::hash_blocking(initial.clone()).await?;
    let txn = state.db.begin().await?;
    account::set_password(&txn, a.id, &hash, true).await?;
    audit::append(&txn, &audit_entry(actor, &client_ip(&req), AuditAction::AccountPasswordReset, &a, json!({})))
        .await?;
    txn.commit().await?;
    crate::auth::revocation::sessions_ended(&state, a.id).await;
    Ok(NoStore(web::Json(PasswordReset { initial_password: initial })))
}

/// The API clients of the caller's organisation (not those of the
/// organisations below it: a client is its owner's business).
#[utoipa::path(tag = "api-clients", security(("bearer" = [])), responses((status = 200, body = Vec<ApiClientDto>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/api-clients")]
pub async fn list_api_clients(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<ApiClientDto>>, ApiError> {
    let actor = caller.require(Operation::ManageApiClients)?;
    let clients = api_client::list(&state.db, &actor.scope).await?;
    Ok(web::Json(clients.iter().map(ApiClientDto::from).collect()))
}

/// Create an API client for an outside system of the caller's organisation,
/// scoped to its jurisdiction and the granted operations. The secret is
/// shown once.
#[utoipa::path(
    tag = "api-clients",
    security(("bearer" = [])),
    request_body = NewApiClientRequest,
    responses((status = 201, body = NewApiClientResponse), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
#[post("/api-clients")]
pub async fn create_api_client(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<NewApiClientRequest>,
) -> Result<NoStore<HttpResponse>, ApiError> {
    let actor = caller.require(Operation::ManageApiClients)?;
    let body = body.0;
    let mut scopes = Vec::new();
    for (i, s) in body.scopes.iter().enumerate() {
        let op: Operation = s.parse().map_err(|_| ApiError::field(format!("scopes[{i}]"), "未知的操作"))?;
        // A client gets no more than its organisation's accounts may do.
        if !allows(Role::ApiClient, op)
            || !actor.may(op)
            || matches!(op, Operation::ManageAccounts | Operation::ManageApiClients)
        {
            return Err(ApiError::field(format!("scopes[{i}]"), "不能授予该操作"));
        }
        scopes.push(op);
    }
    let txn = state.db.begin().await?;
    let (_, secret, client) = api_client::create(&txn, body.name.trim(), actor.scope, scopes, Some(actor.id)).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::ApiClientCreate)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::ApiClient, client.id)
        .detail(json!({"scopes": body.scopes}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(NoStore(
        HttpResponse::Created()
            .json(NewApiClientResponse { client: ApiClientDto::from(&client), client_secret: secret }),
    ))
}

/// Revoke an API client: its tokens stop working at once. Only its own
/// organisation sees and revokes it (404 for any other, the offices above
/// it included).
#[utoipa::path(tag = "api-clients", security(("bearer" = [])), params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/api-clients/{id}")]
pub async fn revoke_api_client(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManageApiClients)?;
    let id = id.into_inner();
    let client = api_client::get_scoped(&state.db, &actor.scope, id).await?;
    let owner = Owner::of_scope(client.scope, region::root(&state.db).await?);
    may_act_on(&state.db, actor, Operation::ManageApiClients, Object::owned_by(owner)).await?;
    let txn = state.db.begin().await?;
    api_client::revoke(&txn, &actor.scope, id).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::ApiClientRevoke)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::ApiClient, id);
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who the logins in records are, in words ("张三（宣威市人民医院）"):
/// records name their authors by login (`created_by`, `decided_by`, a
/// timeline's `actor_name`); pages show these words instead. Logins that
/// name no account or client are left out of the answer.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("client" = [])),
    request_body = ActorNamesRequest,
    responses(
        (status = 200, body = ActorNames),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/actors/names")]
pub async fn actor_names(
    state: web::Data<AppState>,
    _caller: Caller,
    body: ValidJson<ActorNamesRequest>,
) -> Result<web::Json<ActorNames>, ApiError> {
    let names = cme_store::repo::actor::by_logins(&state.db, &body.0.logins).await?;
    Ok(web::Json(ActorNames { names: names.into_iter().collect() }))
}
