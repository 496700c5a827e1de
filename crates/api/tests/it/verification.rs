//! The annual verification over HTTP (SPEC §5, §6): the province opens a
//! cycle, offices set submission windows, units submit normal, make-up and
//! special lists, offices review along each unit's chain, final offices
//! number certificates, and everyone reads the statistics.

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD};
use chrono::{Duration, NaiveDate, Utc};
use cme_domain::auth::{Role, Scope};
use cme_domain::ids::{PersonId, UnitId};
use cme_domain::org::{Medicine, UnitLevel};
use reqwest::Method;
use serde_json::{Value, json};

/// The cycle the tests submit to: 2025, open today and for weeks to come.
const Y: i32 = 2025;

/// The whole province plus the units of other tiers in side A's county.
struct Ctx {
    f: Fixture,
    town: UnitId,
    town_dept: cme_domain::ids::DepartmentId,
    village: UnitId,
    village_dept: cme_domain::ids::DepartmentId,
    tcm: UnitId,
    tcm_dept: cme_domain::ids::DepartmentId,
    seq: std::cell::Cell<u32>,
}

impl Ctx {
    /// A new person of a unit, compliant for `compliant_years` (and with a
    /// stored non-compliant verdict for the cycle's year otherwise).
    async fn person(
        &self,
        app: &TestApp,
        unit: UnitId,
        dept: cme_domain::ids::DepartmentId,
        compliant_years: &[i32],
    ) -> PersonId {
        let n = self.seq.get() + 1;
        self.seq.set(n);
        let p = fixture::add_person(app, unit, dept, 100 + n, &format!("验证{n}")).await;
        fixture::store_verdict(app, p, Y).await;
        for y in compliant_years {
            fixture::make_compliant(app, p, *y).await;
        }
        p
    }

    /// `n` people of unit a, compliant in `Y`, each submitted on the normal
    /// list by `unit_token`: their records' ids.
    async fn submitted(&self, app: &TestApp, unit_token: &str, n: usize) -> Vec<String> {
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let p = self.person(app, self.f.a.unit, self.f.a.department, &[Y]).await;
            ids.push(submit_one(app, unit_token, p).await);
        }
        ids
    }
}

fn today() -> NaiveDate {
    cme_domain::time::today_in_shanghai(Utc::now())
}

/// Cycle 2025's dates, moved so that today is inside its data window.
fn open_dates() -> Value {
    let t = today();
    json!({"opens_on": "2026-01-01", "data_due": t + Duration::days(40),
           "inspection_from": t + Duration::days(60), "inspection_to": t + Duration::days(90),
           "questions_until": t + Duration::days(120), "closes_on": t + Duration::days(150)})
}

async fn setup(app: &TestApp) -> Ctx {
    let f = fixture::load(app).await;
    let (town, town_dept) = fixture::add_unit(
        app,
        f.a.county,
        "甲镇卫生院",
        UnitLevel::Township,
        Medicine::Western,
        "U530125T",
        "unit-town",
    )
    .await;
    let (village, village_dept) = fixture::add_unit(
        app,
        f.a.county,
        "甲村卫生室",
        UnitLevel::Village,
        Medicine::Western,
        "U530125V",
        "unit-village",
    )
    .await;
    let (tcm, tcm_dept) =
        fixture::add_unit(app, f.a.county, "甲县中医医院", UnitLevel::County, Medicine::Tcm, "U530125Z", "unit-tcm")
            .await;
    fixture::add_account(app, "county-b", Role::CountyOffice, Scope::Region(f.b.county)).await;
    fixture::add_account(app, "pref-b", Role::PrefectureOffice, Scope::Region(f.b.prefecture)).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let res = app.call_as(Method::PUT, &format!("/api/v1/cycles/{Y}"), Some(&kjc), Some(&open_dates())).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    Ctx { f, town, town_dept, village, village_dept, tcm, tcm_dept, seq: std::cell::Cell::new(0) }
}

