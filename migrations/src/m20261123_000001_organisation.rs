//! The organisation tree: regions, units and departments (SPEC §2).

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{fk, index, pk, text, timestamp, unique, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("regions")
                    .col(uuid("id"))
                    .col(uuid_null("parent_id"))
                    .col(text("level"))
                    .col(text("code"))
                    .col(text("name"))
                    .col(timestamp("created_at"))
                    .primary_key(&mut pk("regions"))
                    .index(&mut unique(Constraint::RegionsCode.name(), &["code"]))
                    .foreign_key(&mut fk("fk_regions_parent", "regions", "parent_id", "regions"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_regions_parent_id", "regions", &["parent_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("units")
                    .col(uuid("id"))
                    .col(uuid("region_id"))
                    .col(text("code"))
                    .col(text("name"))
                    .col(text("level"))
                    .col(text("medicine"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .primary_key(&mut pk("units"))
                    .index(&mut unique(Constraint::UnitsCode.name(), &["code"]))
                    .foreign_key(&mut fk("fk_units_region", "units", "region_id", "regions"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_units_region_id", "units", &["region_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("departments")
                    .col(uuid("id"))
                    .col(uuid("unit_id"))
                    .col(text("name"))
                    .col(timestamp("created_at"))
                    .primary_key(&mut pk("departments"))
                    .index(&mut unique(Constraint::DepartmentsUnitName.name(), &["unit_id", "name"]))
                    .foreign_key(&mut fk("fk_departments_unit", "departments", "unit_id", "units"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["departments", "units", "regions"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
