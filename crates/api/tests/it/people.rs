//! Personnel upkeep over real HTTP on both backends: create, ETag/If-Match,
//! titles moving the standard, status history, transfers, file imports,
//! HR batches and idempotency keys.

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD};
use chrono::{Datelike as _, NaiveDate};
use cme_domain::auth::{Role, Scope};
use cme_domain::id_card::check_character;
use cme_domain::ids::PersonId;
use cme_store::repo::{account, evaluation};
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, Statement};
use serde_json::{Value, json};

/// A valid ID number: Kunming's Wuhua district, a birth date from `n`, and
/// a sequence from `n` (so every `n` below 36,000 differs).
fn id_number(n: u32) -> String {
    let birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default() + chrono::Duration::days(i64::from(n / 100));
    let first = format!("530102{}{:03}", birth.format("%Y%m%d"), 100 + n % 100);
    format!("{first}{}", check_character(&first).unwrap_or('0'))
}

/// The same number with a wrong check character.
fn bad_check_digit(n: u32) -> String {
    let good = id_number(n);
    let last = good.chars().last().unwrap_or('0');
    let wrong = if last == '1' { '2' } else { '1' };
    format!("{}{wrong}", &good[..17])
}

async fn people_count(app: &TestApp) -> i64 {
    let b = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(b, "SELECT CAST(count(*) AS BIGINT) AS n FROM people"))
        .await
        .unwrap_or_default();
    row.and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(-1)
}

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: Option<&Value>) -> reqwest::Response {
    app.call_as(method, path, Some(token), body).await
}

