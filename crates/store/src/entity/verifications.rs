//! `verifications`: one per person and year, guarded by `row_version`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub year: i32,
    pub cycle_year: i32,
    pub unit_id: Uuid,
    pub unit_level: cme_domain::org::UnitLevel,
    pub medicine: cme_domain::org::Medicine,
    pub county_id: Option<Uuid>,
    pub prefecture_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub list_kind: cme_domain::cycle::list::ListKind,
    pub path: cme_domain::cycle::paper::VerificationPath,
    pub state: cme_domain::review::StateKind,
    pub step: Option<i16>,
    pub current_tier: Option<cme_domain::review::Tier>,
    pub special_reason: Option<cme_domain::cycle::special::SpecialReason>,
    pub special_from: Option<Date>,
    pub special_to: Option<Date>,
    pub deemed_compliant: bool,
    pub note: Option<String>,
    pub outcome_at_submit: Option<cme_domain::compliance::Outcome>,
    #[sea_orm(unique)]
    pub certificate_no: Option<String>,
    pub issued_by_region: Option<Uuid>,
    pub certificate_seq: Option<i32>,
    pub issued_at: Option<DateTimeUtc>,
    pub row_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::people::Entity", from = "Column::PersonId", to = "super::people::Column::Id")]
    Person,
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::UnitId", to = "super::units::Column::Id")]
    Unit,
}

impl ActiveModelBehavior for ActiveModel {}
