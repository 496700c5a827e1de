//! Health workers, their titles and status history.
//!
//! The ID number is stored as AES-256-GCM ciphertext, an HMAC look-up index
//! (unique: `uq_people_id_number_hmac`) and a masked display form; the
//! plaintext never reaches the database.

use std::collections::HashMap;

use cme_domain::IdCardNumber;
use cme_domain::auth::Scope;
use cme_domain::ids::{DepartmentId, PersonId, UnitId};
use cme_domain::person::{Discipline, Person, PersonStatus, Title};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::{Page, contains_pattern, now, page_limit, paginate, parse, scope};
use crate::crypto::{Field, PiiCipher};
use crate::entity::{people, person_status_changes, person_titles};
use crate::{StoreError, batch_rows};

/// One status change of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub from: Option<PersonStatus>,
    pub to: PersonStatus,
    pub reason: Option<String>,
    pub changed_by: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The day the change takes effect, when the unit gave one.
    pub effective_on: Option<chrono::NaiveDate>,
}

fn title_active(person: PersonId, title: &Title) -> person_titles::ActiveModel {
    person_titles::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person.0),
        name: Set(title.name.clone()),
        level: Set(title.level),
        obtained_on: Set(title.obtained_on),
        created_at: Set(now()),
    }
}

fn person_active(cipher: &PiiCipher, p: &Person, phone: Option<&str>) -> Result<people::ActiveModel, StoreError> {
    let at = now();
    Ok(people::ActiveModel {
        id: Set(p.id.0),
        unit_id: Set(p.unit_id.0),
        department_id: Set(p.department_id.map(|d| d.0)),
        name: Set(p.name.clone()),
        gender: Set(p.gender),
        id_number_cipher: Set(cipher.encrypt(Field::IdNumber, p.id_number.as_str())?),
        id_number_hmac: Set(cipher.index(p.id_number.as_str())),
        id_number_masked: Set(p.id_number.masked()),
        discipline: Set(p.discipline),
        status: Set(p.status),
        phone_cipher: Set(phone.map(|ph| cipher.encrypt(Field::Phone, ph)).transpose()?),
        // Filled from the unit's region by `sync_jurisdiction`.
        county_id: sea_orm::ActiveValue::NotSet,
        prefecture_id: sea_orm::ActiveValue::NotSet,
        row_version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    })
}

fn to_domain(cipher: &PiiCipher, m: people::Model, titles: &[person_titles::Model]) -> Result<Person, StoreError> {
    let id_number = cipher.decrypt(Field::IdNumber, &m.id_number_cipher)?;
    Ok(Person {
        id: PersonId(m.id),
        unit_id: UnitId(m.unit_id),
        department_id: m.department_id.map(DepartmentId),
        name: m.name,
        gender: m.gender,
        id_number: IdCardNumber::from_trusted(id_number),
        discipline: m.discipline,
        status: m.status,
        titles: titles.iter().map(Title::try_from).collect::<Result<_, _>>()?,
    })
}

/// Inserts a person with their titles, atomically. A second person with the
/// same ID number is `Conflict { constraint: "uq_people_id_number_hmac" }`.
pub async fn insert<C>(db: &C, cipher: &PiiCipher, person: &Person) -> Result<(), StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    people::Entity::insert(person_active(cipher, person, None)?).exec_without_returning(&txn).await?;
    sync_jurisdiction(&txn, &[person.id.0]).await?;
    if !person.titles.is_empty() {
        person_titles::Entity::insert_many(person.titles.iter().map(|t| title_active(person.id, t)))
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Inserts many people (and their titles) in large multi-row statements, for
/// bulk loads. Not atomic as a whole: wrap it in a transaction if it must be.
pub async fn insert_many(db: &impl ConnectionTrait, cipher: &PiiCipher, people_: &[Person]) -> Result<u64, StoreError> {
    let rows: Vec<(&Person, Option<&str>)> = people_.iter().map(|p| (p, None)).collect();
    insert_rows(db, cipher, &rows).await
}

/// [`insert_many`] with each person's phone number (encrypted).
async fn insert_rows(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    people_: &[(&Person, Option<&str>)],
) -> Result<u64, StoreError> {
    let backend = db.get_database_backend();
    let mut inserted = 0;
    for chunk in people_.chunks(batch_rows(backend, 14)) {
        let rows = chunk.iter().map(|(p, phone)| person_active(cipher, p, *phone)).collect::<Result<Vec<_>, _>>()?;
        inserted += people::Entity::insert_many(rows).exec_without_returning(db).await?;
        sync_jurisdiction(db, &chunk.iter().map(|(p, _)| p.id.0).collect::<Vec<_>>()).await?;
    }
    let titles: Vec<person_titles::ActiveModel> =
        people_.iter().flat_map(|(p, _)| p.titles.iter().map(|t| title_active(p.id, t))).collect();
    let mut rest = titles.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(rest.len().min(batch_rows(backend, 6)));
        person_titles::Entity::insert_many(chunk.iter().cloned()).exec_without_returning(db).await?;
        rest = tail;
    }
    Ok(inserted)
}