async fn body(res: reqwest::Response) -> Value {
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// Puts people on a list; returns the response.
async fn submit(app: &TestApp, token: &str, list: &str, year: Option<i32>, people: Value) -> reqwest::Response {
    let mut b = json!({"cycle_year": Y, "list": list, "people": people});
    if let Some(y) = year {
        b["year"] = json!(y);
    }
    app.call_as(Method::POST, "/api/v1/verifications", Some(token), Some(&b)).await
}

/// Submits one person on the normal list and returns the record's id.
async fn submit_one(app: &TestApp, token: &str, person: PersonId) -> String {
    let res = submit(app, token, "normal", None, json!([{"person_id": person.0}])).await;
    assert_eq!(res.status(), 200);
    let r = body(res).await;
    assert_eq!(r["submitted"], 1, "{r}");
    r["ids"][0].as_str().unwrap().to_owned()
}

/// Follows an approve-all job until it stops running (100 polls, `every_ms`
/// apart); answers its last state.
async fn job_end(app: &TestApp, token: &str, job: &str, every_ms: u64) -> Value {
    let mut state = Value::Null;
    for _ in 0..100 {
        state = body(app.get_as(&format!("/api/v1/reviews/jobs/{job}"), token).await).await;
        if state["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(every_ms)).await;
    }
    state
}

async fn detail(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app.get_as(&format!("/api/v1/verifications/{id}"), token).await;
    assert_eq!(res.status(), 200);
    body(res).await
}

async fn decide(app: &TestApp, token: &str, decision: &str, reason: Option<&str>, items: Value) -> reqwest::Response {
    let mut b = json!({"decision": decision, "items": items});
    if let Some(r) = reason {
        b["reason"] = json!(r);
    }
    app.call_as(Method::POST, "/api/v1/reviews/decisions", Some(token), Some(&b)).await
}

/// Approves one record as the office, reading its version first.
async fn approve(app: &TestApp, token: &str, id: &str) -> Value {
    let d = detail(app, token, id).await;
    let res = decide(app, token, "approve", None, json!([{"id": id, "row_version": d["record"]["row_version"]}])).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    detail(app, token, id).await
}

async fn queue_ids(app: &TestApp, token: &str, state: Option<&str>) -> Vec<String> {
    let mut path = format!("/api/v1/reviews/queue?cycle_year={Y}");
    if let Some(s) = state {
        path.push_str(&format!("&state={s}"));
    }
    let res = app.get_as(&path, token).await;
    assert_eq!(res.status(), 200);
    let page = body(res).await;
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

async fn numbers(app: &TestApp, token: &str, ids: Option<Value>) -> Value {
    let mut b = json!({"cycle_year": Y});
    if let Some(ids) = ids {
        b["ids"] = ids;
    }
    let res = app.call_as(Method::POST, "/api/v1/certificate-numbers", Some(token), Some(&b)).await;
    assert_eq!(res.status(), 200);
    body(res).await
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

async fn upload(app: &TestApp, token: &str, content_type: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/evidence?file_name=x.pdf", app.base))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

fn field(p: &Value) -> &str {
    p["errors"][0]["field"].as_str().unwrap_or_default()
}

both_backends!(the_province_opens_a_cycle_and_changes_it_with_if_match, |app| async move {
    let f = fixture::load(&app).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let zyc = app.token("zyc", PASSWORD).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    assert_eq!(app.get_as("/api/v1/cycles/2024", &kjc).await.status(), 404);

    // Only the province opens a cycle.
    for token in [&unit, &county] {
        let res = app.call_as(Method::PUT, "/api/v1/cycles/2024", Some(token), Some(&json!({}))).await;
        assert_eq!(res.status(), 403);
    }
    // The defaults of SPEC §5.
    let res = app.call_as(Method::PUT, "/api/v1/cycles/2024", Some(&zyc), Some(&json!({}))).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let c = body(res).await;
    assert_eq!(c["year"], 2024);
    assert_eq!(c["opens_on"], "2025-01-01");
    assert_eq!(c["data_due"], "2025-03-01");
    assert_eq!(c["inspection_from"], "2025-04-10");
    assert_eq!(c["inspection_to"], "2025-05-10");
    assert_eq!(c["questions_until"], "2025-06-20");
    assert_eq!(c["closes_on"], "2025-06-30");
    assert_eq!(c["phase"], "closed");
    assert_eq!(c["opened_by"], "zyc");
    let res = app.get_as("/api/v1/cycles/2024", &unit).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);

    // Changing it needs If-Match: 428 without, 412 when stale.
    let change = json!({"data_due": "2025-03-15"});
    let res = app.call_as(Method::PUT, "/api/v1/cycles/2024", Some(&kjc), Some(&change)).await;
    assert_eq!(res.status(), 428);
    let stale = app
        .client
        .put(format!("{}/api/v1/cycles/2024", app.base))
        .bearer_auth(&kjc)
        .header("if-match", "\"cycle-2024.0\"")
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    let put = |b: Value, tag: String| {
        let (client, base, kjc) = (app.client.clone(), app.base.clone(), kjc.clone());
        async move {
            client
                .put(format!("{base}/api/v1/cycles/2024"))
                .bearer_auth(kjc)
                .header("if-match", tag)
                .json(&b)
                .send()
                .await
                .unwrap()
        }
    };
    // Out-of-order dates name the field.
    let res = put(json!({"closes_on": "2025-06-01"}), etag.clone()).await;
    assert_eq!(res.status(), 422);
    let p = body(res).await;
    assert_eq!(field(&p), "closes_on", "{p}");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("不能早于"), "{p}");
    let res = put(json!({"inspection_to": "2025-04-01"}), etag.clone()).await;
    assert_eq!(field(&body(res).await), "inspection_to");
    let res = put(json!({"opens_on": "2024-12-01"}), etag.clone()).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "opens_on");
    let res = put(json!({"nonsense": 1}), etag.clone()).await;
    assert_eq!(res.status(), 422);

    let res = put(change.clone(), etag.clone()).await;
    assert_eq!(res.status(), 200);
    let c = body(res).await;
    assert_eq!(c["data_due"], "2025-03-15");
    assert_eq!(c["row_version"], 2);
    assert_eq!(c["updated_by"], "kjc");
    assert_eq!(c["opened_by"], "zyc");
    // The old tag is stale now.
    assert_eq!(put(change, etag).await.status(), 412);
    // Two changes from the same version at once: one wins, the other is stale.
    let tag = app.get_as("/api/v1/cycles/2024", &kjc).await.headers()["etag"].to_str().unwrap().to_owned();
    let (a, b) = tokio::join!(
        put(json!({"data_due": "2025-03-10"}), tag.clone()),
        put(json!({"data_due": "2025-03-20"}), tag.clone())
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    assert_eq!(body(app.get_as("/api/v1/cycles/2024", &kjc).await).await["row_version"], 3);
    let list = body(app.get_as("/api/v1/cycles", &county).await).await;
    assert_eq!(list[0]["year"], 2024);

    // The 2024 cycle closed on 30 Jun 2025: no submissions.
    let f_unit_person = f.a.person.0;
    let b = json!({"cycle_year": 2024, "list": "normal", "people": [{"person_id": f_unit_person}]});
    let res = app.call_as(Method::POST, "/api/v1/verifications", Some(&unit), Some(&b)).await;
    assert_eq!(res.status(), 409);
    let p = body(res).await;
    assert_eq!(p["code"], "cycle_closed", "{p}");
    // Nor decisions: a record still in review when the cycle closed stays as it was.
    {
        use cme_domain::review::{Event, Tier};
        use cme_store::repo::verification::{self as verifications, Acting, NewVerification};
        let by = Acting { tier: Tier::Unit, id: None, name: "unit-a" };
        let r = verifications::create(&app.db, &NewVerification::normal(f.a.person, 2024), &by).await.unwrap();
        let r = verifications::apply_to(&app.db, &r, Event::Submit, &by, None).await.unwrap();
        let items = json!([{"id": r.id.0, "row_version": r.row_version}]);
        let res = decide(&app, &county, "approve", None, items).await;
        assert_eq!(res.status(), 409);
        assert_eq!(body(res).await["code"], "cycle_closed");
        assert_eq!(verifications::get(&app.db, r.id).await.unwrap().row_version, r.row_version);
    }
    // An unopened cycle is not found.
    let b = json!({"cycle_year": 2023, "list": "normal", "people": [{"person_id": f_unit_person}]});
    assert_eq!(app.call_as(Method::POST, "/api/v1/verifications", Some(&unit), Some(&b)).await.status(), 404);
});

both_backends!(offices_set_windows_inside_their_parents, |app| async move {
    let ctx = setup(&app).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let town = app.token("unit-town", PASSWORD).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let t = today();
    let at = |d: NaiveDate, time: &str| format!("{d}T{time}+08:00");
    let window = |from: String, to: String| json!({"starts_at": from, "ends_at": to});
    let path = format!("/api/v1/cycles/{Y}/windows/township");

    let w = body(app.get_as(&format!("/api/v1/cycles/{Y}/windows"), &kjc).await).await;
    assert_eq!(w["tiers"].as_array().unwrap().len(), 3);
    assert_eq!(w["tiers"][1]["tier"], "township");
    assert!(w["tiers"][1]["own"].is_null());

    // The province's window must lie inside the cycle.
    let res = app
        .call_as(
            Method::PUT,
            &path,
            Some(&kjc),
            Some(&window(at(t, "00:00:00"), at(t + Duration::days(400), "23:59:59"))),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "ends_at");
    let res = app
        .call_as(Method::PUT, &path, Some(&kjc), Some(&window("2025-12-01T00:00:00+08:00".into(), at(t, "23:59:59"))))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "starts_at");
    let province_end = t + Duration::days(30);
    let res = app
        .call_as(
            Method::PUT,
            &path,
            Some(&kjc),
            Some(&window("2026-01-01T00:00:00+08:00".into(), at(province_end, "23:59:59"))),
        )
        .await;
    assert_eq!(res.status(), 200);
    let w = body(res).await;
    assert_eq!(w["tiers"][1]["own"]["set_by"], "kjc");

    // The prefecture's must lie inside the province's.
    let res = app
        .call_as(
            Method::PUT,
            &path,
            Some(&pref),
            Some(&window("2026-01-01T00:00:00+08:00".into(), at(province_end + Duration::days(1), "23:59:59"))),
        )
        .await;
    assert_eq!(res.status(), 422);
    let p = body(res).await;
    assert_eq!(field(&p), "ends_at");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("乡镇级学分验证上报"), "{p}");
    // Units and departments set none; an unknown tier is named.
    let ok = window("2026-01-01T00:00:00+08:00".into(), at(t - Duration::days(1), "23:59:59"));
    assert_eq!(app.call_as(Method::PUT, &path, Some(&unit), Some(&ok)).await.status(), 403);
    let res = app.call_as(Method::PUT, &format!("/api/v1/cycles/{Y}/windows/city"), Some(&county), Some(&ok)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "tier");

    // The county closes its township window yesterday: a township unit's
    // submission is refused, naming the window in Beijing time.
    let res = app.call_as(Method::PUT, &path, Some(&county), Some(&ok)).await;
    assert_eq!(res.status(), 200);
    let w = body(res).await;
    assert_eq!(w["tiers"][1]["parent"]["set_by"], "kjc");
    assert_eq!(w["tiers"][1]["effective"]["set_by"], "county-a");
    let mine = body(app.get_as(&format!("/api/v1/cycles/{Y}/windows"), &town).await).await;
    assert_eq!(mine["open_now"], false);
    assert!(mine["unit_window"]["label"].as_str().unwrap().starts_with("乡镇级学分验证上报"));

    let p = ctx.person(&app, ctx.town, ctx.town_dept, &[Y]).await;
    let res = submit(&app, &town, "normal", None, json!([{"person_id": p.0}])).await;
    assert_eq!(res.status(), 409);
    let problem = body(res).await;
    assert_eq!(problem["code"], "outside_window");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("乡镇级学分验证上报"), "{detail}");
    assert!(detail.contains("北京时间"), "{detail}");
    assert!(detail.contains("已经截止"), "{detail}");
    // A county hospital follows the county_and_above window, still open.
    let q = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, &[Y]).await;
    submit_one(&app, &unit, q).await;

    // Reopened by the county: accepted.
    let reopened = window("2026-01-01T00:00:00+08:00".into(), at(t + Duration::days(3), "23:59:59"));
    assert_eq!(app.call_as(Method::PUT, &path, Some(&county), Some(&reopened)).await.status(), 200);
    let mine = body(app.get_as(&format!("/api/v1/cycles/{Y}/windows"), &town).await).await;
    assert_eq!(mine["open_now"], true);
    submit_one(&app, &town, p).await;
});

