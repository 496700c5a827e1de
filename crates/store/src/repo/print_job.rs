//! Batch prints run in the background (see `api::routes::certificates::jobs`).
//!
//! A job is queued by the request; any instance of the server claims it
//! (a conditional update: exactly one claimant wins, on PostgreSQL and
//! SQLite alike), reports progress and a heartbeat while it renders, and
//! finishes it. A job whose instance died (no heartbeat for [`STALE`]) is
//! claimed again and printed from the start. The person who asked may
//! cancel it at any time; the renderer sees it at its next progress report.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use uuid::Uuid;

use super::now;
use crate::entity::print_jobs;
use crate::error::StoreError;

/// A running job silent this long is taken to have lost its instance
/// (progress is reported every few pages, a page renders in ~4 ms).
pub const STALE: Duration = Duration::seconds(60);

/// How long a finished job's file is kept.
pub const KEEP: Duration = Duration::hours(24);

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintState {
    Queued,
    Running,
    Finished,
    Failed,
    Cancelled,
    /// Finished, and its file removed after [`KEEP`].
    Expired,
}

impl PrintState {
    pub fn as_str(self) -> &'static str {
        match self {
            PrintState::Queued => "queued",
            PrintState::Running => "running",
            PrintState::Finished => "finished",
            PrintState::Failed => "failed",
            PrintState::Cancelled => "cancelled",
            PrintState::Expired => "expired",
        }
    }

    fn parse(s: &str) -> Result<PrintState, StoreError> {
        Ok(match s {
            "queued" => PrintState::Queued,
            "running" => PrintState::Running,
            "finished" => PrintState::Finished,
            "failed" => PrintState::Failed,
            "cancelled" => PrintState::Cancelled,
            "expired" => PrintState::Expired,
            other => return Err(StoreError::corrupt(format!("print job state {other}"))),
        })
    }

    /// Whether nothing more will happen to it.
    pub fn is_over(self) -> bool {
        !matches!(self, PrintState::Queued | PrintState::Running)
    }
}

/// A job as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    pub id: Uuid,
    pub account_id: Uuid,
    pub year: i32,
    /// The request, as the API stored it.
    pub request: String,
    pub file_name: String,
    pub state: PrintState,
    pub total: u32,
    pub done: u32,
    pub file_bytes: u64,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn of(m: print_jobs::Model) -> Result<PrintJob, StoreError> {
    Ok(PrintJob {
        id: m.id,
        account_id: m.account_id,
        year: m.year,
        request: m.request,
        file_name: m.file_name,
        state: PrintState::parse(&m.state)?,
        total: u32::try_from(m.total).unwrap_or(0),
        done: u32::try_from(m.done).unwrap_or(0),
        file_bytes: u64::try_from(m.file_bytes).unwrap_or(0),
        message: m.message,
        created_at: m.created_at,
        finished_at: m.finished_at,
    })
}

fn stored(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Queues a job for `account`.
pub async fn queue(
    db: &impl ConnectionTrait,
    account: Uuid,
    year: i32,
    request: String,
    file_name: String,
    total: u32,
) -> Result<PrintJob, StoreError> {
    let at = now();
    let m = print_jobs::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(account),
        year: Set(year),
        request: Set(request),
        file_name: Set(file_name),
        state: Set(PrintState::Queued.as_str().to_owned()),
        total: Set(stored(total)),
        done: Set(0),
        claimed_by: Set(None),
        heartbeat_at: Set(None),
        file_bytes: Set(0),
        message: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        finished_at: Set(None),
    }
    .insert(db)
    .await?;
    of(m)
}

/// The job `id` of `account` (anyone else's reads as missing).
pub async fn get(db: &impl ConnectionTrait, account: Uuid, id: Uuid) -> Result<PrintJob, StoreError> {
    let m = print_jobs::Entity::find_by_id(id)
        .filter(print_jobs::Column::AccountId.eq(account))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    of(m)
}

/// How many of `account`'s jobs are queued or running.
pub async fn active_of(db: &impl ConnectionTrait, account: Uuid) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait as _;
    Ok(print_jobs::Entity::find()
        .filter(print_jobs::Column::AccountId.eq(account))
        .filter(print_jobs::Column::State.is_in([PrintState::Queued.as_str(), PrintState::Running.as_str()]))
        .count(db)
        .await?)
}

/// Claims the oldest job waiting (queued, or running without a heartbeat
/// for [`STALE`]) for `instance`. `None` when there is none or another
/// instance won every candidate.
pub async fn claim(db: &impl ConnectionTrait, instance: &str) -> Result<Option<PrintJob>, StoreError> {
    let at = now();
    let waiting = || {
        Condition::any().add(print_jobs::Column::State.eq(PrintState::Queued.as_str())).add(
            Condition::all()
                .add(print_jobs::Column::State.eq(PrintState::Running.as_str()))
                .add(print_jobs::Column::HeartbeatAt.lt(at - STALE)),
        )
    };
    // The oldest few: another instance may win some of them.
    let candidates = print_jobs::Entity::find()
        .filter(waiting())
        .order_by_asc(print_jobs::Column::CreatedAt)
        .limit(8)
        .all(db)
        .await?;
    for c in candidates {
        // Only one claimant's update matches the row as it was read.
        let claimed = print_jobs::Entity::update_many()
            .col_expr(print_jobs::Column::State, Expr::value(PrintState::Running.as_str()))
            .col_expr(print_jobs::Column::ClaimedBy, Expr::value(Some(instance.to_owned())))
            .col_expr(print_jobs::Column::HeartbeatAt, Expr::value(Some(at)))
            .col_expr(print_jobs::Column::Done, Expr::value(0))
            .col_expr(print_jobs::Column::UpdatedAt, Expr::value(at))
            .filter(print_jobs::Column::Id.eq(c.id))
            .filter(print_jobs::Column::State.eq(c.state.clone()))
            .filter(match &c.claimed_by {
                Some(by) => print_jobs::Column::ClaimedBy.eq(by.clone()),
                None => print_jobs::Column::ClaimedBy.is_null(),
            })
            .filter(waiting())
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            let m = print_jobs::Entity::find_by_id(c.id).one(db).await?.ok_or(StoreError::NotFound)?;
            return of(m).map(Some);
        }
    }
    Ok(None)
}

