//! The outbox: reminders leaving the system, sent by whichever instance
//! claims them (a conditional update: exactly one claimant wins, as for
//! [`super::print_job::claim`]), retried with exponential back-off
//! ([`cme_domain::notification::retry_delay`]) and given up after
//! [`MAX_ATTEMPTS`]; every attempt is recorded with what the other side said.

use chrono::{DateTime, Duration, Utc};
use cme_domain::notification::{Channel, DeliveryState, MAX_ATTEMPTS, retry_delay};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};
use uuid::Uuid;

use crate::entity::{outbox, outbox_attempts};
use crate::error::StoreError;

/// How long a claim holds: a send that takes longer (a dead instance) is
/// taken over by another.
pub const LEASE: Duration = Duration::seconds(120);

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub channel: Channel,
    pub recipient: String,
    /// JSON: the reminder's words and the recipient's login and name.
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
}

fn of(m: outbox::Model) -> Message {
    Message {
        id: m.id,
        channel: m.channel,
        recipient: m.recipient,
        payload: m.payload,
        state: m.state,
        attempts: u32::try_from(m.attempts).unwrap_or(0),
        next_attempt_at: m.next_attempt_at,
    }
}

/// One attempt, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub attempt: u32,
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub status_code: Option<i32>,
    pub error: Option<String>,
}

/// Claims up to `limit` messages due at `now` for `instance`.
pub async fn claim(
    db: &impl ConnectionTrait,
    instance: &str,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Message>, StoreError> {
    let free = || {
        Condition::all()
            .add(outbox::Column::State.eq(DeliveryState::Pending))
            .add(outbox::Column::NextAttemptAt.lte(now))
            .add(Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lt(now)))
    };
    let candidates =
        outbox::Entity::find().filter(free()).order_by_asc(outbox::Column::NextAttemptAt).limit(limit).all(db).await?;
    let mut claimed = Vec::new();
    for c in candidates {
        // Only one claimant's update matches the row as it was read.
        let res = outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedBy, Expr::value(Some(instance.to_owned())))
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Some(now + LEASE)))
            .filter(outbox::Column::Id.eq(c.id))
            .filter(outbox::Column::Attempts.eq(c.attempts))
            .filter(match &c.claimed_until {
                Some(until) => outbox::Column::ClaimedUntil.eq(*until),
                None => outbox::Column::ClaimedUntil.is_null(),
            })
            .filter(free())
            .exec(db)
            .await?;
        if res.rows_affected == 1 {
            claimed.push(of(c));
        }
    }
    Ok(claimed)
}

/// Records the outcome of sending `message` (as claimed) at `now`: sent,
/// or due again after the back-off, or given up.
pub async fn record(
    db: &impl ConnectionTrait,
    message: &Message,
    now: DateTime<Utc>,
    ok: bool,
    status_code: Option<i32>,
    error: Option<String>,
) -> Result<DeliveryState, StoreError> {
    let attempt = message.attempts + 1;
    outbox_attempts::Entity::insert(outbox_attempts::ActiveModel {
        id: Set(Uuid::now_v7()),
        outbox_id: Set(message.id),
        attempt: Set(i32::try_from(attempt).unwrap_or(i32::MAX)),
        at: Set(now),
        ok: Set(ok),
        status_code: Set(status_code),
        // An error is the other side's words or ours, cut short.
        error: Set(error.map(|e| e.chars().take(500).collect())),
    })
    .exec_without_returning(db)
    .await?;
    let state = if ok {
        DeliveryState::Sent
    } else if attempt >= MAX_ATTEMPTS {
        DeliveryState::Failed
    } else {
        DeliveryState::Pending
    };
    outbox::Entity::update_many()
        .col_expr(outbox::Column::State, Expr::value(state))
        .col_expr(outbox::Column::Attempts, Expr::value(i32::try_from(attempt).unwrap_or(i32::MAX)))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + retry_delay(attempt)))
        .col_expr(outbox::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::SentAt, Expr::value(ok.then_some(now)))
        .filter(outbox::Column::Id.eq(message.id))
        .exec(db)
        .await?;
    Ok(state)
}

/// Every message of a notification (tests, support).
pub async fn of_notification(db: &impl ConnectionTrait, notification: Uuid) -> Result<Vec<Message>, StoreError> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::NotificationId.eq(notification))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(of)
        .collect())
}

/// Every message, newest first, at most `limit` (tests, support).
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Message>, StoreError> {
    Ok(outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(of)
        .collect())
}

/// The attempts made at a message, in order.
pub async fn attempts(db: &impl ConnectionTrait, message: Uuid) -> Result<Vec<Attempt>, StoreError> {
    Ok(outbox_attempts::Entity::find()
        .filter(outbox_attempts::Column::OutboxId.eq(message))
        .order_by_asc(outbox_attempts::Column::Attempt)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Attempt {
            attempt: u32::try_from(m.attempt).unwrap_or(0),
            at: m.at,
            ok: m.ok,
            status_code: m.status_code,
            error: m.error,
        })
        .collect())
}
