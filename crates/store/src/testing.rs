//! Fresh, migrated databases for tests (this crate's and the API's).
//!
//! SQLite always: a new file in a new temporary directory. PostgreSQL when
//! `TEST_DATABASE_URL` names a server: a uniquely named database
//! `cme_test_<uuid>` created through that URL and dropped afterwards (best
//! effort). [`both_backends!`](crate::both_backends) writes one test for each.
//!
//! Migrations run once, into a template named by a fingerprint of the
//! migrations' source: each PostgreSQL test database is a
//! `CREATE DATABASE … TEMPLATE` copy of it (as crates.io's tests do), each
//! SQLite one a copy of a migrated file. A changed migration makes a new
//! template; stale PostgreSQL templates are dropped when a new one is made.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait as _, Database, DatabaseConnection, DbBackend, Statement};
use sha2::{Digest as _, Sha256};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::{StoreError, connect, migrate};

/// The variable that names the PostgreSQL server for tests.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// Removes the test database when dropped.
#[derive(Debug)]
pub struct Guard {
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Directory(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl Guard {
    /// The URL of the PostgreSQL database this guard drops (none for SQLite).
    pub fn postgres_url(&self) -> Option<String> {
        match &self.cleanup {
            Cleanup::PostgresDatabase { admin_url, name } => Some(with_database(admin_url, name)),
            Cleanup::Directory(_) => None,
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                // Drop may run inside a tokio runtime, which cannot block on
                // another: use a thread of its own.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let dropper = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(admin) = connect(&admin_url).await {
                            let sql = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
                            let _ = admin.execute_unprepared(&sql).await;
                            let _ = admin.close().await;
                        }
                    });
                });
                let _ = dropper.join();
            }
        }
    }
}

/// The PostgreSQL admin URL from `TEST_DATABASE_URL`, if set and non-empty.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var(TEST_DATABASE_URL).ok().filter(|u| !u.trim().is_empty())
}

/// A fresh migrated database: PostgreSQL when `TEST_DATABASE_URL` is set,
/// SQLite otherwise.
pub async fn fresh_database() -> Result<(DatabaseConnection, Guard), StoreError> {
    match postgres_admin_url() {
        Some(url) => fresh_postgres(&url).await,
        None => fresh_sqlite().await,
    }
}

/// The audit chain's key of a test process (the first installed wins; an
/// app built by a test installs its own cipher's key first).
fn install_test_audit_key() {
    crate::repo::audit::use_key([7; 32]);
}

/// A fingerprint of the migrations: their source files' names and bytes
/// (the migration crate sits beside this one), so that editing a migration
/// makes a new template. Falls back to the migrations' names.
fn migrations_fingerprint() -> String {
    let mut hash = Sha256::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/src");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    for f in &files {
        hash.update(f.file_name().map(std::ffi::OsStr::as_encoded_bytes).unwrap_or_default());
        hash.update(std::fs::read(f).unwrap_or_default());
    }
    for m in <migration::Migrator as migration::MigratorTrait>::migrations() {
        hash.update(m.name().as_bytes());
    }
    hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The migrated SQLite template of this process (made once).
async fn sqlite_template() -> Result<PathBuf, StoreError> {
    static TEMPLATE: OnceCell<PathBuf> = OnceCell::const_new();
    TEMPLATE
        .get_or_try_init(|| async {
            let dir = std::env::temp_dir().join("cme-test-templates");
            std::fs::create_dir_all(&dir).map_err(io_error)?;
            let path = dir.join(format!("sqlite-{}.db", migrations_fingerprint()));
            if path.exists() {
                return Ok(path);
            }
            // Built under a name of its own, then renamed into place: a
            // concurrent process never copies a half-migrated file.
            let building = dir.join(format!("building-{}.db", Uuid::new_v4().simple()));
            let db = connect(&format!("sqlite://{}?mode=rwc", building.display())).await?;
            migrate(&db).await?;
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
            db.close().await?;
            std::fs::rename(&building, &path).map_err(io_error)?;
            for side in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{side}", building.display()));
            }
            Ok(path)
        })
        .await
        .cloned()
}

fn io_error(e: std::io::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("test template: {e}")))
}

/// A fresh migrated SQLite database in a new temporary directory (a copy
/// of the process's migrated template).
pub async fn fresh_sqlite() -> Result<(DatabaseConnection, Guard), StoreError> {
    install_test_audit_key();
    let template = sqlite_template().await?;
    let dir = std::env::temp_dir().join(format!("cme-test-{}", Uuid::new_v4().simple()));
    let guard = Guard { cleanup: Cleanup::Directory(dir.clone()) };
    std::fs::create_dir_all(&dir).map_err(io_error)?;
    let file = dir.join("cme.db");
    std::fs::copy(&template, &file).map_err(io_error)?;
    // Complete: a template only gets its name once migrated.
    let db = connect(&format!("sqlite://{}?mode=rwc", file.display())).await?;
    Ok((db, guard))
}

async fn admin_connection(admin_url: &str) -> Result<DatabaseConnection, StoreError> {
    // Fail fast when the server is unreachable, rather than after the pool's 30 s.
    let mut options = ConnectOptions::new(admin_url.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(30));
    Ok(Database::connect(options).await?)
}

