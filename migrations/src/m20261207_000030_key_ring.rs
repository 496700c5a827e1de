//! The key ring: keys that must outlive a rotation of `CME_DATA_KEY`.
//!
//! The audit chain's key and the access-token secret were derived from the
//! data key; a chain already written and tokens already issued must keep
//! verifying after the data key changes. `cme rekey` stores them here,
//! sealed (AES-256-GCM) under the new data key, and every process reads them
//! back at start. An empty ring means "derive them from the data key", as
//! before any rotation. A row `rekey_target` marks a rotation under way.

use sea_orm_migration::prelude::*;

use crate::util::{binary, pk, text, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("key_ring")
                    // What the key is for: `audit_chain`, `access_tokens`, `rekey_target`.
                    .col(text("id"))
                    // Sealed under the data key (nonce ‖ ciphertext+tag); for
                    // `rekey_target`, the fingerprint of the key being moved to.
                    .col(binary("value"))
                    .col(timestamp("updated_at"))
                    .primary_key(&mut pk("key_ring"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("key_ring").take()).await
    }
}