async fn send_if_match(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    etag: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("if-match", etag)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn etag_of(res: &reqwest::Response) -> String {
    res.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

fn new_person(n: u32, title: Option<(&str, &str)>) -> Value {
    let mut body = json!({"name": format!("新人{n}"), "gender": "female", "id_number": id_number(n),
                          "discipline": "clinical", "phone": "13800001234"});
    if let Some((name, on)) = title {
        body["title"] = json!({"name": name, "obtained_on": on});
    }
    body
}

/// A unit account on side B (the receiving end of transfers).
async fn unit_b(app: &TestApp, f: &Fixture) -> String {
    let hash = cme_api::auth::password::hash(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    account::insert(
        &app.db,
        &account::NewAccount {
            username: "unit-b".into(),
            role: Role::Unit,
            scope: Scope::Unit(f.b.unit),
            display_name: "unit-b".into(),
            password_hash: Some(hash),
            must_change_password: false,
            created_by: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    app.token("unit-b", PASSWORD).await
}

both_backends!(create_and_edit_with_etags, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let dept = app.token("dept-a", PASSWORD).await;

    let res =
        send(&app, Method::POST, "/api/v1/people", &unit, Some(&new_person(1, Some(("医师", "2015-07-01"))))).await;
    assert_eq!(res.status(), 201);
    let etag = etag_of(&res);
    assert!(etag.starts_with('"') && etag.ends_with(".1\""), "{etag}");
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let created: Value = res.json().await.unwrap_or_default();
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(location, format!("/api/v1/people/{id}"));
    assert_eq!(created["unit_id"], json!(f.a.unit.0));
    assert_eq!(created["phone_masked"], "138****1234");
    assert_eq!(created["titles"][0]["level"], "junior");
    assert!(!created.to_string().contains(&id_number(1)), "the answer carries the ID number masked only");

    // The same number again, anywhere: 409 naming the field, not the place.
    let res = send(
        &app,
        Method::POST,
        "/api/v1/people",
        &unit_b(&app, &f).await,
        Some(&json!({
        "name": "重复", "gender": "male", "id_number": id_number(1), "unit_id": f.b.unit.0, "discipline": "clinical"})),
    )
    .await;
    assert_eq!(res.status(), 409);
    let problem: Value = res.json().await.unwrap_or_default();
    assert_eq!(problem["code"], "already_exists");
    assert_eq!(problem["errors"][0]["field"], "id_number");
    assert!(!problem.to_string().contains("甲县"), "never says where: {problem}");
    let mut bad = new_person(2, None);
    bad["id_number"] = json!(bad_check_digit(2));
    let res = send(&app, Method::POST, "/api/v1/people", &unit, Some(&bad)).await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap_or_default();
    assert_eq!(problem["errors"][0]["field"], "id_number");
    // A department creates in its own department only.
    let mut other = new_person(3, None);
    other["department_id"] = json!(f.b.department.0);
    assert_eq!(send(&app, Method::POST, "/api/v1/people", &dept, Some(&other)).await.status(), 403);
    let res = send(&app, Method::POST, "/api/v1/people", &dept, Some(&new_person(3, None))).await;
    assert_eq!(res.status(), 201);
    let by_dept: Value = res.json().await.unwrap_or_default();
    assert_eq!(by_dept["department_id"], json!(f.a.department.0));

    // GET carries the ETag; PATCH needs If-Match.
    let path = format!("/api/v1/people/{id}");
    let res = app.get_as(&path, &unit).await;
    assert_eq!(res.status(), 200);
    assert_eq!(etag_of(&res), etag);
    let rename = json!({"name": "改名后", "reason": "户籍更名"});
    let res = send(&app, Method::PATCH, &path, &unit, Some(&rename)).await;
    assert_eq!(res.status(), 428);
    assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    let stale = etag.replace(".1\"", ".0\"");
    assert_eq!(send_if_match(&app, Method::PATCH, &path, &unit, &stale, &rename).await.status(), 412);
    let res = send_if_match(&app, Method::PATCH, &path, &unit, &etag, &rename).await;
    assert_eq!(res.status(), 200);
    let etag2 = etag_of(&res);
    assert!(etag2.ends_with(".2\""), "{etag2}");
    let body: Value = res.json().await.unwrap_or_default();
    assert_eq!(body["name"], "改名后");
    // The old tag is stale now.
    assert_eq!(send_if_match(&app, Method::PATCH, &path, &unit, &etag, &json!({"name": "再改"})).await.status(), 412);

    // Two edits with the same tag at once: exactly one wins.
    let (first, second) = (json!({"name": "甲改"}), json!({"name": "乙改"}));
    let (a, b) = tokio::join!(
        send_if_match(&app, Method::PATCH, &path, &unit, &etag2, &first),
        send_if_match(&app, Method::PATCH, &path, &unit, &etag2, &second),
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, vec![200, 412]);

    // Every change is in the audit log, with who and why.
    let audit: Value = app
        .get_as("/api/v1/audit?limit=50", &app.token("admin", PASSWORD).await)
        .await
        .json()
        .await
        .unwrap_or_default();
    let actions: Vec<&str> =
        audit["items"].as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"person.create") && actions.contains(&"person.update"), "{actions:?}");
    let update = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["action"] == "person.update" && e["detail"]["changes"]["name"]["to"] == "改名后");
    assert_eq!(update.map(|e| e["detail"]["reason"].clone()), Some(json!("户籍更名")));
});

both_backends!(titles_move_the_standard_and_status_keeps_history, |app| async move {
    let _f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let res =
        send(&app, Method::POST, "/api/v1/people", &unit, Some(&new_person(7, Some(("医师", "2015-07-01"))))).await;
    let etag = etag_of(&res);
    let created: Value = res.json().await.unwrap_or_default();
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    let pid = PersonId(uuid::Uuid::parse_str(&id).unwrap_or_default());
    let year = cme_domain::time::today_in_shanghai(chrono::Utc::now()).year();
    let before = evaluation::evaluate_person_year(&app.db, pid, year).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(before.profile.title_level, Some(cme_domain::person::TitleLevel::Junior));

    let title = json!({"name": "主治医师", "obtained_on": format!("{year}-01-02"), "reason": "晋升"});
    let path = format!("/api/v1/people/{id}/titles");
    assert_eq!(send(&app, Method::POST, &path, &unit, Some(&title)).await.status(), 428);
    let res = send_if_match(&app, Method::POST, &path, &unit, &etag, &title).await;
    assert_eq!(res.status(), 201);
    let etag = etag_of(&res);
    let body: Value = res.json().await.unwrap_or_default();
    assert_eq!(body["titles"].as_array().map(Vec::len), Some(2), "the history is kept");
    assert_eq!(body["title"]["name"], "主治医师");
    // The standard follows: this year's row is the intermediate one, last year's stays junior.
    let after = evaluation::evaluate_person_year(&app.db, pid, year).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.profile.title_level, Some(cme_domain::person::TitleLevel::Intermediate));
    assert_ne!(after.row, before.row);
    let last_year = evaluation::evaluate_person_year(&app.db, pid, year - 1).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(last_year.profile.title_level, Some(cme_domain::person::TitleLevel::Junior));
    // A level that contradicts the catalogue is refused, naming the field.
    let wrong = json!({"name": "主任医师", "level": "junior", "obtained_on": format!("{year}-02-01")});
    let res = send_if_match(&app, Method::POST, &path, &unit, &etag, &wrong).await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap_or_default();
    assert_eq!(problem["errors"][0]["field"], "level");

    let status_path = format!("/api/v1/people/{id}/status");
    let change = json!({"status": "exempt", "reason": "长期病假", "effective_on": format!("{year}-03-01")});
    assert_eq!(send(&app, Method::POST, &status_path, &unit, Some(&change)).await.status(), 428);
    let res = send_if_match(&app, Method::POST, &status_path, &unit, &etag, &change).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap_or_default();
    assert_eq!(body["status"], "exempt");
    assert_eq!(body["status_changes"][0]["from"], "normal");
    assert_eq!(body["status_changes"][0]["reason"], "长期病假");
    assert_eq!(body["status_changes"][0]["effective_on"], format!("{year}-03-01"));
    assert_eq!(body["status_changes"][0]["changed_by"], "unit-a");
});

