//! Sign-in, token refresh and sign-out, the trainee centre, and outside
//! systems' client credentials.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use cme_domain::IdCardNumber;
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::Role;
use cme_store::repo::{account, audit, captcha, login_failure, refresh};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::AppState;
use crate::auth::tokens::{AUD_ACCESS, AUD_CLIENT};
use crate::auth::{PendingCaller, client_ip, password};
use crate::dto::auth::{
    CaptchaDto, ClientToken, ClientTokenForm, LoginRequest, PasswordChange, RefreshRequest, TokenPair, TraineeLogin,
};
use crate::error::{ApiError, OAuthError, Problem};
use crate::extract::ValidJson;
use crate::no_store::NoStore;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh_tokens)
        .service(logout)
        .service(logout_all)
        .service(change_password)
        .service(new_captcha)
        .service(trainee_login)
        .service(client_token);
}

/// Failed sign-ins an account may have in an hour.
const ACCOUNT_FAILURES_PER_HOUR: u64 = 100;
/// Failed sign-ins one address may have in an hour (a hospital's NAT shares one).
const ADDRESS_FAILURES_PER_HOUR: u64 = 1_000;
/// Refresh tokens live 7 days (rotated at every use).
const REFRESH_TTL_DAYS: i64 = 7;

fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(|s| s.chars().take(200).collect())
}

/// 429 when the account or the address has failed too often in the last hour.
async fn check_limits(state: &AppState, keys: &[(String, u64)]) -> Result<(), ApiError> {
    let since = Utc::now() - Duration::hours(1);
    for (key, limit) in keys {
        if login_failure::count_since(&state.db, key, since).await? >= *limit {
            let oldest = login_failure::oldest_since(&state.db, key, since).await?.unwrap_or(since);
            let retry = (oldest + Duration::hours(1) - Utc::now()).num_seconds().max(1);
            return Err(ApiError::TooManyRequests { retry_after_secs: retry.unsigned_abs() });
        }
    }
    Ok(())
}

async fn record_failure(state: &AppState, keys: &[(String, u64)]) -> Result<(), ApiError> {
    for (key, _) in keys {
        login_failure::record(&state.db, key).await?;
    }
    Ok(())
}

/// Issues an access token and a refresh token (a new family, or the next
/// token of `family`).
async fn issue_pair(state: &AppState, account: &account::Account, req: &HttpRequest) -> Result<TokenPair, ApiError> {
    let (refresh_token, record) = refresh::issue(
        &state.db,
        account.id,
        None,
        Duration::days(REFRESH_TTL_DAYS),
        Some(&client_ip(req)),
        user_agent(req).as_deref(),
    )
    .await?;
    let (access_token, expires_in) = state.auth.keys.issue(account.id, AUD_ACCESS, Some(record.family_id))?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        expires_in,
        token_type: "Bearer".to_owned(),
        must_change_password: crate::auth::must_change_password(account),
        me: me_of(state, account).await?,
    })
}

/// The account as `GET /me` describes it, for its token pair.
async fn me_of(state: &AppState, account: &account::Account) -> Result<crate::dto::auth::Me, ApiError> {
    let actor = crate::auth::at_unit_level(state, account.actor()).await?;
    crate::me::me(state, &actor, Some(account), crate::auth::must_change_password(account)).await
}

/// An audit entry about an account's sign-in (or an unknown name's).
fn entry(account: Option<&account::Account>, name: &str, ip: &str, action: AuditAction) -> audit::AuditEntry {
    let mut e = match account {
        Some(a) => audit::AuditEntry::by(&a.actor(), action).target(AuditTarget::Account, a.id),
        None => audit::AuditEntry::new(action),
    };
    e.actor_name = name.to_owned();
    e.ip(Some(ip))
}

/// Outside systems have no password and no sessions to end.
fn forbid_clients(caller: &PendingCaller) -> Result<(), ApiError> {
    if caller.actor.role == Role::ApiClient {
        return Err(ApiError::Forbidden("外部系统没有密码和会话".to_owned()));
    }
    Ok(())
}

