//! `verification_transitions`: the append-only log of a verification.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verification_transitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub verification_id: Uuid,
    pub seq: i32,
    pub event: String,
    pub from_state: Option<cme_domain::review::StateKind>,
    pub from_step: Option<i16>,
    pub to_state: cme_domain::review::StateKind,
    pub to_step: Option<i16>,
    pub actor_tier: cme_domain::review::Tier,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub reason: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::verifications::Entity",
        from = "Column::VerificationId",
        to = "super::verifications::Column::Id"
    )]
    Verification,
}

impl ActiveModelBehavior for ActiveModel {}
