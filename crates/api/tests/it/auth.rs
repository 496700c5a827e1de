//! Sign-in, tokens, the trainee centre, outside systems, accounts and the
//! audit log, over real HTTP on SQLite and PostgreSQL.

use crate::common::fixture::{self, PASSWORD};
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(staff_sign_in_and_me, |app| async move {
    fixture::load(&app).await;
    let pair = app.login("UNIT-A", PASSWORD).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert!(pair["expires_in"].as_i64().is_some_and(|s| s > 0 && s <= 900));
    assert_eq!(pair["must_change_password"], false);
    let token = pair["access_token"].as_str().unwrap_or_default();
    let me: Value = app.get_as("/api/v1/me", token).await.json().await.unwrap_or_default();
    assert_eq!(me["role"], "unit");
    assert_eq!(me["organisation"]["name"], "甲县人民医院");
    assert_eq!(me["manageable_roles"], json!(["department"]));
    assert!(me["permissions"].as_array().is_some_and(|p| p.contains(&json!("read_hierarchy"))));
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
});

both_backends!(unknown_user_and_wrong_password_look_the_same, |app| async move {
    fixture::load(&app).await;
    let wrong = app.post_json("/api/v1/auth/login", &json!({"username": "unit-a", "password": "nope-nope-1"})).await;
    let unknown = app.post_json("/api/v1/auth/login", &json!({"username": "nobody", "password": "nope-nope-1"})).await;
    // Both failures are counted against the name tried.
    let since = chrono::Utc::now() - chrono::Duration::minutes(5);
    let counted = cme_store::repo::login_failure::count_since(&app.db, "account:unit-a", since).await.unwrap_or(0);
    assert_eq!(counted, 1);
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (mut w, mut u): (Value, Value) =
        (wrong.json().await.unwrap_or_default(), unknown.json().await.unwrap_or_default());
    // Alike but for each request's own id.
    assert_ne!(w["request_id"], u["request_id"]);
    (w["request_id"], u["request_id"]) = (Value::Null, Value::Null);
    assert_eq!(w, u);
    assert_eq!(w["code"], "invalid_credentials");
});

both_backends!(too_many_failures_are_429_with_retry_after, |app| async move {
    fixture::load(&app).await;
    for _ in 0..100 {
        cme_store::repo::login_failure::record(&app.db, "account:unit-a").await.unwrap_or_else(|e| panic!("{e}"));
    }
    let res = app.post_json("/api/v1/auth/login", &json!({"username": "unit-a", "password": PASSWORD})).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
    assert!((1..=3600).contains(&retry), "{retry}");
    // Another account is not affected.
    assert_eq!(app.login("dept-a", PASSWORD).await["token_type"], "Bearer");
});

both_backends!(refresh_rotates_and_a_replay_revokes_the_family, |app| async move {
    fixture::load(&app).await;
    let first = app.login("county-a", PASSWORD).await;
    let r1 = first["refresh_token"].clone();
    let res = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1})).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap_or_default();
    let r2 = second["refresh_token"].clone();
    assert_ne!(r1, r2);
    assert_eq!(app.get_as("/api/v1/me", second["access_token"].as_str().unwrap_or_default()).await.status(), 200);
    // Replaying r1 fails and takes r2 and its access token down with it.
    let replay = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1})).await;
    assert_eq!(replay.status(), 401);
    let after = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r2})).await;
    assert_eq!(after.status(), 401);
    assert_eq!(app.get_as("/api/v1/me", second["access_token"].as_str().unwrap_or_default()).await.status(), 401);
    // A refresh token is not an access token.
    assert_eq!(app.get_as("/api/v1/me", r2.as_str().unwrap_or_default()).await.status(), 401);
});

