//! `seals`: An office's seal image (white background removed); retired, never deleted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub office: cme_domain::review::Tier,
    pub png: Vec<u8>,
    pub width: i32,
    pub height: i32,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
    pub retired_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
