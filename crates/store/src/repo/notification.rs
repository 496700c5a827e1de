//! Reminders kept for accounts (the bell), each account's choices, and
//! the outbox that takes reminders outside (see [`super::outbox`]).
//!
//! A reminder is raised once per account: `(account_id, dedupe_key)` is
//! unique and the insert does nothing on conflict, on both backends, so a
//! scan run by every instance each hour, or an event retried, stores one
//! row. Only a row actually inserted is queued for outside delivery.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cme_domain::auth::Role;
use cme_domain::notification::{Channel, DeliveryState, NotificationKind, Reminder, default_on};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};
use serde_json::json;
use uuid::Uuid;

use super::{Page, now};
use crate::entity::{accounts, notification_contacts, notification_preferences, notifications, outbox};
use crate::error::StoreError;

/// A reminder as an account reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

fn of(m: notifications::Model) -> Notification {
    Notification {
        id: m.id,
        kind: m.kind,
        title: m.title,
        body: m.body,
        link: m.link,
        created_at: m.created_at,
        read_at: m.read_at,
    }
}

/// One kind's channels for an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub kind: NotificationKind,
    pub in_app: bool,
    pub webhook: bool,
    pub email: bool,
}

impl Preference {
    /// What an account that has not chosen receives.
    pub fn default_for(kind: NotificationKind) -> Self {
        Preference {
            kind,
            in_app: default_on(Channel::InApp),
            webhook: default_on(Channel::Webhook),
            email: default_on(Channel::Email),
        }
    }

    fn on(self, channel: Channel) -> bool {
        match channel {
            Channel::InApp => self.in_app,
            Channel::Webhook => self.webhook,
            Channel::Email => self.email,
        }
    }
}

/// An account's choices: every kind, and where email goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    pub kinds: Vec<Preference>,
    pub email: Option<String>,
}

/// Raises `reminder` for each of `recipients` (accounts), by their choices:
/// stored for the bell, and queued for each outside channel in `outside`
/// (those the server has connected) the account switched on. Returns how
/// many accounts got a new reminder (0 when every one had it already).
pub async fn raise(
    db: &impl ConnectionTrait,
    recipients: &[Uuid],
    reminder: &Reminder,
    outside: &[Channel],
) -> Result<u64, StoreError> {
    if recipients.is_empty() {
        return Ok(0);
    }
    let at = now();
    let chosen: HashMap<Uuid, Preference> = notification_preferences::Entity::find()
        .filter(notification_preferences::Column::AccountId.is_in(recipients.iter().copied()))
        .filter(notification_preferences::Column::Kind.eq(reminder.kind))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.account_id, Preference { kind: m.kind, in_app: m.in_app, webhook: m.webhook, email: m.email }))
        .collect();
    let mut raised = 0;
    for &account in recipients {
        let pref = chosen.get(&account).copied().unwrap_or_else(|| Preference::default_for(reminder.kind));
        let channels: Vec<Channel> = outside.iter().copied().filter(|c| pref.on(*c)).collect();
        if !pref.in_app && channels.is_empty() {
            continue;
        }
        let id = Uuid::now_v7();
        let inserted = notifications::Entity::insert(notifications::ActiveModel {
            id: Set(id),
            account_id: Set(account),
            kind: Set(reminder.kind),
            title: Set(reminder.title.clone()),
            body: Set(reminder.body.clone()),
            link: Set(reminder.link.clone()),
            dedupe_key: Set(reminder.dedupe_key.clone()),
            created_at: Set(at),
            // Wanted outside only: kept for the outbox, not rung on the bell.
            read_at: Set((!pref.in_app).then_some(at)),
        })
        .on_conflict(
            OnConflict::columns([notifications::Column::AccountId, notifications::Column::DedupeKey])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if inserted == 0 {
            continue;
        }
        raised += 1;
        if channels.is_empty() {
            continue;
        }
        queue_outside(db, account, id, reminder, &channels, at).await?;
    }
    Ok(raised)
}

