//! `people`: health workers. The ID number is stored only encrypted, as a
//! keyed HMAC for look-ups, and masked for display.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub unit_id: Uuid,
    pub department_id: Option<Uuid>,
    pub name: String,
    pub gender: cme_domain::person::Gender,
    /// AES-256-GCM: nonce ‖ ciphertext.
    #[sea_orm(column_type = "Blob")]
    pub id_number_cipher: Vec<u8>,
    /// HMAC-SHA256 of the ID number: the unique look-up key.
    #[sea_orm(column_type = "Blob", unique)]
    pub id_number_hmac: Vec<u8>,
    pub id_number_masked: String,
    pub discipline: cme_domain::person::Discipline,
    pub status: cme_domain::person::PersonStatus,
    #[sea_orm(column_type = "Blob", nullable)]
    pub phone_cipher: Option<Vec<u8>>,
    /// Copied from the unit's region by the store (for an office's pages).
    pub county_id: Option<Uuid>,
    pub prefecture_id: Option<Uuid>,
    pub row_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::units::Entity", from = "Column::UnitId", to = "super::units::Column::Id")]
    Unit,
    #[sea_orm(
        belongs_to = "super::departments::Entity",
        from = "Column::DepartmentId",
        to = "super::departments::Column::Id"
    )]
    Department,
}

impl Related<super::units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
