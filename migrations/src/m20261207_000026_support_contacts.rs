//! The help desk (技术支持服务, notice-2017 附件 4), kept as data: one entry per
//! office, keyed by its region (the province's entry is the province office's
//! line and the contacts for 省直单位). Each office edits its own; the
//! province edits any. Contacts and QQ groups are short JSON arrays, read and
//! written whole.

use sea_orm_migration::prelude::*;

use crate::util::{fk, int, pk, text, text_null, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("support_contacts")
                    // The office's region.
                    .col(ColumnDef::new("id").uuid().not_null())
                    .col(text_null("phone"))
                    .col(text_null("hours"))
                    // [{"name": "李耿", "phone": "15287105524"}, ...]
                    .col(text("contacts"))
                    // ["158413552", ...]
                    .col(text("qq_groups"))
                    .col(text_null("note"))
                    .col(text("updated_by"))
                    .col(timestamp("updated_at"))
                    .col(int("row_version"))
                    .primary_key(&mut pk("support_contacts"))
                    .foreign_key(&mut fk("fk_support_contacts_region", "support_contacts", "id", "regions"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("support_contacts").take()).await
    }
}
