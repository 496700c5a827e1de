//! Credit records and mandatory-course completions (SPEC §3).
//!
//! Amounts are integer tenths of a credit, never floats.

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{fk, index, int, pk, text, text_null, timestamp, unique, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("credits")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    .col(int("year"))
                    .col(text("kind"))
                    .col(text_null("source"))
                    // 'i' / 'ii', derived from the source and kept for queries.
                    .col(text_null("class"))
                    .col(int("amount_tenths"))
                    .col(text("entry_path"))
                    .col(text("state"))
                    .col(text("activity_name"))
                    .col(text_null("organiser"))
                    .col(ColumnDef::new("earned_on").date().null())
                    .col(text_null("certificate_no"))
                    // The CME activity that issued an electronic credit; its table comes later.
                    .col(uuid_null("activity_id"))
                    .col(uuid_null("reverses_id"))
                    .col(text_null("note"))
                    .col(timestamp("created_at"))
                    .col(text_null("created_by"))
                    .primary_key(&mut pk("credits"))
                    .foreign_key(&mut fk("fk_credits_person", "credits", "person_id", "people"))
                    .foreign_key(&mut fk("fk_credits_reverses", "credits", "reverses_id", "credits"))
                    .check((Constraint::CreditsAmountPositive.name(), Expr::col("amount_tenths").gt(0)))
                    .check((
                        Constraint::CreditsClass.name(),
                        Expr::col("class").is_null().or(Expr::col("class").is_in(["i", "ii"])),
                    ))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_credits_person_id_year", "credits", &["person_id", "year"])).await?;
        manager.create_index(index("ix_credits_year", "credits", &["year"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("course_completions")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    .col(int("year"))
                    .col(ColumnDef::new("completed_on").date().not_null())
                    .col(text("source"))
                    .col(timestamp("created_at"))
                    .primary_key(&mut pk("course_completions"))
                    .index(&mut unique(Constraint::CourseCompletionsPersonYear.name(), &["person_id", "year"]))
                    .foreign_key(&mut fk("fk_course_completions_person", "course_completions", "person_id", "people"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["course_completions", "credits"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
