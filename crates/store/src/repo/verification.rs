//! Person-year verifications and their transition log.
//!
//! The state machine is the domain's (`cme_domain::review::transition`); this
//! module makes accepted transitions durable. One record or a batch moves in
//! one transaction: each row moves only if its `row_version` is still the
//! one read (the optimistic lock: a lost race is `StaleVersion` and nothing
//! of the batch is written), and one row per record is appended to
//! `verification_transitions` with `seq` = the new row version (a record is
//! created at version 1 with its `prepare` row, seq 1, and every transition
//! bumps both).
//!
//! Each record carries `current_tier`, the tier that acts next, and the
//! county and prefecture of its unit: an office's queue is one index range.

use chrono::{DateTime, NaiveDate, Utc};
use cme_domain::certificate::number::CertificateNumber;
use cme_domain::cycle::list::ListKind;
use cme_domain::cycle::paper::VerificationPath;
use cme_domain::cycle::special::{SpecialClaim, SpecialReason};
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId, VerificationId};
use cme_domain::org::{Medicine, UnitLevel};
use cme_domain::review::{Event, ReviewChain, State, StateKind, Tier, Transition, review_chain, transition};
use sea_orm::QueryTrait as _;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DbBackend, EntityTrait as _, JoinType, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, RelationTrait as _, Statement, TransactionSession as _, TransactionTrait, Value,
};
use uuid::Uuid;

use super::{now, parse};
use crate::entity::{
    certificate_counters, people, units, verification_evidence, verification_transitions, verifications,
};
use crate::{StoreError, batch_rows};

/// The event name of the transition row that creates a record.
pub const PREPARE_EVENT: &str = "prepare";

/// The special-list claim of a record (SPEC §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Special {
    pub reason: SpecialReason,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub deemed_compliant: bool,
}

impl From<&SpecialClaim> for Special {
    fn from(c: &SpecialClaim) -> Special {
        Special {
            reason: c.reason(),
            period_from: c.period_from(),
            period_to: c.period_to(),
            deemed_compliant: c.deemed_compliant(),
        }
    }
}

/// A stored person-year verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRecord {
    pub id: VerificationId,
    pub person_id: PersonId,
    /// The year verified.
    pub year: i32,
    /// The cycle it is verified in (a make-up year in a later cycle).
    pub cycle_year: i32,
    /// The unit at submission, with its level, medicine and place as they were then.
    pub unit_id: UnitId,
    pub unit_level: UnitLevel,
    pub medicine: Medicine,
    pub county_id: Option<RegionId>,
    pub prefecture_id: Option<RegionId>,
    /// The department that prepared it, if one did.
    pub department_id: Option<DepartmentId>,
    pub list_kind: ListKind,
    /// Electronic, or on paper (纸质验证).
    pub path: VerificationPath,
    pub state: State,
    /// Who acts next (None once certified).
    pub current_tier: Option<Tier>,
    pub special: Option<Special>,
    pub note: Option<String>,
    /// The stored verdict when the unit submitted (`compliant` …).
    pub outcome_at_submit: Option<cme_domain::compliance::Outcome>,
    pub certificate_no: Option<String>,
    pub issued_at: Option<DateTime<Utc>>,
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

/// The tier that acts next on a record of `chain` in `state`.
pub fn next_tier(chain: &ReviewChain, state: State) -> Option<Tier> {
    match state {
        State::Prepared | State::Returned => Some(Tier::Unit),
        State::InReview { step } => chain.steps.get(usize::from(step)).map(|s| s.tier),
        State::Approved => Some(chain.final_tier()),
        State::Certified => None,
    }
}

/// What to put on a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVerification {
    pub person_id: PersonId,
    pub year: i32,
    pub cycle_year: i32,
    pub list_kind: ListKind,
    /// Electronic, or on paper (纸质验证: the evidence holds the scans).
    pub path: VerificationPath,
    pub special: Option<Special>,
    pub note: Option<String>,
    /// Evidence files (uploaded first) that back the record.
    pub evidence: Vec<Uuid>,
    pub department_id: Option<DepartmentId>,
    pub outcome_at_submit: Option<cme_domain::compliance::Outcome>,
}

impl NewVerification {
    /// A person-year on the normal list of its own cycle.
    pub fn normal(person_id: PersonId, year: i32) -> NewVerification {
        NewVerification {
            person_id,
            year,
            cycle_year: year,
            list_kind: ListKind::Normal,
            path: VerificationPath::Electronic,
            special: None,
            note: None,
            evidence: Vec::new(),
            department_id: None,
            outcome_at_submit: None,
        }
    }
}

/// Who acts: the tier, the account and its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting<'a> {
    pub tier: Tier,
    pub id: Option<Uuid>,
    pub name: &'a str,
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

fn state_from(kind: StateKind, step: Option<i16>) -> Result<State, StoreError> {
    let step = step.map(u8::try_from).transpose().map_err(StoreError::corrupt)?;
    State::from_parts(kind, step).ok_or_else(|| StoreError::corrupt(format!("verification state {kind} / {step:?}")))
}

