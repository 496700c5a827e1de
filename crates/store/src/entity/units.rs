//! `units`: institutions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub level: cme_domain::org::UnitLevel,
    pub medicine: cme_domain::org::Medicine,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the unit was closed (撤销) or merged; null while open.
    pub closed_at: Option<DateTimeUtc>,
    /// The unit it was merged into.
    pub merged_into: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regions::Entity", from = "Column::RegionId", to = "super::regions::Column::Id")]
    Region,
}

impl Related<super::regions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
