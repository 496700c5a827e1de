//! The statistics report (SPEC §10) as XLSX: one row per unit or region,
//! counts as numbers (so the office can sum and chart them in Excel), rates
//! as percentages with their computed values, and the total.

use rust_xlsxwriter::{Format, Workbook};

use crate::error::DocumentError;

/// One row: its name, its counts, and its rates in per mille (none when
/// there is nothing to divide by).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub name: String,
    pub counts: Vec<u64>,
    pub rates: Vec<Option<u32>>,
}

/// Writes the report: a title line, the header (`key` then `columns` then
/// `rate_columns`), the rows and the total in bold.
///
/// # Errors
/// [`DocumentError::Xlsx`] if the workbook cannot be written.
pub fn report_xlsx(
    title: &str,
    key: &str,
    columns: &[&str],
    rate_columns: &[&str],
    rows: &[ReportRow],
    total: &ReportRow,
) -> Result<Vec<u8>, DocumentError> {
    let err = |e: rust_xlsxwriter::XlsxError| DocumentError::Xlsx(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("统计").map_err(err)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let percent = Format::new().set_num_format("0.0%");
    let bold_percent = Format::new().set_bold().set_num_format("0.0%");
    ws.write_string_with_format(0, 0, title, &bold).map_err(err)?;
    let headers: Vec<&str> =
        std::iter::once(key).chain(columns.iter().copied()).chain(rate_columns.iter().copied()).collect();
    for (c, h) in headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| DocumentError::Xlsx("too many columns".into()))?;
        ws.write_string_with_format(2, col, *h, &bold).map_err(err)?;
        ws.set_column_width(col, if c == 0 { 28.0 } else { 12.0 }).map_err(err)?;
    }
    let mut write_row = |r: u32, row: &ReportRow, strong: bool| -> Result<(), DocumentError> {
        ws.write_string_with_format(r, 0, &row.name, if strong { &bold } else { &text }).map_err(err)?;
        for (i, n) in row.counts.iter().enumerate() {
            let col = u16::try_from(i + 1).map_err(|_| DocumentError::Xlsx("too many columns".into()))?;
            #[expect(clippy::cast_precision_loss, reason = "counts of people are far below 2^52")]
            let v = *n as f64;
            if strong {
                ws.write_number_with_format(r, col, v, &bold).map_err(err)?;
            } else {
                ws.write_number(r, col, v).map_err(err)?;
            }
        }
        for (i, rate) in row.rates.iter().enumerate() {
            let col =
                u16::try_from(1 + row.counts.len() + i).map_err(|_| DocumentError::Xlsx("too many columns".into()))?;
            match rate {
                Some(pm) => {
                    let v = f64::from(*pm) / 1000.0;
                    ws.write_number_with_format(r, col, v, if strong { &bold_percent } else { &percent })
                        .map_err(err)?;
                }
                None => {
                    ws.write_string(r, col, "—").map_err(err)?;
                }
            }
        }
        Ok(())
    };
    let mut r = 3u32;
    for row in rows {
        write_row(r, row, false)?;
        r += 1;
    }
    write_row(r, total, true)?;
    wb.save_to_buffer().map_err(err)
}
