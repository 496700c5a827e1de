//! No plaintext ID number anywhere at rest, nor in the logs of a run that
//! signs in, browses people and reveals a number.

mod common;

use std::io::Write as _;
use std::sync::{Arc, Mutex};

use common::fixture::{self, PASSWORD};
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, DbBackend, Statement};
use serde_json::{Value, json};

/// Collects every log line of this test binary.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Capture {
    static CAPTURE: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            let capture = Capture::default();
            let writer = capture.clone();
            let _ = tracing_subscriber::fmt()
                .with_env_filter("trace")
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .try_init();
            capture
        })
        .clone()
}

/// Every table's rows as text (bytes as they are and as hex).
async fn dump(app: &common::TestApp) -> String {
    let db = &app.db;
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DbBackend::Postgres => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.try_get::<String>("", "name").ok())
        .collect();
    assert!(tables.iter().any(|t| t == "people") && tables.len() >= 15, "{tables:?}");
    let mut out = String::new();
    for t in &tables {
        let sql = match backend {
            DbBackend::Postgres => format!("SELECT CAST(t AS TEXT) AS v FROM \"{t}\" t"),
            _ => {
                let cols: Vec<String> = db
                    .query_all_raw(Statement::from_string(backend, format!("PRAGMA table_info(\"{t}\")")))
                    .await
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| r.try_get::<String>("", "name").ok())
                    .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '') || ' ' || COALESCE(hex(\"{c}\"), '')"))
                    .collect();
                format!("SELECT {} AS v FROM \"{t}\"", cols.join(" || '|' || "))
            }
        };
        for row in db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap_or_default() {
            out.push_str(&row.try_get::<String>("", "v").unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

both_backends!(no_plaintext_id_number_in_any_table_or_log, |app| async move {
    let logs = capture_logs();
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let people: Value = app.get_as("/api/v1/people", &unit).await.json().await.unwrap_or_default();
    let masked = people["items"][0]["id_number_masked"].as_str().unwrap_or_default().to_owned();
    assert_eq!(masked.len(), 18);
    assert!(masked.contains("**********") && !people.to_string().contains(&f.a.id_number));
    let res = app
        .call_as(
            Method::POST,
            &format!("/api/v1/people/{}/reveal-id-number", f.a.person.0),
            Some(&unit),
            Some(&json!({"reason": "核对"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    // The trainee centre takes the number in a request body.
    let c: Value = app.get("/api/v1/auth/captcha").await.json().await.unwrap_or_default();
    let body = json!({"id_number": f.b.id_number, "name": f.b.person_name, "captcha_id": c["captcha_id"], "captcha_answer": c["test_answer"]});
    assert_eq!(app.post_json("/api/v1/auth/trainee/login", &body).await.status(), 200);

    let rows = dump(&app).await;
    for id in [&f.a.id_number, &f.b.id_number] {
        assert!(!rows.contains(id.as_str()), "plaintext ID number at rest");
        assert!(!rows.to_lowercase().contains(&hex(id)), "plaintext ID number at rest (as bytes)");
    }
    let _ = std::io::stdout().flush();
    let text = logs.0.lock().map(|v| String::from_utf8_lossy(&v).to_string()).unwrap_or_default();
    assert!(text.contains("/api/v1/people"), "the capture must have seen the requests");
    for id in [&f.a.id_number, &f.b.id_number] {
        assert!(!text.contains(id.as_str()), "an ID number reached the logs");
    }
});
