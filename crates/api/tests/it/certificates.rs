//! Certificates and what follows them over HTTP (SPEC §5, §7, §8): seals,
//! certificates made with their numbers, PDFs (one, a batch, a multi-year
//! proof) read back with pdftotext, public verification by QR token and by
//! number, revocation, spot checks and on-site inspections that send an
//! institution's year back and hold its certificates, and title
//! corrections that reissue a certificate with the same number.

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD};
use chrono::{Datelike as _, Duration, Utc};
use cme_domain::auth::{Role, Scope};
use cme_domain::credit::{CreditCategory, CreditSource};
use cme_domain::ids::{DepartmentId, PersonId, UnitId};
use cme_domain::org::{Medicine, UnitLevel};
use reqwest::Method;
use serde_json::{Value, json};

const Y: i32 = 2025;

struct Ctx {
    f: Fixture,
    village: UnitId,
    village_dept: DepartmentId,
    seq: std::cell::Cell<u32>,
}

impl Ctx {
    async fn person(&self, app: &TestApp, unit: UnitId, dept: DepartmentId, name: &str) -> (PersonId, u32) {
        let n = self.seq.get() + 1;
        self.seq.set(n);
        let p = fixture::add_person(app, unit, dept, 300 + n, name).await;
        (p, 300 + n)
    }
}

