//! Keyset pages of a unit's or a department's people (`ORDER BY id` after a
//! filter) read straight off these indexes instead of sorting; they make the
//! single-column indexes of the people migration redundant.

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("ix_people_unit_id_id", "people", &["unit_id", "id"])).await?;
        manager.create_index(index("ix_people_department_id_id", "people", &["department_id", "id"])).await?;
        manager.drop_index(Index::drop().name("ix_people_unit_id").table("people").to_owned()).await?;
        manager.drop_index(Index::drop().name("ix_people_department_id").table("people").to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("ix_people_unit_id", "people", &["unit_id"])).await?;
        manager.create_index(index("ix_people_department_id", "people", &["department_id"])).await?;
        manager.drop_index(Index::drop().name("ix_people_department_id_id").table("people").to_owned()).await?;
        manager.drop_index(Index::drop().name("ix_people_unit_id_id").table("people").to_owned()).await
    }
}
