//! Credit entry paths over HTTP: the unit's paper entry, the department's
//! drafts → report → the unit's decisions, reversals, the person-year lock,
//! and the compliance queries over the stored verdicts.

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD};
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, Statement};
use serde_json::{Value, json};

fn paper(cert: &str, amount: f64) -> Value {
    json!({"year": 2021, "kind": "project", "source": "provincial", "amount": amount,
           "activity_name": "县级医院临床路径管理培训班", "organiser": "云南省卫生健康委",
           "earned_on": "2021-05-12", "certificate_no": cert})
}

async fn detail(app: &TestApp, token: &str, f: &Fixture) -> Value {
    let res = app.get_as(&format!("/api/v1/people/{}/compliance/2021", f.a.person.0), token).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn listed_total(app: &TestApp, token: &str) -> Value {
    let res = app.get_as("/api/v1/compliance?year=2021", token).await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"][0]["total"].clone()
}

both_backends!(a_unit_enters_a_paper_certificate_once, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let path = format!("/api/v1/people/{}/credits", f.a.person.0);

    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&paper("YN2021-0001", 2.5))).await;
    assert_eq!(res.status(), 201);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["state"], "valid");
    assert_eq!(c["entry_path"], "paper_unit");
    assert_eq!(c["class"], "i");
    assert_eq!(c["amount"], 2.5);

    // It counts at once, in the detail and in the stored list.
    let d = detail(&app, &unit, &f).await;
    assert_eq!(d["buckets"]["i_provincial"], 2.5);
    assert_eq!(d["credits"][0]["counted_i"], 2.5);
    assert_eq!(d["outcome"], "non_compliant");
    assert!(d["shortfalls"].as_array().unwrap().iter().any(|s| s["code"] == "total"));
    assert_eq!(listed_total(&app, &unit).await, 2.5);

    // The same paper certificate again: refused, naming what is there.
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&paper("YN2021-0001", 1.0))).await;
    assert_eq!(res.status(), 409);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "duplicate_certificate");

    // Bad input names the field and stores nothing.
    let mut bad = paper("YN2021-0002", 1.0);
    bad["earned_on"] = json!("2020-12-31");
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&bad)).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "earned_on");
    let mut bad = paper("YN2021-0002", 1.0);
    bad["source"] = Value::Null;
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&bad)).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "source");
    let mut bad = paper("YN2021-0002", 1.0);
    bad["amount"] = json!(1.25);
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&bad)).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "amount");
    assert_eq!(detail(&app, &unit, &f).await["credits"].as_array().unwrap().len(), 1);

    // Another unit's person does not exist for this unit.
    let foreign = format!("/api/v1/people/{}/credits", f.b.person.0);
    let res = app.call_as(Method::POST, &foreign, Some(&unit), Some(&paper("YN2021-0003", 1.0))).await;
    assert_eq!(res.status(), 404);
});

// Amounts are read as written: serde's f64 would round `2.50000000000000001`
// to 2.5 and store it. A single paper credit above 25 (the national ceiling
// per project) is a typing error, refused.
both_backends!(paper_amounts_are_exact_and_bounded, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let path = format!("/api/v1/people/{}/credits", f.a.person.0);
    let post_text = |text: String| {
        let (app, unit, path) = (&app, &unit, &path);
        async move {
            app.client
                .post(format!("{}{path}", app.base))
                .bearer_auth(unit)
                .header("content-type", "application/json")
                .body(text)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let body = |cert: &str, amount: &str| {
        format!(
            r#"{{"year": 2021, "kind": "project", "source": "provincial", "amount": {amount},
                "activity_name": "培训", "earned_on": "2021-05-12", "certificate_no": "{cert}"}}"#
        )
    };
    let before = detail(&app, &unit, &f).await["credits"].as_array().map_or(0, Vec::len);
    for (i, amount) in
        ["2.50000000001", "2.50000000000000001", "2.55", "1e1", "25.5", "250", "\"2.5\""].iter().enumerate()
    {
        let res = post_text(body(&format!("EX-{i}"), amount)).await;
        assert_eq!(res.status(), 422, "{amount}");
        let p: Value = res.json().await.unwrap_or_default();
        assert_eq!(p["errors"][0]["field"], "amount", "{amount}: {p}");
        let message = p["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(!message.is_ascii(), "{amount}: the reason is in Chinese: {message}");
    }
    assert_eq!(detail(&app, &unit, &f).await["credits"].as_array().map_or(0, Vec::len), before, "nothing stored");
    for (i, amount) in ["2.5", "2.50", "25", "0.5"].iter().enumerate() {
        let res = post_text(body(&format!("OK-{i}"), amount)).await;
        assert_eq!(res.status(), 201, "{amount}");
    }
});