fn to_domain(m: verifications::Model) -> Result<VerificationRecord, StoreError> {
    let special = match (m.special_reason, m.special_from, m.special_to) {
        (Some(reason), Some(from), Some(to)) => {
            Some(Special { reason, period_from: from, period_to: to, deemed_compliant: m.deemed_compliant })
        }
        (None, _, _) => None,
        _ => return Err(StoreError::corrupt(format!("verification {}: a special reason without its period", m.id))),
    };
    Ok(VerificationRecord {
        id: VerificationId(m.id),
        person_id: PersonId(m.person_id),
        year: m.year,
        cycle_year: m.cycle_year,
        unit_id: UnitId(m.unit_id),
        unit_level: m.unit_level,
        medicine: m.medicine,
        county_id: m.county_id.map(RegionId),
        prefecture_id: m.prefecture_id.map(RegionId),
        department_id: m.department_id.map(DepartmentId),
        list_kind: m.list_kind,
        path: m.path,
        state: state_from(m.state, m.step)?,
        current_tier: m.current_tier,
        special,
        note: m.note,
        outcome_at_submit: m.outcome_at_submit,
        certificate_no: m.certificate_no,
        issued_at: m.issued_at,
        row_version: m.row_version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Where a person stands now: his unit's id, level, medicine and place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placement {
    unit_id: Uuid,
    level: UnitLevel,
    medicine: Medicine,
    county_id: Option<Uuid>,
    prefecture_id: Option<Uuid>,
}

/// Person, unit, level, medicine, county, prefecture.
type PlacementRow = (Uuid, Uuid, String, String, Option<Uuid>, Option<Uuid>);

async fn placements(
    db: &impl ConnectionTrait,
    people_: &[PersonId],
) -> Result<std::collections::HashMap<Uuid, Placement>, StoreError> {
    let mut out = std::collections::HashMap::with_capacity(people_.len());
    for chunk in people_.chunks(1000) {
        let rows: Vec<PlacementRow> = people::Entity::find()
            .select_only()
            .column(people::Column::Id)
            .column(people::Column::UnitId)
            .column(units::Column::Level)
            .column(units::Column::Medicine)
            .column(people::Column::CountyId)
            .column(people::Column::PrefectureId)
            .join(JoinType::InnerJoin, people::Relation::Unit.def())
            .filter(people::Column::Id.is_in(chunk.iter().map(|p| p.0)))
            .into_tuple()
            .all(db)
            .await?;
        for (id, unit_id, level, medicine, county_id, prefecture_id) in rows {
            out.insert(
                id,
                Placement { unit_id, level: parse(&level)?, medicine: parse(&medicine)?, county_id, prefecture_id },
            );
        }
    }
    Ok(out)
}

#[expect(clippy::too_many_arguments, reason = "one column per argument of the log row")]
fn log_row(
    verification: Uuid,
    seq: i32,
    event: &str,
    from: Option<State>,
    to: State,
    by: &Acting<'_>,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> verification_transitions::ActiveModel {
    verification_transitions::ActiveModel {
        id: Set(Uuid::now_v7()),
        verification_id: Set(verification),
        seq: Set(seq),
        event: Set(event.to_owned()),
        from_state: Set(from.map(State::kind)),
        from_step: Set(from.and_then(step_of)),
        to_state: Set(to.kind()),
        to_step: Set(step_of(to)),
        actor_tier: Set(by.tier),
        actor_id: Set(by.id),
        actor_name: Set(by.name.to_owned()),
        reason: Set(reason.map(str::to_owned)),
        at: Set(at),
    }
}

/// Puts person-years on lists, in state `prepared`, copying each person's
/// current unit and place; writes each record's first transition row (seq
/// 1, event `prepare`) and its evidence links. Call inside a transaction.
/// One record per person and year: `Conflict { uq_verifications_person_id_year }`.
///
/// Who may prepare (`domain::review::may_prepare`), jurisdiction, the
/// list's years and the window are the caller's to check.
pub async fn prepare_many(
    db: &impl ConnectionTrait,
    new: &[NewVerification],
    by: &Acting<'_>,
) -> Result<Vec<VerificationId>, StoreError> {
    let backend = db.get_database_backend();
    let at = now();
    let ids: Vec<PersonId> = new.iter().map(|n| n.person_id).collect();
    let places = placements(db, &ids).await?;
    let mut rows = Vec::with_capacity(new.len());
    let mut logs = Vec::with_capacity(new.len());
    let mut links = Vec::new();
    let mut created = Vec::with_capacity(new.len());
    for n in new {
        let p = places.get(&n.person_id.0).ok_or(StoreError::NotFound)?;
        let id = Uuid::now_v7();
        let chain = review_chain(p.level, p.medicine);
        rows.push(verifications::ActiveModel {
            id: Set(id),
            person_id: Set(n.person_id.0),
            year: Set(n.year),
            cycle_year: Set(n.cycle_year),
            unit_id: Set(p.unit_id),
            unit_level: Set(p.level),
            medicine: Set(p.medicine),
            county_id: Set(p.county_id),
            prefecture_id: Set(p.prefecture_id),
            department_id: Set(n.department_id.map(|d| d.0)),
            list_kind: Set(n.list_kind),
            path: Set(n.path),
            state: Set(State::Prepared.kind()),
            step: Set(None),
            current_tier: Set(next_tier(&chain, State::Prepared)),
            special_reason: Set(n.special.as_ref().map(|s| s.reason)),
            special_from: Set(n.special.as_ref().map(|s| s.period_from)),
            special_to: Set(n.special.as_ref().map(|s| s.period_to)),
            deemed_compliant: Set(n.special.as_ref().is_some_and(|s| s.deemed_compliant)),
            note: Set(n.note.clone()),
            outcome_at_submit: Set(n.outcome_at_submit),
            certificate_no: Set(None),
            issued_by_region: Set(None),
            certificate_seq: Set(None),
            issued_at: Set(None),
            row_version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        });
        logs.push(log_row(id, 1, PREPARE_EVENT, None, State::Prepared, by, None, at));
        links.extend(
            n.evidence
                .iter()
                .map(|e| verification_evidence::ActiveModel { verification_id: Set(id), evidence_id: Set(*e) }),
        );
        created.push(VerificationId(id));
    }
    for chunk in rows.chunks(batch_rows(backend, 29)) {
        verifications::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    for chunk in logs.chunks(batch_rows(backend, 13)) {
        verification_transitions::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    for chunk in links.chunks(batch_rows(backend, 2)) {
        verification_evidence::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(created)
}

/// [`prepare_many`] of one record, in its own transaction.
pub async fn create<C>(db: &C, new: &NewVerification, by: &Acting<'_>) -> Result<VerificationRecord, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let ids = prepare_many(&txn, std::slice::from_ref(new), by).await?;
    let id = ids.first().copied().ok_or(StoreError::NotFound)?;
    let record = get(&txn, id).await?;
    txn.commit().await?;
    Ok(record)
}

/// Replaces what a unit may still change on a prepared or returned record
/// (its list, path, special claim, note, evidence), if its version is still the
/// one read (`StaleVersion` otherwise). The version is left as it is: it
/// counts transitions, and the submission that follows bumps it. The
/// caller checks the state.
pub async fn revise(
    db: &impl ConnectionTrait,
    record: &VerificationRecord,
    new: &NewVerification,
) -> Result<(), StoreError> {
    let res = verifications::Entity::update_many()
        .col_expr(verifications::Column::ListKind, Expr::value(new.list_kind))
        .col_expr(verifications::Column::CycleYear, Expr::value(new.cycle_year))
        .col_expr(verifications::Column::Path, Expr::value(new.path))
        .col_expr(verifications::Column::SpecialReason, Expr::value(new.special.as_ref().map(|s| s.reason.as_str())))
        .col_expr(verifications::Column::SpecialFrom, Expr::value(new.special.as_ref().map(|s| s.period_from)))
        .col_expr(verifications::Column::SpecialTo, Expr::value(new.special.as_ref().map(|s| s.period_to)))
        .col_expr(
            verifications::Column::DeemedCompliant,
            Expr::value(new.special.as_ref().is_some_and(|s| s.deemed_compliant)),
        )
        .col_expr(verifications::Column::Note, Expr::value(new.note.clone()))
        .col_expr(verifications::Column::OutcomeAtSubmit, Expr::value(new.outcome_at_submit))
        .col_expr(verifications::Column::UpdatedAt, Expr::value(now()))
        .filter(verifications::Column::Id.eq(record.id.0))
        .filter(verifications::Column::RowVersion.eq(record.row_version))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    verification_evidence::Entity::delete_many()
        .filter(verification_evidence::Column::VerificationId.eq(record.id.0))
        .exec(db)
        .await?;
    let links: Vec<_> = new
        .evidence
        .iter()
        .map(|e| verification_evidence::ActiveModel { verification_id: Set(record.id.0), evidence_id: Set(*e) })
        .collect();
    if !links.is_empty() {
        verification_evidence::Entity::insert_many(links).exec_without_returning(db).await?;
    }
    Ok(())
}

pub async fn get(db: &impl ConnectionTrait, id: VerificationId) -> Result<VerificationRecord, StoreError> {
    verifications::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(to_domain)
}

/// Records by id (missing ids are simply absent), in no particular order.
pub async fn get_many(
    db: &impl ConnectionTrait,
    ids: &[VerificationId],
) -> Result<Vec<VerificationRecord>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = verifications::Entity::find()
            .filter(verifications::Column::Id.is_in(chunk.iter().map(|i| i.0)))
            .all(db)
            .await?;
        for m in rows {
            out.push(to_domain(m)?);
        }
    }
    Ok(out)
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

/// The verifications of many people for one year, by person.
pub async fn find_many(
    db: &impl ConnectionTrait,
    people_: &[PersonId],
    year: i32,
) -> Result<std::collections::HashMap<PersonId, VerificationRecord>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for chunk in people_.chunks(1000) {
        let rows = verifications::Entity::find()
            .filter(verifications::Column::Year.eq(year))
            .filter(verifications::Column::PersonId.is_in(chunk.iter().map(|p| p.0)))
            .all(db)
            .await?;
        for m in rows {
            let r = to_domain(m)?;
            out.insert(r.person_id, r);
        }
    }
    Ok(out)
}

/// A unit's verifications of a cycle.
pub async fn list_by_unit_year(
    db: &impl ConnectionTrait,
    unit: UnitId,
    cycle_year: i32,
) -> Result<Vec<VerificationRecord>, StoreError> {
    verifications::Entity::find()
        .filter(verifications::Column::UnitId.eq(unit.0))
        .filter(verifications::Column::CycleYear.eq(cycle_year))
        .order_by_asc(verifications::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Loads the record and applies `event` (see [`apply_to`]).
pub async fn apply<C>(
    db: &C,
    id: VerificationId,
    event: Event,
    by: &Acting<'_>,
    reason: Option<&str>,
) -> Result<VerificationRecord, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let record = get(db, id).await?;
    apply_to(db, &record, event, by, reason).await
}

/// Applies `event` to one record as it was read, in its own transaction
/// (see [`apply_many`]); returns the record as it now is.
pub async fn apply_to<C>(
    db: &C,
    record: &VerificationRecord,
    event: Event,
    by: &Acting<'_>,
    reason: Option<&str>,
) -> Result<VerificationRecord, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    apply_many(&txn, std::slice::from_ref(record), event, by, reason).await?;
    let updated = get(&txn, record.id).await?;
    txn.commit().await?;
    Ok(updated)
}

/// How a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub count: usize,
}

/// Applies `event` to every record, as each was read, inside the caller's
/// transaction (all or nothing: roll back on any error).
///
/// The domain decides first, for every record (`StoreError::Transition` at
/// the first it refuses, with nothing written). Then, set-wise, each row
/// moves only if its version is still the one read (`StaleVersion`
/// otherwise); one log row per record is appended. `Submit` re-copies the
/// person's current unit and place (the chain follows a transfer until the
/// unit submits). `IssueNumber` takes certificate numbers from
/// [`issue_numbers`], which calls this with them.
pub async fn apply_many(
    db: &impl ConnectionTrait,
    records: &[VerificationRecord],
    event: Event,
    by: &Acting<'_>,
    reason: Option<&str>,
) -> Result<Applied, StoreError> {
    apply_inner(db, records, event, by, reason, &[]).await
}

/// A certificate number for one record.
#[derive(Debug, Clone)]
struct Issue {
    number: String,
    seq: i32,
    region: Uuid,
}

async fn apply_inner(
    db: &impl ConnectionTrait,
    records: &[VerificationRecord],
    event: Event,
    by: &Acting<'_>,
    reason: Option<&str>,
    issues: &[Issue],
) -> Result<Applied, StoreError> {
    if records.is_empty() {
        return Ok(Applied { count: 0 });
    }
    if (event == Event::IssueNumber) != (issues.len() == records.len()) {
        return Err(StoreError::corrupt("certificate numbers are issued by issue_numbers only"));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let places = if event == Event::Submit {
        placements(db, &records.iter().map(|r| r.person_id).collect::<Vec<_>>()).await?
    } else {
        std::collections::HashMap::new()
    };
    let at = now();
    let backend = db.get_database_backend();
    let mut moved = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let mut r = r.clone();
        if let Some(p) = places.get(&r.person_id.0) {
            r.unit_id = UnitId(p.unit_id);
            r.unit_level = p.level;
            r.medicine = p.medicine;
            r.county_id = p.county_id.map(RegionId);
            r.prefecture_id = p.prefecture_id.map(RegionId);
        }
        let Transition { from, to, .. } = transition(&r.chain(), r.state, event, by.tier, reason)?;
        let issue = issues.get(i).filter(|_| event == Event::IssueNumber);
        moved.push((r, from, to, issue));
    }
    // One UPDATE … FROM (VALUES …) per chunk: the time, then 13 values a
    // row (SQLite binds `?` in the order of the text, PostgreSQL by number).
    let pg = backend == DbBackend::Postgres;
    let issuing = event == Event::IssueNumber;
    for chunk in moved.chunks(1000) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 13 + 2);
        values.push(Value::from(at));
        let (updated_at, issued_at) = match (pg, issuing) {
            (true, true) => ("$1", "$1"),
            (true, false) => ("$1", "verifications.issued_at"),
            (false, true) => {
                values.push(Value::from(at));
                ("?", "?")
            }
            (false, false) => ("?", "verifications.issued_at"),
        };
        let mut n = 1usize;
        let mut tuples = Vec::with_capacity(chunk.len());
        for (r, _, to, issue) in chunk {
            let mut marks = Vec::with_capacity(13);
            for _ in 0..13 {
                n += 1;
                marks.push(if pg { format!("${n}") } else { "?".to_owned() });
            }
            tuples.push(format!("({})", marks.join(", ")));
            let tier = next_tier(&r.chain(), *to).map(|t| t.as_str().to_owned());
            values.extend([
                Value::from(r.id.0),
                Value::from(r.row_version),
                Value::from(to.as_str()),
                Value::SmallInt(step_of(*to)),
                Value::String(tier),
                Value::from(r.unit_id.0),
                Value::from(r.unit_level.as_str()),
                Value::from(r.medicine.as_str()),
                Value::Uuid(r.county_id.map(|c| c.0)),
                Value::Uuid(r.prefecture_id.map(|c| c.0)),
                Value::String(issue.map(|i| i.number.clone())),
                Value::Int(issue.map(|i| i.seq)),
                Value::Uuid(issue.map(|i| i.region)),
            ]);
        }
        let sql = format!(
            "UPDATE verifications SET updated_at = {updated_at}, issued_at = {issued_at}, \
             state = x.column3, step = x.column4, current_tier = x.column5, \
             unit_id = x.column6, unit_level = x.column7, medicine = x.column8, county_id = x.column9, \
             prefecture_id = x.column10, \
             certificate_no = COALESCE(x.column11, verifications.certificate_no), \
             certificate_seq = COALESCE(x.column12, verifications.certificate_seq), \
             issued_by_region = COALESCE(x.column13, verifications.issued_by_region), \
             row_version = verifications.row_version + 1 \
             FROM (VALUES {}) AS x \
             WHERE verifications.id = x.column1 AND verifications.row_version = x.column2",
            tuples.join(", ")
        );
        let res = db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
        if usize::try_from(res.rows_affected()).unwrap_or(0) != chunk.len() {
            return Err(StoreError::StaleVersion);
        }
    }
    let logs: Vec<_> = moved
        .iter()
        .map(|(r, from, to, _)| log_row(r.id.0, r.row_version + 1, event.as_str(), Some(*from), *to, by, reason, at))
        .collect();
    for chunk in logs.chunks(batch_rows(backend, 13)) {
        verification_transitions::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(Applied { count: moved.len() })
}

/// What a run of [`issue_numbers`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssueStats {
    pub issued: usize,
    /// The first and last number issued, if any.
    pub first: Option<String>,
    pub last: Option<String>,
}

