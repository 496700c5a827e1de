//! Paper-credit entry by departments and their reports to the unit
//! (科室学分上报), the decision on each record, and the stored compliance of
//! every person-year (人员达标情况), which the queries page through.

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{fk, index, int, pk, text, text_null, timestamp, timestamp_null, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("credit_reports")
                    .col(uuid("id"))
                    .col(uuid("unit_id"))
                    .col(uuid("department_id"))
                    .col(int("credit_count"))
                    .col(text_null("note"))
                    .col(text("submitted_by"))
                    .col(timestamp("submitted_at"))
                    // Set when the unit has decided on every record of the report.
                    .col(timestamp_null("closed_at"))
                    .primary_key(&mut pk("credit_reports"))
                    .foreign_key(&mut fk("fk_credit_reports_unit", "credit_reports", "unit_id", "units"))
                    .foreign_key(&mut fk(
                        "fk_credit_reports_department",
                        "credit_reports",
                        "department_id",
                        "departments",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_credit_reports_unit_id_submitted_at",
                "credit_reports",
                &["unit_id", "submitted_at"],
            ))
            .await?;

        // Who entered a record from which department, the report that carried
        // it, and the unit's decision with its reason. SQLite adds columns
        // without constraints; the report's id is checked by the store.
        for column in
            [uuid_null("department_id"), uuid_null("report_id"), text_null("decided_by"), text_null("decision_reason")]
        {
            manager.alter_table(Table::alter().table("credits").add_column(column).take()).await?;
        }
        manager.alter_table(Table::alter().table("credits").add_column(timestamp_null("decided_at")).take()).await?;
        manager.create_index(index("ix_credits_report_id", "credits", &["report_id"])).await?;
        manager.create_index(index("ix_credits_department_id_state", "credits", &["department_id", "state"])).await?;
        // The same paper certificate cannot be entered twice for a person
        // while an earlier entry of it is live (a reversed or rejected one
        // may be entered again, corrected). Both backends take partial indexes.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_credits_person_id_certificate_no ON credits (person_id, certificate_no) \
                 WHERE certificate_no IS NOT NULL AND entry_path IN ('paper_unit', 'paper_department') \
                 AND state IN ('draft', 'pending', 'valid')",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("compliance")
                    .col(uuid("person_id"))
                    .col(int("year"))
                    // compliant | non_compliant | not_counted (exempt, cancelled)
                    // | undetermined (no standard row: e.g. a missing title)
                    .col(text("outcome"))
                    .col(int("i_tenths"))
                    .col(int("ii_tenths"))
                    .col(int("self_tenths"))
                    .col(int("total_tenths"))
                    // JSON: [{"code": "...", "missing_tenths": n}, ...]
                    .col(text("shortfalls"))
                    .col(text_null("note"))
                    .col(ColumnDef::new("standard_version").integer().null())
                    .col(timestamp("computed_at"))
                    .primary_key(
                        &mut Index::create()
                            .name(Constraint::CompliancePersonYear.name())
                            .col("person_id")
                            .col("year")
                            .take(),
                    )
                    .foreign_key(&mut fk("fk_compliance_person", "compliance", "person_id", "people"))
                    .check((
                        Constraint::ComplianceOutcome.name(),
                        Expr::col("outcome").is_in(["compliant", "non_compliant", "not_counted", "undetermined"]),
                    ))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_compliance_year_outcome", "compliance", &["year", "outcome"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("compliance").take()).await?;
        manager.get_connection().execute_unprepared("DROP INDEX IF EXISTS uq_credits_person_id_certificate_no").await?;
        manager.drop_index(Index::drop().name("ix_credits_department_id_state").table("credits").to_owned()).await?;
        manager.drop_index(Index::drop().name("ix_credits_report_id").table("credits").to_owned()).await?;
        for column in ["decided_at", "decision_reason", "decided_by", "report_id", "department_id"] {
            manager.alter_table(Table::alter().table("credits").drop_column(column).take()).await?;
        }
        manager.drop_table(Table::drop().table("credit_reports").take()).await
    }
}
