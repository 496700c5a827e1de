//! Units (institutions).

use chrono::{DateTime, Utc};
use cme_domain::auth::{Role, Scope};
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::org::{Medicine, Occupancy, Region, RegionLevel, Unit, UnitLevel, close_refusal};
use cme_domain::person::PersonStatus;
use cme_domain::review::StateKind;
use cme_domain::transfer::TransferState;
use sea_orm::prelude::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};
use uuid::Uuid;

use super::{Page, contains_pattern, now, page_limit, paginate, scope};
use crate::entity::{
    accounts, certificates, compliance, credit_reports, departments, evidence_files, people, person_transfers,
    title_corrections, units, verifications,
};
use crate::{Refusal, StoreError};

/// A unit with its registration code (e.g. `U5301020001`), which the domain
/// type does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub unit: Unit,
    pub code: String,
    /// Closed (撤销, or merged): kept, never deleted.
    pub closed_at: Option<DateTime<Utc>>,
    /// The unit that survived it, when it was merged.
    pub merged_into: Option<UnitId>,
}

impl UnitRecord {
    /// A new, open unit.
    pub fn open(unit: Unit, code: String) -> Self {
        Self { unit, code, closed_at: None, merged_into: None }
    }
}

fn to_domain(m: units::Model) -> Result<UnitRecord, StoreError> {
    Ok(UnitRecord {
        unit: Unit {
            id: UnitId(m.id),
            region_id: RegionId(m.region_id),
            name: m.name,
            level: m.level,
            medicine: m.medicine,
        },
        code: m.code,
        closed_at: m.closed_at,
        merged_into: m.merged_into.map(UnitId),
    })
}

fn active(unit: &Unit, code: &str) -> units::ActiveModel {
    let at = now();
    units::ActiveModel {
        id: Set(unit.id.0),
        region_id: Set(unit.region_id.0),
        code: Set(code.to_owned()),
        name: Set(unit.name.clone()),
        level: Set(unit.level),
        medicine: Set(unit.medicine),
        created_at: Set(at),
        updated_at: Set(at),
        closed_at: Set(None),
        merged_into: Set(None),
    }
}

/// Inserts a unit under its code (`uq_units_code`, `fk_units_region`).
pub async fn insert(db: &impl ConnectionTrait, unit: &Unit, code: &str) -> Result<(), StoreError> {
    units::Entity::insert(active(unit, code)).exec_without_returning(db).await?;
    Ok(())
}

/// Inserts many units in large multi-row statements (for generated data).
pub async fn insert_many(db: &impl ConnectionTrait, units_: &[UnitRecord]) -> Result<u64, StoreError> {
    let mut n = 0;
    use sea_orm::Iterable as _;
    // Every column is set (`active`): counted from the entity, so a column
    // added later cannot push a statement past the bind limit again (it
    // did: 10 columns in chunks sized for 8 failed `cme generate`).
    let columns = units::Column::iter().count();
    for chunk in units_.chunks(crate::batch_rows(db.get_database_backend(), columns)) {
        n += units::Entity::insert_many(chunk.iter().map(|u| active(&u.unit, &u.code)))
            .exec_without_returning(db)
            .await?;
    }
    Ok(n)
}

pub async fn get(db: &impl ConnectionTrait, id: UnitId) -> Result<UnitRecord, StoreError> {
    units::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(to_domain)
}

pub async fn find_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<UnitRecord>, StoreError> {
    units::Entity::find().filter(units::Column::Code.eq(code)).one(db).await?.map(to_domain).transpose()
}

