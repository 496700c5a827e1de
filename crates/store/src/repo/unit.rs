//! Units (institutions).

use cme_domain::auth::Scope;
use cme_domain::ids::{RegionId, UnitId};
use cme_domain::org::{Medicine, Unit, UnitLevel};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};
use uuid::Uuid;

use super::{Page, contains_pattern, now, page_limit, paginate, scope};
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
            level: m.level,
            medicine: m.medicine,
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
        level: Set(unit.level),
        medicine: Set(unit.medicine),
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

/// Filters of a unit list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFilter {
    /// Units administered by this region or any region below it.
    pub region_id: Option<RegionId>,
    pub level: Option<UnitLevel>,
    pub medicine: Option<Medicine>,
    /// A part of the name.
    pub name_contains: Option<String>,
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
