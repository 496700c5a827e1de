//! Periodic work run once across instances: each run's due time is a row
//! of `scheduled_runs`, and the instance whose conditional update moves it
//! forward runs the work; the others' updates match no row.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::StoreError;

/// Claims the run `name` for `instance` when it is due at `now`, and sets
/// the next one `every` later. `true`: this instance runs it now.
pub async fn claim(
    db: &impl ConnectionTrait,
    name: &str,
    instance: &str,
    now: DateTime<Utc>,
    every: Duration,
) -> Result<bool, StoreError> {
    let backend = db.get_database_backend();
    let (insert, update) = match backend {
        DbBackend::Postgres => (
            "INSERT INTO scheduled_runs (name, due_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            "UPDATE scheduled_runs SET due_at = $1, held_by = $2, started_at = $3 WHERE name = $4 AND due_at <= $3",
        ),
        _ => (
            "INSERT INTO scheduled_runs (name, due_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            "UPDATE scheduled_runs SET due_at = ?1, held_by = ?2, started_at = ?3 WHERE name = ?4 AND due_at <= ?3",
        ),
    };
    db.execute_raw(Statement::from_sql_and_values(backend, insert, [name.into(), now.into()])).await?;
    let res = db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            update,
            [(now + every).into(), instance.into(), now.into(), name.into()],
        ))
        .await?;
    Ok(res.rows_affected() == 1)
}
