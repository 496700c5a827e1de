//! Work claimed across every instance: a row of `exclusive_runs` per kind
//! of work, claimed by one conditional insert (a claim whose lease lapsed is
//! taken over in the same statement).
//!
//! - Work that runs once at a time (the province's recomputation): the
//!   holder renews the lease while it works ([`renew`] every
//!   [`RENEW_EVERY`]) and releases it at the end, so a claim whose instance
//!   died lapses within [`LEASE`] and the work can be started again, on any
//!   instance.
//! - Periodic work (the hourly housekeeping): each instance asks
//!   ([`claim_period`]); the claim is a lease of the period, never released,
//!   so exactly one instance runs each period.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait as _, OnConflict, Query};

use super::now;
use crate::StoreError;

/// How long a claim holds without being renewed.
pub const LEASE: Duration = Duration::seconds(60);
/// How often a running holder renews its claim.
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

fn table() -> Alias {
    Alias::new("exclusive_runs")
}

/// Claims `name` for `holder`: `true` when the work may start now, `false`
/// when another holder's claim is live.
pub async fn claim(db: &impl ConnectionTrait, name: &str, holder: &str) -> Result<bool, StoreError> {
    claim_period(db, name, holder, now(), LEASE).await
}

/// Claims `name` for `holder` from `at` for `every`, taking over a claim
/// that lapsed by then: `true` for the one holder that runs it; every other
/// claim is refused until `every` has passed (or the claim is released).
/// Periodic work claims its period this way and never releases it.
pub async fn claim_period(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    at: DateTime<Utc>,
    every: Duration,
) -> Result<bool, StoreError> {
    let insert = Query::insert()
        .into_table(table())
        .columns([Alias::new("name"), Alias::new("holder"), Alias::new("claimed_at"), Alias::new("expires_at")])
        .values_panic([name.into(), holder.into(), at.into(), (at + every).into()])
        .on_conflict(
            OnConflict::column(Alias::new("name"))
                .update_columns([Alias::new("holder"), Alias::new("claimed_at"), Alias::new("expires_at")])
                // Only a lapsed claim is taken over.
                .action_and_where(Expr::col((table(), Alias::new("expires_at"))).lte(at))
                .to_owned(),
        )
        .to_owned();
    let res = db.execute(&insert).await?;
    Ok(res.rows_affected() == 1)
}

/// Extends `holder`'s claim of `name` by another [`LEASE`].
pub async fn renew(db: &impl ConnectionTrait, name: &str, holder: &str) -> Result<(), StoreError> {
    let update = Query::update()
        .table(table())
        .value(Alias::new("expires_at"), now() + LEASE)
        .and_where(Expr::col(Alias::new("name")).eq(name))
        .and_where(Expr::col(Alias::new("holder")).eq(holder))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// Ends `holder`'s claim of `name`.
pub async fn release(db: &impl ConnectionTrait, name: &str, holder: &str) -> Result<(), StoreError> {
    let delete = Query::delete()
        .from_table(table())
        .and_where(Expr::col(Alias::new("name")).eq(name))
        .and_where(Expr::col(Alias::new("holder")).eq(holder))
        .to_owned();
    db.execute(&delete).await?;
    Ok(())
}
