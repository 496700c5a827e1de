//! `course_completions`: a person's completion of a year's mandatory course.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_completions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub year: i32,
    pub completed_on: Date,
    /// Where the record came from: `import`, `manual`, `demo` …
    pub source: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::people::Entity", from = "Column::PersonId", to = "super::people::Column::Id")]
    Person,
}

impl ActiveModelBehavior for ActiveModel {}
