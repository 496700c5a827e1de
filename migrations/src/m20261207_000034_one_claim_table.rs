//! One table for work claimed across instances: the hourly housekeeping's
//! `scheduled_runs` (migration 27) goes, its runs claimed in
//! `exclusive_runs` (migration 33) with a lease of the period that is not
//! released, so that the next instance to ask after the period runs it. The
//! table held only the next due time of each kind of run: nothing of it is
//! needed once the next claim is made.

use sea_orm_migration::prelude::*;

use crate::util::{text, text_null, timestamp, timestamp_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("scheduled_runs").take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("scheduled_runs")
                    .col(text("name"))
                    .col(timestamp("due_at"))
                    .col(text_null("held_by"))
                    .col(timestamp_null("started_at"))
                    .primary_key(Index::create().name("pk_scheduled_runs").col("name"))
                    .take(),
            )
            .await
    }
}
