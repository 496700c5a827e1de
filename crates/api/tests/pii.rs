//! Personal data and secrets: no plaintext ID number anywhere at rest, none
//! in the logs (at any level, in any form) of a run that drives every route
//! that takes or gives one; secret query parameters, secret paths and the
//! `Authorization` header never reach the request log; and every answer
//! that carries a secret says `Cache-Control: no-store`.
#![cfg(test)] // always set here; said on the crate, clippy's allow-unwrap-in-tests covers the helpers too

mod common;

use std::io::Write as _;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use chrono::{Duration, Utc};
use cme_domain::id_card::check_character;
use common::TestApp;
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

impl Capture {
    fn text(&self) -> String {
        let _ = std::io::stdout().flush();
        self.0.lock().map(|v| String::from_utf8_lossy(&v).to_string()).unwrap_or_default()
    }
}

/// Every event and span of every crate, at every level (TRACE and up),
/// through the binary's own log pipeline.
fn capture_logs() -> Capture {
    use tracing_subscriber::util::SubscriberInitExt as _;
    static CAPTURE: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            let capture = Capture::default();
            let writer = capture.clone();
            let filter = tracing_subscriber::EnvFilter::new("trace");
            let _ = cme_api::telemetry::subscriber(filter, false, false, move || writer.clone()).try_init();
            capture
        })
        .clone()
}

/// Every table's rows as text (bytes as they are and as hex).
async fn dump(app: &TestApp) -> String {
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

/// Where a log holds an ID number in any form: as written (either case,
/// any check character: its first 17 digits), with anything between its
/// digits, percent-encoded or as hex, or in base64. Returns the offending
/// lines.
fn leaks(log: &str, id: &str) -> Vec<String> {
    let id = id.to_ascii_uppercase();
    let digits = &id[..17];
    let hex_digits = hex(digits);
    let b64: Vec<String> = [id.clone(), id.to_ascii_lowercase()]
        .iter()
        .flat_map(|v| {
            [
                base64::engine::general_purpose::STANDARD.encode(v),
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v),
            ]
        })
        .map(|b| b.trim_end_matches('=').to_owned())
        .collect();
    log.lines()
        .filter(|line| {
            let lower = line.to_ascii_lowercase();
            let only_digits: String = line.chars().filter(char::is_ascii_digit).collect();
            lower.contains(digits)
                || only_digits.contains(digits)
                || lower.contains(&hex_digits)
                || only_digits.contains(&hex_digits)
                || b64.iter().any(|b| line.contains(b.as_str()))
        })
        .map(|l| l.chars().take(600).collect())
        .collect()
}

fn assert_no_leak(log: &str, ids: &[&str]) {
    for id in ids {
        let found = leaks(log, id);
        assert!(found.is_empty(), "an ID number reached the logs:\n{}", found.join("\n"));
    }
}

/// An ID number of Kunming's Wuhua district no fixture uses.
fn fresh_id(seq: u32) -> String {
    let first = format!("53010219770301{seq:03}");
    format!("{first}{}", check_character(&first).unwrap())
}

/// The same number with a wrong check character.
fn bad_check(id: &str) -> String {
    let last = if id.ends_with('1') { '2' } else { '1' };
    format!("{}{last}", &id[..17])
}

async fn body(res: reqwest::Response) -> Value {
    let text = res.text().await.unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

async fn send(app: &TestApp, method: Method, path: &str, token: &str, b: &Value) -> (u16, Value) {
    let res = app.call_as(method, path, Some(token), Some(b)).await;
    let status = res.status().as_u16();
    (status, body(res).await)
}

async fn post_raw(app: &TestApp, path: &str, token: &str, content_type: &str, b: Vec<u8>) -> (u16, Value) {
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(b)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, body(res).await)
}