both_backends!(sign_out_disable_and_password_change_end_sessions, |app| async move {
    fixture::load(&app).await;
    // Sign-out kills the access token at once.
    let pair = app.login("dept-a", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
    let res = app.post_json("/api/v1/auth/logout", &json!({"refresh_token": pair["refresh_token"]})).await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get_as("/api/v1/me", &token).await.status(), 401);

    // Sign-out everywhere.
    let a = app.token("dept-a", PASSWORD).await;
    let b = app.token("dept-a", PASSWORD).await;
    assert_eq!(app.call_as(Method::POST, "/api/v1/auth/logout-all", Some(&a), None).await.status(), 204);
    assert_eq!(app.get_as("/api/v1/me", &b).await.status(), 401);

    // Disabling by the unit above ends the department's sessions.
    let dept = app.token("dept-a", PASSWORD).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let accounts: Value = app.get_as("/api/v1/accounts", &unit).await.json().await.unwrap_or_default();
    let id = accounts["items"]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["username"] == "dept-a"))
        .map(|a| a["id"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let res = app
        .call_as(Method::PATCH, &format!("/api/v1/accounts/{id}"), Some(&unit), Some(&json!({"disabled": true})))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get_as("/api/v1/me", &dept).await.status(), 401);
    let res = app.post_json("/api/v1/auth/login", &json!({"username": "dept-a", "password": PASSWORD})).await;
    assert_eq!(res.status(), 403);

    // A password change ends the other sessions and answers a fresh pair.
    let old = app.token("kjc", PASSWORD).await;
    let current = app.token("kjc", PASSWORD).await;
    let body = json!({"current_password": PASSWORD, "new_password": "a-new-passw0rd"});
    let res = app.call_as(Method::POST, "/api/v1/auth/password", Some(&current), Some(&body)).await;
    assert_eq!(res.status(), 200);
    let fresh: Value = res.json().await.unwrap_or_default();
    assert_eq!(app.get_as("/api/v1/me", &old).await.status(), 401);
    assert_eq!(app.get_as("/api/v1/me", fresh["access_token"].as_str().unwrap_or_default()).await.status(), 200);
    let weak = json!({"current_password": "a-new-passw0rd", "new_password": "short"});
    let res = app.call_as(Method::POST, "/api/v1/auth/password", fresh["access_token"].as_str(), Some(&weak)).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap_or_default();
    assert_eq!(p["errors"][0]["field"], "new_password");
});

both_backends!(the_trainee_centre_captcha_flow, |app| async move {
    let f = fixture::load(&app).await;
    let captcha = || async {
        let c: Value = app.get("/api/v1/auth/captcha").await.json().await.unwrap_or_default();
        assert!(c["image"].as_str().is_some_and(|i| i.starts_with("data:image/")));
        c
    };
    let c = captcha().await;
    let login = |c: &Value, answer: &str, password: Option<&str>| {
        let mut body = json!({"id_number": f.a.id_number, "name": f.a.person_name,
                              "captcha_id": c["captcha_id"], "captcha_answer": answer});
        if let Some(p) = password {
            body["password"] = json!(p);
        }
        body
    };
    // A wrong answer burns the captcha.
    let res = app.post_json("/api/v1/auth/trainee/login", &login(&c, "WRONG", None)).await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap_or_default();
    assert_eq!(p["code"], "captcha_invalid");
    assert_eq!(p["errors"][0]["field"], "captcha_answer");
    let answer = c["test_answer"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.post_json("/api/v1/auth/trainee/login", &login(&c, &answer, None)).await.status(), 422);

    // First sign-in: no password yet, so it must set one before anything else.
    let c = captcha().await;
    let res = app
        .post_json("/api/v1/auth/trainee/login", &login(&c, c["test_answer"].as_str().unwrap_or_default(), None))
        .await;
    assert_eq!(res.status(), 200);
    let pair: Value = res.json().await.unwrap_or_default();
    assert_eq!(pair["must_change_password"], true);
    let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
    let res = app.get_as("/api/v1/people", &token).await;
    assert_eq!(res.status(), 403);
    let body = json!({"new_password": "trainee-pass-1"});
    let res = app.call_as(Method::POST, "/api/v1/auth/password", Some(&token), Some(&body)).await;
    assert_eq!(res.status(), 200);
    let pair: Value = res.json().await.unwrap_or_default();
    let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
    let me: Value = app.get_as("/api/v1/me", &token).await.json().await.unwrap_or_default();
    assert_eq!(me["role"], "trainee");
    assert_eq!(me["organisation"]["name"], f.a.person_name);
    // Trainees do not browse the hierarchy.
    assert_eq!(app.get_as("/api/v1/people", &token).await.status(), 403);

    // From now on the password is required, and a wrong name fails like a wrong password.
    let c = captcha().await;
    let ans = c["test_answer"].as_str().unwrap_or_default().to_owned();
    assert_eq!(app.post_json("/api/v1/auth/trainee/login", &login(&c, &ans, Some("wrong-pass-1"))).await.status(), 401);
    let c = captcha().await;
    let ans = c["test_answer"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        app.post_json("/api/v1/auth/trainee/login", &login(&c, &ans, Some("trainee-pass-1"))).await.status(),
        200
    );
    let c = captcha().await;
    let mut other = login(&c, c["test_answer"].as_str().unwrap_or_default(), Some("trainee-pass-1"));
    other["name"] = json!("别人");
    assert_eq!(app.post_json("/api/v1/auth/trainee/login", &other).await.status(), 401);
});