/// Issues certificate numbers (生成证书编号) to approved records waiting on
/// `by.tier` inside the office's region (`region` with its code), for the
/// records of `ids` or, with `None`, all of them; optionally only those of
/// one cycle and of one year verified.
///
/// Numbers are `{year}-{office code}-{seq:06}` with `seq` running from 1
/// without gaps per office (region) and year: each chunk of up to `chunk`
/// records takes its numbers from `certificate_counters` and moves its
/// records in one transaction, so a crash loses nothing but the chunk in
/// flight (rolled back with its counter), and running again finishes the
/// rest. The province's two offices share the province's sequence.
///
/// Each chunk appends `audit` (the run's entry: who, where) with the chunk's
/// figures in its own transaction, so a run killed mid-way leaves an audit
/// entry for every chunk it committed and none for the one it lost.
#[expect(clippy::too_many_arguments, reason = "the office, its scope, the three filters and the audit of a run")]
pub async fn issue_numbers<C>(
    db: &C,
    region: (RegionId, &str),
    issuer_name: &str,
    office_scope: OfficeScope,
    ids: Option<&[VerificationId]>,
    cycle_year: Option<i32>,
    year: Option<i32>,
    by: &Acting<'_>,
    chunk: u64,
    audit: &super::audit::AuditEntry,
) -> Result<IssueStats, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut stats = IssueStats::default();
    let mut pending: Option<Vec<VerificationId>> = ids.map(<[VerificationId]>::to_vec);
    loop {
        let txn = db.begin().await?;
        let mut q = verifications::Entity::find()
            .filter(verifications::Column::State.eq(StateKind::Approved))
            .filter(verifications::Column::CurrentTier.eq(by.tier))
            .filter(office_scope.condition());
        if let Some(c) = cycle_year {
            q = q.filter(verifications::Column::CycleYear.eq(c));
        }
        if let Some(y) = year {
            q = q.filter(verifications::Column::Year.eq(y));
        }
        if let Some(ids) = &pending {
            if ids.is_empty() {
                break;
            }
            let take: Vec<Uuid> = ids.iter().take(usize::try_from(chunk).unwrap_or(1000)).map(|i| i.0).collect();
            q = q.filter(verifications::Column::Id.is_in(take));
        }
        let rows = q
            .order_by_asc(verifications::Column::Year)
            .order_by_asc(verifications::Column::UnitId)
            .order_by_asc(verifications::Column::Id)
            .limit(chunk)
            .all(&txn)
            .await?;
        if let Some(ids) = &mut pending {
            let n = ids.len().min(usize::try_from(chunk).unwrap_or(1000));
            ids.drain(..n);
            if rows.is_empty() {
                continue;
            }
        } else if rows.is_empty() {
            break;
        }
        // A record re-verified after an inspection keeps the number it had.
        let kept: std::collections::HashMap<Uuid, Issue> = rows
            .iter()
            .filter_map(|m| match (&m.certificate_no, m.certificate_seq, m.issued_by_region) {
                (Some(n), Some(seq), Some(region)) => Some((m.id, Issue { number: n.clone(), seq, region })),
                _ => None,
            })
            .collect();
        let deemed: std::collections::HashSet<Uuid> =
            rows.iter().filter(|m| m.deemed_compliant).map(|m| m.id).collect();
        let special: std::collections::HashMap<Uuid, SpecialReason> =
            rows.iter().filter_map(|m| m.special_reason.map(|r| (m.id, r))).collect();
        let records: Vec<VerificationRecord> = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
        let mut issues = Vec::with_capacity(records.len());
        let mut by_year: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
        for r in records.iter().filter(|r| !kept.contains_key(&r.id.0)) {
            *by_year.entry(r.year).or_default() += 1;
        }
        let mut next: std::collections::HashMap<i32, i32> = std::collections::HashMap::new();
        for (y, n) in by_year {
            let last = take_numbers(&txn, region.0, y, i32::try_from(n).map_err(StoreError::corrupt)?).await?;
            next.insert(y, last - i32::try_from(n).map_err(StoreError::corrupt)? + 1);
        }
        for r in &records {
            if let Some(k) = kept.get(&r.id.0) {
                issues.push(Issue { number: k.number.clone(), seq: k.seq, region: k.region });
                continue;
            }
            let seq = next.get_mut(&r.year).ok_or_else(|| StoreError::corrupt("year without a counter"))?;
            let number = CertificateNumber::new(r.year, region.1, u32::try_from(*seq).map_err(StoreError::corrupt)?)
                .map_err(StoreError::corrupt)?;
            issues.push(Issue { number: number.to_string(), seq: *seq, region: region.0.0 });
            *seq += 1;
        }
        apply_inner(&txn, &records, Event::IssueNumber, by, None, &issues).await?;
        let certified: Vec<super::certificate::Certified> = records
            .iter()
            .zip(&issues)
            .map(|(r, i)| super::certificate::Certified {
                verification_id: r.id.0,
                person_id: r.person_id.0,
                unit_id: r.unit_id.0,
                year: r.year,
                number: i.number.clone(),
                deemed_compliant: deemed.contains(&r.id.0),
                special: special.get(&r.id.0).copied(),
                path: r.path,
            })
            .collect();
        let issuer = super::certificate::Issuer { region: region.0, office: by.tier, name: issuer_name, by: by.name };
        super::certificate::create_for(&txn, &certified, issuer).await?;
        let mut entry = audit.clone();
        entry.detail = serde_json::json!({
            "issued": issues.len(),
            "first": issues.first().map(|i| &i.number),
            "last": issues.last().map(|i| &i.number),
        });
        super::audit::append(&txn, &entry).await?;
        txn.commit().await?;
        stats.issued += issues.len();
        if stats.first.is_none() {
            stats.first = issues.first().map(|i| i.number.clone());
        }
        stats.last = issues.last().map(|i| i.number.clone());
    }
    Ok(stats)
}