async fn upload(app: &TestApp, path: &str, token: &str, file: Vec<u8>, name: &str) -> u16 {
    let part = reqwest::multipart::Part::bytes(file).file_name(name.to_owned());
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

/// A trainee's sign-in (the first sets the password): the token pair.
async fn trainee_login(app: &TestApp, id_number: &str, name: &str, password: &str) -> reqwest::Response {
    let c: Value = app.get("/api/v1/auth/captcha").await.json().await.unwrap();
    let b = json!({"id_number": id_number, "name": name, "captcha_id": c["captcha_id"],
                   "captcha_answer": c["test_answer"], "password": password});
    app.post_json("/api/v1/auth/trainee/login", &b).await
}

const Y: i32 = 2025;

/// Opens the verification cycle of `Y`.
async fn open_cycle(app: &TestApp) {
    let t = cme_domain::time::today_in_shanghai(Utc::now());
    let dates = json!({"opens_on": "2026-01-01", "data_due": t + Duration::days(40),
           "inspection_from": t + Duration::days(60), "inspection_to": t + Duration::days(90),
           "questions_until": t + Duration::days(120), "closes_on": t + Duration::days(150)});
    let kjc = app.token("kjc", PASSWORD).await;
    let (status, b) = send(app, Method::PUT, &format!("/api/v1/cycles/{Y}"), &kjc, &dates).await;
    assert_eq!(status, 200, "{b}");
}

/// Takes one person of side A's county hospital through the four-step
/// review to a numbered certificate; returns the verification's id.
async fn certify(app: &TestApp, person: cme_domain::ids::PersonId) -> String {
    let unit = app.token("unit-a", PASSWORD).await;
    let b = json!({"cycle_year": Y, "list": "normal", "people": [{"person_id": person.0}]});
    let (status, r) = send(app, Method::POST, "/api/v1/verifications", &unit, &b).await;
    assert_eq!(status, 200, "{r}");
    let id = r["ids"][0].as_str().unwrap().to_owned();
    for who in ["county-a", "pref-a", "kjc"] {
        let t = app.token(who, PASSWORD).await;
        let d = body(app.get_as(&format!("/api/v1/verifications/{id}"), &t).await).await;
        let b = json!({"decision": "approve", "items": [{"id": id, "row_version": d["record"]["row_version"]}]});
        let (status, r) = send(app, Method::POST, "/api/v1/reviews/decisions", &t, &b).await;
        assert_eq!(status, 200, "{who}: {r}");
    }
    let kjc = app.token("kjc", PASSWORD).await;
    let (status, r) = send(app, Method::POST, "/api/v1/certificate-numbers", &kjc, &json!({"cycle_year": Y})).await;
    assert_eq!((status, r["issued"].clone()), (200, json!(1)), "{r}");
    id
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
    let text = logs.text();
    assert!(text.contains("/api/v1/people"), "the capture must have seen the requests");
    assert_no_leak(&text, &[&f.a.id_number, &f.b.id_number]);
});