both_backends!(a_department_reports_and_the_unit_decides, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let dept = app.token("dept-a", PASSWORD).await;
    let path = format!("/api/v1/people/{}/credits", f.a.person.0);

    let mut ids = Vec::new();
    for (cert, amount) in [("K-1", 3.0), ("K-2", 2.0)] {
        let res = app.call_as(Method::POST, &path, Some(&dept), Some(&paper(cert, amount))).await;
        assert_eq!(res.status(), 201);
        let c: Value = res.json().await.unwrap();
        assert_eq!(c["state"], "draft");
        assert_eq!(c["entry_path"], "paper_department");
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    // Drafts do not count.
    assert_eq!(listed_total(&app, &unit).await, 0);
    let drafts: Value = app.get_as("/api/v1/credit-drafts", &dept).await.json().await.unwrap();
    assert_eq!(drafts.as_array().unwrap().len(), 2);
    assert_eq!(drafts[0]["person_name"], f.a.person_name);

    // Only a department reports.
    let body = json!({"credit_ids": ids, "note": "五月份"});
    assert_eq!(app.call_as(Method::POST, "/api/v1/credit-reports", Some(&unit), Some(&body)).await.status(), 403);
    let res = app.call_as(Method::POST, "/api/v1/credit-reports", Some(&dept), Some(&body)).await;
    assert_eq!(res.status(), 201);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["credit_count"], 2);
    assert_eq!(report["pending"], 2);
    let rid = report["id"].as_str().unwrap().to_owned();
    // Reporting the same drafts twice: they are no longer drafts.
    let res = app.call_as(Method::POST, "/api/v1/credit-reports", Some(&dept), Some(&body)).await;
    assert_eq!(res.status(), 422);

    // The unit's queue holds it; the department cannot decide.
    let queue: Value = app.get_as("/api/v1/credit-reports?state=open", &unit).await.json().await.unwrap();
    assert_eq!(queue["items"][0]["id"], rid.as_str());
    let decide = format!("/api/v1/credit-reports/{rid}/decisions");
    let approve_first = json!({"decisions": [{"credit_id": ids[0], "approve": true}]});
    assert_eq!(app.call_as(Method::POST, &decide, Some(&dept), Some(&approve_first)).await.status(), 403);

    // A rejection needs a reason; a batch with one bad decision changes nothing.
    let batch = json!({"decisions": [{"credit_id": ids[0], "approve": true}, {"credit_id": ids[1], "approve": false}]});
    let res = app.call_as(Method::POST, &decide, Some(&unit), Some(&batch)).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "decisions[1].reason");
    assert_eq!(listed_total(&app, &unit).await, 0);

    let batch = json!({"decisions": [{"credit_id": ids[0], "approve": true},
                                     {"credit_id": ids[1], "approve": false, "reason": "证书无主办单位盖章"}]});
    let res = app.call_as(Method::POST, &decide, Some(&unit), Some(&batch)).await;
    assert_eq!(res.status(), 200);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["report"]["pending"], 0);
    assert!(done["report"]["closed_at"].is_string());
    let states: Vec<&str> = done["items"].as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["valid", "rejected"]);
    assert_eq!(done["items"][1]["decision_reason"], "证书无主办单位盖章");

    // Only the approved record counts; deciding again is a conflict.
    assert_eq!(listed_total(&app, &unit).await, 3.0);
    let res = app.call_as(Method::POST, &decide, Some(&unit), Some(&approve_first)).await;
    assert_eq!(res.status(), 409);
    let queue: Value = app.get_as("/api/v1/credit-reports?state=open", &unit).await.json().await.unwrap();
    assert!(queue["items"].as_array().unwrap().is_empty());
    // The rejected certificate may be entered again, corrected.
    let res = app.call_as(Method::POST, &path, Some(&dept), Some(&paper("K-2", 2.0))).await;
    assert_eq!(res.status(), 201);
});

