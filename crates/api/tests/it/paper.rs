//! Paper verification (纸质验证, notice-2021 §三(二)) over HTTP: a unit
//! submits a person whose paper certificates the system does not hold, with
//! their scans as evidence; the offices of his chain decide as for any
//! record, the final office numbers it, and the record, the certificate,
//! its PDF, the public lookup, the statistics and the audit log say 纸质验证.

use crate::common::TestApp;
use crate::common::fixture::{self, PASSWORD};
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

/// The cycle the tests submit to: 2025, open today and for weeks to come.
const Y: i32 = 2025;

async fn body(res: reqwest::Response) -> Value {
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

fn field(p: &Value) -> &str {
    p["errors"][0]["field"].as_str().unwrap_or_default()
}

async fn open_cycle(app: &TestApp) {
    let t = cme_domain::time::today_in_shanghai(Utc::now());
    let dates = json!({"opens_on": "2026-01-01", "data_due": t + Duration::days(40),
           "inspection_from": t + Duration::days(60), "inspection_to": t + Duration::days(90),
           "questions_until": t + Duration::days(120), "closes_on": t + Duration::days(150)});
    let kjc = app.token("kjc", PASSWORD).await;
    let res = app.call_as(Method::PUT, &format!("/api/v1/cycles/{Y}"), Some(&kjc), Some(&dates)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

async fn submit(app: &TestApp, token: &str, b: Value) -> reqwest::Response {
    app.call_as(Method::POST, "/api/v1/verifications", Some(token), Some(&b)).await
}

async fn detail(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app.get_as(&format!("/api/v1/verifications/{id}"), token).await;
    assert_eq!(res.status(), 200);
    body(res).await
}

async fn approve(app: &TestApp, token: &str, id: &str) -> Value {
    let d = detail(app, token, id).await;
    let b = json!({"decision": "approve", "items": [{"id": id, "row_version": d["record"]["row_version"]}]});
    let res = app.call_as(Method::POST, "/api/v1/reviews/decisions", Some(token), Some(&b)).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    detail(app, token, id).await
}

async fn queue(app: &TestApp, token: &str, filter: &str) -> Vec<Value> {
    let res = app.get_as(&format!("/api/v1/reviews/queue?cycle_year={Y}{filter}"), token).await;
    assert_eq!(res.status(), 200);
    body(res).await["items"].as_array().unwrap().clone()
}

/// A scanned paper certificate, as a PDF.
async fn upload_scan(app: &TestApp, token: &str) -> String {
    let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
    let res = app
        .client
        .post(format!("{}/api/v1/evidence?file_name=%E8%AF%81%E4%B9%A6.pdf", app.base))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(pdf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    body(res).await["id"].as_str().unwrap().to_owned()
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("cme-paper-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("c.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

both_backends!(a_paper_verification_goes_up_the_chain_and_says_so_everywhere, |app| async move {
    let f = fixture::load(&app).await;
    open_cycle(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    // A county hospital's worker whose credits the system does not hold:
    // not compliant by its own reckoning.
    let p = fixture::add_person(&app, f.a.unit, f.a.department, 301, "纸质甲").await;
    fixture::store_verdict(&app, p, Y).await;
    let one = |path: &str, evidence: Vec<String>| {
        json!({"cycle_year": Y, "list": "normal", "path": path,
               "people": [{"person_id": p.0, "evidence_ids": evidence}]})
    };

    // Electronically he cannot go on the list; on paper only with the scans.
    let res = submit(&app, &unit, one("electronic", vec![])).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "people[0].person_id");
    let res = submit(&app, &unit, one("paper", vec![])).await;
    assert_eq!(res.status(), 422);
    let problem = body(res).await;
    assert_eq!(field(&problem), "people[0].evidence_ids");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("纸质学分证书扫描件"), "{problem}");
    // Special personnel have their own path.
    let mut special = one("paper", vec![]);
    special["list"] = json!("special");
    let res = submit(&app, &unit, special).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "path");
    // Nothing was stored by the refusals.
    assert!(queue(&app, &county, "").await.is_empty());

    // The candidates of the paper path take him; those of the electronic one do not.
    let cand = |path: &str| format!("/api/v1/verifications/candidates?cycle_year={Y}&list=normal&path={path}");
    let eligible = |page: &Value| {
        page["items"].as_array().unwrap().iter().find(|c| c["person_id"] == json!(p.0)).unwrap()["eligible"].clone()
    };
    assert_eq!(eligible(&body(app.get_as(&cand("electronic"), &unit).await).await), false);
    assert_eq!(eligible(&body(app.get_as(&cand("paper"), &unit).await).await), true);

    let scan = upload_scan(&app, &unit).await;
    let res = submit(&app, &unit, one("paper", vec![scan.clone()])).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    let r = body(res).await;
    assert_eq!(r["submitted"], 1, "{r}");
    let id = r["ids"][0].as_str().unwrap().to_owned();

    // The county sees it as paper, with the scans and the system's own verdict.
    let d = detail(&app, &county, &id).await;
    assert_eq!(d["record"]["path"], "paper");
    assert_eq!(d["record"]["path_label"], "纸质验证");
    assert_eq!(d["record"]["outcome_at_submit"], "non_compliant");
    assert_eq!(d["evidence"][0]["id"], scan.as_str());
    assert_eq!(app.get_as(&format!("/api/v1/evidence/{scan}"), &county).await.status(), 200);
    let items = queue(&app, &county, "&path=paper").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["verdict"]["outcome"], "non_compliant");
    assert!(queue(&app, &county, "&path=electronic").await.is_empty());

    // The same chain as any county hospital: county → prefecture → 科教处, who numbers it.
    let tiers: Vec<&str> = d["chain"].as_array().unwrap().iter().map(|s| s["tier"].as_str().unwrap()).collect();
    assert_eq!(tiers, ["unit", "county_office", "prefecture_office", "province_western"]);
    approve(&app, &county, &id).await;
    approve(&app, &pref, &id).await;
    let d = approve(&app, &kjc, &id).await;
    assert_eq!(d["record"]["state"], "approved");
    let b = json!({"cycle_year": Y});
    let res = app.call_as(Method::POST, "/api/v1/certificate-numbers", Some(&kjc), Some(&b)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["issued"], 1);
    let d = detail(&app, &unit, &id).await;
    assert_eq!(d["record"]["state"], "certified");
    assert_eq!(d["record"]["path"], "paper");

    // The certificate, its PDF and the public page say 纸质验证.
    let list = body(app.get_as(&format!("/api/v1/certificates?year={Y}"), &unit).await).await;
    let c = list["items"].as_array().unwrap().iter().find(|c| c["person_id"] == json!(p.0)).unwrap().clone();
    assert_eq!(c["path"], "paper");
    assert_eq!(c["path_label"], "纸质验证");
    assert_eq!(c["verdict"], "合格");
    let res = app.get_as(&format!("/api/v1/certificates/{}/pdf", c["id"].as_str().unwrap()), &unit).await;
    assert_eq!(res.status(), 200);
    let text = pdftotext(&res.bytes().await.unwrap());
    assert!(text.contains("验证方式：纸质验证"), "{text}");
    let token = c["verify_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let public = body(app.get(&format!("/api/v1/public/certificates/{token}")).await).await;
    assert_eq!(public["path"], "paper", "{public}");
    assert_eq!(public["path_label"], "纸质验证");

    // An electronic record of the same unit is counted apart from it.
    let e = fixture::add_person(&app, f.a.unit, f.a.department, 302, "电子乙").await;
    fixture::store_verdict(&app, e, Y).await;
    fixture::make_compliant(&app, e, Y).await;
    let res = submit(&app, &unit, json!({"cycle_year": Y, "list": "normal", "people": [{"person_id": e.0}]})).await;
    assert_eq!(res.status(), 200);
    let eid = body(res).await["ids"][0].as_str().unwrap().to_owned();
    assert_eq!(detail(&app, &county, &eid).await["record"]["path"], "electronic");

    // Statistics: among the submitted, one on paper, passed.
    let s = body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=prefecture"), &kjc).await).await;
    assert_eq!((s["total"]["submitted"].as_u64(), s["total"]["paper_submitted"].as_u64()), (Some(2), Some(1)), "{s}");
    assert_eq!(s["total"]["paper_approved"], 1, "{s}");
    let row = s["rows"].as_array().unwrap().iter().find(|r| r["name"] == "甲州").unwrap().clone();
    assert_eq!((row["paper_submitted"].as_u64(), row["paper_approved"].as_u64()), (Some(1), Some(1)), "{row}");
    let res = app.get_as(&format!("/api/v1/verification-stats/export?cycle_year={Y}"), &kjc).await;
    assert_eq!(res.status(), 200);

    // The audit log says how it was submitted.
    let log = body(app.get_as("/api/v1/audit?action=verification.submit", &kjc).await).await;
    let said: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["summary"].as_str()).collect();
    assert!(said.iter().any(|s| s.contains("验证方式：纸质验证")), "{said:?}");
    assert!(said.iter().any(|s| s.contains("验证方式：电子验证")), "{said:?}");
});

both_backends!(a_returned_paper_record_keeps_its_path_and_scans_when_resubmitted, |app| async move {
    let f = fixture::load(&app).await;
    open_cycle(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let p = fixture::add_person(&app, f.a.unit, f.a.department, 311, "纸质丙").await;
    fixture::store_verdict(&app, p, Y).await;
    let scan = upload_scan(&app, &unit).await;
    let b = json!({"cycle_year": Y, "list": "normal", "path": "paper",
                   "people": [{"person_id": p.0, "evidence_ids": [scan]}]});
    let res = submit(&app, &unit, b).await;
    assert_eq!(res.status(), 200);
    let id = body(res).await["ids"][0].as_str().unwrap().to_owned();
    let d = detail(&app, &county, &id).await;
    let b = json!({"decision": "return", "reason": "扫描件不清晰",
                   "items": [{"id": id, "row_version": d["record"]["row_version"]}]});
    let res = app.call_as(Method::POST, "/api/v1/reviews/decisions", Some(&county), Some(&b)).await;
    assert_eq!(res.status(), 200);
    // Resubmitted as it is (the system's verdict still short): it goes up again on paper.
    let res = app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&json!({"ids": [id]}))).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    let d = detail(&app, &county, &id).await;
    assert_eq!((d["record"]["state"].as_str(), d["record"]["path"].as_str()), (Some("in_review"), Some("paper")));
    assert_eq!(d["evidence"].as_array().unwrap().len(), 1);
});