async fn setup(app: &TestApp) -> Ctx {
    let f = fixture::load(app).await;
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
    let t = cme_domain::time::today_in_shanghai(Utc::now());
    let dates = json!({"opens_on": "2026-01-01", "data_due": t + Duration::days(40),
           "inspection_from": t + Duration::days(60), "inspection_to": t + Duration::days(90),
           "questions_until": t + Duration::days(120), "closes_on": t + Duration::days(150)});
    fixture::add_account(app, "county-b", Role::CountyOffice, Scope::Region(f.b.county)).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let res = app.call_as(Method::PUT, &format!("/api/v1/cycles/{Y}"), Some(&kjc), Some(&dates)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    Ctx { f, village, village_dept, seq: std::cell::Cell::new(0) }
}

async fn body(res: reqwest::Response) -> Value {
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

async fn submit(app: &TestApp, token: &str, people: &[PersonId]) -> Vec<String> {
    let list: Vec<Value> = people.iter().map(|p| json!({"person_id": p.0})).collect();
    let b = json!({"cycle_year": Y, "list": "normal", "people": list});
    let res = app.call_as(Method::POST, "/api/v1/verifications", Some(token), Some(&b)).await;
    let status = res.status();
    let r = body(res).await;
    assert_eq!(status, 200, "{r}");
    r["ids"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_owned()).collect()
}

async fn approve_all(app: &TestApp, token: &str, ids: &[String]) {
    let mut items = Vec::new();
    for id in ids {
        let d = body(app.get_as(&format!("/api/v1/verifications/{id}"), token).await).await;
        items.push(json!({"id": id, "row_version": d["record"]["row_version"]}));
    }
    let b = json!({"decision": "approve", "items": items});
    let res = app.call_as(Method::POST, "/api/v1/reviews/decisions", Some(token), Some(&b)).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
}

async fn number(app: &TestApp, token: &str) -> Value {
    let res =
        app.call_as(Method::POST, "/api/v1/certificate-numbers", Some(token), Some(&json!({"cycle_year": Y}))).await;
    assert_eq!(res.status(), 200);
    body(res).await
}

async fn certificates(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app.get_as(&format!("/api/v1/certificates?year={Y}"), token).await;
    assert_eq!(res.status(), 200);
    body(res).await["items"].as_array().unwrap().clone()
}

fn token_of(c: &Value) -> String {
    c["verify_url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

async fn public(app: &TestApp, token: &str) -> reqwest::Response {
    app.get(&format!("/api/v1/public/certificates/{token}")).await
}

/// A red ring on white paper, as a scanned stamp.
fn seal_scan() -> Vec<u8> {
    let (w, h) = (200u32, 200u32);
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - 100.0, y as f32 - 100.0);
            let r = (dx * dx + dy * dy).sqrt();
            if (70.0..85.0).contains(&r) || (dx.abs() < 20.0 && dy.abs() < 20.0) {
                rgb.extend_from_slice(&[200, 30, 30]);
            } else {
                rgb.extend_from_slice(&[250, 250, 248]);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&rgb).unwrap();
    }
    out
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("cme-cert-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("c.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-layout", path.to_str().unwrap(), "-"]).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &[u8]) -> usize {
    let text = pdftotext(pdf);
    text.matches('\u{c}').count().max(1)
}

async fn trainee_token(app: &TestApp, seq: u32, name: &str) -> String {
    let c: Value = app.get("/api/v1/auth/captcha").await.json().await.unwrap();
    let b = json!({"id_number": fixture::id_number_of(seq), "name": name, "captcha_id": c["captcha_id"],
                   "captcha_answer": c["test_answer"], "password": "trainee-pass-1"});
    let res = app.post_json("/api/v1/auth/trainee/login", &b).await;
    assert_eq!(res.status(), 200, "trainee login");
    let pair: Value = res.json().await.unwrap();
    let token = pair["access_token"].as_str().unwrap().to_owned();
    if pair["must_change_password"] == true {
        let res = app
            .call_as(
                Method::POST,
                "/api/v1/auth/password",
                Some(&token),
                Some(&json!({"new_password": "trainee-pass-2"})),
            )
            .await;
        assert!(res.status().is_success());
        let b = json!({"id_number": fixture::id_number_of(seq), "name": name, "password": "trainee-pass-2"});
        let c: Value = app.get("/api/v1/auth/captcha").await.json().await.unwrap();
        let mut b = b;
        b["captcha_id"] = c["captcha_id"].clone();
        b["captcha_answer"] = c["test_answer"].clone();
        let pair: Value = app.post_json("/api/v1/auth/trainee/login", &b).await.json().await.unwrap();
        return pair["access_token"].as_str().unwrap().to_owned();
    }
    token
}

both_backends!(certificates_are_issued_printed_and_verified, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let (p1, s1) = ctx.person(&app, ctx.village, ctx.village_dept, "张小明").await;
    let (p2, _) = ctx.person(&app, ctx.village, ctx.village_dept, "李华").await;
    for p in [p1, p2] {
        fixture::make_compliant(&app, p, Y).await;
    }

    // No seal yet: the first certificate prints 须加盖印章.
    let mine = body(app.get_as("/api/v1/seals/mine", &county).await).await;
    assert_eq!(mine["seal"], Value::Null, "{mine}");
    assert_eq!(mine["issuer"], "甲县继续医学教育委员会");
    let ids = submit(&app, &unit, &[p1]).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 1);

    // The county uploads its seal; the second certificate carries it.
    let res = app
        .client
        .put(format!("{}/api/v1/seals/mine", app.base))
        .bearer_auth(&county)
        .header("content-type", "image/png")
        .body(seal_scan())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let seal = body(res).await;
    let image = app.get_as(seal["seal"]["image_url"].as_str().unwrap(), &county).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    // Garbage is refused, naming the file.
    let res = app
        .client
        .put(format!("{}/api/v1/seals/mine", app.base))
        .bearer_auth(&county)
        .header("content-type", "image/png")
        .body(b"not an image".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "file");
    // Only offices have seals.
    assert_eq!(app.get_as("/api/v1/seals/mine", &unit).await.status(), 403);

    let ids = submit(&app, &unit, &[p2]).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 1);

    let list = certificates(&app, &unit).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let c1 = list.iter().find(|c| c["person_id"] == json!(p1.0)).unwrap().clone();
    let c2 = list.iter().find(|c| c["person_id"] == json!(p2.0)).unwrap().clone();
    assert_eq!(c1["sealed"], false);
    assert_eq!(c2["sealed"], true);
    assert_eq!(c1["status"], "valid");
    assert_eq!(c1["version"], 1);
    assert_eq!(c1["issuer"], "甲县继续医学教育委员会");
    assert!(c1["number"].as_str().unwrap().starts_with(&format!("{Y}-")), "{c1}");
    assert_eq!(c1["total_tenths"], 1200);
    assert!(c1["id_number"].as_str().unwrap().matches('*').count() >= 8);
    // Another county's office sees none of them.
    let foreign = app.token("county-b", PASSWORD).await;
    assert!(certificates(&app, &foreign).await.is_empty());
    let id1 = c1["id"].as_str().unwrap();
    assert_eq!(app.get_as(&format!("/api/v1/certificates/{id1}"), &foreign).await.status(), 404);

    // One certificate's PDF: its text, its name, an ETag that answers 304.
    let res = app.get_as(&format!("/api/v1/certificates/{id1}/pdf"), &unit).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let cd = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(cd.contains("attachment") && cd.contains("filename*=UTF-8''"), "{cd}");
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(pdf.len() < 100 * 1024, "one certificate is {} bytes", pdf.len());
    let text = pdftotext(&pdf);
    // The face: 发证机关 and the date in Chinese numerals, the holder's
    // department, where to type the number and check code.
    let issued = chrono::DateTime::parse_from_rfc3339(c1["issued_at"].as_str().unwrap()).unwrap().to_utc();
    let official = cme_domain::time::official_date(cme_domain::time::date_in_shanghai(issued));
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for want in [
        "张小明",
        c1["number"].as_str().unwrap(),
        "须加盖印章",
        c1["check_code"].as_str().unwrap(),
        "发证机关：甲县继续医学教育委员会",
        &format!("发证日期：{official}"),
        "科室：内科",
        "cme.test.example/verify",
    ] {
        assert!(flat.contains(want), "{want} missing from:\n{text}");
    }
    assert_eq!(c1["department_name"], "内科");
    let again = app
        .client
        .get(format!("{}/api/v1/certificates/{id1}/pdf", app.base))
        .bearer_auth(&unit)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // The same version renders the same bytes.
    let second = app.get_as(&format!("/api/v1/certificates/{id1}/pdf"), &unit).await.bytes().await.unwrap();
    assert_eq!(pdf, second);
    let text2 = pdftotext(
        &app.get_as(&format!("/api/v1/certificates/{}/pdf", c2["id"].as_str().unwrap()), &unit)
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert!(!text2.contains("须加盖印章"), "a sealed certificate says 须加盖印章:\n{text2}");

    // A batch: the unit's year as one PDF, a page each.
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&json!({"year": Y}))).await;
    assert_eq!(res.status(), 200);
    let batch = res.bytes().await.unwrap();
    assert_eq!(pages(&batch), 2);
    let text = pdftotext(&batch);
    assert!(text.contains("张小明") && text.contains("李华"));
    // Chosen people only; one by ID number.
    let res = app
        .call_as(
            Method::POST,
            "/api/v1/certificates/print",
            Some(&unit),
            Some(&json!({"year": Y, "person_ids": [p2.0]})),
        )
        .await;
    let text = pdftotext(&res.bytes().await.unwrap());
    assert!(text.contains("李华") && !text.contains("张小明"));
    let res = app
        .call_as(
            Method::POST,
            "/api/v1/certificates/print",
            Some(&unit),
            Some(&json!({"year": Y, "id_number": fixture::id_number_of(s1)})),
        )
        .await;
    let text = pdftotext(&res.bytes().await.unwrap());
    assert!(text.contains("张小明") && !text.contains("李华"));
    // Found by ID number in a body, never in a URL.
    let search = |b: Value| {
        let (app, unit) = (&app, &unit);
        async move { app.call_as(Method::POST, "/api/v1/certificates/search", Some(unit), Some(&b)).await }
    };
    let res = search(json!({"year": Y, "id_number": fixture::id_number_of(s1).to_lowercase()})).await;
    assert_eq!(res.status(), 200);
    let found = body(res).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["items"][0]["person_id"], json!(p1.0));
    let res = search(json!({"year": Y, "name": "李"})).await;
    assert_eq!(body(res).await["items"][0]["person_id"], json!(p2.0));
    let res = search(json!({"year": Y, "id_number": "123"})).await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "id_number");
    let res =
        app.get_as(&format!("/api/v1/certificates?year={Y}&id_number={}", fixture::id_number_of(s1)), &unit).await;
    assert_eq!(res.status(), 422);
    let p = body(res).await;
    assert_eq!(p["errors"][0]["field"], "id_number", "{p}");
    assert!(!p.to_string().contains(&fixture::id_number_of(s1)));
    // Nothing to print is a 404, a bad ID number a 422 naming it.
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&json!({"year": 2020}))).await;
    assert_eq!(res.status(), 404);
    let res = app
        .call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&json!({"year": Y, "id_number": "123"})))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "id_number");

    // The trainee: his own certificates; not another's. His certificate has
    // no seal: only the unit may print it (notice-2017), so he is told why
    // instead of getting an unsealed PDF (see
    // `unsealed_certificates_print_only_for_the_unit_and_special_personnel_print_deemed`
    // for a trainee printing a sealed one and his proof).
    let me = trainee_token(&app, s1, "张小明").await;
    let mine = body(app.get_as("/api/v1/me/certificates", &me).await).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    let res = app.get_as(&format!("/api/v1/certificates/{id1}/pdf"), &me).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "certificate_unsealed");
    assert_eq!(
        app.get_as(&format!("/api/v1/certificates/{}/pdf", c2["id"].as_str().unwrap()), &me).await.status(),
        404
    );
    let res = app.get_as(&format!("/api/v1/me/certificates/proof?years={Y}"), &me).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "certificate_unsealed");
    let res = app.get_as(&format!("/api/v1/me/certificates/proof?years={},{Y}", Y - 1), &me).await;
    assert_eq!(res.status(), 422);

    // Public verification by the QR token and by number and check code.
    let res = public(&app, &token_of(&c1)).await;
    assert_eq!(res.status(), 200);
    let p = body(res).await;
    assert_eq!(p["genuine"], true);
    assert_eq!(p["status"], "valid");
    assert_eq!(p["name"], "张*明");
    assert_eq!(p["year"], Y);
    assert!(!p.to_string().contains("张小明"));
    let res = app
        .get(&format!(
            "/api/v1/public/certificates?number={}&code={}",
            c1["number"].as_str().unwrap(),
            c1["check_code"].as_str().unwrap().to_lowercase()
        ))
        .await;
    assert_eq!(res.status(), 200);
    let res =
        app.get(&format!("/api/v1/public/certificates?number={}&code=ZZZZZZZZ", c1["number"].as_str().unwrap())).await;
    assert_eq!(res.status(), 404);
    assert_eq!(public(&app, "0000000000000000000000000A").await.status(), 404);
    let logged: i64 = {
        use sea_orm::{ConnectionTrait as _, Statement};
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM certificate_lookups",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    };
    assert_eq!(logged, 4, "every lookup is logged");

    // Revocation: the issuing office only, with a reason.
    let revoke = json!({"row_version": c2["row_version"], "reason": "材料造假"});
    let path = format!("/api/v1/certificates/{}/revoke", c2["id"].as_str().unwrap());
    assert_eq!(app.call_as(Method::POST, &path, Some(&unit), Some(&revoke)).await.status(), 403);
    // The offices above the issuer see the certificate, and may not revoke it.
    let pref = app.token("pref-a", PASSWORD).await;
    assert_eq!(app.call_as(Method::POST, &path, Some(&pref), Some(&revoke)).await.status(), 403);
    let kjc = app.token("kjc", PASSWORD).await;
    assert_eq!(app.call_as(Method::POST, &path, Some(&kjc), Some(&revoke)).await.status(), 403);
    let res = app
        .call_as(Method::POST, &path, Some(&county), Some(&json!({"row_version": c2["row_version"], "reason": ""})))
        .await;
    assert_eq!(res.status(), 422);
    let res = app.call_as(Method::POST, &path, Some(&county), Some(&revoke)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["status"], "revoked");
    let p = body(public(&app, &token_of(&c2)).await).await;
    assert_eq!(p["status"], "revoked");
    assert_eq!(p["revoke_reason"], "材料造假");
    // A second revocation of what was read before is stale.
    assert_eq!(app.call_as(Method::POST, &path, Some(&county), Some(&revoke)).await.status(), 409);
    // Revoked certificates do not print in batches.
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&json!({"year": Y}))).await;
    assert_eq!(pages(&res.bytes().await.unwrap()), 1);
});