/// Copies each person's county and prefecture from his unit's region; call
/// after every write of `people.unit_id`.
pub(crate) async fn sync_jurisdiction(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), StoreError> {
    use migration::m20261123_000008_people_jurisdiction::{COUNTY_OF_UNIT, PREFECTURE_OF_UNIT};
    use sea_orm::sea_query::Query;
    for chunk in ids.chunks(5_000) {
        let stmt = Query::update()
            .table(people::Entity)
            .value(people::Column::CountyId, Expr::cust(COUNTY_OF_UNIT))
            .value(people::Column::PrefectureId, Expr::cust(PREFECTURE_OF_UNIT))
            .and_where(Expr::col(people::Column::Id).is_in(chunk.iter().copied()))
            .to_owned();
        db.execute(&stmt).await?;
    }
    Ok(())
}

async fn titles_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<person_titles::Model>>, StoreError> {
    let mut by_person: HashMap<Uuid, Vec<person_titles::Model>> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        let rows = person_titles::Entity::find()
            .filter(person_titles::Column::PersonId.is_in(chunk.iter().copied()))
            .order_by_asc(person_titles::Column::ObtainedOn)
            .all(db)
            .await?;
        for row in rows {
            by_person.entry(row.person_id).or_default().push(row);
        }
    }
    Ok(by_person)
}

async fn with_titles(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    rows: Vec<people::Model>,
) -> Result<Vec<Person>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let titles = titles_of(db, &ids).await?;
    rows.into_iter().map(|m| to_domain(cipher, m.clone(), titles.get(&m.id).map_or(&[], Vec::as_slice))).collect()
}

/// A person with their titles and decrypted ID number.
pub async fn get(db: &impl ConnectionTrait, cipher: &PiiCipher, id: PersonId) -> Result<Person, StoreError> {
    let row = people::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound)?;
    with_titles(db, cipher, vec![row]).await?.pop().ok_or(StoreError::NotFound)
}

