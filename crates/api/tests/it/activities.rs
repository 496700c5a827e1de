//! CME activities over real HTTP: creation, the rotating sign-in code, a
//! trainee's sign-in (once), old, altered and out-of-date codes, attendance
//! rosters, and mandatory-course completions singly and by import; each
//! changes the person's stored compliance.

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD};
use chrono::{Duration, NaiveDate, Utc};
use cme_domain::IdCardNumber;
use cme_domain::compliance::ShortfallCode;
use cme_domain::id_card::check_character;
use cme_domain::ids::{ActivityId, DepartmentId, PersonId, UnitId};
use cme_domain::person::{Discipline, Gender, Person, PersonStatus, Title, TitleLevel};
use cme_domain::sign_in_code::{SignInKey, issue};
use cme_domain::time::today_in_shanghai;
use cme_store::repo::{evaluation, person};
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, Statement};
use serde_json::{Value, json};

/// The test app's secret (see `common::spawn`), from which the sign-in key is derived.
const TEST_SECRET: [u8; 32] = [9u8; 32];

fn today() -> NaiveDate {
    today_in_shanghai(Utc::now())
}

fn id_number(prefix: &str, seq: u32) -> String {
    let first = format!("{prefix}19900101{seq:03}");
    format!("{first}{}", check_character(&first).unwrap_or('0'))
}

/// An ID number whose check character is wrong.
fn wrong_check_digit(prefix: &str, seq: u32) -> String {
    let mut number = id_number(prefix, seq);
    let right = number.pop();
    number.push(if right == Some('0') { '1' } else { '0' });
    number
}

/// A person of `unit` with a valid ID number.
async fn add_person(app: &TestApp, unit: UnitId, department: DepartmentId, number: &str, name: &str) -> PersonId {
    let p = Person {
        id: PersonId::new(),
        unit_id: unit,
        department_id: Some(department),
        name: name.to_owned(),
        gender: Gender::Female,
        id_number: IdCardNumber::from_trusted(number.to_owned()),
        discipline: Discipline::Clinical,
        status: PersonStatus::Normal,
        titles: vec![Title {
            name: "主治医师".to_owned(),
            level: TitleLevel::Intermediate,
            obtained_on: NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or_default(),
        }],
    };
    person::insert(&app.db, &app.pii, &p).await.unwrap_or_else(|e| panic!("{e}"));
    p.id
}

/// A trainee-centre token for a person (first sign-in sets the password).
async fn trainee_token(app: &TestApp, id_number: &str, name: &str) -> String {
    let c: Value = app.get("/api/v1/auth/captcha").await.json().await.unwrap_or_default();
    let body = json!({"id_number": id_number, "name": name, "captcha_id": c["captcha_id"],
                      "captcha_answer": c["test_answer"], "password": "trainee-pass-1"});
    let res = app.post_json("/api/v1/auth/trainee/login", &body).await;
    assert_eq!(res.status(), 200, "trainee login");
    let pair: Value = res.json().await.unwrap_or_default();
    let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
    if pair["must_change_password"] == true {
        let res = app
            .call_as(
                Method::POST,
                "/api/v1/auth/password",
                Some(&token),
                Some(&json!({"new_password": "trainee-pass-1"})),
            )
            .await;
        let pair: Value = res.json().await.unwrap_or_default();
        return pair["access_token"].as_str().unwrap_or_default().to_owned();
    }
    token
}

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let res = app.call_as(Method::POST, path, Some(token), Some(body)).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let res = app.get_as(path, token).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

async fn post_csv(app: &TestApp, token: &str, path: &str, csv: &str) -> (u16, Value) {
    let res = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("content-type", "text/csv; charset=utf-8")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

/// Creates an activity as `token`; returns its JSON.
async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, created) = post(app, token, "/api/v1/activities", &body).await;
    assert_eq!(status, 201, "create activity: {created}");
    created
}

fn project(name: &str, source: &str, amount: Value, starts_on: NaiveDate, ends_on: NaiveDate) -> Value {
    json!({"name": name, "organiser": "云南省第一人民医院", "kind": "project", "source": source,
           "amount": amount, "starts_on": starts_on, "ends_on": ends_on})
}

