//! The department a certificate prints (科室), frozen with the rest of its
//! snapshot: the holder's department when it is issued. Certificates issued
//! before this change take the holder's department of today, so that every
//! version prints the same from now on.

use sea_orm_migration::prelude::*;

use crate::util::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Null: the person had no department (a village clinic has none).
        manager
            .alter_table(Table::alter().table("certificates").add_column(text_null("department_name")).take())
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE certificates SET department_name = (SELECT d.name FROM people p \
                 JOIN departments d ON d.id = p.department_id WHERE p.id = certificates.person_id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("certificates").drop_column("department_name").take()).await
    }
}
