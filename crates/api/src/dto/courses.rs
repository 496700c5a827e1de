//! Completions of the year's mandatory all-staff course (公需科目).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2021, "completed_on": "2021-11-20"}))]
pub struct NewCompletionRequest {
    /// A year whose published standard names a mandatory course.
    #[validate(range(min = 2015, max = 2100, message = "年度须在 2015 年及以后"))]
    pub year: i32,
    /// On or before the course's deadline, not in the future.
    pub completed_on: NaiveDate,
}

/// A recorded completion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompletionDto {
    pub person_id: Uuid,
    pub year: i32,
    pub completed_on: NaiveDate,
    /// The course the year's standard names (`null` if the standard no
    /// longer names one).
    pub course_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    /// `manual` (recorded singly), `import`, `demo` …
    pub source: String,
    pub recorded_at: DateTime<Utc>,
}

impl CompletionDto {
    /// A stored completion, with the `course` its year names.
    pub fn new(
        c: cme_store::repo::course::CompletionRecord,
        course: Option<&cme_domain::standard::MandatoryCourse>,
    ) -> Self {
        CompletionDto {
            person_id: c.completion.person_id.0,
            year: c.completion.year,
            completed_on: c.completion.completed_on,
            course_name: course.map(|c| c.name.clone()),
            deadline: course.map(|c| c.deadline),
            source: c.source,
            recorded_at: c.created_at,
        }
    }
}

/// `check` only reports; `all` writes only when every row is valid;
/// `valid_only` writes the valid rows and reports the rest: the same modes
/// (and the same schema) as the staff import.
pub use super::people::ImportMode;

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Default `check`.
    pub mode: Option<ImportMode>,
}

/// One row of a JSON import.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionRowIn {
    pub id_number: String,
    pub year: i32,
    /// `YYYY-MM-DD` (also `YYYY/M/D`); checked per row.
    pub completed_on: String,
}

/// A JSON import (the CSV form has the header `身份证号,年度,完成日期`).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionImportRequest {
    #[validate(length(min = 1, max = 10000, message = "须有 1–10000 行"))]
    pub rows: Vec<CompletionRowIn>,
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportErrorDto {
    /// The line of a CSV file (the header is line 1); the 1-based position
    /// in `rows` for JSON.
    pub row: usize,
    /// `id_number`, `year` or `completed_on`.
    pub column: String,
    /// The column's header in the file: 身份证号, 年度 or 完成日期.
    pub column_label: String,
    pub reason: String,
}

/// The outcome of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CourseImportReport)]
pub struct ImportReport {
    pub mode: ImportMode,
    /// Data rows read.
    pub rows: usize,
    /// Rows without any error.
    pub valid_rows: usize,
    pub errors: Vec<ImportErrorDto>,
    /// Completions recorded (0 for `check`, and for `all` when any row is bad).
    pub written: usize,
}