both_backends!(no_route_that_takes_or_gives_an_id_number_logs_it, |app| async move {
    let logs = capture_logs();
    let f = fixture::load(&app).await;
    open_cycle(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let ids: Vec<String> = (1..=8).map(fresh_id).collect();
    let mut every: Vec<String> = vec![f.a.id_number.clone(), f.b.id_number.clone()];
    every.extend(ids.iter().cloned());

    // People: create (and a bad number, and one taken), upsert, batch.
    let person = |n: &str| json!({"name": "新人", "gender": "female", "id_number": n, "discipline": "clinical"});
    let (status, created) = send(&app, Method::POST, "/api/v1/people", &unit, &person(&ids[0])).await;
    assert_eq!(status, 201, "{created}");
    let (status, _) = send(&app, Method::POST, "/api/v1/people", &unit, &person(&bad_check(&ids[1]))).await;
    assert_eq!(status, 422);
    let (status, _) = send(&app, Method::POST, "/api/v1/people", &unit, &person(&f.a.id_number)).await;
    assert_eq!(status, 409);
    let (status, r) = send(&app, Method::POST, "/api/v1/people/upsert", &unit, &person(&ids[1])).await;
    assert_eq!(status, 201, "{r}");
    let (status, _) = send(&app, Method::POST, "/api/v1/people/upsert", &unit, &person(&bad_check(&ids[2]))).await;
    assert_eq!(status, 422);
    // A number sent as a JSON number: serde's message would quote it.
    let mut as_number = person("x");
    as_number["id_number"] = json!(ids[2][..17].parse::<u64>().unwrap());
    let (status, _) = send(&app, Method::POST, "/api/v1/people/upsert", &unit, &as_number).await;
    assert_eq!(status, 422);
    let rows = json!({"rows": [person(&ids[2]), person(&bad_check(&ids[3])), person(&f.b.id_number), as_number]});
    let (status, r) = send(&app, Method::POST, "/api/v1/people/batch", &unit, &rows).await;
    assert_eq!((status, r["created"].clone()), (200, json!(1)), "{r}");

    // File imports of people.
    let headers = ["姓名", "性别", "身份证号", "科室", "专业类别", "职称", "职称级别", "取得职称日期", "手机号"];
    let line = |id: &str| -> Vec<String> {
        ["导入", "女", id, "", "护理", "", "", "", ""].iter().map(|s| (*s).to_owned()).collect()
    };
    let file =
        cme_documents::table::write_csv(&headers, &[line(&ids[3]), line(&bad_check(&ids[4])), line(&f.b.id_number)])
            .unwrap();
    assert_eq!(upload(&app, "/api/v1/people/import?mode=valid_only", &unit, file.clone(), "staff.csv").await, 200);
    assert_eq!(upload(&app, "/api/v1/people/import/errors", &unit, file, "staff.csv").await, 200);

    // The trainee centre: a right, a wrong and a malformed number.
    let res = trainee_login(&app, &f.a.id_number, &f.a.person_name, "trainee-pass-1").await;
    assert_eq!(res.status(), 200);
    let pair = body(res).await;
    let trainee = pair["access_token"].as_str().unwrap().to_owned();
    let trainee = if pair["must_change_password"] == true {
        let b = json!({"new_password": "trainee-pass-2"});
        let (status, pair) = send(&app, Method::POST, "/api/v1/auth/password", &trainee, &b).await;
        assert_eq!(status, 200);
        pair["access_token"].as_str().unwrap().to_owned()
    } else {
        trainee
    };
    assert_eq!(trainee_login(&app, &f.b.id_number, "别人", "x").await.status(), 401);
    assert_eq!(trainee_login(&app, &bad_check(&f.b.id_number), &f.b.person_name, "x").await.status(), 401);

    // A reveal gives the full number.
    let path = format!("/api/v1/people/{}/reveal-id-number", f.a.person.0);
    let (status, r) = send(&app, Method::POST, &path, &unit, &json!({"reason": "核对身份"})).await;
    assert_eq!((status, r["id_number"].clone()), (200, json!(f.a.id_number)));

    // Attendance rosters (JSON and CSV) and course completions (JSON and CSV).
    let today = cme_domain::time::today_in_shanghai(Utc::now());
    let activity = json!({"name": "学习班", "organiser": "云南省第一人民医院", "kind": "project", "source": "national",
                          "amount": 1, "starts_on": today - Duration::days(1), "ends_on": today + Duration::days(1)});
    let (status, a) = send(&app, Method::POST, "/api/v1/activities", &unit, &activity).await;
    assert_eq!(status, 201, "{a}");
    let roster = format!("/api/v1/activities/{}/roster", a["id"].as_str().unwrap());
    let b = json!({"id_numbers": [f.a.id_number, ids[0], bad_check(&ids[5]), ids[6], f.b.id_number]});
    let (status, r) = send(&app, Method::POST, &roster, &unit, &b).await;
    assert_eq!(status, 200, "{r}");
    let csv = format!("身份证号\n{}\n{}\n{}\n", ids[1], bad_check(&ids[5]), f.b.id_number);
    let (status, r) = post_raw(&app, &roster, &unit, "text/csv; charset=utf-8", csv.into_bytes()).await;
    assert_eq!(status, 200, "{r}");
    let import = "/api/v1/course-completions/import?mode=valid_only";
    let b = json!({"rows": [
        {"id_number": ids[0], "year": 2024, "completed_on": "2024-10-01"},
        {"id_number": bad_check(&ids[6]), "year": 2024, "completed_on": "2024-10-01"},
        {"id_number": f.b.id_number, "year": 2024, "completed_on": "2024-10-01"},
    ]});
    let (status, r) = send(&app, Method::POST, import, &unit, &b).await;
    assert_eq!(status, 200, "{r}");
    let csv = format!("身份证号,年度,完成日期\n{},2024,2024-10-02\n{},2024,2024-10-02\n", ids[1], ids[7]);
    let (status, r) = post_raw(&app, import, &unit, "text/csv; charset=utf-8", csv.into_bytes()).await;
    assert_eq!(status, 200, "{r}");

    // Verification and its look-ups, to a numbered certificate.
    fixture::make_compliant(&app, f.a.person, Y).await;
    let q = format!("/api/v1/verifications/candidates?cycle_year={Y}&list=normal");
    assert_eq!(app.get_as(&q, &unit).await.status(), 200);
    let verification = certify(&app, f.a.person).await;
    assert_eq!(app.get_as(&format!("/api/v1/verifications/{verification}"), &unit).await.status(), 200);
    assert_eq!(app.get_as(&format!("/api/v1/verifications?cycle_year={Y}"), &county).await.status(), 200);
    assert_eq!(app.get_as(&format!("/api/v1/reviews/queue?cycle_year={Y}"), &county).await.status(), 200);

    // Certificates: found by ID number (in a body), printed by it; the
    // number in a URL is refused, and the request log redacts it.
    let search = json!({"year": Y, "id_number": f.a.id_number});
    let (status, found) = send(&app, Method::POST, "/api/v1/certificates/search", &unit, &search).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");
    let certificate = found["items"][0].clone();
    let bad = json!({"year": Y, "id_number": bad_check(&f.a.id_number)});
    assert_eq!(send(&app, Method::POST, "/api/v1/certificates/search", &unit, &bad).await.0, 422);
    let legacy = format!("/api/v1/certificates?year={Y}&id_number={}", f.a.id_number);
    assert_eq!(app.get_as(&legacy, &unit).await.status(), 422);
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&search)).await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    let res = app.get_as(&format!("/api/v1/certificates/{}/pdf", certificate["id"].as_str().unwrap()), &unit).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get_as(&format!("/api/v1/people/{}/certificates", f.a.person.0), &unit).await.status(), 200);
    assert_eq!(app.get_as("/api/v1/me/certificates", &trainee).await.status(), 200);
    // Public verification, by QR token and by number and check code.
    let token = certificate["verify_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let res = app.get(&format!("/api/v1/public/certificates/{token}")).await;
    assert_eq!(res.status(), 200);
    let public = body(res).await;
    assert!(public["id_number"].as_str().unwrap().contains('*'), "{public}");
    let by_number = format!(
        "/api/v1/public/certificates?number={}&code={}",
        certificate["number"].as_str().unwrap(),
        certificate["check_code"].as_str().unwrap()
    );
    assert_eq!(app.get(&by_number).await.status(), 200);
    assert_eq!(app.get(&format!("/v/{token}")).await.status(), 200);

    // A title correction, previewed, requested and approved to a reissue.
    let preview = format!("/api/v1/title-corrections/preview?person_id={}&year={Y}&new_title=副主任医师", f.a.person.0);
    assert_eq!(app.get_as(&preview, &unit).await.status(), 200);
    let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
    let (status, evidence) =
        post_raw(&app, "/api/v1/evidence?file_name=title.pdf", &unit, "application/pdf", pdf).await;
    assert_eq!(status, 200, "{evidence}");
    let b = json!({"person_id": f.a.person.0, "year": Y, "new_title": "副主任医师", "obtained_on": format!("{Y}-06-01"),
                   "reason": "职称取得时间登记有误", "evidence_ids": [evidence["id"]]});
    let (status, correction) = send(&app, Method::POST, "/api/v1/title-corrections", &unit, &b).await;
    assert_eq!(status, 200, "{correction}");
    let path = format!("/api/v1/title-corrections/{}", correction["id"].as_str().unwrap());
    for who in ["unit-a", "county-a", "pref-a", "kjc"] {
        let t = app.token(who, PASSWORD).await;
        let fresh = body(app.get_as(&path, &t).await).await;
        let b = json!({"row_version": fresh["row_version"], "decision": "approve"});
        let (status, r) = send(&app, Method::POST, &format!("{path}/decision"), &t, &b).await;
        assert_eq!(status, 200, "{who}: {r}");
    }

    // Numbers where they do not belong: a path, a name filter, anywhere.
    assert_eq!(app.get_as(&format!("/api/v1/people/{}", f.a.id_number), &unit).await.status(), 400);
    assert_eq!(app.get_as(&format!("/api/v1/cycles/{}", &f.a.id_number[..17]), &unit).await.status(), 400);
    assert_eq!(app.get_as(&format!("/api/v1/people?name={}", f.b.id_number), &unit).await.status(), 200);
    let q = format!("/api/v1/compliance?year={Y}&name={}", f.a.id_number.to_lowercase());
    assert_eq!(app.get_as(&q, &unit).await.status(), 200);
    assert_eq!(app.get(&format!("/api/v1/nowhere/{}", f.b.id_number)).await.status(), 404);

    let rows = dump(&app).await;
    for id in &every {
        assert!(!rows.contains(id.as_str()), "plaintext ID number at rest");
    }
    let text = logs.text();
    for level in ["TRACE", "DEBUG", "INFO"] {
        assert!(text.contains(level), "the capture holds {level} lines");
    }
    assert!(text.contains("/api/v1/certificates/search"), "the capture must have seen the requests");
    let every: Vec<&str> = every.iter().map(String::as_str).collect();
    assert_no_leak(&text, &every);
});