both_backends!(outside_systems_use_client_credentials_in_their_scope, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let res = app
        .call_as(
            Method::POST,
            "/api/v1/api-clients",
            Some(&unit),
            Some(&json!({"name": "HR", "scopes": ["read_hierarchy"]})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap_or_default();
    let (id, secret) = (
        created["client"]["client_id"].as_str().unwrap_or_default(),
        created["client_secret"].as_str().unwrap_or_default(),
    );
    // Basic authentication, form body (RFC 6749 §4.4).
    let res = app
        .client
        .post(format!("{}/api/v1/auth/token", app.base))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let token: Value = res.json().await.unwrap_or_default();
    assert_eq!(token["scope"], "read_hierarchy");
    let access = token["access_token"].as_str().unwrap_or_default().to_owned();
    let people: Value = app.get_as("/api/v1/people", &access).await.json().await.unwrap_or_default();
    let names: Vec<&str> =
        people["items"].as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, vec![f.a.person_name.as_str()]);
    assert_eq!(people["items"][0]["title"]["name"], "主治医师", "the title held today comes with the row");
    assert_eq!(people["items"][0]["title"]["obtained_on"], "2015-09-01");
    assert_eq!(app.get_as(&format!("/api/v1/units/{}", f.b.unit.0), &access).await.status(), 404);
    // A client gets no account management and nothing unknown.
    for scopes in [json!(["manage_accounts"]), json!(["fly"])] {
        let body = json!({"name": "x", "scopes": scopes});
        assert_eq!(app.call_as(Method::POST, "/api/v1/api-clients", Some(&unit), Some(&body)).await.status(), 422);
    }
    // Not granted: 403.
    let reveal = app
        .call_as(
            Method::POST,
            &format!("/api/v1/people/{}/reveal-id-number", f.a.person.0),
            Some(&access),
            Some(&json!({"reason": "核对"})),
        )
        .await;
    assert_eq!(reveal.status(), 403);
    // A wrong secret, then revocation.
    let res = app
        .client
        .post(format!("{}/api/v1/auth/token", app.base))
        .form(&[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", "nope")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.headers().contains_key("www-authenticate"));
    let err: Value = res.json().await.unwrap_or_default();
    assert_eq!(err["code"], "invalid_client");
    assert_eq!(err["error"], "invalid_client", "the RFC 6749 member, for OAuth client libraries");
    assert_eq!(err["title"], "客户端认证失败");
    // Another grant type, and a form without one: 400 problems with their RFC 6749 codes.
    for (form, code) in [
        (vec![("grant_type", "password"), ("client_id", id), ("client_secret", secret)], "unsupported_grant_type"),
        (vec![("client_id", id), ("client_secret", secret)], "invalid_request"),
    ] {
        let res = app
            .client
            .post(format!("{}/api/v1/auth/token", app.base))
            .form(&form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 400, "{code}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let err: Value = res.json().await.unwrap_or_default();
        assert_eq!((err["code"].as_str(), err["error"].as_str()), (Some(code), Some(code)));
    }
    // JSON instead of a form: 415, as problem+json.
    let res = app
        .client
        .post(format!("{}/api/v1/auth/token", app.base))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 415);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let internal_id = created["client"]["id"].as_str().unwrap_or_default();
    let res = app.call_as(Method::DELETE, &format!("/api/v1/api-clients/{internal_id}"), Some(&unit), None).await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get_as("/api/v1/people", &access).await.status(), 401);
});

both_backends!(each_tier_creates_accounts_only_below_and_inside, |app| async move {
    let f = fixture::load(&app).await;
    let county = app.token("county-a", PASSWORD).await;
    let body = json!({"username": "Unit-A2", "display_name": "甲县人民医院科教科", "role": "unit", "organisation_id": f.a.unit.0});
    let res = app.call_as(Method::POST, "/api/v1/accounts", Some(&county), Some(&body)).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap_or_default();
    let initial = created["initial_password"].as_str().unwrap_or_default().to_owned();
    let pair = app.login("unit-a2", &initial).await;
    assert_eq!(pair["must_change_password"], true);
    // The same name again: 409.
    let res = app.call_as(Method::POST, "/api/v1/accounts", Some(&county), Some(&body)).await;
    assert_eq!(res.status(), 409);
    // A unit of another county: 404; a role not below: 403.
    let foreign = json!({"username": "unit-b2", "display_name": "x", "role": "unit", "organisation_id": f.b.unit.0});
    assert_eq!(app.call_as(Method::POST, "/api/v1/accounts", Some(&county), Some(&foreign)).await.status(), 404);
    let up = json!({"username": "pref-x", "display_name": "x", "role": "prefecture_office", "organisation_id": f.a.prefecture.0});
    assert_eq!(app.call_as(Method::POST, "/api/v1/accounts", Some(&county), Some(&up)).await.status(), 403);
    let unit = app.token("unit-a", PASSWORD).await;
    let dep = json!({"username": "dept-a2", "display_name": "内科", "role": "department", "organisation_id": f.a.department.0});
    assert_eq!(app.call_as(Method::POST, "/api/v1/accounts", Some(&unit), Some(&dep)).await.status(), 201);
    let dep_b = json!({"username": "dept-b2", "display_name": "内科", "role": "department", "organisation_id": f.b.department.0});
    assert_eq!(app.call_as(Method::POST, "/api/v1/accounts", Some(&unit), Some(&dep_b)).await.status(), 404);
});

both_backends!(the_audit_log_is_scoped_and_chained, |app| async move {
    let f = fixture::load(&app).await;
    let county = app.token("county-a", PASSWORD).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let res = app
        .call_as(
            Method::POST,
            &format!("/api/v1/people/{}/reveal-id-number", f.a.person.0),
            Some(&unit),
            Some(&json!({"reason": "核对职称材料"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let revealed: Value = res.json().await.unwrap_or_default();
    assert_eq!(revealed["id_number"], f.a.id_number);
    let kjc = app.token("kjc", PASSWORD).await;
    let all: Value = app.get_as("/api/v1/audit", &kjc).await.json().await.unwrap_or_default();
    let actions: Vec<&str> =
        all["items"].as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"auth.login.success") && actions.contains(&"person.id_number.reveal"), "{actions:?}");
    let mine: Value = app.get_as("/api/v1/audit", &county).await.json().await.unwrap_or_default();
    let mine: Vec<&Value> = mine["items"].as_array().into_iter().flatten().collect();
    assert!(mine.iter().any(|e| e["action"] == "person.id_number.reveal"), "the county sees its unit's reveal");
    for e in &mine {
        assert_ne!(e["actor_name"], "kjc", "a county office must not see the province's sign-ins");
    }
    assert_eq!(app.get_as("/api/v1/audit", &unit).await.status(), 403);

    // In words: who by name and organisation, what, on whom; no login, no id.
    let reveal = all["items"].as_array().into_iter().flatten().find(|e| e["action"] == "person.id_number.reveal");
    let reveal = reveal.cloned().unwrap_or_default();
    assert_eq!(reveal["actor"], "科教科郑丽（甲县人民医院）", "{reveal}");
    assert_eq!(reveal["action_label"], "查看完整身份证号");
    assert_eq!(reveal["target_label"], format!("人员 {}", f.a.person_name), "{reveal}");
    assert!(reveal["summary"].as_str().unwrap_or_default().contains("原因：核对职称材料"), "{reveal}");
    for e in all["items"].as_array().into_iter().flatten() {
        let words = format!("{}{}{}{}", e["actor"], e["action_label"], e["target_label"], e["summary"]);
        assert!(!words.contains("unit-a") && !words.contains("kjc"), "a login in {words}");
        if let Some(id) = e["target_id"].as_str() {
            assert!(!words.contains(id), "an id in {words}");
        }
    }
    // Filters: who (part of a name), what, on what, when.
    let q = |query: &str| {
        let app = &app;
        let kjc = kjc.clone();
        let query = query.to_owned();
        async move {
            let page: Value =
                app.get_as(&format!("/api/v1/audit?{query}"), &kjc).await.json().await.unwrap_or_default();
            page["items"].as_array().cloned().unwrap_or_default()
        }
    };
    let by_name = q("actor=%E9%83%91%E4%B8%BD").await; // 郑丽
    assert!(!by_name.is_empty() && by_name.iter().all(|e| e["actor_name"] == "unit-a"), "{by_name:?}");
    let reveals = q("action=person.id_number.reveal").await;
    assert_eq!(reveals.len(), 1);
    let on_people = q("target_type=person").await;
    assert!(on_people.iter().all(|e| e["target_type"] == "person") && !on_people.is_empty());
    let today = cme_domain::time::today_in_shanghai(chrono::Utc::now());
    assert!(!q(&format!("from={today}&to={today}")).await.is_empty());
    assert!(q(&format!("to={}", today.pred_opt().unwrap_or(today))).await.is_empty());
    let bad = app.get_as("/api/v1/audit?action=made.up", &kjc).await;
    assert_eq!(bad.status(), 422);
    let bad: Value = bad.json().await.unwrap_or_default();
    assert_eq!(bad["errors"][0]["field"], "action");
    // The export: the same words in XLSX.
    let res = app.get_as("/api/v1/audit/export?action=person.id_number.reveal", &kjc).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap_or_default();
    let rows = cme_documents::table::read(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows.len(), 2, "a header and one entry");
    let cells = rows[1].cells.join("|");
    assert!(cells.contains("科教科郑丽（甲县人民医院）") && cells.contains("查看完整身份证号"), "{cells}");

    let check = cme_store::repo::audit::verify_chain(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(check, cme_store::repo::audit::ChainCheck::Intact { .. }), "broken chain: {check:?}");
});

both_backends!(offices_page_exactly_their_own_people, |app| async move {
    let f = fixture::load(&app).await;
    for office in ["county-a", "pref-a", "kjc"] {
        let token = app.token(office, PASSWORD).await;
        let people: Value = app.get_as("/api/v1/people?limit=50", &token).await.json().await.unwrap_or_default();
        let mut names: Vec<&str> =
            people["items"].as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
        names.sort_unstable();
        let want: Vec<&str> = if office == "kjc" {
            let mut all = vec![f.a.person_name.as_str(), f.b.person_name.as_str()];
            all.sort_unstable();
            all
        } else {
            vec![f.a.person_name.as_str()]
        };
        assert_eq!(names, want, "{office}");
    }
});
