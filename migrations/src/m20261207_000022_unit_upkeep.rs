//! Unit upkeep (issue 17): units and departments are closed, never deleted,
//! and a unit merged into another names the one that survived it.
//!
//! `closed_at` (null: open) on units and departments; `merged_into` on
//! units (set only with `closed_at`, by the store's merge). SQLite adds
//! columns without constraints; PostgreSQL also gets the named foreign key.

use sea_orm_migration::prelude::*;

use crate::util::{timestamp_null, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("units").add_column(timestamp_null("closed_at")).take()).await?;
        manager.alter_table(Table::alter().table("units").add_column(uuid_null("merged_into")).take()).await?;
        manager.alter_table(Table::alter().table("departments").add_column(timestamp_null("closed_at")).take()).await?;
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE units ADD CONSTRAINT fk_units_merged_into FOREIGN KEY (merged_into) \
                     REFERENCES units (id) ON DELETE RESTRICT ON UPDATE RESTRICT",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE units DROP CONSTRAINT fk_units_merged_into")
                .await?;
        }
        manager.alter_table(Table::alter().table("departments").drop_column("closed_at").take()).await?;
        manager.alter_table(Table::alter().table("units").drop_column("merged_into").take()).await?;
        manager.alter_table(Table::alter().table("units").drop_column("closed_at").take()).await
    }
}
