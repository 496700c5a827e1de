//! Units (institutions).

use cme_domain::ids::{RegionId, UnitId};
use cme_domain::org::Unit;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

use super::{now, parse};
use crate::StoreError;
use crate::entity::units;

/// A unit with its registration code (e.g. `U5301020001`), which the domain
/// type does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub unit: Unit,
    pub code: String,
}

fn to_domain(m: units::Model) -> Result<UnitRecord, StoreError> {
    Ok(UnitRecord {
        unit: Unit {
            id: UnitId(m.id),
            region_id: RegionId(m.region_id),
            name: m.name,
            level: parse(&m.level)?,
            medicine: parse(&m.medicine)?,
        },
        code: m.code,
    })
}

fn active(unit: &Unit, code: &str) -> units::ActiveModel {
    let at = now();
    units::ActiveModel {
        id: Set(unit.id.0),
        region_id: Set(unit.region_id.0),
        code: Set(code.to_owned()),
        name: Set(unit.name.clone()),
        level: Set(unit.level.as_str().to_owned()),
        medicine: Set(unit.medicine.as_str().to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
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
    for chunk in units_.chunks(crate::batch_rows(db.get_database_backend(), 8)) {
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
