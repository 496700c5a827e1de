//! The what-if calculator over real HTTP, on SQLite and PostgreSQL.

use crate::common::TestApp;
use serde_json::{Value, json};

fn county_senior(credits: Value) -> Value {
    json!({"year": 2021, "unit_level": "county", "title_level": "senior", "discipline": "clinical",
           "mandatory_course_completed": true, "credits": credits})
}

fn codes(body: &Value) -> Vec<(String, f64)> {
    body["shortfalls"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| (s["code"].as_str().unwrap_or_default().to_owned(), s["missing"].as_f64().unwrap_or(-1.0)))
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts a 4xx problem+json that names `field`.
async fn assert_problem_names(app: &TestApp, body: Value, status: u16, field: &str) {
    let res = app.post_json("/api/v1/compliance/evaluate", &body).await;
    assert_eq!(res.status().as_u16(), status, "{body}");
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(ct, "application/problem+json");
    let problem: Value = res.json().await.unwrap_or_default();
    let fields: Vec<&str> =
        problem["errors"].as_array().into_iter().flatten().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&field), "expected {field} in {problem}");
    assert_eq!(problem["status"], status);
    assert!(problem["code"].is_string() && problem["title"].is_string() && problem["type"].is_string());
}

both_backends!(a_compliant_county_senior, |app| async move {
    let body = county_senior(json!([
        {"kind": "project", "source": "national", "amount": 10},
        {"kind": "project", "source": "provincial", "amount": 5},
        {"kind": "project", "source": "prefecture", "amount": 5},
        {"kind": "self_managed", "amount": 5},
    ]));
    let res = app.post_json("/api/v1/compliance/evaluate", &body).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap_or_default();
    assert_eq!(v["compliant"], true, "{v}");
    assert_eq!(v["shortfalls"], json!([]));
    assert_eq!(v["buckets"]["total"], 25);
    assert_eq!(v["standard"]["requirement"]["i_subtotal_min"], 15);
    assert_eq!(v["standard"]["requirement"]["i_distance_cap"], 10);
    assert_eq!(v["standard"]["mandatory_course"]["name"], "卫生健康行业生物安全");
    assert_eq!(v["allocation"].as_array().map(Vec::len), Some(4));
});

both_backends!(the_issue_example_lists_every_gap_in_chinese, |app| async move {
    let body = county_senior(json!([
        {"kind": "project", "source": "national", "amount": 5},
        {"kind": "self_managed", "amount": 2.5},
    ]));
    let res = app.post_json("/api/v1/compliance/evaluate", &body).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap_or_default();
    assert_eq!(v["compliant"], false);
    assert_eq!(
        codes(&v),
        vec![
            ("i_subtotal".to_owned(), 10.0),
            ("ii_subtotal".to_owned(), 5.0),
            ("self_managed".to_owned(), 2.5),
            ("total".to_owned(), 17.5),
        ]
    );
    assert_eq!(v["shortfalls"][2]["message"], "自管学分差 2.5 分");
    assert_eq!(v["shortfalls"][0]["message"], "I类学分差 10 分");
    assert_eq!(v["buckets"]["self_managed"], 2.5);
});

both_backends!(distance_over_its_cap_and_surplus_i_are_shown_per_credit, |app| async move {
    // Provincial senior clinical: distance I ≤ 5, distance II ≤ 0.
    let body = json!({"year": 2019, "unit_level": "provincial", "title_level": "senior", "discipline": "clinical",
        "credits": [
            {"kind": "project", "source": "national", "amount": 5},
            {"kind": "project", "source": "provincial", "amount": 8},
            {"kind": "project", "source": "distance_i", "amount": 7.5},
            {"kind": "project", "source": "distance_ii", "amount": 3},
            {"kind": "project", "source": "prefecture", "amount": 2},
            {"kind": "self_managed", "amount": 5}]});
    let v: Value = app.post_json("/api/v1/compliance/evaluate", &body).await.json().await.unwrap_or_default();
    assert_eq!(v["compliant"], true, "{v}");
    assert_eq!(v["standard"]["mandatory_course"], Value::Null);
    assert_eq!(v["allocation"][2]["not_counted"], 2.5);
    assert_eq!(v["allocation"][2]["not_counted_reason"], "over_cap");
    assert_eq!(v["allocation"][3]["not_counted"], 3);
    assert_eq!(v["buckets"]["i_surplus_to_ii"], 3);
    assert_eq!(v["buckets"]["ii_subtotal"], 5);
});

