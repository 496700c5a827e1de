//! Credit standards as versioned data (SPEC §4).

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{int, pk, text, timestamp, timestamp_null, unique, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("standards")
                    .col(uuid("id"))
                    .col(int("year"))
                    .col(int("version"))
                    .col(text("status"))
                    // The serde JSON of `domain::standard::Standard`.
                    .col(ColumnDef::new("body").json_binary().not_null())
                    .col(timestamp("created_at"))
                    .col(timestamp_null("published_at"))
                    .primary_key(&mut pk("standards"))
                    .index(&mut unique(Constraint::StandardsYearVersion.name(), &["year", "version"]))
                    .check((Constraint::StandardsStatus.name(), Expr::col("status").is_in(["published", "draft"])))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("standards").take()).await
    }
}
