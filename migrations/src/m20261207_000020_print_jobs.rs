//! Batch prints as background jobs (issue 16): a hospital printing 800
//! certificates asks for the batch, any instance of the server claims the
//! job and writes the PDF to the shared file store, the page follows its
//! progress (n of N), may cancel it, and downloads the file when it is done.
//! Files are kept a day; the row stays (who printed what, when).

use sea_orm_migration::prelude::*;

use crate::util::{big_int, fk, index, int, pk, text, text_null, timestamp, timestamp_null, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("print_jobs")
                    .col(uuid("id"))
                    // The account that asked (only it reads, cancels and downloads).
                    .col(uuid("account_id"))
                    .col(int("year"))
                    // The print request as JSON (year, unit, department, people…).
                    .col(text("request"))
                    // What the file is called: unit, department, year.
                    .col(text("file_name"))
                    // queued | running | finished | failed | cancelled | expired
                    .col(text("state"))
                    .col(int("total"))
                    .col(int("done"))
                    // The instance working on it and its last sign of life:
                    // a running job whose instance died is claimed again.
                    .col(text_null("claimed_by"))
                    .col(timestamp_null("heartbeat_at"))
                    .col(big_int("file_bytes"))
                    .col(text_null("message"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .col(timestamp_null("finished_at"))
                    .primary_key(&mut pk("print_jobs"))
                    .foreign_key(&mut fk("fk_print_jobs_account", "print_jobs", "account_id", "accounts"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_print_jobs_account_id", "print_jobs", &["account_id"])).await?;
        manager.create_index(index("ix_print_jobs_state", "print_jobs", &["state", "created_at"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("print_jobs").take()).await
    }
}
