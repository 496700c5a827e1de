//! Several instances of the server on one database (issue 18): limits are
//! counted once across them, a sign-out on one reaches the others at once,
//! periodic work is claimed by one of them, and the client address comes
//! from `X-Forwarded-For` only through a trusted proxy.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::fixture::{self, PASSWORD};

async fn lookup(app: &TestApp, base: &str, from: &str) -> u16 {
    app.client
        .get(format!("{base}/api/v1/public/certificates/0000000000000000000000000A"))
        .header("x-forwarded-for", from)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

both_backends!(a_public_limit_holds_across_instances_per_forwarded_address, |app| async move {
    // The test app allows 20 lookups a minute per client address.
    let other = app.second_instance().await;
    let mut answered = Vec::new();
    for i in 0..20 {
        let base = if i % 2 == 0 { app.base.clone() } else { other.clone() };
        answered.push(lookup(&app, &base, "198.51.100.7").await);
    }
    assert!(answered.iter().all(|s| *s == 404), "20 lookups of an unknown token: {answered:?}");
    // The 21st, on either instance, is refused: the count is shared.
    assert_eq!(lookup(&app, &app.base, "198.51.100.7").await, 429);
    assert_eq!(lookup(&app, &other, "198.51.100.7").await, 429);
    let res = app
        .client
        .get(format!("{other}/api/v1/public/certificates/0000000000000000000000000A"))
        .header("x-forwarded-for", "198.51.100.7")
        .send()
        .await
        .unwrap();
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Another client behind the same balancer is not refused.
    assert_eq!(lookup(&app, &app.base, "198.51.100.8").await, 404);
    // Without the header the peer (loopback) is the client: its own count.
    let res = app.client.get(format!("{}/api/v1/public/certificates/0000000000000000000000000A", app.base));
    assert_eq!(res.send().await.unwrap().status(), 404);
});

both_backends!(periodic_work_is_claimed_by_one_instance_per_period, |app| async move {
    use cme_store::repo::exclusive_run::claim_period;
    let now = chrono::Utc::now();
    let hour = chrono::Duration::hours(1);
    let (a, b) = tokio::join!(
        claim_period(&app.db, "test-run", "instance-a", now, hour),
        claim_period(&app.db, "test-run", "instance-b", now, hour),
    );
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|c| **c).count(), 1, "exactly one instance runs it");
    // Not due again within the hour, due after it.
    assert!(!claim_period(&app.db, "test-run", "instance-b", now + chrono::Duration::minutes(59), hour).await.unwrap());
    assert!(claim_period(&app.db, "test-run", "instance-b", now + hour, hour).await.unwrap());
});

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sign_out_on_one_instance_is_refused_on_another_within_a_second() {
    // PostgreSQL only: instances share sessions' ends through LISTEN/NOTIFY
    // (SQLite serves one process).
    if crate::common::postgres_url().is_none() {
        return;
    }
    let app = crate::common::spawn(crate::common::Backend::Postgres).await;
    fixture::load(&app).await;
    let other = app.second_instance().await;
    let pair: Value = app.login("county-a", PASSWORD).await;
    let (access, refresh) = (pair["access_token"].as_str().unwrap(), pair["refresh_token"].as_str().unwrap());
    let me = |base: String| {
        let client = app.client.clone();
        async move { client.get(format!("{base}/api/v1/me")).bearer_auth(access).send().await.unwrap().status() }
    };
    // The other instance has the session cached now.
    assert_eq!(me(other.clone()).await, 200);
    // Give the listener time to be listening (it starts with the app).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let res = app.post_json("/api/v1/auth/logout", &json!({"refresh_token": refresh})).await;
    assert!(res.status().is_success(), "{}", res.status());
    let signed_out = Instant::now();
    loop {
        if me(other.clone()).await == 401 {
            break;
        }
        assert!(signed_out.elapsed() < Duration::from_secs(1), "the other instance still served the token after 1 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
