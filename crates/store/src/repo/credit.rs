//! Credit records (amounts in integer tenths).

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::SubsecRound as _;

use cme_domain::credit::{CreditRecord, CreditSource, CreditState, EntryPath};
use cme_domain::ids::{CreditId, DepartmentId, PersonId};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, RuntimeErr,
};
use uuid::Uuid;

use crate::entity::credits;
use crate::{StoreError, batch_rows};

/// A credit record to insert, with what the domain record does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredit {
    pub record: CreditRecord,
    /// The CME activity that issued an electronic credit.
    pub activity_id: Option<Uuid>,
    /// Who entered it (an account name), for the audit trail.
    pub created_by: Option<String>,
    /// The department that typed in a paper certificate.
    pub department_id: Option<DepartmentId>,
}

impl From<CreditRecord> for NewCredit {
    fn from(record: CreditRecord) -> Self {
        NewCredit { record, activity_id: None, created_by: None, department_id: None }
    }
}

const COLUMNS: usize = 23;

fn active(c: &NewCredit) -> Result<credits::ActiveModel, StoreError> {
    let r = &c.record;
    let amount = i32::try_from(r.amount.tenths()).map_err(|_| StoreError::corrupt("credit amount out of range"))?;
    Ok(credits::ActiveModel {
        id: Set(r.id.0),
        person_id: Set(r.person_id.0),
        year: Set(r.year),
        kind: Set(r.category.kind()),
        source: Set(r.category.source()),
        class: Set(r.category.source().map(CreditSource::class)),
        amount_tenths: Set(amount),
        entry_path: Set(r.entry_path),
        state: Set(r.state),
        activity_name: Set(r.activity_name.clone()),
        organiser: Set(r.organiser.clone()),
        earned_on: Set(r.earned_on),
        certificate_no: Set(r.certificate_no.clone()),
        activity_id: Set(c.activity_id),
        reverses_id: Set(r.reverses.map(|id| id.0)),
        note: Set(r.note.clone()),
        created_at: Set(r.created_at.trunc_subsecs(6)),
        created_by: Set(c.created_by.clone()),
        department_id: Set(c.department_id.map(|d| d.0)),
        report_id: Set(None),
        decided_by: Set(None),
        decision_reason: Set(None),
        decided_at: Set(None),
    })
}

/// Verification states in which a person-year's credits are locked: from
/// submission on, until an office returns the record to the unit.
const LOCKING_STATES: [&str; 3] = ["in_review", "approved", "certified"];

/// `StoreError::Locked` when the person-year's verification has been
/// submitted (the next issue's review chain relies on it).
pub async fn ensure_open(db: &impl ConnectionTrait, person: PersonId, year: i32) -> Result<(), StoreError> {
    use crate::entity::verifications;
    use sea_orm::PaginatorTrait as _;
    let locked = verifications::Entity::find()
        .filter(verifications::Column::PersonId.eq(person.0))
        .filter(verifications::Column::Year.eq(year))
        .filter(verifications::Column::State.is_in(LOCKING_STATES))
        .count(db)
        .await?;
    if locked > 0 { Err(StoreError::Locked { year }) } else { Ok(()) }
}

/// Records one credit through an entry path (paper entry, a department's
/// draft, an activity's sign-in, a reversal): refuses a locked person-year,
/// inserts, and keeps the stored compliance of that person-year current.
/// Call it inside the request's transaction.
pub async fn record(db: &impl ConnectionTrait, credit: &NewCredit) -> Result<(), StoreError> {
    ensure_open(db, credit.record.person_id, credit.record.year).await?;
    insert(db, credit).await?;
    super::compliance::refresh(db, credit.record.person_id, credit.record.year).await
}

/// Inserts one credit record (no lock check: loaders and tests).
pub async fn insert(db: &impl ConnectionTrait, credit: &NewCredit) -> Result<(), StoreError> {
    credits::Entity::insert(active(credit)?).exec_without_returning(db).await?;
    Ok(())
}