/// Reserves `n` numbers of the office's year: returns the last one taken.
/// The counter row is locked until the transaction ends.
async fn take_numbers(db: &impl ConnectionTrait, region: RegionId, year: i32, n: i32) -> Result<i32, StoreError> {
    certificate_counters::Entity::insert(certificate_counters::ActiveModel {
        region_id: Set(region.0),
        year: Set(year),
        last_seq: Set(0),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            certificate_counters::Column::RegionId,
            certificate_counters::Column::Year,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    certificate_counters::Entity::update_many()
        .col_expr(certificate_counters::Column::LastSeq, Expr::col(certificate_counters::Column::LastSeq).add(n))
        .filter(certificate_counters::Column::RegionId.eq(region.0))
        .filter(certificate_counters::Column::Year.eq(year))
        .exec(db)
        .await?;
    certificate_counters::Entity::find_by_id((region.0, year))
        .one(db)
        .await?
        .map(|c| c.last_seq)
        .ok_or_else(|| StoreError::corrupt("certificate counter vanished"))
}

/// The records an office sees in its queues: a county's, a prefecture's,
/// or (the province) all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfficeScope {
    Province,
    Prefecture(RegionId),
    County(RegionId),
    Unit(UnitId),
    Department(UnitId, DepartmentId),
}

impl OfficeScope {
    pub fn condition(self) -> sea_orm::Condition {
        use sea_orm::Condition;
        match self {
            OfficeScope::Province => Condition::all(),
            OfficeScope::Prefecture(r) => Condition::all().add(verifications::Column::PrefectureId.eq(r.0)),
            OfficeScope::County(r) => Condition::all().add(verifications::Column::CountyId.eq(r.0)),
            OfficeScope::Unit(u) => Condition::all().add(verifications::Column::UnitId.eq(u.0)),
            OfficeScope::Department(u, d) => Condition::all()
                .add(verifications::Column::UnitId.eq(u.0))
                .add(verifications::Column::DepartmentId.eq(d.0)),
        }
    }
}

/// Filters of a queue or a list of records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub cycle_year: i32,
    /// Only records waiting on this tier (an office's queue).
    pub waiting_on: Option<Tier>,
    pub state: Option<StateKind>,
    pub list_kind: Option<ListKind>,
    /// Only records of this path (electronic or paper).
    pub path: Option<VerificationPath>,
    pub unit_id: Option<UnitId>,
    pub year: Option<i32>,
    /// Part of the person's name.
    pub name_contains: Option<String>,
    /// Only these people's records (an ID number looked up first).
    pub people: Option<Vec<PersonId>>,
}

