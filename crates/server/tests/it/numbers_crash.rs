//! Certificate numbers survive a crash (issue: 生成证书编号): the server is
//! killed with SIGKILL in the middle of numbering 10,000 records and
//! restarted; no number is duplicated or skipped, and running the batch
//! again finishes it. PostgreSQL when `TEST_DATABASE_URL` is set (CI), else
//! SQLite.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait as _, DatabaseConnection, DbBackend, Statement};

const RECORDS: i64 = 10_000;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

/// A fresh database URL, and what to drop afterwards.
async fn database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match cme_store::testing::postgres_admin_url() {
        Some(admin) => {
            let name = format!("cme_crash_{}", uuid::Uuid::new_v4().simple());
            let db = cme_store::connect(&admin).await.expect("PostgreSQL");
            db.execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#)).await.expect("create database");
            (cme_store::testing::with_database(&admin, &name), Some((admin, name)))
        }
        None => (format!("sqlite://{}/cme.db?mode=rwc", dir.display()), None),
    }
}

fn serve(bin: &str, env: &[(&str, String)], port: u16) -> Child {
    Command::new(bin)
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("CME_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve")
}

async fn healthy(client: &reqwest::Client, base: &str) {
    let started = Instant::now();
    while !client.get(format!("{base}/api/v1/health")).send().await.is_ok_and(|r| r.status() == 200) {
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not become healthy");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn token(client: &reqwest::Client, base: &str) -> String {
    let r: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "bench-province", "password": "Demo@2026"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    r["access_token"].as_str().expect("token").to_owned()
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect("query")
        .expect("row");
    row.try_get_by_index::<i64>(0).expect("integer")
}

/// The sequences issued, checked to be 1..=n without duplicates, with
/// certificate numbers unique and in the documented format.
async fn issued(db: &DatabaseConnection, year: i32) -> i64 {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT certificate_no, certificate_seq FROM verifications WHERE certificate_no IS NOT NULL".to_owned(),
        ))
        .await
        .expect("numbers");
    let mut seqs: Vec<i64> = Vec::new();
    let mut numbers = HashSet::new();
    for r in &rows {
        let no: String = r.try_get_by_index(0).expect("no");
        let seq: i32 = r.try_get_by_index(1).expect("seq");
        let parts: Vec<&str> = no.split('-').collect();
        assert_eq!(parts.len(), 3, "{no}");
        assert_eq!(parts[0], year.to_string());
        assert_eq!(parts[2], format!("{seq:06}"), "{no}");
        assert!(numbers.insert(no.clone()), "duplicate {no}");
        seqs.push(i64::from(seq));
    }
    seqs.sort_unstable();
    let n = i64::try_from(seqs.len()).expect("count");
    assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "a gap or a duplicate in the sequence");
    let counter = scalar(db, "SELECT CAST(COALESCE(MAX(last_seq), 0) AS BIGINT) FROM certificate_counters").await;
    assert_eq!(counter, n, "the counter must match the numbers issued");
    let log = scalar(db, "SELECT COUNT(*) FROM verification_transitions WHERE event = 'issue_number'").await;
    assert_eq!(log, n, "one transition per number");
    n
}

#[tokio::test]
async fn numbering_survives_sigkill_and_finishes_when_run_again() {
    let dir = std::env::temp_dir().join(format!("cme-crash-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (url, drop_db) = database(&dir).await;
    let env = [
        ("DATABASE_URL", url.clone()),
        ("CME_DATA_KEY_FILE", format!("{}/cme.key", dir.display())),
        ("CME_FILES_DIR", format!("{}/files", dir.display())),
        ("CME_STATIC_DIR", format!("{}/no-spa", dir.display())),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let bin = env!("CARGO_BIN_EXE_cme");
    let generated = Command::new(bin)
        .args(["generate", "--people", "10200", "--seed", "11"])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("generate");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));

    // 10,000 records approved and waiting on the province (科教处), as a
    // county-level Western hospital's would be.
    let db = cme_store::connect(&url).await.expect("connect");
    let year = i32::try_from(scalar(&db, "SELECT CAST(MAX(year) AS BIGINT) FROM credits").await).expect("year");
    db.execute_unprepared("DELETE FROM verification_transitions").await.expect("clear");
    db.execute_unprepared("DELETE FROM verifications").await.expect("clear");
    let pg = db.get_database_backend() == DbBackend::Postgres;
    let now = if pg { "now()" } else { "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')" };
    db.execute_unprepared(&format!(
        "INSERT INTO verifications (id, person_id, year, cycle_year, unit_id, unit_level, medicine, county_id, \
         prefecture_id, list_kind, state, step, current_tier, deemed_compliant, row_version, created_at, updated_at) \
         SELECT p.id, p.id, {year}, {year}, p.unit_id, 'county', 'western', p.county_id, p.prefecture_id, 'normal', \
         'approved', NULL, 'province_western', {f}, 1, {now}, {now} FROM people p ORDER BY p.id LIMIT {RECORDS}",
        f = if pg { "false" } else { "0" },
    ))
    .await
    .expect("records");
    db.execute_unprepared(&format!(
        "INSERT INTO verification_transitions (id, verification_id, seq, event, from_state, to_state, actor_tier, \
         actor_name, at) SELECT v.id, v.id, 1, 'approve', 'in_review', 'approved', 'province_western', 'test', {now} \
         FROM verifications v"
    ))
    .await
    .expect("log");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM verifications").await, RECORDS);

    // Number them; kill the server once the first chunk has committed.
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(bin, &env, port);
    healthy(&client, &base).await;
    let bearer = token(&client, &base).await;
    let request = {
        let (client, base, bearer) = (client.clone(), base.clone(), bearer.clone());
        tokio::spawn(async move {
            client
                .post(format!("{base}/api/v1/certificate-numbers"))
                .bearer_auth(bearer)
                .json(&serde_json::json!({"cycle_year": year}))
                .send()
                .await
        })
    };
    let started = Instant::now();
    while scalar(&db, "SELECT COUNT(*) FROM verifications WHERE certificate_no IS NOT NULL").await == 0 {
        assert!(started.elapsed() < Duration::from_secs(120), "no chunk was ever committed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let killed = Command::new("kill").args(["-KILL", &server.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let _ = server.wait();
    assert!(request.await.expect("task").is_err(), "the request must die with the server");

    let first = issued(&db, year).await;
    eprintln!("killed with {first} of {RECORDS} numbered");
    assert!(first > 0 && first < RECORDS, "killed in the middle: {first} of {RECORDS} numbered");
    let left = scalar(&db, "SELECT COUNT(*) FROM verifications WHERE state = 'approved'").await;
    assert_eq!(first + left, RECORDS, "each record is either numbered or still approved");

    // Restarted, the same batch finishes the rest without a gap.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(bin, &env, port);
    healthy(&client, &base).await;
    let bearer = token(&client, &base).await;
    let r = client
        .post(format!("{base}/api/v1/certificate-numbers"))
        .bearer_auth(&bearer)
        .json(&serde_json::json!({"cycle_year": year}))
        .send()
        .await
        .expect("numbers");
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["issued"].as_i64(), Some(RECORDS - first));
    assert_eq!(issued(&db, year).await, RECORDS);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM verifications WHERE state = 'approved'").await, 0);
    let _ = server.kill();
    let _ = server.wait();

    drop(db);
    if let Some((admin, name)) = drop_db
        && let Ok(admin) = cme_store::connect(&admin).await
    {
        let _ = admin.execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)).await;
    }
    let _ = std::fs::remove_dir_all(dir);
}
