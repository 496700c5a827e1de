//! A large "approve all that match" (see
//! `api::routes::verifications::reviews`): created with its work (the
//! records as counted, and who approves them) and claimed by the instance
//! that started it; advanced after each chunk in the chunk's transaction,
//! only while that instance still holds it; finished at the end. A job whose
//! instance died stops beating and is claimed by another instance
//! ([`claim`]), which goes on from the first record not yet decided: the
//! records done and skipped are exactly a prefix of the work, because each
//! chunk's approvals and its progress commit together.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::now;
use crate::entity::review_jobs;
use crate::error::StoreError;

/// How long a job that cannot be resumed (one started before jobs kept
/// their work) may go without progress before it reads as interrupted.
pub const STALL: Duration = Duration::minutes(2);

/// How long a claimed job may go without a heartbeat before another
/// instance takes it over (a chunk of 250 takes well under a second; the
/// worker beats every few seconds while it waits on nothing).
pub const STALE: Duration = Duration::seconds(30);

/// What a job approves, and on whose behalf: enough for any instance to go
/// on with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    /// The account approving (re-read when the job resumes).
    pub account_id: Uuid,
    /// The reviewing tier (`cme_domain::review::Tier`'s wire name).
    pub tier: String,
    pub ip: String,
    /// The filters, for the audit entries.
    pub matching: serde_json::Value,
    /// The records in order, each with the version it was counted at: a
    /// record changed since is skipped, never approved over someone else.
    pub records: Vec<(Uuid, i32)>,
}

/// A job claimed by this instance, with its work and where to go on from.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub work: Work,
    /// Records already decided (approved or skipped): the work's prefix.
    pub position: usize,
}

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