both_backends!(a_reversal_keeps_both_records_and_a_submitted_year_is_locked, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let path = format!("/api/v1/people/{}/credits", f.a.person.0);
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&paper("R-1", 4.0))).await;
    let c: Value = res.json().await.unwrap();
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!(listed_total(&app, &unit).await, 4.0);

    let reverse = format!("/api/v1/credits/{id}/reverse");
    let res = app.call_as(Method::POST, &reverse, Some(&unit), Some(&json!({"reason": ""}))).await;
    assert_eq!(res.status(), 422);
    let dept = app.token("dept-a", PASSWORD).await;
    let reason = json!({"reason": "学分数录入错误，应为 2 分"});
    assert_eq!(app.call_as(Method::POST, &reverse, Some(&dept), Some(&reason)).await.status(), 403);
    let res = app.call_as(Method::POST, &reverse, Some(&unit), Some(&reason)).await;
    assert_eq!(res.status(), 200);
    let reversal: Value = res.json().await.unwrap();
    assert_eq!(reversal["state"], "reversal");
    assert_eq!(reversal["reverses_id"], id.as_str());
    assert_eq!(reversal["note"], "学分数录入错误，应为 2 分");

    let d = detail(&app, &unit, &f).await;
    let states: Vec<&str> = d["credits"].as_array().unwrap().iter().map(|c| c["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["reversed", "reversal"]);
    assert_eq!(listed_total(&app, &unit).await, 0);
    assert_eq!(app.call_as(Method::POST, &reverse, Some(&unit), Some(&reason)).await.status(), 409);
    // The corrected certificate goes in again under the same number.
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&paper("R-1", 2.0))).await.status(), 201);

    // Once the person-year is submitted, its credits are locked.
    let vid = uuid::Uuid::now_v7();
    let backend = app.db.get_database_backend();
    let now = chrono::Utc::now();
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "INSERT INTO verifications (id, person_id, year, cycle_year, unit_id, unit_level, medicine, list_kind, state, \
                     step, row_version, created_at, updated_at) VALUES ($1, $2, 2021, 2021, $3, 'county', 'western', \
                     'normal', 'in_review', 2, 1, $4, $4)"
                }
                _ => {
                    "INSERT INTO verifications (id, person_id, year, cycle_year, unit_id, unit_level, medicine, list_kind, state, \
                     step, row_version, created_at, updated_at) VALUES (?, ?, 2021, 2021, ?, 'county', 'western', \
                     'normal', 'in_review', 2, 1, ?, ?)"
                }
            },
            match backend {
                sea_orm::DbBackend::Postgres => {
                    vec![vid.into(), f.a.person.0.into(), f.a.unit.0.into(), now.into()]
                }
                _ => vec![vid.into(), f.a.person.0.into(), f.a.unit.0.into(), now.into(), now.into()],
            },
        ))
        .await
        .unwrap();
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&paper("R-9", 1.0))).await;
    assert_eq!(res.status(), 409);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "person_year_locked");
    assert_eq!(detail(&app, &unit, &f).await["locked"], true);
    // Another year stays open.
    let mut other = paper("R-10", 1.0);
    other["year"] = json!(2020);
    other["earned_on"] = json!("2020-03-01");
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&other)).await.status(), 201);
});

