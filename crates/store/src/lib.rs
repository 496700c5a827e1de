//! Persistence for the CME credit system: sea-orm entities, and repositories
//! that map them to and from `cme_domain` types.
//!
//! Every repository function takes `&impl ConnectionTrait`, so it runs on a
//! pool or inside a caller's transaction; the few that write several rows
//! atomically also need `TransactionTrait` (a transaction nests as a savepoint).
//!
//! SQLite runs with one pooled connection (sea-orm's default, and the only
//! safe one for writers): never await a second statement on the pool while
//! holding a transaction of it.

pub mod crypto;
pub mod entity;
mod error;
pub mod repo;
pub mod testing;

use std::time::Duration;

use migration::{Migrator, MigratorTrait as _};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database};
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait};

pub use crypto::PiiCipher;
pub use error::{Refusal, StoreError};
pub use migration::constraint::{Constraint, ConstraintKind};

/// How long one statement of a request may run on PostgreSQL before it is cancelled: far
/// above any interactive query's time at 400,000 people (the slowest, a province's figures,
/// 150–490 ms; an export of 100,000 rows, a few seconds), so it ends only what would hold a
/// connection and its locks for nothing.
pub const STATEMENT_TIMEOUT: &str = "20s";
/// The statement timeout of work that legitimately runs long (a province's compliance
/// recomputation, its VACUUM), set locally for its transaction.
pub const LONG_STATEMENT_TIMEOUT: &str = "15min";

/// Connects to `url` (`sqlite://path/to/file.db` or `postgres://…`).
///
/// For SQLite the file and its parent directory are created when missing,
/// foreign keys are enforced and the journal is WAL.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    connect_with(url, STATEMENT_TIMEOUT).await
}

/// [`connect`] with another statement timeout on PostgreSQL (e.g.
/// [`LONG_STATEMENT_TIMEOUT`] for migrations and the batch commands).
pub async fn connect_with(url: &str, statement_timeout: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.to_owned());
    // An outage answers 503 within seconds instead of holding every request
    // for sqlx's default 30 s: a connection is waited for at most 3 s.
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(3)).acquire_timeout(Duration::from_secs(3));
    // Every statement of the pool ends within STATEMENT_TIMEOUT on PostgreSQL (answered 503,
    // `StoreError::TimedOut`); the work that legitimately runs long sets its own, longer one
    // for its transaction (`LONG_STATEMENT_TIMEOUT`). A URL that sets its own
    // (`?options=-c%20statement_timeout%3D…`) keeps it.
    let timeout = statement_timeout.to_owned();
    options.map_sqlx_postgres_opts(move |o| {
        if o.get_options().is_some_and(|s| s.contains("statement_timeout")) {
            o
        } else {
            o.options([("statement_timeout", timeout.as_str())])
        }
    });
    if let Some(path) = sqlite_path(url) {
        if let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Db(sea_orm::DbErr::Custom(format!("cannot create {}: {e}", parent.display())))
            })?;
        }
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
        });
    }
    Ok(Database::connect(options).await?)
}

/// The file of a SQLite URL; `None` for other databases and in-memory SQLite.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Applies every pending migration (idempotent).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StoreError> {
    if db.get_database_backend() != DbBackend::Postgres {
        // One process owns a SQLite file.
        return Ok(Migrator::up(db, None).await?);
    }
    // Instances starting together (a deploy of two replicas, a rolling
    // upgrade) would each apply the pending migrations, and the second's
    // CREATE fails on the first's table. One at a time: a session-level
    // advisory lock held on one connection of the pool while the migrations
    // run on the others; an instance that waited finds nothing left to do.
    // A lost connection releases the lock with it.
    use sea_orm::sqlx;

    use crate::error::sqlx_err;
    let mut holder = db.get_postgres_connection_pool().acquire().await.map_err(sqlx_err)?;
    sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(&mut *holder).await.map_err(sqlx_err)?;
    let migrated = Migrator::up(db, None).await;
    let unlocked =
        sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(&mut *holder).await.map_err(sqlx_err);
    migrated?;
    unlocked?;
    Ok(())
}

/// The advisory lock key of [`migrate`] ("cme_migr" in ASCII).
const MIGRATION_LOCK: i64 = 0x636d_655f_6d69_6772;

/// Whether every migration this binary knows is applied (readiness). A
/// newer instance's migrations, unknown here, do not count against it: a
/// rolling upgrade migrates first and the old instances stay ready.
pub async fn migrations_applied(db: &DatabaseConnection) -> Result<bool, StoreError> {
    use sea_orm::Statement;
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(Statement::from_string(backend, "SELECT version FROM seaql_migrations")).await?;
    let applied: std::collections::HashSet<String> =
        rows.iter().filter_map(|r| r.try_get::<String>("", "version").ok()).collect();
    Ok(Migrator::migrations().iter().all(|m| applied.contains(m.name())))
}

/// How many rows of `columns` bind parameters fit in one statement: under
/// PostgreSQL's 65,535 and SQLite's 32,766 limits, with room to spare.
pub(crate) fn batch_rows(backend: DbBackend, columns: usize) -> usize {
    let limit = match backend {
        DbBackend::Postgres => 60_000,
        _ => 30_000,
    };
    (limit / columns.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://data/cme.db?mode=rwc"), Some("data/cme.db"));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }

    #[test]
    fn batches_stay_under_the_bind_limits() {
        assert!(batch_rows(DbBackend::Postgres, 19) * 19 <= 65_535);
        assert!(batch_rows(DbBackend::Sqlite, 14) * 14 <= 32_766);
    }
}
