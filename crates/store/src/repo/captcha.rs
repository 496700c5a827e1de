//! Server-side captchas for the trainee centre's sign-in: single use and
//! expiring. The image is drawn by the API; only the digest of the answer is
//! kept.

use chrono::{DateTime, Duration, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use super::{now, sha256};
use crate::StoreError;
use crate::entity::captchas;

/// Answers compare case-insensitively and without surrounding spaces.
fn digest(answer: &str) -> Vec<u8> {
    sha256(answer.trim().to_lowercase().as_bytes())
}

/// Stores a captcha with its answer, valid for `ttl`; returns its id.
pub async fn create(db: &impl ConnectionTrait, answer: &str, ttl: Duration) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    captchas::Entity::insert(captchas::ActiveModel {
        id: Set(id),
        answer_hash: Set(digest(answer)),
        expires_at: Set(now() + ttl),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Checks an answer and uses the captcha up, right or wrong: a captcha
/// answers one guess. False for a wrong answer and for an unknown, used or
/// expired captcha.
pub async fn consume(db: &impl ConnectionTrait, id: Uuid, answer: &str) -> Result<bool, StoreError> {
    let at = now();
    let Some(row) = captchas::Entity::find_by_id(id).one(db).await? else { return Ok(false) };
    // Guarded, so that of two concurrent guesses only one gets an answer.
    let used = captchas::Entity::update_many()
        .col_expr(captchas::Column::UsedAt, Expr::value(at))
        .filter(captchas::Column::Id.eq(id))
        .filter(captchas::Column::UsedAt.is_null())
        .filter(captchas::Column::ExpiresAt.gt(at))
        .exec(db)
        .await?;
    if used.rows_affected == 0 {
        return Ok(false);
    }
    Ok(bool::from(row.answer_hash.as_slice().ct_eq(digest(answer).as_slice())))
}

/// Deletes captchas that expired before `before` (housekeeping).
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(captchas::Entity::delete_many().filter(captchas::Column::ExpiresAt.lt(before)).exec(db).await?.rows_affected)
}
