//! Observability: `/metrics` on its own listener (requests by route
//! pattern and status, latency histograms, 429s by limit, the pool, the job
//! queues, no personal data), `/health/live` and `/health/ready`, and the
//! request id every answer carries.

use std::collections::BTreeMap;

use crate::common::TestApp;
use crate::common::fixture::{self, PASSWORD};
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, Statement};
use serde_json::{Value, json};

/// One sample of the text format: its name, labels and value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').unwrap();
            let (name, labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap();
                    (k.to_owned(), v.trim_matches('"').to_owned())
                })
                .collect();
            Sample { name: name.to_owned(), labels, value: value.parse().unwrap() }
        })
        .collect()
}

/// The value of the one sample of `name` whose labels include `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let found: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).is_some_and(|x| x == v)))
        .collect();
    assert!(found.len() <= 1, "{name} {labels:?} matches {found:?}");
    found.first().map(|s| s.value)
}

async fn scrape(app: &TestApp) -> String {
    let res = reqwest::get(&app.metrics).await.unwrap();
    assert_eq!(res.status(), 200);
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    res.text().await.unwrap()
}

both_backends!(metrics_count_requests_by_route_pattern_and_status, |app| async move {
    let f = fixture::load(&app).await;
    let token = app.token("county-a", PASSWORD).await;
    let person = f.a.person.0;
    for _ in 0..2 {
        assert_eq!(app.get_as(&format!("/api/v1/people/{person}"), &token).await.status(), 200);
    }
    let missing = uuid::Uuid::now_v7();
    assert_eq!(app.get_as(&format!("/api/v1/people/{missing}"), &token).await.status(), 404);
    assert_eq!(app.get(&format!("/api/v1/no-such-thing/{missing}")).await.status(), 404);
    let samples = parse(&scrape(&app).await);
    let route = [("method", "GET"), ("route", "/api/v1/people/{id}")];
    let count = |status: &str| value(&samples, "cme_http_requests_total", &[route[0], route[1], ("status", status)]);
    assert_eq!(count("200"), Some(2.0));
    assert_eq!(count("404"), Some(1.0));
    // The latency histogram of the pattern: every bucket, cumulative, and the count.
    let buckets: Vec<(f64, f64)> = samples
        .iter()
        .filter(|s| {
            s.name == "cme_http_request_duration_seconds_bucket"
                && s.labels.get("route").is_some_and(|r| r == "/api/v1/people/{id}")
        })
        .map(|s| (s.labels["le"].replace("+Inf", "inf").parse::<f64>().unwrap(), s.value))
        .collect();
    assert_eq!(buckets.len(), 13, "{buckets:?}");
    assert!(buckets.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1), "{buckets:?}");
    assert_eq!(buckets.last().map(|b| b.1), Some(3.0));
    assert_eq!(value(&samples, "cme_http_request_duration_seconds_count", &route), Some(3.0));
    assert!(value(&samples, "cme_http_request_duration_seconds_sum", &route).unwrap() > 0.0);
    // An unknown path is `unmatched`, never itself.
    assert_eq!(
        value(&samples, "cme_http_requests_total", &[("method", "GET"), ("route", "unmatched"), ("status", "404")]),
        Some(1.0)
    );
    let text = scrape(&app).await;
    assert!(
        !text.contains(&missing.to_string()) && !text.contains(&person.to_string()) && !text.contains("no-such-thing")
    );
    // The sign-in itself is counted under its pattern.
    let samples = parse(&text);
    assert_eq!(
        value(
            &samples,
            "cme_http_requests_total",
            &[("method", "POST"), ("route", "/api/v1/auth/login"), ("status", "200")]
        ),
        Some(1.0)
    );
});

