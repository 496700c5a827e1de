//! Health, standards, the OpenAPI document, errors and the SPA, over real HTTP.

use serde_json::Value;

both_backends!(health_reports_the_database, |app| async move {
    let res = app.get("/api/v1/health").await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap_or_default();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"]["reachable"], true);
    assert_eq!(v["database"]["backend"], app.backend);
});

both_backends!(standards_are_served_as_data, |app| async move {
    let list: Value = app.get("/api/v1/standards").await.json().await.unwrap_or_default();
    let years: Vec<i64> = list.as_array().into_iter().flatten().filter_map(|s| s["year"].as_i64()).collect();
    assert_eq!(years.first(), Some(&2015));
    assert!(years.contains(&2021) && years.len() >= 11, "{years:?}");
    let with_course: Vec<i64> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| !s["mandatory_course"].is_null())
        .filter_map(|s| s["year"].as_i64())
        .collect();
    assert_eq!(with_course, vec![2017, 2021]);

    let s: Value = app.get("/api/v1/standards/2017").await.json().await.unwrap_or_default();
    assert_eq!(s["mandatory_course"]["name"], "人感染H7N9禽流感和艾滋病防治新进展");
    assert_eq!(s["mandatory_course"]["deadline"], "2018-02-28");
    assert_eq!(s["rows"].as_array().map(Vec::len), Some(22));

    let res = app.get("/api/v1/standards/2014").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    let res = app.get("/api/v1/standards/twenty").await;
    assert_eq!(res.status(), 400);
});

both_backends!(unknown_api_paths_are_problems_and_the_docs_are_served, |app| async move {
    async fn problem(res: reqwest::Response, status: u16, code: &str) -> reqwest::header::HeaderMap {
        assert_eq!(res.status(), status, "{code}");
        let headers = res.headers().clone();
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
        let v: Value = res.json().await.unwrap_or_default();
        assert_eq!(v["code"], code, "{v}");
        assert!(v["title"].as_str().is_some_and(|t| !t.is_ascii()), "a Chinese title: {v}");
        headers
    }
    problem(app.get("/api/v1/nothing-here").await, 404, "not_found").await;
    problem(app.get("/api/nothing-here").await, 404, "not_found").await;
    // A known path under another method: 405 naming the methods it takes.
    let send = |method: reqwest::Method, path: &str| app.client.request(method, format!("{}{path}", app.base)).send();
    let res = send(reqwest::Method::DELETE, "/api/v1/standards").await.unwrap_or_else(|e| panic!("{e}"));
    let headers = problem(res, 405, "method_not_allowed").await;
    assert_eq!(headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET"));
    let person = format!("/api/v1/people/{}", uuid::Uuid::nil());
    let res = send(reqwest::Method::PUT, &person).await.unwrap_or_else(|e| panic!("{e}"));
    let headers = problem(res, 405, "method_not_allowed").await;
    assert_eq!(headers.get("allow").and_then(|v| v.to_str().ok()), Some("GET, PATCH"));
    // actix's own path and query extractors answer problems too.
    problem(app.get("/api/v1/standards/twenty").await, 400, "malformed_request").await;
    problem(app.get("/api/v1/public/certificates?number=1&number=2&code=x").await, 400, "malformed_request").await;

    let served: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap_or_default();
    assert_eq!(served, serde_json::to_value(cme_api::openapi()).unwrap_or_default());
    let docs = app.get("/api/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap_or_default().contains("swagger"));
});

both_backends!(client_routes_fall_back_to_the_spa, |app| async move {
    let res = app.get("/calculator").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap_or_default().contains("<div id=\"root\">"));
    let res = app.get("/").await;
    assert_eq!(res.headers().get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"));
    // index.html (and every client route) is revalidated; hashed assets are kept a year.
    let cache = |res: &reqwest::Response| {
        res.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    assert_eq!(cache(&res), "no-cache");
    assert_eq!(cache(&app.get("/calculator").await), "no-cache");
    let asset = app.get("/assets/index-3f9a1c.js").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(cache(&asset), "public, max-age=31536000, immutable");
    // Each asset is served as its build-time brotli or gzip sibling, by Accept-Encoding.
    let fetch = |accept: &'static str| {
        app.client.get(format!("{}/assets/index-3f9a1c.js", app.base)).header("accept-encoding", accept).send()
    };
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli bytes"),
        ("gzip, br;q=0", Some("gzip"), "gzip bytes"),
        ("identity", None, "console.log(1)"),
    ] {
        let res = fetch(accept).await.unwrap_or_else(|e| panic!("{e}"));
        let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("content-encoding").as_deref(), encoding, "{accept}");
        assert!(header("content-type").unwrap_or_default().contains("javascript"), "{accept}");
        assert!(header("vary").unwrap_or_default().to_lowercase().contains("accept-encoding"), "{accept}");
        assert_eq!(header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
        assert_eq!(res.text().await.unwrap_or_default(), body, "{accept}");
    }
    // A missing asset is not cached for a year (it answers index.html, revalidated).
    assert_ne!(cache(&app.get("/assets/gone-000000.js").await), "public, max-age=31536000, immutable");
    // API answers keep their own (none, or no-store).
    assert_ne!(cache(&app.get("/api/v1/health").await), "no-cache");
});

both_backends!(cors_comes_from_the_allow_list_and_pages_carry_a_csp, |app| async move {
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/api/v1/me", app.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let ok = preflight("https://hr.example.org").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ok.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()),
        Some("https://hr.example.org")
    );
    let evil = preflight("https://evil.example").await.unwrap_or_else(|e| panic!("{e}"));
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    let page = app.get("/calculator").await;
    let csp = page.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
    // Bodies over 1 MiB are refused before they are parsed.
    let big = format!("{{\"username\": \"{}\", \"password\": \"x\"}}", "a".repeat(2 << 20));
    let res = app.post_raw("/api/v1/auth/login", "application/json", &big).await;
    assert_eq!(res.status(), 413);
});

