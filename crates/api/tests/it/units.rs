//! Unit upkeep over real HTTP on both backends (issue 17): opening a unit
//! with its CME office account (开通), codes checked, renames, moves with the
//! people's place, merges moving people and records, closing refused while
//! staff remain, departments, and the all-or-nothing XLSX import with its
//! dry run and one-time passwords.

use crate::common::TestApp;
use crate::common::fixture::{self, PASSWORD};
use cme_domain::ids::{RegionId, UnitId};
use cme_domain::org::{Region, RegionLevel};
use cme_store::repo::region;
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, Statement};
use serde_json::{Value, json};

/// A valid 统一社会信用代码 for `n`.
fn uscc(n: u64) -> String {
    let first = format!("9253{n:013}");
    format!("{first}{}", cme_domain::org::uscc_check_char(&first).unwrap_or('0'))
}

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: Option<&Value>) -> reqwest::Response {
    app.call_as(method, path, Some(token), body).await
}

/// One text value of a query.
async fn text(app: &TestApp, sql: &str) -> String {
    let b = app.db.get_database_backend();
    let row = app.db.query_one_raw(Statement::from_string(b, sql)).await.unwrap_or_default();
    row.and_then(|r| r.try_get::<String>("", "v").ok()).unwrap_or_default()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    count_with(app, sql, Vec::new()).await
}

/// A count with values bound to `$1`, `$2` … in order (`?` on SQLite), so
/// that ids compare as the backend stores them.
async fn count_with(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    let b = app.db.get_database_backend();
    let mut sql = sql.to_owned();
    if b != sea_orm::DbBackend::Postgres {
        for i in (1..=9).rev() {
            sql = sql.replace(&format!("${i}"), "?");
        }
    }
    let row = app.db.query_one_raw(Statement::from_sql_and_values(b, sql, values)).await.unwrap_or_default();
    row.and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(-1)
}

async fn person_row(app: &TestApp, id: cme_domain::ids::PersonId) -> cme_store::entity::people::Model {
    use sea_orm::EntityTrait as _;
    cme_store::entity::people::Entity::find_by_id(id.0)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no person"))
}

/// Opens a Western village clinic in `region` as `token`; its JSON answer.
async fn open(app: &TestApp, token: &str, region: RegionId, name: &str, n: u64) -> Value {
    let body = json!({"name": name, "level": "village", "medicine": "western", "region_id": region.0, "code": uscc(n)});
    let res = send(app, Method::POST, "/api/v1/units", token, Some(&body)).await;
    assert_eq!(res.status(), 201, "open {name}");
    res.json().await.unwrap_or_default()
}

