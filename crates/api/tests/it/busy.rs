//! A busy database: a statement past its timeout answers 503 with
//! `Retry-After`, and a province's recomputation runs once at a time.

use crate::common::{self, Backend, TestApp};
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, TransactionTrait as _};
use serde_json::{Value, json};

use crate::common::fixture::{self, PASSWORD};

const RECOMPUTE_RUN: &str = "compliance_recompute";

fn evaluate_body() -> Value {
    json!({"year": 2021, "unit_level": "county", "title_level": "senior", "discipline": "clinical",
           "mandatory_course_completed": true, "credits": [{"kind": "project", "source": "national", "amount": 10}]})
}

async fn statement_timeout_answers_503(app: TestApp) {
    assert_eq!(app.post_json("/api/v1/compliance/evaluate", &evaluate_body()).await.status(), 200);
    if app.backend != "postgres" {
        // SQLite has no statement timeout (one process, one writer at a time).
        return;
    }
    // A transaction holds the standards (as a long migration would): the
    // calculator's read waits on it until the pool's statement timeout.
    let holder = app.db.begin().await.unwrap();
    holder.execute_unprepared("LOCK TABLE standards IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let started = std::time::Instant::now();
    let res = app.post_json("/api/v1/compliance/evaluate", &evaluate_body()).await;
    assert_eq!(res.status(), 503, "after {:?}", started.elapsed());
    assert_eq!(res.headers()["retry-after"], "5");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "service_unavailable");
    assert!(p["detail"].as_str().unwrap().contains("超时"), "{p}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "cancelled, not waited out");
    holder.rollback().await.unwrap();
    assert_eq!(app.post_json("/api/v1/compliance/evaluate", &evaluate_body()).await.status(), 200);
}

#[tokio::test]
async fn a_statement_past_its_timeout_answers_503_sqlite() {
    statement_timeout_answers_503(common::spawn_with(Backend::Sqlite, Some("300ms")).await).await;
}

#[tokio::test]
async fn a_statement_past_its_timeout_answers_503_postgres() {
    if common::postgres_url().is_none() {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    }
    statement_timeout_answers_503(common::spawn_with(Backend::Postgres, Some("300ms")).await).await;
}

both_backends!(one_recomputation_at_a_time_across_instances, |app| async move {
    fixture::load(&app).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let year = json!({"year": 2021});
    let recompute = || app.call_as(Method::POST, "/api/v1/compliance/recompute", Some(&kjc), Some(&year));

    // Another instance runs one: this one refuses, in words.
    use cme_store::repo::exclusive_run;
    assert!(exclusive_run::claim(&app.db, RECOMPUTE_RUN, "other-instance").await.unwrap());
    let res = recompute().await;
    assert_eq!(res.status(), 409);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "recompute_running");
    assert!(p["detail"].as_str().unwrap().contains("正在进行"), "{p}");

    // It ends: this one runs, and leaves no claim behind.
    exclusive_run::release(&app.db, RECOMPUTE_RUN, "other-instance").await.unwrap();
    assert_eq!(recompute().await.status(), 200);
    // The claim is held until the VACUUM after a large rewrite ends (in the
    // background on PostgreSQL), then released.
    let mut last = 0;
    for _ in 0..300 {
        last = recompute().await.status().as_u16();
        if last != 409 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(last, 200, "the claim was released");

    // An instance that died holding it: its claim lapses with its lease.
    assert!(exclusive_run::claim(&app.db, RECOMPUTE_RUN, "dead-instance").await.unwrap());
    assert!(!exclusive_run::claim(&app.db, RECOMPUTE_RUN, "third-instance").await.unwrap(), "held");
    let lapsed = sea_orm::sea_query::Query::update()
        .table(sea_orm::sea_query::Alias::new("exclusive_runs"))
        .value(sea_orm::sea_query::Alias::new("expires_at"), chrono::Utc::now() - chrono::Duration::minutes(1))
        .to_owned();
    app.db.execute(&lapsed).await.unwrap();
    assert_eq!(recompute().await.status(), 200);
});