/// A record with the names the queue shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub record: VerificationRecord,
    pub person_name: String,
    pub id_number_masked: String,
    pub unit_name: String,
}

/// The records in `scope` that pass `filter`.
fn matching_query(scope: OfficeScope, filter: &QueueFilter) -> sea_orm::Select<verifications::Entity> {
    let mut q = verifications::Entity::find()
        .filter(scope.condition())
        .filter(verifications::Column::CycleYear.eq(filter.cycle_year));
    if let Some(t) = filter.waiting_on {
        q = q.filter(verifications::Column::CurrentTier.eq(t));
    }
    if let Some(s) = filter.state {
        q = q.filter(verifications::Column::State.eq(s));
    }
    if let Some(k) = filter.list_kind {
        q = q.filter(verifications::Column::ListKind.eq(k));
    }
    if let Some(p) = filter.path {
        q = q.filter(verifications::Column::Path.eq(p));
    }
    if let Some(u) = filter.unit_id {
        q = q.filter(verifications::Column::UnitId.eq(u.0));
    }
    if let Some(y) = filter.year {
        q = q.filter(verifications::Column::Year.eq(y));
    }
    if let Some(pattern) = filter.name_contains.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        let named = people::Entity::find()
            .select_only()
            .column(people::Column::Id)
            .filter(people::Column::Name.like(super::contains_pattern(pattern)))
            .into_query();
        q = q.filter(verifications::Column::PersonId.in_subquery(named));
    }
    if let Some(ids) = &filter.people {
        q = q.filter(verifications::Column::PersonId.is_in(ids.iter().map(|p| p.0)));
    }
    q
}