/// The comment a template carries: when it was made (Unix seconds follow).
const TEMPLATE_NOTE: &str = "cme test template made at ";

/// The migrated PostgreSQL template of this fingerprint, made once per
/// server: under an advisory lock, so that concurrent test processes
/// neither race nor copy a half-migrated database.
async fn postgres_template(admin_url: &str) -> Result<String, StoreError> {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_try_init(|| async {
            let name = format!("cme_tpl_{}", migrations_fingerprint());
            let admin = admin_connection(admin_url).await?;
            // One connection (max_connections 1): the lock and its release
            // are on the same session.
            admin.execute_unprepared("SELECT pg_advisory_lock(4242020601)").await?;
            let made = async {
                let exists = admin
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT 1 AS one FROM pg_database WHERE datname = $1",
                        [name.clone().into()],
                    ))
                    .await?
                    .is_some();
                if !exists {
                    let stale = admin
                        .query_all_raw(Statement::from_string(
                            DbBackend::Postgres,
                            "SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database \
                             WHERE datname LIKE 'cme\\_tpl\\_%' OR datname LIKE 'cme\\_building\\_%'",
                        ))
                        .await?;
                    let now = chrono::Utc::now().timestamp();
                    for row in stale {
                        let note = row.try_get::<Option<String>>("", "note").ok().flatten();
                        // Another checkout (a branch with other migrations) may be testing on
                        // this server right now with its own template: keep any template
                        // made in the last day, drop older ones and half-built ones (those
                        // are only ever built under this lock).
                        let made = note.as_deref().and_then(|n| n.strip_prefix(TEMPLATE_NOTE)?.parse::<i64>().ok());
                        if made.is_some_and(|at| now - at < 86_400) {
                            continue;
                        }
                        if let Ok(old) = row.try_get::<String>("", "datname") {
                            let _ = admin
                                .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{old}" WITH (FORCE)"#))
                                .await;
                        }
                    }
                    let building = format!("cme_building_{}", Uuid::new_v4().simple());
                    admin.execute_unprepared(&format!(r#"CREATE DATABASE "{building}""#)).await?;
                    let db = connect(&with_database(admin_url, &building)).await?;
                    migrate(&db).await?;
                    db.close().await?;
                    admin.execute_unprepared(&format!(r#"ALTER DATABASE "{building}" RENAME TO "{name}""#)).await?;
                    admin
                        .execute_unprepared(&format!(
                            r#"COMMENT ON DATABASE "{name}" IS '{TEMPLATE_NOTE}{}'"#,
                            chrono::Utc::now().timestamp()
                        ))
                        .await?;
                }
                Ok::<_, StoreError>(())
            }
            .await;
            let _ = admin.execute_unprepared("SELECT pg_advisory_unlock(4242020601)").await;
            let _ = admin.close().await;
            made.map(|()| name)
        })
        .await
        .cloned()
}

/// A fresh migrated PostgreSQL database on the server of `admin_url` (a
/// copy of the migrated template). Fails if the server cannot be reached.
pub async fn fresh_postgres(admin_url: &str) -> Result<(DatabaseConnection, Guard), StoreError> {
    install_test_audit_key();
    let template = postgres_template(admin_url).await?;
    let name = format!("cme_test_{}", Uuid::new_v4().simple());
    let admin = admin_connection(admin_url).await?;
    admin.execute_unprepared(&format!(r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#)).await?;
    admin.close().await?;
    let guard = Guard { cleanup: Cleanup::PostgresDatabase { admin_url: admin_url.to_owned(), name: name.clone() } };
    let db = connect(&with_database(admin_url, &name)).await?;
    Ok((db, guard))
}

/// `url` with its database (path) replaced by `name`, keeping any query.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..].find('/').map_or(base.len(), |i| authority + i);
    let mut out = format!("{}/{name}", &base[..path]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Declares an async test body once and runs it on both backends, as the
/// tests `<name>::sqlite` and `<name>::postgres`. The PostgreSQL test prints
/// a note and passes when `TEST_DATABASE_URL` is unset, and fails when it is
/// set and the server is unreachable. The calling crate needs `tokio` (with
/// `macros` and `rt-multi-thread`) among its dev-dependencies.
///
/// ```text
/// cme_store::both_backends!(regions_round_trip, |db| async move {
///     cme_store::repo::region::list(&db).await.unwrap();
/// });
/// ```
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:expr) => {
        async fn $name($db: $crate::DatabaseConnection) {
            $body.await
        }

        mod $name {
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (db, _guard) = $crate::testing::fresh_sqlite()
                    .await
                    .unwrap_or_else(|e| panic!("cannot create a SQLite test database: {e}"));
                super::$name(db).await;
            }

            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(url) = $crate::testing::postgres_admin_url() else {
                    eprintln!("skipped: {} is not set", $crate::testing::TEST_DATABASE_URL);
                    return;
                };
                let (db, _guard) = $crate::testing::fresh_postgres(&url)
                    .await
                    .unwrap_or_else(|e| panic!("cannot create a PostgreSQL test database on {url}: {e}"));
                super::$name(db).await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://h:5432", "x"), "postgres://h:5432/x");
    }
}