both_backends!(transfers_are_asked_accepted_rejected_and_kept, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let other = unit_b(&app, &f).await;
    let person = f.a.person.0;

    // By the receiving unit's code; one open transfer per person.
    let ask = json!({"to_unit_code": "U530381", "reason": "工作调动"});
    let path = format!("/api/v1/people/{person}/transfers");
    let res = send(&app, Method::POST, &path, &unit, Some(&ask)).await;
    assert_eq!(res.status(), 201);
    let t: Value = res.json().await.unwrap_or_default();
    assert_eq!(t["state"], "pending");
    let tid = t["id"].as_str().unwrap_or_default().to_owned();
    let res = send(&app, Method::POST, &path, &unit, Some(&ask)).await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["code"], "transfer_open");
    // A department cannot transfer.
    assert_eq!(send(&app, Method::POST, &path, &app.token("dept-a", PASSWORD).await, Some(&ask)).await.status(), 403);

    // The receiving unit sees it, masked, before the person is its own.
    let incoming: Value =
        app.get_as("/api/v1/transfers?direction=incoming&state=pending", &other).await.json().await.unwrap_or_default();
    assert_eq!(incoming["items"].as_array().map(Vec::len), Some(1));
    let item = &incoming["items"][0];
    assert_eq!(item["person"]["name"], f.a.person_name);
    assert!(item["person"]["id_number_masked"].as_str().is_some_and(|m| m.contains("****")));
    assert!(!incoming.to_string().contains(&f.a.id_number));
    assert_eq!(item["from_unit"]["name"], "甲县人民医院");
    let outgoing: Value =
        app.get_as("/api/v1/transfers?direction=outgoing", &unit).await.json().await.unwrap_or_default();
    assert_eq!(outgoing["items"][0]["id"], json!(tid));
    assert_eq!(app.get_as(&format!("/api/v1/people/{person}"), &other).await.status(), 404);
    // Only the receiver accepts; only the sender withdraws.
    let accept = format!("/api/v1/transfers/{tid}/accept");
    assert_eq!(send(&app, Method::POST, &accept, &unit, Some(&json!({}))).await.status(), 403);
    let cancel = format!("/api/v1/transfers/{tid}/cancel");
    assert_eq!(send(&app, Method::POST, &cancel, &other, Some(&json!({"reason": "不是我发起的"}))).await.status(), 403);
    let res = send(&app, Method::POST, &accept, &other, Some(&json!({"department_id": f.b.department.0}))).await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap_or_default();
    assert_eq!(done["state"], "accepted");
    assert_eq!(send(&app, Method::POST, &accept, &other, Some(&json!({}))).await.status(), 409);

    // The person moved; the history stays with him.
    let moved: Value = app.get_as(&format!("/api/v1/people/{person}"), &other).await.json().await.unwrap_or_default();
    assert_eq!(moved["unit_id"], json!(f.b.unit.0));
    assert_eq!(moved["department_id"], json!(f.b.department.0));
    assert_eq!(app.get_as(&format!("/api/v1/people/{person}"), &unit).await.status(), 404);
    let county_b: Value = app
        .get_as("/api/v1/people?limit=200", &app.token("admin", PASSWORD).await)
        .await
        .json()
        .await
        .unwrap_or_default();
    assert!(
        county_b["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["id"] == json!(person) && p["unit_id"] == json!(f.b.unit.0))
    );

    // Back again: rejected with a reason; then asked and withdrawn.
    let back = json!({"to_unit_id": f.a.unit.0, "reason": "借调结束"});
    let res = send(&app, Method::POST, &path, &other, Some(&back)).await;
    assert_eq!(res.status(), 201);
    let t2 = res.json::<Value>().await.unwrap_or_default()["id"].as_str().unwrap_or_default().to_owned();
    let reject = format!("/api/v1/transfers/{t2}/reject");
    assert_eq!(send(&app, Method::POST, &reject, &unit, Some(&json!({}))).await.status(), 422, "a reason is required");
    let res = send(&app, Method::POST, &reject, &unit, Some(&json!({"reason": "编制已满"}))).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["decision_reason"], "编制已满");
    let res = send(&app, Method::POST, &path, &other, Some(&back)).await;
    let t3 = res.json::<Value>().await.unwrap_or_default()["id"].as_str().unwrap_or_default().to_owned();
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/transfers/{t3}/cancel"),
        &other,
        Some(&json!({"reason": "暂不调动"})),
    )
    .await;
    assert_eq!(res.status(), 200);

    let history: Value = app.get_as(&path, &other).await.json().await.unwrap_or_default();
    let states: Vec<&str> = history.as_array().into_iter().flatten().filter_map(|t| t["state"].as_str()).collect();
    assert_eq!(states, vec!["accepted", "rejected", "cancelled"]);
});

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let headers = ["姓名", "性别", "身份证号", "科室", "专业类别", "职称", "职称级别", "取得职称日期", "手机号"];
    cme_documents::table::write_csv(&headers, rows).unwrap_or_default()
}

