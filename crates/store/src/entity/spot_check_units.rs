//! `spot_check_units`: One institution of a spot check: how many were finalised, sampled, passed, and the outcome.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "spot_check_units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub spot_check_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    pub finalised: i32,
    pub sampled: i32,
    pub passed: Option<i32>,
    pub failed: Option<i32>,
    pub pass_permille: Option<i32>,
    pub outcome: Option<cme_domain::spot_check::InstitutionOutcome>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
