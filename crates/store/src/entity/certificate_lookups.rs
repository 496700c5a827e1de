//! `certificate_lookups`: Every public lookup of a certificate.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_lookups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub method: cme_domain::certificate::status::LookupMethod,
    pub number: Option<String>,
    pub found: bool,
    pub certificate_id: Option<Uuid>,
    pub status: Option<cme_domain::certificate::status::CertificateStatus>,
    pub client: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
