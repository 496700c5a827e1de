//! Person-year verifications and their transition log.
//!
//! The state machine is the domain's (`cme_domain::review::transition`); this
//! module makes each accepted transition durable: in one transaction, the row
//! moves under an optimistic lock (`row_version`) and one row is appended to
//! `verification_transitions` with the next `seq`.

use chrono::{DateTime, Utc};
use cme_domain::ids::{PersonId, UnitId, VerificationId};
use cme_domain::org::{Medicine, UnitLevel};
use cme_domain::review::{Event, ListKind, ReviewChain, State, Tier, Transition, review_chain, transition};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::{now, parse};
use crate::StoreError;
use crate::entity::{people, regions, units, verification_transitions, verifications};

/// The event name of the transition row that creates a record.
pub const PREPARE_EVENT: &str = "prepare";

/// A stored person-year verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRecord {
    pub id: VerificationId,
    pub person_id: PersonId,
    pub year: i32,
    /// The unit at submission, with its level and medicine as they were then.
    pub unit_id: UnitId,
    pub unit_level: UnitLevel,
    pub medicine: Medicine,
    pub list_kind: ListKind,
    pub state: State,
    pub special_reason: Option<String>,
    pub certificate_no: Option<String>,
    /// The optimistic lock (and ETag): bumped by every transition.
    pub row_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl VerificationRecord {
    /// The review chain this record moves through.
    pub fn chain(&self) -> ReviewChain {
        review_chain(self.unit_level, self.medicine)
    }
}

/// What to put on a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVerification {
    pub person_id: PersonId,
    pub year: i32,
    pub list_kind: ListKind,
    /// For the special list: further study, rural service, residency, front line …
    pub special_reason: Option<String>,
}

/// One row of a verification's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionEntry {
    pub seq: i32,
    /// An [`Event`] name, or [`PREPARE_EVENT`] for the creating row.
    pub event: String,
    pub from: Option<State>,
    pub to: State,
    pub actor_tier: Tier,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

fn step_of(state: State) -> Option<i16> {
    state.step().map(i16::from)
}

fn state_from(name: &str, step: Option<i16>) -> Result<State, StoreError> {
    let step = step.map(u8::try_from).transpose().map_err(StoreError::corrupt)?;
    State::from_parts(name, step).ok_or_else(|| StoreError::corrupt(format!("verification state {name} / {step:?}")))
}