fn activity_id(a: &Value) -> ActivityId {
    ActivityId(a["id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()).unwrap_or_default())
}

/// A code for `id` as the server would have issued it at `at`.
fn code_at(id: ActivityId, at: chrono::DateTime<Utc>) -> String {
    issue(&SignInKey::derive(&TEST_SECRET), id, at).code
}

async fn field_error(res: (u16, Value)) -> (u16, String, String) {
    let (status, body) = res;
    let field = body["errors"][0]["field"].as_str().unwrap_or_default().to_owned();
    let message = body["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    (status, field, message)
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

/// Moves a person's verifications to `state` (as the review chain would), which locks their credits.
async fn submit(app: &TestApp, person: PersonId, state: &str) {
    use cme_store::entity::verifications;
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    verifications::Entity::update_many()
        .col_expr(verifications::Column::State, sea_orm::prelude::Expr::value(state))
        .filter(verifications::Column::PersonId.eq(person.0))
        .exec(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn total_tenths(app: &TestApp, person: PersonId, year: i32) -> u32 {
    let e = evaluation::evaluate_person_year(&app.db, person, year).await.unwrap_or_else(|e| panic!("{e}"));
    e.evaluation.buckets.total.tenths()
}

both_backends!(a_trainee_signs_in_once_with_the_current_code, |app| async move {
    let f: Fixture = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let year = chrono::Datelike::year(&(today() - Duration::days(1)));

    let a = create(
        &app,
        &unit,
        project(
            "急危重症救治新进展",
            "provincial",
            json!("2.5"),
            today() - Duration::days(1),
            today() + Duration::days(1),
        ),
    )
    .await;
    assert_eq!(a["code"], format!("HD{year}-000001"));
    assert_eq!((a["amount"].clone(), a["class"].clone(), a["running"].clone()), (json!(2.5), json!("i"), json!(true)));
    assert_eq!(a["owner"]["kind"], "unit");
    let id = activity_id(&a);
    let p = create(&app, &pref, project("州级学习班", "prefecture", json!(3), today(), today())).await;
    assert_eq!(p["code"], format!("HD{year}-000002"));
    assert_eq!(p["owner"]["kind"], "region");

    // Each sees its own and what lies below it.
    let (_, list) = get(&app, &unit, "/api/v1/activities").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    let (_, list) = get(&app, &pref, "/api/v1/activities?limit=1").await;
    assert_eq!(list["items"][0]["id"], p["id"], "newest first");
    let after = list["next_cursor"].as_str().unwrap_or_default().to_owned();
    let (_, list) = get(&app, &pref, &format!("/api/v1/activities?limit=1&after={after}")).await;
    assert_eq!(list["items"][0]["id"], a["id"]);
    assert_eq!(list["next_cursor"], Value::Null);
    let (_, list) = get(&app, &county, "/api/v1/activities").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "the county sees its unit's, not the prefecture's");
    let (_, list) = get(&app, &pref, &format!("/api/v1/activities?year={year}&name=学习班")).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(get(&app, &unit, &format!("/api/v1/activities/{}", p["id"].as_str().unwrap_or_default())).await.0, 404);

    // Serials stay unique when creations race.
    let racing = (0..4).map(|i| {
        let (app, unit) = (&app, &unit);
        async move { create(app, unit, project(&format!("并发{i}"), "national", json!(1), today(), today())).await }
    });
    let mut codes: Vec<String> = futures_util::future::join_all(racing)
        .await
        .iter()
        .map(|a| a["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 4, "{codes:?}");

    // The screen's code.
    let (status, code) = get(&app, &unit, &format!("/api/v1/activities/{id}/sign-in-code")).await;
    assert_eq!(status, 200, "{code}");
    let text = code["code"].as_str().unwrap_or_default().to_owned();
    assert_eq!(text.len(), 48);
    assert_eq!(code["url"], format!("/m/sign-in?code={text}"));
    assert_eq!(code["rotates_every_seconds"], 60);
    let started = code["window_started_at"].as_str().unwrap_or_default();
    let expires = code["expires_at"].as_str().unwrap_or_default();
    let span =
        chrono::DateTime::parse_from_rfc3339(expires).ok().zip(chrono::DateTime::parse_from_rfc3339(started).ok());
    assert_eq!(span.map(|(e, s)| (e - s).num_seconds()), Some(120));

    // The trainee scans it: the credit counts at once.
    let trainee = trainee_token(&app, &f.a.id_number, &f.a.person_name).await;
    let before = total_tenths(&app, f.a.person, year).await;
    let (status, credit) = post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": text})).await;
    assert_eq!(status, 201, "{credit}");
    assert_eq!(credit["amount"], json!(2.5));
    assert_eq!(credit["activity_code"], a["code"]);
    assert_eq!(credit["year"], year);
    assert_eq!(credit["earned_on"], json!(today()));
    assert_eq!(total_tenths(&app, f.a.person, year).await, before + 25);
    let records = cme_store::repo::credit::list_for_person_year(&app.db, f.a.person, year).await.unwrap_or_default();
    let stored = records.iter().find(|c| c.certificate_no.as_deref() == a["code"].as_str());
    assert_eq!(
        stored.map(|c| (c.entry_path.as_str(), c.state.as_str(), c.organiser.as_deref())),
        Some(("electronic", "valid", Some("云南省第一人民医院")))
    );
    assert_eq!(audit_count(&app, "activity.sign_in").await, 1);

    // Once per person and activity.
    let (status, body) = post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": text})).await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "already_signed_in");
    assert!(body["detail"].as_str().unwrap_or_default().contains("已签到"));
    let (_, detail) = get(&app, &unit, &format!("/api/v1/activities/{id}")).await;
    assert_eq!(detail["sign_in_count"], 1);

    // A code of two minutes ago has expired; an altered one is invalid.
    let other = create(&app, &unit, project("另一场", "national", json!(1), today(), today())).await;
    let other_id = activity_id(&other);
    let old = code_at(other_id, Utc::now() - Duration::seconds(120));
    let res = field_error(post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": old})).await).await;
    assert_eq!(res, (422, "code".to_owned(), "签到码已过期".to_owned()));
    let fresh = code_at(other_id, Utc::now());
    let mut tampered: Vec<char> = fresh.chars().collect();
    tampered[30] = if tampered[30] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let res = field_error(post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": tampered})).await).await;
    assert_eq!(res, (422, "code".to_owned(), "签到码无效".to_owned()));
    // A code signed with another secret is as good as made up.
    let forged = issue(&SignInKey::derive(&[1u8; 32]), other_id, Utc::now()).code;
    assert_eq!(post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": forged})).await.0, 422);
    let (status, _) = post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": fresh})).await;
    assert_eq!(status, 201, "the genuine current code still works");

    // Outside its dates: no code for the screen, and a minted one is refused.
    let past = create(
        &app,
        &unit,
        project("上周的活动", "national", json!(1), today() - Duration::days(10), today() - Duration::days(5)),
    )
    .await;
    let past_id = activity_id(&past);
    let (status, body) = get(&app, &unit, &format!("/api/v1/activities/{past_id}/sign-in-code")).await;
    assert_eq!((status, body["code"].clone()), (409, json!("activity_not_running")));
    let res = post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": code_at(past_id, Utc::now())})).await;
    let (status, field, message) = field_error(res).await;
    assert_eq!((status, field.as_str()), (422, "code"));
    assert!(message.contains("活动已结束"), "{message}");

    // A cancelled activity takes no sign-ins; cancelling twice is a conflict.
    let c = create(&app, &unit, project("取消的活动", "national", json!(1), today(), today())).await;
    let c_id = activity_id(&c);
    let (status, cancelled) =
        post(&app, &unit, &format!("/api/v1/activities/{c_id}/cancel"), &json!({"reason": "讲者无法到场"})).await;
    assert_eq!(status, 200);
    assert_eq!(
        (cancelled["cancel_reason"].clone(), cancelled["running"].clone()),
        (json!("讲者无法到场"), json!(false))
    );
    let (status, body) =
        post(&app, &unit, &format!("/api/v1/activities/{c_id}/cancel"), &json!({"reason": "再次"})).await;
    assert_eq!((status, body["code"].clone()), (409, json!("already_cancelled")));
    let res = post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": code_at(c_id, Utc::now())})).await;
    assert_eq!(field_error(res).await, (422, "code".to_owned(), "活动已取消".to_owned()));
    assert_eq!(get(&app, &unit, &format!("/api/v1/activities/{c_id}/sign-in-code")).await.0, 409);

    // A unit's self-managed activity takes only its own staff.
    let own = create(
        &app,
        &unit,
        json!({"name": "院内业务学习", "organiser": "甲县人民医院", "kind": "self_managed", "amount": 0.5,
               "starts_on": today(), "ends_on": today()}),
    )
    .await;
    let own_id = activity_id(&own);
    let outsider = trainee_token(&app, &f.b.id_number, &f.b.person_name).await;
    let res = post(&app, &outsider, "/api/v1/activities/sign-in", &json!({"code": code_at(own_id, Utc::now())})).await;
    assert_eq!(res.0, 403);
    let res = post(&app, &trainee, "/api/v1/activities/sign-in", &json!({"code": code_at(own_id, Utc::now())})).await;
    assert_eq!((res.0, res.1["kind"].clone(), res.1["amount"].clone()), (201, json!("self_managed"), json!(0.5)));
    // An office's project takes anyone who attends.
    let pref_code = code_at(activity_id(&p), Utc::now());
    assert_eq!(post(&app, &outsider, "/api/v1/activities/sign-in", &json!({"code": pref_code})).await.0, 201);
});

both_backends!(new_activities_are_checked, |app| async move {
    let _f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let d = today();
    let bad = |body: Value| {
        let (app, unit) = (&app, &unit);
        async move { field_error(post(app, unit, "/api/v1/activities", &body).await).await }
    };
    let mut no_source = project("x", "national", json!(1), d, d);
    no_source.as_object_mut().map(|o| o.remove("source"));
    assert_eq!(bad(no_source).await.0, 422);
    assert_eq!(bad(no_source_field(d)).await.1, "source");
    let (status, field, _) = bad(project("x", "national", json!("2.55"), d, d)).await;
    assert_eq!((status, field.as_str()), (422, "amount"));
    assert_eq!(bad(project("x", "national", json!(0), d, d)).await.1, "amount");
    assert_eq!(bad(project("x", "national", json!("abc"), d, d)).await.1, "amount");
    assert_eq!(bad(project("x", "national", json!("2.50000000001"), d, d)).await.1, "amount");
    assert_eq!(bad(project("x", "national", json!(30), d, d)).await.1, "amount", "above 25 a project");
    assert_eq!(bad(project("x", "national", json!(1), d, d - Duration::days(1))).await.1, "ends_on");
    assert_eq!(bad(project("", "national", json!(1), d, d)).await.1, "name");
    let self_managed = json!({"name": "自学", "organiser": "州卫健委", "kind": "self_managed", "amount": 1,
                              "starts_on": d, "ends_on": d});
    let (status, field, _) = field_error(post(&app, &pref, "/api/v1/activities", &self_managed).await).await;
    assert_eq!((status, field.as_str()), (422, "kind"), "only a unit runs self-managed activities");
    // The province's activity is owned by the province's root region.
    let prov = create(&app, &kjc, project("省级项目", "provincial", json!(4), d, d)).await;
    assert_eq!(prov["owner"]["kind"], "region");
    let (_, list) = get(&app, &pref, "/api/v1/activities").await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "the prefecture does not see the province's");
    assert_eq!(audit_count(&app, "activity.create").await, 1);
});

fn no_source_field(d: NaiveDate) -> Value {
    json!({"name": "x", "organiser": "y", "kind": "project", "amount": 1, "starts_on": d, "ends_on": d})
}

both_backends!(a_roster_credits_who_may_have_the_credit, |app| async move {
    let f: Fixture = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let kjc = app.token("kjc", PASSWORD).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let start = today() - Duration::days(3);
    let year = chrono::Datelike::year(&start);
    let a = create(&app, &unit, project("上周学习班", "national", json!(2), start, start + Duration::days(1))).await;
    let id = activity_id(&a);

    let second = id_number("530125", 21);
    let second_id = add_person(&app, f.a.unit, f.a.department, &second, "甲二").await;
    let locked = id_number("530125", 23);
    let locked_id = add_person(&app, f.a.unit, f.a.department, &locked, "甲三").await;
    let new = cme_store::repo::verification::NewVerification::normal(locked_id, year);
    let by = cme_store::repo::verification::Acting { tier: cme_domain::review::Tier::Unit, id: None, name: "unit-a" };
    cme_store::repo::verification::create(&app.db, &new, &by).await.unwrap_or_else(|e| panic!("{e}"));
    submit(&app, locked_id, "in_review").await;
    let unknown = id_number("530125", 25);
    let bad_check = wrong_check_digit("530125", 27);

    // The first roster credits side A's worker.
    let (status, first) =
        post(&app, &unit, &format!("/api/v1/activities/{id}/roster"), &json!({"id_numbers": [f.a.id_number]})).await;
    assert_eq!((status, first["credited"].clone()), (200, json!(1)), "{first}");

    let csv = format!(
        "身份证号\n{}\n{second}\n{}\n{unknown}\n{bad_check}\n{}\n{locked}\n",
        f.a.id_number,
        f.b.id_number,
        second.to_lowercase()
    );
    let before = total_tenths(&app, second_id, year).await;
    let (status, report) = post_csv(&app, &unit, &format!("/api/v1/activities/{id}/roster"), &csv).await;
    assert_eq!(status, 200, "{report}");
    let outcomes: Vec<(u64, String)> = report["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| (r["row"].as_u64().unwrap_or(0), r["outcome"].as_str().unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (2, "already_signed_in".to_owned()),
            (3, "credited".to_owned()),
            (4, "out_of_jurisdiction".to_owned()),
            (5, "unknown_person".to_owned()),
            (6, "invalid_id_number".to_owned()),
            (7, "duplicate_row".to_owned()),
            (8, "locked".to_owned()),
        ]
    );
    assert_eq!((report["rows"].clone(), report["credited"].clone()), (json!(7), json!(1)));
    assert_eq!(report["results"][1]["id_number_masked"], IdCardNumber::from_trusted(second.clone()).masked());
    assert!(report["results"][4]["reason"].as_str().unwrap_or_default().contains("校验位"));
    let text = report.to_string();
    for n in [&f.a.id_number, &second, &f.b.id_number, &unknown] {
        assert!(!text.contains(n.as_str()), "a full ID number in the report");
    }
    assert_eq!(total_tenths(&app, second_id, year).await, before + 20);
    let records = cme_store::repo::credit::list_for_person_year(&app.db, second_id, year).await.unwrap_or_default();
    assert_eq!(records.iter().map(|c| c.earned_on).collect::<Vec<_>>(), vec![Some(start + Duration::days(1))]);
    let (_, detail) = get(&app, &unit, &format!("/api/v1/activities/{id}")).await;
    assert_eq!(detail["sign_in_count"], 2);
    assert_eq!(audit_count(&app, "activity.roster").await, 2);

    // An office's roster reaches its region; the province's everyone.
    let office = create(&app, &pref, project("州级班", "prefecture", json!(1), start, start)).await;
    let body = json!({"id_numbers": [f.a.id_number, f.b.id_number]});
    let (_, report) =
        post(&app, &pref, &format!("/api/v1/activities/{}/roster", office["id"].as_str().unwrap_or_default()), &body)
            .await;
    assert_eq!(report["results"][0]["outcome"], "credited");
    assert_eq!(report["results"][1]["outcome"], "out_of_jurisdiction");
    let province = create(&app, &kjc, project("省级班", "provincial", json!(1), start, start)).await;
    let (_, report) =
        post(&app, &kjc, &format!("/api/v1/activities/{}/roster", province["id"].as_str().unwrap_or_default()), &body)
            .await;
    assert_eq!(report["credited"], 2);
    // The office above a unit sees its activity, and may not post its roster.
    let (_, seen) = get(&app, &pref, &format!("/api/v1/activities/{id}")).await;
    assert_eq!((seen["owned"].clone(), detail["owned"].clone()), (json!(false), json!(true)));
    let (status, body) = post(&app, &pref, &format!("/api/v1/activities/{id}/roster"), &body).await;
    assert_eq!(status, 403, "{body}");
    let (_, zyc_view) = get(
        &app,
        &app.token("zyc", PASSWORD).await,
        &format!("/api/v1/activities/{}", province["id"].as_str().unwrap_or_default()),
    )
    .await;
    assert_eq!(zyc_view["owned"], true, "the province's two offices share its activities");

    // Not before the activity begins, not after it is cancelled; empty is refused.
    let future = create(
        &app,
        &unit,
        project("下月", "national", json!(1), today() + Duration::days(30), today() + Duration::days(30)),
    )
    .await;
    let future_id = future["id"].as_str().unwrap_or_default().to_owned();
    let (status, body) =
        post(&app, &unit, &format!("/api/v1/activities/{future_id}/roster"), &json!({"id_numbers": [second]})).await;
    assert_eq!((status, body["code"].clone()), (409, json!("activity_not_started")));
    let (status, _) = post_csv(&app, &unit, &format!("/api/v1/activities/{id}/roster"), "身份证号\n").await;
    assert_eq!(status, 422);
    let res = app
        .client
        .post(format!("{}/api/v1/activities/{id}/roster", app.base))
        .bearer_auth(&unit)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 415);
});

both_backends!(mandatory_course_completions_singly_and_by_import, |app| async move {
    let f: Fixture = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let path = format!("/api/v1/people/{}/course-completions", f.a.person.0);

    let missing = |app: &TestApp, person: PersonId| {
        let db = app.db.clone();
        async move {
            let e = evaluation::evaluate_person_year(&db, person, 2021).await.unwrap_or_else(|e| panic!("{e}"));
            e.evaluation.shortfalls.iter().any(|s| s.code == ShortfallCode::MandatoryCourse)
        }
    };
    assert!(missing(&app, f.a.person).await, "2021 names a course");

    let (status, body) = post(&app, &unit, &path, &json!({"year": 2021, "completed_on": "2021-11-20"})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (body["course_name"].clone(), body["deadline"].clone()),
        (json!("卫生健康行业生物安全"), json!("2022-03-01"))
    );
    assert!(!missing(&app, f.a.person).await, "the course no longer counts against him");
    let (status, body) = post(&app, &unit, &path, &json!({"year": 2021, "completed_on": "2021-12-01"})).await;
    assert_eq!((status, body["code"].clone()), (409, json!("already_recorded")));
    let res = field_error(post(&app, &unit, &path, &json!({"year": 2017, "completed_on": "2018-03-01"})).await).await;
    assert_eq!((res.0, res.1.as_str()), (422, "completed_on"));
    assert!(res.2.contains("2018-02-28"), "the message names the deadline: {}", res.2);
    let res = field_error(post(&app, &unit, &path, &json!({"year": 2022, "completed_on": "2022-05-01"})).await).await;
    assert_eq!((res.0, res.1.as_str()), (422, "year"));
    let foreign = format!("/api/v1/people/{}/course-completions", f.b.person.0);
    assert_eq!(post(&app, &unit, &foreign, &json!({"year": 2021, "completed_on": "2021-11-20"})).await.0, 404);
    assert_eq!(audit_count(&app, "course_completion.record").await, 1);

    let (status, list) = get(&app, &unit, &path).await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)));
    assert_eq!(list[0]["source"], "manual");
    let trainee = trainee_token(&app, &f.a.id_number, &f.a.person_name).await;
    assert_eq!(get(&app, &trainee, &path).await.0, 200, "a trainee reads his own");
    assert_eq!(get(&app, &trainee, &foreign).await.0, 404);

    // Import: every bad row reported; nothing written unless asked.
    let second = id_number("530125", 31);
    let second_id = add_person(&app, f.a.unit, f.a.department, &second, "甲二").await;
    let third = id_number("530125", 33);
    let third_id = add_person(&app, f.a.unit, f.a.department, &third, "甲三").await;
    let rows = json!({"rows": [
        {"id_number": second, "year": 2021, "completed_on": "2021-12-01"},
        {"id_number": wrong_check_digit("530125", 35), "year": 2021, "completed_on": "2021-12-01"},
        {"id_number": third, "year": 2021, "completed_on": "2022-03-02"},
        {"id_number": f.b.id_number, "year": 2021, "completed_on": "2021-12-01"},
        {"id_number": second, "year": 2021, "completed_on": "2021-12-05"},
        {"id_number": f.a.id_number, "year": 2021, "completed_on": "2021-12-05"},
        {"id_number": third, "year": 2019, "completed_on": "2019/3/1"},
    ]});
    let import = |mode: &str| format!("/api/v1/course-completions/import?mode={mode}");
    let (status, report) = post(&app, &unit, &import("check"), &rows).await;
    assert_eq!(status, 200, "{report}");
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["row"].as_u64().unwrap_or(0), e["column"].as_str().unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (2, "id_number".to_owned()),
            (3, "completed_on".to_owned()),
            (4, "id_number".to_owned()),
            (5, "id_number".to_owned()),
            (6, "year".to_owned()),
            (7, "year".to_owned()),
        ]
    );
    assert_eq!(
        (report["rows"].clone(), report["valid_rows"].clone(), report["written"].clone()),
        (json!(7), json!(1), json!(0))
    );
    assert!(report["errors"][1]["reason"].as_str().unwrap_or_default().contains("2022-03-01"));
    assert_eq!(report["errors"][0]["column_label"], "身份证号");
    let (_, report) = post(&app, &unit, &import("all"), &rows).await;
    assert_eq!(report["written"], 0, "all or nothing");
    assert!(missing(&app, second_id).await);
    let (_, report) = post(&app, &unit, &import("valid_only"), &rows).await;
    assert_eq!(report["written"], 1);
    assert!(!missing(&app, second_id).await);
    assert_eq!(audit_count(&app, "course_completion.import").await, 1);

    // A valid CSV file is written whole; its rows are file lines.
    let csv = format!("身份证号,年度,完成日期\n{third},2021,2021-10-08\n{},2017,2018-01-10\n", f.a.id_number);
    let (status, report) = post_csv(&app, &unit, &import("all"), &csv).await;
    assert_eq!((status, report["written"].clone(), report["errors"].clone()), (200, json!(2), json!([])), "{report}");
    assert!(!missing(&app, third_id).await);
    let csv = format!("身份证号,年度,完成日期\n{third},2021,2021-10-08\n{third},20x1,someday\n");
    let (_, report) = post_csv(&app, &unit, &import("check"), &csv).await;
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["row"].as_u64().unwrap_or(0), e["column"].as_str().unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(errors, vec![(2, "year".to_owned()), (3, "year".to_owned()), (3, "completed_on".to_owned())]);

    // A locked person-year takes no completion.
    let new = cme_store::repo::verification::NewVerification::normal(second_id, 2017);
    let by = cme_store::repo::verification::Acting { tier: cme_domain::review::Tier::Unit, id: None, name: "unit-a" };
    cme_store::repo::verification::create(&app.db, &new, &by).await.unwrap_or_else(|e| panic!("{e}"));
    submit(&app, second_id, "approved").await;
    let second_path = format!("/api/v1/people/{}/course-completions", second_id.0);
    let (status, body) = post(&app, &unit, &second_path, &json!({"year": 2017, "completed_on": "2017-12-01"})).await;
    assert_eq!((status, body["code"].clone()), (409, json!("person_year_locked")));
    let rows = json!({"rows": [{"id_number": second, "year": 2017, "completed_on": "2017-12-01"}]});
    let (_, report) = post(&app, &unit, &import("valid_only"), &rows).await;
    assert_eq!((report["written"].clone(), report["errors"][0]["column"].clone()), (json!(0), json!("year")));
});

both_backends!(a_village_clinic_has_no_activities_and_no_api_clients, |app| async move {
    let f = fixture::load(&app).await;
    let clinic = cme_domain::org::Unit {
        id: UnitId::new(),
        region_id: f.a.county,
        name: "甲村卫生室".to_owned(),
        level: cme_domain::org::UnitLevel::Village,
        medicine: cme_domain::org::Medicine::Western,
    };
    cme_store::repo::unit::insert(&app.db, &clinic, "V530125A").await.unwrap_or_else(|e| panic!("{e}"));
    fixture::add_account(&app, "village-a", cme_domain::auth::Role::Unit, cme_domain::auth::Scope::Unit(clinic.id))
        .await;
    let village = app.token("village-a", PASSWORD).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let me = |token: String| {
        let app = &app;
        async move {
            let me: Value = app.get_as("/api/v1/me", &token).await.json().await.unwrap_or_default();
            me["permissions"].as_array().cloned().unwrap_or_default()
        }
    };
    let theirs = me(village.clone()).await;
    let ours = me(unit.clone()).await;
    // Everything a county hospital's office may do, but activities and API clients.
    let missing: Vec<&Value> = ours.iter().filter(|p| !theirs.contains(p)).collect();
    assert_eq!(missing, vec![&json!("manage_api_clients"), &json!("manage_activities")], "{theirs:?}");
    assert!(theirs.contains(&json!("enter_credits")) && theirs.contains(&json!("submit_verifications")));
    // The server holds to it, not only the menu.
    let d = today();
    let (status, problem) =
        post(&app, &village, "/api/v1/activities", &project("村级培训", "national", json!(1), d, d)).await;
    assert_eq!(status, 403, "{problem}");
    let client = json!({"name": "村卫生室系统", "scopes": ["read_hierarchy"]});
    let (status, _) = post(&app, &village, "/api/v1/api-clients", &client).await;
    assert_eq!(status, 403);
    assert_eq!(get(&app, &village, "/api/v1/activities").await.0, 403);
    // The county hospital keeps both.
    create(&app, &unit, project("县级培训", "national", json!(1), d, d)).await;
});

// The course completions come as a file: XLSX (its first sheet) or CSV in
// GBK, as Excel writes them, through the same checks.
both_backends!(course_completions_import_from_xlsx_and_gbk_files, |app| async move {
    let f: Fixture = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let second = id_number("530125", 41);
    let second_id = add_person(&app, f.a.unit, f.a.department, &second, "甲四").await;
    let post_bytes = |content_type: &'static str, bytes: Vec<u8>, mode: &'static str| {
        let (app, unit) = (&app, &unit);
        async move {
            let res = app
                .client
                .post(format!("{}/api/v1/course-completions/import?mode={mode}", app.base))
                .bearer_auth(unit)
                .header("content-type", content_type)
                .body(bytes)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap_or_default())
        }
    };
    let rows = vec![
        vec![f.a.id_number.clone(), "2021".to_owned(), "2021-11-20".to_owned()],
        vec![second.clone(), "2021".to_owned(), "2022-03-02".to_owned()],
    ];
    let xlsx = cme_documents::table::write_xlsx(&[cme_documents::table::Sheet {
        name: "公需科目",
        headers: &["身份证号", "年度", "完成日期"],
        rows: &rows,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let (status, report) = post_bytes(xlsx_type, xlsx, "check").await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["rows"].clone(), report["valid_rows"].clone()), (json!(2), json!(1)), "{report}");
    assert_eq!(
        (report["errors"][0]["row"].clone(), report["errors"][0]["column"].clone()),
        (json!(3), json!("completed_on"))
    );

    let csv = format!("身份证号,年度,完成日期\r\n{},2021,2021-11-20\r\n{second},2021,2021年12月1日\r\n", f.a.id_number);
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    let (status, report) = post_bytes("text/csv", gbk.to_vec(), "check").await;
    assert_eq!(status, 200, "{report}");
    // The header (身份证号, in GBK) was recognised: two data rows, the bad date named.
    assert_eq!(report["rows"], 2, "{report}");
    assert_eq!(report["errors"][0]["column"], "completed_on", "{report}");
    let csv = format!("身份证号,年度,完成日期\r\n{},2021,2021-11-20\r\n{second},2021,2021/12/1\r\n", f.a.id_number);
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    let (status, report) = post_bytes("text/csv", gbk.to_vec(), "all").await;
    assert_eq!((status, report["written"].clone()), (200, json!(2)), "{report}");
    let _ = second_id;

    // Anything else is refused by type.
    let (status, _) = post_bytes("application/pdf", b"%PDF".to_vec(), "check").await;
    assert_eq!(status, 415);
});
