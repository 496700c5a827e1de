//! The stored compliance of every person-year (人员达标情况).
//!
//! Every write that can change a verdict (a credit recorded, decided or
//! reversed; a title, status or unit change; a course completion) calls
//! [`refresh`] in its own transaction, so the queries read a current table.
//! [`recompute_year`] rebuilds a whole year set-wise: one aggregate over the
//! year's credits grouped by person and source, the pure evaluation in
//! memory, and one bulk write (COPY on PostgreSQL).

pub mod inputs;
mod list;
mod pg_copy;
mod preview;
mod recompute;
mod refresh;
mod verdict;

pub use list::{
    ComplianceFilter, ComplianceRow, OutcomeTally, RecordVerdict, counts, list, list_all, record_verdicts, tally_by,
    vacuum, verdicts_of,
};
pub use preview::{PreviewCell, preview_standard};
pub use recompute::{
    RecomputeFrom, RecomputeStats, rebuild_missing_years, recompute_year, reference_aggregate, reference_aggregate_sql,
};
pub use refresh::{refresh, refresh_new, refresh_person, verdict_with_title, years_of};
pub use verdict::Verdict;
