//! `activities`: CME activities that issue electronic credits.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `HD<year>-<seq>`, unique.
    #[sea_orm(unique)]
    pub code: String,
    /// The serial inside the year.
    pub seq: i32,
    pub name: String,
    pub organiser: String,
    pub kind: cme_domain::credit::CreditKind,
    pub source: Option<cme_domain::credit::CreditSource>,
    /// `i` / `ii`, derived from the source.
    pub class: Option<cme_domain::credit::CreditClass>,
    pub amount_tenths: i32,
    pub starts_on: Date,
    pub ends_on: Date,
    /// The year of `starts_on`: the credit year.
    pub year: i32,
    /// The owning office's region, or null for a unit's activity.
    pub region_id: Option<Uuid>,
    /// The owning unit, or null for an office's activity.
    pub unit_id: Option<Uuid>,
    pub created_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::regions::Entity", from = "Column::RegionId", to = "super::regions::Column::Id")]
    Region,
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::UnitId", to = "super::units::Column::Id")]
    Unit,
}

impl ActiveModelBehavior for ActiveModel {}
