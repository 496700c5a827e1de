//! `cycles`: the calendar of each year's verification (dates in Asia/Shanghai).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub opens_on: Date,
    pub data_due: Date,
    pub inspection_from: Date,
    pub inspection_to: Date,
    pub questions_until: Date,
    pub closes_on: Date,
    pub opened_by: String,
    pub opened_at: DateTimeUtc,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
    pub row_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
