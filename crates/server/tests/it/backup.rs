//! Backups that come back, and key rotation, black-box through the real
//! `cme`: `demo` populates a database (certificates and uploaded evidence),
//! `backup` copies it while `serve` runs, `restore` puts it into a new
//! database and a new files directory, and `serve` on the copy answers the
//! same; `rekey` moves the ID numbers to a new key, survives an
//! interruption, and leaves certificates, the audit chain and issued tokens
//! verifying. PostgreSQL when `TEST_DATABASE_URL` is set, else SQLite.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use cme_store::PiiCipher;
use cme_store::crypto::Field;
use sea_orm::{ConnectionTrait as _, DatabaseConnection, Statement};

const BIN: &str = env!("CARGO_BIN_EXE_cme");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cme-{what}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Databases made for one test, dropped at its end (PostgreSQL).
struct Databases {
    admin: Option<String>,
    made: Vec<String>,
}

impl Databases {
    fn new() -> Self {
        Databases { admin: cme_store::testing::postgres_admin_url(), made: Vec::new() }
    }

    /// A new, empty database: `file` names the SQLite file under `dir`.
    async fn fresh(&mut self, dir: &Path, file: &str) -> String {
        match &self.admin {
            Some(admin) => {
                let name = format!("cme_bak_{}", uuid::Uuid::new_v4().simple());
                let db = cme_store::connect(admin).await.expect("PostgreSQL");
                db.execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#)).await.expect("create database");
                db.close().await.expect("close");
                self.made.push(name.clone());
                cme_store::testing::with_database(admin, &name)
            }
            None => format!("sqlite://{}/{file}?mode=rwc", dir.display()),
        }
    }

    async fn drop_all(self) {
        if let Some(admin) = self.admin {
            let db = cme_store::connect(&admin).await.expect("PostgreSQL");
            for name in self.made {
                let _ = db.execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)).await;
            }
        }
    }
}