/// How many records in `scope` pass `filter` ("共 N 条", "全部通过 N 条").
pub async fn count(db: &impl ConnectionTrait, scope: OfficeScope, filter: &QueueFilter) -> Result<u64, StoreError> {
    Ok(sea_orm::PaginatorTrait::count(matching_query(scope, filter), db).await?)
}

/// Every record in `scope` that passes `filter`, by id, at most `cap` + 1
/// (so that the caller can tell there were more).
pub async fn matching(
    db: &impl ConnectionTrait,
    scope: OfficeScope,
    filter: &QueueFilter,
    cap: u64,
) -> Result<Vec<VerificationRecord>, StoreError> {
    let rows = matching_query(scope, filter).order_by_asc(verifications::Column::Id).limit(cap + 1).all(db).await?;
    rows.into_iter().map(to_domain).collect()
}

/// One keyset page of records in `scope` that pass `filter`, by id.
pub async fn queue(
    db: &impl ConnectionTrait,
    scope: OfficeScope,
    filter: &QueueFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<super::Page<QueueRow>, StoreError> {
    let limit = super::page_limit(limit);
    let mut q = matching_query(scope, filter);
    if let Some(after) = after {
        q = q.filter(verifications::Column::Id.gt(after));
    }
    let rows = q.order_by_asc(verifications::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = super::paginate(rows, limit, |m| m.id);
    let person_ids: Vec<Uuid> = rows.iter().map(|m| m.person_id).collect();
    let unit_ids: std::collections::HashSet<Uuid> = rows.iter().map(|m| m.unit_id).collect();
    let names: std::collections::HashMap<Uuid, (String, String)> = if person_ids.is_empty() {
        std::collections::HashMap::new()
    } else {
        people::Entity::find()
            .select_only()
            .columns([people::Column::Id, people::Column::Name, people::Column::IdNumberMasked])
            .filter(people::Column::Id.is_in(person_ids))
            .into_tuple::<(Uuid, String, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, n, m)| (id, (n, m)))
            .collect()
    };
    let unit_names: std::collections::HashMap<Uuid, String> = if unit_ids.is_empty() {
        std::collections::HashMap::new()
    } else {
        units::Entity::find()
            .select_only()
            .columns([units::Column::Id, units::Column::Name])
            .filter(units::Column::Id.is_in(unit_ids))
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let items = rows
        .into_iter()
        .map(|m| {
            let (person_name, id_number_masked) = names.get(&m.person_id).cloned().unwrap_or_default();
            let unit_name = unit_names.get(&m.unit_id).cloned().unwrap_or_default();
            Ok(QueueRow { record: to_domain(m)?, person_name, id_number_masked, unit_name })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(super::Page { items, next })
}

/// How counts are grouped: by unit, by the unit's county or prefecture.
pub use cme_domain::report::Grouping;

/// Counts of records in `scope` of a cycle by group, list, state and the
/// tier waited on (the queue's summary and the cycle's statistics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// The unit, county or prefecture (None: a unit directly under a higher office).
    pub key: Option<Uuid>,
    pub list_kind: ListKind,
    pub state: StateKind,
    pub current_tier: Option<Tier>,
    pub count: u64,
}

/// Group, list, state, tier, count.
type CountRow = (Option<Uuid>, String, String, Option<String>, i64);

pub async fn counts_by(
    db: &impl ConnectionTrait,
    scope: OfficeScope,
    cycle_year: i32,
    group: Grouping,
    waiting_on: Option<Tier>,
    discipline: Option<cme_domain::person::Discipline>,
) -> Result<Vec<GroupCount>, StoreError> {
    let column = match group {
        Grouping::Unit => verifications::Column::UnitId,
        Grouping::County => verifications::Column::CountyId,
        Grouping::Prefecture => verifications::Column::PrefectureId,
    };
    let rows: Vec<CountRow> = verifications::Entity::find()
        .select_only()
        .column(column)
        .column(verifications::Column::ListKind)
        .column(verifications::Column::State)
        .column(verifications::Column::CurrentTier)
        // COUNT(*): the counts indexes (migration 19) answer from the index alone.
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(scope.condition())
        .filter(verifications::Column::CycleYear.eq(cycle_year))
        .apply_if(waiting_on, |q, t| sea_orm::QueryFilter::filter(q, verifications::Column::CurrentTier.eq(t)))
        .apply_if(discipline, |q, d| {
            let people_of = people::Entity::find()
                .select_only()
                .column(people::Column::Id)
                .filter(people::Column::Discipline.eq(d))
                .into_query();
            sea_orm::QueryFilter::filter(q, verifications::Column::PersonId.in_subquery(people_of))
        })
        .group_by(column)
        .group_by(verifications::Column::ListKind)
        .group_by(verifications::Column::State)
        .group_by(verifications::Column::CurrentTier)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(key, l, s, t, n)| {
            Ok(GroupCount {
                key,
                list_kind: parse(&l)?,
                state: parse(&s)?,
                current_tier: t.as_deref().map(parse).transpose()?,
                count: u64::try_from(n).unwrap_or(0),
            })
        })
        .collect()
}

/// The paper records (纸质验证) in `scope` of a cycle by group and state:
/// the statistics' paper columns. A query apart from [`counts_by`], which
/// the counts indexes answer alone and the workbench reads on every request.
pub async fn paper_counts_by(
    db: &impl ConnectionTrait,
    scope: OfficeScope,
    cycle_year: i32,
    group: Grouping,
    discipline: Option<cme_domain::person::Discipline>,
) -> Result<Vec<(Option<Uuid>, StateKind, u64)>, StoreError> {
    let column = match group {
        Grouping::Unit => verifications::Column::UnitId,
        Grouping::County => verifications::Column::CountyId,
        Grouping::Prefecture => verifications::Column::PrefectureId,
    };
    let rows: Vec<(Option<Uuid>, String, i64)> = verifications::Entity::find()
        .select_only()
        .column(column)
        .column(verifications::Column::State)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(scope.condition())
        .filter(verifications::Column::CycleYear.eq(cycle_year))
        .filter(verifications::Column::Path.eq(VerificationPath::Paper))
        .apply_if(discipline, |q, d| {
            let people_of = people::Entity::find()
                .select_only()
                .column(people::Column::Id)
                .filter(people::Column::Discipline.eq(d))
                .into_query();
            sea_orm::QueryFilter::filter(q, verifications::Column::PersonId.in_subquery(people_of))
        })
        .group_by(column)
        .group_by(verifications::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter().map(|(key, s, n)| Ok((key, parse(&s)?, u64::try_from(n).unwrap_or(0)))).collect()
}

/// The evidence files linked to a record.
pub async fn evidence_of(db: &impl ConnectionTrait, id: VerificationId) -> Result<Vec<Uuid>, StoreError> {
    Ok(verification_evidence::Entity::find()
        .select_only()
        .column(verification_evidence::Column::EvidenceId)
        .filter(verification_evidence::Column::VerificationId.eq(id.0))
        .into_tuple()
        .all(db)
        .await?)
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
                from: m.from_state.map(|s| state_from(s, m.from_step)).transpose()?,
                to: state_from(m.to_state, m.to_step)?,
                event: m.event,
                actor_tier: m.actor_tier,
                actor_id: m.actor_id,
                actor_name: m.actor_name,
                reason: m.reason,
                at: m.at,
            })
        })
        .collect()
}

