//! Health workers, their title history and status history (SPEC §2).
//!
//! The plaintext ID number is never stored: only its AES-256-GCM ciphertext,
//! a keyed HMAC for look-ups (the unique natural key) and a masked display form.

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{binary, binary_null, fk, index, int, pk, text, text_null, timestamp, unique, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("people")
                    .col(uuid("id"))
                    .col(uuid("unit_id"))
                    .col(uuid_null("department_id"))
                    .col(text("name"))
                    .col(text("gender"))
                    .col(binary("id_number_cipher"))
                    .col(binary("id_number_hmac"))
                    .col(text("id_number_masked"))
                    .col(text("discipline"))
                    .col(text("status"))
                    .col(binary_null("phone_cipher"))
                    .col(int("row_version").default(1))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .primary_key(&mut pk("people"))
                    .index(&mut unique(Constraint::PeopleIdNumber.name(), &["id_number_hmac"]))
                    .foreign_key(&mut fk("fk_people_unit", "people", "unit_id", "units"))
                    .foreign_key(&mut fk("fk_people_department", "people", "department_id", "departments"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_people_unit_id", "people", &["unit_id"])).await?;
        manager.create_index(index("ix_people_department_id", "people", &["department_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("person_titles")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    .col(text("name"))
                    .col(text("level"))
                    .col(ColumnDef::new("obtained_on").date().not_null())
                    .col(timestamp("created_at"))
                    .primary_key(&mut pk("person_titles"))
                    .foreign_key(&mut fk("fk_person_titles_person", "person_titles", "person_id", "people"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_person_titles_person_id", "person_titles", &["person_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("person_status_changes")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    .col(text_null("from_status"))
                    .col(text("to_status"))
                    .col(text_null("reason"))
                    .col(text_null("changed_by"))
                    .col(timestamp("at"))
                    .primary_key(&mut pk("person_status_changes"))
                    .foreign_key(&mut fk(
                        "fk_person_status_changes_person",
                        "person_status_changes",
                        "person_id",
                        "people",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("ix_person_status_changes_person_id", "person_status_changes", &["person_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["person_status_changes", "person_titles", "people"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