fn unit_id(opened: &Value) -> UnitId {
    UnitId(opened["unit"]["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default())
}

both_backends!(a_county_office_opens_a_village_clinic_whose_account_must_change_its_password, |app| async move {
    let f = fixture::load(&app).await;
    let county = app.token("county-a", PASSWORD).await;
    // The code's check character is checked (GB 32100-2015).
    let good = uscc(1);
    let bad = format!("{}{}", &good[..17], if good.ends_with('1') { '2' } else { '1' });
    let body = json!({"name": "甲县曼恩村卫生室", "level": "village", "medicine": "western",
                      "region_id": f.a.county.0, "code": bad});
    let res = send(&app, Method::POST, "/api/v1/units", &county, Some(&body)).await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap_or_default();
    assert_eq!(problem["errors"][0]["field"], "code", "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap_or_default().contains("校验位"), "{problem}");
    // A village clinic does not hang under a prefecture.
    let body = json!({"name": "甲县曼恩村卫生室", "level": "village", "medicine": "western",
                      "region_id": f.a.prefecture.0, "code": good});
    let res = send(&app, Method::POST, "/api/v1/units", &county, Some(&body)).await;
    assert_eq!(res.status(), 422, "the county office does not administer the prefecture");
    // Opened: the unit, its account, a one-time password shown once.
    let opened = open(&app, &county, f.a.county, "甲县曼恩村卫生室", 1).await;
    assert_eq!(opened["unit"]["name"], "甲县曼恩村卫生室");
    assert_eq!(opened["unit"]["code"], uscc(1));
    assert_eq!(opened["unit"]["closed"], false);
    let username = opened["username"].as_str().unwrap_or_default().to_owned();
    assert_eq!(username, uscc(1).to_lowercase());
    let password = opened["initial_password"].as_str().unwrap_or_default().to_owned();
    assert!(password.len() >= 12);
    let stored = text(&app, &format!("SELECT password_hash AS v FROM accounts WHERE username = '{username}'")).await;
    assert!(stored.starts_with("$cme-otp-sha256$") && !stored.contains(&password), "{stored}");
    let pair = app.login(&username, &password).await;
    assert_eq!(pair["must_change_password"], true);
    let token = pair["access_token"].as_str().unwrap_or_default();
    let res = send(
        &app,
        Method::POST,
        "/api/v1/auth/password",
        token,
        Some(&json!({"current_password": password, "new_password": "new-clinic-pass-1"})),
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    let pair = app.login(&username, "new-clinic-pass-1").await;
    assert_eq!(pair["must_change_password"], false);
    let stored = text(&app, &format!("SELECT password_hash AS v FROM accounts WHERE username = '{username}'")).await;
    assert!(stored.starts_with("$argon2id$"), "the first change hashes with argon2id");
    // The same code again: 409, nothing stored half (no second account).
    let body = json!({"name": "另一村卫生室", "level": "village", "medicine": "western",
                      "region_id": f.a.county.0, "code": uscc(1), "username": "another-clinic"});
    let res = send(&app, Method::POST, "/api/v1/units", &county, Some(&body)).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM accounts WHERE username = 'another-clinic'").await,
        0
    );
    // Audited in words, with the account's creation.
    let opened_entries =
        count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM audit_log WHERE action = 'unit.open'").await;
    assert_eq!(opened_entries, 1);
    let audit: Value = app.get_as("/api/v1/audit?action=unit.open", &county).await.json().await.unwrap_or_default();
    let summary = audit["items"][0]["summary"].as_str().unwrap_or_default().to_owned();
    assert!(summary.contains("甲县曼恩村卫生室") && summary.contains("乡村医生"), "{audit}");
    // Another county's office does not see it.
    fixture::add_account(
        &app,
        "county-b",
        cme_domain::auth::Role::CountyOffice,
        cme_domain::auth::Scope::Region(f.b.county),
    )
    .await;
    let other = app.token("county-b", PASSWORD).await;
    let res = app.get_as(&format!("/api/v1/units/{}", unit_id(&opened).0), &other).await;
    assert_eq!(res.status(), 404);
});

both_backends!(renaming_and_moving_keep_the_unit_and_move_its_people, |app| async move {
    let f = fixture::load(&app).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let second = Region {
        id: RegionId::new(),
        parent_id: Some(f.a.prefecture),
        level: RegionLevel::County,
        code: "530126".to_owned(),
        name: "甲二县".to_owned(),
    };
    region::insert(&app.db, &second).await.unwrap_or_else(|e| panic!("{e}"));
    let path = format!("/api/v1/units/{}", f.a.unit.0);
    let res = send(&app, Method::PATCH, &path, &pref, Some(&json!({"name": "甲县第一人民医院"}))).await;
    assert_eq!(res.status(), 200);
    let u: Value = res.json().await.unwrap_or_default();
    assert_eq!(u["name"], "甲县第一人民医院");
    assert_eq!(u["id"], f.a.unit.0.to_string());
    let res = send(&app, Method::PATCH, &path, &pref, Some(&json!({"name": " "}))).await;
    assert_eq!(res.status(), 422);
    // Moving to its own region, then to the second county.
    let res = send(&app, Method::POST, &format!("{path}/move"), &pref, Some(&json!({"region_id": f.a.county.0}))).await;
    assert_eq!(res.status(), 422);
    let res = send(&app, Method::POST, &format!("{path}/move"), &pref, Some(&json!({"region_id": second.id.0}))).await;
    assert_eq!(res.status(), 200);
    let moved = person_row(&app, f.a.person).await;
    assert_eq!(moved.county_id, Some(second.id.0), "the people's place follows the unit");
    assert_eq!(moved.prefecture_id, Some(f.a.prefecture.0));
    // The first county's office no longer sees the unit nor its people.
    let county = app.token("county-a", PASSWORD).await;
    assert_eq!(app.get_as(&path, &county).await.status(), 404);
    assert_eq!(app.get_as(&format!("/api/v1/people/{}", f.a.person.0), &county).await.status(), 404);
    let entries =
        count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM audit_log WHERE action IN ('unit.rename', 'unit.move')")
            .await;
    assert_eq!(entries, 2);
});

both_backends!(a_merge_moves_people_credits_and_departments_and_keeps_the_merged_unit, |app| async move {
    let f = fixture::load(&app).await;
    let county = app.token("county-a", PASSWORD).await;
    let a = open(&app, &county, f.a.county, "甲县甲村卫生室", 11).await;
    let b = open(&app, &county, f.a.county, "甲县乙村卫生室", 12).await;
    let (from, into) = (unit_id(&a), unit_id(&b));
    // The first clinic's staff, department and credits.
    let dept = cme_domain::org::Department {
        id: cme_domain::ids::DepartmentId::new(),
        unit_id: from,
        name: "全科".to_owned(),
    };
    cme_store::repo::department::insert(&app.db, &dept).await.unwrap_or_else(|e| panic!("{e}"));
    let same = cme_domain::org::Department {
        id: cme_domain::ids::DepartmentId::new(),
        unit_id: into,
        name: "全科".to_owned(),
    };
    cme_store::repo::department::insert(&app.db, &same).await.unwrap_or_else(|e| panic!("{e}"));
    let person = fixture::add_person(&app, from, dept.id, 301, "村医王明").await;
    fixture::make_compliant(&app, person, 2021).await;
    let credits_of = "SELECT CAST(count(*) AS BIGINT) AS n FROM credits WHERE person_id = $1";
    let credits_before = count_with(&app, credits_of, vec![person.0.into()]).await;
    assert!(credits_before > 0);
    // Into itself, into a unit of another county: refused.
    let path = format!("/api/v1/units/{}/merge", from.0);
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"into_unit_id": from.0}))).await;
    assert_eq!(res.status(), 422);
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"into_unit_id": f.b.unit.0}))).await;
    assert_eq!(res.status(), 422);
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"into_unit_id": into.0}))).await;
    assert_eq!(res.status(), 200);
    let merged: Value = res.json().await.unwrap_or_default();
    assert_eq!(merged["people"], 1);
    assert_eq!(merged["departments"], 1);
    assert_eq!(merged["unit"]["closed"], true);
    assert_eq!(merged["unit"]["merged_into"], into.0.to_string());
    // The person, his credits and his stored verdicts are the survivor's now.
    assert_eq!(person_row(&app, person).await.unit_id, into.0);
    assert_eq!(count_with(&app, credits_of, vec![person.0.into()]).await, credits_before);
    let verdicts_of = "SELECT CAST(count(*) AS BIGINT) AS n FROM compliance WHERE unit_id = $1";
    assert_eq!(
        count_with(&app, verdicts_of, vec![from.0.into()]).await,
        0,
        "the figures by unit count him at the survivor"
    );
    assert!(count_with(&app, verdicts_of, vec![into.0.into()]).await > 0);
    // The department moved, its name told apart from the survivor's own.
    let moved = cme_store::repo::department::get(&app.db, dept.id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((moved.unit_id, moved.name.as_str()), (into, "全科（甲县甲村卫生室）"));
    // The merged unit is kept, closed, out of the default list; its account is disabled.
    assert_eq!(app.get_as(&format!("/api/v1/units/{}", from.0), &county).await.status(), 200);
    let list: Value = app.get_as("/api/v1/units?limit=200", &county).await.json().await.unwrap_or_default();
    assert!(!list["items"].as_array().into_iter().flatten().any(|u| u["id"] == from.0.to_string()));
    let list: Value = app.get_as("/api/v1/units?limit=200&closed=true", &county).await.json().await.unwrap_or_default();
    assert!(
        list["items"].as_array().into_iter().flatten().any(|u| u["id"] == from.0.to_string() && u["closed"] == true)
    );
    let login = app
        .post_json("/api/v1/auth/login", &json!({"username": a["username"], "password": a["initial_password"]}))
        .await;
    assert_ne!(login.status(), 200, "the merged unit's office account is disabled");
    // Merging a closed unit again: 409.
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"into_unit_id": into.0}))).await;
    assert_eq!(res.status(), 409);
});

