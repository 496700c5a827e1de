//! The annual verification cycle (SPEC §5, §6): the province's calendar of
//! each year, the submission windows each office sets for the tiers below
//! it, evidence files, the certificate-number counters, and verifications
//! reshaped for the review queues.
//!
//! `verifications` and its log are recreated: nothing wrote them before
//! this migration (they had no route), and the new shape has required
//! columns an ALTER could not add on SQLite.

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{boolean, fk, index, int, pk, text, text_null, timestamp, timestamp_null, unique, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn date(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).date().not_null().take()
}

fn date_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).date().null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["verification_transitions", "verifications"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }

        // The calendar of verification year `year` (dates are whole days in
        // Asia/Shanghai, inclusive).
        manager
            .create_table(
                Table::create()
                    .table("cycles")
                    .col(int("year"))
                    .col(date("opens_on"))
                    .col(date("data_due"))
                    .col(date("inspection_from"))
                    .col(date("inspection_to"))
                    .col(date("questions_until"))
                    .col(date("closes_on"))
                    .col(text("opened_by"))
                    .col(timestamp("opened_at"))
                    .col(text("updated_by"))
                    .col(timestamp("updated_at"))
                    .col(int("row_version").default(1))
                    .primary_key(&mut Index::create().name("pk_cycles").col("year").take())
                    .take(),
            )
            .await?;

        // A window an office (its region) set for one tier of the units
        // below it, inside its parent's window.
        manager
            .create_table(
                Table::create()
                    .table("submission_windows")
                    .col(uuid("id"))
                    .col(int("year"))
                    .col(uuid("region_id"))
                    // county_and_above | township | village
                    .col(text("tier"))
                    .col(timestamp("starts_at"))
                    .col(timestamp("ends_at"))
                    .col(text("set_by"))
                    .col(timestamp("set_at"))
                    .primary_key(&mut pk("submission_windows"))
                    .index(&mut unique(
                        Constraint::SubmissionWindowsYearRegionTier.name(),
                        &["year", "region_id", "tier"],
                    ))
                    .foreign_key(
                        &mut ForeignKey::create()
                            .name("fk_submission_windows_cycle")
                            .from("submission_windows", "year")
                            .to("cycles", "year")
                            .on_delete(ForeignKeyAction::Restrict)
                            .on_update(ForeignKeyAction::Restrict)
                            .take(),
                    )
                    .foreign_key(&mut fk("fk_submission_windows_region", "submission_windows", "region_id", "regions"))
                    .check((Constraint::SubmissionWindowsOrder.name(), Expr::col("ends_at").gt(Expr::col("starts_at"))))
                    .take(),
            )
            .await?;

        // An uploaded evidence file (the bytes live behind the storage
        // interface, under `storage_key`).
        manager
            .create_table(
                Table::create()
                    .table("evidence_files")
                    .col(uuid("id"))
                    .col(uuid("unit_id"))
                    .col(text("file_name"))
                    .col(text("content_type"))
                    .col(ColumnDef::new("size_bytes").big_integer().not_null())
                    .col(text("sha256"))
                    .col(text("storage_key"))
                    .col(text("uploaded_by"))
                    .col(timestamp("uploaded_at"))
                    .primary_key(&mut pk("evidence_files"))
                    .foreign_key(&mut fk("fk_evidence_files_unit", "evidence_files", "unit_id", "units"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("verifications")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    // The year verified, and the cycle it is verified in
                    // (a make-up year is verified in a later cycle).
                    .col(int("year"))
                    .col(int("cycle_year"))
                    // The unit at submission, its level, medicine and place,
                    // copied so the chain and the queues stay stable.
                    .col(uuid("unit_id"))
                    .col(text("unit_level"))
                    .col(text("medicine"))
                    .col(uuid_null("county_id"))
                    .col(uuid_null("prefecture_id"))
                    .col(uuid_null("department_id"))
                    .col(text("list_kind"))
                    .col(text("state"))
                    .col(ColumnDef::new("step").small_integer().null())
                    // The tier that acts next (null once certified): the
                    // reviewing office in review, the final office once
                    // approved, the unit when prepared or returned.
                    .col(text_null("current_tier"))
                    // The special list (SPEC §6).
                    .col(text_null("special_reason"))
                    .col(date_null("special_from"))
                    .col(date_null("special_to"))
                    .col(boolean("deemed_compliant").default(false))
                    .col(text_null("note"))
                    // The verdict the unit saw when it submitted.
                    .col(text_null("outcome_at_submit"))
                    .col(text_null("certificate_no"))
                    .col(uuid_null("issued_by_region"))
                    .col(ColumnDef::new("certificate_seq").integer().null())
                    .col(timestamp_null("issued_at"))
                    .col(int("row_version").default(1))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .primary_key(&mut pk("verifications"))
                    .index(&mut unique(Constraint::VerificationsPersonYear.name(), &["person_id", "year"]))
                    .index(&mut unique(Constraint::VerificationsCertificateNo.name(), &["certificate_no"]))
                    .foreign_key(&mut fk("fk_verifications_person", "verifications", "person_id", "people"))
                    .foreign_key(&mut fk("fk_verifications_unit", "verifications", "unit_id", "units"))
                    .take(),
            )
            .await?;
        for (name, columns) in [
            ("ix_verifications_unit_id_cycle_year_state", &["unit_id", "cycle_year", "state"][..]),
            ("ix_verifications_queue_county", &["current_tier", "county_id", "cycle_year", "id"][..]),
            ("ix_verifications_queue_prefecture", &["current_tier", "prefecture_id", "cycle_year", "id"][..]),
            ("ix_verifications_queue_province", &["current_tier", "cycle_year", "id"][..]),
        ] {
            manager.create_index(index(name, "verifications", columns)).await?;
        }
        // Gap-free numbers per issuing office (region) and year.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_verifications_issued_by_region_year_certificate_seq ON verifications \
                 (issued_by_region, year, certificate_seq) WHERE certificate_seq IS NOT NULL",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("verification_transitions")
                    .col(uuid("id"))
                    .col(uuid("verification_id"))
                    .col(int("seq"))
                    .col(text("event"))
                    .col(text_null("from_state"))
                    .col(ColumnDef::new("from_step").small_integer().null())
                    .col(text("to_state"))
                    .col(ColumnDef::new("to_step").small_integer().null())
                    .col(text("actor_tier"))
                    .col(uuid_null("actor_id"))
                    .col(text("actor_name"))
                    .col(text_null("reason"))
                    .col(timestamp("at"))
                    .primary_key(&mut pk("verification_transitions"))
                    .index(&mut unique(Constraint::VerificationTransitionsSeq.name(), &["verification_id", "seq"]))
                    .foreign_key(&mut fk(
                        "fk_verification_transitions_verification",
                        "verification_transitions",
                        "verification_id",
                        "verifications",
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("verification_evidence")
                    .col(uuid("verification_id"))
                    .col(uuid("evidence_id"))
                    .primary_key(
                        &mut Index::create()
                            .name("pk_verification_evidence")
                            .col("verification_id")
                            .col("evidence_id")
                            .take(),
                    )
                    .foreign_key(&mut fk(
                        "fk_verification_evidence_verification",
                        "verification_evidence",
                        "verification_id",
                        "verifications",
                    ))
                    .foreign_key(&mut fk(
                        "fk_verification_evidence_evidence",
                        "verification_evidence",
                        "evidence_id",
                        "evidence_files",
                    ))
                    .take(),
            )
            .await?;

        // The last certificate sequence issued per office (region) and year.
        manager
            .create_table(
                Table::create()
                    .table("certificate_counters")
                    .col(uuid("region_id"))
                    .col(int("year"))
                    .col(int("last_seq"))
                    .primary_key(
                        &mut Index::create().name("pk_certificate_counters").col("region_id").col("year").take(),
                    )
                    .foreign_key(&mut fk(
                        "fk_certificate_counters_region",
                        "certificate_counters",
                        "region_id",
                        "regions",
                    ))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "certificate_counters",
            "verification_evidence",
            "verification_transitions",
            "verifications",
            "evidence_files",
            "submission_windows",
            "cycles",
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        crate::m20261123_000005_verifications::Migration.up(manager).await
    }
}
