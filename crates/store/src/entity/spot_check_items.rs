//! `spot_check_items`: One sampled record of a spot check and its result.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "spot_check_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub spot_check_id: Uuid,
    pub verification_id: Uuid,
    pub unit_id: Uuid,
    pub person_id: Uuid,
    pub result: cme_domain::spot_check::ItemResult,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