both_backends!(metrics_count_rate_limit_refusals_by_limit, |app| async move {
    let samples = parse(&scrape(&app).await);
    for limit in ["sign_in", "public_lookup", "api_client"] {
        assert_eq!(value(&samples, "cme_rate_limit_refusals_total", &[("limit", limit)]), Some(0.0), "{limit}");
    }
    let token = "0000000000000000000000000A";
    let mut refused = 0;
    for _ in 0..25 {
        if app.get(&format!("/api/v1/public/certificates/{token}")).await.status() == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 1, "the 21st lookup in a minute is refused");
    let text = scrape(&app).await;
    assert!(!text.contains(token));
    let samples = parse(&text);
    assert_eq!(
        value(&samples, "cme_rate_limit_refusals_total", &[("limit", "public_lookup")]),
        Some(f64::from(refused))
    );
    assert_eq!(value(&samples, "cme_rate_limit_refusals_total", &[("limit", "sign_in")]), Some(0.0));
    assert_eq!(
        value(
            &samples,
            "cme_http_requests_total",
            &[("route", "/api/v1/public/certificates/{token}"), ("status", "429")]
        ),
        Some(f64::from(refused))
    );

    // The sign-in limit.
    fixture::load(&app).await;
    for _ in 0..100 {
        cme_store::repo::login_failure::record(&app.db, "account:unit-a").await.unwrap();
    }
    let res = app.post_json("/api/v1/auth/login", &json!({"username": "unit-a", "password": PASSWORD})).await;
    assert_eq!(res.status(), 429);
    let samples = parse(&scrape(&app).await);
    assert_eq!(value(&samples, "cme_rate_limit_refusals_total", &[("limit", "sign_in")]), Some(1.0));
});

both_backends!(metrics_show_the_pool_and_the_job_queues, |app| async move {
    let f = fixture::load(&app).await;
    let samples = parse(&scrape(&app).await);
    for (queue, state) in
        [("print", "queued"), ("print", "running"), ("approve_all", "running"), ("reminder_outbox", "waiting")]
    {
        assert_eq!(value(&samples, "cme_jobs", &[("queue", queue), ("state", state)]), Some(0.0), "{queue} {state}");
    }
    let max = value(&samples, "cme_db_pool_max_connections", &[]).unwrap();
    assert!(max >= 1.0, "{max}");
    let in_use = value(&samples, "cme_db_pool_connections", &[("state", "in_use")]).unwrap();
    let idle = value(&samples, "cme_db_pool_connections", &[("state", "idle")]).unwrap();
    assert!(in_use >= 0.0 && idle >= 0.0 && in_use + idle <= max, "{in_use} {idle} {max}");
    assert_eq!(value(&samples, "cme_metrics_database_errors", &[]), Some(0.0));

    // An approve-all job running (nobody advances this one) shows at the next scrape.
    let account = cme_store::repo::account::find_by_username(&app.db, "county-a").await.unwrap().unwrap().0;
    let work = cme_store::repo::review_job::Work {
        account_id: account.id,
        tier: "county_office".to_owned(),
        ip: "127.0.0.1".to_owned(),
        matching: serde_json::json!({}),
        records: Vec::new(),
    };
    cme_store::repo::review_job::start(&app.db, &work, 2026, "an-instance-still-beating").await.unwrap();
    let samples = parse(&scrape(&app).await);
    assert_eq!(value(&samples, "cme_jobs", &[("queue", "approve_all"), ("state", "running")]), Some(1.0));
    let _ = f;

    // Reminders raised are counted by kind (for the whole process: at least these).
    let r = cme_domain::notification::Reminder {
        kind: cme_domain::notification::NotificationKind::RecordsReturned,
        title: "退回".to_owned(),
        body: "有记录被退回".to_owned(),
        link: "/".to_owned(),
        dedupe_key: format!("ops-test-{}", uuid::Uuid::new_v4()),
    };
    let before = value(&samples, "cme_reminders_raised_total", &[("kind", "records_returned")]).unwrap_or(0.0);
    let raised =
        cme_api::notify::raise(&app.db, &cme_api::notify::Delivery::default(), &[account.id], &r).await.unwrap();
    assert_eq!(raised, 1);
    let samples = parse(&scrape(&app).await);
    let after = value(&samples, "cme_reminders_raised_total", &[("kind", "records_returned")]).unwrap();
    assert!(after >= before + 1.0, "{before} → {after}");
});

