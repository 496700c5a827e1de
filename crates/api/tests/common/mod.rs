//! Spawns the real app on port 0 with a fresh database: a new SQLite file,
//! or a uniquely named PostgreSQL database when `TEST_DATABASE_URL` is set.
#![allow(dead_code, reason = "each test binary uses a different part of the harness")]
#![expect(clippy::expect_used, reason = "a harness that cannot start must stop the test")]

use std::path::PathBuf;

use sea_orm::DatabaseConnection;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running app and what it needs to stay alive.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    /// `sqlite` or `postgres`, as the health endpoint names it.
    pub backend: &'static str,
    _spa: TempDir,
    _db_guard: cme_store::testing::Guard,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `TEST_DATABASE_URL`, if the PostgreSQL suite should run.
pub fn postgres_url() -> Option<String> {
    cme_store::testing::postgres_admin_url()
}

pub async fn spawn(backend: Backend) -> TestApp {
    // A stand-in SPA, so the tests do not depend on the frontend build.
    let spa = TempDir(std::env::temp_dir().join(format!("cme-spa-{}", uuid::Uuid::new_v4().simple())));
    std::fs::create_dir_all(&spa.0).expect("spa dir");
    std::fs::write(spa.0.join("index.html"), "<!doctype html><div id=\"root\"></div>").expect("index.html");

    let (db, guard) = match backend {
        Backend::Sqlite => cme_store::testing::fresh_sqlite().await.expect("fresh SQLite database"),
        Backend::Postgres => {
            let url = postgres_url().expect("TEST_DATABASE_URL");
            cme_store::testing::fresh_postgres(&url)
                .await
                .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unusable: {e}"))
        }
    };
    cme_store::repo::standard::seed_defaults(&db, 2026).await.expect("seed standards");

    let app = cme_api::Application::build(
        cme_api::Settings { bind: "127.0.0.1:0".to_owned(), static_dir: Some(spa.0.clone()) },
        db.clone(),
    )
    .await
    .expect("build app");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        client: reqwest::Client::new(),
        db,
        backend: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        },
        _spa: spa,
        _db_guard: guard,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.base)).json(body).send().await.expect("request")
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
    }
}

/// Declares one test body run as two tests: on SQLite always, and on
/// PostgreSQL when `TEST_DATABASE_URL` is set (skipped, and saying so, when not).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$app:ident| async move $body:block) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let $app = common::spawn(common::Backend::Sqlite).await;
                $body
            }

            #[tokio::test]
            async fn postgres() {
                if common::postgres_url().is_none() {
                    eprintln!("skipped: TEST_DATABASE_URL is not set");
                    return;
                }
                let $app = common::spawn(common::Backend::Postgres).await;
                $body
            }
        }
    };
}