both_backends!(units_submit_normal_make_up_and_special_lists, |app| async move {
    let ctx = setup(&app).await;
    let f = &ctx.f;
    let unit = app.token("unit-a", PASSWORD).await;
    let dept = app.token("dept-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let county_b = app.token("county-b", PASSWORD).await;
    let (u, d) = (f.a.unit, f.a.department);
    let ok = ctx.person(&app, u, d, &[Y]).await;
    let bad = ctx.person(&app, u, d, &[]).await;

    // A non-compliant person refuses the whole list, naming him and why.
    let res = submit(&app, &unit, "normal", None, json!([{"person_id": ok.0}, {"person_id": bad.0}])).await;
    assert_eq!(res.status(), 422);
    let p = body(res).await;
    assert_eq!(field(&p), "people[1].person_id", "{p}");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("不达标"), "{p}");
    let list = body(app.get_as(&format!("/api/v1/verifications?cycle_year={Y}"), &unit).await).await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
    // Someone else's person, and the same person twice.
    let res = submit(&app, &unit, "normal", None, json!([{"person_id": f.b.person.0}])).await;
    assert_eq!(field(&body(res).await), "people[0].person_id");
    let res = submit(&app, &unit, "normal", None, json!([{"person_id": ok.0}, {"person_id": ok.0}])).await;
    assert_eq!(field(&body(res).await), "people[1].person_id");
    // A normal list carries the cycle's year only.
    let res = submit(&app, &unit, "normal", Some(Y - 1), json!([{"person_id": ok.0}])).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "year");

    let id = submit_one(&app, &unit, ok).await;
    let rec = detail(&app, &unit, &id).await["record"].clone();
    assert_eq!(rec["state"], "in_review");
    assert_eq!(rec["step"], 1);
    assert_eq!(rec["waiting_on"], "county_office");
    assert_eq!(rec["outcome_at_submit"], "compliant");
    let res = submit(&app, &unit, "normal", None, json!([{"person_id": ok.0}])).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "already_submitted");

    // The submitted person-year's credits are locked; the next year's are not.
    let credit = |year: i32, cert: &str| {
        json!({"year": year, "kind": "project", "source": "provincial", "amount": 1,
               "activity_name": "培训", "earned_on": format!("{year}-05-12"), "certificate_no": cert})
    };
    let path = format!("/api/v1/people/{}/credits", ok.0);
    let res = app.call_as(Method::POST, &path, Some(&unit), Some(&credit(Y, "L-1"))).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "person_year_locked");
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&credit(Y + 1, "L-2"))).await.status(), 201);

    // Make-up: Y−1 and Y−2, never Y−3.
    let m1 = ctx.person(&app, u, d, &[Y - 1]).await;
    let m2 = ctx.person(&app, u, d, &[Y - 2]).await;
    let m3 = ctx.person(&app, u, d, &[Y - 3]).await;
    let res = submit(&app, &unit, "make_up", None, json!([{"person_id": m1.0}])).await;
    assert_eq!(res.status(), 200);
    let res = submit(&app, &unit, "make_up", Some(Y - 2), json!([{"person_id": m2.0}])).await;
    assert_eq!(res.status(), 200);
    let r = body(res).await;
    let rec = detail(&app, &unit, r["ids"][0].as_str().unwrap()).await["record"].clone();
    assert_eq!(rec["year"], Y - 2);
    assert_eq!(rec["cycle_year"], Y);
    assert_eq!(rec["list"], "make_up");
    let res = submit(&app, &unit, "make_up", Some(Y - 3), json!([{"person_id": m3.0}])).await;
    assert_eq!(res.status(), 422);
    let p = body(res).await;
    assert_eq!(field(&p), "year", "{p}");
    // Make-up takes compliant people only, too.
    let res = submit(&app, &unit, "make_up", Some(Y - 1), json!([{"person_id": m2.0}])).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "people[0].person_id");

    // Evidence: a PDF is kept; a PNG declared as PDF, and 10 MiB + 1, are not.
    let res = upload(&app, &county, "application/pdf", pdf()).await;
    assert_eq!(res.status(), 403);
    let res = upload(&app, &unit, "application/pdf", pdf()).await;
    assert_eq!(res.status(), 200);
    let ev = body(res).await;
    assert_eq!(ev["content_type"], "application/pdf");
    assert_eq!(ev["file_name"], "x.pdf");
    let evidence = ev["id"].as_str().unwrap().to_owned();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0; 32]);
    let res = upload(&app, &unit, "application/pdf", png).await;
    assert_eq!(res.status(), 422);
    let p = body(res).await;
    assert_eq!(field(&p), "file", "{p}");
    let mut big = pdf();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    assert_eq!(upload(&app, &unit, "application/pdf", big).await.status(), 413);

    // Special list: reason, period of half a year (front line excepted), evidence.
    let s1 = ctx.person(&app, u, d, &[]).await;
    let s2 = ctx.person(&app, u, d, &[]).await;
    let study = |from: &str, to: &str| json!({"reason": "further_study", "period_from": from, "period_to": to});
    let res = submit(&app, &unit, "special", None, json!([{"person_id": s1.0, "evidence_ids": [evidence]}])).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "people[0].special");
    let short = json!([{"person_id": s1.0, "special": study("2025-03-01", "2025-06-30"), "evidence_ids": [evidence]}]);
    let res = submit(&app, &unit, "special", None, short).await;
    assert_eq!(res.status(), 422);
    let p = body(res).await;
    assert_eq!(field(&p), "people[0].special");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("半年"), "{p}");
    let res = submit(
        &app,
        &unit,
        "special",
        None,
        json!([{"person_id": s1.0, "special": study("2025-03-01", "2025-09-30")}]),
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "people[0].evidence_ids");
    let res = submit(
        &app,
        &unit,
        "special",
        None,
        json!([{"person_id": s1.0, "special": study("2025-03-01", "2025-09-30"), "evidence_ids": [uuid::Uuid::now_v7()]}]),
    )
    .await;
    assert_eq!(field(&body(res).await), "people[0].evidence_ids[0]");
    let front = json!({"reason": "front_line", "period_from": "2025-02-01", "period_to": "2025-03-01"});
    let res = submit(
        &app,
        &unit,
        "special",
        None,
        json!([{"person_id": s1.0, "special": study("2025-03-01", "2025-09-30"), "evidence_ids": [evidence]},
               {"person_id": s2.0, "special": front, "evidence_ids": [evidence]}]),
    )
    .await;
    assert_eq!(res.status(), 200);
    let r = body(res).await;
    assert_eq!(r["submitted"], 2);
    let front_id = r["ids"][1].as_str().unwrap().to_owned();
    let d2 = detail(&app, &unit, &front_id).await;
    assert_eq!(d2["record"]["list"], "special");
    assert_eq!(d2["record"]["special"]["reason"], "front_line");
    assert_eq!(d2["record"]["special"]["deemed_compliant"], true);
    assert_eq!(d2["evidence"][0]["id"], evidence.as_str());
    // The evidence is read by the unit and the offices above the record, not others.
    let res = app.get_as(&format!("/api/v1/evidence/{evidence}"), &county).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf());
    assert_eq!(app.get_as(&format!("/api/v1/evidence/{evidence}"), &unit).await.status(), 200);
    assert_eq!(app.get_as(&format!("/api/v1/evidence/{evidence}"), &county_b).await.status(), 404);
    assert_eq!(app.get_as(&format!("/api/v1/verifications/{front_id}"), &county_b).await.status(), 404);

    // A department prepares; only the unit submits.
    let dp = ctx.person(&app, u, d, &[Y]).await;
    let res = submit(&app, &dept, "normal", None, json!([{"person_id": dp.0}])).await;
    assert_eq!(res.status(), 200);
    let r = body(res).await;
    assert_eq!(r["prepared"], 1);
    assert_eq!(r["submitted"], 0);
    let prepared = r["ids"][0].as_str().unwrap().to_owned();
    assert_eq!(detail(&app, &unit, &prepared).await["record"]["state"], "prepared");
    let ids = json!({"ids": [prepared]});
    let res = app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&dept), Some(&ids)).await;
    assert_eq!(res.status(), 403);
    // Nothing prepared waits on the county yet.
    assert!(!queue_ids(&app, &county, None).await.contains(&prepared));
    let res = app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&ids)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["submitted"], 1);
    let rec = detail(&app, &unit, &prepared).await;
    assert_eq!(rec["record"]["state"], "in_review");
    let events: Vec<&str> = rec["timeline"].as_array().unwrap().iter().map(|t| t["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["prepare", "submit"]);
    assert_eq!(rec["timeline"][0]["actor_name"], "dept-a");
    assert_eq!(rec["timeline"][1]["actor_name"], "unit-a");
    // Submitting it again: not waiting on the unit.
    let res = app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&ids)).await;
    assert_eq!(res.status(), 409);
    assert!(queue_ids(&app, &county, None).await.contains(&prepared));
});

