//! How much background work waits, for the metrics (`api::metrics`): read
//! at scrape time with one grouped count per table. Each table holds few
//! rows in these states (a job leaves them when it ends), so the counts
//! stay cheap however many finished rows are kept.

use cme_domain::notification::DeliveryState;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QuerySelect as _,
};

use crate::entity::{outbox, print_jobs, review_jobs};
use crate::error::StoreError;

/// Background work by queue and state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Depths {
    /// Batch prints queued, not yet claimed by an instance.
    pub print_queued: u64,
    /// Batch prints an instance is rendering.
    pub print_running: u64,
    /// "Approve all that match" jobs running in the background.
    pub approve_all_running: u64,
    /// Reminders waiting to leave the system (pending in the outbox, due or not).
    pub outbox_waiting: u64,
}

/// The depths now.
pub async fn depths(db: &impl ConnectionTrait) -> Result<Depths, StoreError> {
    let prints: Vec<(String, i64)> = print_jobs::Entity::find()
        .select_only()
        .column(print_jobs::Column::State)
        .column_as(print_jobs::Column::Id.count(), "n")
        .filter(print_jobs::Column::State.is_in(["queued", "running"]))
        .group_by(print_jobs::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let of = |state: &str| prints.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0));
    let approve_all_running =
        review_jobs::Entity::find().filter(review_jobs::Column::State.eq("running")).count(db).await?;
    let outbox_waiting =
        outbox::Entity::find().filter(outbox::Column::State.eq(DeliveryState::Pending)).count(db).await?;
    Ok(Depths { print_queued: of("queued"), print_running: of("running"), approve_all_running, outbox_waiting })
}
