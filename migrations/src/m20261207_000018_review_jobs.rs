//! "Approve all that match" over more records than one request should hold
//! (a prefecture's or the province's queue): the approval runs in the
//! background in chunks, and this table keeps its progress, so that any
//! instance of the server can answer "how far is it".

use sea_orm_migration::prelude::*;

use crate::util::{fk, index, int, pk, text, text_null, timestamp, timestamp_null, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("review_jobs")
                    .col(uuid("id"))
                    // The account that started it (only it reads the job).
                    .col(uuid("account_id"))
                    .col(int("cycle_year"))
                    // Records to approve, approved so far, and not approved
                    // because someone decided them meanwhile.
                    .col(int("total"))
                    .col(int("done"))
                    .col(int("skipped"))
                    // running | finished | failed
                    .col(text("state"))
                    .col(text_null("message"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .col(timestamp_null("finished_at"))
                    .primary_key(&mut pk("review_jobs"))
                    .foreign_key(&mut fk("fk_review_jobs_account", "review_jobs", "account_id", "accounts"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_review_jobs_account_id", "review_jobs", &["account_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("review_jobs").take()).await
    }
}
