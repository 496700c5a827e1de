//! What several server instances on one database must share (issue 18):
//!
//! - `rate_limits`: request counts per key and minute (public lookups per
//!   client address, requests per API client), so that a limit holds across
//!   instances instead of each instance allowing it once;
//! - `scheduled_runs`: the hourly housekeeping (and the daily reminder scan
//!   it runs) claimed by one instance per period;
//! - `review_jobs` gain the work itself (`work`: the records and who approves
//!   them) and a claim with a heartbeat, so that an "approve all" whose
//!   instance died is resumed by another instance where it stopped.

use sea_orm_migration::prelude::*;

use crate::util::{big_int, int, text, text_null, timestamp, timestamp_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("rate_limits")
                    // e.g. `public:<keyed hash of the address>`, `client:<uuid>`
                    .col(text("key"))
                    // The minute counted: seconds since the epoch / 60.
                    .col(big_int("minute"))
                    .col(int("hits"))
                    .primary_key(Index::create().name("pk_rate_limits").col("key").col("minute"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("scheduled_runs")
                    // e.g. `housekeeping`
                    .col(text("name"))
                    // When the next run is due; the instance whose conditional
                    // update moves it forward runs it.
                    .col(timestamp("due_at"))
                    .col(text_null("held_by"))
                    .col(timestamp_null("started_at"))
                    .primary_key(Index::create().name("pk_scheduled_runs").col("name"))
                    .take(),
            )
            .await?;
        // The records (id and version as counted) and the approver, as JSON.
        manager.alter_table(Table::alter().table("review_jobs").add_column(text_null("work")).take()).await?;
        manager.alter_table(Table::alter().table("review_jobs").add_column(text_null("claimed_by")).take()).await?;
        manager.alter_table(Table::alter().table("review_jobs").add_column(timestamp_null("heartbeat_at")).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["heartbeat_at", "claimed_by", "work"] {
            manager.alter_table(Table::alter().table("review_jobs").drop_column(column).take()).await?;
        }
        manager.drop_table(Table::drop().table("scheduled_runs").take()).await?;
        manager.drop_table(Table::drop().table("rate_limits").take()).await
    }
}