/// Starts a job for `work.account_id`, claimed by `instance`.
pub async fn start(
    db: &impl ConnectionTrait,
    work: &Work,
    cycle_year: i32,
    instance: &str,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let at = now();
    let total = u32::try_from(work.records.len()).unwrap_or(u32::MAX);
    review_jobs::ActiveModel {
        id: Set(id),
        account_id: Set(work.account_id),
        cycle_year: Set(cycle_year),
        total: Set(stored(total)),
        done: Set(0),
        skipped: Set(0),
        state: Set(JobState::Running.as_str().to_owned()),
        message: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        finished_at: Set(None),
        work: Set(Some(serde_json::to_string(work).map_err(|e| StoreError::corrupt(e.to_string()))?)),
        claimed_by: Set(Some(instance.to_owned())),
        heartbeat_at: Set(Some(at)),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The job `id`, running and held by `instance` (not taken over).
fn held_by(id: Uuid, instance: &str) -> Condition {
    Condition::all()
        .add(review_jobs::Column::Id.eq(id))
        .add(review_jobs::Column::State.eq(JobState::Running.as_str()))
        .add(review_jobs::Column::ClaimedBy.eq(instance))
}

/// Adds a chunk's approved and skipped records, in the chunk's
/// transaction. `false` when `instance` no longer holds the job (another
/// took it over): the caller must roll the chunk back.
pub async fn advance(
    db: &impl ConnectionTrait,
    id: Uuid,
    instance: &str,
    done: u32,
    skipped: u32,
) -> Result<bool, StoreError> {
    let at = now();
    let res = review_jobs::Entity::update_many()
        .col_expr(review_jobs::Column::Done, Expr::col(review_jobs::Column::Done).add(stored(done)))
        .col_expr(review_jobs::Column::Skipped, Expr::col(review_jobs::Column::Skipped).add(stored(skipped)))
        .col_expr(review_jobs::Column::UpdatedAt, Expr::value(at))
        .col_expr(review_jobs::Column::HeartbeatAt, Expr::value(Some(at)))
        .filter(held_by(id, instance))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Ends a job `instance` holds: finished, or failed with a message for the
/// person who started it. `false` when it no longer held it.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: Uuid,
    instance: &str,
    failure: Option<&str>,
) -> Result<bool, StoreError> {
    let state = if failure.is_some() { JobState::Failed } else { JobState::Finished };
    let at = now();
    let res = review_jobs::Entity::update_many()
        .col_expr(review_jobs::Column::State, Expr::value(state.as_str()))
        .col_expr(review_jobs::Column::Message, Expr::value(failure.map(str::to_owned)))
        .col_expr(review_jobs::Column::UpdatedAt, Expr::value(at))
        .col_expr(review_jobs::Column::FinishedAt, Expr::value(Some(at)))
        .filter(held_by(id, instance))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Claims the oldest running job whose instance stopped beating for
/// [`STALE`], for `instance`. `None` when there is none, or another
/// instance won it.
pub async fn claim(db: &impl ConnectionTrait, instance: &str) -> Result<Option<Claimed>, StoreError> {
    let at = now();
    let abandoned = || {
        Condition::all()
            .add(review_jobs::Column::State.eq(JobState::Running.as_str()))
            .add(review_jobs::Column::Work.is_not_null())
            .add(review_jobs::Column::HeartbeatAt.lt(at - STALE))
    };
    let candidates = review_jobs::Entity::find()
        .select_only()
        .column(review_jobs::Column::Id)
        .column(review_jobs::Column::ClaimedBy)
        .filter(abandoned())
        .order_by_asc(review_jobs::Column::CreatedAt)
        .limit(8)
        .into_tuple::<(Uuid, Option<String>)>()
        .all(db)
        .await?;
    for (id, by) in candidates {
        // Only one claimant's update matches the row as it was read.
        let claimed = review_jobs::Entity::update_many()
            .col_expr(review_jobs::Column::ClaimedBy, Expr::value(Some(instance.to_owned())))
            .col_expr(review_jobs::Column::HeartbeatAt, Expr::value(Some(at)))
            .col_expr(review_jobs::Column::UpdatedAt, Expr::value(at))
            .filter(review_jobs::Column::Id.eq(id))
            .filter(match by {
                Some(by) => review_jobs::Column::ClaimedBy.eq(by),
                None => review_jobs::Column::ClaimedBy.is_null(),
            })
            .filter(abandoned())
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            let m = review_jobs::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
            let work: Work = serde_json::from_str(m.work.as_deref().unwrap_or_default())
                .map_err(|e| StoreError::corrupt(format!("review job {id}: {e}")))?;
            let position = usize::try_from(m.done.saturating_add(m.skipped)).unwrap_or(0);
            return Ok(Some(Claimed { id, work, position }));
        }
    }
    Ok(None)
}

/// The job `id` of `account` (anyone else's reads as missing).
pub async fn get(db: &impl ConnectionTrait, account: Uuid, id: Uuid) -> Result<ReviewJob, StoreError> {
    use review_jobs::Column as C;
    /// The job without its work (the records, up to a province's queue).
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        id: Uuid,
        account_id: Uuid,
        cycle_year: i32,
        total: i32,
        done: i32,
        skipped: i32,
        state: String,
        message: Option<String>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        finished_at: Option<DateTime<Utc>>,
        resumable: bool,
    }
    let m = review_jobs::Entity::find_by_id(id)
        .select_only()
        .columns([
            C::Id,
            C::AccountId,
            C::CycleYear,
            C::Total,
            C::Done,
            C::Skipped,
            C::State,
            C::Message,
            C::CreatedAt,
            C::UpdatedAt,
            C::FinishedAt,
        ])
        .column_as(C::Work.is_not_null(), "resumable")
        .filter(C::AccountId.eq(account))
        .into_model::<Row>()
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    // A job with its work is resumed by any instance; one without it
    // (started before jobs kept their work) ended with its process.
    let stalled = m.state == JobState::Running.as_str() && !m.resumable && now() - m.updated_at > STALL;
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