/// Inserts many records in multi-row statements of a few thousand rows each
/// (under PostgreSQL's 65,535 bind parameters). Not atomic as a whole.
pub async fn insert_many(db: &impl ConnectionTrait, credits_: &[NewCredit]) -> Result<u64, StoreError> {
    let mut inserted = 0;
    for chunk in credits_.chunks(batch_rows(db.get_database_backend(), COLUMNS)) {
        let rows = chunk.iter().map(active).collect::<Result<Vec<_>, _>>()?;
        inserted += credits::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(inserted)
}

/// Loads many records as fast as the backend allows: one `COPY … FROM STDIN`
/// on PostgreSQL (atomic as a whole, several times faster than multi-row
/// `INSERT`s), [`insert_many`] elsewhere. Runs on the pool, outside any
/// transaction.
pub async fn copy_in(db: &DatabaseConnection, credits_: &[NewCredit]) -> Result<u64, StoreError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return insert_many(db, credits_).await;
    }
    let sqlx_err = |e: sea_orm::sqlx::Error| StoreError::from(DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e))));
    let mut conn = db.get_postgres_connection_pool().acquire().await.map_err(sqlx_err)?;
    let mut copy = conn
        .copy_in_raw(
            "COPY credits (id, person_id, year, kind, source, class, amount_tenths, entry_path, state, \
             activity_name, organiser, earned_on, certificate_no, activity_id, reverses_id, note, created_at, \
             created_by) FROM STDIN (FORMAT csv)",
        )
        .await
        .map_err(sqlx_err)?;
    let mut buf = String::with_capacity(1 << 20);
    for chunk in credits_.chunks(10_000) {
        buf.clear();
        for c in chunk {
            csv_row(&mut buf, c)?;
        }
        if let Err(e) = copy.send(buf.as_bytes()).await {
            let _ = copy.abort("send failed").await;
            return Err(sqlx_err(e));
        }
    }
    copy.finish().await.map_err(sqlx_err)
}

/// One CSV line of `COPY credits`: text quoted, NULL as an empty unquoted field.
fn csv_row(out: &mut String, c: &NewCredit) -> Result<(), StoreError> {
    fn text(out: &mut String, s: Option<&str>) {
        if let Some(s) = s {
            out.push('"');
            for ch in s.chars() {
                if ch == '"' {
                    out.push('"');
                }
                out.push(ch);
            }
            out.push('"');
        }
        out.push(',');
    }
    let r = &c.record;
    let fail = |_| StoreError::corrupt("formatting a COPY row failed");
    write!(out, "{},{},{},", r.id, r.person_id, r.year).map_err(fail)?;
    text(out, Some(r.category.kind().as_str()));
    text(out, r.category.source().map(cme_domain::credit::CreditSource::as_str));
    text(out, r.category.source().map(|s| s.class().as_str()));
    write!(out, "{},", r.amount.tenths()).map_err(fail)?;
    text(out, Some(r.entry_path.as_str()));
    text(out, Some(r.state.as_str()));
    text(out, Some(&r.activity_name));
    text(out, r.organiser.as_deref());
    if let Some(d) = r.earned_on {
        write!(out, "{d}").map_err(fail)?;
    }
    out.push(',');
    text(out, r.certificate_no.as_deref());
    if let Some(a) = c.activity_id {
        write!(out, "{a}").map_err(fail)?;
    }
    out.push(',');
    if let Some(id) = r.reverses {
        write!(out, "{id}").map_err(fail)?;
    }
    out.push(',');
    text(out, r.note.as_deref());
    write!(out, "{},", r.created_at.trunc_subsecs(6).to_rfc3339()).map_err(fail)?;
    // The last field: no separator after it.
    if let Some(by) = &c.created_by {
        text(out, Some(by));
        out.pop();
    }
    out.push('\n');
    Ok(())
}

pub async fn get(db: &impl ConnectionTrait, id: CreditId) -> Result<CreditRecord, StoreError> {
    credits::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(CreditRecord::try_from)
}

pub use super::compliance::inputs::credits as list_for_person_year;

/// Moves a record from `from` to `to` (a unit approving or rejecting a
/// department's entry, a reversal): `StaleVersion` if it is no longer in `from`.
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: CreditId,
    from: CreditState,
    to: CreditState,
) -> Result<(), StoreError> {
    let res = credits::Entity::update_many()
        .col_expr(credits::Column::State, Expr::value(to))
        .filter(credits::Column::Id.eq(id.0))
        .filter(credits::Column::State.eq(from))
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        return Ok(());
    }
    // Tell a missing record from one that moved on.
    get(db, id).await?;
    Err(StoreError::StaleVersion)
}

