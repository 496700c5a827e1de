//! `person_status_changes`: the status history of a person.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_status_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub from_status: Option<cme_domain::person::PersonStatus>,
    pub to_status: cme_domain::person::PersonStatus,
    pub reason: Option<String>,
    pub changed_by: Option<String>,
    pub at: DateTimeUtc,
    /// The day the new status takes effect, as the unit says.
    pub effective_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::people::Entity", from = "Column::PersonId", to = "super::people::Column::Id")]
    Person,
}

impl ActiveModelBehavior for ActiveModel {}
