//! Reminders: raising them (from an event's transaction, or by the daily
//! scan the server's housekeeping runs) and taking them outside.
//!
//! Outside delivery goes through the outbox (`store::repo::outbox`): a
//! worker on every instance claims what is due (one claimant wins), sends
//! it, and records the attempt; a failure is retried with exponential
//! back-off. The webhook (a province's SMS or WeChat gateway) receives the
//! reminder as JSON, signed with HMAC-SHA256 over the body with the shared
//! secret (`X-CME-Signature: sha256=<hex>`); email goes by SMTP. Nothing
//! sent carries personal data: a reminder's words name organisations and
//! people, never ID numbers.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use cme_domain::auth::Role;
use cme_domain::notification::{self as words, Channel, Reminder};
use cme_domain::review::Tier;
use cme_domain::time;
use cme_store::StoreError;
use cme_store::repo::compliance as stored;
use cme_store::repo::notification as notes;
use cme_store::repo::outbox::{self, Message};
use cme_store::repo::verification::{self as verifications, Grouping, OfficeScope};
use cme_store::repo::{cycle as cycles, region, unit};
use hmac::{Hmac, Mac as _};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sha2::Sha256;
use uuid::Uuid;

/// The header that carries the webhook's signature.
pub const SIGNATURE_HEADER: &str = "X-CME-Signature";

/// A window closing within this many days is reminded of, once a day.
pub const WINDOW_REMINDER_DAYS: i64 = 5;

/// How often the worker looks for messages due.
const POLL: std::time::Duration = std::time::Duration::from_secs(10);

/// A province's SMS/WeChat gateway.
#[derive(Clone)]
pub struct Webhook {
    pub url: String,
    pub secret: Vec<u8>,
}

/// An SMTP server (`smtp://host:port`, `smtps://…`, with credentials in the URL).
#[derive(Clone)]
pub struct Smtp {
    pub url: String,
    /// The sender's address.
    pub from: String,
}

/// The outside channels the server has connected.
#[derive(Clone, Default)]
pub struct Delivery {
    pub webhook: Option<Webhook>,
    pub smtp: Option<Smtp>,
}

impl std::fmt::Debug for Delivery {
    /// The secret and any SMTP credentials never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("webhook", &self.webhook.as_ref().map(|w| w.url.clone()))
            .field("smtp", &self.smtp.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl Delivery {
    /// The channels reminders may be queued for.
    pub fn outside(&self) -> Vec<Channel> {
        let mut out = Vec::new();
        if self.webhook.is_some() {
            out.push(Channel::Webhook);
        }
        if self.smtp.is_some() {
            out.push(Channel::Email);
        }
        out
    }
}

/// Raises `reminder` for `recipients` (in the caller's transaction), and
/// counts those raised in `cme_reminders_raised_total` (a transaction
/// rolled back afterwards is counted all the same).
pub async fn raise(
    db: &impl ConnectionTrait,
    delivery: &Delivery,
    recipients: &[Uuid],
    reminder: &Reminder,
) -> Result<u64, StoreError> {
    let raised = notes::raise(db, recipients, reminder, &delivery.outside()).await?;
    crate::metrics::reminders_raised(reminder.kind.as_str(), raised);
    Ok(raised)
}

/// The HMAC-SHA256 of `body` under `secret`, as `sha256=<hex>`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// What one attempt came to.
struct Outcome {
    ok: bool,
    status: Option<i32>,
    error: Option<String>,
}

async fn send_webhook(client: &reqwest::Client, hook: &Webhook, m: &Message) -> Outcome {
    let body = m.payload.clone().into_bytes();
    let sent = client
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(&hook.secret, &body))
        .timeout(std::time::Duration::from_secs(15))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => {
            let status = r.status();
            Outcome {
                ok: status.is_success(),
                status: Some(i32::from(status.as_u16())),
                error: (!status.is_success()).then(|| format!("HTTP {}", status.as_u16())),
            }
        }
        Err(e) => Outcome { ok: false, status: None, error: Some(e.without_url().to_string()) },
    }
}

async fn send_email(smtp: &Smtp, m: &Message) -> Outcome {
    use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor, message::header::ContentType};
    let payload: serde_json::Value = serde_json::from_str(&m.payload).unwrap_or_default();
    let text = |k: &str| payload.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let fail = |e: String| Outcome { ok: false, status: None, error: Some(e) };
    let (from, to) = match (smtp.from.parse(), m.recipient.parse()) {
        (Ok(f), Ok(t)) => (f, t),
        _ => return fail("电子邮件地址无效".to_owned()),
    };
    let email = match lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(text("title"))
        .header(ContentType::TEXT_PLAIN)
        .body(text("body"))
    {
        Ok(e) => e,
        Err(e) => return fail(e.to_string()),
    };
    let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url) {
        Ok(t) => t.timeout(Some(std::time::Duration::from_secs(15))).build(),
        Err(e) => return fail(e.to_string()),
    };
    match transport.send(email).await {
        Ok(r) => Outcome { ok: true, status: Some(i32::from(u16::from(r.code()))), error: None },
        Err(e) => {
            Outcome { ok: false, status: e.status().map(|c| i32::from(u16::from(c))), error: Some(e.to_string()) }
        }
    }
}