both_backends!(a_name_with_a_character_noto_lacks_gets_its_certificate, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    // 𪛖 (U+2A6D6, CJK Extension B) prints from the fallback font.
    let (p, _) = ctx.person(&app, ctx.village, ctx.village_dept, "王𪛖").await;
    fixture::make_compliant(&app, p, Y).await;
    let ids = submit(&app, &unit, &[p]).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 1);
    let list = certificates(&app, &unit).await;
    let id = list[0]["id"].as_str().unwrap();
    let res = app.get_as(&format!("/api/v1/certificates/{id}/pdf"), &unit).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.len() < 100 * 1024, "one certificate is {} bytes", pdf.len());
    let text = pdftotext(&pdf);
    assert!(text.contains("王𪛖"), "王𪛖 missing from:\n{text}");
});

both_backends!(public_lookups_are_rate_limited, |app| async move {
    let mut last = 0;
    for _ in 0..25 {
        last = public(&app, "0000000000000000000000000A").await.status().as_u16();
        if last == 429 {
            break;
        }
    }
    assert_eq!(last, 429, "the 21st lookup in a minute is refused");
});

/// Records every sampled person's result: the first `fail` of them fail.
async fn record(app: &TestApp, token: &str, check: &Value, fail: usize) -> Value {
    let results: Vec<Value> = check["items"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, it)| {
            if i < fail {
                json!({"item_id": it["id"], "result": "fail", "note": "学分证明与登记不符"})
            } else {
                json!({"item_id": it["id"], "result": "pass"})
            }
        })
        .collect();
    let path = format!("/api/v1/spot-checks/{}/results", check["id"].as_str().unwrap());
    let res = app.call_as(Method::POST, &path, Some(token), Some(&json!({"results": results}))).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    body(app.get_as(&format!("/api/v1/spot-checks/{}", check["id"].as_str().unwrap()), token).await).await
}

async fn close(app: &TestApp, token: &str, check: &Value) -> reqwest::Response {
    let path = format!("/api/v1/spot-checks/{}/close", check["id"].as_str().unwrap());
    app.call_as(Method::POST, &path, Some(token), Some(&json!({"row_version": check["row_version"]}))).await
}

