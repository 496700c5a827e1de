//! A department's report of typed-in paper credits to its unit
//! (科室学分上报), and the unit's decision on each record
//! (审核通过/不通过). Only approved records count.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, SubsecRound as _, Utc};
use cme_domain::auth::Scope;
use cme_domain::credit::CreditState;
use cme_domain::ids::{CreditId, DepartmentId, PersonId, UnitId};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::Func;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use uuid::Uuid;

use super::{Page, credit, page_limit, paginate, scope};
use crate::StoreError;
use crate::entity::{credit_reports, credits, departments};

/// A report as the queues list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: Uuid,
    pub unit_id: UnitId,
    pub department_id: DepartmentId,
    pub department_name: String,
    pub credit_count: u32,
    /// Records still waiting for the unit's decision.
    pub pending: u32,
    pub note: Option<String>,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Which reports a scope sees: a unit its own, a department its own, an
/// office those of units in its region, the province all.
fn visible(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => Condition::all().add(credit_reports::Column::UnitId.in_subquery(scope::units_in_region(r))),
        Scope::Unit(u) => Condition::all().add(credit_reports::Column::UnitId.eq(u.0)),
        Scope::Department(_, d) => Condition::all().add(credit_reports::Column::DepartmentId.eq(d.0)),
        Scope::Person(..) => Condition::all().add(Expr::cust("1 = 0")),
    }
}

/// Adds each report's department name and the number of records still
/// pending: two look-ups for the whole page.
async fn with_details(db: &impl ConnectionTrait, rows: Vec<credit_reports::Model>) -> Result<Vec<Report>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let department_ids: BTreeSet<Uuid> = rows.iter().map(|m| m.department_id).collect();
    let names: HashMap<Uuid, String> = departments::Entity::find()
        .select_only()
        .columns([departments::Column::Id, departments::Column::Name])
        .filter(departments::Column::Id.is_in(department_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let pending: HashMap<Uuid, i64> = credits::Entity::find()
        .select_only()
        .column(credits::Column::ReportId)
        .column_as(Expr::from(Func::count(Expr::col((credits::Entity, credits::Column::Id)))), "n")
        .filter(credits::Column::ReportId.is_in(rows.iter().map(|m| m.id)))
        .filter(credits::Column::State.eq(CreditState::Pending))
        .group_by(credits::Column::ReportId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|m| Report {
            id: m.id,
            unit_id: UnitId(m.unit_id),
            department_id: DepartmentId(m.department_id),
            department_name: names.get(&m.department_id).cloned().unwrap_or_default(),
            credit_count: u32::try_from(m.credit_count).unwrap_or(0),
            pending: pending.get(&m.id).map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
            note: m.note,
            submitted_by: m.submitted_by,
            submitted_at: m.submitted_at,
            closed_at: m.closed_at,
        })
        .collect())
}

