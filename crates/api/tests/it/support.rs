//! The help desk (技术支持服务): public, kept by each office for itself and
//! by the province for all, validated field by field, audited.

use crate::common::TestApp;
use crate::common::fixture::{self, PASSWORD};
use reqwest::Method;
use serde_json::{Value, json};

async fn desk(app: &TestApp) -> Value {
    let res = app.get("/api/v1/public/support").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("max-age=60"));
    res.json().await.unwrap()
}

both_backends!(offices_keep_the_help_desk_the_public_reads_it, |app| async move {
    let f = fixture::load(&app).await;
    // Nothing kept yet: an empty desk, no sign-in needed.
    let empty = desk(&app).await;
    assert_eq!(empty["entries"], json!([]));
    assert_eq!(empty["office_phone"], Value::Null);

    // The province keeps its line and the 省直单位 contacts.
    let kjc = app.token("kjc", PASSWORD).await;
    let province = json!({"phone": "0871-63575660", "hours": "工作日 9:00–17:30",
        "contacts": [{"name": "李耿", "phone": "15287105524"}], "qq_groups": ["158413552"]});
    let res = app.call_as(Method::PUT, &format!("/api/v1/support/{}", f.province.0), Some(&kjc), Some(&province)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // A county office keeps its own entry; its /support/mine names it.
    let county = app.token("county-a", PASSWORD).await;
    let mine: Value = app.get_as("/api/v1/support/mine", &county).await.json().await.unwrap();
    assert_eq!(mine["region_id"], json!(f.a.county.0));
    assert_eq!(mine["entry"], Value::Null);
    let own = json!({"contacts": [{"name": "王芳", "phone": "0874-1234567"}], "qq_groups": ["472635848"],
        "note": " 县内单位请先加群 "});
    let res = app.call_as(Method::PUT, &format!("/api/v1/support/{}", f.a.county.0), Some(&county), Some(&own)).await;
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["note"], "县内单位请先加群");
    assert_eq!(saved["row_version"], 1);
    let mine: Value = app.get_as("/api/v1/support/mine", &county).await.json().await.unwrap();
    assert_eq!(mine["entry"]["contacts"][0]["name"], "王芳");

    // The public page: the office's line, 省直单位 first, then the county.
    let d = desk(&app).await;
    assert_eq!(d["office_phone"], "0871-63575660");
    assert_eq!(d["office_hours"], "工作日 9:00–17:30");
    let areas: Vec<&str> = d["entries"].as_array().unwrap().iter().map(|e| e["area"].as_str().unwrap()).collect();
    assert_eq!(areas.len(), 2, "{d}");
    assert_eq!(areas[0], "省直单位");
    assert!(!d.to_string().contains("county-a"), "no login on the public page: {d}");

    // The county may not edit its prefecture's entry (403), nor another
    // county's (404: outside its jurisdiction); the province edits any.
    let res =
        app.call_as(Method::PUT, &format!("/api/v1/support/{}", f.a.prefecture.0), Some(&county), Some(&own)).await;
    assert_eq!(res.status(), 403);
    let res = app.call_as(Method::PUT, &format!("/api/v1/support/{}", f.b.county.0), Some(&county), Some(&own)).await;
    assert_eq!(res.status(), 404);
    let fix = json!({"contacts": [{"name": "王芳", "phone": "0874-7654321"}], "qq_groups": ["472635848"]});
    let res = app.call_as(Method::PUT, &format!("/api/v1/support/{}", f.a.county.0), Some(&kjc), Some(&fix)).await;
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["row_version"], 2);
    assert_eq!(saved["note"], Value::Null, "the entry is written whole");

    // Bad input names the field, in Chinese, and stores nothing.
    for (body, field) in [
        (json!({"phone": "0871 6357"}), "phone"),
        (json!({"contacts": [{"name": "李耿", "phone": "1528710552"}]}), "contacts[0].phone"),
        (json!({"contacts": [{"name": " ", "phone": "15287105524"}]}), "contacts[0].name"),
        (json!({"qq_groups": ["472635848", "0123"]}), "qq_groups[1]"),
    ] {
        let res =
            app.call_as(Method::PUT, &format!("/api/v1/support/{}", f.a.county.0), Some(&county), Some(&body)).await;
        assert_eq!(res.status(), 422, "{body}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let mine: Value = app.get_as("/api/v1/support/mine", &county).await.json().await.unwrap();
    assert_eq!(mine["entry"]["row_version"], 2);

    // Units and the administrator keep no entry.
    let unit = app.token("unit-a", PASSWORD).await;
    assert_eq!(app.get_as("/api/v1/support/mine", &unit).await.status(), 403);

    // Every save is audited, in words, with the entry before and after.
    let log: Value = app.get_as("/api/v1/audit?action=support.update", &kjc).await.json().await.unwrap();
    let entries = log["items"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{log}");
    assert!(entries.iter().all(|e| e["action_label"] == "修改技术支持信息"), "{log}");
    let words = log.to_string();
    assert!(words.contains("联系人 王芳 0874-7654321") && words.contains("修改前"), "{log}");
});