both_backends!(a_spot_check_under_95_percent_sends_the_year_back_until_it_passes, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let mut people = Vec::new();
    for i in 0..3 {
        let (p, _) = ctx.person(&app, ctx.village, ctx.village_dept, &format!("村医{i}")).await;
        fixture::make_compliant(&app, p, Y).await;
        people.push(p);
    }
    let ids = submit(&app, &unit, &people).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 3);
    let before = certificates(&app, &unit).await;

    // Who may check: the prefecture spot-checks village doctors; a county
    // may not; the province does not spot-check them (it inspects on site).
    let draw = json!({"kind": "sample", "year": Y, "rate_permille": 1000, "seed": 42});
    assert_eq!(app.call_as(Method::POST, "/api/v1/spot-checks", Some(&county), Some(&draw)).await.status(), 403);
    // The province samples township records (none here); on-site
    // inspection is the province's alone.
    let res = app.call_as(Method::POST, "/api/v1/spot-checks", Some(&kjc), Some(&draw)).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "nothing_to_check");
    let on_site = json!({"kind": "on_site", "year": Y, "rate_permille": 1000, "institutions": 1});
    let res = app.call_as(Method::POST, "/api/v1/spot-checks", Some(&pref), Some(&on_site)).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "not_your_check");
    let res = app
        .call_as(
            Method::POST,
            "/api/v1/spot-checks",
            Some(&pref),
            Some(&json!({"kind": "sample", "year": Y, "rate_permille": 0})),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "rate_permille");

    // A third of the unit, at least two: reproducible from the seed.
    let draw = json!({"kind": "sample", "year": Y, "rate_permille": 333, "per_unit_min": 2, "seed": 7});
    let a = body(app.call_as(Method::POST, "/api/v1/spot-checks", Some(&pref), Some(&draw)).await).await;
    let b = body(app.call_as(Method::POST, "/api/v1/spot-checks", Some(&pref), Some(&draw)).await).await;
    assert_eq!(a["seed"], "7");
    assert_eq!(a["candidates"], 3);
    assert_eq!(a["units"][0]["finalised"], 3);
    assert_eq!(a["units"][0]["sampled"], 2);
    let picked = |c: &Value| {
        let mut v: Vec<String> =
            c["items"].as_array().unwrap().iter().map(|i| i["verification_id"].as_str().unwrap().to_owned()).collect();
        v.sort();
        v
    };
    assert_eq!(picked(&a), picked(&b), "the same seed draws the same sample");
    let listed = body(app.get_as(&format!("/api/v1/spot-checks?year={Y}"), &pref).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    // The province sees the prefecture's check; only the prefecture records and closes it.
    assert_eq!(a["owned"], true);
    let seen = body(app.get_as(&format!("/api/v1/spot-checks/{}", a["id"].as_str().unwrap()), &kjc).await).await;
    assert_eq!(seen["owned"], false);
    assert_eq!(close(&app, &kjc, &a).await.status(), 403);

    // Closing needs every result; a fail needs its reason.
    let res = close(&app, &pref, &a).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "results_missing");
    let path = format!("/api/v1/spot-checks/{}/results", a["id"].as_str().unwrap());
    let res = app
        .call_as(
            Method::POST,
            &path,
            Some(&pref),
            Some(&json!({"results": [{"item_id": a["items"][0]["id"], "result": "fail"}]})),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "results[0].note");

    // One of two fails: 50% < 95%, the unit's year goes back.
    let a = record(&app, &pref, &a, 1).await;
    let res = close(&app, &pref, &a).await;
    assert_eq!(res.status(), 200);
    let closed = body(res).await;
    assert_eq!(closed["check"]["units"][0]["pass_permille"], 500);
    assert_eq!(closed["check"]["units"][0]["outcome"], "sent_back");
    assert_eq!(closed["sent_back"][0]["records"], 3);
    for id in &ids {
        let d = body(app.get_as(&format!("/api/v1/verifications/{id}"), &unit).await).await;
        assert_eq!(d["record"]["state"], "returned", "{d}");
    }
    // Its certificates are held: the public page says so.
    for c in &before {
        let p = body(public(&app, &token_of(c)).await).await;
        assert_eq!(p["status"], "held", "{p}");
    }
    // Closed is closed.
    assert_eq!(close(&app, &pref, &closed["check"]).await.status(), 409);

    // The unit resubmits, the county approves and renumbers: same numbers,
    // new versions, still held until an inspection passes the unit.
    let again = submit(&app, &unit, &people).await;
    assert_eq!(again.len(), 3);
    approve_all(&app, &county, &again).await;
    assert_eq!(number(&app, &county).await["issued"], 3);
    let after = certificates(&app, &unit).await;
    for c in &after {
        assert_eq!(c["version"], 2);
        assert_eq!(c["status"], "held");
        assert!(before.iter().any(|b| b["number"] == c["number"]), "the number is kept");
    }
    let old = body(public(&app, &token_of(&before[0])).await).await;
    assert_eq!(old["status"], "superseded");

    // The province re-inspects the unit on site: all pass, the hold lifts.
    let draw = json!({"kind": "on_site", "year": Y, "rate_permille": 1000, "unit_id": ctx.village.0});
    let c = body(app.call_as(Method::POST, "/api/v1/spot-checks", Some(&kjc), Some(&draw)).await).await;
    assert_eq!(c["items"].as_array().unwrap().len(), 3, "{c}");
    let c = record(&app, &kjc, &c, 0).await;
    let closed = body(close(&app, &kjc, &c).await).await;
    assert_eq!(closed["check"]["units"][0]["outcome"], "passed");
    assert_eq!(closed["released"][0], json!(ctx.village.0));
    for c in &after {
        assert_eq!(body(public(&app, &token_of(c)).await).await["status"], "valid");
    }
    // An on-site draw of institutions at random.
    let draw = json!({"kind": "on_site", "year": Y, "rate_permille": 500, "institutions": 1, "seed": 3});
    let c = body(app.call_as(Method::POST, "/api/v1/spot-checks", Some(&kjc), Some(&draw)).await).await;
    assert_eq!(c["units"].as_array().unwrap().len(), 1, "{c}");
    assert_eq!(c["items"].as_array().unwrap().len(), 2);
    let res = app
        .call_as(
            Method::POST,
            "/api/v1/spot-checks",
            Some(&kjc),
            Some(&json!({"kind": "on_site", "year": Y, "rate_permille": 500})),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "institutions");
});

/// Certifies people of a county-level unit along its four-step chain.
async fn certify_county(app: &TestApp, people: &[PersonId]) {
    let unit = app.token("unit-a", PASSWORD).await;
    let ids = submit(app, &unit, people).await;
    for who in ["county-a", "pref-a", "kjc"] {
        let t = app.token(who, PASSWORD).await;
        approve_all(app, &t, &ids).await;
    }
    let kjc = app.token("kjc", PASSWORD).await;
    assert_eq!(number(app, &kjc).await["issued"].as_u64().unwrap(), people.len() as u64);
}

