//! `title_corrections`: A title correction request (职称信息更正) and where it stands.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "title_corrections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub year: i32,
    pub unit_id: Uuid,
    pub unit_level: cme_domain::org::UnitLevel,
    pub medicine: cme_domain::org::Medicine,
    pub county_id: Option<Uuid>,
    pub prefecture_id: Option<Uuid>,
    pub certificate_id: Option<Uuid>,
    pub old_title: String,
    pub new_title: String,
    pub new_level: cme_domain::person::TitleLevel,
    pub obtained_on: Date,
    pub reason: String,
    pub outcome_preview: cme_domain::compliance::Outcome,
    pub state: cme_domain::title_correction::CorrectionState,
    pub step: Option<i16>,
    pub current_tier: Option<cme_domain::review::Tier>,
    pub new_certificate_id: Option<Uuid>,
    pub requested_by: String,
    pub requested_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub row_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
