//! `review_jobs`: the progress of a large "approve all that match", run in
//! the background in chunks.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "review_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    pub cycle_year: i32,
    pub total: i32,
    pub done: i32,
    pub skipped: i32,
    pub state: String,
    pub message: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// The work as JSON (`repo::review_job::Work`); none on jobs older than it.
    pub work: Option<String>,
    pub claimed_by: Option<String>,
    pub heartbeat_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
