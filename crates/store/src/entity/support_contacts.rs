//! `support_contacts`: one office's help-desk entry (技术支持服务), keyed by its region.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub phone: Option<String>,
    pub hours: Option<String>,
    pub contacts: String,
    pub qq_groups: String,
    pub note: Option<String>,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
    pub row_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
