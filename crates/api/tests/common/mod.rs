//! Spawns the real app on port 0 with a fresh database: a new SQLite file,
//! or a uniquely named PostgreSQL database when `TEST_DATABASE_URL` is set.
#![allow(dead_code, reason = "each test binary uses a different part of the harness")]

pub mod checked;
pub mod fixture;

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
    /// Checks the wording of every problem answer (see `checked`).
    pub client: checked::Client,
    pub db: DatabaseConnection,
    /// The app's key for personal data (fixtures insert people with it).
    pub pii: cme_store::PiiCipher,
    /// `sqlite` or `postgres`, as the health endpoint names it.
    pub backend: &'static str,
    /// The metrics listener's `/metrics`.
    pub metrics: String,
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

/// The public base URL the test app is configured with (what QR codes and
/// `verify_url` carry, whatever the request's Host).
pub const PUBLIC_URL: &str = "https://cme.test.example";

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, None).await
}

/// [`spawn`] whose pool cancels a statement after `statement_timeout` on
/// PostgreSQL (e.g. `"300ms"`); SQLite has no statement timeout.
pub async fn spawn_with(backend: Backend, statement_timeout: Option<&str>) -> TestApp {
    // A stand-in SPA, so the tests do not depend on the frontend build.
    let spa = TempDir(std::env::temp_dir().join(format!("cme-spa-{}", uuid::Uuid::new_v4().simple())));
    std::fs::create_dir_all(&spa.0).expect("spa dir");
    std::fs::write(spa.0.join("index.html"), "<!doctype html><div id=\"root\"></div>").expect("index.html");
    // A built asset, named by its hash as Vite names them.
    std::fs::create_dir_all(spa.0.join("assets")).expect("assets dir");
    std::fs::write(spa.0.join("assets/index-3f9a1c.js"), "console.log(1)").expect("asset");
    // Its build-time compressions (stand-ins: the test reads which one is served).
    std::fs::write(spa.0.join("assets/index-3f9a1c.js.br"), "brotli bytes").expect("asset.br");
    std::fs::write(spa.0.join("assets/index-3f9a1c.js.gz"), "gzip bytes").expect("asset.gz");

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
    let db = match (statement_timeout, guard.postgres_url()) {
        (Some(timeout), Some(url)) => cme_store::connect_with(&url, timeout).await.expect("a pool with a timeout"),
        _ => db,
    };

    let pii = cme_store::PiiCipher::generate().0;
    let (base, metrics) = serve(&db, &pii, &spa.0).await;
    TestApp {
        base,
        client: checked::Client::new(),
        metrics,
        db,
        pii,
        backend: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        },
        _spa: spa,
        _db_guard: guard,
    }
}

/// Builds and starts one instance of the app on `db`; answers its base URL
/// and its `/metrics` URL. The loopback address is a trusted proxy, so that
/// a test can speak for any client address through `X-Forwarded-For`.
async fn serve(
    db: &sea_orm::DatabaseConnection,
    pii: &cme_store::PiiCipher,
    dir: &std::path::Path,
) -> (String, String) {
    let app = cme_api::Application::build(
        cme_api::Settings {
            bind: "127.0.0.1:0".to_owned(),
            static_dir: Some(dir.to_path_buf()),
            pii: pii.clone(),
            jwt_secret: vec![9u8; 32],
            test_captcha: true,
            cors_origins: vec!["https://hr.example.org".to_owned()],
            client_requests_per_minute: 600,
            public_lookups_per_minute: 20,
            // Low, so that a test reaches the background job with a few records.
            approve_in_request: 4,
            files: std::sync::Arc::new(cme_api::storage::LocalDisk::new(dir.join("files"))),
            spool: cme_api::storage::Spool::new(dir.join("spool")),
            public_url: PUBLIC_URL.to_owned(),
            notify: cme_api::notify::Delivery::default(),
            trusted_proxies: cme_api::auth::proxies::TrustedProxies::parse("127.0.0.1, ::1").expect("proxies"),
            metrics_bind: Some("127.0.0.1:0".to_owned()),
            shutdown_drain: std::time::Duration::ZERO,
        },
        db.clone(),
    )
    .await
    .expect("build app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let metrics = format!("http://127.0.0.1:{}/metrics", app.metrics_port().expect("metrics listener"));
    tokio::spawn(app.run_until_stopped());
    (base, metrics)
}

impl TestApp {
    /// A second instance of the server on the same database, key and files
    /// (as behind a balancer): its base URL.
    pub async fn second_instance(&self) -> String {
        serve(&self.db, &self.pii, &self._spa.0).await.0
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.base)).json(body).send().await.expect("request")
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.expect("request")
    }

    /// Any method with a bearer token and an optional JSON body.
    pub async fn call_as(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> reqwest::Response {
        let mut r = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        r.send().await.expect("request")
    }

    /// Signs in and returns the token pair's JSON.
    pub async fn login(&self, username: &str, password: &str) -> serde_json::Value {
        let res = self
            .post_json("/api/v1/auth/login", &serde_json::json!({"username": username, "password": password}))
            .await;
        assert_eq!(res.status(), 200, "login {username}");
        res.json().await.expect("token pair")
    }

    /// Signs in and returns the access token.
    pub async fn token(&self, username: &str, password: &str) -> String {
        self.login(username, password).await["access_token"].as_str().unwrap_or_default().to_owned()
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
            #![allow(unused_imports, reason = "a test body may use nothing of its file")]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let $app = $crate::common::spawn($crate::common::Backend::Sqlite).await;
                $body
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::common::postgres_url().is_none() {
                    eprintln!("skipped: TEST_DATABASE_URL is not set");
                    return;
                }
                let $app = $crate::common::spawn($crate::common::Backend::Postgres).await;
                $body
            }
        }
    };
}