/// Queues one notification for its outside channels. The payload names the
/// account by its login (the gateway's key to a phone number) and carries
/// the reminder's words, nothing else.
async fn queue_outside(
    db: &impl ConnectionTrait,
    account: Uuid,
    notification: Uuid,
    reminder: &Reminder,
    channels: &[Channel],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(acct) = accounts::Entity::find_by_id(account).one(db).await? else {
        return Ok(());
    };
    let email = notification_contacts::Entity::find_by_id(account).one(db).await?.and_then(|c| c.email);
    for &channel in channels {
        let recipient = match channel {
            Channel::Email => match &email {
                Some(e) => e.clone(),
                None => continue,
            },
            _ => acct.username.clone(),
        };
        let payload = json!({
            "id": notification,
            "kind": reminder.kind.as_str(),
            "kind_label": reminder.kind.label(),
            "recipient": recipient,
            "recipient_name": acct.display_name,
            "title": reminder.title,
            "body": reminder.body,
            "link": reminder.link,
        });
        outbox::Entity::insert(outbox::ActiveModel {
            id: Set(Uuid::now_v7()),
            notification_id: Set(notification),
            channel: Set(channel),
            recipient: Set(recipient),
            payload: Set(payload.to_string()),
            state: Set(DeliveryState::Pending),
            attempts: Set(0),
            next_attempt_at: Set(at),
            claimed_by: Set(None),
            claimed_until: Set(None),
            created_at: Set(at),
            sent_at: Set(None),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// A page of `account`'s reminders, newest first; `after` is the last id of
/// the previous page.
pub async fn list(
    db: &impl ConnectionTrait,
    account: Uuid,
    after: Option<Uuid>,
    limit: u64,
    unread_only: bool,
) -> Result<Page<Notification>, StoreError> {
    let mut q = notifications::Entity::find().filter(notifications::Column::AccountId.eq(account));
    if let Some(after) = after {
        q = q.filter(notifications::Column::Id.lt(after));
    }
    if unread_only {
        q = q.filter(notifications::Column::ReadAt.is_null());
    }
    let limit = limit.clamp(1, super::MAX_PAGE);
    let mut rows = q.order_by_desc(notifications::Column::Id).limit(limit + 1).all(db).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let items: Vec<Notification> = rows.into_iter().map(of).collect();
    let next = if more { items.last().map(|n| n.id) } else { None };
    Ok(Page { items, next })
}

/// How many of `account`'s reminders are unread.
pub async fn unread(db: &impl ConnectionTrait, account: Uuid) -> Result<u64, StoreError> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::AccountId.eq(account))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks `account`'s reminder `id` read (anyone else's reads as missing);
/// the reminder, and whether this marked it (false: it was read already).
pub async fn mark_read(db: &impl ConnectionTrait, account: Uuid, id: Uuid) -> Result<(Notification, bool), StoreError> {
    let m = notifications::Entity::find_by_id(id)
        .filter(notifications::Column::AccountId.eq(account))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    if m.read_at.is_some() {
        return Ok((of(m), false));
    }
    let at = now();
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Some(at)))
        .filter(notifications::Column::Id.eq(id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok((Notification { read_at: Some(at), ..of(m) }, true))
}

/// Marks every unread reminder of `account` read; how many were.
pub async fn mark_all_read(db: &impl ConnectionTrait, account: Uuid) -> Result<u64, StoreError> {
    let res = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Some(now())))
        .filter(notifications::Column::AccountId.eq(account))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// `account`'s choices, every kind (defaults where it has not chosen).
pub async fn preferences(db: &impl ConnectionTrait, account: Uuid) -> Result<Preferences, StoreError> {
    let chosen: HashMap<NotificationKind, Preference> = notification_preferences::Entity::find()
        .filter(notification_preferences::Column::AccountId.eq(account))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.kind, Preference { kind: m.kind, in_app: m.in_app, webhook: m.webhook, email: m.email }))
        .collect();
    let kinds = NotificationKind::ALL
        .iter()
        .map(|k| chosen.get(k).copied().unwrap_or_else(|| Preference::default_for(*k)))
        .collect();
    let email = notification_contacts::Entity::find_by_id(account).one(db).await?.and_then(|c| c.email);
    Ok(Preferences { kinds, email })
}