fn row(name: &str, id: &str, department: &str, title: &str) -> Vec<String> {
    let date = if title.is_empty() { "" } else { "2016-09-01" };
    [name, "女", id, department, "护理", title, "", date, ""].iter().map(|s| (*s).to_owned()).collect()
}

async fn upload(app: &TestApp, path: &str, token: &str, file: Vec<u8>, name: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(file).file_name(name.to_owned());
    app.client
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

both_backends!(imports_report_bad_rows_and_write_only_when_asked, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;

    // The templates.
    let res = app.get_as("/api/v1/people/import-template?format=xlsx", &unit).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("spreadsheetml"))
    );
    let rows = cme_documents::table::read(&res.bytes().await.unwrap_or_default()).unwrap_or_default();
    assert_eq!(rows[0].cells[..3], ["*姓名", "*性别", "*身份证号"]);
    assert_eq!(rows[1].cells[2], "11010519491231002X", "the example's number stays text");
    let res = app.get_as("/api/v1/people/import-template?format=csv", &unit).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap_or_default();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8_lossy(&bytes).contains("*身份证号"));
    // The template's example row is refused, not imported.
    let res = upload(&app, "/api/v1/people/import?mode=all", &unit, bytes.to_vec(), "t.csv").await;
    let report: Value = res.json().await.unwrap_or_default();
    assert_eq!(report["written"], false);
    assert!(report["errors"][0]["reason"].as_str().is_some_and(|r| r.contains("示例行")), "{report}");

    // One bad check digit: `all` names the row and column and writes nothing.
    let before = people_count(&app).await;
    let file = csv(&[
        row("甲", &id_number(100), "内科", "主管护师"),
        row("乙", &bad_check_digit(101), "", ""),
        row("丙", &id_number(102), "", "护士"),
    ]);
    let res = upload(&app, "/api/v1/people/import?mode=all", &unit, file.clone(), "staff.csv").await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap_or_default();
    assert_eq!(report["rows"], 3);
    assert_eq!(report["valid_rows"], 2);
    assert_eq!(report["written"], false);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["errors"][0]["row"], 3);
    assert_eq!(report["errors"][0]["column"], "身份证号");
    assert_eq!(report["errors"][0]["reason"], "身份证号校验位错误");
    assert_eq!(people_count(&app).await, before);
    // The same report as XLSX.
    let res = upload(&app, "/api/v1/people/import/errors", &unit, file.clone(), "staff.csv").await;
    assert_eq!(res.status(), 200);
    let rows = cme_documents::table::read(&res.bytes().await.unwrap_or_default()).unwrap_or_default();
    assert_eq!(rows[0].cells, ["行号", "列", "原因"]);
    assert_eq!(rows[1].cells, ["3", "身份证号", "身份证号校验位错误"]);
    // `check` never writes; `valid_only` writes the others.
    let res = upload(&app, "/api/v1/people/import?mode=check", &unit, file.clone(), "staff.csv").await;
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["written"], false);
    let res = upload(&app, "/api/v1/people/import?mode=valid_only", &unit, file, "staff.csv").await;
    let report: Value = res.json().await.unwrap_or_default();
    assert_eq!((report["created"].clone(), report["written"].clone()), (json!(2), json!(true)));
    assert_eq!(people_count(&app).await, before + 2);
    let list: Value = app.get_as("/api/v1/people?name=甲&limit=5", &unit).await.json().await.unwrap_or_default();
    assert_eq!(list["items"][0]["department_id"], json!(f.a.department.0));
    assert_eq!(list["items"][0]["title"]["level"], "intermediate");

    // Duplicates inside the file (both rows named) and against the database;
    // an unknown department and title; an XLSX file this time, with a title
    // row above the header (it is skipped).
    let headers = ["姓名", "性别", "身份证号", "科室", "专业类别", "职称", "职称级别", "取得职称日期", "手机号"];
    let rows = vec![
        headers.iter().map(|h| (*h).to_owned()).collect(),
        row("丁", &id_number(200), "", ""),
        row("戊", &id_number(200), "", ""),
        row("己", &f.b.id_number, "", ""),
        row("庚", &id_number(201), "牙科", "主治大夫"),
        row("辛", &id_number(202), "", ""),
    ];
    let xlsx = cme_documents::table::write_xlsx(&[cme_documents::table::Sheet {
        name: "名册",
        headers: &["2026年人员名册"],
        rows: &rows,
    }])
    .unwrap_or_default();
    let res = upload(&app, "/api/v1/people/import?mode=valid_only", &unit, xlsx, "staff.xlsx").await;
    let report: Value = res.json().await.unwrap_or_default();
    let errors: Vec<(i64, String, String)> = report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["row"].as_i64().unwrap_or(0),
                e["column"].as_str().unwrap_or("").to_owned(),
                e["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(errors.contains(&(3, "身份证号".into(), "与第 4 行的身份证号重复".into())), "{errors:?}");
    assert!(errors.contains(&(4, "身份证号".into(), "与第 3 行的身份证号重复".into())), "{errors:?}");
    assert!(errors.contains(&(5, "身份证号".into(), "该身份证号已登记".into())), "{errors:?}");
    assert!(errors.iter().any(|e| e.0 == 6 && e.1 == "职称"), "{errors:?}");
    assert_eq!(report["created"], 1, "only 辛 is valid");
    assert!(!report.to_string().contains(&f.b.id_number));
});

