//! sea-orm entities, one per table, mirroring `migrations/` column for column.
//!
//! Written to match what `sea-orm-cli generate entity` produces; repositories
//! map them to and from domain types, and nothing else sees them.

pub mod accounts;
pub mod activities;
pub mod api_clients;
pub mod audit_log;
pub mod captchas;
pub mod certificate_counters;
pub mod certificate_holds;
pub mod certificate_lookups;
pub mod certificates;
pub mod compliance;
pub mod course_completions;
pub mod credit_reports;
pub mod credits;
pub mod cycles;
pub mod departments;
pub mod evidence_files;
pub mod idempotency_keys;
pub mod login_failures;
pub mod notification_contacts;
pub mod notification_preferences;
pub mod notifications;
pub mod outbox;
pub mod outbox_attempts;
pub mod people;
pub mod person_status_changes;
pub mod person_titles;
pub mod person_transfers;
pub mod print_jobs;
pub mod refresh_tokens;
pub mod regions;
pub mod review_jobs;
pub mod seals;
pub mod spot_check_items;
pub mod spot_check_units;
pub mod spot_checks;
pub mod standards;
pub mod submission_windows;
pub mod support_contacts;
pub mod title_correction_evidence;
pub mod title_correction_transitions;
pub mod title_corrections;
pub mod units;
pub mod verification_evidence;
pub mod verification_transitions;
pub mod verifications;

/// Parses a stored enum name; anything else is corruption.
pub(crate) fn parse<T: std::str::FromStr<Err = cme_domain::UnknownValue>>(text: &str) -> Result<T, crate::StoreError> {
    text.parse::<T>().map_err(crate::StoreError::corrupt)
}