both_backends!(records_move_along_each_units_review_chain, |app| async move {
    let ctx = setup(&app).await;
    let f = &ctx.f;
    let unit = app.token("unit-a", PASSWORD).await;
    let town = app.token("unit-town", PASSWORD).await;
    let village = app.token("unit-village", PASSWORD).await;
    let tcm = app.token("unit-tcm", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let county_b = app.token("county-b", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let zyc = app.token("zyc", PASSWORD).await;

    // County-level Western hospital: unit → county → prefecture → 科教处.
    let p = ctx.person(&app, f.a.unit, f.a.department, &[Y]).await;
    let id = submit_one(&app, &unit, p).await;
    let d = detail(&app, &county, &id).await;
    let tiers: Vec<&str> = d["chain"].as_array().unwrap().iter().map(|s| s["tier"].as_str().unwrap()).collect();
    assert_eq!(tiers, ["unit", "county_office", "prefecture_office", "province_western"]);
    let item = |d: &Value| json!([{"id": id, "row_version": d["record"]["row_version"]}]);
    // Only the office awaited acts; an office outside the region finds nothing.
    assert!(queue_ids(&app, &county, None).await.contains(&id));
    assert!(queue_ids(&app, &pref, None).await.is_empty());
    let res = decide(&app, &pref, "approve", None, item(&d)).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "not_waiting");
    assert_eq!(decide(&app, &county_b, "approve", None, item(&d)).await.status(), 404);
    assert_eq!(decide(&app, &unit, "approve", None, item(&d)).await.status(), 403);
    // A return needs a reason.
    let res = decide(&app, &county, "return", Some("  "), item(&d)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "reason");
    assert_eq!(detail(&app, &county, &id).await["record"]["row_version"], d["record"]["row_version"]);

    let d = approve(&app, &county, &id).await;
    assert_eq!(d["record"]["step"], 2);
    assert_eq!(d["record"]["waiting_on"], "prefecture_office");
    // The prefecture returns it; it goes back to the unit.
    let res = decide(&app, &pref, "return", Some("继续教育登记表缺单位盖章"), item(&d)).await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &unit, &id).await;
    assert_eq!(d["record"]["state"], "returned");
    assert_eq!(d["record"]["waiting_on"], "unit");
    // A stale decision (the version read before the return) changes nothing.
    let res = decide(&app, &pref, "approve", None, json!([{"id": id, "row_version": 2}])).await;
    assert_eq!(res.status(), 409);
    // The unit resubmits; the chain starts again.
    let res = app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&json!({"ids": [id]}))).await;
    assert_eq!(res.status(), 200);
    approve(&app, &county, &id).await;
    let d = approve(&app, &pref, &id).await;
    assert_eq!(d["record"]["waiting_on"], "province_western");
    let res = decide(&app, &zyc, "approve", None, item(&d)).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "not_waiting");
    let d = approve(&app, &kjc, &id).await;
    assert_eq!(d["record"]["state"], "approved");
    assert_eq!(d["record"]["waiting_on"], "province_western");
    assert!(queue_ids(&app, &kjc, Some("approved")).await.contains(&id));

    // The timeline: who, when, from which state to which, and why.
    let events: Vec<&str> = d["timeline"].as_array().unwrap().iter().map(|t| t["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["prepare", "submit", "approve", "return", "submit", "approve", "approve", "approve"]);
    let ret = &d["timeline"][3];
    assert_eq!(ret["actor_name"], "pref-a");
    assert_eq!(ret["actor_tier"], "prefecture_office");
    assert_eq!(ret["reason"], "继续教育登记表缺单位盖章");
    assert_eq!(ret["from"], "in_review");
    assert_eq!(ret["from_step"], 2);
    assert_eq!(ret["to"], "returned");
    assert!(ret["at"].is_string());
    let seqs: Vec<i64> = d["timeline"].as_array().unwrap().iter().map(|t| t["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=8).collect::<Vec<i64>>());

    // Township: unit → county → prefecture (final).
    let tp = ctx.person(&app, ctx.town, ctx.town_dept, &[Y]).await;
    let tid = submit_one(&app, &town, tp).await;
    approve(&app, &county, &tid).await;
    let d = approve(&app, &pref, &tid).await;
    assert_eq!(d["record"]["state"], "approved");
    assert_eq!(d["record"]["waiting_on"], "prefecture_office");
    // Village: unit → county (final).
    let vp = ctx.person(&app, ctx.village, ctx.village_dept, &[Y]).await;
    let vid = submit_one(&app, &village, vp).await;
    let d = approve(&app, &county, &vid).await;
    assert_eq!(d["record"]["state"], "approved");
    assert_eq!(d["chain"].as_array().unwrap().len(), 2);
    // TCM county hospital: unit → county → prefecture → 中医处.
    let cp = ctx.person(&app, ctx.tcm, ctx.tcm_dept, &[Y]).await;
    let cid = submit_one(&app, &tcm, cp).await;
    approve(&app, &county, &cid).await;
    let d = approve(&app, &pref, &cid).await;
    assert_eq!(d["record"]["waiting_on"], "province_tcm");
    assert_eq!(
        decide(&app, &kjc, "approve", None, json!([{"id": cid, "row_version": d["record"]["row_version"]}]))
            .await
            .status(),
        409
    );
    let d = approve(&app, &zyc, &cid).await;
    assert_eq!(d["record"]["state"], "approved");

    // Certificate numbers: each final office numbers its own, nothing else.
    let n = numbers(&app, &kjc, None).await;
    assert_eq!(n["issued"], 1);
    assert_eq!(n["first"], format!("{Y}-530000-000001"));
    let n = numbers(&app, &pref, None).await;
    assert_eq!(n["issued"], 1);
    assert_eq!(n["first"], format!("{Y}-530100-000001"));
    let n = numbers(&app, &county, None).await;
    assert_eq!(n["issued"], 1);
    assert_eq!(n["first"], format!("{Y}-530125-000001"));
    let n = numbers(&app, &zyc, None).await;
    assert_eq!(n["issued"], 1);
    // The province's two offices share the province's sequence.
    assert_eq!(n["first"], format!("{Y}-530000-000002"));
    assert_eq!(numbers(&app, &kjc, None).await["issued"], 0);
    let d = detail(&app, &unit, &id).await;
    assert_eq!(d["record"]["state"], "certified");
    assert_eq!(d["record"]["certificate_no"], format!("{Y}-530000-000001"));
    assert!(d["record"]["waiting_on"].is_null());
    assert!(d["record"]["issued_at"].is_string());
    assert_eq!(d["timeline"].as_array().unwrap().last().unwrap()["event"], "issue_number");
    assert_eq!(detail(&app, &town, &tid).await["record"]["certificate_no"], format!("{Y}-530100-000001"));
    assert_eq!(detail(&app, &village, &vid).await["record"]["certificate_no"], format!("{Y}-530125-000001"));
});

both_backends!(two_concurrent_decisions_one_wins, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let p = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, &[Y]).await;
    let id = submit_one(&app, &unit, p).await;
    let d = detail(&app, &county, &id).await;
    let items = json!([{"id": id, "row_version": d["record"]["row_version"]}]);
    let (a, b) = tokio::join!(
        decide(&app, &county, "approve", None, items.clone()),
        decide(&app, &county, "return", Some("材料不全"), items.clone()),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let after = detail(&app, &county, &id).await;
    assert_eq!(after["timeline"].as_array().unwrap().len(), 3, "{after}");
    assert_eq!(after["record"]["row_version"], d["record"]["row_version"].as_i64().unwrap() + 1);
    let won = if a.status() == 200 { "approve" } else { "return" };
    assert_eq!(after["timeline"][2]["event"], won);
});

both_backends!(final_offices_number_without_gaps, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let ids = ctx.submitted(&app, &unit, 4).await;
    for id in &ids[..3] {
        approve(&app, &county, id).await;
        approve(&app, &pref, id).await;
        approve(&app, &kjc, id).await;
    }
    // A record not yet approved is not numbered, even when named.
    let n = numbers(&app, &kjc, Some(json!([ids[3]]))).await;
    assert_eq!(n["issued"], 0);
    // Not the final office: nothing.
    assert_eq!(numbers(&app, &pref, None).await["issued"], 0);
    assert_eq!(numbers(&app, &county, None).await["issued"], 0);
    let n = numbers(&app, &kjc, Some(json!([ids[1]]))).await;
    assert_eq!(n["issued"], 1);
    assert_eq!(n["first"], format!("{Y}-530000-000001"));
    let n = numbers(&app, &kjc, None).await;
    assert_eq!(n["issued"], 2);
    assert_eq!(n["first"], format!("{Y}-530000-000002"));
    assert_eq!(n["last"], format!("{Y}-530000-000003"));
    let mut all = Vec::new();
    for id in &ids[..3] {
        let d = detail(&app, &unit, id).await;
        all.push(d["record"]["certificate_no"].as_str().unwrap().to_owned());
    }
    all.sort();
    assert_eq!(all, (1..=3).map(|i| format!("{Y}-530000-{i:06}")).collect::<Vec<_>>());
    assert_eq!(numbers(&app, &kjc, None).await["issued"], 0);
    assert_eq!(detail(&app, &unit, &ids[3]).await["record"]["certificate_no"], Value::Null);
    // Only offices number.
    let res =
        app.call_as(Method::POST, "/api/v1/certificate-numbers", Some(&unit), Some(&json!({"cycle_year": Y}))).await;
    assert_eq!(res.status(), 403);
});