/// Reports visible in `scope`, newest first (`open`: only those with
/// records still to decide; `Some(false)`: only closed ones).
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    open: Option<bool>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Report>, StoreError> {
    let limit = page_limit(limit);
    let mut q = credit_reports::Entity::find().filter(visible(scope));
    match open {
        Some(true) => q = q.filter(credit_reports::Column::ClosedAt.is_null()),
        Some(false) => q = q.filter(credit_reports::Column::ClosedAt.is_not_null()),
        None => {}
    }
    if let Some(after) = after {
        // Ids are UUIDv7: newest first is id descending.
        q = q.filter(credit_reports::Column::Id.lt(after));
    }
    let rows = q.order_by_desc(credit_reports::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    Ok(Page { items: with_details(db, rows).await?, next })
}

/// How many reports visible in `scope` still have records to decide (the
/// workbench's 科室学分上报待审核).
pub async fn count_open(db: &impl ConnectionTrait, scope: &Scope) -> Result<u64, StoreError> {
    Ok(credit_reports::Entity::find()
        .filter(visible(scope))
        .filter(credit_reports::Column::ClosedAt.is_null())
        .count(db)
        .await?)
}

/// One report visible in `scope` (else `NotFound`).
pub async fn get_scoped(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> Result<Report, StoreError> {
    let m = credit_reports::Entity::find_by_id(id).filter(visible(scope)).one(db).await?.ok_or(StoreError::NotFound)?;
    with_details(db, vec![m]).await?.pop().ok_or(StoreError::NotFound)
}

/// Reports a department's drafts to its unit: every named record must be a
/// draft of that department in an open person-year, or nothing changes
/// (`StaleVersion`). Run it in a transaction.
pub async fn submit(
    db: &impl ConnectionTrait,
    unit: UnitId,
    department: DepartmentId,
    ids: &[CreditId],
    note: Option<&str>,
    by: &str,
) -> Result<Report, StoreError> {
    let id = Uuid::now_v7();
    let now = Utc::now().trunc_subsecs(6);
    let count = i32::try_from(ids.len()).map_err(|_| StoreError::corrupt("too many records"))?;
    credit_reports::Entity::insert(credit_reports::ActiveModel {
        id: Set(id),
        unit_id: Set(unit.0),
        department_id: Set(department.0),
        credit_count: Set(count),
        note: Set(note.map(str::to_owned)),
        submitted_by: Set(by.to_owned()),
        submitted_at: Set(now),
        closed_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    let mut person_years = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let rows = credits::Entity::find().filter(credits::Column::Id.is_in(chunk.iter().map(|c| c.0))).all(db).await?;
        for r in &rows {
            person_years.insert((r.person_id, r.year));
        }
        let res = credits::Entity::update_many()
            .col_expr(credits::Column::State, Expr::value(CreditState::Pending))
            .col_expr(credits::Column::ReportId, Expr::value(id))
            .filter(credits::Column::Id.is_in(chunk.iter().map(|c| c.0)))
            .filter(credits::Column::State.eq(CreditState::Draft))
            .filter(credits::Column::DepartmentId.eq(department.0))
            .exec(db)
            .await?;
        if res.rows_affected != chunk.len() as u64 {
            return Err(StoreError::StaleVersion);
        }
    }
    for (person, year) in person_years {
        credit::ensure_open(db, PersonId(person), year).await?;
    }
    let scope = Scope::Department(unit, department);
    get_scoped(db, &scope, id).await
}

/// The unit's decision on one reported record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub credit_id: CreditId,
    pub approve: bool,
    /// Required when rejecting (the API checks it).
    pub reason: Option<String>,
}

/// Applies the unit's decisions on records of one report: each must still
/// be pending in that report and its person-year open, or nothing changes.
/// Refreshes the verdicts of the person-years touched and closes the report
/// once nothing in it is pending. Run it in a transaction.
pub async fn decide(
    db: &impl ConnectionTrait,
    report: Uuid,
    decisions: &[Decision],
    by: &str,
) -> Result<(), StoreError> {
    let now = Utc::now().trunc_subsecs(6);
    let mut person_years = BTreeSet::new();
    for d in decisions {
        let r = credit::get(db, d.credit_id).await?;
        credit::ensure_open(db, r.person_id, r.year).await?;
        person_years.insert((r.person_id.0, r.year));
        let to = if d.approve { CreditState::Valid } else { CreditState::Rejected };
        let res = credits::Entity::update_many()
            .col_expr(credits::Column::State, Expr::value(to))
            .col_expr(credits::Column::DecidedBy, Expr::value(by))
            .col_expr(credits::Column::DecisionReason, Expr::value(d.reason.clone()))
            .col_expr(credits::Column::DecidedAt, Expr::value(now))
            .filter(credits::Column::Id.eq(d.credit_id.0))
            .filter(credits::Column::ReportId.eq(report))
            .filter(credits::Column::State.eq(CreditState::Pending))
            .exec(db)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::StaleVersion);
        }
    }
    for (person, year) in person_years {
        super::compliance::refresh(db, PersonId(person), year).await?;
    }
    let pending = credits::Entity::find()
        .filter(credits::Column::ReportId.eq(report))
        .filter(credits::Column::State.eq(CreditState::Pending))
        .count(db)
        .await?;
    if pending == 0 {
        credit_reports::Entity::update_many()
            .col_expr(credit_reports::Column::ClosedAt, Expr::value(now))
            .filter(credit_reports::Column::Id.eq(report))
            .exec(db)
            .await?;
    }
    Ok(())
}
