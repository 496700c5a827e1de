//! The printed statistics reports (SPEC §10 "exportable and printable"):
//! `format=pdf` beside the XLSX of the statistics and of the compliance
//! list. Each answers an A4 PDF named in Chinese, headed by the acting
//! office, the filters in words and the day (北京时间), read back with
//! pdftotext; what it lists is the caller's jurisdiction, as the XLSX.

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD};
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

const Y: i32 = 2025;

fn pdftotext(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("cme-report-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", path.to_str().unwrap(), "-"])
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (install poppler-utils): {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "pdftotext failed");
    // Without the blanks and breaks pdftotext puts between and inside lines.
    String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

/// A PDF answer: its status, media type and disposition checked, its text.
async fn pdf_text(app: &TestApp, path: &str, token: &str, file_name: &str) -> (String, Vec<u8>) {
    let res = app.get_as(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let encoded: String = file_name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    assert!(disposition.contains(&format!("filename*=UTF-8''{encoded}")), "{disposition} names {file_name}");
    let bytes = res.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    (pdftotext(&bytes), bytes)
}

/// Today as the reports print it.
fn today() -> String {
    format!("打印日期：{}（北京时间）", cme_api::reports::printed_on(cme_api::clock::today()))
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

/// Side A's doctor compliant, side B's not, both with a stored verdict.
async fn verdicts(app: &TestApp, f: &Fixture, year: i32) {
    fixture::make_compliant(app, f.a.person, year).await;
    fixture::store_verdict(app, f.b.person, year).await;
}

both_backends!(the_statistics_print_as_a_pdf_of_the_office_filters_and_date, |app| async move {
    let f = fixture::load(&app).await;
    open_cycle(&app).await;
    verdicts(&app, &f, Y).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let name = format!("{Y}年度学分验证统计.pdf");

    // The province by prefecture: both prefectures, the chart, the total.
    let path = format!("/api/v1/verification-stats/export?cycle_year={Y}&by=prefecture&format=pdf");
    let (text, bytes) = pdf_text(&app, &path, &kjc, &name).await;
    for expected in [
        format!("{Y}年度学分验证统计（按州市，全部专业）"),
        "制表单位：云南省继续医学教育委员会办公室（科教处）".to_owned(),
        format!("统计条件：年度：{Y}年；统计口径：按州市；专业类别：全部专业"),
        today(),
        "达标率与审核通过率".to_owned(),
        "95%合格线".to_owned(),
        "甲州".to_owned(),
        "乙州".to_owned(),
        "应验证人数".to_owned(),
        "合计".to_owned(),
        "第1页/共1页".to_owned(),
    ] {
        assert!(text.contains(&expected), "the report lacks {expected:?}: {text}");
    }
    // The same request, the same bytes.
    let (_, again) = pdf_text(&app, &path, &kjc, &name).await;
    assert_eq!(bytes, again, "the same report twice differs");

    // A county office by unit: its units only, named as its office; the
    // discipline in words.
    let county = app.token("county-a", PASSWORD).await;
    let path = format!("/api/v1/verification-stats/export?cycle_year={Y}&format=pdf&discipline=clinical");
    let (text, _) = pdf_text(&app, &path, &county, &name).await;
    assert!(text.contains("制表单位：甲县继续医学教育委员会办公室"), "{text}");
    assert!(text.contains("统计口径：按单位；专业类别：临床、检验、放射等类"), "{text}");
    assert!(text.contains("甲县人民医院"), "{text}");
    assert!(!text.contains("乙县人民医院"), "another county's unit is not in the report: {text}");

    // A unit prints its own figures under its own name.
    let unit = app.token("unit-a", PASSWORD).await;
    let path = format!("/api/v1/verification-stats/export?cycle_year={Y}&format=pdf");
    let (text, _) = pdf_text(&app, &path, &unit, &name).await;
    assert!(text.contains("制表单位：甲县人民医院"), "{text}");

    // The XLSX stays the default; an unknown format is refused naming it; a
    // year without a cycle is 404 as for the XLSX.
    let res = app.get_as(&format!("/api/v1/verification-stats/export?cycle_year={Y}"), &kjc).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let res = app.get_as(&format!("/api/v1/verification-stats/export?cycle_year={Y}&format=doc"), &kjc).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "format", "{p}");
    let res = app.get_as("/api/v1/verification-stats/export?cycle_year=2019&format=pdf", &kjc).await;
    assert_eq!(res.status(), 404);
    let res = app.get_as(&format!("/api/v1/verification-stats/export?cycle_year={Y}&format=pdf"), "x").await;
    assert_eq!(res.status(), 401);
});

both_backends!(the_compliance_list_prints_as_a_pdf_in_the_callers_jurisdiction, |app| async move {
    let f = fixture::load(&app).await;
    verdicts(&app, &f, 2021).await;
    let name = "2021年度人员达标情况.pdf";
    let kjc = app.token("kjc", PASSWORD).await;

    let (text, _) = pdf_text(&app, "/api/v1/compliance/export?year=2021&format=pdf", &kjc, name).await;
    for expected in [
        "2021年度人员达标情况",
        "制表单位：云南省继续医学教育委员会办公室（科教处）",
        "统计条件：年度：2021年；专业类别：全部",
        &today(),
        "达标情况（按结果）",
        "共2人",
        "甲医生",
        "乙医生",
        "不达标原因",
        "第1页/共1页",
    ] {
        assert!(text.contains(expected), "the list lacks {expected:?}: {text}");
    }
    // The ID number is printed masked, never whole.
    assert!(!text.contains(&f.a.id_number), "a whole ID number in the PDF");

    // A county office: its people only, under its name; filters in words.
    let county = app.token("county-a", PASSWORD).await;
    let (text, _) = pdf_text(&app, "/api/v1/compliance/export?year=2021&format=pdf", &county, name).await;
    assert!(text.contains("制表单位：甲县继续医学教育委员会办公室"), "{text}");
    assert!(text.contains("甲医生") && !text.contains("乙医生"), "{text}");
    let path = format!(
        "/api/v1/compliance/export?year=2021&format=pdf&unit_id={}&outcome=compliant&name=%E7%94%B2",
        f.a.unit.0
    );
    let (text, _) = pdf_text(&app, &path, &county, name).await;
    assert!(text.contains("单位：甲县人民医院；专业类别：全部；结果：达标；姓名包含：甲"), "{text}");
    // A unit, a department or a region outside the jurisdiction is not named: 404.
    for filter in [
        format!("unit_id={}", f.b.unit.0),
        format!("region_id={}", f.b.county.0),
        format!("department_id={}", f.b.department.0),
    ] {
        let res = app.get_as(&format!("/api/v1/compliance/export?year=2021&format=pdf&{filter}"), &county).await;
        assert_eq!(res.status(), 404, "{filter}");
    }

    // The unit's own list.
    let unit = app.token("unit-a", PASSWORD).await;
    let (text, _) = pdf_text(&app, "/api/v1/compliance/export?year=2021&format=pdf", &unit, name).await;
    assert!(text.contains("制表单位：甲县人民医院") && text.contains("甲医生"), "{text}");

    // XLSX by default; a bad format or filter is refused naming the field.
    let res = app.get_as("/api/v1/compliance/export?year=2021", &unit).await;
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let res = app.get_as("/api/v1/compliance/export?year=2021&format=docx", &unit).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["errors"][0]["field"], "format");
    let res = app.get_as("/api/v1/compliance/export?year=2021&format=pdf&outcome=good", &unit).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["errors"][0]["field"], "outcome");
});