both_backends!(statistics_per_unit_county_and_prefecture, |app| async move {
    let ctx = setup(&app).await;
    let f = &ctx.f;
    let unit = app.token("unit-a", PASSWORD).await;
    let town = app.token("unit-town", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let (u, d) = (f.a.unit, f.a.department);
    // Side A's unit: its fixture person plus five (four compliant).
    fixture::store_verdict(&app, f.a.person, Y).await;
    let ids = ctx.submitted(&app, &unit, 4).await;
    ctx.person(&app, u, d, &[]).await;
    let tp = ctx.person(&app, ctx.town, ctx.town_dept, &[Y]).await;
    submit_one(&app, &town, tp).await;
    // One returned, two approved at the province, one of them numbered.
    let d0 = detail(&app, &county, &ids[0]).await;
    let res = decide(
        &app,
        &county,
        "return",
        Some("信息有误"),
        json!([{"id": ids[0], "row_version": d0["record"]["row_version"]}]),
    )
    .await;
    assert_eq!(res.status(), 200);
    for id in &ids[1..3] {
        approve(&app, &county, id).await;
        approve(&app, &pref, id).await;
        approve(&app, &kjc, id).await;
    }
    numbers(&app, &kjc, Some(json!([ids[1]]))).await;

    let s = body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}"), &unit).await).await;
    assert_eq!(s["rows"].as_array().unwrap().len(), 1, "{s}");
    let row = &s["rows"][0];
    assert_eq!(row["id"], u.0.to_string());
    assert_eq!(row["to_verify"], 6);
    assert_eq!(row["compliant"], 4);
    assert_eq!(row["submitted"], 4);
    assert_eq!(row["returned"], 1);
    assert_eq!(row["approved"], 2, "{row}");
    assert_eq!(row["certified"], 1);
    assert_eq!(row["pass_rate_per_mille"], 500, "{row}");
    assert_eq!(row["missing"], 2);
    assert!(s["deadline"].is_string(), "{s}");
    assert!(!s["deadline_label"].as_str().unwrap().is_empty());

    // The county sees its units, the prefecture its counties, the province all.
    let s = body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=unit"), &county).await).await;
    assert!(s["deadline"].is_null());
    let names: Vec<&str> = s["rows"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"甲县人民医院") && names.contains(&"甲镇卫生院"), "{names:?}");
    assert!(!names.contains(&"乙县人民医院"), "{names:?}");
    assert_eq!(s["total"]["submitted"], 5);
    let s = body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=county"), &pref).await).await;
    assert_eq!(s["rows"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(s["rows"][0]["name"], "甲县");
    assert_eq!(s["rows"][0]["submitted"], 5);
    let s = body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=prefecture"), &kjc).await).await;
    let row = s["rows"].as_array().unwrap().iter().find(|r| r["name"] == "甲州").unwrap().clone();
    assert_eq!(row["submitted"], 5);
    assert_eq!(row["certified"], 1);

    let res = app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=street"), &kjc).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "by");
    assert_eq!(app.get_as("/api/v1/verification-stats?cycle_year=2019", &kjc).await.status(), 404);

    // The queue summary of an office.
    let s = body(app.get_as(&format!("/api/v1/reviews/summary?cycle_year={Y}"), &county).await).await;
    let in_review: u64 = s.as_array().unwrap().iter().map(|r| r["in_review"].as_u64().unwrap()).sum();
    assert_eq!(in_review, 2, "{s}");

    // The province's figures are shared and say when they were computed; a
    // county's are computed for each request: a new submission shows at the
    // county at once, at the province when its figures are computed again.
    let province =
        body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=prefecture"), &kjc).await).await;
    let province_at = province["figures_at"].as_str().expect("figures_at").to_owned();
    let p = ctx.person(&app, u, d, &[Y]).await;
    submit_one(&app, &unit, p).await;
    let c = body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=unit"), &county).await).await;
    assert_eq!(c["total"]["submitted"], 6, "live at the county: {c}");
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().expect("a time")).expect("RFC 3339");
    assert!(at(&c["figures_at"]) > at(&province["figures_at"]), "{c}");
    let again = body(app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&by=prefecture"), &kjc).await).await;
    assert_eq!(again["figures_at"], province_at.as_str(), "the same shared figures: {again}");
    let row = again["rows"].as_array().unwrap().iter().find(|r| r["name"] == "甲州").unwrap().clone();
    assert_eq!(row["submitted"], 5, "as computed at {province_at}");
    // A printed report is computed when it is asked for (it prints the day).
    let res = app.get_as(&format!("/api/v1/verification-stats/export?cycle_year={Y}&by=prefecture"), &kjc).await;
    assert_eq!(res.status(), 200);
});

/// The count of `kind` (and `list`) on a workbench; `None` when the task is not offered.
fn task(w: &Value, kind: &str, list: Option<&str>) -> Option<u64> {
    w["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == kind && t["list"].as_str() == list)
        .map(|t| t["count"].as_u64().unwrap())
}

both_backends!(the_workbench_counts_what_waits_and_the_progress_below, |app| async move {
    let ctx = setup(&app).await;
    let f = &ctx.f;
    let unit = app.token("unit-a", PASSWORD).await;
    let town = app.token("unit-town", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let (u, d) = (f.a.unit, f.a.department);
    fixture::store_verdict(&app, f.a.person, Y).await;
    let ids = ctx.submitted(&app, &unit, 4).await;
    ctx.person(&app, u, d, &[]).await;
    let tp = ctx.person(&app, ctx.town, ctx.town_dept, &[Y]).await;
    submit_one(&app, &town, tp).await;
    let d0 = detail(&app, &county, &ids[0]).await;
    let items = json!([{"id": ids[0], "row_version": d0["record"]["row_version"]}]);
    assert_eq!(decide(&app, &county, "return", Some("信息有误"), items).await.status(), 200);
    for id in &ids[1..3] {
        approve(&app, &county, id).await;
        approve(&app, &pref, id).await;
        approve(&app, &kjc, id).await;
    }
    numbers(&app, &kjc, Some(json!([ids[1]]))).await;

    // The unit: its returned and unsubmitted records, its window and the province's deadline.
    let w = body(app.get_as("/api/v1/workbench", &unit).await).await;
    assert_eq!(w["cycle"]["year"], Y, "{w}");
    assert_eq!(w["cycle"]["phase"], "submission");
    let deadlines = w["cycle"]["deadlines"].as_array().unwrap();
    assert_eq!(deadlines[0]["label"], "本单位上报截止", "{w}");
    assert_eq!(deadlines[0]["own"], true);
    let due = deadlines.iter().find(|x| x["label"] == "数据报送省级截止").unwrap();
    assert_eq!(due["days_left"], 40, "{due}");
    assert_eq!(task(&w, "returned_records", None), Some(1), "{w}");
    assert_eq!(task(&w, "prepared_records", None), Some(0));
    assert_eq!(task(&w, "not_submitted", None), Some(2));
    assert_eq!(task(&w, "credit_reports", None), Some(0));
    assert_eq!(task(&w, "transfers", None), Some(0));
    assert_eq!(task(&w, "review_records", Some("normal")), None, "a unit reviews no records");
    assert!(w["below_by"].is_null() && w["below"].as_array().unwrap().is_empty(), "{w}");
    assert_eq!(w["total"]["to_verify"], 6);

    // The county: two records wait on it; its units, least progress first.
    let w = body(app.get_as("/api/v1/workbench", &county).await).await;
    assert_eq!(task(&w, "review_records", Some("normal")), Some(2), "{w}");
    assert_eq!(task(&w, "review_records", Some("make_up")), Some(0));
    assert_eq!(task(&w, "returned_records", None), None, "an office fixes no records");
    assert_eq!(task(&w, "title_corrections", None), Some(0));
    assert_eq!(w["below_by"], "unit");
    let names: Vec<&str> = w["below"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names[0], "甲镇卫生院", "nothing approved there yet: first. {names:?}");
    assert!(names.contains(&"甲县人民医院") && !names.contains(&"乙县人民医院"), "{names:?}");
    assert!(w["cycle"]["deadlines"].as_array().unwrap().iter().any(|x| x["label"] == "乡镇级学分验证上报截止"), "{w}");

    // The province: one approved record waits for its number; prefectures below.
    let w = body(app.get_as("/api/v1/workbench", &kjc).await).await;
    assert_eq!(task(&w, "awaiting_numbers", None), Some(1), "{w}");
    assert_eq!(w["below_by"], "prefecture");
    let row = w["below"].as_array().unwrap().iter().find(|r| r["name"] == "甲州").unwrap().clone();
    assert_eq!(row["submitted"], 5, "{row}");
    assert_eq!(row["approved"], 2);

    // What waits is counted live; the figures below are shared for a few seconds.
    let d3 = detail(&app, &county, &ids[3]).await;
    let items = json!([{"id": ids[3], "row_version": d3["record"]["row_version"]}]);
    assert_eq!(decide(&app, &county, "approve", None, items).await.status(), 200);
    let w = body(app.get_as("/api/v1/workbench", &county).await).await;
    assert_eq!(task(&w, "review_records", Some("normal")), Some(1), "{w}");

    assert_eq!(app.get_as("/api/v1/workbench?cycle_year=2019", &kjc).await.status(), 404);
});

both_backends!(the_queue_shows_the_verdict_and_approves_all_that_match_at_once, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let ids = ctx.submitted(&app, &unit, 5).await;

    // Each row carries what the reviewer reviews; the first page counts all.
    let page = body(app.get_as(&format!("/api/v1/reviews/queue?cycle_year={Y}&limit=2"), &county).await).await;
    assert_eq!(page["total"], 5, "{page}");
    assert!(page["counted_at"].is_string());
    let v = &page["items"][0]["verdict"];
    assert_eq!(v["title_name"], "主治医师", "{v}");
    assert_eq!(v["title_level"], "intermediate");
    assert_eq!(v["outcome"], "compliant");
    assert!(!v["required"]["total"].is_null(), "the standard's row for a county hospital's intermediate title: {v}");
    assert!(v["shortfalls"].as_array().unwrap().is_empty());
    let cursor = page["next_cursor"].as_str().unwrap();
    let next =
        body(app.get_as(&format!("/api/v1/reviews/queue?cycle_year={Y}&limit=2&after={cursor}"), &county).await).await;
    assert!(next["total"].is_null(), "counted on the first page only");

    // Search by name in the URL, by ID number in a body.
    let page =
        body(app.get_as(&format!("/api/v1/reviews/queue?cycle_year={Y}&name=%E9%AA%8C%E8%AF%812"), &county).await)
            .await;
    assert_eq!(page["total"], 1, "验证2: {page}");
    assert_eq!(page["items"][0]["person_name"], "验证2");
    let lookup = json!({"cycle_year": Y, "id_number": fixture::id_number_of(103)});
    let res = app.call_as(Method::POST, "/api/v1/reviews/queue/lookup", Some(&county), Some(&lookup)).await;
    let page = body(res).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page["items"][0]["person_name"], "验证3");
    let bad = json!({"cycle_year": Y, "id_number": "12345"});
    let res = app.call_as(Method::POST, "/api/v1/reviews/queue/lookup", Some(&county), Some(&bad)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "id_number");

    // Counted: 5. Then one record is returned and resubmitted: it changed
    // after the count, so "approve all 5" approves 4 and reports it.
    let page = body(app.get_as(&format!("/api/v1/reviews/queue?cycle_year={Y}"), &county).await).await;
    let counted_at = page["counted_at"].as_str().unwrap().to_owned();
    let d0 = detail(&app, &county, &ids[0]).await;
    let items = json!([{"id": ids[0], "row_version": d0["record"]["row_version"]}]);
    assert_eq!(decide(&app, &county, "return", Some("信息有误"), items).await.status(), 200);
    let res =
        app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&json!({"ids": [ids[0]]}))).await;
    assert_eq!(res.status(), 200);
    let all = json!({"cycle_year": Y, "expected": 5, "counted_at": counted_at});
    let res = app.call_as(Method::POST, "/api/v1/reviews/decisions/matching", Some(&county), Some(&all)).await;
    assert_eq!(res.status(), 200);
    let r = body(res).await;
    assert_eq!(r["decided"], 4, "{r}");
    assert_eq!(r["found"], 5);
    assert_eq!(r["gone"], 0);
    assert_eq!(r["changed"].as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["changed"][0]["id"], ids[0].as_str());
    assert_eq!(r["changed"][0]["person_name"], "验证1");
    assert_eq!(r["changed"][0]["unit_name"], "甲县人民医院");
    assert_eq!(detail(&app, &county, &ids[1]).await["record"]["waiting_on"], "prefecture_office");
    assert_eq!(queue_ids(&app, &county, None).await, vec![ids[0].clone()]);

    // The unit's figures did not count it twice; a count of nothing is refused.
    let zero = json!({"cycle_year": Y, "expected": 0, "counted_at": counted_at});
    let res = app.call_as(Method::POST, "/api/v1/reviews/decisions/matching", Some(&county), Some(&zero)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "expected");
});

