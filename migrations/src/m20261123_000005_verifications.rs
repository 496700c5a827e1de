//! Person-year verifications and their append-only transition log (SPEC §5).

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
                    .table("verifications")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    .col(int("year"))
                    // The unit at submission, and its level and medicine copied so
                    // the review chain stays stable if the unit changes later.
                    .col(uuid("unit_id"))
                    .col(text("unit_level"))
                    .col(text("medicine"))
                    .col(text("list_kind"))
                    .col(text("state"))
                    .col(ColumnDef::new("step").small_integer().null())
                    .col(text_null("special_reason"))
                    .col(text_null("certificate_no"))
                    // Optimistic lock: every transition bumps it under a guard.
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
        manager
            .create_index(index("ix_verifications_unit_id_year_state", "verifications", &["unit_id", "year", "state"]))
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["verification_transitions", "verifications"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