both_backends!(hr_batches_report_every_row, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let before = people_count(&app).await;
    let mut rows: Vec<Value> = (0..1000)
        .map(|i| {
            json!({"id_number": id_number(1000 + i), "name": format!("员工{i}"), "gender": "male",
                        "discipline": "clinical", "department_name": "内科",
                        "title": {"name": "医师", "obtained_on": "2018-07-01"}})
        })
        .collect();
    rows[3]["id_number"] = json!(bad_check_digit(1003));
    rows[5]["gender"] = json!("other");
    let res = send(&app, Method::POST, "/api/v1/people/batch", &unit, Some(&json!({"rows": rows}))).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap_or_default();
    assert_eq!((report["created"].clone(), report["failed"].clone()), (json!(998), json!(2)));
    assert_eq!(report["results"][3]["outcome"], "failed");
    assert_eq!(report["results"][3]["errors"][0]["field"], "rows[3].id_number");
    assert_eq!(report["results"][5]["errors"][0]["field"], "rows[5].gender");
    assert_eq!(report["results"][4]["outcome"], "created");
    assert_eq!(people_count(&app).await, before + 998);

    // The same rows again: unchanged; one edited row: updated.
    rows[7]["name"] = json!("员工七改");
    let res = send(&app, Method::POST, "/api/v1/people/batch", &unit, Some(&json!({"rows": rows}))).await;
    let report: Value = res.json().await.unwrap_or_default();
    assert_eq!((report["unchanged"].clone(), report["updated"].clone()), (json!(997), json!(1)));
    assert_eq!(report["results"][7]["outcome"], "updated");

    // 1,001 rows are refused as a whole, naming the field.
    let too_many: Vec<Value> = (0..1001).map(|i| json!({"id_number": id_number(5000 + i)})).collect();
    let res = send(&app, Method::POST, "/api/v1/people/batch", &unit, Some(&json!({"rows": too_many}))).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["errors"][0]["field"], "rows");

    // A person of another unit is not taken over.
    let theirs =
        json!({"rows": [{"id_number": f.b.id_number, "name": "乙医生", "gender": "male", "discipline": "clinical"}]});
    let report: Value =
        send(&app, Method::POST, "/api/v1/people/batch", &unit, Some(&theirs)).await.json().await.unwrap_or_default();
    assert_eq!(report["results"][0]["errors"][0]["field"], "rows[0].id_number");

    // One at a time, with an optional If-Match.
    let one = json!({"id_number": id_number(9000), "name": "单个", "gender": "female", "discipline": "nursing_public_health"});
    let res = send(&app, Method::POST, "/api/v1/people/upsert", &unit, Some(&one)).await;
    assert_eq!(res.status(), 201);
    let etag = etag_of(&res);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["outcome"], "created");
    let mut changed = one.clone();
    changed["name"] = json!("单个改");
    let res = send_if_match(&app, Method::POST, "/api/v1/people/upsert", &unit, &etag, &changed).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["outcome"], "updated");
    let res = send_if_match(&app, Method::POST, "/api/v1/people/upsert", &unit, &etag, &one).await;
    assert_eq!(res.status(), 412, "the tag is stale after the update");
});