/// The units a region administers directly, by code.
pub async fn list_by_region(db: &impl ConnectionTrait, region: RegionId) -> Result<Vec<UnitRecord>, StoreError> {
    units::Entity::find()
        .filter(units::Column::RegionId.eq(region.0))
        .order_by_asc(units::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Filters of a unit list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFilter {
    /// Units administered by this region or any region below it.
    pub region_id: Option<RegionId>,
    pub level: Option<UnitLevel>,
    pub medicine: Option<Medicine>,
    /// A part of the name.
    pub name_contains: Option<String>,
    /// Closed units too (left out by default).
    pub include_closed: bool,
}

/// The units visible in `scope` (see `scope::units`) that pass `filter`, by
/// id, one page after the cursor `after`; at most
/// [`MAX_PAGE`](super::MAX_PAGE) per page.
pub async fn list_scoped(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &UnitFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<UnitRecord>, StoreError> {
    let limit = page_limit(limit);
    let mut query = units::Entity::find().filter(scope::units(scope));
    if let Some(region) = filter.region_id {
        query = query.filter(units::Column::RegionId.in_subquery(scope::region_and_below(region)));
    }
    if let Some(level) = filter.level {
        query = query.filter(units::Column::Level.eq(level));
    }
    if let Some(medicine) = filter.medicine {
        query = query.filter(units::Column::Medicine.eq(medicine));
    }
    if let Some(name) = filter.name_contains.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        query = query.filter(units::Column::Name.like(contains_pattern(name)));
    }
    if !filter.include_closed {
        query = query.filter(units::Column::ClosedAt.is_null());
    }
    if let Some(after) = after {
        query = query.filter(units::Column::Id.gt(after));
    }
    let rows = query.order_by_asc(units::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    Ok(Page { items: rows.into_iter().map(to_domain).collect::<Result<_, _>>()?, next })
}

/// A unit visible in `scope`; `NotFound` for any other, as for a unit that
/// does not exist.
pub async fn get_scoped(db: &impl ConnectionTrait, scope: &Scope, id: UnitId) -> Result<UnitRecord, StoreError> {
    units::Entity::find_by_id(id.0)
        .filter(scope::units(scope))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_domain)
}

// --- Upkeep (开通, 更名, 变更地区, 合并, 撤销) --------------------------------

/// Renames a unit (its history keeps its id, so reports follow it).
pub async fn rename(db: &impl ConnectionTrait, id: UnitId, name: &str) -> Result<(), StoreError> {
    units::Entity::update_many()
        .col_expr(units::Column::Name, Expr::value(name))
        .col_expr(units::Column::UpdatedAt, Expr::value(now()))
        .filter(units::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// The county and prefecture a region places a person in (as
/// `people.county_id`/`prefecture_id` hold them).
fn place_of(region: &Region) -> (Option<Uuid>, Option<Uuid>) {
    match region.level {
        RegionLevel::County => (Some(region.id.0), region.parent_id.map(|p| p.0)),
        RegionLevel::Prefecture => (None, Some(region.id.0)),
        RegionLevel::Province => (None, None),
    }
}

/// Moves a unit under another region, with its people: their place
/// (`people.county_id`/`prefecture_id`) and their stored verdicts'
/// (`compliance`) follow, so the new region's office sees them and their
/// figures. Verification records keep the county and prefecture they were
/// submitted in (their review chain and the reports of past years stay
/// where they were made). Answers how many people moved.
pub async fn move_to(db: &impl ConnectionTrait, id: UnitId, region: &Region) -> Result<u64, StoreError> {
    units::Entity::update_many()
        .col_expr(units::Column::RegionId, Expr::value(region.id.0))
        .col_expr(units::Column::UpdatedAt, Expr::value(now()))
        .filter(units::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    let (county, prefecture) = place_of(region);
    let moved = people::Entity::update_many()
        .col_expr(people::Column::CountyId, Expr::value(county))
        .col_expr(people::Column::PrefectureId, Expr::value(prefecture))
        .col_expr(people::Column::UpdatedAt, Expr::value(now()))
        .filter(people::Column::UnitId.eq(id.0))
        .exec(db)
        .await?
        .rows_affected;
    compliance::Entity::update_many()
        .col_expr(compliance::Column::CountyId, Expr::value(county))
        .col_expr(compliance::Column::PrefectureId, Expr::value(prefecture))
        .filter(compliance::Column::UnitId.eq(id.0))
        .exec(db)
        .await?;
    Ok(moved)
}

/// What lives in a unit (or, with `department`, in one of its departments).
pub async fn occupancy(
    db: &impl ConnectionTrait,
    id: UnitId,
    department: Option<DepartmentId>,
) -> Result<Occupancy, StoreError> {
    let mut staff = people::Entity::find()
        .filter(people::Column::UnitId.eq(id.0))
        .filter(people::Column::Status.eq(PersonStatus::Normal));
    let mut open = verifications::Entity::find()
        .filter(verifications::Column::UnitId.eq(id.0))
        .filter(verifications::Column::State.is_in([StateKind::Prepared, StateKind::InReview, StateKind::Returned]));
    let mut transfers =
        person_transfers::Entity::find().filter(person_transfers::Column::State.eq(TransferState::Pending)).filter(
            sea_orm::Condition::any()
                .add(person_transfers::Column::FromUnitId.eq(id.0))
                .add(person_transfers::Column::ToUnitId.eq(id.0)),
        );
    let mut reports = credit_reports::Entity::find()
        .filter(credit_reports::Column::UnitId.eq(id.0))
        .filter(credit_reports::Column::ClosedAt.is_null());
    if let Some(d) = department {
        staff = staff.filter(people::Column::DepartmentId.eq(d.0));
        open = open.filter(verifications::Column::DepartmentId.eq(d.0));
        transfers = transfers.filter(
            sea_orm::Condition::any()
                .add(person_transfers::Column::FromDepartmentId.eq(d.0))
                .add(person_transfers::Column::ToDepartmentId.eq(d.0)),
        );
        reports = reports.filter(credit_reports::Column::DepartmentId.eq(d.0));
    }
    Ok(Occupancy {
        normal_staff: staff.count(db).await?,
        open_verifications: open.count(db).await?,
        pending_transfers: transfers.count(db).await?,
        open_reports: reports.count(db).await?,
    })
}

/// Disables the CME office and department accounts of a unit (a closed
/// unit acts no more; its workers' own trainee accounts stay, to read
/// their history). Answers the accounts disabled.
async fn disable_offices(db: &impl ConnectionTrait, id: UnitId) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<Uuid> = accounts::Entity::find()
        .select_only()
        .column(accounts::Column::Id)
        .filter(accounts::Column::UnitId.eq(id.0))
        .filter(accounts::Column::Role.is_in([Role::Unit, Role::Department]))
        .filter(accounts::Column::DisabledAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if !ids.is_empty() {
        accounts::Entity::update_many()
            .col_expr(accounts::Column::DisabledAt, Expr::value(now()))
            .col_expr(accounts::Column::RowVersion, Expr::col(accounts::Column::RowVersion).add(1))
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now()))
            .filter(accounts::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
    }
    Ok(ids)
}

/// Closes a unit (撤销): refused (`Refused { UnitBusy }`, saying why in
/// Chinese) while people of status normal or open records remain in it; the
/// unit is kept, marked closed, and its office accounts are disabled.
/// Answers the accounts disabled (their sessions are to end).
pub async fn close(db: &impl ConnectionTrait, id: UnitId) -> Result<Vec<Uuid>, StoreError> {
    let rec = get(db, id).await?;
    if rec.closed_at.is_some() {
        return Err(StoreError::Refused { code: Refusal::UnitClosed, detail: "该单位已撤销".to_owned() });
    }
    if let Some(why) = close_refusal(occupancy(db, id, None).await?) {
        return Err(StoreError::Refused { code: Refusal::UnitBusy, detail: why });
    }
    units::Entity::update_many()
        .col_expr(units::Column::ClosedAt, Expr::value(now()))
        .col_expr(units::Column::UpdatedAt, Expr::value(now()))
        .filter(units::Column::Id.eq(id.0))
        .filter(units::Column::ClosedAt.is_null())
        .exec(db)
        .await?;
    disable_offices(db, id).await
}

/// What a merge moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    pub people: u64,
    pub departments: u64,
    /// The office accounts of the merged unit, now disabled.
    pub disabled_accounts: Vec<Uuid>,
}

/// Merges unit `from` into `into` (合并): its departments (a name the
/// survivor already has gets the merged unit's name in brackets), its
/// people with their trainee accounts and stored verdicts (re-evaluated at
/// the survivor's level), their verification records, certificates, title
/// corrections, evidence and department reports all move to `into`, so the
/// survivor's lists and reports count them; each verification keeps the
/// level, medicine, county and prefecture it was submitted with, and every
/// transition its history. `from` is kept, closed, with `merged_into`; its
/// office accounts are disabled. Refused while a transfer in or out of
/// `from` is pending.
pub async fn merge(db: &impl ConnectionTrait, from: &UnitRecord, into: &UnitRecord) -> Result<Merged, StoreError> {
    let (f, t) = (from.unit.id, into.unit.id);
    let pending = occupancy(db, f, None).await?.pending_transfers;
    if pending > 0 {
        return Err(StoreError::Refused {
            code: Refusal::UnitBusy,
            detail: format!("尚有 {pending} 条待接收的人员调动，不能合并：请先办结"),
        });
    }
    let taken: std::collections::HashSet<String> = departments::Entity::find()
        .filter(departments::Column::UnitId.eq(t.0))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.name)
        .collect();
    let moving = departments::Entity::find().filter(departments::Column::UnitId.eq(f.0)).all(db).await?;
    for d in &moving {
        let name = if taken.contains(&d.name) { format!("{}（{}）", d.name, from.unit.name) } else { d.name.clone() };
        departments::Entity::update_many()
            .col_expr(departments::Column::UnitId, Expr::value(t.0))
            .col_expr(departments::Column::Name, Expr::value(name))
            .filter(departments::Column::Id.eq(d.id))
            .exec(db)
            .await?;
    }
    // Department accounts follow their departments.
    accounts::Entity::update_many()
        .col_expr(accounts::Column::UnitId, Expr::value(t.0))
        .col_expr(accounts::Column::RowVersion, Expr::col(accounts::Column::RowVersion).add(1))
        .col_expr(accounts::Column::UpdatedAt, Expr::value(now()))
        .filter(accounts::Column::UnitId.eq(f.0))
        .filter(accounts::Column::Role.eq(Role::Department))
        .exec(db)
        .await?;
    let staff: Vec<(Uuid, Option<Uuid>)> = people::Entity::find()
        .select_only()
        .column(people::Column::Id)
        .column(people::Column::DepartmentId)
        .filter(people::Column::UnitId.eq(f.0))
        .into_tuple()
        .all(db)
        .await?;
    for (person, department) in &staff {
        super::person::move_to_unit(db, PersonId(*person), f, t, department.map(DepartmentId)).await?;
    }
    verifications::Entity::update_many()
        .col_expr(verifications::Column::UnitId, Expr::value(t.0))
        .filter(verifications::Column::UnitId.eq(f.0))
        .exec(db)
        .await?;
    certificates::Entity::update_many()
        .col_expr(certificates::Column::UnitId, Expr::value(t.0))
        .filter(certificates::Column::UnitId.eq(f.0))
        .exec(db)
        .await?;
    title_corrections::Entity::update_many()
        .col_expr(title_corrections::Column::UnitId, Expr::value(t.0))
        .filter(title_corrections::Column::UnitId.eq(f.0))
        .exec(db)
        .await?;
    evidence_files::Entity::update_many()
        .col_expr(evidence_files::Column::UnitId, Expr::value(t.0))
        .filter(evidence_files::Column::UnitId.eq(f.0))
        .exec(db)
        .await?;
    credit_reports::Entity::update_many()
        .col_expr(credit_reports::Column::UnitId, Expr::value(t.0))
        .filter(credit_reports::Column::UnitId.eq(f.0))
        .exec(db)
        .await?;
    let at = now();
    units::Entity::update_many()
        .col_expr(units::Column::ClosedAt, Expr::value(at))
        .col_expr(units::Column::MergedInto, Expr::value(t.0))
        .col_expr(units::Column::UpdatedAt, Expr::value(at))
        .filter(units::Column::Id.eq(f.0))
        .exec(db)
        .await?;
    let disabled_accounts = disable_offices(db, f).await?;
    Ok(Merged { people: staff.len() as u64, departments: moving.len() as u64, disabled_accounts })
}

/// The codes among `codes` that units already hold.
pub async fn codes_taken(db: &impl ConnectionTrait, codes: &[String]) -> Result<Vec<String>, StoreError> {
    let mut taken = Vec::new();
    for chunk in codes.chunks(1_000) {
        let rows: Vec<String> = units::Entity::find()
            .select_only()
            .column(units::Column::Code)
            .filter(units::Column::Code.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        taken.extend(rows);
    }
    Ok(taken)
}