async fn upload_pdf(app: &TestApp, token: &str) -> String {
    let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
    let res = app
        .client
        .post(format!("{}/api/v1/evidence?file_name=title.pdf", app.base))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(pdf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    body(res).await["id"].as_str().unwrap().to_owned()
}

async fn decide(app: &TestApp, who: &str, c: &Value, decision: &str, reason: Option<&str>) -> reqwest::Response {
    let t = app.token(who, PASSWORD).await;
    let fresh = body(app.get_as(&format!("/api/v1/title-corrections/{}", c["id"].as_str().unwrap()), &t).await).await;
    let path = format!("/api/v1/title-corrections/{}/decision", c["id"].as_str().unwrap());
    let b = json!({"row_version": fresh["row_version"], "decision": decision, "reason": reason});
    app.call_as(Method::POST, &path, Some(&t), Some(&b)).await
}

both_backends!(a_title_correction_reissues_the_certificate_with_the_same_number, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    // p1 is compliant under any title; p2 only under his intermediate one
    // (I类 10 of the 15 a senior title asks).
    let (p1, _) = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, "王主任").await;
    fixture::make_compliant(&app, p1, Y).await;
    let (p2, _) = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, "赵医生").await;
    fixture::complete_course(&app, p2, Y).await;
    fixture::add_credit(&app, p2, Y, CreditCategory::Project(CreditSource::National), 10).await;
    fixture::add_credit(&app, p2, Y, CreditCategory::Project(CreditSource::Prefecture), 15).await;
    fixture::add_credit(&app, p2, Y, CreditCategory::SelfManaged, 5).await;
    certify_county(&app, &[p1, p2]).await;
    let list = certificates(&app, &unit).await;
    let old = list.iter().find(|c| c["person_id"] == json!(p1.0)).unwrap().clone();
    assert_eq!(old["title"], "主治医师");

    // The engine says beforehand.
    let res = app
        .get_as(&format!("/api/v1/title-corrections/preview?person_id={}&year={Y}&new_title=副主任医师", p1.0), &unit)
        .await;
    assert_eq!(res.status(), 200);
    let pre = body(res).await;
    assert_eq!(pre["allowed"], true, "{pre}");
    assert_eq!(pre["new_level"], "senior");
    let pre = body(
        app.get_as(
            &format!("/api/v1/title-corrections/preview?person_id={}&year={Y}&new_title=副主任医师", p2.0),
            &unit,
        )
        .await,
    )
    .await;
    assert_eq!(pre["allowed"], false, "{pre}");
    assert!(pre["shortfalls"][0].as_str().unwrap().contains("I类"), "{pre}");

    let file = upload_pdf(&app, &unit).await;
    let request = |p: PersonId| {
        json!({"person_id": p.0, "year": Y, "new_title": "副主任医师", "obtained_on": format!("{Y}-06-01"),
               "reason": "职称取得时间登记有误", "evidence_ids": [file]})
    };
    // Not compliant under the new title: refused, nothing filed.
    let res = app.call_as(Method::POST, "/api/v1/title-corrections", Some(&unit), Some(&request(p2))).await;
    assert_eq!(res.status(), 409);
    let p = body(res).await;
    assert_eq!(p["code"], "not_compliant");
    assert!(p["detail"].as_str().unwrap().contains("I类"), "{p}");
    // Documents are required.
    let mut no_docs = request(p1);
    no_docs["evidence_ids"] = json!([]);
    let res = app.call_as(Method::POST, "/api/v1/title-corrections", Some(&unit), Some(&no_docs)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "evidence_ids");

    let res = app.call_as(Method::POST, "/api/v1/title-corrections", Some(&unit), Some(&request(p1))).await;
    assert_eq!(res.status(), 200);
    let c = body(res).await;
    assert_eq!(c["state"], "in_review");
    assert_eq!(c["waiting_on"], "unit");
    assert_eq!(c["chain"], json!(["unit", "county_office", "prefecture_office", "province_western"]));
    assert_eq!(c["old_title"], "主治医师");
    // One open request per person-year.
    let res = app.call_as(Method::POST, "/api/v1/title-corrections", Some(&unit), Some(&request(p1))).await;
    assert_eq!(res.status(), 409);

    // Each tier in turn; out of turn is refused; a rejection needs a reason.
    assert_eq!(decide(&app, "county-a", &c, "approve", None).await.status(), 409);
    assert_eq!(decide(&app, "unit-a", &c, "approve", None).await.status(), 200);
    assert_eq!(decide(&app, "county-a", &c, "reject", None).await.status(), 422);
    // The county sees the documents of a request in its county.
    let county = app.token("county-a", PASSWORD).await;
    assert_eq!(app.get_as(&format!("/api/v1/evidence/{file}"), &county).await.status(), 200);
    let waiting = body(app.get_as("/api/v1/title-corrections?waiting=true", &county).await).await;
    assert_eq!(waiting.as_array().unwrap().len(), 1);
    assert_eq!(decide(&app, "county-a", &c, "approve", None).await.status(), 200);
    assert_eq!(decide(&app, "pref-a", &c, "approve", None).await.status(), 200);
    let res = decide(&app, "kjc", &c, "approve", None).await;
    assert_eq!(res.status(), 200);
    let done = body(res).await;
    assert_eq!(done["state"], "approved", "{done}");
    assert_eq!(done["log"].as_array().unwrap().len(), 5);

    // The certificate is reissued: same number, version 2, the new title;
    // the old QR reads superseded.
    let list = certificates(&app, &unit).await;
    let new = list.iter().find(|c| c["person_id"] == json!(p1.0)).unwrap().clone();
    assert_eq!(new["number"], old["number"]);
    assert_eq!(new["version"], 2);
    assert_eq!(new["title"], "副主任医师");
    assert_eq!(new["id"], done["new_certificate_id"]);
    let p = body(public(&app, &token_of(&old)).await).await;
    assert_eq!(p["status"], "superseded");
    assert_eq!(p["current_version"], 2);
    assert_eq!(body(public(&app, &token_of(&new)).await).await["status"], "valid");
    let text = pdftotext(
        &app.get_as(&format!("/api/v1/certificates/{}/pdf", new["id"].as_str().unwrap()), &unit)
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert!(text.contains("副主任医师") && text.contains("第2版"), "{text}");
    // Finished is finished.
    assert_eq!(decide(&app, "kjc", &c, "approve", None).await.status(), 409);
});

both_backends!(reports_export_and_the_standard_editor, |app| async move {
    let ctx = setup(&app).await;
    let (p, _) = ctx.person(&app, ctx.village, ctx.village_dept, "村医甲").await;
    fixture::make_compliant(&app, p, Y).await;
    let county = app.token("county-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;

    // The report by discipline: the fixture's people are all clinical.
    let stats = |d: &'static str| {
        let app = &app;
        let county = county.clone();
        async move {
            let res = app.get_as(&format!("/api/v1/verification-stats?cycle_year={Y}&discipline={d}"), &county).await;
            assert_eq!(res.status(), 200);
            body(res).await
        }
    };
    let clinical = stats("clinical").await;
    let nursing = stats("nursing_public_health").await;
    assert!(clinical["total"]["to_verify"].as_u64().unwrap() >= 1, "{clinical}");
    assert!(clinical["total"]["compliant"].as_u64().unwrap() >= 1, "{clinical}");
    assert_eq!(nursing["total"]["to_verify"], 0, "{nursing}");
    let res = app.get_as(&format!("/api/v1/verification-stats/export?cycle_year={Y}&by=unit"), &county).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let xlsx = res.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
    let anonymous = app.get_as(&format!("/api/v1/verification-stats/export?cycle_year={Y}"), "x").await;
    assert_eq!(anonymous.status(), 401);

    // The standard editor: start from the standard in force, raise the
    // village doctors' total, preview, publish.
    assert_eq!(app.get_as(&format!("/api/v1/standards/{Y}/draft"), &kjc).await.status(), 404);
    let current = body(app.get(&format!("/api/v1/standards/{Y}")).await).await;
    let version = current["version"].as_u64().unwrap();
    let mut rows = current["rows"].as_array().unwrap().clone();
    for r in &mut rows {
        if r["unit_level"] == "village" {
            r["requirement"]["total"] = json!(200);
        }
    }
    let draft = json!({"mandatory_course": current["mandatory_course"], "rows": rows});
    let mut missing = draft.clone();
    missing["rows"].as_array_mut().unwrap().pop();
    let res = app.call_as(Method::PUT, &format!("/api/v1/standards/{Y}/draft"), Some(&kjc), Some(&missing)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "rows");
    let res = app.call_as(Method::PUT, &format!("/api/v1/standards/{Y}/draft"), Some(&kjc), Some(&draft)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body(res).await["version"].as_u64().unwrap(), version + 1);
    // Only the province edits.
    let res = app.call_as(Method::PUT, &format!("/api/v1/standards/{Y}/draft"), Some(&county), Some(&draft)).await;
    assert_eq!(res.status(), 403);

    let res =
        app.call_as(Method::POST, &format!("/api/v1/standards/{Y}/draft/preview?on_year={Y}"), Some(&kjc), None).await;
    assert_eq!(res.status(), 200);
    let preview = body(res).await;
    assert_eq!(preview["on_year"], Y);
    let total = &preview["total"];
    assert!(total["compliant_now"].as_u64().unwrap() >= 1, "{preview}");
    assert!(
        total["compliant_draft"].as_u64().unwrap() < total["compliant_now"].as_u64().unwrap(),
        "raising the village total fails the village doctor: {preview}"
    );
    assert!(preview["by_prefecture"].as_array().unwrap().iter().any(|r| r["name"] == "甲州"));
    let intermediate =
        preview["by_title"].as_array().unwrap().iter().find(|r| r["title_level"] == "intermediate").cloned();
    assert!(intermediate.is_some_and(|r| r["people"].as_u64().unwrap() >= 1), "{preview}");
    // Nothing was stored by the preview.
    let before = body(app.get(&format!("/api/v1/standards/{Y}")).await).await;
    assert_eq!(before["version"].as_u64().unwrap(), version);

    let res = app.call_as(Method::POST, &format!("/api/v1/standards/{Y}/draft/publish"), Some(&kjc), None).await;
    assert_eq!(res.status(), 200);
    let published = body(res).await;
    assert_eq!(published["standard"]["version"].as_u64().unwrap(), version + 1);
    assert!(published["written"].as_u64().unwrap() >= 1);
    let after = body(app.get(&format!("/api/v1/standards/{Y}")).await).await;
    assert_eq!(after["version"].as_u64().unwrap(), version + 1);
    let verdict = cme_store::repo::compliance::years_of(&app.db, p).await.unwrap();
    let y = verdict.iter().find(|v| v.year == Y).unwrap();
    assert_eq!(y.outcome, cme_domain::compliance::Outcome::NonCompliant);
    // The draft is gone once published.
    assert_eq!(app.get_as(&format!("/api/v1/standards/{Y}/draft"), &kjc).await.status(), 404);
});