both_backends!(compliance_queries_are_scoped_filtered_and_paged, |app| async move {
    let f = fixture::load(&app).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;

    // Nothing is stored until computed; the province recomputes the year.
    let res =
        app.call_as(Method::POST, "/api/v1/compliance/recompute", Some(&unit), Some(&json!({"year": 2021}))).await;
    assert_eq!(res.status(), 403);
    let res = app.call_as(Method::POST, "/api/v1/compliance/recompute", Some(&kjc), Some(&json!({"year": 2021}))).await;
    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    assert_eq!(r["people"], 2);
    assert_eq!(r["counts"]["non_compliant"], 2);

    let page: Value = app.get_as("/api/v1/compliance?year=2021", &kjc).await.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["counts"]["non_compliant"], 2);
    let province_counts_at = page["counts_at"].as_str().expect("counts_at on the first page").to_owned();
    let row = &page["items"][0];
    assert!(row["shortfalls"].as_array().unwrap().iter().any(|s| s["code"] == "total"));
    assert!(row["shortfalls"][0]["message"].as_str().unwrap().contains('分'));
    assert_eq!(row["title_level"], "intermediate");
    assert!(row["unit_name"].as_str().unwrap().ends_with("县人民医院"));

    // Jurisdiction: a unit and a county see their own side only.
    for token in [&unit, &county] {
        let page: Value = app.get_as("/api/v1/compliance?year=2021", token).await.json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["person_id"], f.a.person.0.to_string());
    }
    // Keyset pages.
    let first: Value = app.get_as("/api/v1/compliance?year=2021&limit=1", &kjc).await.json().await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second: Value =
        app.get_as(&format!("/api/v1/compliance?year=2021&limit=1&after={cursor}"), &kjc).await.json().await.unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_ne!(second["items"][0]["person_id"], first["items"][0]["person_id"]);
    assert!(second["next_cursor"].is_null());
    assert!(second["counts"].is_null());

    // Filters.
    let page: Value = app
        .get_as(&format!("/api/v1/compliance?year=2021&region_id={}", f.b.prefecture.0), &kjc)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["person_id"], f.b.person.0.to_string());
    let page: Value = app.get_as("/api/v1/compliance?year=2021&outcome=compliant", &kjc).await.json().await.unwrap();
    assert!(page["items"].as_array().unwrap().is_empty());
    let res = app.get_as("/api/v1/compliance?year=2021&outcome=great", &kjc).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "outcome");
    let res = app.get_as("/api/v1/compliance?year=1999", &kjc).await;
    assert_eq!(res.status(), 422);

    // Enough credits (and 2021's mandatory course) make side A compliant,
    // in the stored list at once.
    let done = chrono::NaiveDate::from_ymd_opt(2021, 10, 1).unwrap();
    cme_store::repo::course::record_completion(&app.db, f.a.person, 2021, done, "test").await.unwrap();
    let path = format!("/api/v1/people/{}/credits", f.a.person.0);
    let d = detail(&app, &unit, &f).await;
    let required = d["standard"]["requirement"].clone();
    let total = required["total"].as_f64().unwrap();
    for (i, source) in ["national", "provincial", "prefecture"].iter().enumerate() {
        let mut c = paper(&format!("C-{i}"), total);
        c["source"] = json!(source);
        assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&c)).await.status(), 201);
    }
    let mut own = paper("C-self", total);
    own["kind"] = json!("self_managed");
    own["source"] = Value::Null;
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&own)).await.status(), 201);
    let page: Value = app.get_as("/api/v1/compliance?year=2021&outcome=compliant", &kjc).await.json().await.unwrap();
    let compliant = page["items"].as_array().unwrap();
    assert_eq!(compliant.len(), 1, "{page}");
    assert_eq!(compliant[0]["person_id"], f.a.person.0.to_string());
    assert!(compliant[0]["shortfalls"].as_array().unwrap().is_empty());

    // The province's counts are shared and say when they were counted; the
    // county's are counted for each request.
    let page: Value = app.get_as("/api/v1/compliance?year=2021", &kjc).await.json().await.unwrap();
    assert_eq!(page["counts_at"], province_counts_at.as_str(), "the same shared counts: {page}");
    assert_eq!(page["counts"]["non_compliant"], 2, "as counted at {province_counts_at}");
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "the rows are read live");
    let page: Value = app.get_as("/api/v1/compliance?year=2021", &county).await.json().await.unwrap();
    assert_eq!(page["counts"]["compliant"], 1, "live at the county: {page}");
    assert!(page["counts_at"].is_string());
});

