//! Regions: the province → prefecture → county tree.

use cme_domain::ids::RegionId;
use cme_domain::org::Region;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

use super::{now, parse};
use crate::StoreError;
use crate::entity::regions;

fn to_domain(m: regions::Model) -> Result<Region, StoreError> {
    Ok(Region {
        id: RegionId(m.id),
        parent_id: m.parent_id.map(RegionId),
        level: parse(&m.level)?,
        code: m.code,
        name: m.name,
    })
}

/// Inserts a region; its code must be unused (`uq_regions_code`).
pub async fn insert(db: &impl ConnectionTrait, region: &Region) -> Result<(), StoreError> {
    regions::Entity::insert(regions::ActiveModel {
        id: Set(region.id.0),
        parent_id: Set(region.parent_id.map(|p| p.0)),
        level: Set(region.level.as_str().to_owned()),
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