/// Uploads the office's seal.
async fn upload_seal(app: &TestApp, token: &str) {
    let res = app
        .client
        .put(format!("{}/api/v1/seals/mine", app.base))
        .bearer_auth(token)
        .header("content-type", "image/png")
        .body(seal_scan())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// What the QR codes of a PDF's first page hold (rendered by pdftoppm, read
/// by zbarimg).
fn qr_codes(pdf: &[u8]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("cme-qr-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("c.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1", path.to_str().unwrap()])
        .arg(dir.join("page"))
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm failed");
    let out = std::process::Command::new("zbarimg").args(["--raw", "-q"]).arg(dir.join("page.png")).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).filter(|l| !l.is_empty()).collect()
}

/// A GET with a bearer token and a forged Host (and forwarded headers).
async fn get_from_host(app: &TestApp, path: &str, token: &str, host: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("host", host)
        .header("x-forwarded-host", host)
        .header("x-forwarded-proto", "http")
        .header("forwarded", format!("host={host};proto=http"))
        .send()
        .await
        .unwrap()
}

both_backends!(links_come_from_the_public_url_never_from_the_host, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let (p, _) = ctx.person(&app, ctx.village, ctx.village_dept, "周明").await;
    fixture::make_compliant(&app, p, Y).await;
    let ids = submit(&app, &unit, &[p]).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 1);

    let want_prefix = format!("{}/v/", crate::common::PUBLIC_URL);
    let res = get_from_host(&app, &format!("/api/v1/certificates?year={Y}"), &unit, "evil.example").await;
    assert_eq!(res.status(), 200);
    let c = body(res).await["items"][0].clone();
    let verify_url = c["verify_url"].as_str().unwrap().to_owned();
    assert!(verify_url.starts_with(&want_prefix), "{verify_url}");
    assert!(!verify_url.contains("evil"), "{verify_url}");
    let id = c["id"].as_str().unwrap();
    let one = body(get_from_host(&app, &format!("/api/v1/certificates/{id}"), &unit, "evil.example").await).await;
    assert_eq!(one["verify_url"], verify_url.as_str());

    // The PDF's QR code carries the configured URL, whatever the Host; the
    // same ETag is the same bytes.
    let path = format!("/api/v1/certificates/{id}/pdf");
    let res = get_from_host(&app, &path, &unit, "evil.example").await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let evil = res.bytes().await.unwrap();
    assert_eq!(qr_codes(&evil), vec![verify_url.clone()]);
    let res = get_from_host(&app, &path, &unit, "other.example:8443").await;
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(res.bytes().await.unwrap(), evil, "one ETag, one set of bytes");
    let plain = app.get_as(&path, &unit).await.bytes().await.unwrap();
    assert_eq!(plain, evil);
    // So does a batch.
    let res = app
        .client
        .post(format!("{}/api/v1/certificates/print", app.base))
        .bearer_auth(&unit)
        .header("host", "evil.example")
        .header("x-forwarded-host", "evil.example")
        .json(&json!({"year": Y}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(qr_codes(&res.bytes().await.unwrap()), vec![verify_url.clone()]);
    // And the public page answers the token the QR carries.
    let token = verify_url.rsplit('/').next().unwrap();
    assert_eq!(body(public(&app, token).await).await["status"], "valid");
});

both_backends!(revoked_and_held_certificates_never_print, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    // Sealed, so that only the status decides.
    upload_seal(&app, &county).await;
    let (p1, s1) = ctx.person(&app, ctx.village, ctx.village_dept, "钱一").await;
    let (p2, _) = ctx.person(&app, ctx.village, ctx.village_dept, "孙二").await;
    for p in [p1, p2] {
        fixture::make_compliant(&app, p, Y).await;
    }
    let ids = submit(&app, &unit, &[p1, p2]).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 2);
    let list = certificates(&app, &unit).await;
    let c1 = list.iter().find(|c| c["person_id"] == json!(p1.0)).unwrap().clone();
    let c2 = list.iter().find(|c| c["person_id"] == json!(p2.0)).unwrap().clone();
    let pdf1 = format!("/api/v1/certificates/{}/pdf", c1["id"].as_str().unwrap());
    let pdf2 = format!("/api/v1/certificates/{}/pdf", c2["id"].as_str().unwrap());

    // Valid and sealed: the holder prints his own, and his proof.
    let me = trainee_token(&app, s1, "钱一").await;
    // His 我的 page names his unit and department; an office's account has none.
    let profile: Value = app.get_as("/api/v1/me", &me).await.json().await.unwrap();
    assert_eq!(profile["workplace"]["unit"], "甲村卫生室", "{profile}");
    assert!(profile["workplace"]["department"].is_string(), "{profile}");
    let office: Value = app.get_as("/api/v1/me", &unit).await.json().await.unwrap();
    assert!(office["workplace"].is_null(), "{office}");
    // His years: the current one is still being earned (进行中), 2025's verification is open.
    let years: Value = app.get_as("/api/v1/me/compliance", &me).await.json().await.unwrap();
    let current = cme_domain::time::today_in_shanghai(Utc::now()).year();
    let year_of = |y: i32| years.as_array().unwrap().iter().find(|v| v["year"] == y).cloned().unwrap_or_default();
    assert_eq!(year_of(current)["in_progress"], true, "{years}");
    assert_eq!(year_of(Y)["in_progress"], false, "{years}");
    let detail: Value = app.get_as(&format!("/api/v1/me/compliance/{Y}"), &me).await.json().await.unwrap();
    assert_eq!(detail["in_progress"], false);
    assert_eq!(app.get_as(&pdf1, &me).await.status(), 200);
    assert_eq!(app.get_as(&format!("/api/v1/me/certificates/proof?years={Y}"), &me).await.status(), 200);
    assert_eq!(app.get_as(&pdf1, &unit).await.status(), 200);

    // Revoked: nobody gets a PDF, and the answer names the status and reason.
    let revoke = json!({"row_version": c1["row_version"], "reason": "材料造假"});
    let path = format!("/api/v1/certificates/{}/revoke", c1["id"].as_str().unwrap());
    assert_eq!(app.call_as(Method::POST, &path, Some(&county), Some(&revoke)).await.status(), 200);
    assert_eq!(body(public(&app, &token_of(&c1)).await).await["status"], "revoked");
    for who in [&unit, &county, &me] {
        let res = app.get_as(&pdf1, who).await;
        assert_eq!(res.status(), 409);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let p = body(res).await;
        assert_eq!(p["code"], "certificate_revoked", "{p}");
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains("已撤销") && detail.contains("材料造假"), "{detail}");
    }
    let res = app.get_as(&format!("/api/v1/me/certificates/proof?years={Y}"), &me).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "certificate_revoked");
    let res = app.get_as(&format!("/api/v1/people/{}/certificates/proof?years={Y}", p1.0), &unit).await;
    assert_eq!(res.status(), 409);
    // Not by a cached copy either: a 304 would confirm a revoked certificate.
    let res = app
        .client
        .get(format!("{}{pdf1}", app.base))
        .bearer_auth(&unit)
        .header("if-none-match", "*")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);

    // Held: the prefecture's spot check sends the unit's year back.
    assert_eq!(app.get_as(&pdf2, &unit).await.status(), 200);
    let draw = json!({"kind": "sample", "year": Y, "rate_permille": 1000, "seed": 5});
    let res = app.call_as(Method::POST, "/api/v1/spot-checks", Some(&pref), Some(&draw)).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    let check = body(app.call_as(Method::POST, "/api/v1/spot-checks", Some(&pref), Some(&draw)).await).await;
    let n = check["items"].as_array().unwrap().len();
    let check = record(&app, &pref, &check, n).await;
    assert_eq!(close(&app, &pref, &check).await.status(), 200);
    assert_eq!(body(public(&app, &token_of(&c2)).await).await["status"], "held");
    for who in [&unit, &county] {
        let res = app.get_as(&pdf2, who).await;
        assert_eq!(res.status(), 409);
        let p = body(res).await;
        assert_eq!(p["code"], "certificate_held", "{p}");
        assert!(p["detail"].as_str().unwrap().contains("暂停使用"), "{p}");
    }
    let res = app.get_as(&format!("/api/v1/people/{}/certificates/proof?years={Y}", p2.0), &unit).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "certificate_held");
    // The batch has nothing left to print.
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&json!({"year": Y}))).await;
    assert_eq!(res.status(), 404);
});