/// Sends what is due at `now` (claimed for `instance`) and records each
/// attempt; returns how many were sent.
pub async fn deliver_due(
    db: &DatabaseConnection,
    delivery: &Delivery,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let client = reqwest::Client::new();
    let mut sent = 0;
    loop {
        let due = outbox::claim(db, instance, now, 16).await?;
        if due.is_empty() {
            return Ok(sent);
        }
        for m in due {
            let outcome = match (m.channel, &delivery.webhook, &delivery.smtp) {
                (Channel::Webhook, Some(hook), _) => send_webhook(&client, hook, &m).await,
                (Channel::Email, _, Some(smtp)) => send_email(smtp, &m).await,
                _ => Outcome { ok: false, status: None, error: Some("该发送渠道未配置".to_owned()) },
            };
            if outcome.ok {
                sent += 1;
            } else {
                tracing::warn!(channel = m.channel.as_str(), attempt = m.attempts + 1, "reminder not delivered");
            }
            outbox::record(db, &m, now, outcome.ok, outcome.status, outcome.error).await?;
        }
    }
}

/// Every instance's delivery worker (when a channel is connected).
pub fn start_worker(db: DatabaseConnection, delivery: Delivery) {
    if delivery.outside().is_empty() {
        return;
    }
    let instance = format!("{}-{}", std::process::id(), Uuid::new_v4().simple());
    // Started by `Application::build`, outside actix's workers (there is no
    // LocalSet there for actix's spawn): a Send task of tokio's.
    tokio::spawn(async move {
        loop {
            if let Err(e) = deliver_due(&db, &delivery, &instance, Utc::now()).await {
                tracing::warn!(error = %e, "reminder delivery failed");
            }
            actix_web::rt::time::sleep(POLL).await;
        }
    });
}

/// Units' names, each read once per scan.
#[derive(Default)]
struct UnitNames(HashMap<Uuid, String>);

impl UnitNames {
    async fn of(&mut self, db: &impl ConnectionTrait, id: Uuid) -> Result<String, StoreError> {
        if let Some(n) = self.0.get(&id) {
            return Ok(n.clone());
        }
        let n = unit::get(db, cme_domain::ids::UnitId(id)).await?.unit.name;
        self.0.insert(id, n.clone());
        Ok(n)
    }
}