/// A record with what the entry and review pages show beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditEntry {
    pub record: CreditRecord,
    pub created_by: Option<String>,
    pub department_id: Option<DepartmentId>,
    pub report_id: Option<Uuid>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn to_entry(mut m: credits::Model) -> Result<CreditEntry, StoreError> {
    Ok(CreditEntry {
        created_by: m.created_by.take(),
        department_id: m.department_id.map(DepartmentId),
        report_id: m.report_id,
        decided_by: m.decided_by.take(),
        decision_reason: m.decision_reason.take(),
        decided_at: m.decided_at,
        record: CreditRecord::try_from(m)?,
    })
}

/// One record with its entry details.
pub async fn get_entry(db: &impl ConnectionTrait, id: CreditId) -> Result<CreditEntry, StoreError> {
    credits::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(to_entry)
}

/// Every record of a person-year with its entry details, in entry order.
pub async fn entries_for_person_year(
    db: &impl ConnectionTrait,
    person: PersonId,
    year: i32,
) -> Result<Vec<CreditEntry>, StoreError> {
    credits::Entity::find()
        .filter(credits::Column::PersonId.eq(person.0))
        .filter(credits::Column::Year.eq(year))
        .order_by_asc(credits::Column::CreatedAt)
        .order_by_asc(credits::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_entry)
        .collect()
}

/// A department's drafts (typed in, not yet reported), oldest first.
pub async fn drafts_of_department(
    db: &impl ConnectionTrait,
    department: DepartmentId,
) -> Result<Vec<CreditEntry>, StoreError> {
    credits::Entity::find()
        .filter(credits::Column::DepartmentId.eq(department.0))
        .filter(credits::Column::State.eq(CreditState::Draft))
        .order_by_asc(credits::Column::CreatedAt)
        .order_by_asc(credits::Column::Id)
        .limit(2_000)
        .all(db)
        .await?
        .into_iter()
        .map(to_entry)
        .collect()
}

/// The records a report carried, in entry order.
pub async fn entries_of_report(db: &impl ConnectionTrait, report: Uuid) -> Result<Vec<CreditEntry>, StoreError> {
    credits::Entity::find()
        .filter(credits::Column::ReportId.eq(report))
        .order_by_asc(credits::Column::CreatedAt)
        .order_by_asc(credits::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_entry)
        .collect()
}

/// A live paper entry of the same certificate for the person (draft,
/// pending or valid), if any: the same paper certificate entered twice.
pub async fn find_live_certificate(
    db: &impl ConnectionTrait,
    person: PersonId,
    certificate_no: &str,
) -> Result<Option<CreditRecord>, StoreError> {
    credits::Entity::find()
        .filter(credits::Column::PersonId.eq(person.0))
        .filter(credits::Column::CertificateNo.eq(certificate_no))
        .filter(credits::Column::EntryPath.is_in([EntryPath::PaperUnit.as_str(), EntryPath::PaperDepartment.as_str()]))
        .filter(credits::Column::State.is_in([
            CreditState::Draft.as_str(),
            CreditState::Pending.as_str(),
            CreditState::Valid.as_str(),
        ]))
        .one(db)
        .await?
        .map(CreditRecord::try_from)
        .transpose()
}

/// Reverses a record (冲销): the original moves to `reversed` and a new
/// `reversal` entry names it and carries the reason; both stay in the
/// history. Only a valid or draft record can be reversed, in an open
/// person-year. Returns the reversal entry.
pub async fn reverse(
    db: &impl ConnectionTrait,
    id: CreditId,
    reason: &str,
    by: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<CreditRecord, StoreError> {
    let original = get(db, id).await?;
    ensure_open(db, original.person_id, original.year).await?;
    if !matches!(original.state, CreditState::Valid | CreditState::Draft) {
        return Err(StoreError::StaleVersion);
    }
    set_state(db, id, original.state, CreditState::Reversed).await?;
    let reversal = CreditRecord {
        id: CreditId(Uuid::now_v7()),
        state: CreditState::Reversal,
        reverses: Some(original.id),
        note: Some(reason.to_owned()),
        created_at: at,
        // A reversal is not a certificate: the original's number is freed
        // for a corrected entry.
        certificate_no: None,
        ..original.clone()
    };
    insert(
        db,
        &NewCredit {
            record: reversal.clone(),
            activity_id: None,
            created_by: Some(by.to_owned()),
            department_id: None,
        },
    )
    .await?;
    super::compliance::refresh(db, original.person_id, original.year).await?;
    Ok(reversal)
}