both_backends!(bodies_too_large_or_of_the_wrong_type_are_problems, |app| async move {
    let _ = crate::common::fixture::load(&app).await;
    let kjc = app.token("kjc", crate::common::fixture::PASSWORD).await;
    async fn problem(res: reqwest::Response, status: u16, code: &str) {
        assert_eq!(res.status(), status);
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(ct.starts_with("application/problem+json"), "{ct}");
        let body: Value = res.json().await.unwrap_or_default();
        assert_eq!(body["code"], code, "{body}");
    }
    // A JSON body over the limit is 413, not 400.
    let big = format!("{{\"username\": \"{}\", \"password\": \"x\"}}", "a".repeat(2 << 20));
    problem(app.post_raw("/api/v1/auth/login", "application/json", &big).await, 413, "payload_too_large").await;
    // Not JSON is 415, also on the handlers that read their body with actix's extractor before.
    problem(app.post_raw("/api/v1/auth/login", "text/plain", "{}").await, 415, "unsupported_media_type").await;
    for (method, path) in [
        (reqwest::Method::PUT, "/api/v1/standards/2026/draft"),
        (reqwest::Method::POST, &format!("/api/v1/spot-checks/{}/close", uuid::Uuid::nil())),
    ] {
        let res = app
            .client
            .request(method, format!("{}{path}", app.base))
            .bearer_auth(&kjc)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        problem(res, 415, "unsupported_media_type").await;
    }
});

both_backends!(what_serde_and_actix_refuse_is_told_in_chinese_naming_the_field, |app| async move {
    use crate::common::checked::{CHECKED, english_in};
    use std::sync::atomic::Ordering;
    let _f = crate::common::fixture::load(&app).await;
    let token = app.token("kjc", crate::common::fixture::PASSWORD).await;
    let before = CHECKED.load(Ordering::Relaxed);
    let call = |method: reqwest::Method, path: &str, body: Option<&str>| {
        let mut r = app.client.request(method, format!("{}{path}", app.base)).bearer_auth(&token);
        if let Some(b) = body {
            r = r.header("content-type", "application/json").body(b.to_owned());
        }
        r.send()
    };
    // Each of these went out in English before (serde's and actix's own words).
    let cases = [
        (reqwest::Method::POST, "/api/v1/spot-checks", Some("{\"kind\": \"sample\"}"), "year", "缺少必填项"),
        (
            reqwest::Method::POST,
            "/api/v1/spot-checks",
            Some("{\"kind\": \"sample\", \"year\": \"x\", \"rate_permille\": 1}"),
            "year",
            "应为整数",
        ),
        (
            reqwest::Method::POST,
            "/api/v1/spot-checks",
            Some("{\"kind\": \"nope\", \"year\": 2021, \"rate_permille\": 1}"),
            "kind",
            "取值不在允许范围内",
        ),
        (reqwest::Method::POST, "/api/v1/spot-checks", Some("{\"kind\": "), "kind", "请求内容不完整"),
        (reqwest::Method::GET, "/api/v1/compliance?year=abc", None, "", "应为整数"),
        (reqwest::Method::GET, "/api/v1/people/not-a-uuid", None, "", "地址"),
    ];
    let count = cases.len();
    for (method, path, body, field, words) in cases {
        let res = call(method.clone(), path, body).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(res.status().is_client_error(), "{method} {path}: {}", res.status());
        let p: Value = res.json().await.unwrap_or_default();
        assert!(p["detail"].as_str().unwrap_or_default().contains(words), "{method} {path}: {p}");
        if !field.is_empty() {
            assert_eq!(p["errors"][0]["field"], field, "{method} {path}: {p}");
        }
        assert!(!p.to_string().contains("line 1"), "no parser positions: {p}");
    }
    // Every one of them went through the client's check …
    assert!(CHECKED.load(Ordering::Relaxed) >= before + count);
    // … which fails a problem without Chinese.
    let english = serde_json::json!({"title": "Bad Request", "detail": "missing field `year`", "errors": [{"field": "year", "message": "required"}]});
    assert_eq!(english_in(&english).len(), 3);
    assert!(english_in(&serde_json::json!({"title": "请求参数不合法", "detail": "year: 缺少必填项"})).is_empty());
});