both_backends!(metrics_hold_no_personal_data, |app| async move {
    let f = fixture::load(&app).await;
    let token = app.token("county-a", PASSWORD).await;
    let id = f.a.id_number.clone();
    let name = f.a.person_name.clone();
    // An ID number and a name where a client might put them: a path, a query, a body.
    app.get_as(&format!("/api/v1/people/{id}"), &token).await;
    app.get_as(&format!("/api/v1/people?q={name}&id_number={id}"), &token).await;
    app.get(&format!("/v/{id}")).await;
    app.get(&format!("/api/v1/public/certificates/{id}")).await;
    let res = app.call_as(Method::POST, "/api/v1/people/lookup", Some(&token), Some(&json!({"id_number": id}))).await;
    assert_eq!(res.status(), 200);
    let text = scrape(&app).await;
    assert!(text.contains("/api/v1/people/lookup"), "{text}");
    for secret in [&id[..17], name.as_str(), token.as_str(), "%E"] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
    // Every route label is a pattern of the route table or `unmatched`.
    for s in parse(&text) {
        if let Some(route) = s.labels.get("route") {
            assert!(route == "unmatched" || route.starts_with("/api/") || route.starts_with("/assets/"), "{route}");
        }
    }
});

both_backends!(liveness_and_readiness, |app| async move {
    let res = app.get("/api/v1/health/live").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    // A database without this version's last migration is not ready.
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT version, applied_at FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap();
    let version: String = row.try_get("", "version").unwrap();
    let applied_at: i64 = row.try_get("", "applied_at").unwrap();
    app.db
        .execute_raw(Statement::from_string(
            backend,
            format!("DELETE FROM seaql_migrations WHERE version = '{version}'"),
        ))
        .await
        .unwrap();
    let res = app.get("/api/v1/health/ready").await;
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["down"], json!(["migrations"]), "{body}");
    assert_eq!(body["database"]["reachable"], true);
    // Liveness does not care.
    assert_eq!(app.get("/api/v1/health/live").await.status(), 200);
    app.db
        .execute_raw(Statement::from_string(
            backend,
            format!("INSERT INTO seaql_migrations (version, applied_at) VALUES ('{version}', {applied_at})"),
        ))
        .await
        .unwrap();
    let res = app.get("/api/v1/health/ready").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["database"]["reachable"], true);
    assert_eq!(body["database"]["backend"], app.backend);
    assert!(body["down"].as_array().unwrap().iter().all(|d| d == "documents"), "{body}");
});

both_backends!(every_answer_carries_its_request_id, |app| async move {
    let id_of = |res: &reqwest::Response| {
        let v = res.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(uuid::Uuid::parse_str(&v).is_ok(), "X-Request-Id {v:?}");
        v
    };
    let ok = app.get("/api/v1/health/live").await;
    let first = id_of(&ok);
    let again = id_of(&app.get("/api/v1/health/live").await);
    assert_ne!(first, again);
    // One a client sends is not taken.
    let res = app
        .client
        .get(format!("{}/api/v1/health/live", app.base))
        .header("x-request-id", "chosen-by-me")
        .send()
        .await
        .unwrap();
    assert_ne!(id_of(&res), "chosen-by-me");
    // A problem carries it in its body too; so do the SPA and unknown paths.
    let res = app.get("/api/v1/people").await;
    assert_eq!(res.status(), 401);
    let id = id_of(&res);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());
    assert_eq!(body["code"], "unauthorized");
    let res = app.get("/api/v1/no-such-thing").await;
    let id = id_of(&res);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());
    id_of(&app.get("/").await);
    // A validation problem keeps its fields.
    let res = app.post_raw("/api/v1/auth/login", "application/json", "{\"username\": 1}").await;
    assert_eq!(res.status(), 422);
    let id = id_of(&res);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());
    assert!(!body["errors"].as_array().unwrap().is_empty(), "{body}");
});
