//! The `cme` binary, black-box: `demo` loads a province, `serve` answers
//! over HTTP from it, and SIGTERM stops it cleanly.
#![expect(clippy::expect_used, reason = "a test that cannot start must stop")]

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
    let mut server = Command::new(bin)
        .arg("serve")
        .envs(env)
        .env("CME_BIND", format!("127.0.0.1:{port}"))
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

    let kill = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill");
    assert!(kill.success());
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