both_backends!(the_request_log_redacts_secret_parameters_paths_and_credentials, |app| async move {
    let logs = capture_logs();
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    // Unique values, to find in (or miss from) the shared capture.
    let marker = uuid::Uuid::new_v4().simple().to_string();
    let token = format!("QR{}", &marker[..24]).to_uppercase();
    let code = format!("code{marker}");

    let legacy = format!("/api/v1/certificates?year=2021&id_number={}&name=m{marker}", f.a.id_number);
    assert_eq!(app.get_as(&legacy, &unit).await.status(), 422);
    assert_eq!(app.get(&format!("/v/{token}")).await.status(), 200);
    assert_eq!(app.get(&format!("/api/v1/public/certificates/{token}")).await.status(), 404);
    let lookup = format!("/api/v1/public/certificates?number=2021-530000-{}&code={code}", &marker[..6]);
    assert!(app.get(&lookup).await.status().is_client_error());
    assert_eq!(app.get(&format!("/m/sign-in?code={code}&password=p{marker}&secret=s{marker}")).await.status(), 200);
    let bearer = format!("bearer-{marker}");
    assert_eq!(app.get_as("/api/v1/me", &bearer).await.status(), 401);
    let res = app
        .client
        .post(format!("{}/api/v1/auth/token", app.base))
        .basic_auth(format!("client-{marker}"), Some(format!("basic-secret-{marker}")))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let target = |path: &str| format!("http.target={path}");
    let wanted = [
        target(&format!("/api/v1/certificates?year=2021&id_number=[redacted]&name=m{marker}")),
        target("/v/[redacted]"),
        target("/api/v1/public/certificates/[redacted]"),
        target(&format!("/api/v1/public/certificates?number=2021-530000-{}&code=[redacted]", &marker[..6])),
        target("/m/sign-in?code=[redacted]&password=[redacted]&secret=[redacted]"),
    ];
    // A request's line is written when its span closes, which may be just
    // after the client has the answer: wait for the lines (at most 5 s).
    let mut text = logs.text();
    for _ in 0..50 {
        if wanted.iter().all(|w| text.contains(w.as_str())) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        text = logs.text();
    }
    for w in &wanted {
        assert!(text.contains(w.as_str()), "the request log lacks {w}");
    }
    for secret in [token.as_str(), code.as_str(), &format!("p{marker}"), &format!("s{marker}"), bearer.as_str()] {
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(secret)).collect();
        assert!(lines.is_empty(), "{secret} reached the logs:\n{}", lines.join("\n"));
    }
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("client-{marker}:basic-secret-{marker}"));
    assert!(!text.contains(&basic) && !text.contains(&format!("basic-secret-{marker}")), "Basic credentials logged");
    assert!(!text.contains(&unit), "an access token reached the logs");
    assert!(!text.to_ascii_lowercase().contains("authorization"), "a header reached the logs");
    assert_no_leak(&text, &[&f.a.id_number]);
});

