//! What the printed statistics reports share (SPEC §10 "exportable and
//! printable"): the export format of a report route (`format=xlsx`, the
//! default, or `format=pdf`), the head every printed report carries (the
//! acting office, the filters in words, the day printed in 北京时间), the
//! rates as text, and the rendering off the async workers.

use cme_documents::{BarChart, ReportColumn, ReportHead};
use cme_domain::auth::Actor;

use crate::AppState;
use crate::error::ApiError;

/// The format a report route answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Pdf,
}

impl ExportFormat {
    /// `format` of a report's query: `xlsx` (none) or `pdf`; another is refused naming the field.
    pub fn parse(format: Option<&str>) -> Result<ExportFormat, ApiError> {
        match format.unwrap_or("xlsx") {
            "xlsx" => Ok(ExportFormat::Xlsx),
            "pdf" => Ok(ExportFormat::Pdf),
            other => Err(ApiError::field("format", format!("未知的格式: {other}（xlsx 或 pdf）"))),
        }
    }
}

/// The head of a printed report of `actor`'s office, printed today.
pub async fn head(
    state: &AppState,
    actor: &Actor,
    title: String,
    filters: Vec<(String, String)>,
) -> Result<ReportHead, ApiError> {
    Ok(ReportHead {
        title,
        office: crate::office::office_name(state, actor).await?,
        filters,
        printed_on: printed_on(crate::clock::today()),
        note: None,
    })
}

/// A day as printed on a report: 2026年12月7日.
pub fn printed_on(day: chrono::NaiveDate) -> String {
    use chrono::Datelike as _;
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// A rate in per mille as text (96.0%), a dash when there is nothing to divide by.
pub fn rate_text(per_mille: Option<u32>) -> String {
    per_mille.map_or_else(|| "—".to_owned(), |pm| format!("{}.{}%", pm / 10, pm % 10))
}

/// The ticks of a chart of rates: 0%, 20%, … 100%.
pub fn rate_ticks() -> Vec<(u64, String)> {
    (0..=5).map(|i| (i * 200, format!("{}%", i * 20))).collect()
}

/// Renders a report on the blocking pool (see [`cme_documents::report_pdf`]).
pub async fn render<R: Send + 'static>(
    state: &AppState,
    head: ReportHead,
    chart: Option<BarChart>,
    columns: Vec<ReportColumn>,
    rows: Vec<R>,
    cells: impl Fn(usize, &R) -> Vec<String> + Send + 'static,
    total: Option<Vec<String>>,
) -> Result<Vec<u8>, ApiError> {
    let fonts =
        state.fonts.clone().ok_or_else(|| ApiError::Internal("the document fonts are not installed".to_owned()))?;
    actix_web::web::block(move || {
        cme_documents::report_pdf(&fonts, &head, chart.as_ref(), &columns, &rows, cells, total.as_deref())
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(ApiError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_words() {
        assert_eq!(ExportFormat::parse(None).ok(), Some(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse(Some("pdf")).ok(), Some(ExportFormat::Pdf));
        assert!(ExportFormat::parse(Some("doc")).is_err());
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        assert_eq!(printed_on(day), "2026年12月7日");
        assert_eq!(rate_text(Some(950)), "95.0%");
        assert_eq!(rate_text(Some(1000)), "100.0%");
        assert_eq!(rate_text(None), "—");
        assert_eq!(rate_ticks().last(), Some(&(1000, "100%".to_owned())));
    }
}
