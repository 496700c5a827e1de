//! `spot_checks`: A spot check (抽验) or on-site inspection (现场抽验), reproducible from its seed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "spot_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: cme_domain::spot_check::SpotCheckKind,
    pub year: i32,
    pub office: cme_domain::review::Tier,
    pub region_id: Uuid,
    pub seed: i64,
    pub rate_permille: i32,
    pub per_unit_min: i32,
    pub institutions: Option<i32>,
    pub only_unit_id: Option<Uuid>,
    pub candidates: i32,
    pub status: cme_domain::spot_check::CheckStatus,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub row_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
