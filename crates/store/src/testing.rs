//! Fresh, migrated databases for tests (this crate's and the API's).
//!
//! SQLite always: a new file in a new temporary directory. PostgreSQL when
//! `TEST_DATABASE_URL` names a server: a uniquely named database
//! `cme_test_<uuid>` created through that URL and dropped afterwards (best
//! effort). [`both_backends!`](crate::both_backends) writes one test for each.

use std::path::PathBuf;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait as _, Database, DatabaseConnection};
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

/// A fresh migrated SQLite database in a new temporary directory.
pub async fn fresh_sqlite() -> Result<(DatabaseConnection, Guard), StoreError> {
    install_test_audit_key();
    let dir = std::env::temp_dir().join(format!("cme-test-{}", Uuid::new_v4().simple()));
    let guard = Guard { cleanup: Cleanup::Directory(dir.clone()) };
    let db = connect(&format!("sqlite://{}?mode=rwc", dir.join("cme.db").display())).await?;
    migrate(&db).await?;
    Ok((db, guard))
}

/// A fresh migrated PostgreSQL database on the server of `admin_url`.
/// Fails if the server cannot be reached.
pub async fn fresh_postgres(admin_url: &str) -> Result<(DatabaseConnection, Guard), StoreError> {
    install_test_audit_key();
    let name = format!("cme_test_{}", Uuid::new_v4().simple());
    // Fail fast when the server is unreachable, rather than after the pool's 30 s.
    let mut options = ConnectOptions::new(admin_url.to_owned());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(5)).acquire_timeout(Duration::from_secs(5));
    let admin = Database::connect(options).await?;
    admin.execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#)).await?;
    admin.close().await?;
    let guard = Guard { cleanup: Cleanup::PostgresDatabase { admin_url: admin_url.to_owned(), name: name.clone() } };
    let db = connect(&with_database(admin_url, &name)).await?;
    migrate(&db).await?;
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