both_backends!(closing_is_refused_while_staff_remain_and_keeps_the_unit, |app| async move {
    let f = fixture::load(&app).await;
    let county = app.token("county-a", PASSWORD).await;
    let clinic = open(&app, &county, f.a.county, "甲县丙村卫生室", 21).await;
    let id = unit_id(&clinic);
    let dept =
        cme_domain::org::Department {
            id: cme_domain::ids::DepartmentId::new(), unit_id: id, name: "全科".to_owned()
        };
    cme_store::repo::department::insert(&app.db, &dept).await.unwrap_or_else(|e| panic!("{e}"));
    let person = fixture::add_person(&app, id, dept.id, 401, "村医李华").await;
    let path = format!("/api/v1/units/{}/close", id.0);
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"reason": "卫生室撤并"}))).await;
    assert_eq!(res.status(), 409);
    let problem: Value = res.json().await.unwrap_or_default();
    assert_eq!(problem["code"], "unit_busy");
    assert!(problem["detail"].as_str().unwrap_or_default().contains("1 名在职人员"), "{problem}");
    // The reason is required.
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"reason": ""}))).await;
    assert_eq!(res.status(), 422);
    // Once the worker is cancelled (注销), the unit closes, kept with its history.
    let b = app.db.get_database_backend();
    let sql = if b == sea_orm::DbBackend::Postgres {
        "UPDATE people SET status = 'cancelled' WHERE id = $1"
    } else {
        "UPDATE people SET status = 'cancelled' WHERE id = ?"
    };
    app.db
        .execute_raw(Statement::from_sql_and_values(b, sql, vec![person.0.into()]))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"reason": "卫生室撤并"}))).await;
    assert_eq!(res.status(), 200);
    let closed: Value = res.json().await.unwrap_or_default();
    assert_eq!(closed["closed"], true);
    assert_eq!(
        count_with(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM people WHERE unit_id = $1", vec![id.0.into()])
            .await,
        1
    );
    let login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"username": clinic["username"], "password": clinic["initial_password"]}),
        )
        .await;
    assert_ne!(login.status(), 200);
    let res = send(&app, Method::POST, &path, &county, Some(&json!({"reason": "再次撤销"}))).await;
    assert_eq!(res.status(), 409);
    let problem: Value = res.json().await.unwrap_or_default();
    assert_eq!(problem["code"], "unit_closed");
    // A closed unit is renamed no more.
    let res =
        send(&app, Method::PATCH, &format!("/api/v1/units/{}", id.0), &county, Some(&json!({"name": "新名"}))).await;
    assert_eq!(res.status(), 409);
    let entries = count(
        &app,
        "SELECT CAST(count(*) AS BIGINT) AS n FROM audit_log WHERE action IN ('unit.close', 'account.disable')",
    )
    .await;
    assert_eq!(entries, 2);
});

