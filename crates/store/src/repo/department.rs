//! Departments inside a unit.

use cme_domain::auth::Scope;
use cme_domain::ids::{DepartmentId, UnitId};
use cme_domain::org::{Department, close_refusal};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};
use uuid::Uuid;

use super::{now, scope};
use crate::entity::{accounts, departments};
use crate::{Refusal, StoreError};

fn to_domain(m: departments::Model) -> Department {
    Department { id: DepartmentId(m.id), unit_id: UnitId(m.unit_id), name: m.name }
}

/// Inserts a department; names are unique within a unit (`uq_departments_unit_id_name`).
pub async fn insert(db: &impl ConnectionTrait, department: &Department) -> Result<(), StoreError> {
    departments::Entity::insert(departments::ActiveModel {
        id: Set(department.id.0),
        unit_id: Set(department.unit_id.0),
        name: Set(department.name.clone()),
        created_at: Set(now()),
        closed_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn get(db: &impl ConnectionTrait, id: DepartmentId) -> Result<Department, StoreError> {
    departments::Entity::find_by_id(id.0).one(db).await?.map(to_domain).ok_or(StoreError::NotFound)
}

/// A unit's departments, by name.
pub async fn list_by_unit(db: &impl ConnectionTrait, unit: UnitId) -> Result<Vec<Department>, StoreError> {
    Ok(departments::Entity::find()
        .filter(departments::Column::UnitId.eq(unit.0))
        .order_by_asc(departments::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

/// The open departments of a unit visible in `scope`, by name: empty for a
/// unit outside it, as for a unit that does not exist (closed ones are kept
/// for their history, not listed).
pub async fn list_scoped(
    db: &impl ConnectionTrait,
    scope: &Scope,
    unit: UnitId,
) -> Result<Vec<Department>, StoreError> {
    Ok(departments::Entity::find()
        .filter(scope::departments(scope))
        .filter(departments::Column::UnitId.eq(unit.0))
        .filter(departments::Column::ClosedAt.is_null())
        .order_by_asc(departments::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

/// A department visible in `scope`; `NotFound` for any other.
pub async fn get_scoped(db: &impl ConnectionTrait, scope: &Scope, id: DepartmentId) -> Result<Department, StoreError> {
    departments::Entity::find_by_id(id.0)
        .filter(scope::departments(scope))
        .one(db)
        .await?
        .map(to_domain)
        .ok_or(StoreError::NotFound)
}

/// Renames a department (`uq_departments_unit_id_name` within its unit).
pub async fn rename(db: &impl ConnectionTrait, id: DepartmentId, name: &str) -> Result<(), StoreError> {
    departments::Entity::update_many()
        .col_expr(departments::Column::Name, Expr::value(name))
        .filter(departments::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether a department is closed.
pub async fn is_closed(db: &impl ConnectionTrait, id: DepartmentId) -> Result<bool, StoreError> {
    Ok(departments::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound)?.closed_at.is_some())
}

/// Closes a department (撤销): refused (`Refused { UnitBusy }`, saying why)
/// while people of status normal or open records remain in it; kept, marked
/// closed, its accounts disabled. Answers the accounts disabled.
pub async fn close(db: &impl ConnectionTrait, d: &Department) -> Result<Vec<Uuid>, StoreError> {
    if is_closed(db, d.id).await? {
        return Err(StoreError::Refused { code: Refusal::UnitClosed, detail: "该科室已撤销".to_owned() });
    }
    if let Some(why) = close_refusal(super::unit::occupancy(db, d.unit_id, Some(d.id)).await?) {
        return Err(StoreError::Refused { code: Refusal::UnitBusy, detail: why });
    }
    departments::Entity::update_many()
        .col_expr(departments::Column::ClosedAt, Expr::value(now()))
        .filter(departments::Column::Id.eq(d.id.0))
        .exec(db)
        .await?;
    let ids: Vec<Uuid> = accounts::Entity::find()
        .select_only()
        .column(accounts::Column::Id)
        .filter(accounts::Column::DepartmentId.eq(d.id.0))
        .filter(accounts::Column::DisabledAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if !ids.is_empty() {
        accounts::Entity::update_many()
            .col_expr(accounts::Column::DisabledAt, Expr::value(now()))
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now()))
            .filter(accounts::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
    }
    Ok(ids)
}
