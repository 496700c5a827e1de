//! Identity and access: who the caller is ([`Caller`]), the one guard that
//! decides what it may do ([`Caller::require`]), and the one guard that
//! decides whether it may change an object it can see ([`may_act_on`]).
//! Reads are scoped by the caller's [`Scope`](cme_domain::auth::Scope) in
//! the store.

pub mod cache;
pub mod captcha;
pub mod limiter;
pub mod password;
pub mod proxies;
pub mod revocation;
pub mod tokens;

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use cme_domain::auth::{Actor, Object, Operation, Owner, Refusal, Scope};

use crate::AppState;
use crate::error::{ApiError, MissingAs};
use tokens::{AUD_ACCESS, AUD_CLIENT};

/// The password of every demo account (`cme demo`); production refuses it.
pub const DEMO_PASSWORD: &str = "Demo@2026";

/// The authenticated caller of a request, whose account is in good standing
/// and needs no forced password change.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

/// Like [`Caller`], but also admits an account that must change its password
/// first (for `/me`, the password change itself and sign-out).
#[derive(Debug, Clone)]
pub struct PendingCaller {
    pub actor: Actor,
    pub must_change_password: bool,
    /// The caller's account (none for an API client).
    pub account: Option<cme_store::repo::account::Account>,
}

impl Caller {
    /// The one guard: 403 unless the policy table allows the operation.
    pub fn require(&self, op: Operation) -> Result<&Actor, ApiError> {
        if self.0.may(op) {
            Ok(&self.0)
        } else {
            Err(ApiError::Forbidden(format!("{}无权{}", self.0.role.label(), op.label())))
        }
    }
}

/// The organisation the caller acts for, as an owner of objects (the
/// province's offices own through the province's root region).
pub async fn organisation(db: &impl cme_store::ConnectionTrait, actor: &Actor) -> Result<Owner, ApiError> {
    let root = match actor.scope {
        Scope::Province => cme_store::repo::region::root(db).await?,
        // Only the province's accounts own through the root region.
        _ => cme_domain::ids::RegionId(uuid::Uuid::nil()),
    };
    Ok(actor.organisation(root))
}

/// The ownership guard, for every route that changes an object: after
/// [`Caller::require`] and a read scoped by the caller's jurisdiction (404
/// outside it), 403 unless the policy lets the caller take `op` on
/// `object` ([`cme_domain::auth::may_act_on`]): seeing an object is not
/// owning it. `db` is the request's connection or its open transaction.
pub async fn may_act_on(
    db: &impl cme_store::ConnectionTrait,
    actor: &Actor,
    op: Operation,
    object: Object,
) -> Result<(), ApiError> {
    let org = organisation(db, actor).await?;
    cme_domain::auth::may_act_on(actor, org, op, &object).map_err(|why| {
        ApiError::Forbidden(match why {
            Refusal::Role => format!("{}无权{}", actor.role.label(), op.label()),
            Refusal::NotOwner => format!("只有所属机构本身可以{}，其他机构只能查看", op.label()),
            Refusal::NotOwnerOrReviewer => format!("只有所属机构或其审核单位可以{}", op.label()),
            Refusal::OtherMedicine(office) => {
                format!("该单位由{}负责，{}无权{}", office.label(), actor.role.label(), op.label())
            }
        })
    })
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// Resolves the bearer token to an actor: the account or API client must
/// still exist and be enabled, and a token older than the account's last
/// password change is dead. Any other failure (the database down) is not
/// the caller's: it answers as itself (503), and signs nobody out.
async fn authenticate(req: HttpRequest) -> Result<PendingCaller, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().ok_or(ApiError::Internal("no state".into()))?.clone();
    let token = bearer(&req).ok_or(ApiError::Unauthorized)?;
    let claims = state.auth.keys.verify(&token, &[AUD_ACCESS, AUD_CLIENT])?;
    if claims.aud == AUD_CLIENT {
        let client =
            cme_store::repo::api_client::get(&state.db, claims.sub).await.missing_as(|| ApiError::Unauthorized)?;
        if client.revoked {
            return Err(ApiError::Unauthorized);
        }
        state.auth.client_limiter.check(&state.db, &client.id.to_string()).await?;
        return Ok(PendingCaller { actor: client.actor(), must_change_password: false, account: None });
    }
    // Signed out (or every session ended): the token dies with its session.
    let Some(sid) = claims.sid else { return Err(ApiError::Unauthorized) };
    let account = match state.auth.sessions.get(claims.sub, sid) {
        Some(account) => account,
        None => {
            let account =
                cme_store::repo::account::get(&state.db, claims.sub).await.missing_as(|| ApiError::Unauthorized)?;
            let active =
                cme_store::repo::refresh::family_active(&state.db, sid).await.missing_as(|| ApiError::Unauthorized)?;
            if !active {
                return Err(ApiError::Unauthorized);
            }
            state.auth.sessions.put(account.clone(), sid);
            account
        }
    };
    if account.disabled {
        return Err(ApiError::Unauthorized);
    }
    if account.password_changed_at.is_some_and(|at| at.timestamp() > claims.iat) {
        return Err(ApiError::Unauthorized);
    }
    Ok(PendingCaller {
        actor: at_unit_level(&state, account.actor()).await?,
        must_change_password: must_change_password(&account),
        account: Some(account),
    })
}

/// A unit's (or its department's) account may do what its role allows,
/// less what the unit's level withholds (`cme_domain::auth::withheld_at`).
pub(crate) async fn at_unit_level(state: &AppState, actor: Actor) -> Result<Actor, ApiError> {
    let (Scope::Unit(unit) | Scope::Department(unit, _)) = actor.scope else { return Ok(actor) };
    let level = match state.auth.unit_levels.get(unit.0) {
        Some(level) => level,
        None => {
            let level = cme_store::repo::unit::get(&state.db, unit).await?.unit.level;
            state.auth.unit_levels.put(unit.0, level);
            level
        }
    };
    Ok(actor.at_unit_level(level))
}

impl FromRequest for PendingCaller {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(authenticate(req).await?) })
    }
}

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let pending = authenticate(req).await?;
            if pending.must_change_password {
                return Err(ApiError::PasswordChangeRequired.into());
            }
            Ok(Caller(pending.actor))
        })
    }
}

/// Whether an account must (re)set its password before anything else: after
/// a reset, and for a trainee who has never set one.
pub fn must_change_password(account: &cme_store::repo::account::Account) -> bool {
    account.must_change_password || !account.has_password
}

/// The caller's address, for limits and the audit log: the connection's
/// peer, or, when the peer is a trusted proxy (`CME_TRUSTED_PROXIES`), the
/// address that proxy says it forwarded for (`proxies::TrustedProxies`).
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let trusted = req.app_data::<web::Data<AppState>>().map(|s| &s.trusted_proxies);
    match (peer, trusted) {
        (Some(peer), Some(trusted)) => trusted.client(peer, req.headers()).to_string(),
        (Some(peer), None) => peer.to_string(),
        (None, _) => "unknown".to_owned(),
    }
}