/// Sign in with a username and password.
///
/// Answers the same 401 for an unknown user and a wrong password, in the
/// same time. After 100 failures in an hour an account is refused with 429
/// and `Retry-After`; so is an address after 1,000.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Account disabled", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<LoginRequest>,
) -> Result<NoStore<web::Json<TokenPair>>, ApiError> {
    let body = body.0;
    let ip = client_ip(&req);
    let username = body.username.trim().to_lowercase();
    let keys =
        [(format!("account:{username}"), ACCOUNT_FAILURES_PER_HOUR), (format!("ip:{ip}"), ADDRESS_FAILURES_PER_HOUR)];
    check_limits(&state, &keys).await?;
    let found = account::find_by_username(&state.db, &username).await?;
    let (acct, hash) = match found {
        Some((a, h)) if a.role != Role::Trainee => (Some(a), h),
        _ => (None, None),
    };
    let ok = password::verify_blocking(body.password, hash).await;
    let Some(acct) = acct.filter(|_| ok) else {
        record_failure(&state, &keys).await?;
        audit::append(&state.db, &entry(None, &username, &ip, AuditAction::AuthLoginFailure)).await?;
        return Err(ApiError::InvalidCredentials);
    };
    if acct.disabled {
        audit::append(&state.db, &entry(Some(&acct), &acct.username, &ip, AuditAction::AuthLoginDisabled)).await?;
        return Err(ApiError::AccountDisabled);
    }
    let pair = issue_pair(&state, &acct, &req).await?;
    audit::append(&state.db, &entry(Some(&acct), &acct.username, &ip, AuditAction::AuthLoginSuccess)).await?;
    Ok(NoStore(web::Json(pair)))
}

/// Exchange a refresh token for a new pair. Each refresh token works once:
/// replaying a used one revokes its whole family (every session descended
/// from the same sign-in).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or replayed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh_tokens(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<RefreshRequest>,
) -> Result<NoStore<web::Json<TokenPair>>, ApiError> {
    let ip = client_ip(&req);
    let token = body.0.refresh_token;
    let ua = user_agent(&req);
    let rotated = refresh::rotate(&state.db, &token, Duration::days(REFRESH_TTL_DAYS), Some(&ip), ua.as_deref()).await;
    let (account_id, refresh_token, family) = match rotated {
        Ok((account_id, token, record)) => (account_id, token, record.family_id),
        Err(cme_store::StoreError::TokenReplayed) => {
            // The store revoked the family already; this (idempotent) call
            // names the account, whose cached sessions end here too.
            let acct = match refresh::revoke_family(&state.db, &token).await? {
                Some(account_id) => {
                    crate::auth::revocation::sessions_ended(&state, account_id).await;
                    account::get(&state.db, account_id).await.ok()
                }
                None => None,
            };
            let name = acct.as_ref().map_or("?", |a| a.username.as_str()).to_owned();
            audit::append(&state.db, &entry(acct.as_ref(), &name, &ip, AuditAction::AuthRefreshReplay)).await?;
            return Err(ApiError::InvalidRefreshToken);
        }
        Err(cme_store::StoreError::TokenInvalid) => return Err(ApiError::InvalidRefreshToken),
        Err(e) => return Err(e.into()),
    };
    let acct = account::get(&state.db, account_id).await?;
    // A trainee's session lasts only while he is a normal worker.
    let left = match acct.scope {
        cme_domain::auth::Scope::Person(_, p) if acct.role == Role::Trainee => {
            !cme_store::repo::person::get(&state.db, &state.pii, p).await?.is_evaluated()
        }
        _ => false,
    };
    if acct.disabled || left {
        refresh::revoke_all(&state.db, acct.id).await?;
        crate::auth::revocation::sessions_ended(&state, acct.id).await;
        return Err(ApiError::InvalidRefreshToken);
    }
    let (access_token, expires_in) = state.auth.keys.issue(acct.id, AUD_ACCESS, Some(family))?;
    audit::append(&state.db, &entry(Some(&acct), &acct.username, &ip, AuditAction::AuthRefresh)).await?;
    Ok(NoStore(web::Json(TokenPair {
        access_token,
        refresh_token,
        expires_in,
        token_type: "Bearer".to_owned(),
        must_change_password: crate::auth::must_change_password(&acct),
        me: me_of(&state, &acct).await?,
    })))
}