both_backends!(the_mandatory_course_counts_in_2021_only, |app| async move {
    let credits = json!([
        {"kind": "project", "source": "prefecture", "amount": 12},
        {"kind": "self_managed", "amount": 3}]);
    let mut body = json!({"year": 2021, "unit_level": "township", "discipline": "nursing_public_health",
                          "mandatory_course_completed": false, "credits": credits});
    let v: Value = app.post_json("/api/v1/compliance/evaluate", &body).await.json().await.unwrap_or_default();
    assert_eq!(codes(&v), vec![("mandatory_course".to_owned(), 0.0)]);
    assert_eq!(v["shortfalls"][0]["message"], "未完成全员培训《卫生健康行业生物安全》");
    assert_eq!(v["standard"]["title_level"], Value::Null);
    body["year"] = json!(2020);
    let v: Value = app.post_json("/api/v1/compliance/evaluate", &body).await.json().await.unwrap_or_default();
    assert_eq!(v["compliant"], true, "{v}");
});

both_backends!(bad_input_is_a_problem_naming_the_field, |app| async move {
    let ok_credit = json!({"kind": "project", "source": "national", "amount": 5});
    let with = |credit: Value| county_senior(json!([ok_credit.clone(), credit]));
    assert_problem_names(
        &app,
        with(json!({"kind": "project", "source": "national", "amount": 2.55})),
        422,
        "credits[1].amount",
    )
    .await;
    assert_problem_names(
        &app,
        with(json!({"kind": "project", "source": "national", "amount": 0})),
        422,
        "credits[1].amount",
    )
    .await;
    assert_problem_names(
        &app,
        with(json!({"kind": "project", "source": "national", "amount": -1})),
        422,
        "credits[1].amount",
    )
    .await;
    assert_problem_names(
        &app,
        with(json!({"kind": "project", "source": "national", "amount": "5"})),
        422,
        "credits[1].amount",
    )
    .await;
    assert_problem_names(
        &app,
        with(json!({"kind": "self_managed", "source": "national", "amount": 1})),
        422,
        "credits[1].source",
    )
    .await;
    assert_problem_names(&app, with(json!({"kind": "project", "amount": 1})), 422, "credits[1].source").await;
    assert_problem_names(
        &app,
        with(json!({"kind": "project", "source": "county", "amount": 1})),
        422,
        "credits[1].source",
    )
    .await;
    assert_problem_names(&app, with(json!({"kind": "bonus", "amount": 1})), 422, "credits[1].kind").await;

    let mut body = county_senior(json!([ok_credit]));
    body["unit_level"] = json!("hospital");
    assert_problem_names(&app, body.clone(), 422, "unit_level").await;
    body["unit_level"] = json!("county");
    body["title_level"] = Value::Null;
    assert_problem_names(&app, body.clone(), 422, "title_level").await;
    body["title_level"] = json!("senior");
    body["year"] = json!(2014);
    assert_problem_names(&app, body.clone(), 422, "year").await;
    body["year"] = json!(2099);
    assert_problem_names(&app, body.clone(), 422, "year").await;
    body.as_object_mut().map(|o| o.remove("year"));
    assert_problem_names(&app, body.clone(), 422, "year").await;
    body["year"] = json!(2021);
    body["mandatory_course_complete"] = json!(true);
    assert_problem_names(&app, body, 422, "mandatory_course_complete").await;

    let res = app.post_raw("/api/v1/compliance/evaluate", "application/json", "{\"year\": 2021,").await;
    assert_eq!(res.status(), 400);
    let res = app.post_raw("/api/v1/compliance/evaluate", "text/plain", "{}").await;
    assert_eq!(res.status(), 415);
});