both_backends!(approving_more_than_one_request_holds_runs_as_a_job_with_progress, |app| async move {
    // The test app approves up to 4 records in the request; 6 run as a job.
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let ids = ctx.submitted(&app, &unit, 6).await;
    let page = body(app.get_as(&format!("/api/v1/reviews/queue?cycle_year={Y}"), &county).await).await;
    let all = json!({"cycle_year": Y, "expected": 6, "counted_at": page["counted_at"]});
    let res = app.call_as(Method::POST, "/api/v1/reviews/decisions/matching", Some(&county), Some(&all)).await;
    assert_eq!(res.status(), 202);
    let r = body(res).await;
    assert_eq!(r["decided"], 0, "{r}");
    assert_eq!(r["found"], 6);
    assert_eq!(r["job"]["total"], 6, "{r}");
    let job = r["job"]["id"].as_str().unwrap().to_owned();
    // Followed to its end.
    let state = job_end(&app, &county, &job, 50).await;
    assert_eq!(state["state"], "finished", "{state}");
    assert_eq!(state["done"], 6);
    assert_eq!(state["skipped"], 0);
    assert!(state["finished_at"].is_string());
    for id in &ids {
        assert_eq!(detail(&app, &county, id).await["record"]["waiting_on"], "prefecture_office");
    }
    assert!(queue_ids(&app, &county, None).await.is_empty());
    // Audited, naming the job.
    let kjc = app.token("kjc", PASSWORD).await;
    let log = body(app.get_as("/api/v1/audit?action=verification.approve", &kjc).await).await;
    let approvals: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|e| e["detail"]["job"] == job.as_str()).collect();
    let approved: usize = approvals.iter().map(|e| e["detail"]["ids"].as_array().unwrap().len()).sum();
    assert_eq!(approved, 6, "{log}");
    // Only the account that started it follows it.
    let pref = app.token("pref-a", PASSWORD).await;
    assert_eq!(app.get_as(&format!("/api/v1/reviews/jobs/{job}"), &pref).await.status(), 404);
});