/// Sign out: revokes the refresh token's family. Always 204.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses((status = 204)))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Some(account_id) = refresh::revoke_family(&state.db, &body.0.refresh_token).await?
        && let Ok(acct) = account::get(&state.db, account_id).await
    {
        crate::auth::revocation::sessions_ended(&state, account_id).await;
        audit::append(&state.db, &entry(Some(&acct), &acct.username, &client_ip(&req), AuditAction::AuthLogout))
            .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Sign out everywhere: revokes every refresh token of the caller's account.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/auth/logout-all")]
pub async fn logout_all(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: PendingCaller,
) -> Result<HttpResponse, ApiError> {
    forbid_clients(&caller)?;
    let acct = caller.account.ok_or(ApiError::Unauthorized)?;
    refresh::revoke_all(&state.db, acct.id).await?;
    crate::auth::revocation::sessions_ended(&state, acct.id).await;
    audit::append(&state.db, &entry(Some(&acct), &acct.username, &client_ip(&req), AuditAction::AuthLogoutAll)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change (or, on a first sign-in, set) the caller's password. Every other
/// session of the account ends; the answer is a fresh pair for this one.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, body = TokenPair),
        (status = 422, description = "Wrong current password or a weak new one; `errors` names the field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: PendingCaller,
    body: ValidJson<PasswordChange>,
) -> Result<NoStore<web::Json<TokenPair>>, ApiError> {
    forbid_clients(&caller)?;
    let body = body.0;
    let acct = caller.account.ok_or(ApiError::Unauthorized)?;
    let (_, hash) = account::find_by_username(&state.db, &acct.username).await?.ok_or(ApiError::Unauthorized)?;
    if hash.is_some() {
        let current = body.current_password.clone().unwrap_or_default();
        if !password::verify_blocking(current, hash).await {
            return Err(ApiError::field("current_password", "当前密码不正确"));
        }
    }
    password::check_strength(&body.new_password)?;
    let new_hash = password::hash_blocking(body.new_password).await?;
    let txn = state.db.begin().await?;
    account::set_password(&txn, acct.id, &new_hash, false).await?;
    audit::append(&txn, &entry(Some(&acct), &acct.username, &client_ip(&req), AuditAction::AccountPasswordChange))
        .await?;
    txn.commit().await?;
    crate::auth::revocation::sessions_ended(&state, acct.id).await;
    let acct = account::get(&state.db, acct.id).await?;
    Ok(NoStore(web::Json(issue_pair(&state, &acct, &req).await?)))
}

/// A new image captcha for the trainee centre (single use, 5 minutes).
#[utoipa::path(tag = "auth", responses((status = 200, body = CaptchaDto)))]
#[get("/auth/captcha")]
pub async fn new_captcha(state: web::Data<AppState>) -> Result<NoStore<web::Json<CaptchaDto>>, ApiError> {
    let (answer, image) =
        web::block(crate::auth::captcha::draw).await.map_err(|e| ApiError::Internal(e.to_string()))?;
    let ttl = crate::auth::captcha::CAPTCHA_TTL_SECS;
    let captcha_id = captcha::create(&state.db, &answer, Duration::seconds(ttl)).await?;
    Ok(NoStore(web::Json(CaptchaDto {
        captcha_id,
        image,
        expires_in: ttl,
        test_answer: state.auth.test_captcha.then_some(answer),
    })))
}

/// Trainee-centre sign-in (学员中心): ID number, name and the captcha; then
/// the trainee's own password, which the first sign-in sets (the answer
/// then says `must_change_password`).
#[utoipa::path(
    tag = "auth",
    request_body = TraineeLogin,
    responses(
        (status = 200, body = TokenPair),
        (status = 401, description = "No such normal worker, or a wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong or expired captcha (`captcha_answer`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/trainee/login")]
pub async fn trainee_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<TraineeLogin>,
) -> Result<NoStore<web::Json<TokenPair>>, ApiError> {
    let body = body.0;
    let ip = client_ip(&req);
    if !captcha::consume(&state.db, body.captcha_id, &body.captcha_answer).await? {
        return Err(ApiError::CaptchaInvalid);
    }
    let ip_key = [(format!("ip:{ip}"), ADDRESS_FAILURES_PER_HOUR)];
    check_limits(&state, &ip_key).await?;
    let today = crate::clock::today();
    let person = match IdCardNumber::parse(&body.id_number, today) {
        Ok(id) => cme_store::repo::person::find_by_id_number(&state.db, &state.pii, &id).await?,
        Err(_) => None,
    };
    let person = person.filter(|p| p.name == body.name.trim() && p.is_evaluated());
    let Some(person) = person else {
        // The same work as a wrong password, so a miss takes as long.
        let _ = password::verify_blocking(body.password.clone().unwrap_or_default(), None).await;
        record_failure(&state, &ip_key).await?;
        audit::append(&state.db, &entry(None, "trainee", &ip, AuditAction::AuthTraineeLoginFailure)).await?;
        return Err(ApiError::InvalidCredentials);
    };
    // Idempotent; it also moves the account along when the worker changed unit.
    account::create_trainee_account(&state.db, &person).await?;
    let (acct, hash) = account::find_for_person(&state.db, person.id).await?.ok_or(ApiError::InvalidCredentials)?;
    let keys = [(format!("account:{}", acct.username), ACCOUNT_FAILURES_PER_HOUR), ip_key[0].clone()];
    check_limits(&state, &keys).await?;
    if hash.is_some() {
        let ok = password::verify_blocking(body.password.unwrap_or_default(), hash).await;
        if !ok {
            record_failure(&state, &keys).await?;
            audit::append(&state.db, &entry(Some(&acct), &acct.username, &ip, AuditAction::AuthTraineeLoginFailure))
                .await?;
            return Err(ApiError::InvalidCredentials);
        }
    }
    if acct.disabled {
        return Err(ApiError::AccountDisabled);
    }
    let pair = issue_pair(&state, &acct, &req).await?;
    audit::append(&state.db, &entry(Some(&acct), &acct.username, &ip, AuditAction::AuthTraineeLoginSuccess)).await?;
    Ok(NoStore(web::Json(pair)))
}

/// Outside systems: exchange a client id and secret for an access token
/// (OAuth 2.0 client credentials, RFC 6749 §4.4). The form is
/// `application/x-www-form-urlencoded`; the client authenticates with HTTP
/// Basic or with `client_id` and `client_secret` in the form. Errors are
/// problem+json like every other answer, with the code of RFC 6749 §5.2 in
/// `code` and, for OAuth client libraries, in `error` too
/// (`invalid_request`, `invalid_client`, `unsupported_grant_type`).
#[utoipa::path(
    tag = "auth",
    request_body(content = ClientTokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = ClientToken),
        (status = 400, description = "`invalid_request` (a malformed form) or `unsupported_grant_type`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_client`: no, unknown, wrong or revoked credentials", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/token")]
pub async fn client_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: Result<web::Form<ClientTokenForm>, actix_web::Error>,
) -> Result<NoStore<HttpResponse>, actix_web::Error> {
    let answer = match form {
        Ok(form) => issue_client_token(&state, &req, form.into_inner()).await,
        // A form that does not parse is RFC 6749's invalid_request; a body
        // too large or of another type keeps its own answer (413, 415).
        Err(e) => match e.as_error::<ApiError>() {
            Some(ApiError::Malformed { detail, .. }) => {
                Err(ApiError::OAuth(OAuthError::InvalidRequest, detail.clone()))
            }
            _ => return Err(e),
        },
    };
    // RFC 6749 §5.1 and §5.2: neither the token nor a refusal is cached.
    Ok(NoStore(match answer {
        Ok(token) => HttpResponse::Ok().json(token),
        Err(e) => actix_web::ResponseError::error_response(&e),
    }))
}

async fn issue_client_token(
    state: &AppState,
    req: &HttpRequest,
    form: ClientTokenForm,
) -> Result<ClientToken, ApiError> {
    if form.grant_type != "client_credentials" {
        return Err(ApiError::OAuth(OAuthError::UnsupportedGrantType, "只支持 client_credentials".to_owned()));
    }
    let basic = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .and_then(|b| base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(i, p)| (i.to_owned(), p.to_owned())));
    let Some((id, secret)) = basic.or(form.client_id.zip(form.client_secret)) else {
        return Err(ApiError::OAuth(OAuthError::InvalidClient, "缺少客户端凭据".to_owned()));
    };
    let Some(client) = cme_store::repo::api_client::authenticate(&state.db, &id, &secret).await? else {
        let ip = client_ip(req);
        let mut e =
            audit::AuditEntry::new(AuditAction::AuthClientTokenFailure).ip(Some(&ip)).detail(json!({"client_id": id}));
        e.actor_role = Some(Role::ApiClient);
        audit::append(&state.db, &e).await?;
        return Err(ApiError::OAuth(OAuthError::InvalidClient, "客户端凭据无效或已吊销".to_owned()));
    };
    let (access_token, expires_in) = state.auth.keys.issue(client.id, AUD_CLIENT, None)?;
    let e = audit::AuditEntry::by(&client.actor(), AuditAction::AuthClientToken).ip(Some(&client_ip(req)));
    audit::append(&state.db, &e).await?;
    let scope = client.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
    Ok(ClientToken { access_token, token_type: "Bearer".to_owned(), expires_in, scope })
}
