//! `standards`: the credit standard of a year, versioned.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "standards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub year: i32,
    pub version: i32,
    /// `published` or `draft`.
    pub status: cme_domain::standard::StandardStatus,
    /// The serde JSON of `domain::standard::Standard`.
    #[sea_orm(column_type = "JsonBinary")]
    pub body: Json,
    pub created_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
