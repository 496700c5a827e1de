//! Idempotency claims are leased for seconds and renewed while their request
//! runs, so that a claim left by a killed process is taken over within the
//! lease instead of answering `idempotency_in_progress` for ten minutes.

use sea_orm_migration::prelude::*;

use crate::util::timestamp_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("idempotency_keys").add_column(timestamp_null("lease_until")).take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("idempotency_keys").drop_column("lease_until").take()).await
    }
}
