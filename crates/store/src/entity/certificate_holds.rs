//! `certificate_holds`: An institution's year sent back by an inspection; its certificates are held until released.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_holds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub unit_id: Uuid,
    pub year: i32,
    pub spot_check_id: Uuid,
    pub reason: String,
    pub held_by: String,
    pub held_at: DateTimeUtc,
    pub released_by_check: Option<Uuid>,
    pub released_by: Option<String>,
    pub released_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
