//! The progress of a large "approve all that match" (see
//! `api::routes::verifications::reviews`): created when it starts, advanced
//! after each chunk (in the chunk's transaction), finished at the end. A job
//! whose process died stops advancing; a reader tells it by its age.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
};
use uuid::Uuid;

use super::now;
use crate::entity::review_jobs;
use crate::error::StoreError;

/// How long a running job may go without progress before it reads as
/// interrupted (a chunk takes well under a second).
pub const STALL: Duration = Duration::minutes(2);

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Running,
    Finished,
    /// Stopped by an error, or by its process ending (no progress for [`STALL`]).
    Failed,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Finished => "finished",
            JobState::Failed => "failed",
        }
    }
}

/// A job as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewJob {
    pub id: Uuid,
    pub account_id: Uuid,
    pub cycle_year: i32,
    pub total: u32,
    pub done: u32,
    pub skipped: u32,
    pub state: JobState,
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn stored(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Starts a job of `total` records for `account`.
pub async fn start(db: &impl ConnectionTrait, account: Uuid, cycle_year: i32, total: u32) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let at = now();
    review_jobs::ActiveModel {
        id: Set(id),
        account_id: Set(account),
        cycle_year: Set(cycle_year),
        total: Set(stored(total)),
        done: Set(0),
        skipped: Set(0),
        state: Set(JobState::Running.as_str().to_owned()),
        message: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        finished_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Adds a chunk's approved and skipped records.
pub async fn advance(db: &impl ConnectionTrait, id: Uuid, done: u32, skipped: u32) -> Result<(), StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait as _};
    review_jobs::Entity::update_many()
        .col_expr(review_jobs::Column::Done, Expr::col(review_jobs::Column::Done).add(stored(done)))
        .col_expr(review_jobs::Column::Skipped, Expr::col(review_jobs::Column::Skipped).add(stored(skipped)))
        .col_expr(review_jobs::Column::UpdatedAt, Expr::value(now()))
        .filter(review_jobs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a job: finished, or failed with a message for the person who started it.
pub async fn finish(db: &impl ConnectionTrait, id: Uuid, failure: Option<&str>) -> Result<(), StoreError> {
    use sea_orm::sea_query::Expr;
    let state = if failure.is_some() { JobState::Failed } else { JobState::Finished };
    let at = now();
    review_jobs::Entity::update_many()
        .col_expr(review_jobs::Column::State, Expr::value(state.as_str()))
        .col_expr(review_jobs::Column::Message, Expr::value(failure.map(str::to_owned)))
        .col_expr(review_jobs::Column::UpdatedAt, Expr::value(at))
        .col_expr(review_jobs::Column::FinishedAt, Expr::value(Some(at)))
        .filter(review_jobs::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The job `id` of `account` (anyone else's reads as missing).
pub async fn get(db: &impl ConnectionTrait, account: Uuid, id: Uuid) -> Result<ReviewJob, StoreError> {
    let m = review_jobs::Entity::find_by_id(id)
        .filter(review_jobs::Column::AccountId.eq(account))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let stalled = m.state == JobState::Running.as_str() && now() - m.updated_at > STALL;
    let state = match m.state.as_str() {
        "finished" => JobState::Finished,
        "running" if !stalled => JobState::Running,
        _ => JobState::Failed,
    };
    let message = match (stalled, m.message) {
        (true, _) => Some("处理中断（服务重启），已通过的记录保持通过；请重新“全部通过”余下的记录".to_owned()),
        (false, message) => message,
    };
    Ok(ReviewJob {
        id: m.id,
        account_id: m.account_id,
        cycle_year: m.cycle_year,
        total: count(m.total),
        done: count(m.done),
        skipped: count(m.skipped),
        state,
        message,
        created_at: m.created_at,
        finished_at: m.finished_at,
    })
}
