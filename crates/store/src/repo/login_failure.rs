//! Failed sign-ins, counted by key (`account:<username>`, `ip:<address>`)
//! over a sliding window, for rate limiting across every server process.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _,
};
use uuid::Uuid;

use super::now;
use crate::StoreError;
use crate::entity::login_failures;

/// How long failures are kept: [`prune`] deletes older ones.
pub const RETENTION: Duration = Duration::days(1);

/// The key of an account's failures (usernames are case-insensitive).
pub fn account_key(username: &str) -> String {
    format!("account:{}", super::account::normalise_username(username))
}

/// The key of an address's failures.
pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Records one failure under `key`, now.
pub async fn record(db: &impl ConnectionTrait, key: &str) -> Result<(), StoreError> {
    login_failures::Entity::insert(login_failures::ActiveModel {
        id: Set(Uuid::now_v7()),
        key: Set(key.to_owned()),
        at: Set(now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// How many failures `key` has had since `since`.
pub async fn count_since(db: &impl ConnectionTrait, key: &str, since: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(login_failures::Entity::find()
        .filter(login_failures::Column::Key.eq(key))
        .filter(login_failures::Column::At.gte(since))
        .count(db)
        .await?)
}

/// The oldest failure of `key` since `since`: the window frees a slot when
/// it leaves, which is the `Retry-After` of a refused sign-in.
pub async fn oldest_since(
    db: &impl ConnectionTrait,
    key: &str,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(login_failures::Entity::find()
        .filter(login_failures::Column::Key.eq(key))
        .filter(login_failures::Column::At.gte(since))
        .order_by_asc(login_failures::Column::At)
        .one(db)
        .await?
        .map(|m| m.at))
}

/// Deletes failures older than [`RETENTION`]; returns how many.
pub async fn prune(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(login_failures::Entity::delete_many()
        .filter(login_failures::Column::At.lt(now() - RETENTION))
        .exec(db)
        .await?
        .rows_affected)
}