// An HR system finds a person by ID number without writing, inside its
// jurisdiction only, and gets the ETag to guard its next change.
both_backends!(hr_systems_look_people_up_by_id_number, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let before = people_count(&app).await;
    let lookup = |token: String, number: String| {
        let app = &app;
        async move { send(app, Method::POST, "/api/v1/people/lookup", &token, Some(&json!({"id_number": number}))).await }
    };
    let res = lookup(unit.clone(), f.a.id_number.clone()).await;
    assert_eq!(res.status(), 200);
    let etag = etag_of(&res);
    let found: Value = res.json().await.unwrap_or_default();
    assert_eq!(found["id"], json!(f.a.person.0));
    assert!(!found.to_string().contains(&f.a.id_number), "the answer masks the number");
    assert_eq!(people_count(&app).await, before, "a look-up writes nothing");

    // The ETag guards an upsert of that person.
    let row = json!({"id_number": f.a.id_number, "name": "甲医生改", "gender": "female", "discipline": "clinical"});
    let res = send_if_match(&app, Method::POST, "/api/v1/people/upsert", &unit, &etag, &row).await;
    assert_eq!(res.status(), 200);
    let res = send_if_match(&app, Method::POST, "/api/v1/people/upsert", &unit, &etag, &row).await;
    assert_eq!(res.status(), 412, "stale after the change");

    // Outside the jurisdiction and unknown look alike; a bad number names the field.
    let res = lookup(unit.clone(), f.b.id_number.clone()).await;
    assert_eq!(res.status(), 404);
    // Alike but for each request's own id.
    let without_id = |mut v: Value| {
        v["request_id"] = Value::Null;
        v
    };
    let foreign = without_id(res.json().await.unwrap_or_default());
    let res = lookup(unit.clone(), id_number(9999)).await;
    assert_eq!(res.status(), 404);
    assert_eq!(without_id(res.json().await.unwrap_or_default()), foreign);
    let res = lookup(unit.clone(), bad_check_digit(1)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["errors"][0]["field"], "id_number");

    // The province sees everyone; a trainee looks nobody up.
    let kjc = app.token("kjc", PASSWORD).await;
    assert_eq!(lookup(kjc, f.b.id_number.clone()).await.status(), 200);
});

