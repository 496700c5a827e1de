//! The `cme` binary, black-box: `demo` loads a province, `serve` answers
//! over HTTP from it, and SIGTERM stops it cleanly.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cme-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

#[tokio::test]
async fn demo_then_serve_then_sigterm() {
    let dir = temp_dir();
    let db = format!("sqlite://{}/cme.db?mode=rwc", dir.display());
    let env = [("DATABASE_URL", db.as_str()), ("CME_DATA_KEY_FILE", &format!("{}/cme.key", dir.display()))];
    let bin = env!("CARGO_BIN_EXE_cme");

    let demo = Command::new(bin).arg("demo").envs(env).current_dir(&dir).output().expect("run demo");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    // A second `demo --if-empty` leaves the data alone; a plain `demo` refuses.
    let again = Command::new(bin).args(["demo", "--if-empty"]).envs(env).current_dir(&dir).output().expect("demo");
    assert!(again.status.success());
    let refused = Command::new(bin).arg("demo").envs(env).current_dir(&dir).output().expect("demo");
    assert!(!refused.status.success());

    let port = free_port();
    let metrics_port = free_port();
    let mut server = Command::new(bin)
        .arg("serve")
        .envs(env)
        .env("CME_BIND", format!("127.0.0.1:{port}"))
        .env("CME_METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
        .env("CME_SHUTDOWN_DRAIN_SECS", "2")
        .env("CME_LOG_FORMAT", "json")
        .env("CME_STATIC_DIR", dir.join("no-spa"))
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/api/v1/health")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not become healthy");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let standards: serde_json::Value =
        client.get(format!("{base}/api/v1/standards")).send().await.expect("get").json().await.expect("json");
    assert!(standards.as_array().is_some_and(|a| a.len() >= 11));
    // Without a built SPA the root says so instead of failing.
    let root = client.get(&base).send().await.expect("get").text().await.unwrap_or_default();
    assert!(root.contains("前端尚未构建"));

    // Metrics on their own listener only.
    let metrics = client.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.expect("metrics");
    assert_eq!(metrics.status(), 200);
    let metrics = metrics.text().await.unwrap_or_default();
    assert!(
        metrics.contains("cme_http_requests_total{method=\"GET\",route=\"/api/v1/standards\",status=\"200\"} 1"),
        "{metrics}"
    );
    let public = client.get(format!("{base}/metrics")).send().await.expect("get").text().await.unwrap_or_default();
    assert!(!public.contains("cme_http_requests_total"), "the public listener serves no metrics");
    assert_eq!(client.get(format!("{base}/api/v1/health/ready")).send().await.expect("ready").status(), 200);

    // SIGTERM: not ready at once, still serving through the drain, then stopped.
    let kill = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    let signalled = Instant::now();
    loop {
        let ready = client.get(format!("{base}/api/v1/health/ready")).send().await.expect("ready while draining");
        if ready.status() == 503 {
            let body: serde_json::Value = ready.json().await.expect("json");
            assert!(body["down"].as_array().is_some_and(|d| d.iter().any(|x| x == "shutting_down")), "{body}");
            break;
        }
        assert!(signalled.elapsed() < Duration::from_secs(1), "still ready a second after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let during = client.get(format!("{base}/api/v1/standards")).send().await.expect("served while draining");
    assert_eq!(during.status(), 200);
    assert!(signalled.elapsed() < Duration::from_secs(2), "the checks took the whole drain");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    let output = server.wait_with_output().expect("output");
    let log = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("stopped"), "{log}");
    // It stopped after the drain, not before.
    assert!(signalled.elapsed() >= Duration::from_secs(2), "stopped before the drain ended");
    assert!(log.contains("not ready from now on"), "{log}");
    // JSON lines, the request's id on the request's lines.
    assert!(log.lines().filter(|l| l.contains("/api/v1/standards")).all(|l| l.contains("\"request_id\":\"")), "{log}");
    // The demo's ID numbers never reach the log.
    assert!(!log.chars().collect::<Vec<_>>().windows(18).any(|w| {
        let s: String = w.iter().collect();
        s.starts_with("53") && s.chars().take(17).all(|c| c.is_ascii_digit())
    }));

    // Production mode refuses a missing key, a missing public URL, and then the demo password.
    let prod = Command::new(bin)
        .arg("serve")
        .envs(env)
        .env("CME_ENV", "production")
        .current_dir(&dir)
        .output()
        .expect("serve");
    assert!(!prod.status.success());
    assert!(String::from_utf8_lossy(&prod.stderr).contains("CME_DATA_KEY"));
    let key = std::fs::read_to_string(dir.join("cme.key")).expect("dev key");
    // Then a missing public URL: links must not follow the Host header.
    let prod = Command::new(bin)
        .arg("serve")
        .envs(env)
        .env("CME_ENV", "production")
        .env("CME_DATA_KEY", key.trim())
        .current_dir(&dir)
        .output()
        .expect("serve");
    assert!(!prod.status.success());
    assert!(String::from_utf8_lossy(&prod.stderr).contains("CME_PUBLIC_URL"));
    let prod = Command::new(bin)
        .arg("serve")
        .envs(env)
        .env("CME_ENV", "production")
        .env("CME_DATA_KEY", key.trim())
        .env("CME_PUBLIC_URL", "https://cme.example.gov.cn")
        .env("CME_BIND", format!("127.0.0.1:{}", free_port()))
        .current_dir(&dir)
        .output()
        .expect("serve");
    assert!(!prod.status.success());
    assert!(
        String::from_utf8_lossy(&prod.stderr).contains("demo password"),
        "{}",
        String::from_utf8_lossy(&prod.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn audit_verify_names_the_first_broken_entry() {
    use sea_orm::ConnectionTrait as _;
    let dir = temp_dir().join("audit");
    std::fs::create_dir_all(&dir).expect("audit dir");
    let db_url = format!("sqlite://{}/cme.db?mode=rwc", dir.display());
    let key_file = format!("{}/cme.key", dir.display());
    let env = [("DATABASE_URL", db_url.as_str()), ("CME_DATA_KEY_FILE", key_file.as_str())];
    let bin = env!("CARGO_BIN_EXE_cme");
    let demo = Command::new(bin).arg("demo").envs(env).current_dir(&dir).output().expect("run demo");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let verify = || Command::new(bin).args(["audit", "verify"]).envs(env).current_dir(&dir).output().expect("verify");
    // Entries written as the server writes them, under the key derived
    // from the data key.
    let key = std::fs::read_to_string(&key_file).expect("the demo's key file");
    let cipher = cme_store::PiiCipher::from_base64(&key).expect("a key");
    cme_store::repo::audit::use_key(cipher.audit_key());
    let db = cme_store::connect(&db_url).await.expect("open the database");
    for i in 0..10 {
        let entry = cme_store::repo::audit::AuditEntry::new(cme_domain::audit::AuditAction::AuthLoginFailure)
            .detail(serde_json::json!({ "i": i }));
        cme_store::repo::audit::append(&db, &entry).await.expect("append");
    }
    db.close().await.expect("close");

    let ok = verify();
    let out = String::from_utf8_lossy(&ok.stdout).to_string();
    assert!(ok.status.success() && out.contains("intact"), "{out}");

    // Under another key every entry fails: the chain cannot be recomputed
    // by whoever holds the database alone.
    let other = format!("{}/other.key", dir.display());
    let foreign = Command::new(bin)
        .args(["audit", "verify"])
        .envs([("DATABASE_URL", db_url.as_str()), ("CME_DATA_KEY_FILE", other.as_str())])
        .current_dir(&dir)
        .output()
        .expect("verify");
    assert_eq!(foreign.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&foreign.stdout).contains("entry 1"));

    // The database refuses to edit the log; past its trigger, an edit is named.
    let db = cme_store::connect(&db_url).await.expect("open the database");
    assert!(db.execute_unprepared("UPDATE audit_log SET actor_name = 'x' WHERE seq = 5").await.is_err());
    db.execute_unprepared("DROP TRIGGER tr_audit_log_no_update").await.expect("drop trigger");
    db.execute_unprepared("UPDATE audit_log SET actor_name = 'x' WHERE seq = 5").await.expect("edit");
    db.close().await.expect("close");
    let broken = verify();
    let out = String::from_utf8_lossy(&broken.stdout).to_string();
    assert_eq!(broken.status.code(), Some(1), "{out}");
    assert!(out.contains("BROKEN at entry 5"), "{out}");
}