both_backends!(a_unit_keeps_its_departments, |app| async move {
    let f = fixture::load(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let path = format!("/api/v1/units/{}/departments", f.a.unit.0);
    let res = send(&app, Method::POST, &path, &unit, Some(&json!({"name": "康复医学科"}))).await;
    assert_eq!(res.status(), 201);
    let d: Value = res.json().await.unwrap_or_default();
    let id = d["id"].as_str().unwrap_or_default().to_owned();
    let res = send(&app, Method::POST, &path, &unit, Some(&json!({"name": "康复医学科"}))).await;
    assert_eq!(res.status(), 409, "names are unique within a unit");
    let res =
        send(&app, Method::PATCH, &format!("/api/v1/departments/{id}"), &unit, Some(&json!({"name": "康复科"}))).await;
    assert_eq!(res.status(), 200);
    // 内科 has a worker: refused; the empty one closes and leaves the list.
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/departments/{}/close", f.a.department.0),
        &unit,
        Some(&json!({"reason": "科室合并"})),
    )
    .await;
    assert_eq!(res.status(), 409);
    let problem: Value = res.json().await.unwrap_or_default();
    assert!(problem["detail"].as_str().unwrap_or_default().contains("名在职人员"), "{problem}");
    let res = send(
        &app,
        Method::POST,
        &format!("/api/v1/departments/{id}/close"),
        &unit,
        Some(&json!({"reason": "科室合并"})),
    )
    .await;
    assert_eq!(res.status(), 204);
    let list: Value = app.get_as(&path, &unit).await.json().await.unwrap_or_default();
    let names: Vec<&str> = list.as_array().into_iter().flatten().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(names, ["内科"]);
    let kept = uuid::Uuid::parse_str(&id).unwrap_or_default();
    assert_eq!(
        count_with(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM departments WHERE id = $1", vec![kept.into()])
            .await,
        1
    );
    let entries =
        count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM audit_log WHERE action LIKE 'department.%'").await;
    assert_eq!(entries, 3);
});

/// An XLSX file made from the template's columns.
fn workbook(rows: &[Vec<String>]) -> Vec<u8> {
    let headers =
        ["*单位名称", "*单位级别", "*中西医类别", "*所属地区", "*统一社会信用代码或执业许可证登记号", "登录名"];
    cme_documents::table::write_xlsx(&[cme_documents::table::Sheet { name: "开通单位", headers: &headers, rows }])
        .unwrap_or_else(|e| panic!("{e}"))
}

fn row(name: &str, level: &str, region: &str, code: &str) -> Vec<String> {
    vec![name.to_owned(), level.to_owned(), "西医".to_owned(), region.to_owned(), code.to_owned(), String::new()]
}

async fn upload(app: &TestApp, token: &str, query: &str, file: Vec<u8>) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/units/import{query}", app.base))
        .bearer_auth(token)
        .header("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .body(file)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

both_backends!(an_office_opens_units_from_a_file_all_or_nothing, |app| async move {
    fixture::load(&app).await;
    let county = app.token("county-a", PASSWORD).await;
    let res = app.get_as("/api/v1/units/import/template", &county).await;
    assert_eq!(res.status(), 200);
    let template = res.bytes().await.unwrap_or_default();
    assert!(template.starts_with(b"PK"), "an XLSX workbook");
    let units_before = count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM units").await;
    // One bad row (a bad check character, a township under no county): nothing is stored.
    let good = uscc(31);
    let bad = format!("{}{}", &good[..17], if good.ends_with('1') { '2' } else { '1' });
    let file = workbook(&[
        row("甲县一村卫生室", "村级", "甲县", &uscc(30)),
        row("甲县二村卫生室", "村级", "530125", &bad),
        row("甲县三村卫生室", "乡镇", "甲州", &uscc(32)),
        row("甲县四村卫生室", "村级", "甲县", &uscc(30)),
    ]);
    let res = upload(&app, &county, "", file).await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap_or_default();
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (e["field"].as_str().unwrap_or_default().to_owned(), e["message"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    assert!(
        errors
            .iter()
            .any(|(f, m)| f == "rows[1].code" && m.starts_with("第 3 行「统一社会信用代码或执业许可证登记号」")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|(f, m)| f == "rows[2].region" && m.contains("第 4 行")), "{errors:?}");
    assert!(
        errors.iter().any(|(f, m)| f == "rows[3].code" && m.contains("第 2 行")),
        "the same code twice: {errors:?}"
    );
    assert_eq!(count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM units").await, units_before);
    // A dry run of good rows writes nothing and says what would be opened.
    let rows = vec![row("甲县一村卫生室", "村级", "甲县", &uscc(30)), row("甲县二村卫生室", "村级", "530125", &good)];
    let res = upload(&app, &county, "?dry_run=true", workbook(&rows)).await;
    assert_eq!(res.status(), 200);
    let dry: Value = res.json().await.unwrap_or_default();
    assert_eq!(dry["saved"], false);
    assert_eq!(dry["checked"][1]["region_name"], "甲县");
    assert_eq!(dry["checked"][1]["level"], "village");
    assert_eq!(dry["units"].as_array().map(Vec::len), Some(0));
    assert_eq!(count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM units").await, units_before);
    // The import: every unit and account, each password shown once.
    let res = upload(&app, &county, "", workbook(&rows)).await;
    assert_eq!(res.status(), 201);
    let done: Value = res.json().await.unwrap_or_default();
    assert_eq!(done["saved"], true);
    assert_eq!(done["units"].as_array().map(Vec::len), Some(2));
    assert_eq!(count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM units").await, units_before + 2);
    let second = &done["units"][1];
    let pair = app
        .login(second["username"].as_str().unwrap_or_default(), second["initial_password"].as_str().unwrap_or_default())
        .await;
    assert_eq!(pair["must_change_password"], true);
    let entries =
        count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM audit_log WHERE action IN ('unit.open', 'unit.import')")
            .await;
    assert_eq!(entries, 3);
    // The same file again: every code is taken.
    let res = upload(&app, &county, "", workbook(&rows)).await;
    assert_eq!(res.status(), 422);
});

both_backends!(a_prefecture_opens_two_thousand_village_clinics_in_one_file, |app| async move {
    let f = fixture::load(&app).await;
    let pref = app.token("pref-a", PASSWORD).await;
    let rows: Vec<Vec<String>> =
        (0..2_000u64).map(|i| row(&format!("甲县第{i}村卫生室"), "村级", "530125", &uscc(100_000 + i))).collect();
    let file = workbook(&rows);
    let started = std::time::Instant::now();
    let res = upload(&app, &pref, "?dry_run=true", file.clone()).await;
    assert_eq!(res.status(), 200);
    let dry = started.elapsed();
    let started = std::time::Instant::now();
    let res = upload(&app, &pref, "", file).await;
    assert_eq!(res.status(), 201);
    let import = started.elapsed();
    let done: Value = res.json().await.unwrap_or_default();
    assert_eq!(done["units"].as_array().map(Vec::len), Some(2_000));
    // A figure, not an assertion (tests never assert on wall time).
    eprintln!("2,000 units on {}: dry run {dry:?}, import {import:?}", app.backend);
    let in_county = "SELECT CAST(count(*) AS BIGINT) AS n FROM units WHERE region_id = $1";
    assert_eq!(count_with(&app, in_county, vec![f.a.county.0.into()]).await, 2_001);
    assert_eq!(
        count(&app, "SELECT CAST(count(*) AS BIGINT) AS n FROM accounts WHERE must_change_password").await,
        2_000
    );
});
