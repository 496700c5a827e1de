//! Certificates and what follows them (SPEC §5, §7, §8): the offices' seals,
//! certificates as issued (immutable snapshots, versioned), the public
//! lookups of them, spot checks and on-site inspections with their samples,
//! the holds an inspection under 95% puts on an institution's year, and title
//! corrections with their review log.
//!
//! Nothing here is ever deleted: a replaced seal is retired, a reissued
//! certificate is superseded, a revoked one keeps its reason, a released hold
//! keeps who released it.

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{
    big_int, binary, boolean, fk, index, int, pk, text, text_null, timestamp, timestamp_null, unique, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn int_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().null().take()
}

fn date(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).date().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An office's seal (电子印章): the processed image (white background
        // removed). An office is a region with its tier (the province has two).
        manager
            .create_table(
                Table::create()
                    .table("seals")
                    .col(uuid("id"))
                    .col(uuid("region_id"))
                    .col(text("office"))
                    .col(binary("png"))
                    .col(int("width"))
                    .col(int("height"))
                    .col(text("sha256"))
                    .col(text("uploaded_by"))
                    .col(timestamp("uploaded_at"))
                    .col(timestamp_null("retired_at"))
                    .col(text_null("retired_by"))
                    .primary_key(&mut pk("seals"))
                    .foreign_key(&mut fk("fk_seals_region", "seals", "region_id", "regions"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_seals_region_id_office", "seals", &["region_id", "office"])).await?;

        // A certificate as issued: what it prints, frozen. A reissue adds a
        // version with the same number and supersedes the previous one.
        manager
            .create_table(
                Table::create()
                    .table("certificates")
                    .col(uuid("id"))
                    .col(uuid("verification_id"))
                    .col(uuid("person_id"))
                    .col(uuid("unit_id"))
                    .col(int("year"))
                    .col(text("number"))
                    .col(int("version"))
                    .col(text("name"))
                    .col(text("gender"))
                    .col(text("id_masked"))
                    .col(text("unit_name"))
                    .col(text("title_name"))
                    .col(int("class1_tenths"))
                    .col(int("class2_tenths"))
                    .col(int("self_managed_tenths"))
                    .col(int("total_tenths"))
                    .col(text("verdict"))
                    .col(text("issuer"))
                    .col(uuid("issued_by_region"))
                    .col(text("issued_by_office"))
                    .col(uuid_null("seal_id"))
                    // The QR code's unguessable token, and the short code
                    // printed for a lookup by number.
                    .col(text("qr_token"))
                    .col(text("check_code"))
                    .col(text("issued_by"))
                    .col(timestamp("issued_at"))
                    .col(timestamp_null("superseded_at"))
                    .col(uuid_null("superseded_by"))
                    .col(timestamp_null("revoked_at"))
                    .col(text_null("revoked_by"))
                    .col(text_null("revoke_reason"))
                    .col(int("row_version").default(1))
                    .primary_key(&mut pk("certificates"))
                    .index(&mut unique(Constraint::CertificatesNumberVersion.name(), &["number", "version"]))
                    .index(&mut unique(Constraint::CertificatesQrToken.name(), &["qr_token"]))
                    .foreign_key(&mut fk(
                        "fk_certificates_verification",
                        "certificates",
                        "verification_id",
                        "verifications",
                    ))
                    .foreign_key(&mut fk("fk_certificates_person", "certificates", "person_id", "people"))
                    .foreign_key(&mut fk("fk_certificates_unit", "certificates", "unit_id", "units"))
                    .foreign_key(&mut fk("fk_certificates_seal", "certificates", "seal_id", "seals"))
                    .take(),
            )
            .await?;
        for (name, columns) in [
            ("ix_certificates_person_id_year", &["person_id", "year"][..]),
            ("ix_certificates_unit_id_year", &["unit_id", "year"][..]),
            ("ix_certificates_verification_id", &["verification_id"][..]),
        ] {
            manager.create_index(index(name, "certificates", columns)).await?;
        }

        // Every public lookup of a certificate (who asked is kept only as a
        // keyed hash of the client address).
        manager
            .create_table(
                Table::create()
                    .table("certificate_lookups")
                    .col(uuid("id"))
                    .col(timestamp("at"))
                    // qr | number
                    .col(text("method"))
                    .col(text_null("number"))
                    .col(boolean("found"))
                    .col(uuid_null("certificate_id"))
                    .col(text_null("status"))
                    .col(text("client"))
                    .primary_key(&mut pk("certificate_lookups"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_certificate_lookups_at", "certificate_lookups", &["at"])).await?;

        // A spot check (抽验: a sample of records finalised below an office,
        // stratified by unit) or an on-site inspection (现场抽验: institutions
        // drawn at random, a sample of each). Reproducible from its seed.
        manager
            .create_table(
                Table::create()
                    .table("spot_checks")
                    .col(uuid("id"))
                    // sample | on_site
                    .col(text("kind"))
                    .col(int("year"))
                    .col(text("office"))
                    .col(uuid("region_id"))
                    .col(big_int("seed"))
                    .col(int("rate_permille"))
                    .col(int("per_unit_min"))
                    .col(int_null("institutions"))
                    .col(uuid_null("only_unit_id"))
                    .col(int("candidates"))
                    // open | closed
                    .col(text("status"))
                    .col(text_null("note"))
                    .col(text("created_by"))
                    .col(timestamp("created_at"))
                    .col(text_null("closed_by"))
                    .col(timestamp_null("closed_at"))
                    .col(int("row_version").default(1))
                    .primary_key(&mut pk("spot_checks"))
                    .foreign_key(&mut fk("fk_spot_checks_region", "spot_checks", "region_id", "regions"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_spot_checks_region_id_year", "spot_checks", &["region_id", "year"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("spot_check_units")
                    .col(uuid("spot_check_id"))
                    .col(uuid("unit_id"))
                    .col(int("finalised"))
                    .col(int("sampled"))
                    .col(int_null("passed"))
                    .col(int_null("failed"))
                    .col(int_null("pass_permille"))
                    // passed | sent_back, once the check is closed
                    .col(text_null("outcome"))
                    .primary_key(
                        &mut Index::create().name("pk_spot_check_units").col("spot_check_id").col("unit_id").take(),
                    )
                    .foreign_key(&mut fk(
                        "fk_spot_check_units_check",
                        "spot_check_units",
                        "spot_check_id",
                        "spot_checks",
                    ))
                    .foreign_key(&mut fk("fk_spot_check_units_unit", "spot_check_units", "unit_id", "units"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("spot_check_items")
                    .col(uuid("id"))
                    .col(uuid("spot_check_id"))
                    .col(uuid("verification_id"))
                    .col(uuid("unit_id"))
                    .col(uuid("person_id"))
                    // pending | pass | fail
                    .col(text("result"))
                    .col(text_null("note"))
                    .col(text_null("recorded_by"))
                    .col(timestamp_null("recorded_at"))
                    .primary_key(&mut pk("spot_check_items"))
                    .index(&mut unique(
                        Constraint::SpotCheckItemsCheckVerification.name(),
                        &["spot_check_id", "verification_id"],
                    ))
                    .foreign_key(&mut fk(
                        "fk_spot_check_items_check",
                        "spot_check_items",
                        "spot_check_id",
                        "spot_checks",
                    ))
                    .foreign_key(&mut fk(
                        "fk_spot_check_items_verification",
                        "spot_check_items",
                        "verification_id",
                        "verifications",
                    ))
                    .take(),
            )
            .await?;

        // An institution's year sent back by an inspection: its certificates
        // of that year are held until a later inspection passes it.
        manager
            .create_table(
                Table::create()
                    .table("certificate_holds")
                    .col(uuid("id"))
                    .col(uuid("unit_id"))
                    .col(int("year"))
                    .col(uuid("spot_check_id"))
                    .col(text("reason"))
                    .col(text("held_by"))
                    .col(timestamp("held_at"))
                    .col(uuid_null("released_by_check"))
                    .col(text_null("released_by"))
                    .col(timestamp_null("released_at"))
                    .primary_key(&mut pk("certificate_holds"))
                    .foreign_key(&mut fk("fk_certificate_holds_unit", "certificate_holds", "unit_id", "units"))
                    .foreign_key(&mut fk(
                        "fk_certificate_holds_check",
                        "certificate_holds",
                        "spot_check_id",
                        "spot_checks",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("ix_certificate_holds_unit_id_year", "certificate_holds", &["unit_id", "year"]))
            .await?;

        // A title correction (职称信息更正): the person's request with its
        // documents, reviewed by the unit and each office above; the
        // province decides.
        manager
            .create_table(
                Table::create()
                    .table("title_corrections")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    .col(int("year"))
                    .col(uuid("unit_id"))
                    .col(text("unit_level"))
                    .col(text("medicine"))
                    .col(uuid_null("county_id"))
                    .col(uuid_null("prefecture_id"))
                    .col(uuid_null("certificate_id"))
                    .col(text("old_title"))
                    .col(text("new_title"))
                    .col(text("new_level"))
                    .col(date("obtained_on"))
                    .col(text("reason"))
                    // The engine's verdict of the year under the new title
                    // when the request was made.
                    .col(text("outcome_preview"))
                    // in_review | approved | rejected
                    .col(text("state"))
                    .col(ColumnDef::new("step").small_integer().null())
                    .col(text_null("current_tier"))
                    .col(uuid_null("new_certificate_id"))
                    .col(text("requested_by"))
                    .col(timestamp("requested_at"))
                    .col(timestamp("updated_at"))
                    .col(int("row_version").default(1))
                    .primary_key(&mut pk("title_corrections"))
                    .foreign_key(&mut fk("fk_title_corrections_person", "title_corrections", "person_id", "people"))
                    .foreign_key(&mut fk("fk_title_corrections_unit", "title_corrections", "unit_id", "units"))
                    .take(),
            )
            .await?;
        for (name, columns) in [
            ("ix_title_corrections_person_id_year", &["person_id", "year"][..]),
            ("ix_title_corrections_current_tier_unit_id", &["current_tier", "unit_id"][..]),
        ] {
            manager.create_index(index(name, "title_corrections", columns)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("title_correction_transitions")
                    .col(uuid("id"))
                    .col(uuid("correction_id"))
                    .col(int("seq"))
                    .col(text("event"))
                    .col(text_null("from_state"))
                    .col(text("to_state"))
                    .col(text("actor_tier"))
                    .col(uuid_null("actor_id"))
                    .col(text("actor_name"))
                    .col(text_null("reason"))
                    .col(timestamp("at"))
                    .primary_key(&mut pk("title_correction_transitions"))
                    .index(&mut unique(Constraint::TitleCorrectionTransitionsSeq.name(), &["correction_id", "seq"]))
                    .foreign_key(&mut fk(
                        "fk_title_correction_transitions_correction",
                        "title_correction_transitions",
                        "correction_id",
                        "title_corrections",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("title_correction_evidence")
                    .col(uuid("correction_id"))
                    .col(uuid("evidence_id"))
                    .primary_key(
                        &mut Index::create()
                            .name("pk_title_correction_evidence")
                            .col("correction_id")
                            .col("evidence_id")
                            .take(),
                    )
                    .foreign_key(&mut fk(
                        "fk_title_correction_evidence_correction",
                        "title_correction_evidence",
                        "correction_id",
                        "title_corrections",
                    ))
                    .foreign_key(&mut fk(
                        "fk_title_correction_evidence_evidence",
                        "title_correction_evidence",
                        "evidence_id",
                        "evidence_files",
                    ))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "title_correction_evidence",
            "title_correction_transitions",
            "title_corrections",
            "certificate_holds",
            "spot_check_items",
            "spot_check_units",
            "spot_checks",
            "certificate_lookups",
            "certificates",
            "seals",
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
