//! The department that uploaded an evidence file: a department reads only
//! its own department's evidence (its uploads, or files backing a record of
//! one of its people), never its sibling departments'.

use sea_orm_migration::prelude::*;

use crate::util::uuid_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Null: uploaded by the unit (or a trainee). SQLite adds columns
        // without constraints; the store writes only a department of the
        // file's unit.
        manager.alter_table(Table::alter().table("evidence_files").add_column(uuid_null("department_id")).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("evidence_files").drop_column("department_id").take()).await
    }
}
