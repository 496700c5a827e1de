//! Regions: the province → prefecture → county tree.

use cme_domain::auth::Scope;
use cme_domain::ids::RegionId;
use cme_domain::org::{Region, RegionLevel};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

use super::{now, scope};
use crate::StoreError;
use crate::entity::regions;

fn to_domain(m: regions::Model) -> Result<Region, StoreError> {
    Ok(Region { id: RegionId(m.id), parent_id: m.parent_id.map(RegionId), level: m.level, code: m.code, name: m.name })
}

/// Inserts a region; its code must be unused (`uq_regions_code`).
pub async fn insert(db: &impl ConnectionTrait, region: &Region) -> Result<(), StoreError> {
    regions::Entity::insert(regions::ActiveModel {
        id: Set(region.id.0),
        parent_id: Set(region.parent_id.map(|p| p.0)),
        level: Set(region.level),
        code: Set(region.code.clone()),
        name: Set(region.name.clone()),
        created_at: Set(now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn get(db: &impl ConnectionTrait, id: RegionId) -> Result<Region, StoreError> {
    regions::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(to_domain)
}

/// The province's root region, through which the province's offices own
/// what they make (activities, spot checks, certificates, seals).
pub async fn root(db: &impl ConnectionTrait) -> Result<RegionId, StoreError> {
    regions::Entity::find()
        .filter(regions::Column::ParentId.is_null())
        .filter(regions::Column::Level.eq(RegionLevel::Province))
        .one(db)
        .await?
        .map(|m| RegionId(m.id))
        .ok_or(StoreError::NotFound)
}

/// The region with a GB/T 2260 code.
pub async fn find_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<Region>, StoreError> {
    regions::Entity::find().filter(regions::Column::Code.eq(code)).one(db).await?.map(to_domain).transpose()
}

/// The direct children of a region, by code.
pub async fn children(db: &impl ConnectionTrait, id: RegionId) -> Result<Vec<Region>, StoreError> {
    regions::Entity::find()
        .filter(regions::Column::ParentId.eq(id.0))
        .order_by_asc(regions::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The whole tree (about 150 rows), by code.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Region>, StoreError> {
    regions::Entity::find().order_by_asc(regions::Column::Code).all(db).await?.into_iter().map(to_domain).collect()
}

/// The regions visible in `scope` (see `scope::regions`), optionally only
/// the children of `parent` and only of one level, by code. The tree is
/// small (about 150 rows), so this is not paginated.
pub async fn list_scoped(
    db: &impl ConnectionTrait,
    scope: &Scope,
    parent: Option<RegionId>,
    level: Option<RegionLevel>,
) -> Result<Vec<Region>, StoreError> {
    let mut query = regions::Entity::find().filter(scope::regions(scope));
    if let Some(parent) = parent {
        query = query.filter(regions::Column::ParentId.eq(parent.0));
    }
    if let Some(level) = level {
        query = query.filter(regions::Column::Level.eq(level));
    }
    query.order_by_asc(regions::Column::Code).all(db).await?.into_iter().map(to_domain).collect()
}

/// A region visible in `scope`; `NotFound` for any other.
pub async fn get_scoped(db: &impl ConnectionTrait, scope: &Scope, id: RegionId) -> Result<Region, StoreError> {
    regions::Entity::find_by_id(id.0)
        .filter(scope::regions(scope))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_domain)
}

/// The regions an office administers: all for the province, a region office's
/// own region and those below it, none for a unit (not the ancestors that
/// [`list_scoped`] shows for orientation). Units are opened and moved only
/// into these.
pub async fn list_administered(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<Region>, StoreError> {
    let query = match *scope {
        Scope::Province => regions::Entity::find(),
        Scope::Region(r) => regions::Entity::find().filter(regions::Column::Id.in_subquery(scope::region_and_below(r))),
        Scope::Unit(_) | Scope::Department(..) | Scope::Person(..) => return Ok(Vec::new()),
    };
    query.order_by_asc(regions::Column::Code).all(db).await?.into_iter().map(to_domain).collect()
}
