//! Reminders over HTTP (SPEC §12, issue 17 part 4): an event rings the
//! bell of the unit it concerns, once; the daily scan raises each of its
//! reminders once a day however often it runs; an account chooses what it
//! receives; the outbox signs webhook calls, retries after a failure with
//! back-off, sends email over SMTP, and records every attempt.

use std::sync::{Arc, Mutex};

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use cme_domain::ids::PersonId;
use cme_domain::notification::{Channel, DeliveryState};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};

const Y: i32 = 2025;

fn today() -> NaiveDate {
    cme_domain::time::today_in_shanghai(Utc::now())
}

async fn body(res: reqwest::Response) -> Value {
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// The fixture with cycle 2025 open today (data due in 40 days).
async fn setup(app: &TestApp) -> Fixture {
    let f = fixture::load(app).await;
    let t = today();
    let dates = json!({"opens_on": "2026-01-01", "data_due": t + Duration::days(40),
           "inspection_from": t + Duration::days(60), "inspection_to": t + Duration::days(90),
           "questions_until": t + Duration::days(120), "closes_on": t + Duration::days(150)});
    let kjc = app.token("kjc", PASSWORD).await;
    let res = app.call_as(Method::PUT, &format!("/api/v1/cycles/{Y}"), Some(&kjc), Some(&dates)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    f
}

async fn person(app: &TestApp, f: &Fixture, seq: u32) -> PersonId {
    let p = fixture::add_person(app, f.a.unit, f.a.department, 300 + seq, &format!("提醒{seq}")).await;
    fixture::store_verdict(app, p, Y).await;
    fixture::make_compliant(app, p, Y).await;
    p
}

/// Submits one person on the normal list; the record's id and version.
async fn submit(app: &TestApp, unit: &str, p: PersonId) -> (String, Value) {
    let b = json!({"cycle_year": Y, "list": "normal", "people": [{"person_id": p.0}]});
    let res = app.call_as(Method::POST, "/api/v1/verifications", Some(unit), Some(&b)).await;
    assert_eq!(res.status(), 200);
    let id = body(res).await["ids"][0].as_str().unwrap().to_owned();
    let d = body(app.get_as(&format!("/api/v1/verifications/{id}"), unit).await).await;
    (id, d["record"]["row_version"].clone())
}

async fn give_back(app: &TestApp, county: &str, id: &str, version: &Value, reason: &str) {
    let b = json!({"decision": "return", "reason": reason, "items": [{"id": id, "row_version": version}]});
    let res = app.call_as(Method::POST, "/api/v1/reviews/decisions", Some(county), Some(&b)).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
}

async fn bell(app: &TestApp, token: &str) -> Value {
    let res = app.get_as("/api/v1/notifications", token).await;
    assert_eq!(res.status(), 200);
    body(res).await
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    use sea_orm::{ConnectionTrait as _, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = $1",
            [action.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

fn no_uuid(text: &str) {
    let looks_like_uuid = text.split(|c: char| !c.is_ascii_hexdigit() && c != '-').any(|w| w.len() == 36);
    assert!(!looks_like_uuid, "a UUID in {text}");
}

both_backends!(a_return_rings_the_units_bell_and_opening_it_marks_it_read, |app| async move {
    let f = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let dept = app.token("dept-a", PASSWORD).await;
    assert_eq!(bell(&app, &unit).await["unread"], 0);

    let p = person(&app, &f, 1).await;
    let (id, version) = submit(&app, &unit, p).await;
    give_back(&app, &county, &id, &version, "继续教育登记表缺单位盖章").await;

    let page = bell(&app, &unit).await;
    assert_eq!(page["unread"], 1, "{page}");
    let n = &page["items"][0];
    assert_eq!(n["kind"], "records_returned");
    assert_eq!(n["title"], "1 条验证记录被退回");
    let text = n["body"].as_str().unwrap();
    assert!(text.starts_with("甲县继教委办公室退回了 1 条验证记录"), "{text}");
    assert!(text.contains("继续教育登记表缺单位盖章"), "{text}");
    assert!(!text.contains(&f.a.id_number), "{text}");
    no_uuid(text);
    assert_eq!(n["link"], "/verification-submit");
    assert!(n["read_at"].is_null());
    // Only the unit's own: its department, the office that returned it and
    // the other side hear nothing.
    assert_eq!(bell(&app, &dept).await["unread"], 0);
    assert_eq!(bell(&app, &county).await["unread"], 0);

    // Another account cannot read or mark it.
    let nid = n["id"].as_str().unwrap().to_owned();
    let read = format!("/api/v1/notifications/{nid}/read");
    assert_eq!(app.call_as(Method::POST, &read, Some(&county), None).await.status(), 404);
    assert_eq!(bell(&app, &unit).await["unread"], 1);

    // Opening it marks it read, once (audited once).
    let res = app.call_as(Method::POST, &read, Some(&unit), None).await;
    assert_eq!(res.status(), 200);
    let first = body(res).await;
    assert!(first["read_at"].is_string(), "{first}");
    let again = body(app.call_as(Method::POST, &read, Some(&unit), None).await).await;
    assert_eq!(again["read_at"], first["read_at"]);
    assert_eq!(audit_count(&app, "notification.read").await, 1);
    let page = bell(&app, &unit).await;
    assert_eq!(page["unread"], 0);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let unread_only = body(app.get_as("/api/v1/notifications?unread=true", &unit).await).await;
    assert!(unread_only["items"].as_array().unwrap().is_empty());

    // Two more returns; read-all marks both.
    app.call_as(Method::POST, "/api/v1/verifications/submit", Some(&unit), Some(&json!({"ids": [id]}))).await;
    let d = body(app.get_as(&format!("/api/v1/verifications/{id}"), &county).await).await;
    give_back(&app, &county, &id, &d["record"]["row_version"], "材料不全").await;
    let p2 = person(&app, &f, 2).await;
    let (id2, v2) = submit(&app, &unit, p2).await;
    give_back(&app, &county, &id2, &v2, "材料不全").await;
    assert_eq!(bell(&app, &unit).await["unread"], 2);
    let res = app.call_as(Method::POST, "/api/v1/notifications/read-all", Some(&unit), None).await;
    assert_eq!(body(res).await["marked"], 2);
    assert_eq!(bell(&app, &unit).await["unread"], 0);
    assert_eq!(audit_count(&app, "notification.read_all").await, 1);
    // Pages, newest first.
    let p1 = body(app.get_as("/api/v1/notifications?limit=2", &unit).await).await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    let next = p1["next_cursor"].as_str().unwrap();
    let p2 = body(app.get_as(&format!("/api/v1/notifications?limit=2&after={next}"), &unit).await).await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 1);
    assert_eq!(p2["items"][0]["id"], nid.as_str());
    assert!(p2["next_cursor"].is_null());
});

both_backends!(an_account_chooses_which_reminders_it_receives, |app| async move {
    let f = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    let prefs = body(app.get_as("/api/v1/notifications/preferences", &unit).await).await;
    assert_eq!(prefs["kinds"].as_array().unwrap().len(), cme_domain::notification::NotificationKind::ALL.len());
    assert!(prefs["kinds"].as_array().unwrap().iter().all(|k| k["in_app"] == true && k["email"] == false));
    assert_eq!(prefs["webhook_available"], false);

    // Bad input names its field, and changes nothing.
    let put = |b: Value| {
        let (app, unit) = (&app, unit.clone());
        async move { app.call_as(Method::PUT, "/api/v1/notifications/preferences", Some(&unit), Some(&b)).await }
    };
    let off = json!({"kind": "records_returned", "in_app": false, "webhook": false, "email": false});
    let res = put(json!({"kinds": [off], "email": "不是地址"})).await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "email");
    let res = put(json!({"kinds": [off, off]})).await;
    assert_eq!(res.status(), 422);
    assert_eq!(body(res).await["errors"][0]["field"], "kinds[1].kind");
    let res = put(json!({"kinds": [{"kind": "nothing", "in_app": true, "webhook": false, "email": false}]})).await;
    assert!(matches!(res.status().as_u16(), 400 | 422));
    assert_eq!(audit_count(&app, "notification.preferences").await, 0);

    let res = put(json!({"kinds": [off], "email": "keji@example.org"})).await;
    assert_eq!(res.status(), 200);
    let saved = body(res).await;
    assert_eq!(saved["email"], "keji@example.org");
    let k = saved["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "records_returned").unwrap().clone();
    assert_eq!(k["in_app"], false);
    assert_eq!(audit_count(&app, "notification.preferences").await, 1);

    // Switched off: a return rings nothing.
    let p = person(&app, &f, 3).await;
    let (id, version) = submit(&app, &unit, p).await;
    give_back(&app, &county, &id, &version, "材料不全").await;
    assert_eq!(bell(&app, &unit).await["unread"], 0);
});

both_backends!(the_daily_scan_raises_each_reminder_once_a_day, |app| async move {
    let f = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let county = app.token("county-a", PASSWORD).await;
    // One person submitted (the county's queue grows), one not yet.
    let p = person(&app, &f, 4).await;
    submit(&app, &unit, p).await;
    person(&app, &f, 5).await;
    let delivery = cme_api::notify::Delivery::default();

    // Today the window is weeks away: only the county's queue is news.
    cme_api::notify::scan(&app.db, &delivery, Utc::now()).await.unwrap();
    let c = bell(&app, &county).await;
    assert_eq!(c["unread"], 1, "{c}");
    assert_eq!(c["items"][0]["kind"], "queue_grown");
    assert!(c["items"][0]["body"].as_str().unwrap().starts_with("甲县继教委办公室"), "{c}");
    assert_eq!(bell(&app, &unit).await["unread"], 0);

    // Three days before the unit's window closes: reminded, once however
    // often (and by however many instances) the scan runs that day.
    let w = body(app.get_as("/api/v1/workbench", &unit).await).await;
    let ends: DateTime<Utc> = w["cycle"]["deadlines"][0]["ends_at"].as_str().unwrap().parse().unwrap();
    let then = ends - Duration::days(3);
    for _ in 0..3 {
        cme_api::notify::scan(&app.db, &delivery, then).await.unwrap();
    }
    let page = bell(&app, &unit).await;
    let closing: Vec<&Value> =
        page["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "window_closing").collect();
    assert_eq!(closing.len(), 1, "{page}");
    let text = closing[0]["body"].as_str().unwrap();
    assert!(text.starts_with("甲县人民医院的2025年度验证上报将于"), "{text}");
    assert!(text.contains("尚有 1 人未上报"), "{text}");
    assert!(closing[0]["title"].as_str().unwrap().contains("天后截止"));
    // The next day, again once.
    cme_api::notify::scan(&app.db, &delivery, then + Duration::days(1)).await.unwrap();
    cme_api::notify::scan(&app.db, &delivery, then + Duration::days(1)).await.unwrap();
    let page = bell(&app, &unit).await;
    assert_eq!(page["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "window_closing").count(), 2);
    // After it closed, nothing more.
    cme_api::notify::scan(&app.db, &delivery, ends + Duration::days(2)).await.unwrap();
    let page = bell(&app, &unit).await;
    assert_eq!(page["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "window_closing").count(), 2);
});

/// A local webhook receiver: answers each call with the next status of
/// `statuses` (then 200) and keeps what it received.
async fn webhook_receiver(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<(String, Vec<u8>)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/gateway", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    tokio::spawn(async move {
        let mut statuses = statuses.into_iter();
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let mut reader = BufReader::new(stream);
            let (mut signature, mut length) = (String::new(), 0usize);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("x-cme-signature:") {
                    signature = line["x-cme-signature:".len()..].trim().to_owned();
                }
            }
            let mut payload = vec![0; length];
            reader.read_exact(&mut payload).await.unwrap();
            seen.lock().unwrap().push((signature, payload));
            let status = statuses.next().unwrap_or(200);
            let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = reader.get_mut().write_all(answer.as_bytes()).await;
        }
    });
    (url, got)
}

/// A local SMTP sink speaking just enough SMTP; keeps each message's data.
async fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut s = BufReader::new(stream);
                s.get_mut().write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let (mut in_data, mut data) = (false, String::new());
                loop {
                    let mut line = String::new();
                    if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            seen.lock().unwrap().push(std::mem::take(&mut data));
                            s.get_mut().write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = s.get_mut().write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 OK\r\n",
                    };
                    s.get_mut().write_all(reply).await.unwrap();
                }
            });
        }
    });
    (url, got)
}