/// Sends every finalised record (approved or certified) of an institution's
/// year back to its unit for re-verification (重新验证), in the caller's
/// transaction; returns how many moved. Their numbers stay: a record that
/// passes again gets a new version of the same certificate.
pub(crate) async fn reverify_unit_year(
    db: &impl ConnectionTrait,
    unit: UnitId,
    year: i32,
    by: &Acting<'_>,
    reason: &str,
) -> Result<usize, StoreError> {
    let rows = verifications::Entity::find()
        .filter(verifications::Column::UnitId.eq(unit.0))
        .filter(verifications::Column::Year.eq(year))
        .filter(verifications::Column::State.is_in([State::Approved.as_str(), State::Certified.as_str()]))
        .all(db)
        .await?;
    let records: Vec<VerificationRecord> = rows.into_iter().map(to_domain).collect::<Result<_, _>>()?;
    Ok(apply_inner(db, &records, Event::Reverify, by, Some(reason), &[]).await?.count)
}

/// The finalised records (approved or certified) of year `year` in
/// `scope`, of the (level, medicine) pairs given (all with `None`), and
/// optionally of one unit: (record, unit, person).
pub(crate) async fn finalised(
    db: &impl ConnectionTrait,
    scope: OfficeScope,
    year: i32,
    kinds: Option<&[(UnitLevel, Medicine)]>,
    only_unit: Option<UnitId>,
) -> Result<Vec<(Uuid, Uuid, Uuid)>, StoreError> {
    let mut q = verifications::Entity::find()
        .select_only()
        .columns([verifications::Column::Id, verifications::Column::UnitId, verifications::Column::PersonId])
        .filter(verifications::Column::Year.eq(year))
        .filter(verifications::Column::State.is_in([State::Approved.as_str(), State::Certified.as_str()]))
        .filter(scope.condition());
    if let Some(kinds) = kinds {
        let mut any = sea_orm::Condition::any();
        for (level, medicine) in kinds {
            any = any.add(
                sea_orm::Condition::all()
                    .add(verifications::Column::UnitLevel.eq(*level))
                    .add(verifications::Column::Medicine.eq(*medicine)),
            );
        }
        q = q.filter(any);
    }
    if let Some(u) = only_unit {
        q = q.filter(verifications::Column::UnitId.eq(u.0));
    }
    Ok(q.into_tuple().all(db).await?)
}
