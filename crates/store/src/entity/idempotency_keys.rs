//! `idempotency_keys`: the first answer to a POST sent with an
//! `Idempotency-Key`, per caller, for 24 hours.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub caller: String,
    pub key: String,
    #[sea_orm(column_type = "Blob")]
    pub fingerprint: Vec<u8>,
    pub status: Option<i32>,
    pub content_type: Option<String>,
    #[sea_orm(column_type = "Blob", nullable)]
    pub body: Option<Vec<u8>>,
    pub withheld: i32,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Until when an unanswered claim is held by its running request (renewed
    /// while it runs); past it, the claim is abandoned and taken over.
    pub lease_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