both_backends!(the_outbox_signs_retries_and_records_every_attempt, |app| async move {
    let f = setup(&app).await;
    let unit = app.token("unit-a", PASSWORD).await;
    let (hook_url, calls) = webhook_receiver(vec![500]).await;
    let (smtp_url, mails) = smtp_sink().await;
    let secret = b"a-shared-secret-of-the-province".to_vec();
    let delivery = cme_api::notify::Delivery {
        webhook: Some(cme_api::notify::Webhook { url: hook_url, secret: secret.clone() }),
        smtp: Some(cme_api::notify::Smtp { url: smtp_url, from: "cme@example.org".to_owned() }),
    };
    // The unit asks for SMS/WeChat and email.
    let on = json!({"kind": "records_returned", "in_app": true, "webhook": true, "email": true});
    let b = json!({"kinds": [on], "email": "keji@example.org"});
    let res = app.call_as(Method::PUT, "/api/v1/notifications/preferences", Some(&unit), Some(&b)).await;
    assert_eq!(res.status(), 200);
    let me = body(app.get_as("/api/v1/me", &unit).await).await;
    let account: uuid::Uuid = me["id"].as_str().or(me["account"]["id"].as_str()).unwrap().parse().unwrap();

    let r = cme_domain::notification::records_returned("甲县继教委办公室", 4, Some("材料不全"), "outbox-test");
    let raised = cme_api::notify::raise(&app.db, &delivery, &[account], &r).await.unwrap();
    assert_eq!(raised, 1);
    // Raised twice, stored and queued once.
    assert_eq!(cme_api::notify::raise(&app.db, &delivery, &[account], &r).await.unwrap(), 0);
    let queued = cme_store::repo::outbox::recent(&app.db, 10).await.unwrap();
    assert_eq!(queued.len(), 2);

    let now = Utc::now();
    let sent = cme_api::notify::deliver_due(&app.db, &delivery, "test-a", now).await.unwrap();
    assert_eq!(sent, 1, "the email goes, the gateway answers 500");
    let hook = queued.iter().find(|m| m.channel == Channel::Webhook).unwrap();
    let mail = queued.iter().find(|m| m.channel == Channel::Email).unwrap();
    let attempts = cme_store::repo::outbox::attempts(&app.db, hook.id).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert!(!attempts[0].ok);
    assert_eq!(attempts[0].status_code, Some(500));
    // Not due again before the back-off, even for another instance.
    assert_eq!(cme_api::notify::deliver_due(&app.db, &delivery, "test-b", now).await.unwrap(), 0);
    assert_eq!(calls.lock().unwrap().len(), 1);
    // After it, sent.
    let later = now + cme_domain::notification::retry_delay(1) + Duration::seconds(1);
    assert_eq!(cme_api::notify::deliver_due(&app.db, &delivery, "test-b", later).await.unwrap(), 1);
    let attempts = cme_store::repo::outbox::attempts(&app.db, hook.id).await.unwrap();
    assert_eq!(
        attempts.iter().map(|a| (a.attempt, a.ok, a.status_code)).collect::<Vec<_>>(),
        [(1, false, Some(500)), (2, true, Some(200))]
    );
    let states: Vec<DeliveryState> =
        cme_store::repo::outbox::recent(&app.db, 10).await.unwrap().iter().map(|m| m.state).collect();
    assert_eq!(states, [DeliveryState::Sent, DeliveryState::Sent]);
    let mail_attempts = cme_store::repo::outbox::attempts(&app.db, mail.id).await.unwrap();
    assert_eq!(mail_attempts.len(), 1);
    assert!(mail_attempts[0].ok);
    assert_eq!(mail_attempts[0].status_code, Some(250));

    // Every call was signed over its body with the shared secret.
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    for (signature, payload) in &calls {
        assert_eq!(signature, &cme_api::notify::signature(&secret, payload));
        use hmac::Mac as _;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
        mac.update(payload);
        let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(signature, &format!("sha256={hex}"));
        let v: Value = serde_json::from_slice(payload).unwrap();
        assert_eq!(v["title"], "4 条验证记录被退回");
        assert_eq!(v["recipient"], "unit-a");
        let text = String::from_utf8_lossy(payload);
        assert!(!text.contains(&f.a.id_number), "no ID number leaves the system");
    }
    // The email reached the sink, to the address chosen.
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("keji@example.org"), "{}", mails[0]);
    assert!(!mails[0].contains(&f.a.id_number));
});