/// The daily reminders, raised by scanning (the server's hourly
/// housekeeping runs it; each is raised once a day, whichever instance and
/// hour runs first): windows closing within [`WINDOW_REMINDER_DAYS`] with
/// people not yet submitted, department reports waiting on units,
/// transfers waiting on receiving units, offices whose queue grew in the
/// last day. Returns how many reminders were raised.
pub async fn scan(db: &DatabaseConnection, delivery: &Delivery, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let today = time::today_in_shanghai(now);
    let mut raised = 0;
    let mut names = UnitNames::default();

    // Windows closing, for the cycle in progress.
    let open = cycles::list(db).await?.into_iter().find(|c| {
        !matches!(
            c.calendar.phase(today),
            cme_domain::cycle::calendar::Phase::NotOpen | cme_domain::cycle::calendar::Phase::Closed
        )
    });
    if let Some(cycle) = open {
        let year = cycle.calendar.year();
        let scope = cme_domain::auth::Scope::Province;
        let tallies = stored::tally_by(db, &scope, year, Grouping::Unit, None).await?;
        let counts = verifications::counts_by(db, OfficeScope::Province, year, Grouping::Unit, None, None).await?;
        let figures = cme_domain::report::statistics(
            tallies.into_iter().map(|t| (t.key, t.outcome, t.count)),
            counts.into_iter().map(|c| (c.key, c.state, c.count)),
        );
        for (key, f) in &figures.groups {
            let (Some(unit_id), missing) = (key, f.counts.missing_before_deadline()) else { continue };
            if missing == 0 {
                continue;
            }
            let recipients = notes::unit_accounts(db, *unit_id).await?;
            if recipients.is_empty() {
                continue;
            }
            let window = cycles::effective_for_unit(db, &cycle.calendar, cme_domain::ids::UnitId(*unit_id)).await?;
            let closes_on = time::today_in_shanghai(window.ends_at());
            let days_left = (closes_on - today).num_days();
            if !(0..=WINDOW_REMINDER_DAYS).contains(&days_left) || window.starts_at() > now {
                continue;
            }
            let name = names.of(db, *unit_id).await?;
            let key = format!("{year}:{unit_id}:{}", window.tier().as_str());
            let r = words::window_closing(&name, year, closes_on, days_left, u64::from(missing), &key, today);
            raised += raise(db, delivery, &recipients, &r).await?;
        }
    }

    for (unit_id, n) in notes::open_reports_by_unit(db).await? {
        let recipients = notes::unit_accounts(db, unit_id).await?;
        if recipients.is_empty() {
            continue;
        }
        let r = words::reports_waiting(&names.of(db, unit_id).await?, n, today);
        raised += raise(db, delivery, &recipients, &r).await?;
    }
    for (unit_id, n) in notes::pending_transfers_by_unit(db).await? {
        let recipients = notes::unit_accounts(db, unit_id).await?;
        if recipients.is_empty() {
            continue;
        }
        let r = words::transfers_waiting(&names.of(db, unit_id).await?, n, today);
        raised += raise(db, delivery, &recipients, &r).await?;
    }

    for q in notes::office_queues(db, now - Duration::days(1)).await? {
        if q.arrived == 0 {
            continue;
        }
        let (recipients, office) = match (q.tier, q.region) {
            (Tier::CountyOffice | Tier::PrefectureOffice, Some(r)) => {
                let office = region::get(db, cme_domain::ids::RegionId(r)).await?;
                (notes::office_accounts(db, r).await?, format!("{}继教委办公室", office.name))
            }
            (Tier::ProvinceWestern, _) => {
                (notes::province_accounts(db, Role::ProvinceWestern).await?, Tier::ProvinceWestern.label().to_owned())
            }
            (Tier::ProvinceTcm, _) => {
                (notes::province_accounts(db, Role::ProvinceTcm).await?, Tier::ProvinceTcm.label().to_owned())
            }
            _ => continue,
        };
        let r = words::queue_grown(&office, q.waiting, q.arrived, today);
        raised += raise(db, delivery, &recipients, &r).await?;
    }

    // Certificates numbered in the last two days (a day's scan missed by a
    // restart is caught by the next; the number keys each reminder).
    for c in notes::issued_since(db, now - Duration::days(2)).await? {
        let recipients = notes::person_account(db, c.person_id).await?;
        let r = words::certificate_issued(&c.person_name, c.year, &c.number);
        raised += raise(db, delivery, &recipients, &r).await?;
    }
    Ok(raised)
}

/// An office returned records: each unit they belong to is told how many,
/// once per decision (`event` names it).
pub async fn records_returned(
    db: &impl ConnectionTrait,
    delivery: &Delivery,
    office: &str,
    units: impl IntoIterator<Item = Uuid>,
    reason: Option<&str>,
    event: Uuid,
) -> Result<u64, StoreError> {
    let mut per_unit: std::collections::BTreeMap<Uuid, usize> = std::collections::BTreeMap::new();
    for u in units {
        *per_unit.entry(u).or_default() += 1;
    }
    let mut raised = 0;
    for (unit_id, n) in per_unit {
        let recipients = notes::unit_accounts(db, unit_id).await?;
        let r = words::records_returned(office, n, reason, &format!("{event}:{unit_id}"));
        raised += raise(db, delivery, &recipients, &r).await?;
    }
    Ok(raised)
}

/// A title correction was decided: the account that asked and the
/// person's own account are told.
pub async fn title_correction_decided(
    db: &impl ConnectionTrait,
    delivery: &Delivery,
    requested_by: &str,
    person: Uuid,
    reminder: &Reminder,
) -> Result<u64, StoreError> {
    let mut recipients = notes::person_account(db, person).await?;
    if let Some((acct, _)) = cme_store::repo::account::find_by_username(db, requested_by).await?
        && !recipients.contains(&acct.id)
    {
        recipients.push(acct.id);
    }
    raise(db, delivery, &recipients, reminder).await
}

/// A unit's outcome of a spot check.
pub async fn spot_check_outcome(
    db: &impl ConnectionTrait,
    delivery: &Delivery,
    unit_id: Uuid,
    year: i32,
    outcome: &str,
    event: &str,
) -> Result<u64, StoreError> {
    let name = unit::get(db, cme_domain::ids::UnitId(unit_id)).await?.unit.name;
    let recipients = notes::unit_accounts(db, unit_id).await?;
    let r = words::spot_check_outcome(&name, year, outcome, &format!("{event}:{unit_id}"));
    raise(db, delivery, &recipients, &r).await
}