/// The person with this ID number, found through its HMAC index.
pub async fn find_by_id_number(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    id_number: &IdCardNumber,
) -> Result<Option<Person>, StoreError> {
    let row = people::Entity::find()
        .filter(people::Column::IdNumberHmac.eq(cipher.index(id_number.as_str())))
        .one(db)
        .await?;
    match row {
        Some(row) => Ok(with_titles(db, cipher, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// A unit's people, by name.
pub async fn list_by_unit(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    unit: UnitId,
) -> Result<Vec<Person>, StoreError> {
    let rows = people::Entity::find()
        .filter(people::Column::UnitId.eq(unit.0))
        .order_by_asc(people::Column::Name)
        .order_by_asc(people::Column::Id)
        .all(db)
        .await?;
    with_titles(db, cipher, rows).await
}

pub use super::compliance::inputs::titles;

/// The stored row version (for ETags): bumped by every change of the person.
pub async fn row_version(db: &impl ConnectionTrait, person: PersonId) -> Result<i32, StoreError> {
    people::Entity::find_by_id(person.0).one(db).await?.map(|m| m.row_version).ok_or(StoreError::NotFound)
}

async fn touch(db: &impl ConnectionTrait, person: PersonId) -> Result<(), StoreError> {
    let res = people::Entity::update_many()
        .col_expr(people::Column::RowVersion, Expr::col(people::Column::RowVersion).add(1))
        .col_expr(people::Column::UpdatedAt, Expr::value(now()))
        .filter(people::Column::Id.eq(person.0))
        .exec(db)
        .await?;
    if res.rows_affected == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Records a newly obtained title.
pub async fn add_title<C>(db: &C, person: PersonId, title: &Title) -> Result<(), StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    touch(&txn, person).await?;
    person_titles::Entity::insert(title_active(person, title)).exec_without_returning(&txn).await?;
    after_change(&txn, person).await?;
    txn.commit().await?;
    Ok(())
}

/// Changes a person's status and records the change; returns the previous
/// status. Changing to the current status records nothing.
pub async fn change_status<C>(
    db: &C,
    person: PersonId,
    to: PersonStatus,
    reason: Option<&str>,
    changed_by: Option<&str>,
) -> Result<PersonStatus, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let row = people::Entity::find_by_id(person.0).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let from: PersonStatus = row.status;
    if from == to {
        return Ok(from);
    }
    let at = now();
    let res = people::Entity::update_many()
        .col_expr(people::Column::Status, Expr::value(to))
        .col_expr(people::Column::RowVersion, Expr::value(row.row_version + 1))
        .col_expr(people::Column::UpdatedAt, Expr::value(at))
        .filter(people::Column::Id.eq(person.0))
        .filter(people::Column::RowVersion.eq(row.row_version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    person_status_changes::Entity::insert(person_status_changes::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person.0),
        from_status: Set(Some(from)),
        to_status: Set(to),
        reason: Set(reason.map(str::to_owned)),
        changed_by: Set(changed_by.map(str::to_owned)),
        at: Set(at),
        effective_on: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    after_change(&txn, person).await?;
    txn.commit().await?;
    Ok(from)
}

/// A person's status history, oldest first.
pub async fn status_history(db: &impl ConnectionTrait, person: PersonId) -> Result<Vec<StatusChange>, StoreError> {
    person_status_changes::Entity::find()
        .filter(person_status_changes::Column::PersonId.eq(person.0))
        .order_by_asc(person_status_changes::Column::At)
        .order_by_asc(person_status_changes::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(StatusChange {
                from: m.from_status,
                to: m.to_status,
                reason: m.reason,
                changed_by: m.changed_by,
                at: m.at,
                effective_on: m.effective_on,
            })
        })
        .collect()
}

/// Filters of a people list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFilter {
    pub unit_id: Option<UnitId>,
    pub department_id: Option<DepartmentId>,
    pub status: Option<PersonStatus>,
    pub discipline: Option<Discipline>,
    /// A part of the name.
    pub name_contains: Option<String>,
}

/// The people visible in `scope` (see `scope::people`) that pass `filter`,
/// with their titles, by id, one page after the cursor `after`; at most
/// [`MAX_PAGE`](super::MAX_PAGE) per page.
pub async fn list_scoped(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    scope: &Scope,
    filter: &PersonFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Person>, StoreError> {
    let limit = page_limit(limit);
    let query = filtered(people::Entity::find().filter(scope::people(scope)), filter, after);
    let rows = query.order_by_asc(people::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    Ok(Page { items: with_titles(db, cipher, rows).await?, next })
}

/// The filters and the keyset cursor of a people list.
fn filtered(
    mut query: sea_orm::Select<people::Entity>,
    filter: &PersonFilter,
    after: Option<Uuid>,
) -> sea_orm::Select<people::Entity> {
    if let Some(unit) = filter.unit_id {
        query = query.filter(people::Column::UnitId.eq(unit.0));
    }
    if let Some(department) = filter.department_id {
        query = query.filter(people::Column::DepartmentId.eq(department.0));
    }
    if let Some(status) = filter.status {
        query = query.filter(people::Column::Status.eq(status));
    }
    if let Some(discipline) = filter.discipline {
        query = query.filter(people::Column::Discipline.eq(discipline));
    }
    if let Some(name) = filter.name_contains.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        query = query.filter(people::Column::Name.like(contains_pattern(name)));
    }
    if let Some(after) = after {
        query = query.filter(people::Column::Id.gt(after));
    }
    query
}

/// A person as a list shows him: no ciphertext is read or decrypted (the
/// masked number is stored), and only the titles, not the status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSummary {
    pub id: PersonId,
    pub unit_id: UnitId,
    pub department_id: Option<DepartmentId>,
    pub name: String,
    pub gender: cme_domain::person::Gender,
    pub id_number_masked: String,
    pub discipline: Discipline,
    pub status: PersonStatus,
    /// The title held on the day asked for.
    pub title: Option<Title>,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SummaryRow {
    id: Uuid,
    unit_id: Uuid,
    department_id: Option<Uuid>,
    name: String,
    gender: String,
    id_number_masked: String,
    discipline: String,
    status: String,
    /// `level|obtained_on|name` of the title held on the day asked for.
    current_title: Option<String>,
}

/// People visible in `scope` as list rows, with the same filters and keyset
/// pages as [`list_scoped`], reading only the columns a list shows and the
/// title held on `day`.
pub async fn list_summaries(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &PersonFilter,
    after: Option<Uuid>,
    limit: u64,
    day: chrono::NaiveDate,
) -> Result<Page<PersonSummary>, StoreError> {
    let limit = page_limit(limit);
    let query = filtered(people::Entity::find().filter(scope::people_resolved(db, scope).await?), filter, after);
    let rows = query
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::UnitId,
            people::Column::DepartmentId,
            people::Column::Name,
            people::Column::Gender,
            people::Column::IdNumberMasked,
            people::Column::Discipline,
            people::Column::Status,
        ])
        .expr_as(person_titles::current_title_expr(day), "current_title")
        .order_by_asc(people::Column::Id)
        .limit(limit + 1)
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(PersonSummary {
                id: PersonId(r.id),
                unit_id: UnitId(r.unit_id),
                department_id: r.department_id.map(DepartmentId),
                name: r.name,
                gender: parse(&r.gender)?,
                id_number_masked: r.id_number_masked,
                discipline: parse(&r.discipline)?,
                status: parse(&r.status)?,
                title: r.current_title.as_deref().map(person_titles::parse_current_title).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page { items, next })
}

/// Names and masked ID numbers of people, by id (for queues and lists of
/// records: no ciphertext is read). Unknown ids are left out.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = PersonId>,
) -> Result<std::collections::HashMap<PersonId, (String, String)>, StoreError> {
    let ids: std::collections::BTreeSet<Uuid> = ids.into_iter().map(|p| p.0).collect();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(Uuid, String, String)> = people::Entity::find()
        .select_only()
        .columns([people::Column::Id, people::Column::Name, people::Column::IdNumberMasked])
        .filter(people::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, name, masked)| (PersonId(id), (name, masked))).collect())
}

