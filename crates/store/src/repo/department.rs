//! Departments inside a unit.

use cme_domain::auth::Scope;
use cme_domain::ids::{DepartmentId, UnitId};
use cme_domain::org::Department;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

use super::{now, scope};
use crate::StoreError;
use crate::entity::departments;

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

/// The departments of a unit visible in `scope`, by name: empty for a unit
/// outside it, as for a unit that does not exist.
pub async fn list_scoped(
    db: &impl ConnectionTrait,
    scope: &Scope,
    unit: UnitId,
) -> Result<Vec<Department>, StoreError> {
    Ok(departments::Entity::find()
        .filter(scope::departments(scope))
        .filter(departments::Column::UnitId.eq(unit.0))
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
