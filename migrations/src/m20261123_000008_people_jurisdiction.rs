//! Each person's county and prefecture, copied from his unit's region, so an
//! office's page of people comes straight off `(county_id, id)` or
//! `(prefecture_id, id)` instead of sorting every person of hundreds of
//! units. The store keeps them in step whenever it writes a person.

use sea_orm_migration::prelude::*;

use crate::util::{index, uuid_null};

/// The county of a person's unit (null for units above county level).
pub const COUNTY_OF_UNIT: &str = "(SELECT r.id FROM units u JOIN regions r ON r.id = u.region_id \
     WHERE u.id = people.unit_id AND r.level = 'county')";
/// The prefecture of a person's unit (null for province-direct units).
pub const PREFECTURE_OF_UNIT: &str = "(SELECT CASE WHEN r.level = 'prefecture' THEN r.id \
     WHEN r.level = 'county' THEN r.parent_id END FROM units u JOIN regions r ON r.id = u.region_id \
     WHERE u.id = people.unit_id)";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["county_id", "prefecture_id"] {
            manager.alter_table(Table::alter().table("people").add_column(uuid_null(column)).take()).await?;
        }
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE people SET county_id = {COUNTY_OF_UNIT}, prefecture_id = {PREFECTURE_OF_UNIT}"
            ))
            .await?;
        manager.create_index(index("ix_people_county_id_id", "people", &["county_id", "id"])).await?;
        manager.create_index(index("ix_people_prefecture_id_id", "people", &["prefecture_id", "id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_people_prefecture_id_id").table("people").to_owned()).await?;
        manager.drop_index(Index::drop().name("ix_people_county_id_id").table("people").to_owned()).await?;
        for column in ["prefecture_id", "county_id"] {
            manager.alter_table(Table::alter().table("people").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
