//! `person_transfers`: a person's moves between units, asked by the sending
//! unit and decided by the receiving one; kept as history.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_transfers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub from_unit_id: Uuid,
    pub from_department_id: Option<Uuid>,
    pub to_unit_id: Uuid,
    pub to_department_id: Option<Uuid>,
    pub state: cme_domain::transfer::TransferState,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::people::Entity", from = "Column::PersonId", to = "super::people::Column::Id")]
    Person,
}

impl ActiveModelBehavior for ActiveModel {}
