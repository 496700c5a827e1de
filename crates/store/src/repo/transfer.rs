//! Transfers between units (人员调动): asked by the sending unit, decided by
//! the receiving one, kept as the person's history.
//!
//! The receiving unit sees an incoming request, with the person's masked
//! data, before the person is in its jurisdiction: lists here are scoped by
//! the transfer's units, not by the person.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use cme_domain::auth::Scope;
use cme_domain::ids::{DepartmentId, PersonId, UnitId};
use cme_domain::person::{Discipline, Gender, PersonStatus, Title};
use cme_domain::transfer::{TransferDecision, TransferId, TransferState};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use uuid::Uuid;

use super::{Page, now, page_limit, paginate, parse, person, scope};
use crate::Constraint;
use crate::StoreError;
use crate::entity::{people, person_transfers, units};

/// A transfer record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: TransferId,
    pub person_id: PersonId,
    pub from_unit_id: UnitId,
    pub from_department_id: Option<DepartmentId>,
    pub to_unit_id: UnitId,
    pub to_department_id: Option<DepartmentId>,
    pub state: TransferState,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

/// A transfer as lists show it: with the person's masked data and the
/// units' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferView {
    pub transfer: Transfer,
    pub person_name: String,
    pub gender: Gender,
    pub id_number_masked: String,
    pub discipline: Discipline,
    pub status: PersonStatus,
    /// The title held today.
    pub title: Option<Title>,
    pub from_unit_name: String,
    pub to_unit_name: String,
}

fn to_domain(m: person_transfers::Model) -> Result<Transfer, StoreError> {
    Ok(Transfer {
        id: TransferId(m.id),
        person_id: PersonId(m.person_id),
        from_unit_id: UnitId(m.from_unit_id),
        from_department_id: m.from_department_id.map(DepartmentId),
        to_unit_id: UnitId(m.to_unit_id),
        to_department_id: m.to_department_id.map(DepartmentId),
        state: m.state,
        reason: m.reason,
        requested_by: m.requested_by,
        requested_at: m.requested_at,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        decision_reason: m.decision_reason,
    })
}

/// A new pending transfer of `person` (who must be in `from`) to `to`. A
/// person with an open transfer already is `Conflict { constraint:
/// "uq_person_transfers_open" }`; a transfer to his own unit is `Conflict {
/// constraint: "ck_person_transfers_other_unit" }`.
pub async fn request(
    db: &impl ConnectionTrait,
    person_id: PersonId,
    to: UnitId,
    reason: &str,
    requested_by: &str,
) -> Result<Transfer, StoreError> {
    let p = people::Entity::find_by_id(person_id.0).one(db).await?.ok_or(StoreError::NotFound)?;
    let row = person_transfers::Model {
        id: Uuid::now_v7(),
        person_id: p.id,
        from_unit_id: p.unit_id,
        from_department_id: p.department_id,
        to_unit_id: to.0,
        to_department_id: None,
        state: TransferState::Pending,
        reason: reason.to_owned(),
        requested_by: requested_by.to_owned(),
        requested_at: now(),
        decided_by: None,
        decided_at: None,
        decision_reason: None,
    };
    if row.from_unit_id == row.to_unit_id {
        return Err(StoreError::Conflict { constraint: Constraint::PersonTransfersOtherUnit.name().to_owned() });
    }
    person_transfers::Entity::insert(active(&row)).exec_without_returning(db).await?;
    to_domain(row)
}

fn active(m: &person_transfers::Model) -> person_transfers::ActiveModel {
    person_transfers::ActiveModel {
        id: Set(m.id),
        person_id: Set(m.person_id),
        from_unit_id: Set(m.from_unit_id),
        from_department_id: Set(m.from_department_id),
        to_unit_id: Set(m.to_unit_id),
        to_department_id: Set(m.to_department_id),
        state: Set(m.state),
        reason: Set(m.reason.clone()),
        requested_by: Set(m.requested_by.clone()),
        requested_at: Set(m.requested_at),
        decided_by: Set(m.decided_by.clone()),
        decided_at: Set(m.decided_at),
        decision_reason: Set(m.decision_reason.clone()),
    }
}

pub async fn get(db: &impl ConnectionTrait, id: TransferId) -> Result<Transfer, StoreError> {
    person_transfers::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(to_domain)
}

/// Units visible in a scope, as a subquery.
fn units_in(scope: &Scope) -> SelectStatement {
    Query::select().column(units::Column::Id).from(units::Entity).cond_where(scope::units(scope)).take()
}

/// A transfer one of whose units is in `scope`; `NotFound` for any other.
pub async fn get_scoped(db: &impl ConnectionTrait, scope: &Scope, id: TransferId) -> Result<Transfer, StoreError> {
    person_transfers::Entity::find_by_id(id.0)
        .filter(
            Condition::any()
                .add(person_transfers::Column::FromUnitId.in_subquery(units_in(scope)))
                .add(person_transfers::Column::ToUnitId.in_subquery(units_in(scope))),
        )
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_domain)
}

/// What a decision carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub decision: TransferDecision,
    pub decided_by: String,
    pub reason: Option<String>,
    /// For an acceptance: the department in the receiving unit.
    pub to_department: Option<DepartmentId>,
}