// `atomic=true`: one failing row, nothing written, every failing row named.
both_backends!(atomic_batches_write_all_or_nothing, |app| async move {
    let _f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let before = people_count(&app).await;
    let mut rows: Vec<Value> = (0..20)
        .map(|i| {
            json!({"id_number": id_number(7000 + i), "name": format!("整批{i}"), "gender": "male",
                        "discipline": "clinical"})
        })
        .collect();
    rows[4]["gender"] = json!("other");
    rows[17]["id_number"] = json!(bad_check_digit(7017));
    let body = json!({"rows": rows});
    let res = send(&app, Method::POST, "/api/v1/people/batch?atomic=true", &unit, Some(&body)).await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap_or_default();
    let fields: Vec<&str> =
        problem["errors"].as_array().into_iter().flatten().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["rows[4].gender", "rows[17].id_number"]);
    assert_eq!(people_count(&app).await, before, "nothing written");

    // Without the flag the 18 valid rows are written.
    let res = send(&app, Method::POST, "/api/v1/people/batch?atomic=false", &unit, Some(&body)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(people_count(&app).await, before + 18);

    // All valid: an atomic batch writes every row.
    rows[4]["gender"] = json!("female");
    rows[17]["id_number"] = json!(id_number(7017));
    let res = send(&app, Method::POST, "/api/v1/people/batch?atomic=true", &unit, Some(&json!({"rows": rows}))).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap_or_default();
    assert_eq!((report["created"].clone(), report["updated"].clone()), (json!(2), json!(0)));
    assert_eq!(people_count(&app).await, before + 20);
});

