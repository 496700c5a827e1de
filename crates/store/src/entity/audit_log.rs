//! `audit_log`: the append-only, hash-chained record of sign-ins, token
//! events, account changes and writes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    #[sea_orm(unique)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub ip: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub region_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub detail: String,
    #[sea_orm(column_type = "Blob")]
    pub prev_hash: Vec<u8>,
    #[sea_orm(column_type = "Blob")]
    pub hash: Vec<u8>,
    /// 1: `hash` is an HMAC under the audit key; 0: the plain SHA-256 of an
    /// entry written before the chain was keyed.
    pub keyed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