both_backends!(documents_render_the_registration_form_and_the_list, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let path = format!("/api/v1/people/{}/credits", f.a.person.0);
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&paper("D-1", 2.5))).await.status(), 201);

    // The PDF: Chinese text that pdftotext reads back, well under 300 KB.
    let res = app.get_as(&format!("/api/v1/people/{}/registration-form/2021?format=pdf", f.a.person.0), &unit).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(pdf.len() < 300 * 1024, "{} bytes", pdf.len());
    let file = std::env::temp_dir().join(format!("cme-form-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&file, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (install poppler-utils): {e}"));
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&f.a.person_name), "{text}");
    assert!(text.contains("2021年度继续医学教育学分登记表"), "{text}");
    assert!(text.contains("D-1"), "{text}");
    assert!(text.contains("不达标"), "{text}");

    // The XLSX form and the compliance list.
    let res = app.get_as(&format!("/api/v1/people/{}/registration-form/2021?format=xlsx", f.a.person.0), &unit).await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let res = app.get_as("/api/v1/compliance/export?year=2021", &unit).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let res = app.get_as(&format!("/api/v1/people/{}/registration-form/2021?format=doc", f.a.person.0), &unit).await;
    assert_eq!(res.status(), 422);

    // A name the font cannot print is refused, naming the field.
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "UPDATE people SET name = $1 WHERE id = $2",
        _ => "UPDATE people SET name = ? WHERE id = ?",
    };
    app.db
        .execute_raw(Statement::from_sql_and_values(backend, sql, vec!["张\u{E000}".into(), f.a.person.0.into()]))
        .await
        .unwrap();
    let res = app.get_as(&format!("/api/v1/people/{}/registration-form/2021", f.a.person.0), &unit).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "person.name");
});

// ---- 纸质学分批量录入: the grid's batch, its dry run, and files ----

fn batch_row(id_number: &str, cert: &str, amount: Value) -> Value {
    json!({"id_number": id_number, "kind": "project", "source": "provincial", "amount": amount,
           "activity_name": "县级医院临床路径管理培训班", "earned_on": "2021-05-12", "certificate_no": cert})
}

async fn post_file(app: &TestApp, token: &str, path: &str, content_type: &str, bytes: Vec<u8>) -> (u16, Value) {
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

/// The `errors` of a problem as (field, message).
fn field_errors(p: &Value) -> Vec<(String, String)> {
    p["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (e["field"].as_str().unwrap_or_default().to_owned(), e["message"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

async fn credit_count(app: &TestApp, token: &str, f: &Fixture) -> usize {
    detail(app, token, f).await["credits"].as_array().map_or(0, Vec::len)
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'");
    let rows = app
        .db
        .query_all_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    rows.first().and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(-1)
}

const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

both_backends!(a_batch_saves_every_row_or_none, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let rows = json!({"rows": [batch_row(&f.a.id_number, "B-1", json!(2.5)),
                               {"person_id": f.a.person.0, "name": f.a.person_name, "kind": "self_managed",
                                "amount": 1, "activity_name": "科内病例讨论", "earned_on": "2021-06-01",
                                "certificate_no": "B-2"}]});

    // A dry run checks and writes nothing.
    let res = app.call_as(Method::POST, "/api/v1/credits/batch?dry_run=true", Some(&unit), Some(&rows)).await;
    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    assert_eq!((r["rows"].clone(), r["saved"].clone()), (json!(2), json!(false)));
    assert_eq!(credit_count(&app, &unit, &f).await, 0);

    let res = app.call_as(Method::POST, "/api/v1/credits/batch", Some(&unit), Some(&rows)).await;
    assert_eq!(res.status(), 201);
    let r: Value = res.json().await.unwrap();
    assert_eq!(r["saved"], true);
    let states: Vec<&str> = r["credits"].as_array().unwrap().iter().map(|c| c["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["valid", "valid"]);
    assert_eq!(r["credits"][1]["kind"], "self_managed");
    assert_eq!(r["credits"][0]["year"], 2021);
    assert_eq!(credit_count(&app, &unit, &f).await, 2);
    assert_eq!(listed_total(&app, &unit).await, 3.5);

    // One bad row and nothing is written; every failing row and field is named, in Chinese.
    let bad = json!({"rows": [
        batch_row(&f.a.id_number, "B-3", json!(1)),
        batch_row(&f.a.id_number, "B-4", json!(1.25)),
        batch_row(&f.a.id_number, "B-1", json!(1)),
        {"id_number": f.a.id_number, "kind": "project", "amount": 1, "activity_name": "培训",
         "earned_on": "2021-07-01", "certificate_no": "B-5", "name": "别人"},
        batch_row(&f.a.id_number, "B-3", json!(1)),
        {"id_number": f.a.id_number, "kind": "project", "source": "national", "amount": 1, "activity_name": "",
         "earned_on": "2021-13-01", "certificate_no": "B-6"},
    ]});
    for path in ["/api/v1/credits/batch", "/api/v1/credits/batch?dry_run=true"] {
        let res = app.call_as(Method::POST, path, Some(&unit), Some(&bad)).await;
        assert_eq!(res.status(), 422, "{path}");
        let p: Value = res.json().await.unwrap();
        let errors = field_errors(&p);
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rows[1].amount",
                "rows[2].certificate_no",
                "rows[3].source",
                "rows[3].name",
                "rows[4].certificate_no",
                "rows[5].earned_on"
            ],
            "{p}"
        );
        assert!(errors.iter().all(|(_, m)| !m.is_ascii()), "every reason in Chinese: {errors:?}");
        assert!(errors[1].1.contains("已录入"), "{errors:?}");
        assert!(errors[4].1.contains("第 1 条"), "{errors:?}");
    }
    assert_eq!(credit_count(&app, &unit, &f).await, 2, "nothing stored");

    // More than 2,000 rows: refused whole.
    let many: Vec<Value> = (0..2001).map(|i| batch_row(&f.a.id_number, &format!("M-{i}"), json!(1))).collect();
    let res = app.call_as(Method::POST, "/api/v1/credits/batch", Some(&unit), Some(&json!({"rows": many}))).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "rows");

    // Every row written is audited like the wizard's entry, and the batch once.
    assert_eq!(audit_count(&app, "credit.enter").await, 2);
    assert_eq!(audit_count(&app, "credit.enter.batch").await, 1);
});

both_backends!(a_departments_batch_becomes_drafts, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let dept = app.token("dept-a", PASSWORD).await;
    let rows =
        json!({"rows": [batch_row(&f.a.id_number, "D-1", json!(2)), batch_row(&f.a.id_number, "D-2", json!(3))]});
    let res = app.call_as(Method::POST, "/api/v1/credits/batch", Some(&dept), Some(&rows)).await;
    assert_eq!(res.status(), 201);
    let r: Value = res.json().await.unwrap();
    for c in r["credits"].as_array().unwrap() {
        assert_eq!((c["state"].as_str(), c["entry_path"].as_str()), (Some("draft"), Some("paper_department")));
    }
    // Drafts do not count until reported and approved.
    assert_eq!(listed_total(&app, &unit).await, 0);
    let drafts: Value = app.get_as("/api/v1/credit-drafts", &dept).await.json().await.unwrap();
    assert_eq!(drafts.as_array().unwrap().len(), 2);
});