/// A person visible in `scope`, with titles; `NotFound` for anyone else, as
/// for a person who does not exist.
pub async fn get_scoped(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    scope: &Scope,
    id: PersonId,
) -> Result<Person, StoreError> {
    let row =
        people::Entity::find_by_id(id.0).filter(scope::people(scope)).one(db).await?.ok_or(StoreError::NotFound)?;
    with_titles(db, cipher, vec![row]).await?.pop().ok_or(StoreError::NotFound)
}

// ---------------------------------------------------------------------------
// Upkeep (状态/职称维护, edits, transfers): every path that changes a
// person's unit, title or status calls [`after_change`] in its transaction.

/// Called by every upkeep path (create, import, upsert, title and status
/// changes, an accepted transfer) after it changed a person's unit, title or
/// status, inside the same transaction.
///
/// It re-evaluates the stored compliance of every year the person has a
/// verdict or a credit for: a new title moves the standard, a status change
/// moves the person in or out of the count, a transfer moves him to another
/// unit's level.
pub async fn after_change(db: &impl ConnectionTrait, person: PersonId) -> Result<(), StoreError> {
    super::compliance::refresh_person(db, person).await
}

/// A new person with what the domain type does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub person: Person,
    /// Stored encrypted.
    pub phone: Option<String>,
}