both_backends!(unsealed_certificates_print_only_for_the_unit_and_special_personnel_print_deemed, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let dept = app.token("dept-a", PASSWORD).await;
    let (p1, s1) = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, "吴医生").await;
    fixture::make_compliant(&app, p1, Y).await;
    // On the special list for further study, with no credits at all.
    let (p2, _) = ctx.person(&app, ctx.f.a.unit, ctx.f.a.department, "郑进修").await;
    let evidence = upload_pdf(&app, &unit).await;
    // The department prepares its person's record (so it is the
    // department's to see), the unit submits it.
    let mut ids = submit(&app, &dept, &[p1]).await;
    let res = app
        .call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&json!({"ids": ids.clone()})))
        .await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    let special = json!({"cycle_year": Y, "list": "special", "people": [{"person_id": p2.0,
        "special": {"reason": "further_study", "period_from": format!("{Y}-03-01"), "period_to": format!("{Y}-09-30")},
        "evidence_ids": [evidence]}]});
    let res = app.call_as(Method::POST, "/api/v1/verifications", Some(&unit), Some(&special)).await;
    assert_eq!(res.status(), 200);
    ids.extend(body(res).await["ids"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().to_owned()));
    for who in ["county-a", "pref-a", "kjc"] {
        let t = app.token(who, PASSWORD).await;
        approve_all(&app, &t, &ids).await;
    }
    let kjc = app.token("kjc", PASSWORD).await;
    assert_eq!(number(&app, &kjc).await["issued"], 2);
    let list = certificates(&app, &unit).await;
    let c1 = list.iter().find(|c| c["person_id"] == json!(p1.0)).unwrap().clone();
    let c2 = list.iter().find(|c| c["person_id"] == json!(p2.0)).unwrap().clone();
    assert_eq!(c1["sealed"], false, "the province has no seal yet");
    let pdf1 = format!("/api/v1/certificates/{}/pdf", c1["id"].as_str().unwrap());

    // No seal: the unit prints (to be stamped by hand); the department and
    // the trainee are told why they cannot.
    let res = app.get_as(&pdf1, &unit).await;
    assert_eq!(res.status(), 200);
    assert!(pdftotext(&res.bytes().await.unwrap()).contains("须加盖印章"));
    let me = trainee_token(&app, s1, "吴医生").await;
    for who in [&dept, &me] {
        let res = app.get_as(&pdf1, who).await;
        assert_eq!(res.status(), 409);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let p = body(res).await;
        assert_eq!(p["code"], "certificate_unsealed", "{p}");
        assert!(p["detail"].as_str().unwrap().contains("加盖印章"), "{p}");
    }
    let res = app.get_as(&format!("/api/v1/me/certificates/proof?years={Y}"), &me).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "certificate_unsealed");
    let res = app.get_as(&format!("/api/v1/people/{}/certificates/proof?years={Y}", p1.0), &dept).await;
    assert_eq!(res.status(), 409);
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&dept), Some(&json!({"year": Y}))).await;
    assert_eq!(res.status(), 409);
    assert_eq!(body(res).await["code"], "certificate_unsealed");
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&json!({"year": Y}))).await;
    assert_eq!(res.status(), 200);
    assert_eq!(pages(&res.bytes().await.unwrap()), 2);

    // The special-list person short of credits prints 视为合格 with the
    // reason, never a bare 合格.
    assert_eq!(c1["verdict"], "合格");
    assert_eq!(c2["verdict"], "视为合格（特殊人员：进修）", "{c2}");
    let res = app.get_as(&format!("/api/v1/certificates/{}/pdf", c2["id"].as_str().unwrap()), &unit).await;
    assert_eq!(res.status(), 200);
    let text = pdftotext(&res.bytes().await.unwrap());
    assert!(text.contains("视为合格（特殊人员：进修）"), "{text}");
    let public = body(public(&app, &token_of(&c2)).await).await;
    assert_eq!(public["verdict"], "视为合格（特殊人员：进修）");
});