both_backends!(a_batch_row_outside_the_jurisdiction_does_not_reveal_the_person, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let nobody = fixture::id_number_of(977);
    let rows = json!({"rows": [batch_row(&f.a.id_number, "S-1", json!(1)),
                               batch_row(&f.b.id_number, "S-2", json!(1)),
                               batch_row(&nobody, "S-3", json!(1)),
                               {"person_id": f.b.person.0, "kind": "self_managed", "amount": 1,
                                "activity_name": "讲座", "earned_on": "2021-05-12", "certificate_no": "S-4"},
                               batch_row("53010219700101001", "S-5", json!(1))]});
    let res = app.call_as(Method::POST, "/api/v1/credits/batch", Some(&unit), Some(&rows)).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    let errors = field_errors(&p);
    assert_eq!(errors[0], ("rows[1].id_number".to_owned(), "查无此人或不在本辖区".to_owned()));
    assert_eq!(errors[1], ("rows[2].id_number".to_owned(), "查无此人或不在本辖区".to_owned()), "the same words");
    assert_eq!(errors[2], ("rows[3].person_id".to_owned(), "查无此人或不在本辖区".to_owned()));
    assert_eq!(errors[3].0, "rows[4].id_number");
    assert!(!errors[3].1.is_ascii());
    assert_eq!(errors.len(), 4);
    assert_eq!(credit_count(&app, &unit, &f).await, 0);
    // The wrong role: the county office enters nothing.
    let county = app.token("county-a", PASSWORD).await;
    let res = app.call_as(Method::POST, "/api/v1/credits/batch", Some(&county), Some(&rows)).await;
    assert_eq!(res.status(), 403);
});

