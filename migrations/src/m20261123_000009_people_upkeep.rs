//! Personnel upkeep (issue 4): transfers between units, the effective date
//! of a status change, and the idempotency keys of the API's POSTs.
//!
//! A person has at most one open (pending) transfer: a partial unique index,
//! which both backends enforce. Idempotency keys keep a keyed fingerprint of
//! the request, never the request itself, and the first answer only when it
//! holds no secret and no full ID number.

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{
    binary, binary_null, fk, index, int, pk, text, text_null, timestamp, timestamp_null, unique, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("person_transfers")
                    .col(uuid("id"))
                    .col(uuid("person_id"))
                    .col(uuid("from_unit_id"))
                    .col(uuid_null("from_department_id"))
                    .col(uuid("to_unit_id"))
                    // Chosen by the receiving unit when it accepts.
                    .col(uuid_null("to_department_id"))
                    .col(text("state"))
                    .col(text("reason"))
                    .col(text("requested_by"))
                    .col(timestamp("requested_at"))
                    .col(text_null("decided_by"))
                    .col(timestamp_null("decided_at"))
                    .col(text_null("decision_reason"))
                    .primary_key(&mut pk("person_transfers"))
                    .foreign_key(&mut fk("fk_person_transfers_person", "person_transfers", "person_id", "people"))
                    .foreign_key(&mut fk("fk_person_transfers_from_unit", "person_transfers", "from_unit_id", "units"))
                    .foreign_key(&mut fk("fk_person_transfers_to_unit", "person_transfers", "to_unit_id", "units"))
                    .foreign_key(&mut fk(
                        "fk_person_transfers_from_department",
                        "person_transfers",
                        "from_department_id",
                        "departments",
                    ))
                    .foreign_key(&mut fk(
                        "fk_person_transfers_to_department",
                        "person_transfers",
                        "to_department_id",
                        "departments",
                    ))
                    .check((
                        Constraint::PersonTransfersState.name(),
                        Expr::col("state").is_in(["pending", "accepted", "rejected", "cancelled"]),
                    ))
                    .check((
                        Constraint::PersonTransfersOtherUnit.name(),
                        Expr::col("to_unit_id").ne(Expr::col("from_unit_id")),
                    ))
                    .take(),
            )
            .await?;
        // One open transfer per person (a partial index: same SQL on both backends).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_person_transfers_open ON person_transfers (person_id) WHERE state = 'pending'",
            )
            .await?;
        manager
            .create_index(index("ix_person_transfers_person_id", "person_transfers", &["person_id", "requested_at"]))
            .await?;
        manager
            .create_index(index("ix_person_transfers_to_unit_id_state", "person_transfers", &["to_unit_id", "state"]))
            .await?;
        manager
            .create_index(index(
                "ix_person_transfers_from_unit_id_state",
                "person_transfers",
                &["from_unit_id", "state"],
            ))
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table("person_status_changes")
                    .add_column(ColumnDef::new("effective_on").date().null())
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("idempotency_keys")
                    .col(uuid("id"))
                    // `account:<uuid>` or `client:<uuid>`: keys are the caller's own.
                    .col(text("caller"))
                    .col(text("key"))
                    // Keyed hash of method, path, query and body.
                    .col(binary("fingerprint"))
                    // Null while the first request runs.
                    .col(ColumnDef::new("status").integer().null())
                    .col(text_null("content_type"))
                    .col(binary_null("body"))
                    // 1 when the first answer was not kept (it held a secret).
                    .col(int("withheld").default(0))
                    .col(timestamp("created_at"))
                    .col(timestamp("expires_at"))
                    .primary_key(&mut pk("idempotency_keys"))
                    .index(&mut unique(Constraint::IdempotencyKeysCallerKey.name(), &["caller", "key"]))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_idempotency_keys_expires_at", "idempotency_keys", &["expires_at"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("idempotency_keys").take()).await?;
        manager.alter_table(Table::alter().table("person_status_changes").drop_column("effective_on").take()).await?;
        manager.drop_table(Table::drop().table("person_transfers").take()).await
    }
}