/// Inserts one person with his titles and phone, atomically (a savepoint
/// inside a caller's transaction). A second person with the same ID number
/// is `Conflict { constraint: "uq_people_id_number_hmac" }`.
pub async fn create<C>(db: &C, cipher: &PiiCipher, new: &NewPerson) -> Result<(), StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    insert_rows(&txn, cipher, &[(&new.person, new.phone.as_deref())]).await?;
    super::compliance::refresh_new(&txn, &[new.person.id], current_year()).await?;
    txn.commit().await?;
    Ok(())
}

/// The calendar year in Asia/Shanghai: the year new staff's credits count for.
fn current_year() -> i32 {
    use chrono::Datelike as _;
    cme_domain::time::today_in_shanghai(chrono::Utc::now()).year()
}

/// Inserts many new people (titles and phones too) in multi-row statements;
/// call inside the caller's transaction, so that all or none are written.
pub async fn create_many(db: &impl ConnectionTrait, cipher: &PiiCipher, new: &[NewPerson]) -> Result<u64, StoreError> {
    let rows: Vec<(&Person, Option<&str>)> = new.iter().map(|n| (&n.person, n.phone.as_deref())).collect();
    let n = insert_rows(db, cipher, &rows).await?;
    // New staff have no credits yet: their verdict for this year (missing
    // everything) is stored at once, so the unit's compliance list shows them.
    let ids: Vec<PersonId> = new.iter().map(|n| n.person.id).collect();
    super::compliance::refresh_new(db, &ids, current_year()).await?;
    Ok(n)
}

/// A person as the upkeep pages show him: with his row version (the ETag),
/// his phone (decrypted) and his status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub person: Person,
    pub row_version: i32,
    pub phone: Option<String>,
}

/// A person visible in `scope`, with row version and phone; `NotFound` for
/// anyone else.
pub async fn get_record_scoped(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    scope: &Scope,
    id: PersonId,
) -> Result<PersonRecord, StoreError> {
    let row =
        people::Entity::find_by_id(id.0).filter(scope::people(scope)).one(db).await?.ok_or(StoreError::NotFound)?;
    record(db, cipher, row).await
}

async fn record(db: &impl ConnectionTrait, cipher: &PiiCipher, row: people::Model) -> Result<PersonRecord, StoreError> {
    let row_version = row.row_version;
    let phone = row.phone_cipher.as_deref().map(|c| cipher.decrypt(Field::Phone, c)).transpose()?;
    let person = with_titles(db, cipher, vec![row]).await?.pop().ok_or(StoreError::NotFound)?;
    Ok(PersonRecord { person, row_version, phone })
}

/// The people with these ID numbers, by ID number (through the HMAC index,
/// in chunks): for duplicate checks of imports and batches.
pub async fn find_many_by_id_number(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    ids: &[&IdCardNumber],
) -> Result<HashMap<String, PersonRecord>, StoreError> {
    let mut by_hmac: HashMap<Vec<u8>, String> = HashMap::new();
    for id in ids {
        by_hmac.insert(cipher.index(id.as_str()), id.as_str().to_owned());
    }
    let hmacs: Vec<Vec<u8>> = by_hmac.keys().cloned().collect();
    let mut rows = Vec::new();
    for chunk in hmacs.chunks(1_000) {
        rows.extend(
            people::Entity::find().filter(people::Column::IdNumberHmac.is_in(chunk.iter().cloned())).all(db).await?,
        );
    }
    let titles = titles_of(db, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let Some(id_text) = by_hmac.get(&row.id_number_hmac).cloned() else { continue };
        let row_version = row.row_version;
        let phone = row.phone_cipher.as_deref().map(|c| cipher.decrypt(Field::Phone, c)).transpose()?;
        let own_titles = titles.get(&row.id).map_or(&[][..], Vec::as_slice);
        let person = to_domain(cipher, row.clone(), own_titles)?;
        out.insert(id_text, PersonRecord { person, row_version, phone });
    }
    Ok(out)
}