/// Decides a pending transfer. An acceptance moves the person (unit,
/// department, county and prefecture, trainee account) in the caller's
/// transaction. A transfer decided before is `Conflict { constraint:
/// "transfer_closed" }`; one decided by someone else meanwhile is
/// `StaleVersion`.
pub async fn decide(db: &impl ConnectionTrait, id: TransferId, d: &Decision) -> Result<Transfer, StoreError> {
    let current = get(db, id).await?;
    let to = current
        .state
        .decide(d.decision)
        .map_err(|_| StoreError::Conflict { constraint: "transfer_closed".to_owned() })?;
    let at = now();
    let res = person_transfers::Entity::update_many()
        .col_expr(person_transfers::Column::State, Expr::value(to))
        .col_expr(person_transfers::Column::DecidedBy, Expr::value(d.decided_by.clone()))
        .col_expr(person_transfers::Column::DecidedAt, Expr::value(at))
        .col_expr(person_transfers::Column::DecisionReason, Expr::value(d.reason.clone()))
        .col_expr(person_transfers::Column::ToDepartmentId, Expr::value(d.to_department.map(|x| x.0)))
        .filter(person_transfers::Column::Id.eq(id.0))
        .filter(person_transfers::Column::State.eq(TransferState::Pending))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::StaleVersion);
    }
    if to == TransferState::Accepted {
        person::move_to_unit(db, current.person_id, current.from_unit_id, current.to_unit_id, d.to_department).await?;
    }
    get(db, id).await
}

/// Which side of a transfer a unit is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Transfers into units of the scope.
    Incoming,
    /// Transfers out of units of the scope.
    Outgoing,
}

/// Transfers into or out of the units of `scope`, optionally in one state,
/// oldest first by id (UUIDv7), one keyset page after `after`; at most
/// [`MAX_PAGE`](super::MAX_PAGE) per page.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    direction: Direction,
    state: Option<TransferState>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<TransferView>, StoreError> {
    let limit = page_limit(limit);
    let column = match direction {
        Direction::Incoming => person_transfers::Column::ToUnitId,
        Direction::Outgoing => person_transfers::Column::FromUnitId,
    };
    let mut query = person_transfers::Entity::find();
    if *scope != Scope::Province {
        query = query.filter(column.in_subquery(units_in(scope)));
    }
    if let Some(state) = state {
        query = query.filter(person_transfers::Column::State.eq(state));
    }
    if let Some(after) = after {
        query = query.filter(person_transfers::Column::Id.gt(after));
    }
    let rows = query.order_by_asc(person_transfers::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    Ok(Page { items: views(db, rows).await?, next })
}

/// How many transfers into the units of `scope` wait to be accepted or
/// refused (the workbench's 待接收调入).
pub async fn count_pending_incoming(db: &impl ConnectionTrait, scope: &Scope) -> Result<u64, StoreError> {
    let mut query = person_transfers::Entity::find().filter(person_transfers::Column::State.eq(TransferState::Pending));
    if *scope != Scope::Province {
        query = query.filter(person_transfers::Column::ToUnitId.in_subquery(units_in(scope)));
    }
    Ok(query.count(db).await?)
}

/// A person's transfers, oldest first.
pub async fn history(db: &impl ConnectionTrait, person: PersonId) -> Result<Vec<TransferView>, StoreError> {
    let rows = person_transfers::Entity::find()
        .filter(person_transfers::Column::PersonId.eq(person.0))
        .order_by_asc(person_transfers::Column::RequestedAt)
        .order_by_asc(person_transfers::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

/// One transfer with its person and units.
pub async fn view(db: &impl ConnectionTrait, id: TransferId) -> Result<TransferView, StoreError> {
    let row = person_transfers::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound)?;
    views(db, vec![row]).await?.pop().ok_or(StoreError::NotFound)
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct PersonRow {
    id: Uuid,
    name: String,
    gender: String,
    id_number_masked: String,
    discipline: String,
    status: String,
    current_title: Option<String>,
}

/// Joins the people (masked, with today's title) and unit names in two
/// statements for the whole page.
async fn views(db: &impl ConnectionTrait, rows: Vec<person_transfers::Model>) -> Result<Vec<TransferView>, StoreError> {
    let person_ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let unit_ids: Vec<Uuid> = rows.iter().flat_map(|r| [r.from_unit_id, r.to_unit_id]).collect();
    let today: NaiveDate = cme_domain::time::today_in_shanghai(Utc::now());
    let people_rows: Vec<PersonRow> = people::Entity::find()
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::Name,
            people::Column::Gender,
            people::Column::IdNumberMasked,
            people::Column::Discipline,
            people::Column::Status,
        ])
        .expr_as(crate::entity::person_titles::current_title_expr(today), "current_title")
        .filter(people::Column::Id.is_in(person_ids))
        .into_model::<PersonRow>()
        .all(db)
        .await?;
    let people_by_id: HashMap<Uuid, PersonRow> = people_rows.into_iter().map(|p| (p.id, p)).collect();
    let unit_names: HashMap<Uuid, String> = units::Entity::find()
        .select_only()
        .columns([units::Column::Id, units::Column::Name])
        .filter(units::Column::Id.is_in(unit_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|m| {
            let p = people_by_id.get(&m.person_id).ok_or(StoreError::NotFound)?;
            let from_unit_name = unit_names.get(&m.from_unit_id).cloned().unwrap_or_default();
            let to_unit_name = unit_names.get(&m.to_unit_id).cloned().unwrap_or_default();
            Ok(TransferView {
                person_name: p.name.clone(),
                gender: parse(&p.gender)?,
                id_number_masked: p.id_number_masked.clone(),
                discipline: parse(&p.discipline)?,
                status: parse(&p.status)?,
                title: p.current_title.as_deref().map(crate::entity::person_titles::parse_current_title).transpose()?,
                from_unit_name,
                to_unit_name,
                transfer: to_domain(m)?,
            })
        })
        .collect()
}
