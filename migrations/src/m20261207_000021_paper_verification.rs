//! Paper verification (纸质验证, notice-2021 §三(二)): a record says how it
//! is verified, on the system's credits (`electronic`) or on the worker's
//! paper certificates (`paper`), and a certificate keeps the path it was
//! issued on (a snapshot, like its verdict). Existing rows are electronic.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `path`: electronic | paper (the domain's `VerificationPath`).
fn path() -> ColumnDef {
    ColumnDef::new("path").text().not_null().default("electronic").take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["verifications", "certificates"] {
            manager.alter_table(Table::alter().table(table).add_column(path()).take()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["verifications", "certificates"] {
            manager.alter_table(Table::alter().table(table).drop_column("path").take()).await?;
        }
        Ok(())
    }
}