both_backends!(idempotency_keys_replay_the_first_answer, |app| async move {
    let _f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let post = |key: &'static str, body: Value| {
        let (app, unit) = (&app, unit.clone());
        async move {
            app.client
                .post(format!("{}/api/v1/people", app.base))
                .bearer_auth(unit)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let before = people_count(&app).await;
    let first = post("hr-0001", new_person(300, None)).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotency-replayed").is_none());
    let first_body = first.text().await.unwrap_or_default();
    let again = post("hr-0001", new_person(300, None)).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers().get("idempotency-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(again.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
    assert_eq!(again.text().await.unwrap_or_default(), first_body);
    assert_eq!(people_count(&app).await, before + 1, "nothing written twice");
    let other = post("hr-0001", new_person(301, None)).await;
    assert_eq!(other.status(), 422);
    assert_eq!(other.json::<Value>().await.unwrap_or_default()["code"], "idempotency_key_reused");
    // Another caller's key of the same name is his own.
    let dept = app.token("dept-a", PASSWORD).await;
    let mut body = new_person(302, None);
    body["unit_id"] = json!(_f.a.unit.0);
    let res = app
        .client
        .post(format!("{}/api/v1/people", app.base))
        .bearer_auth(dept)
        .header("idempotency-key", "hr-0001")
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 201);
    // A 4xx answer is kept too: the duplicate's 409 is replayed, not re-run.
    let dup = post("hr-0002", new_person(300, None)).await;
    assert_eq!(dup.status(), 409);
    let dup = post("hr-0002", new_person(300, None)).await;
    assert_eq!((dup.status().as_u16(), dup.headers().contains_key("idempotency-replayed")), (409, true));
    // Keys never hold a full ID number: the request is kept only as a keyed hash.
    let b = app.db.get_database_backend();
    let rows =
        app.db.query_all_raw(Statement::from_string(b, "SELECT body FROM idempotency_keys")).await.unwrap_or_default();
    assert!(rows.len() >= 3);
    for r in rows {
        let body: Option<Vec<u8>> = r.try_get("", "body").ok().flatten();
        let text = String::from_utf8_lossy(&body.unwrap_or_default()).to_string();
        assert!(!text.contains(&id_number(300)) && !text.contains(&id_number(302)));
    }
});

both_backends!(names_must_be_printable, |app| async move {
    let _fixture = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let named = |n: u32, name: &str| {
        let mut body = new_person(n, None);
        body["name"] = json!(name);
        body
    };
    // Private use, an invisible bidirectional override, and an assigned character that no
    // document font has (an Egyptian hieroglyph): 422 naming `name`, in Chinese.
    for (n, name) in [(31, "张\u{E000}"), (32, "\u{202E}王伟"), (33, "王\u{13000}")] {
        let res = send(&app, Method::POST, "/api/v1/people", &unit, Some(&named(n, name))).await;
        assert_eq!(res.status(), 422, "{name:?}");
        let problem: Value = res.json().await.unwrap_or_default();
        assert_eq!(problem["errors"][0]["field"], "name", "{problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("无法打印") && message.contains("U+"), "{message}");
    }
    // Rare characters of real names: in Noto (𫖯) or only in the fallback font (𪛖).
    let mut ids = Vec::new();
    for (n, name) in [(34, "李𫖯"), (35, "王𪛖")] {
        let res = send(&app, Method::POST, "/api/v1/people", &unit, Some(&named(n, name))).await;
        assert_eq!(res.status(), 201, "{name:?}");
        let created: Value = res.json().await.unwrap_or_default();
        assert_eq!(created["name"], name);
        ids.push(created["id"].as_str().unwrap_or_default().to_owned());
    }
    // Renaming is checked the same way.
    let path = format!("/api/v1/people/{}", ids[0]);
    let etag = etag_of(&app.get_as(&path, &unit).await);
    let res = send_if_match(&app, Method::PATCH, &path, &unit, &etag, &json!({"name": "李\u{13000}"})).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["errors"][0]["field"], "name");

    // HR upsert and batch rows.
    let row = |n: u32, name: &str| json!({"id_number": id_number(n), "name": name, "gender": "male", "discipline": "clinical"});
    let res = send(&app, Method::POST, "/api/v1/people/upsert", &unit, Some(&row(36, "赵\u{E000}"))).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap_or_default()["errors"][0]["field"], "name");
    let rows = json!({"rows": [row(37, "钱𪛖"), row(38, "孙\u{13000}")]});
    let report: Value =
        send(&app, Method::POST, "/api/v1/people/batch", &unit, Some(&rows)).await.json().await.unwrap_or_default();
    assert_eq!(report["results"][0]["outcome"], "created", "{report}");
    assert_eq!(report["results"][1]["errors"][0]["field"], "rows[1].name", "{report}");

    // File imports: the row is reported at the name column.
    let file = csv(&[row_csv("周𪛖", &id_number(39)), row_csv("吴\u{13000}", &id_number(40))]);
    let res = upload(&app, "/api/v1/people/import?mode=check", &unit, file, "staff.csv").await;
    let report: Value = res.json().await.unwrap_or_default();
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(report["errors"][0]["row"], 3, "{report}");
    assert_eq!(report["errors"][0]["column"], "姓名", "{report}");
    assert!(report["errors"][0]["reason"].as_str().is_some_and(|r| r.contains("U+13000")), "{report}");
});

fn row_csv(name: &str, id: &str) -> Vec<String> {
    row(name, id, "", "")
}