/// The header every answer with a secret carries.
fn assert_no_store(res: &reqwest::Response, what: &str) {
    let cc = res.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(cc, "no-store", "{what}: Cache-Control");
    let pragma = res.headers().get("pragma").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(pragma, "no-cache", "{what}: Pragma");
}

both_backends!(answers_that_carry_a_secret_are_not_stored, |app| async move {
    let f = fixture::load(&app).await;
    // Sign-in, refresh, password change: token pairs.
    let res = app.post_json("/api/v1/auth/login", &json!({"username": "unit-a", "password": PASSWORD})).await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "login");
    let pair = body(res).await;
    let res = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": pair["refresh_token"]})).await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "refresh");
    let unit = body(res).await["access_token"].as_str().unwrap().to_owned();
    // Captchas, and the trainee centre's sign-in.
    let res = app.get("/api/v1/auth/captcha").await;
    assert_no_store(&res, "captcha");
    let res = trainee_login(&app, &f.a.id_number, &f.a.person_name, "trainee-pass-1").await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "trainee sign-in");
    let trainee = body(res).await["access_token"].as_str().unwrap().to_owned();
    let b = json!({"new_password": "trainee-pass-2"});
    let res = app.call_as(Method::POST, "/api/v1/auth/password", Some(&trainee), Some(&b)).await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "password change");
    // A revealed ID number.
    let path = format!("/api/v1/people/{}/reveal-id-number", f.a.person.0);
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&json!({"reason": "核对"}))).await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "reveal");
    // One-time passwords.
    let b = json!({"username": "dept-a3", "display_name": "内科", "role": "department", "organisation_id": f.a.department.0});
    let res = app.call_as(Method::POST, "/api/v1/accounts", Some(&unit), Some(&b)).await;
    assert_eq!(res.status(), 201);
    assert_no_store(&res, "new account");
    let account = body(res).await["account"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/accounts/{account}/reset-password");
    let res = app.call_as(Method::POST, &path, Some(&unit), None).await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "password reset");
    // An API client's secret, and its tokens (and the refusal).
    let b = json!({"name": "HR", "scopes": ["read_hierarchy"]});
    let res = app.call_as(Method::POST, "/api/v1/api-clients", Some(&unit), Some(&b)).await;
    assert_eq!(res.status(), 201);
    assert_no_store(&res, "new API client");
    let client = body(res).await;
    let (id, secret) = (client["client"]["client_id"].as_str().unwrap(), client["client_secret"].as_str().unwrap());
    let token = |secret: String| {
        let app = &app;
        let id = id.to_owned();
        async move {
            app.client
                .post(format!("{}/api/v1/auth/token", app.base))
                .basic_auth(id, Some(secret))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap()
        }
    };
    let res = token(secret.to_owned()).await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "client token");
    let res = token("wrong".to_owned()).await;
    assert_eq!(res.status(), 401);
    assert_no_store(&res, "client token refused");
    // An activity's rotating sign-in code.
    let today = cme_domain::time::today_in_shanghai(Utc::now());
    let activity = json!({"name": "学习班", "organiser": "云南省第一人民医院", "kind": "project", "source": "national",
                          "amount": 1, "starts_on": today, "ends_on": today});
    let (status, a) = send(&app, Method::POST, "/api/v1/activities", &unit, &activity).await;
    assert_eq!(status, 201, "{a}");
    let res = app.get_as(&format!("/api/v1/activities/{}/sign-in-code", a["id"].as_str().unwrap()), &unit).await;
    assert_eq!(res.status(), 200);
    assert_no_store(&res, "sign-in code");
    // Answers without a secret stay cacheable as before.
    let res = app.get_as("/api/v1/people", &unit).await;
    assert!(res.headers().get("cache-control").is_none(), "a list is not marked");
});