both_backends!(paper_certificates_import_from_gbk_csv_and_xlsx, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;

    // The template: XLSX, read back by the same reader, with the headers the import reads.
    let res = app.get_as("/api/v1/credits/batch/template", &unit).await;
    assert_eq!(res.status(), 200);
    let template = res.bytes().await.unwrap().to_vec();
    assert!(template.starts_with(b"PK"));
    let sheet = cme_documents::table::read(&template).unwrap();
    assert_eq!(sheet[0].cells[0], "*身份证号");
    // The template as downloaded holds only its example: no data rows.
    let (status, p) = post_file(&app, &unit, "/api/v1/credits/batch/import", XLSX_TYPE, template).await;
    assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("file")), "{p}");

    // GBK CSV, as Excel saves it on Chinese Windows.
    let csv = format!(
        "身份证号,姓名,项目/活动名称,学分类别,学分,获得日期,证书编号\r\n\
         {id},{name},县级医院临床路径管理培训班,省级,2.5,2021/5/12,G-1\r\n\
         {id},{name},科内病例讨论,自管学分,1,2021-06-01,G-2\r\n",
        id = f.a.id_number,
        name = f.a.person_name
    );
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&csv);
    assert!(!lossy);
    let (status, r) = post_file(&app, &unit, "/api/v1/credits/batch/read", "text/csv", gbk.to_vec()).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!((r[0]["row"].clone(), r[0]["category"].clone()), (json!(2), json!("省级")));
    assert_eq!(r[1]["activity_name"], "科内病例讨论");
    assert_eq!(credit_count(&app, &unit, &f).await, 0, "reading writes nothing");
    let (status, r) = post_file(&app, &unit, "/api/v1/credits/batch/import", "text/csv", gbk.to_vec()).await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["credits"][0]["activity_name"], "县级医院临床路径管理培训班");
    assert_eq!(r["credits"][1]["kind"], "self_managed");
    assert_eq!(credit_count(&app, &unit, &f).await, 2);

    // XLSX: a bad row fails the file, named by index and by the sheet's row.
    let xlsx = |rows: Vec<Vec<String>>| {
        cme_documents::table::write_xlsx(&[cme_documents::table::Sheet {
            name: "纸质学分",
            headers: &[
                "*身份证号",
                "姓名",
                "*项目/活动名称",
                "*学分类别",
                "*学分",
                "*获得日期",
                "*证书编号",
                "主办单位",
            ],
            rows: &rows,
        }])
        .unwrap()
    };
    let row = |cert: &str, category: &str, amount: &str| {
        [f.a.id_number.as_str(), "", "院内培训", category, amount, "2021-08-01", cert, "云南省卫生健康委"]
            .map(str::to_owned)
            .to_vec()
    };
    let bad = xlsx(vec![row("X-1", "国家级", "2"), row("X-2", "县级", "2.55"), row("G-1", "省级", "1")]);
    let (status, p) = post_file(&app, &unit, "/api/v1/credits/batch/import?dry_run=true", XLSX_TYPE, bad).await;
    assert_eq!(status, 422, "{p}");
    let errors = field_errors(&p);
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["rows[1].category", "rows[1].amount", "rows[2].certificate_no"], "{p}");
    assert!(errors[0].1.starts_with("第 3 行"), "{errors:?}");
    assert!(errors[2].1.starts_with("第 4 行"), "{errors:?}");
    let good = xlsx(vec![row("X-1", "国家级", "2"), row("X-2", "远程II类", "1.5")]);
    let (status, r) =
        post_file(&app, &unit, "/api/v1/credits/batch/import?dry_run=true", XLSX_TYPE, good.clone()).await;
    assert_eq!((status, r["saved"].clone()), (200, json!(false)), "{r}");
    assert_eq!(credit_count(&app, &unit, &f).await, 2);
    let (status, r) = post_file(&app, &unit, "/api/v1/credits/batch/import", XLSX_TYPE, good).await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["credits"][1]["source"], "distance_ii");
    assert_eq!(r["credits"][0]["organiser"], "云南省卫生健康委");
    assert_eq!(credit_count(&app, &unit, &f).await, 4);

    // JSON is not a file.
    let (status, _) = post_file(&app, &unit, "/api/v1/credits/batch/read", "application/json", b"{}".to_vec()).await;
    assert_eq!(status, 415);
});