both_backends!(an_approve_all_whose_instance_died_is_resumed_by_another_where_it_stopped, |app| async move {
    // A job of 6 records started by an instance that died after approving
    // the first 2 (its progress says 2 done): another instance's worker
    // claims it once its heartbeat is stale and approves the other 4.
    use cme_store::repo::{account, review_job, verification as verifications};
    use sea_orm::{EntityTrait as _, QueryFilter as _, TransactionTrait as _};
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let ids = ctx.submitted(&app, &unit, 6).await;
    let records: Vec<(uuid::Uuid, i32)> = {
        let mut out = Vec::new();
        for id in &ids {
            let id = cme_domain::ids::VerificationId(id.parse().unwrap());
            out.push((id.0, verifications::get(&app.db, id).await.unwrap().row_version));
        }
        out
    };
    // The dead instance's two approvals (their versions moved on).
    for id in &ids[..2] {
        approve(&app, &county, id).await;
    }
    let (acct, _) = account::find_by_username(&app.db, "county-a").await.unwrap().unwrap();
    let work = review_job::Work {
        account_id: acct.id,
        tier: "county_office".to_owned(),
        ip: "127.0.0.1".to_owned(),
        matching: json!({"cycle_year": Y}),
        records,
    };
    let job = review_job::start(&app.db, &work, Y, "an-instance-that-died").await.unwrap();
    let txn = app.db.begin().await.unwrap();
    assert!(review_job::advance(&txn, job, "an-instance-that-died", 2, 0).await.unwrap());
    txn.commit().await.unwrap();
    // Its heartbeat stopped a minute ago.
    let stale = Utc::now() - Duration::minutes(1);
    cme_store::entity::review_jobs::Entity::update_many()
        .col_expr(cme_store::entity::review_jobs::Column::HeartbeatAt, sea_orm::sea_query::Expr::value(Some(stale)))
        .filter(sea_orm::ColumnTrait::eq(&cme_store::entity::review_jobs::Column::Id, job))
        .exec(&app.db)
        .await
        .unwrap();
    // The worker polls every 10 s.
    let state = job_end(&app, &county, &job.to_string(), 250).await;
    assert_eq!(state["state"], "finished", "{state}");
    assert_eq!(state["done"], 6, "{state}");
    assert_eq!(state["skipped"], 0, "it went on from the third record: {state}");
    for id in &ids {
        assert_eq!(detail(&app, &county, id).await["record"]["waiting_on"], "prefecture_office");
    }
    // The dead instance can no longer advance or finish it.
    let txn = app.db.begin().await.unwrap();
    assert!(!review_job::advance(&txn, job, "an-instance-that-died", 1, 0).await.unwrap());
    drop(txn);
});

