//! API clients: outside systems that exchange a client id and secret for an
//! access token (OAuth 2.0 client credentials).
//!
//! A client belongs to the office or unit that created it; that organisation
//! is its jurisdiction, and it may take only the operations granted to it.
//! The secret is 32 random bytes, shown once and stored as its SHA-256.

use chrono::{DateTime, Utc};
use cme_domain::auth::{Actor, Operation, Role, Scope, scope_fits};
use cme_domain::ids::{RegionId, UnitId};
use rand::RngCore as _;
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use super::{now, parse, random_secret, scope, sha256};
use crate::StoreError;
use crate::entity::api_clients;

/// A stored API client, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: Uuid,
    /// The public identifier (`cme_…`), the OAuth `client_id`.
    pub client_id: String,
    pub name: String,
    pub role: Role,
    /// The owning organisation: the province, a region or a unit.
    pub scope: Scope,
    /// The operations granted.
    pub scopes: Vec<Operation>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub revoked: bool,
}

impl ApiClient {
    /// The client as the caller of a request.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            name: self.client_id.clone(),
            role: self.role,
            scope: self.scope,
            granted: Some(self.scopes.clone()),
        }
    }
}

fn to_domain(m: api_clients::Model) -> Result<ApiClient, StoreError> {
    let scope = match (m.region_id, m.unit_id) {
        (None, None) => Scope::Province,
        (Some(r), None) => Scope::Region(RegionId(r)),
        (None, Some(u)) => Scope::Unit(UnitId(u)),
        (Some(_), Some(_)) => return Err(StoreError::corrupt("an API client with two owners")),
    };
    Ok(ApiClient {
        id: m.id,
        client_id: m.client_id,
        name: m.name,
        role: m.role,
        scope,
        scopes: m.scopes.split_whitespace().map(parse).collect::<Result<_, _>>()?,
        created_at: m.created_at,
        created_by: m.created_by,
        revoked: m.revoked_at.is_some(),
    })
}

fn new_client_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("cme_{hex}")
}

/// Creates a client owned by `scope` (the province, a region or a unit, else
/// `ScopeMismatch`) with the operations granted. Returns the client id, the
/// secret (to show once; it is not kept) and the client.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    scope: Scope,
    scopes: Vec<Operation>,
    created_by: Option<Uuid>,
) -> Result<(String, String, ApiClient), StoreError> {
    if !scope_fits(Role::ApiClient, &scope) {
        return Err(StoreError::ScopeMismatch { role: Role::ApiClient, scope });
    }
    let (region, unit) = match scope {
        Scope::Region(r) => (Some(r.0), None),
        Scope::Unit(u) => (None, Some(u.0)),
        _ => (None, None),
    };
    let mut granted = scopes;
    granted.sort();
    granted.dedup();
    let client_id = new_client_id();
    let secret = random_secret();
    let id = Uuid::now_v7();
    api_clients::Entity::insert(api_clients::ActiveModel {
        id: Set(id),
        client_id: Set(client_id.clone()),
        secret_hash: Set(sha256(secret.as_bytes())),
        name: Set(name.to_owned()),
        role: Set(Role::ApiClient),
        region_id: Set(region),
        unit_id: Set(unit),
        scopes: Set(granted.iter().map(|o| o.as_str()).collect::<Vec<_>>().join(" ")),
        created_at: Set(now()),
        created_by: Set(created_by),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    let client = get(db, id).await?;
    Ok((client_id, secret, client))
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<ApiClient, StoreError> {
    api_clients::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound).and_then(to_domain)
}

/// The live client whose id and secret match; `None` for an unknown or
/// revoked client or a wrong secret (indistinguishable to the caller). The
/// digests are compared in constant time.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    client_id: &str,
    secret: &str,
) -> Result<Option<ApiClient>, StoreError> {
    let presented = sha256(secret.as_bytes());
    let row = api_clients::Entity::find()
        .filter(api_clients::Column::ClientId.eq(client_id))
        .filter(api_clients::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    if bool::from(row.secret_hash.as_slice().ct_eq(presented.as_slice())) { to_domain(row).map(Some) } else { Ok(None) }
}

/// Revokes a client owned by `scope`; `NotFound` for any other. Tokens
/// already issued to it stop at their (short) expiry, or at once where the
/// API checks the client on each request.
pub async fn revoke(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<ApiClient, StoreError> {
    let res = api_clients::Entity::update_many()
        .col_expr(api_clients::Column::RevokedAt, Expr::value(now()))
        .filter(api_clients::Column::Id.eq(id))
        .filter(api_clients::Column::RevokedAt.is_null())
        .filter(scope::api_clients(scope))
        .exec(db)
        .await?;
    let client = get_scoped(db, scope, id).await?;
    if res.rows_affected == 0 && !client.revoked {
        return Err(StoreError::NotFound);
    }
    Ok(client)
}

/// A client owned by `scope`; `NotFound` for any other.
pub async fn get_scoped(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<ApiClient, StoreError> {
    api_clients::Entity::find_by_id(id)
        .filter(scope::api_clients(scope))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_domain)
}

/// The clients owned by `scope` (revoked ones included), oldest first.
pub async fn list(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<ApiClient>, StoreError> {
    api_clients::Entity::find()
        .filter(scope::api_clients(scope))
        .order_by_asc(api_clients::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}
