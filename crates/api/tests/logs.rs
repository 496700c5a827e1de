//! The JSON logs (`CME_LOG_FORMAT=json`): every line a request writes, the
//! handler's own included, carries the request's id, and the answer's
//! `X-Request-Id` is that id. A binary of its own: it installs a
//! process-wide JSON log capture.
#![cfg(test)] // always set here; said on the crate, clippy's allow-unwrap-in-tests covers the helpers too

mod common;

use std::sync::{Arc, Mutex};

use sea_orm::ConnectionTrait as _;
use serde_json::Value;

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

fn capture_json_logs() -> Capture {
    use tracing_subscriber::util::SubscriberInitExt as _;
    static CAPTURE: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            let capture = Capture::default();
            let writer = capture.clone();
            let filter = tracing_subscriber::EnvFilter::new("info");
            let _ = cme_api::telemetry::subscriber(filter, true, false, move || writer.clone()).try_init();
            capture
        })
        .clone()
}

/// The lines of the log that name `request_id` anywhere (the request span's
/// own fields, or an event's enclosing span).
fn lines_of(capture: &Capture, request_id: &str) -> Vec<Value> {
    let text = capture.0.lock().map(|v| String::from_utf8_lossy(&v).to_string()).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .filter(|v| v.to_string().contains(request_id))
        .collect()
}

#[tokio::test]
async fn every_line_of_a_request_carries_the_answer_s_request_id() {
    let capture = capture_json_logs();
    let app = common::spawn(common::Backend::Sqlite).await;
    // A table gone: the handler fails, and the error is logged inside the request.
    app.db.execute_unprepared("ALTER TABLE standards RENAME TO standards_away").await.unwrap();
    let res = app.get("/api/v1/standards").await;
    assert_eq!(res.status(), 500);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["request_id"], id.as_str());
    // The request span closes after the answer is sent.
    let started = std::time::Instant::now();
    let lines = loop {
        let lines = lines_of(&capture, &id);
        if lines.iter().any(|l| l["span"]["name"] == "HTTP request" && l["fields"]["message"] == "close")
            || started.elapsed() > std::time::Duration::from_secs(5)
        {
            break lines;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    // The error logged at the boundary and the request's own line, both with the id in their span.
    let error = lines
        .iter()
        .find(|l| l["fields"]["message"] == "request failed")
        .unwrap_or_else(|| panic!("no handler line with {id}: {lines:#?}"));
    assert_eq!(error["level"], "ERROR");
    assert_eq!(error["span"]["request_id"], id.as_str());
    assert_eq!(error["span"]["http.route"], "/api/v1/standards");
    let close = lines.iter().find(|l| l["fields"]["message"] == "close").unwrap_or_else(|| panic!("{lines:#?}"));
    assert_eq!(close["span"]["request_id"], id.as_str());
    assert_eq!(close["span"]["http.status_code"], 500);
    // Every line of the route names a request.
    let all = capture.0.lock().map(|v| String::from_utf8_lossy(&v).to_string()).unwrap_or_default();
    for line in all.lines().filter(|l| l.contains("\"/api/v1/standards\"")) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v["span"]["request_id"].as_str().is_some_and(|r| !r.is_empty()), "{line}");
    }
}