both_backends!(candidates_and_a_refused_submission_name_the_right_record, |app| async move {
    let ctx = setup(&app).await;
    let (u, d) = (ctx.f.a.unit, ctx.f.a.department);
    let unit = app.token("unit-a", PASSWORD).await;
    let dept = app.token("dept-a", PASSWORD).await;
    let p1 = ctx.person(&app, u, d, &[Y]).await;
    let p2 = ctx.person(&app, u, d, &[Y]).await;
    let bad = ctx.person(&app, u, d, &[]).await;
    let res = submit(&app, &dept, "normal", None, json!([{"person_id": p1.0}, {"person_id": p2.0}])).await;
    assert_eq!(res.status(), 200);
    let r = body(res).await;
    let (r1, r2) = (r["ids"][0].as_str().unwrap().to_owned(), r["ids"][1].as_str().unwrap().to_owned());

    // 人员达标情况: who may go on the list, and why not.
    let page =
        body(app.get_as(&format!("/api/v1/verifications/candidates?cycle_year={Y}&list=normal"), &unit).await).await;
    let items = page["items"].as_array().unwrap();
    let of = |p: PersonId| items.iter().find(|i| i["person_id"] == p.0.to_string()).unwrap().clone();
    assert_eq!(of(p1)["eligible"], true);
    assert_eq!(of(p1)["state"], "prepared");
    assert_eq!(of(p1)["verification_id"], r1.as_str());
    assert_eq!(of(bad)["eligible"], false);
    assert!(of(bad)["reason"].as_str().unwrap().contains("不达标"), "{}", of(bad));
    let page = body(
        app.get_as(&format!("/api/v1/verifications/candidates?cycle_year={Y}&list=normal&eligible_only=true"), &unit)
            .await,
    )
    .await;
    assert!(page["items"].as_array().unwrap().iter().all(|i| i["eligible"] == true));
    let res = app
        .get_as(&format!("/api/v1/verifications/candidates?cycle_year={Y}&list=make_up&year={}", Y - 3), &unit)
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(field(&body(res).await), "year");

    // p2's credits are reversed before the unit submits: the refusal names
    // p2's record wherever it stands in the request, and nothing moves.
    let detail_path = format!("/api/v1/people/{}/compliance/{Y}", p2.0);
    let credits = body(app.get_as(&detail_path, &unit).await).await["credits"].clone();
    for c in credits.as_array().unwrap() {
        let path = format!("/api/v1/credits/{}/reverse", c["id"].as_str().unwrap());
        let res = app.call_as(Method::POST, &path, Some(&unit), Some(&json!({"reason": "证书作废"}))).await;
        assert_eq!(res.status(), 200);
    }
    assert_eq!(body(app.get_as(&detail_path, &unit).await).await["outcome"], "non_compliant");
    for (ids, named) in [(json!([r2, r1]), "ids[0]"), (json!([r1, r2]), "ids[1]")] {
        let res =
            app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&json!({"ids": ids}))).await;
        assert_eq!(res.status(), 422);
        let p = body(res).await;
        assert_eq!(field(&p), named, "{p}");
    }
    assert_eq!(detail(&app, &unit, &r1).await["record"]["state"], "prepared");
    let res = app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&json!({"ids": [r1]}))).await;
    assert_eq!(res.status(), 200);
});

both_backends!(certificate_numbers_stay_within_their_cycle, |app| async move {
    use cme_domain::review::{Event, Tier};
    use cme_store::repo::verification::{self as verifications, Acting, NewVerification};
    let ctx = setup(&app).await;
    let village = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    // A village doctor approved in the 2024 cycle (recorded before it closed).
    let old = ctx.person(&app, ctx.village, ctx.village_dept, &[Y - 1]).await;
    let unit_by = Acting { tier: Tier::Unit, id: None, name: "unit-village" };
    let county_by = Acting { tier: Tier::CountyOffice, id: None, name: "county-a" };
    let r = verifications::create(&app.db, &NewVerification::normal(old, Y - 1), &unit_by).await.unwrap();
    let r = verifications::apply_to(&app.db, &r, Event::Submit, &unit_by, None).await.unwrap();
    let r = verifications::apply_to(&app.db, &r, Event::Approve, &county_by, None).await.unwrap();
    assert_eq!(r.current_tier, Some(Tier::CountyOffice));
    // And one in 2025's.
    let p = ctx.person(&app, ctx.village, ctx.village_dept, &[Y]).await;
    let id = submit_one(&app, &village, p).await;
    approve(&app, &county, &id).await;

    let n = numbers(&app, &county, None).await;
    assert_eq!(n["issued"], 1, "{n}");
    assert_eq!(n["first"], format!("{Y}-530125-000001"));
    assert_eq!(verifications::get(&app.db, r.id).await.unwrap().certificate_no, None);
    let res = app
        .call_as(Method::POST, "/api/v1/certificate-numbers", Some(&county), Some(&json!({"cycle_year": Y - 1})))
        .await;
    let n = body(res).await;
    assert_eq!(n["issued"], 1, "{n}");
    assert_eq!(n["first"], format!("{}-530125-000001", Y - 1));
});

both_backends!(a_returned_record_is_fixed_and_resubmitted_on_its_list, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let p = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, &[Y]).await;
    let id = submit_one(&app, &unit, p).await;
    let d = detail(&app, &county, &id).await;
    let items = json!([{"id": id, "row_version": d["record"]["row_version"]}]);
    assert_eq!(decide(&app, &county, "return", Some("漏登一项学分"), items).await.status(), 200);

    // Returned: the unit may enter the missing credit again.
    let credit = json!({"year": Y, "kind": "project", "source": "provincial", "amount": 1,
                        "activity_name": "培训", "earned_on": format!("{Y}-05-12"), "certificate_no": "RET-1"});
    let path = format!("/api/v1/people/{}/credits", p.0);
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&credit)).await.status(), 201);
    assert!(!queue_ids(&app, &county, None).await.contains(&id));

    // Put on the list again: the same record, revised and submitted.
    let res = submit(&app, &unit, "normal", None, json!([{"person_id": p.0, "note": "已补登"}])).await;
    assert_eq!(res.status(), 200);
    let r = body(res).await;
    assert_eq!(r["ids"][0], id.as_str());
    assert_eq!(r["submitted"], 1);
    let d = detail(&app, &county, &id).await;
    assert_eq!(d["record"]["state"], "in_review");
    assert_eq!(d["record"]["note"], "已补登");
    let seqs: Vec<i64> = d["timeline"].as_array().unwrap().iter().map(|t| t["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(d["record"]["row_version"], 4);
    assert!(queue_ids(&app, &county, None).await.contains(&id));
    // Locked again.
    let mut again = credit.clone();
    again["certificate_no"] = json!("RET-2");
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&again)).await.status(), 409);
    approve(&app, &county, &id).await;
});

both_backends!(concurrent_submissions_and_numbering_stay_consistent, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    // The same person submitted twice at once: one record.
    let p = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, &[Y]).await;
    let people = json!([{"person_id": p.0}]);
    let (a, b) = tokio::join!(
        submit(&app, &unit, "normal", None, people.clone()),
        submit(&app, &unit, "normal", None, people.clone())
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", body(a).await, body(b).await);
    let list = body(app.get_as(&format!("/api/v1/verifications?cycle_year={Y}"), &unit).await).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Two number runs at once: every approved record numbered once, no gaps.
    let mut ids = vec![list["items"][0]["id"].as_str().unwrap().to_owned()];
    for _ in 0..3 {
        let q = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, &[Y]).await;
        ids.push(submit_one(&app, &unit, q).await);
    }
    for id in &ids {
        approve(&app, &county, id).await;
        approve(&app, &pref, id).await;
        approve(&app, &kjc, id).await;
    }
    let run = || async {
        app.call_as(Method::POST, "/api/v1/certificate-numbers", Some(&kjc), Some(&json!({"cycle_year": Y}))).await
    };
    let (a, b) = tokio::join!(run(), run());
    for r in [&a, &b] {
        assert!(r.status() == 200 || r.status() == 409, "{}", r.status());
    }
    // A run that lost the race leaves the rest to the next one.
    numbers(&app, &kjc, None).await;
    let mut all = Vec::new();
    for id in &ids {
        all.push(detail(&app, &unit, id).await["record"]["certificate_no"].as_str().unwrap().to_owned());
    }
    all.sort();
    assert_eq!(all, (1..=4).map(|i| format!("{Y}-530000-{i:06}")).collect::<Vec<_>>());
});
