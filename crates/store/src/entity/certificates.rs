//! `certificates`: A certificate as issued: the frozen snapshot of what it prints, one row per version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub verification_id: Uuid,
    pub person_id: Uuid,
    pub unit_id: Uuid,
    pub year: i32,
    pub number: String,
    pub version: i32,
    pub name: String,
    pub gender: String,
    pub id_masked: String,
    pub unit_name: String,
    pub department_name: Option<String>,
    pub title_name: String,
    pub class1_tenths: i32,
    pub class2_tenths: i32,
    pub self_managed_tenths: i32,
    pub total_tenths: i32,
    pub verdict: String,
    pub issuer: String,
    pub issued_by_region: Uuid,
    pub issued_by_office: cme_domain::review::Tier,
    pub seal_id: Option<Uuid>,
    pub qr_token: String,
    pub check_code: String,
    pub issued_by: String,
    pub issued_at: DateTimeUtc,
    pub superseded_at: Option<DateTimeUtc>,
    pub superseded_by: Option<Uuid>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    pub row_version: i32,
    pub path: cme_domain::cycle::paper::VerificationPath,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