/// Replaces `account`'s choices for the kinds given, and its email address.
pub async fn set_preferences(
    db: &impl ConnectionTrait,
    account: Uuid,
    kinds: &[Preference],
    email: Option<&str>,
) -> Result<Preferences, StoreError> {
    let at = now();
    for p in kinds {
        notification_preferences::Entity::insert(notification_preferences::ActiveModel {
            id: Set(Uuid::now_v7()),
            account_id: Set(account),
            kind: Set(p.kind),
            in_app: Set(p.in_app),
            webhook: Set(p.webhook),
            email: Set(p.email),
            updated_at: Set(at),
        })
        .on_conflict(
            OnConflict::columns([notification_preferences::Column::AccountId, notification_preferences::Column::Kind])
                .update_columns([
                    notification_preferences::Column::InApp,
                    notification_preferences::Column::Webhook,
                    notification_preferences::Column::Email,
                    notification_preferences::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    notification_contacts::Entity::insert(notification_contacts::ActiveModel {
        id: Set(account),
        email: Set(email.map(str::to_owned)),
        updated_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(notification_contacts::Column::Id)
            .update_columns([notification_contacts::Column::Email, notification_contacts::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    preferences(db, account).await
}

/// The live accounts of a unit itself (not its departments').
pub async fn unit_accounts(db: &impl ConnectionTrait, unit: Uuid) -> Result<Vec<Uuid>, StoreError> {
    accounts_where(db, accounts::Column::UnitId.eq(unit), &[Role::Unit]).await
}

/// The live accounts of a department.
pub async fn department_accounts(db: &impl ConnectionTrait, department: Uuid) -> Result<Vec<Uuid>, StoreError> {
    accounts_where(db, accounts::Column::DepartmentId.eq(department), &[Role::Department]).await
}

/// The live office accounts of a region (a prefecture's or county's office).
pub async fn office_accounts(db: &impl ConnectionTrait, region: Uuid) -> Result<Vec<Uuid>, StoreError> {
    accounts_where(db, accounts::Column::RegionId.eq(region), &[Role::PrefectureOffice, Role::CountyOffice]).await
}

/// The live accounts of the province's office of `role` (科教处 or 中医处).
pub async fn province_accounts(db: &impl ConnectionTrait, role: Role) -> Result<Vec<Uuid>, StoreError> {
    accounts_where(db, accounts::Column::Role.eq(role), &[role]).await
}

/// The live trainee account of a person, if it has one.
pub async fn person_account(db: &impl ConnectionTrait, person: Uuid) -> Result<Vec<Uuid>, StoreError> {
    accounts_where(db, accounts::Column::PersonId.eq(person), &[Role::Trainee]).await
}

async fn accounts_where(
    db: &impl ConnectionTrait,
    cond: impl sea_orm::sea_query::IntoCondition,
    roles: &[Role],
) -> Result<Vec<Uuid>, StoreError> {
    Ok(accounts::Entity::find()
        .select_only()
        .column(accounts::Column::Id)
        .filter(cond)
        .filter(accounts::Column::Role.is_in(roles.iter().copied()))
        .filter(accounts::Column::DisabledAt.is_null())
        .order_by_asc(accounts::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// Open department reports, by unit (the daily scan's "reports waiting").
pub async fn open_reports_by_unit(db: &impl ConnectionTrait) -> Result<Vec<(Uuid, u64)>, StoreError> {
    use crate::entity::credit_reports;
    let rows: Vec<(Uuid, i64)> = credit_reports::Entity::find()
        .select_only()
        .column(credit_reports::Column::UnitId)
        .column_as(credit_reports::Column::Id.count(), "n")
        .filter(credit_reports::Column::ClosedAt.is_null())
        .group_by(credit_reports::Column::UnitId)
        .order_by_asc(credit_reports::Column::UnitId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(u, n)| (u, u64::try_from(n).unwrap_or(0))).collect())
}

/// Pending transfers, by receiving unit (the daily scan's "transfers waiting").
pub async fn pending_transfers_by_unit(db: &impl ConnectionTrait) -> Result<Vec<(Uuid, u64)>, StoreError> {
    use crate::entity::person_transfers;
    let rows: Vec<(Uuid, i64)> = person_transfers::Entity::find()
        .select_only()
        .column(person_transfers::Column::ToUnitId)
        .column_as(person_transfers::Column::Id.count(), "n")
        .filter(person_transfers::Column::State.eq(cme_domain::transfer::TransferState::Pending))
        .group_by(person_transfers::Column::ToUnitId)
        .order_by_asc(person_transfers::Column::ToUnitId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(u, n)| (u, u64::try_from(n).unwrap_or(0))).collect())
}

/// Records waiting on an office, and how many of them arrived since `since`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeQueue {
    pub tier: cme_domain::review::Tier,
    /// The county's or prefecture's region; `None` for the province's offices.
    pub region: Option<Uuid>,
    pub waiting: u64,
    pub arrived: u64,
}

/// Every office's review queue with its arrivals since `since` (the daily
/// scan's "queue grown"): two grouped reads of the queue index.
pub async fn office_queues(db: &impl ConnectionTrait, since: DateTime<Utc>) -> Result<Vec<OfficeQueue>, StoreError> {
    use crate::entity::verifications;
    use cme_domain::review::{StateKind, Tier};
    type Row = (Option<Tier>, Option<Uuid>, Option<Uuid>, i64);
    let grouped = |recent: bool| {
        let mut q = verifications::Entity::find()
            .select_only()
            .column(verifications::Column::CurrentTier)
            .column(verifications::Column::CountyId)
            .column(verifications::Column::PrefectureId)
            .column_as(verifications::Column::Id.count(), "n")
            .filter(verifications::Column::State.eq(StateKind::InReview));
        if recent {
            q = q.filter(verifications::Column::UpdatedAt.gte(since));
        }
        q.group_by(verifications::Column::CurrentTier)
            .group_by(verifications::Column::CountyId)
            .group_by(verifications::Column::PrefectureId)
            .into_tuple::<Row>()
    };
    let mut by: HashMap<(Tier, Option<Uuid>), (u64, u64)> = HashMap::new();
    for (recent, rows) in [(false, grouped(false).all(db).await?), (true, grouped(true).all(db).await?)] {
        for (tier, county, prefecture, n) in rows {
            let region = match tier {
                Some(Tier::CountyOffice) => county,
                Some(Tier::PrefectureOffice) => prefecture,
                Some(Tier::ProvinceWestern | Tier::ProvinceTcm) => None,
                _ => continue,
            };
            let Some(tier) = tier else { continue };
            let e = by.entry((tier, region)).or_default();
            let n = u64::try_from(n).unwrap_or(0);
            if recent {
                e.1 += n;
            } else {
                e.0 += n;
            }
        }
    }
    let mut out: Vec<OfficeQueue> = by
        .into_iter()
        .map(|((tier, region), (waiting, arrived))| OfficeQueue { tier, region, waiting, arrived })
        .collect();
    out.sort_by_key(|q| (q.tier, q.region));
    Ok(out)
}

/// A certificate issued: whose (person, name), which year, its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub person_id: Uuid,
    pub person_name: String,
    pub year: i32,
    pub number: String,
}

/// Certificates numbered since `since` (the scan's "certificate issued";
/// the number keys the reminder, so each is told once).
pub async fn issued_since(db: &impl ConnectionTrait, since: DateTime<Utc>) -> Result<Vec<Issued>, StoreError> {
    use crate::entity::{people, verifications};
    let rows: Vec<(Uuid, i32, Option<String>)> = verifications::Entity::find()
        .select_only()
        .column(verifications::Column::PersonId)
        .column(verifications::Column::Year)
        .column(verifications::Column::CertificateNo)
        .filter(verifications::Column::IssuedAt.gte(since))
        .filter(verifications::Column::CertificateNo.is_not_null())
        .order_by_asc(verifications::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(Uuid, String)> = people::Entity::find()
            .select_only()
            .column(people::Column::Id)
            .column(people::Column::Name)
            .filter(people::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(found);
    }
    Ok(rows
        .into_iter()
        .filter_map(|(person_id, year, number)| {
            Some(Issued { person_name: names.get(&person_id)?.clone(), person_id, year, number: number? })
        })
        .collect())
}
