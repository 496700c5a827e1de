//! Work that runs once at a time across every instance (the province's
//! compliance recomputation): a row per kind of work, claimed with a lease by
//! a conditional insert and deleted when the work ends. A claim whose
//! instance died lapses when its lease expires.

use sea_orm_migration::prelude::*;

use crate::util::{text, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("exclusive_runs")
                    // The kind of work, e.g. "compliance_recompute".
                    .col(text("name"))
                    // Who holds it, for the operator: an instance's process id and host.
                    .col(text("holder"))
                    .col(timestamp("claimed_at"))
                    .col(timestamp("expires_at"))
                    .primary_key(Index::create().name("pk_exclusive_runs").col("name"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("exclusive_runs").take()).await
    }
}