/// The changes of an edit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonEdit {
    pub name: Option<String>,
    pub gender: Option<cme_domain::person::Gender>,
    /// `Some(None)` takes the person out of any department.
    pub department_id: Option<Option<DepartmentId>>,
    pub discipline: Option<Discipline>,
    /// `Some(None)` removes the phone number.
    pub phone: Option<Option<String>>,
}

impl PersonEdit {
    pub fn is_empty(&self) -> bool {
        *self == PersonEdit::default()
    }
}

/// Bumps the row version when it is still `expected` (any version for
/// `None`) and applies `changes`; returns the new version. `StaleVersion`
/// when someone changed the person since, `NotFound` when he does not exist.
async fn bump(
    db: &impl ConnectionTrait,
    person: PersonId,
    expected: Option<i32>,
    changes: Vec<(people::Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<i32, StoreError> {
    let mut update = people::Entity::update_many()
        .col_expr(people::Column::RowVersion, Expr::col(people::Column::RowVersion).add(1))
        .col_expr(people::Column::UpdatedAt, Expr::value(now()))
        .filter(people::Column::Id.eq(person.0));
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    if let Some(v) = expected {
        update = update.filter(people::Column::RowVersion.eq(v));
    }
    if update.exec(db).await?.rows_affected == 1 {
        return row_version(db, person).await;
    }
    // Tell a lost race from a missing person.
    row_version(db, person).await?;
    Err(StoreError::StaleVersion)
}

/// Applies an edit if the person is still at `expected` (`None`: whatever
/// his version); returns the new row version.
pub async fn edit(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    person: PersonId,
    expected: Option<i32>,
    edit: &PersonEdit,
) -> Result<i32, StoreError> {
    let mut changes = Vec::new();
    if let Some(name) = &edit.name {
        changes.push((people::Column::Name, Expr::value(name.clone())));
    }
    if let Some(gender) = edit.gender {
        changes.push((people::Column::Gender, Expr::value(gender)));
    }
    if let Some(department) = edit.department_id {
        changes.push((people::Column::DepartmentId, Expr::value(department.map(|d| d.0))));
    }
    if let Some(discipline) = edit.discipline {
        changes.push((people::Column::Discipline, Expr::value(discipline)));
    }
    if let Some(phone) = &edit.phone {
        let blob = phone.as_deref().map(|p| cipher.encrypt(Field::Phone, p)).transpose()?;
        changes.push((people::Column::PhoneCipher, Expr::value(blob)));
    }
    bump(db, person, expected, changes).await
}

/// Records a newly obtained title if the person is still at `expected`;
/// returns the new row version. The standard follows by itself: it is
/// chosen by the title held on 31 December (`person::title_for_year`).
pub async fn add_title_versioned(
    db: &impl ConnectionTrait,
    person: PersonId,
    expected: Option<i32>,
    title: &Title,
) -> Result<i32, StoreError> {
    let version = bump(db, person, expected, Vec::new()).await?;
    person_titles::Entity::insert(title_active(person, title)).exec_without_returning(db).await?;
    after_change(db, person).await?;
    Ok(version)
}

/// A status change to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChangeRequest {
    pub to: PersonStatus,
    pub reason: Option<String>,
    pub effective_on: Option<chrono::NaiveDate>,
    /// Who changed it (an account or client name).
    pub changed_by: String,
}

/// Changes the status if the person is still at `expected` and records the
/// change; returns the previous status and the new row version.
pub async fn change_status_versioned(
    db: &impl ConnectionTrait,
    person: PersonId,
    expected: Option<i32>,
    change: &StatusChangeRequest,
) -> Result<(PersonStatus, i32), StoreError> {
    let row = people::Entity::find_by_id(person.0).one(db).await?.ok_or(StoreError::NotFound)?;
    let from: PersonStatus = row.status;
    // Guard on the version read, so the recorded `from` is the one replaced.
    let guard = expected.unwrap_or(row.row_version);
    if guard != row.row_version {
        return Err(StoreError::StaleVersion);
    }
    let version = bump(db, person, Some(guard), vec![(people::Column::Status, Expr::value(change.to))]).await?;
    person_status_changes::Entity::insert(person_status_changes::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person.0),
        from_status: Set(Some(from)),
        to_status: Set(change.to),
        reason: Set(change.reason.clone()),
        changed_by: Set(Some(change.changed_by.clone())),
        at: Set(now()),
        effective_on: Set(change.effective_on),
    })
    .exec_without_returning(db)
    .await?;
    after_change(db, person).await?;
    Ok((from, version))
}

