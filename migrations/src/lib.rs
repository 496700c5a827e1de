//! Schema migrations, one file per change, applied in name order.
//!
//! Every constraint and index is named (`pk_*`, `fk_*`, `uq_*`, `ck_*`,
//! `ix_*`) so that the store can report a violation by name and the API can
//! map it to a response in one place. The schema runs on SQLite and
//! PostgreSQL: uuid keys, UTC timestamps, credits as integer tenths, enums as
//! their snake_case names.

pub use sea_orm_migration::prelude::*;

pub mod constraint;

mod m20261123_000001_organisation;
mod m20261123_000002_people;
mod m20261123_000003_standards;
mod m20261123_000004_credits;
pub(crate) mod m20261123_000005_verifications;
mod m20261123_000006_accounts;
mod m20261123_000007_people_keyset;
pub mod m20261123_000008_people_jurisdiction;
mod m20261123_000009_people_upkeep;
mod m20261123_000010_activities;
mod m20261123_000011_credit_entry;
mod m20261124_000012_compliance_inputs;
mod m20261124_000013_verification_cycle;
mod m20261124_000014_certificates;
mod m20261125_000015_evidence_department;
mod m20261206_000016_idempotency_lease;
mod m20261206_000017_audit_append_only;
mod m20261207_000018_review_jobs;
mod m20261207_000019_verification_counts;
mod m20261207_000020_print_jobs;
mod m20261207_000021_paper_verification;
mod m20261207_000022_unit_upkeep;
mod m20261207_000023_notifications;
mod m20261207_000024_certificate_department;
mod m20261207_000026_support_contacts;
mod m20261207_000027_shared_state;
mod m20261207_000030_key_ring;
mod m20261207_000033_exclusive_runs;
mod m20261207_000034_one_claim_table;
mod util;

/// Applies the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_organisation::Migration),
            Box::new(m20261123_000002_people::Migration),
            Box::new(m20261123_000003_standards::Migration),
            Box::new(m20261123_000004_credits::Migration),
            Box::new(m20261123_000005_verifications::Migration),
            Box::new(m20261123_000006_accounts::Migration),
            Box::new(m20261123_000007_people_keyset::Migration),
            Box::new(m20261123_000008_people_jurisdiction::Migration),
            Box::new(m20261123_000009_people_upkeep::Migration),
            Box::new(m20261123_000010_activities::Migration),
            Box::new(m20261123_000011_credit_entry::Migration),
            Box::new(m20261124_000012_compliance_inputs::Migration),
            Box::new(m20261124_000013_verification_cycle::Migration),
            Box::new(m20261124_000014_certificates::Migration),
            Box::new(m20261125_000015_evidence_department::Migration),
            Box::new(m20261206_000016_idempotency_lease::Migration),
            Box::new(m20261206_000017_audit_append_only::Migration),
            Box::new(m20261207_000018_review_jobs::Migration),
            Box::new(m20261207_000019_verification_counts::Migration),
            Box::new(m20261207_000020_print_jobs::Migration),
            Box::new(m20261207_000021_paper_verification::Migration),
            Box::new(m20261207_000022_unit_upkeep::Migration),
            Box::new(m20261207_000023_notifications::Migration),
            Box::new(m20261207_000024_certificate_department::Migration),
            Box::new(m20261207_000026_support_contacts::Migration),
            Box::new(m20261207_000027_shared_state::Migration),
            Box::new(m20261207_000030_key_ring::Migration),
            Box::new(m20261207_000033_exclusive_runs::Migration),
            Box::new(m20261207_000034_one_claim_table::Migration),
        ]
    }
}
