//! CME activities (SPEC §9) and one electronic credit per person and activity.
//!
//! `credits.activity_id` existed before this table; it gets no foreign key
//! (SQLite cannot add one to an existing table), the store writes only ids
//! of activities it has read.

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{fk, index, int, pk, text, text_null, timestamp, timestamp_null, unique, uuid, uuid_null};

/// The partial unique index behind "once per person and activity". Reversing
/// entries (which name the credit they cancel) are left out, so a sign-in
/// can be reversed without a second row colliding with the first.
const ONE_SIGN_IN: &str = "CREATE UNIQUE INDEX IF NOT EXISTS uq_credits_activity_id_person_id \
     ON credits (activity_id, person_id) WHERE activity_id IS NOT NULL AND reverses_id IS NULL";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("activities")
                    .col(uuid("id"))
                    // `HD<year>-<seq, 6 digits>`; seq counts the activities of the year.
                    .col(text("code"))
                    .col(int("seq"))
                    .col(text("name"))
                    .col(text("organiser"))
                    .col(text("kind"))
                    .col(text_null("source"))
                    .col(text_null("class"))
                    .col(int("amount_tenths"))
                    .col(ColumnDef::new("starts_on").date().not_null())
                    .col(ColumnDef::new("ends_on").date().not_null())
                    .col(int("year"))
                    // The owner: an office's region or a unit, exactly one.
                    .col(uuid_null("region_id"))
                    .col(uuid_null("unit_id"))
                    .col(text_null("created_by"))
                    .col(timestamp("created_at"))
                    .col(timestamp_null("cancelled_at"))
                    .col(text_null("cancel_reason"))
                    .primary_key(&mut pk("activities"))
                    .index(&mut unique(Constraint::ActivitiesCode.name(), &["code"]))
                    .foreign_key(&mut fk("fk_activities_region", "activities", "region_id", "regions"))
                    .foreign_key(&mut fk("fk_activities_unit", "activities", "unit_id", "units"))
                    .check((Constraint::ActivitiesAmountPositive.name(), Expr::col("amount_tenths").gt(0)))
                    .check((Constraint::ActivitiesDates.name(), Expr::col("starts_on").lte(Expr::col("ends_on"))))
                    .check((
                        Constraint::ActivitiesOwner.name(),
                        Expr::col("region_id").is_null().and(Expr::col("unit_id").is_not_null()).or(Expr::col(
                            "region_id",
                        )
                        .is_not_null()
                        .and(Expr::col("unit_id").is_null())),
                    ))
                    .check((
                        Constraint::ActivitiesKind.name(),
                        Expr::col("kind").eq("project").and(Expr::col("source").is_not_null()).or(Expr::col("kind")
                            .eq("self_managed")
                            .and(Expr::col("source").is_null())
                            .and(Expr::col("unit_id").is_not_null())),
                    ))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_activities_region_id_id", "activities", &["region_id", "id"])).await?;
        manager.create_index(index("ix_activities_unit_id_id", "activities", &["unit_id", "id"])).await?;
        manager.create_index(index("ix_activities_year_seq", "activities", &["year", "seq"])).await?;
        manager.get_connection().execute_unprepared(ONE_SIGN_IN).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(Constraint::CreditsActivityPerson.name()).table("credits").to_owned())
            .await?;
        manager.drop_table(Table::drop().table("activities").take()).await
    }
}
