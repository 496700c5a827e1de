//! What waits on an office, counted from the index alone. The workbench
//! counts the records waiting on a tier by list and state on every request
//! (they are never cached); the queue indexes end with `id` (for paging), so
//! the count read every row. These indexes hold the list and the state.
//! Measured on the generated province (400,000 people, PostgreSQL, one
//! prefecture's 18,149 waiting records): 22 ms -> 4 ms for the count.

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 3] = [
    ("ix_verifications_counts_province", &["current_tier", "cycle_year", "prefecture_id", "list_kind", "state"]),
    ("ix_verifications_counts_prefecture", &["current_tier", "prefecture_id", "cycle_year", "list_kind", "state"]),
    (
        "ix_verifications_counts_county",
        &["current_tier", "county_id", "cycle_year", "prefecture_id", "list_kind", "state"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in INDEXES {
            manager.create_index(index(name, "verifications", columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.drop_index(Index::drop().name(name).table("verifications").to_owned()).await?;
        }
        Ok(())
    }
}