type Env = Vec<(&'static str, String)>;

fn env(url: &str, key: &str, files: &Path, dir: &Path) -> Env {
    vec![
        ("DATABASE_URL", url.to_owned()),
        ("CME_DATA_KEY", key.to_owned()),
        ("CME_FILES_DIR", files.display().to_string()),
        ("CME_STATIC_DIR", dir.join("no-spa").display().to_string()),
        ("RUST_LOG", "warn".to_owned()),
        ("NO_COLOR", "1".to_owned()),
    ]
}

fn cme(env: &Env, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("CME_DATA_KEY_PREVIOUS")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run cme")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

struct Server {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Server {
    async fn start(env: &Env) -> Server {
        let port = free_port();
        let child = Command::new(BIN)
            .arg("serve")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("CME_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let server = Server { child, base: format!("http://127.0.0.1:{port}/api/v1"), client: reqwest::Client::new() };
        let started = Instant::now();
        while !server.client.get(server.url("/health")).send().await.is_ok_and(|r| r.status() == 200) {
            assert!(started.elapsed() < Duration::from_secs(60), "the server did not become healthy");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn login(&self, username: &str) -> String {
        let r: serde_json::Value = self
            .client
            .post(self.url("/auth/login"))
            .json(&serde_json::json!({"username": username, "password": "Demo@2026"}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("json");
        r["access_token"].as_str().unwrap_or_else(|| panic!("no token: {r}")).to_owned()
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.expect("query")
}

/// Every certificate's QR token and number + check code verify at the
/// public look-ups (at most 60 look-ups a minute per client: the demo has
/// few certificates).
async fn certificates_verify(server: &Server, db: &DatabaseConnection) -> usize {
    let certs = rows(db, "SELECT qr_token, number, check_code FROM certificates").await;
    assert!(!certs.is_empty(), "the demo has certificates");
    assert!(certs.len() <= 25, "{} certificates: more than the public rate limit allows here", certs.len());
    for row in &certs {
        let token: String = row.try_get_by_index(0).expect("token");
        let number: String = row.try_get_by_index(1).expect("number");
        let code: String = row.try_get_by_index(2).expect("code");
        let by_qr = server.client.get(server.url(&format!("/public/certificates/{token}"))).send().await.expect("get");
        assert_eq!(by_qr.status(), 200, "QR token of {number}");
        let body: serde_json::Value = by_qr.json().await.expect("json");
        assert_eq!(body["number"], number.as_str(), "{body}");
        let by_number = server
            .client
            .get(server.url("/public/certificates"))
            .query(&[("number", number.as_str()), ("code", code.as_str())])
            .send()
            .await
            .expect("get");
        assert_eq!(by_number.status(), 200, "number and check code of {number}");
    }
    certs.len()
}

fn pdf(n: usize) -> Vec<u8> {
    format!("%PDF-1.4\n% evidence {n} {}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", uuid::Uuid::new_v4())
        .into_bytes()
}

#[tokio::test]
async fn a_backup_restores_into_a_new_database_and_answers_the_same() {
    let dir = temp_dir("backup");
    let mut dbs = Databases::new();
    let (_, key) = PiiCipher::generate();
    let url = dbs.fresh(&dir, "origin.db").await;
    let origin = env(&url, &key, &dir.join("files"), &dir);
    let demo = cme(&origin, &["demo", "--certified-people", "5"]);
    assert!(demo.status.success(), "{}", text(&demo));

    // Evidence uploaded over HTTP; the backup is taken while the server runs.
    let server = Server::start(&origin).await;
    let token = server.login("ylyy").await;
    let mut uploaded = Vec::new();
    for n in 0..3 {
        let bytes = pdf(n);
        let r: serde_json::Value = server
            .client
            .post(server.url("/evidence"))
            .query(&[("file_name", format!("派出证明{n}.pdf"))])
            .bearer_auth(&token)
            .header("Content-Type", "application/pdf")
            .body(bytes.clone())
            .send()
            .await
            .expect("upload")
            .json()
            .await
            .expect("json");
        uploaded.push((r["id"].as_str().unwrap_or_else(|| panic!("{r}")).to_owned(), bytes));
    }
    let out = dir.join("backup");
    let backup = cme(&origin, &["backup", "--out", &out.display().to_string()]);
    server.stop();
    assert!(backup.status.success(), "{}", text(&backup));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest["file_count"], 3, "{manifest}");
    assert_eq!(manifest["data_key_fingerprint"], PiiCipher::from_base64(&key).expect("key").key_id());
    assert!(!std::fs::read_to_string(out.join("manifest.json")).unwrap_or_default().contains(key.trim()));
    // A second backup into the same directory is refused.
    assert!(!cme(&origin, &["backup", "--out", &out.display().to_string()]).status.success());

    // Restore refuses: under another key, into a database that is not empty.
    let from = out.display().to_string();
    let target_url = dbs.fresh(&dir, "restored.db").await;
    let target = env(&target_url, &key, &dir.join("restored-files"), &dir);
    let (_, other_key) = PiiCipher::generate();
    let wrong_key =
        cme(&env(&target_url, &other_key, &dir.join("restored-files"), &dir), &["restore", "--from", &from]);
    assert!(!wrong_key.status.success());
    assert!(text(&wrong_key).contains("fingerprint"), "{}", text(&wrong_key));
    let not_empty = cme(&env(&url, &key, &dir.join("restored-files"), &dir), &["restore", "--from", &from]);
    assert!(!not_empty.status.success());
    assert!(text(&not_empty).contains("not empty"), "{}", text(&not_empty));

    // Into a new database and a new files directory.
    let restore = cme(&target, &["restore", "--from", &from]);
    assert!(restore.status.success(), "{}", text(&restore));
    assert!(text(&restore).contains("audit chain intact"), "{}", text(&restore));
    let verify = cme(&target, &["audit", "verify"]);
    assert!(verify.status.success() && text(&verify).contains("intact"), "{}", text(&verify));

    let server = Server::start(&target).await;
    let restored = cme_store::connect(&target_url).await.expect("restored database");
    certificates_verify(&server, &restored).await;
    let token = server.login("ylyy").await;
    for (id, bytes) in &uploaded {
        let r =
            server.client.get(server.url(&format!("/evidence/{id}"))).bearer_auth(&token).send().await.expect("get");
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.expect("bytes").as_ref(), bytes.as_slice(), "evidence {id}");
    }
    server.stop();
    restored.close().await.expect("close");

    // A damaged backup is refused before anything is written.
    let first = manifest["files"][0]["path"].as_str().expect("a file").to_owned();
    std::fs::write(out.join("files").join(&first), b"%PDF-1.4 altered").expect("alter");
    let third_url = dbs.fresh(&dir, "third.db").await;
    let damaged = cme(&env(&third_url, &key, &dir.join("third-files"), &dir), &["restore", "--from", &from]);
    assert!(!damaged.status.success());
    assert!(text(&damaged).contains("damaged"), "{}", text(&damaged));
    assert!(!dir.join("third-files").exists(), "nothing written");

    dbs.drop_all().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every person's ID number, decrypted under `key`, by person id.
async fn id_numbers(db: &DatabaseConnection, key: &PiiCipher) -> Vec<(uuid::Uuid, String, Vec<u8>)> {
    rows(db, "SELECT id, id_number_cipher, id_number_hmac FROM people ORDER BY id")
        .await
        .iter()
        .map(|r| {
            let id: uuid::Uuid = r.try_get_by_index(0).expect("id");
            let blob: Vec<u8> = r.try_get_by_index(1).expect("cipher");
            let hmac: Vec<u8> = r.try_get_by_index(2).expect("hmac");
            let plain = key.decrypt(Field::IdNumber, &blob).unwrap_or_default();
            (id, plain, hmac)
        })
        .collect()
}

#[tokio::test]
async fn rekey_moves_id_numbers_resumes_and_keeps_certificates_chain_and_tokens() {
    let dir = temp_dir("rekey");
    let mut dbs = Databases::new();
    let (old, old_key) = PiiCipher::generate();
    let (new, new_key) = PiiCipher::generate();
    let url = dbs.fresh(&dir, "cme.db").await;
    let files = dir.join("files");
    let before = env(&url, &old_key, &files, &dir);
    let after = env(&url, &new_key, &files, &dir);
    let mut rotating = after.clone();
    rotating.push(("CME_DATA_KEY_PREVIOUS", old_key.clone()));
    let demo = cme(&before, &["demo", "--certified-people", "3"]);
    assert!(demo.status.success(), "{}", text(&demo));
    let db = cme_store::connect(&url).await.expect("database");
    let people = id_numbers(&db, &old).await;
    assert!(people.len() > 200 && people.iter().all(|p| !p.1.is_empty()), "{} people", people.len());

    // A token issued before the rotation.
    let server = Server::start(&before).await;
    let old_token = server.login("admin").await;
    server.stop();

    // Interrupted after 2 batches of 50; then everything else refuses to start.
    let stopped = cme(&rotating, &["rekey", "--batch", "50", "--stop-after-batches", "2"]);
    assert_eq!(stopped.status.code(), Some(3), "{}", text(&stopped));
    let half = id_numbers(&db, &new).await;
    assert_eq!(half.iter().filter(|p| !p.1.is_empty()).count(), 100, "two batches moved");
    let refused = cme(&after, &["audit", "verify"]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("unfinished"), "{}", text(&refused));

    // Run again: it finishes, skipping what was done; a third run moves nothing.
    let resumed = cme(&rotating, &["rekey", "--batch", "50"]);
    assert!(resumed.status.success(), "{}", text(&resumed));
    assert!(text(&resumed).contains(&format!("{} people re-encrypted", people.len() - 100)), "{}", text(&resumed));
    assert!(text(&resumed).contains("(100 were already)"), "{}", text(&resumed));
    let again = cme(&rotating, &["rekey"]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains(" 0 people re-encrypted"), "{}", text(&again));

    // Under the new key only; the blind index is the new key's.
    let moved = id_numbers(&db, &new).await;
    assert_eq!(moved.len(), people.len());
    for ((id, number, _), (id2, number2, hmac)) in people.iter().zip(&moved) {
        assert_eq!((id, number), (id2, number2));
        assert_eq!(hmac, &new.index(number));
    }
    assert!(id_numbers(&db, &old).await.iter().all(|p| p.1.is_empty()), "nothing opens under the old key");

    let verify = cme(&after, &["audit", "verify"]);
    assert!(verify.status.success() && text(&verify).contains("intact"), "{}", text(&verify));
    // The old key alone no longer opens the database.
    let old_alone = cme(&before, &["audit", "verify"]);
    assert!(!old_alone.status.success());
    assert!(text(&old_alone).contains("key ring"), "{}", text(&old_alone));

    let server = Server::start(&after).await;
    // The token from before the rotation still signs in.
    let me = server.client.get(server.url("/me")).bearer_auth(&old_token).send().await.expect("me");
    assert_eq!(me.status(), 200);
    // People are found by ID number (the blind index) and read (decrypted).
    let token = server.login("admin").await;
    for (id, number, _) in people.iter().step_by(37) {
        let r = server
            .client
            .post(server.url("/people/lookup"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "id_number": number }))
            .send()
            .await
            .expect("lookup");
        assert_eq!(r.status(), 200, "lookup of person {id}");
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["id"], id.to_string(), "{body}");
    }
    certificates_verify(&server, &db).await;
    server.stop();
    // The rotation is in the audit log.
    let audited = rows(&db, "SELECT action FROM audit_log WHERE action = 'data_key.rotate'").await;
    assert_eq!(audited.len(), 2);
    db.close().await.expect("close");

    dbs.drop_all().await;
    let _ = std::fs::remove_dir_all(&dir);
}
