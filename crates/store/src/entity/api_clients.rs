//! `api_clients`: outside systems (OAuth 2.0 client credentials).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub client_id: String,
    #[sea_orm(column_type = "Blob")]
    pub secret_hash: Vec<u8>,
    pub name: String,
    pub role: cme_domain::auth::Role,
    pub region_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub scopes: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
