//! `title_correction_transitions`: The log of a title correction: who, when, from, to, why.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "title_correction_transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub correction_id: Uuid,
    pub seq: i32,
    pub event: cme_domain::title_correction::CorrectionEvent,
    pub from_state: Option<cme_domain::title_correction::CorrectionState>,
    pub to_state: cme_domain::title_correction::CorrectionState,
    pub actor_tier: cme_domain::review::Tier,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub reason: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
