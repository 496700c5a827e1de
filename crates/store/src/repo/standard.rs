//! Credit standards, versioned by year; only published versions are used.

use std::collections::{BTreeMap, BTreeSet};

use cme_domain::standard::{Standard, StandardStatus, default_standards};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use uuid::Uuid;

use super::now;
use crate::StoreError;
use crate::entity::standards;

fn to_domain(m: standards::Model) -> Result<Standard, StoreError> {
    let standard: Standard = serde_json::from_value(m.body)
        .map_err(|e| StoreError::corrupt(format!("standard {} v{}: {e}", m.year, m.version)))?;
    if standard.year != m.year || i64::from(standard.version) != i64::from(m.version) {
        return Err(StoreError::corrupt(format!(
            "standard row {} v{} holds {} v{}",
            m.year, m.version, standard.year, standard.version
        )));
    }
    Ok(standard)
}

/// Inserts the shipped standard (notice-2017 attachment 1) as published
/// version 1 for every year from 2015 through `last_year` that has no
/// standard yet. Idempotent; returns how many years it seeded.
pub async fn seed_defaults(db: &impl ConnectionTrait, last_year: i32) -> Result<usize, StoreError> {
    let have: BTreeSet<i32> = standards::Entity::find().all(db).await?.into_iter().map(|m| m.year).collect();
    let at = now();
    let mut rows = Vec::new();
    for standard in default_standards(last_year).into_iter().filter(|s| !have.contains(&s.year)) {
        rows.push(standards::ActiveModel {
            id: Set(Uuid::now_v7()),
            year: Set(standard.year),
            version: Set(i32::try_from(standard.version).map_err(StoreError::corrupt)?),
            status: Set(StandardStatus::Published),
            body: Set(serde_json::to_value(&standard).map_err(StoreError::corrupt)?),
            created_at: Set(at),
            published_at: Set(Some(at)),
        });
    }
    let n = rows.len();
    if n > 0 {
        standards::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(n)
}

/// The latest published version of every year, by year.
pub async fn list_published(db: &impl ConnectionTrait) -> Result<Vec<Standard>, StoreError> {
    let rows = standards::Entity::find()
        .filter(standards::Column::Status.eq(StandardStatus::Published))
        .order_by_asc(standards::Column::Year)
        .order_by_asc(standards::Column::Version)
        .all(db)
        .await?;
    // Later versions overwrite earlier ones.
    let latest: BTreeMap<i32, standards::Model> = rows.into_iter().map(|m| (m.year, m)).collect();
    latest.into_values().map(to_domain).collect()
}

/// The latest published version of a year's standard.
pub async fn get_published(db: &impl ConnectionTrait, year: i32) -> Result<Option<Standard>, StoreError> {
    standards::Entity::find()
        .filter(standards::Column::Year.eq(year))
        .filter(standards::Column::Status.eq(StandardStatus::Published))
        .order_by_desc(standards::Column::Version)
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// The years that have a draft being edited, ascending.
pub async fn draft_years(db: &impl ConnectionTrait) -> Result<Vec<i32>, StoreError> {
    use sea_orm::QuerySelect as _;
    Ok(standards::Entity::find()
        .select_only()
        .column(standards::Column::Year)
        .filter(standards::Column::Status.eq(StandardStatus::Draft))
        .order_by_asc(standards::Column::Year)
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// The draft of a year's next version, if one is being edited.
pub async fn get_draft(db: &impl ConnectionTrait, year: i32) -> Result<Option<Standard>, StoreError> {
    standards::Entity::find()
        .filter(standards::Column::Year.eq(year))
        .filter(standards::Column::Status.eq(StandardStatus::Draft))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Saves the draft of a year's next version (the version after the latest
/// published one), replacing the draft being edited. The caller validates
/// it first. Returns it with its version.
pub async fn save_draft(db: &impl ConnectionTrait, draft: &Standard) -> Result<Standard, StoreError> {
    use sea_orm::sea_query::Expr;
    let next = get_published(db, draft.year).await?.map_or(1, |s| s.version + 1);
    let mut draft = draft.clone();
    draft.version = next;
    let body = serde_json::to_value(&draft).map_err(StoreError::corrupt)?;
    let updated = standards::Entity::update_many()
        .col_expr(standards::Column::Body, Expr::value(body.clone()))
        .col_expr(standards::Column::Version, Expr::value(i32::try_from(next).map_err(StoreError::corrupt)?))
        .filter(standards::Column::Year.eq(draft.year))
        .filter(standards::Column::Status.eq(StandardStatus::Draft))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        standards::Entity::insert(standards::ActiveModel {
            id: Set(Uuid::now_v7()),
            year: Set(draft.year),
            version: Set(i32::try_from(next).map_err(StoreError::corrupt)?),
            status: Set(StandardStatus::Draft),
            body: Set(body),
            created_at: Set(now()),
            published_at: Set(None),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(draft)
}

/// Publishes a year's draft as its next version (in the caller's
/// transaction); the caller then recomputes the year. `NotFound` without a
/// draft.
pub async fn publish_draft(db: &impl ConnectionTrait, year: i32) -> Result<Standard, StoreError> {
    use sea_orm::sea_query::Expr;
    let draft = get_draft(db, year).await?.ok_or(StoreError::NotFound)?;
    let res = standards::Entity::update_many()
        .col_expr(standards::Column::Status, Expr::value(StandardStatus::Published))
        .col_expr(standards::Column::PublishedAt, Expr::value(now()))
        .filter(standards::Column::Year.eq(year))
        .filter(standards::Column::Status.eq(StandardStatus::Draft))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::StaleVersion);
    }
    Ok(draft)
}
