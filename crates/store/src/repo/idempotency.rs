//! Idempotency keys of the API's POSTs: the first request with a key claims
//! it, its answer is kept for 24 hours and replayed to any retry.
//!
//! The row is claimed before the request runs (status null), so a retry
//! while the first is still running is told so instead of running twice.
//! The claim is a lease of [`LEASE`], renewed by the running request every
//! [`RENEW_EVERY`]: a claim whose process died (killed mid-way) lapses
//! within seconds and is taken over, on any instance.

use chrono::{DateTime, Duration, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};
use uuid::Uuid;

use super::now;
use crate::Constraint;
use crate::StoreError;
use crate::entity::idempotency_keys;

/// How long a key and its answer are kept.
pub const TTL: Duration = Duration::hours(24);
/// How long an unanswered claim holds without being renewed.
pub const LEASE: Duration = Duration::seconds(30);
/// How often a running request renews its claim.
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// A kept answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The first answer held a secret or a full ID number and was not kept.
    pub withheld: bool,
}

/// The outcome of claiming a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use: run the request, then [`complete`] or [`release`] the claim.
    Fresh(Uuid),
    /// Answered before: replay this.
    Replay(StoredAnswer),
    /// The first request with this key is still running.
    InProgress,
    /// The key was used with another request.
    Mismatch,
}

/// Claims `key` for `caller` and a request `fingerprint`.
pub async fn claim(
    db: &impl ConnectionTrait,
    caller: &str,
    key: &str,
    fingerprint: &[u8],
) -> Result<Claim, StoreError> {
    for _ in 0..3 {
        let at = now();
        let id = Uuid::now_v7();
        let inserted = idempotency_keys::Entity::insert(idempotency_keys::ActiveModel {
            id: Set(id),
            caller: Set(caller.to_owned()),
            key: Set(key.to_owned()),
            fingerprint: Set(fingerprint.to_vec()),
            status: Set(None),
            content_type: Set(None),
            body: Set(None),
            withheld: Set(0),
            created_at: Set(at),
            expires_at: Set(at + TTL),
            lease_until: Set(Some(at + LEASE)),
        })
        .exec_without_returning(db)
        .await;
        match inserted {
            Ok(_) => return Ok(Claim::Fresh(id)),
            Err(e) => match StoreError::from(e) {
                StoreError::Conflict { constraint } if constraint == Constraint::IdempotencyKeysCallerKey.name() => {}
                other => return Err(other),
            },
        }
        let Some(row) = idempotency_keys::Entity::find()
            .filter(idempotency_keys::Column::Caller.eq(caller))
            .filter(idempotency_keys::Column::Key.eq(key))
            .one(db)
            .await?
        else {
            continue;
        };
        // A claim from before leases existed holds for ten minutes.
        let lease_until = row.lease_until.unwrap_or(row.created_at + Duration::minutes(10));
        let abandoned = row.status.is_none() && lease_until < at;
        if row.expires_at <= at || abandoned {
            // Expired or abandoned: take it over (whoever deletes it first).
            idempotency_keys::Entity::delete_by_id(row.id).exec(db).await?;
            continue;
        }
        if row.fingerprint != fingerprint {
            return Ok(Claim::Mismatch);
        }
        return Ok(match row.status {
            None => Claim::InProgress,
            Some(status) => Claim::Replay(StoredAnswer {
                status: u16::try_from(status).map_err(StoreError::corrupt)?,
                content_type: row.content_type,
                body: row.body.unwrap_or_default(),
                withheld: row.withheld != 0,
            }),
        });
    }
    Ok(Claim::InProgress)
}

/// Keeps the answer of a claimed key (`withheld`: the body is not kept).
pub async fn complete(db: &impl ConnectionTrait, id: Uuid, answer: &StoredAnswer) -> Result<(), StoreError> {
    let body = (!answer.withheld).then(|| answer.body.clone());
    idempotency_keys::Entity::update_many()
        .col_expr(idempotency_keys::Column::Status, Expr::value(i32::from(answer.status)))
        .col_expr(idempotency_keys::Column::ContentType, Expr::value(answer.content_type.clone()))
        .col_expr(idempotency_keys::Column::Body, Expr::value(body))
        .col_expr(idempotency_keys::Column::Withheld, Expr::value(i32::from(answer.withheld)))
        .filter(idempotency_keys::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Renews the lease of a claim whose request still runs.
pub async fn renew(db: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    idempotency_keys::Entity::update_many()
        .col_expr(idempotency_keys::Column::LeaseUntil, Expr::value(Some(now() + LEASE)))
        .filter(idempotency_keys::Column::Id.eq(id))
        .filter(idempotency_keys::Column::Status.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Gives a claim up (the request failed on the server's side): a retry
/// runs afresh.
pub async fn release(db: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    idempotency_keys::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Deletes keys that expired before `at`; returns how many.
pub async fn prune(db: &impl ConnectionTrait, at: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::ExpiresAt.lt(at))
        .exec(db)
        .await?
        .rows_affected)
}
