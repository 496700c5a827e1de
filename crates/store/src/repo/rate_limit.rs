//! Request limits shared by every server instance: hits per key and
//! minute in `rate_limits`, weighed as a sliding window (the previous
//! minute's hits count for the part of it still inside the last 60 s), so
//! that two instances behind a balancer allow a key its limit once, not
//! once each. One upsert and one read per request: measured with the
//! public lookup under wrk in `tests/ops/two_instances.sh`.

use chrono::{DateTime, Timelike as _, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use crate::StoreError;

/// A refusal: how many seconds until the key may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after_secs: u64,
}

fn minute_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(60)
}

/// Counts one hit of `key` at `at` and answers whether it is within
/// `per_minute`: `Err(Refused)` when the weighted count of the last 60 s
/// exceeds it. Refused hits count too (a client that keeps trying stays
/// refused).
pub async fn hit(
    db: &impl ConnectionTrait,
    key: &str,
    at: DateTime<Utc>,
    per_minute: u32,
) -> Result<Result<(), Refused>, StoreError> {
    let backend = db.get_database_backend();
    let minute = minute_of(at);
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO rate_limits (key, minute, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key, minute) DO UPDATE SET hits = rate_limits.hits + 1 \
             RETURNING hits, (SELECT hits FROM rate_limits WHERE key = $1 AND minute = $3) AS previous"
        }
        _ => {
            "INSERT INTO rate_limits (key, minute, hits) VALUES (?1, ?2, 1) \
             ON CONFLICT (key, minute) DO UPDATE SET hits = rate_limits.hits + 1 \
             RETURNING hits, (SELECT hits FROM rate_limits WHERE key = ?1 AND minute = ?3) AS previous"
        }
    };
    let values: [Value; 3] = [key.into(), minute.into(), (minute - 1).into()];
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
        .ok_or_else(|| StoreError::corrupt("the rate-limit upsert returned no row"))?;
    let current = i64::from(row.try_get::<i32>("", "hits")?);
    let previous = i64::from(row.try_get::<Option<i32>>("", "previous")?.unwrap_or(0));
    Ok(judge(current, previous, i64::from(at.second()), i64::from(per_minute)))
}

/// The sliding window's decision: `previous` weighs (60 − second)/60.
fn judge(current: i64, previous: i64, second: i64, limit: i64) -> Result<(), Refused> {
    let left_of_previous = 60 - second;
    // weighted = previous·left/60 + current, compared in sixtieths.
    if previous * left_of_previous + current * 60 <= limit * 60 {
        return Ok(());
    }
    let wait = if current > limit || previous == 0 {
        // Not before the next minute, and then the current one weighs in.
        left_of_previous
    } else {
        // The previous minute's weight must fall until the total fits:
        // previous·(left − t)/60 + current ≤ limit.
        let t = left_of_previous - ((limit - current) * 60) / previous;
        t.clamp(1, left_of_previous)
    };
    Err(Refused { retry_after_secs: u64::try_from(wait.max(1)).unwrap_or(1) })
}

/// Forgets minutes that can no longer weigh in (older than the previous one).
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "DELETE FROM rate_limits WHERE minute < $1",
        _ => "DELETE FROM rate_limits WHERE minute < ?",
    };
    let res = db.execute_raw(Statement::from_sql_and_values(backend, sql, [(minute_of(now) - 1).into()])).await?;
    Ok(res.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_slides() {
        // 60 a minute: the 60th hit of an empty window passes, the 61st not.
        assert!(judge(60, 0, 30, 60).is_ok());
        assert_eq!(judge(61, 0, 30, 60), Err(Refused { retry_after_secs: 30 }));
        // Half a minute in, 60 of the previous minute weigh 30.
        assert!(judge(30, 60, 30, 60).is_ok());
        assert!(judge(31, 60, 30, 60).is_err());
        // 10 s in, 60 previous weigh 50: 10 more fit, the 11th waits until
        // the previous minute weighs one less.
        assert!(judge(10, 60, 10, 60).is_ok());
        assert_eq!(judge(11, 60, 10, 60), Err(Refused { retry_after_secs: 1 }));
        assert_eq!(judge(40, 60, 10, 60), Err(Refused { retry_after_secs: 30 }));
    }
}