fn to_domain(m: verifications::Model) -> Result<VerificationRecord, StoreError> {
    Ok(VerificationRecord {
        id: VerificationId(m.id),
        person_id: PersonId(m.person_id),
        year: m.year,
        unit_id: UnitId(m.unit_id),
        unit_level: parse(&m.unit_level)?,
        medicine: parse(&m.medicine)?,
        list_kind: parse(&m.list_kind)?,
        state: state_from(&m.state, m.step)?,
        special_reason: m.special_reason,
        certificate_no: m.certificate_no,
        row_version: m.row_version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The person's current unit row.
async fn unit_of(db: &impl ConnectionTrait, person: PersonId) -> Result<units::Model, StoreError> {
    let p = people::Entity::find_by_id(person.0).one(db).await?.ok_or(StoreError::NotFound)?;
    units::Entity::find_by_id(p.unit_id).one(db).await?.ok_or(StoreError::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "one column per argument of the log row")]
fn log_row(
    verification: Uuid,
    seq: i32,
    event: &str,
    from: Option<State>,
    to: State,
    actor_tier: Tier,
    actor_id: Option<Uuid>,
    actor_name: &str,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> verification_transitions::ActiveModel {
    verification_transitions::ActiveModel {
        id: Set(Uuid::now_v7()),
        verification_id: Set(verification),
        seq: Set(seq),
        event: Set(event.to_owned()),
        from_state: Set(from.map(|s| s.as_str().to_owned())),
        from_step: Set(from.and_then(step_of)),
        to_state: Set(to.as_str().to_owned()),
        to_step: Set(step_of(to)),
        actor_tier: Set(actor_tier.as_str().to_owned()),
        actor_id: Set(actor_id),
        actor_name: Set(actor_name.to_owned()),
        reason: Set(reason.map(str::to_owned)),
        at: Set(at),
    }
}

/// Puts a person-year on a list, in state `prepared`, copying the person's
/// current unit; writes the first transition row (seq 1, event `prepare`).
/// One record per person and year: `Conflict { uq_verifications_person_id_year }`.
///
/// Who may prepare (`domain::review::may_prepare`) and jurisdiction are the
/// caller's to check.
pub async fn create<C>(
    db: &C,
    new: &NewVerification,
    actor_tier: Tier,
    actor_id: Option<Uuid>,
    actor_name: &str,
) -> Result<VerificationRecord, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let unit = unit_of(&txn, new.person_id).await?;
    let at = now();
    let id = Uuid::now_v7();
    verifications::Entity::insert(verifications::ActiveModel {
        id: Set(id),
        person_id: Set(new.person_id.0),
        year: Set(new.year),
        unit_id: Set(unit.id),
        unit_level: Set(unit.level),
        medicine: Set(unit.medicine),
        list_kind: Set(new.list_kind.as_str().to_owned()),
        state: Set(State::Prepared.as_str().to_owned()),
        step: Set(None),
        special_reason: Set(new.special_reason.clone()),
        certificate_no: Set(None),
        row_version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    })
    .exec_without_returning(&txn)
    .await?;
    verification_transitions::Entity::insert(log_row(
        id,
        1,
        PREPARE_EVENT,
        None,
        State::Prepared,
        actor_tier,
        actor_id,
        actor_name,
        None,
        at,
    ))
    .exec_without_returning(&txn)
    .await?;
    let record = get(&txn, VerificationId(id)).await?;
    txn.commit().await?;
    Ok(record)
}

pub async fn get(db: &impl ConnectionTrait, id: VerificationId) -> Result<VerificationRecord, StoreError> {
    verifications::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(to_domain)
}

/// The verification of a person-year, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    person: PersonId,
    year: i32,
) -> Result<Option<VerificationRecord>, StoreError> {
    verifications::Entity::find()
        .filter(verifications::Column::PersonId.eq(person.0))
        .filter(verifications::Column::Year.eq(year))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// A unit's verifications of a year.
pub async fn list_by_unit_year(
    db: &impl ConnectionTrait,
    unit: UnitId,
    year: i32,
) -> Result<Vec<VerificationRecord>, StoreError> {
    verifications::Entity::find()
        .filter(verifications::Column::UnitId.eq(unit.0))
        .filter(verifications::Column::Year.eq(year))
        .order_by_asc(verifications::Column::CreatedAt)
        .order_by_asc(verifications::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Loads the record and applies `event` by `actor_tier` (see [`apply_to`]).
pub async fn apply<C>(
    db: &C,
    id: VerificationId,
    event: Event,
    actor_tier: Tier,
    actor_id: Option<Uuid>,
    actor_name: &str,
    reason: Option<&str>,
) -> Result<VerificationRecord, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let record = get(db, id).await?;
    apply_to(db, &record, event, actor_tier, actor_id, actor_name, reason).await
}

/// Applies `event` to a record as it was read (its `row_version` is the
/// lock: pass a record built from a client's ETag to honour `If-Match`).
///
/// The domain decides (`StoreError::Transition` when it refuses, with
/// nothing written); then, in one transaction, the row moves only if its
/// version is still `record.row_version` (`StaleVersion` otherwise) and the
/// transition is appended. `Submit` re-copies the person's current unit;
/// `IssueNumber` assigns the certificate number `<year><region code><6-digit
/// sequence>` (a concurrent issue of the same number is
/// `Conflict { uq_verifications_certificate_no }`: retry).
pub async fn apply_to<C>(
    db: &C,
    record: &VerificationRecord,
    event: Event,
    actor_tier: Tier,
    actor_id: Option<Uuid>,
    actor_name: &str,
    reason: Option<&str>,
) -> Result<VerificationRecord, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let Transition { from, to, .. } = transition(&record.chain(), record.state, event, actor_tier, reason)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let at = now();
    let txn = db.begin().await?;
    let mut update = verifications::Entity::update_many()
        .col_expr(verifications::Column::State, Expr::value(to.as_str()))
        .col_expr(verifications::Column::Step, Expr::value(step_of(to)))
        .col_expr(verifications::Column::RowVersion, Expr::value(record.row_version + 1))
        .col_expr(verifications::Column::UpdatedAt, Expr::value(at));
    if event == Event::Submit {
        let unit = unit_of(&txn, record.person_id).await?;
        update = update
            .col_expr(verifications::Column::UnitId, Expr::value(unit.id))
            .col_expr(verifications::Column::UnitLevel, Expr::value(unit.level))
            .col_expr(verifications::Column::Medicine, Expr::value(unit.medicine));
    }
    if event == Event::IssueNumber && record.certificate_no.is_none() {
        let number = next_certificate_no(&txn, record).await?;
        update = update.col_expr(verifications::Column::CertificateNo, Expr::value(number));
    }
    let res = update
        .filter(verifications::Column::Id.eq(record.id.0))
        .filter(verifications::Column::RowVersion.eq(record.row_version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        // Dropping the transaction rolls it back.
        get(&txn, record.id).await?;
        return Err(StoreError::StaleVersion);
    }
    let seq = verification_transitions::Entity::find()
        .filter(verification_transitions::Column::VerificationId.eq(record.id.0))
        .count(&txn)
        .await?;
    let seq = i32::try_from(seq + 1).map_err(StoreError::corrupt)?;
    verification_transitions::Entity::insert(log_row(
        record.id.0,
        seq,
        event.as_str(),
        Some(from),
        to,
        actor_tier,
        actor_id,
        actor_name,
        reason,
        at,
    ))
    .exec_without_returning(&txn)
    .await?;
    let updated = get(&txn, record.id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The next certificate number of the record's year and unit region.
async fn next_certificate_no(db: &impl ConnectionTrait, record: &VerificationRecord) -> Result<String, StoreError> {
    let unit = units::Entity::find_by_id(record.unit_id.0).one(db).await?.ok_or(StoreError::NotFound)?;
    let region = regions::Entity::find_by_id(unit.region_id).one(db).await?.ok_or(StoreError::NotFound)?;
    let prefix = format!("{}{}", record.year, region.code);
    let issued = verifications::Entity::find()
        .filter(verifications::Column::CertificateNo.starts_with(&prefix))
        .count(db)
        .await?;
    Ok(format!("{prefix}{:06}", issued + 1))
}

/// Every transition of a verification, in order (seq 1 ..= n).
pub async fn history(db: &impl ConnectionTrait, id: VerificationId) -> Result<Vec<TransitionEntry>, StoreError> {
    verification_transitions::Entity::find()
        .filter(verification_transitions::Column::VerificationId.eq(id.0))
        .order_by_asc(verification_transitions::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(TransitionEntry {
                seq: m.seq,
                from: m.from_state.as_deref().map(|s| state_from(s, m.from_step)).transpose()?,
                to: state_from(&m.to_state, m.to_step)?,
                event: m.event,
                actor_tier: parse(&m.actor_tier)?,
                actor_id: m.actor_id,
                actor_name: m.actor_name,
                reason: m.reason,
                at: m.at,
            })
        })
        .collect()
}