/// Moves a person to another unit (and department) and bumps his row
/// version; his county and prefecture follow, and so does his trainee
/// account. Used by an accepted transfer, in its transaction.
pub(crate) async fn move_to_unit(
    db: &impl ConnectionTrait,
    person: PersonId,
    from: UnitId,
    to: UnitId,
    department: Option<DepartmentId>,
) -> Result<i32, StoreError> {
    use crate::entity::accounts;
    let res = people::Entity::update_many()
        .col_expr(people::Column::UnitId, Expr::value(to.0))
        .col_expr(people::Column::DepartmentId, Expr::value(department.map(|d| d.0)))
        .col_expr(people::Column::RowVersion, Expr::col(people::Column::RowVersion).add(1))
        .col_expr(people::Column::UpdatedAt, Expr::value(now()))
        .filter(people::Column::Id.eq(person.0))
        .filter(people::Column::UnitId.eq(from.0))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    sync_jurisdiction(db, &[person.0]).await?;
    accounts::Entity::update_many()
        .col_expr(accounts::Column::UnitId, Expr::value(to.0))
        .col_expr(accounts::Column::RowVersion, Expr::col(accounts::Column::RowVersion).add(1))
        .col_expr(accounts::Column::UpdatedAt, Expr::value(now()))
        .filter(accounts::Column::PersonId.eq(person.0))
        .exec(db)
        .await?;
    after_change(db, person).await?;
    row_version(db, person).await
}

/// Whose names a printed list needs.
#[derive(Debug, Clone, Copy)]
pub enum RosterOf<'a> {
    /// The people of a unit, or of one of its departments, with status normal.
    Place { unit: UnitId, department: Option<DepartmentId> },
    /// These people, whatever their status.
    People(&'a [PersonId]),
}

/// A person on a printed list: the name and the department's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub id: PersonId,
    pub name: String,
    pub department: Option<String>,
}

/// Names and departments of `who` (a batch print's cover and order), in no
/// particular order.
pub async fn roster(db: &impl ConnectionTrait, who: RosterOf<'_>) -> Result<Vec<RosterEntry>, StoreError> {
    use crate::entity::departments;
    let select = || {
        people::Entity::find().select_only().columns([
            people::Column::Id,
            people::Column::Name,
            people::Column::DepartmentId,
        ])
    };
    let mut rows: Vec<(Uuid, String, Option<Uuid>)> = Vec::new();
    match who {
        RosterOf::Place { unit, department } => {
            let mut q = select()
                .filter(people::Column::UnitId.eq(unit.0))
                .filter(people::Column::Status.eq(PersonStatus::Normal));
            if let Some(d) = department {
                q = q.filter(people::Column::DepartmentId.eq(d.0));
            }
            rows = q.into_tuple().all(db).await?;
        }
        RosterOf::People(ids) => {
            for chunk in ids.chunks(batch_rows(db.get_database_backend(), 1)) {
                let part: Vec<(Uuid, String, Option<Uuid>)> =
                    select().filter(people::Column::Id.is_in(chunk.iter().map(|p| p.0))).into_tuple().all(db).await?;
                rows.extend(part);
            }
        }
    }
    let mut department_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.2).collect();
    department_ids.sort_unstable();
    department_ids.dedup();
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for chunk in department_ids.chunks(batch_rows(db.get_database_backend(), 1)) {
        let part: Vec<(Uuid, String)> = departments::Entity::find()
            .select_only()
            .columns([departments::Column::Id, departments::Column::Name])
            .filter(departments::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(part);
    }
    Ok(rows
        .into_iter()
        .map(|(id, name, department)| RosterEntry {
            id: PersonId(id),
            name,
            department: department.and_then(|d| names.get(&d).cloned()),
        })
        .collect())
}
