//! Rotating refresh tokens, stored server-side as SHA-256 digests.
//!
//! A sign-in starts a family; every refresh uses up the presented token and
//! issues the next one in the same family. A token presented a second time
//! means it was stolen (or the client is confused): the whole family is
//! revoked, so neither the thief nor the owner can go on with it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, TransactionSession as _,
    TransactionTrait,
};
use uuid::Uuid;

use super::{now, random_secret, sha256};
use crate::StoreError;
use crate::entity::refresh_tokens;

/// A stored refresh token (without the token itself, which is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    pub id: Uuid,
    pub account_id: Uuid,
    pub family_id: Uuid,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn record(m: &refresh_tokens::Model) -> RefreshRecord {
    RefreshRecord {
        id: m.id,
        account_id: m.account_id,
        family_id: m.family_id,
        issued_at: m.issued_at,
        expires_at: m.expires_at,
    }
}

fn digest(token: &str) -> Vec<u8> {
    sha256(token.as_bytes())
}

/// Issues a refresh token for an account: in a new family (a sign-in) or in
/// `family` (a rotation). Returns the token, to hand to the client once, and
/// its record.
pub async fn issue(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    family: Option<Uuid>,
    ttl: Duration,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(String, RefreshRecord), StoreError> {
    let token = random_secret();
    let at = now();
    let model = refresh_tokens::Model {
        id: Uuid::now_v7(),
        account_id,
        family_id: family.unwrap_or_else(Uuid::now_v7),
        token_hash: digest(&token),
        issued_at: at,
        expires_at: at + ttl,
        used_at: None,
        revoked_at: None,
        ip: ip.map(str::to_owned),
        user_agent: user_agent.map(str::to_owned),
    };
    let out = record(&model);
    refresh_tokens::Entity::insert(refresh_tokens::ActiveModel {
        id: Set(model.id),
        account_id: Set(model.account_id),
        family_id: Set(model.family_id),
        token_hash: Set(model.token_hash),
        issued_at: Set(model.issued_at),
        expires_at: Set(model.expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        ip: Set(model.ip),
        user_agent: Set(model.user_agent),
    })
    .exec_without_returning(db)
    .await?;
    Ok((token, out))
}

/// Revokes every live token of a family; returns how many.
async fn revoke_family_id(db: &impl ConnectionTrait, family: Uuid) -> Result<u64, StoreError> {
    Ok(refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_tokens::Column::FamilyId.eq(family))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Uses up `token` and issues the next one of its family, in one
/// transaction; returns the account and the new token with its record.
///
/// An unknown, expired or revoked token is `TokenInvalid`. A token already
/// used is `TokenReplayed`, and its whole family is revoked first (that
/// revocation is committed although the call fails), so the token issued by
/// the earlier rotation stops working too. Two concurrent rotations of one
/// token count as a replay: only one can use it.
pub async fn rotate<C>(
    db: &C,
    token: &str,
    ttl: Duration,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(Uuid, String, RefreshRecord), StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let Some(found) =
        refresh_tokens::Entity::find().filter(refresh_tokens::Column::TokenHash.eq(digest(token))).one(&txn).await?
    else {
        return Err(StoreError::TokenInvalid);
    };
    // Serialise with sign-outs and password changes of the account: once we
    // hold its lock, a revocation either committed before (and the re-read
    // below sees it) or waits for us (and then sees the token we issue).
    lock_account(&txn, found.account_id).await?;
    let Some(row) = refresh_tokens::Entity::find_by_id(found.id).one(&txn).await? else {
        return Err(StoreError::TokenInvalid);
    };
    let at = now();
    if row.revoked_at.is_some() {
        return Err(StoreError::TokenInvalid);
    }
    if row.used_at.is_some() {
        revoke_family_id(&txn, row.family_id).await?;
        txn.commit().await?;
        return Err(StoreError::TokenReplayed);
    }
    if row.expires_at <= at {
        return Err(StoreError::TokenInvalid);
    }
    // Guarded: of two concurrent rotations, the second finds it used.
    let used = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(at))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected == 0 {
        revoke_family_id(&txn, row.family_id).await?;
        txn.commit().await?;
        return Err(StoreError::TokenReplayed);
    }
    let (next, rec) = issue(&txn, row.account_id, Some(row.family_id), ttl, ip, user_agent).await?;
    txn.commit().await?;
    Ok((row.account_id, next, rec))
}

/// The live token's record, without using it (e.g. to find the account at
/// sign-out). `None` for an unknown, used, revoked or expired token.
pub async fn peek(db: &impl ConnectionTrait, token: &str) -> Result<Option<RefreshRecord>, StoreError> {
    let row =
        refresh_tokens::Entity::find().filter(refresh_tokens::Column::TokenHash.eq(digest(token))).one(db).await?;
    Ok(row.filter(|r| r.used_at.is_none() && r.revoked_at.is_none() && r.expires_at > now()).map(|r| record(&r)))
}

/// Takes the account's row lock for the rest of the transaction
/// (PostgreSQL; SQLite transactions are serial already), so rotations and
/// revocations of one account never interleave.
pub(crate) async fn lock_account(txn: &impl ConnectionTrait, account_id: Uuid) -> Result<(), StoreError> {
    use sea_orm::{DbBackend, Statement};
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM accounts WHERE id = $1 FOR UPDATE",
            [account_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Signs out one session: revokes the family of `token`. Returns the
/// account it belonged to, or `None` for an unknown token.
pub async fn revoke_family<C>(db: &C, token: &str) -> Result<Option<Uuid>, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let row =
        refresh_tokens::Entity::find().filter(refresh_tokens::Column::TokenHash.eq(digest(token))).one(&txn).await?;
    let account = match row {
        Some(row) => {
            lock_account(&txn, row.account_id).await?;
            revoke_family_id(&txn, row.family_id).await?;
            Some(row.account_id)
        }
        None => None,
    };
    txn.commit().await?;
    Ok(account)
}

/// Signs out everywhere: revokes every live token of the account; returns
/// how many. Holds the account's lock, so no rotation slips a new token past.
pub async fn revoke_all<C>(db: &C, account_id: Uuid) -> Result<u64, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    lock_account(&txn, account_id).await?;
    let n = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_tokens::Column::AccountId.eq(account_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(n)
}

/// Deletes tokens that expired before `before` (housekeeping; they can no
/// longer be used or replayed to any effect).
pub async fn prune_expired(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Whether a sign-in session (a refresh-token family) is still alive: some
/// token of it is neither revoked nor expired. Access tokens carry their
/// family, so signing out ends them at once.
pub async fn family_active(db: &impl ConnectionTrait, family: Uuid) -> Result<bool, StoreError> {
    use sea_orm::PaginatorTrait as _;
    let n = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::FamilyId.eq(family))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .filter(refresh_tokens::Column::ExpiresAt.gt(now()))
        .count(db)
        .await?;
    Ok(n > 0)
}