both_backends!(a_batch_whose_reading_fails_mid_stream_is_aborted_not_shortened, |app| async move {
    use sea_orm::ConnectionTrait as _;
    let ctx = setup(&app).await;
    let unit = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    // A first page of the reader (200) of unsealed certificates, whose
    // names sort first, then one sealed certificate on its second page.
    let mut first = Vec::new();
    for i in 0..200u32 {
        let name = format!("丁{}", char::from_u32(0x4E00 + i).unwrap_or('一'));
        let (p, _) = ctx.person(&app, ctx.village, ctx.village_dept, &name).await;
        fixture::make_compliant(&app, p, Y).await;
        first.push(p);
    }
    let ids = submit(&app, &unit, &first).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 200);
    upload_seal(&app, &county).await;
    let (last, _) = ctx.person(&app, ctx.village, ctx.village_dept, "赵二").await;
    fixture::make_compliant(&app, last, Y).await;
    let ids = submit(&app, &unit, &[last]).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 1);

    // The stored seal goes bad: the pipeline reads it on its second page,
    // long after the answer has begun. The stream must fail, not end in a
    // valid PDF of the 200 pages before it.
    let corrupt = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "UPDATE seals SET png = decode('00010203', 'hex')",
        _ => "UPDATE seals SET png = X'00010203'",
    };
    app.db.execute_unprepared(corrupt).await.unwrap();
    let res = app.call_as(Method::POST, "/api/v1/certificates/print", Some(&unit), Some(&json!({"year": Y}))).await;
    assert_eq!(res.status(), 200, "the head was sent before the failure");
    let read = res.bytes().await;
    assert!(read.is_err(), "a failed batch ended as a complete answer of {:?} pages", read.map(|b| pages(&b)));
});

/// Follows a print job until it is over.
async fn await_job(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let job = body(app.get_as(&format!("/api/v1/certificates/print-jobs/{id}"), token).await).await;
        if !matches!(job["state"].as_str(), Some("queued" | "running")) {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the print job did not end");
}

both_backends!(a_batch_print_runs_as_a_job_in_pinyin_order_with_a_cover, |app| async move {
    let ctx = setup(&app).await;
    let unit = app.token("unit-village", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    upload_seal(&app, &county).await;
    // Code-point order would be 张 曾 李 王; pinyin order is li wang zeng zhang.
    let mut people = Vec::new();
    for name in ["张三", "曾伟", "李四", "王五"] {
        let (p, _) = ctx.person(&app, ctx.village, ctx.village_dept, name).await;
        fixture::make_compliant(&app, p, Y).await;
        people.push(p);
    }
    let (_without, _) = ctx.person(&app, ctx.village, ctx.village_dept, "赵六").await;
    let ids = submit(&app, &unit, &people).await;
    approve_all(&app, &county, &ids).await;
    assert_eq!(number(&app, &county).await["issued"], 4);
    let list = certificates(&app, &unit).await;
    let wang = list.iter().find(|c| c["person_id"] == json!(people[3].0)).unwrap().clone();
    let revoke = json!({"row_version": wang["row_version"], "reason": "材料不实"});
    let path = format!("/api/v1/certificates/{}/revoke", wang["id"].as_str().unwrap());
    assert_eq!(app.call_as(Method::POST, &path, Some(&county), Some(&revoke)).await.status(), 200);

    let res =
        app.call_as(Method::POST, "/api/v1/certificates/print-jobs", Some(&unit), Some(&json!({"year": Y}))).await;
    assert_eq!(res.status(), 202);
    let job = body(res).await;
    assert_eq!(job["total"], 3, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let file_name = job["file_name"].as_str().unwrap();
    assert!(
        file_name.contains("甲村卫生室") && file_name.contains("全部科室") && file_name.contains("2025年度"),
        "{file_name}"
    );
    // Only its owner sees it.
    assert_eq!(app.get_as(&format!("/api/v1/certificates/print-jobs/{id}"), &county).await.status(), 404);
    let job = await_job(&app, &unit, &id).await;
    assert_eq!(job["state"], "finished", "{job}");
    assert_eq!(job["done"], 3);

    // The download address works without a bearer token, for this job only.
    let download = format!("/api/v1/certificates/print-jobs/{id}/download");
    let res = app.call_as(Method::POST, &download, Some(&county), None).await;
    assert_eq!(res.status(), 404);
    let address = body(app.call_as(Method::POST, &download, Some(&unit), None).await).await;
    let url = address["url"].as_str().unwrap();
    let res = app.get(url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(pages(&pdf), 4, "a cover and three certificates");
    let text = pdftotext(&pdf);
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in
        ["打印清单", "甲村卫生室", "3份", "未打印人员（2人）", "王五", "证书已撤销", "赵六", "无2025年度证书"]
    {
        assert!(squeezed.contains(expected), "{expected} missing from the cover: {squeezed}");
    }
    // The certificates follow in pinyin order.
    let pages_text: Vec<&str> = text.split('\u{c}').collect();
    let holder = |page: &str| ["李四", "曾伟", "张三"].into_iter().find(|n| page.contains(n)).unwrap_or("?");
    let order: Vec<&str> = pages_text[1..4].iter().map(|p| holder(p)).collect();
    assert_eq!(order, ["李四", "曾伟", "张三"]);
    // A ticket names its job: not another's, and not forged.
    let other = url.replace(&id, &uuid::Uuid::now_v7().to_string());
    assert_eq!(app.get(&other).await.status(), 401);
    assert_eq!(app.get(&format!("/api/v1/certificates/print-jobs/{id}/file?ticket=forged")).await.status(), 401);
    // Cancelling a finished job changes nothing; its file stays.
    let res =
        app.call_as(Method::POST, &format!("/api/v1/certificates/print-jobs/{id}/cancel"), Some(&unit), None).await;
    assert_eq!(body(res).await["state"], "finished");
    assert_eq!(app.get(url).await.status(), 200);
    // Nothing printable: refused before any job is queued.
    let res =
        app.call_as(Method::POST, "/api/v1/certificates/print-jobs", Some(&unit), Some(&json!({"year": 2020}))).await;
    assert_eq!(res.status(), 404);
});
