//! `accounts`: who signs in, with which role, bound to which organisation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub username: String,
    pub password_hash: Option<String>,
    pub role: cme_domain::auth::Role,
    pub region_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    #[sea_orm(unique)]
    pub person_id: Option<Uuid>,
    pub display_name: String,
    pub must_change_password: bool,
    pub disabled_at: Option<DateTimeUtc>,
    pub password_changed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
    pub row_version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