/// The job `id`, running and held by `instance` (not cancelled, not taken over).
fn held_by(id: Uuid, instance: &str) -> Condition {
    Condition::all()
        .add(print_jobs::Column::Id.eq(id))
        .add(print_jobs::Column::State.eq(PrintState::Running.as_str()))
        .add(print_jobs::Column::ClaimedBy.eq(instance))
}

/// Reports `done` pages of the job `instance` holds. Answers whether it
/// should go on: false once it was cancelled, or claimed by another
/// instance after a stall.
pub async fn progress(db: &impl ConnectionTrait, id: Uuid, instance: &str, done: u32) -> Result<bool, StoreError> {
    let at = now();
    let updated = print_jobs::Entity::update_many()
        .col_expr(print_jobs::Column::Done, Expr::value(stored(done)))
        .col_expr(print_jobs::Column::HeartbeatAt, Expr::value(Some(at)))
        .col_expr(print_jobs::Column::UpdatedAt, Expr::value(at))
        .filter(held_by(id, instance))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Ends the job `instance` holds: finished with a file of `bytes`, or
/// failed with a message for the person who asked. False when the job was
/// no longer this instance's (cancelled meanwhile): its file must go.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: Uuid,
    instance: &str,
    outcome: Result<u64, &str>,
) -> Result<bool, StoreError> {
    let at = now();
    let (state, bytes, message) = match outcome {
        Ok(bytes) => (PrintState::Finished, i64::try_from(bytes).unwrap_or(i64::MAX), None),
        Err(why) => (PrintState::Failed, 0, Some(why.to_owned())),
    };
    let updated = print_jobs::Entity::update_many()
        .col_expr(print_jobs::Column::State, Expr::value(state.as_str()))
        .col_expr(print_jobs::Column::FileBytes, Expr::value(bytes))
        .col_expr(print_jobs::Column::Message, Expr::value(message))
        .col_expr(print_jobs::Column::UpdatedAt, Expr::value(at))
        .col_expr(print_jobs::Column::FinishedAt, Expr::value(Some(at)))
        .filter(held_by(id, instance))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Cancels `account`'s job `id` if it is not over; answers it as it is now.
pub async fn cancel(db: &impl ConnectionTrait, account: Uuid, id: Uuid) -> Result<PrintJob, StoreError> {
    let at = now();
    print_jobs::Entity::update_many()
        .col_expr(print_jobs::Column::State, Expr::value(PrintState::Cancelled.as_str()))
        .col_expr(print_jobs::Column::UpdatedAt, Expr::value(at))
        .col_expr(print_jobs::Column::FinishedAt, Expr::value(Some(at)))
        .filter(print_jobs::Column::Id.eq(id))
        .filter(print_jobs::Column::AccountId.eq(account))
        .filter(print_jobs::Column::State.is_in([PrintState::Queued.as_str(), PrintState::Running.as_str()]))
        .exec(db)
        .await?;
    get(db, account, id).await
}

/// Marks finished jobs older than [`KEEP`] expired and answers their ids,
/// whose files the caller removes (housekeeping). Cancelled and failed
/// jobs are answered too: a file left by a crash mid-write goes with them.
pub async fn expire(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, StoreError> {
    let before = now() - KEEP;
    let old = print_jobs::Entity::find()
        .filter(print_jobs::Column::State.is_in([
            PrintState::Finished.as_str(),
            PrintState::Cancelled.as_str(),
            PrintState::Failed.as_str(),
        ]))
        .filter(print_jobs::Column::FinishedAt.lt(before))
        .filter(print_jobs::Column::FileBytes.gte(0))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = old.iter().map(|m| m.id).collect();
    if !ids.is_empty() {
        // The row stays (who printed what, when); the file goes. A cancelled
        // or failed job keeps its state, marked by file_bytes -1.
        print_jobs::Entity::update_many()
            .col_expr(print_jobs::Column::State, Expr::value(PrintState::Expired.as_str()))
            .col_expr(print_jobs::Column::UpdatedAt, Expr::value(now()))
            .filter(print_jobs::Column::Id.is_in(ids.clone()))
            .filter(print_jobs::Column::State.eq(PrintState::Finished.as_str()))
            .exec(db)
            .await?;
        print_jobs::Entity::update_many()
            .col_expr(print_jobs::Column::FileBytes, Expr::value(-1i64))
            .filter(print_jobs::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
    }
    Ok(ids)
}
