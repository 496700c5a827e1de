//! A statistics report (SPEC §10 "exportable and printable") as an A4 PDF: the report's
//! title, the office that prints it, the filters in words and the date (北京时间) at the top,
//! its chart ([`BarChart`], vector shapes), then its table, flowing over pages with the header
//! repeated, the total in bold, and "第 n 页 / 共 m 页" on every page. Landscape when the
//! table is wider than a portrait page.
//!
//! Bounded: the layout runs twice (`Composer::counting`, then `Composer::streaming` with the
//! page count), so that what stays in memory is the rows the caller holds, one page's display
//! list and the PDF written so far, never every page's drawing (`benches/report.rs`, measured
//! on an unoptimised build: the statistics of 25,000 units, 5.6 MB of PDF, peak at 14.4 MB
//! of heap above the rows; a list of 10,000 people, 2.8 MB, at 6.6 MB).
//!
//! Deterministic: the same input gives the same bytes (no clock is read; the date printed is
//! an input).

use crate::chart::BarChart;
use crate::error::DocumentError;
use crate::fonts::Fonts;
use crate::layout::{A4_WIDTH, Align, Cell, Column, Composer, Table, mm};
use crate::text::TextStyle;

/// The head of a printed report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportHead {
    /// E.g. "2026年度学分验证统计（按州市，全部专业）".
    pub title: String,
    /// The office (or unit) that prints it, e.g. "昆明市继续医学教育委员会办公室".
    pub office: String,
    /// The filters in words, (label, value): ("年度", "2026年"), ("统计口径", "按州市").
    pub filters: Vec<(String, String)>,
    /// The day printed, e.g. "2026年12月7日" (北京时间).
    pub printed_on: String,
    /// A line under the filters, e.g. that a list stops at its cap.
    pub note: Option<String>,
}

/// A column of the report's table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportColumn {
    /// The header text.
    pub title: String,
    /// What the column holds, named in errors (`rows[3].name`).
    pub key: &'static str,
    /// Its width in points at least; the columns are widened in proportion to fill the page.
    pub width: f32,
    /// The alignment of its cells.
    pub align: Align,
}

impl ReportColumn {
    /// A column of text (left-aligned).
    pub fn text(title: &str, key: &'static str, width: f32) -> Self {
        ReportColumn { title: title.to_owned(), key, width, align: Align::Left }
    }

    /// A column of figures (right-aligned).
    pub fn figure(title: &str, key: &'static str, width: f32) -> Self {
        ReportColumn { title: title.to_owned(), key, width, align: Align::Right }
    }

    /// A column of short words (centred).
    pub fn centred(title: &str, key: &'static str, width: f32) -> Self {
        ReportColumn { title: title.to_owned(), key, width, align: Align::Center }
    }
}

const TITLE: TextStyle = TextStyle::bold(15.0);
const HEAD: TextStyle = TextStyle::regular(9.5);
const TABLE_TEXT: TextStyle = TextStyle::regular(8.0).with_line_spacing(1.3);
const TABLE_BOLD: TextStyle = TextStyle::bold(8.0).with_line_spacing(1.3);
const RUNNING: TextStyle = TextStyle::regular(7.5);

/// The content width of a portrait A4 page (15 mm margins).
fn portrait_width() -> f32 {
    A4_WIDTH - 2.0 * mm(15.0)
}

/// Renders a report; see the module documentation. `cells(i, row)` gives row `i`'s cells, one
/// per column (called twice per row: once per layout pass); `total` is printed last in bold.
///
/// # Errors
/// [`DocumentError::MissingGlyph`] naming the field (`office`, `filters[1]`, `chart.groups[2].label`,
/// `rows[7].name`) of a string the fonts cannot print; [`DocumentError::InvalidInput`] if a
/// row has not one cell per column; [`DocumentError::Pdf`] if the writer fails.
pub fn report_pdf<R>(
    fonts: &Fonts,
    head: &ReportHead,
    chart: Option<&BarChart>,
    columns: &[ReportColumn],
    rows: &[R],
    cells: impl Fn(usize, &R) -> Vec<String>,
    total: Option<&[String]>,
) -> Result<Vec<u8>, DocumentError> {
    let wide = columns.iter().map(|c| c.width).sum::<f32>() > portrait_width();
    let page = || if wide { Composer::a4_landscape(fonts) } else { Composer::a4_portrait(fonts) };
    let mut counting = page()?.counting();
    check_head(&counting, head, chart)?;
    lay_out(&mut counting, head, chart, columns, rows, &cells, total)?;
    let pages = counting.page_count();
    drop(counting);
    let mut c = page()?.streaming(&head.title, pages)?;
    lay_out(&mut c, head, chart, columns, rows, &cells, total)?;
    c.finish()
}

fn check_head(c: &Composer<'_>, head: &ReportHead, chart: Option<&BarChart>) -> Result<(), DocumentError> {
    let shaper = c.shaper();
    shaper.check("title", &head.title)?;
    shaper.check("office", &head.office)?;
    shaper.check("printed_on", &head.printed_on)?;
    for (i, (label, value)) in head.filters.iter().enumerate() {
        shaper.check(&format!("filters[{i}]"), label)?;
        shaper.check(&format!("filters[{i}]"), value)?;
    }
    if let Some(note) = &head.note {
        shaper.check("note", note)?;
    }
    if let Some(chart) = chart {
        for (field, text) in chart.strings() {
            shaper.check(&field, text)?;
        }
    }
    Ok(())
}

/// One pass of the layout (the same for counting and for writing).
fn lay_out<R>(
    c: &mut Composer<'_>,
    head: &ReportHead,
    chart: Option<&BarChart>,
    columns: &[ReportColumn],
    rows: &[R],
    cells: &impl Fn(usize, &R) -> Vec<String>,
    total: Option<&[String]>,
) -> Result<(), DocumentError> {
    c.paragraph("title", &head.title, TITLE, 0.0, Align::Center)?;
    c.space(4.0);
    let (left, right) = (c.left(), c.right());
    let baseline = c.cursor() + HEAD.baseline_offset();
    c.text_at("office", &format!("制表单位：{}", head.office), HEAD, left, baseline, Align::Left)?;
    c.text_at(
        "printed_on",
        &format!("打印日期：{}（北京时间）", head.printed_on),
        HEAD,
        right,
        baseline,
        Align::Right,
    )?;
    c.space(HEAD.line_height());
    if !head.filters.is_empty() {
        let words: Vec<String> = head.filters.iter().map(|(label, value)| format!("{label}：{value}")).collect();
        c.paragraph("filters", &format!("统计条件：{}", words.join("；")), HEAD, 0.0, Align::Left)?;
    }
    if let Some(note) = &head.note {
        c.paragraph("note", note, HEAD, 0.0, Align::Left)?;
    }
    c.space(3.0);
    let y = c.cursor();
    c.line(left, y, right, y, 0.8);
    c.space(8.0);
    c.set_running_header(
        "title",
        &format!("{} · {} · 打印日期：{}", head.title, head.office, head.printed_on),
        RUNNING,
    )?;
    if let Some(chart) = chart {
        chart.draw(c)?;
        c.space(10.0);
    }

    // The columns widened in proportion to fill the width between the margins.
    let sum: f32 = columns.iter().map(|col| col.width).sum();
    let stretch = if sum > 0.0 { c.content_width() / sum } else { 1.0 };
    let table = Table {
        columns: columns.iter().map(|col| Column::new(&col.title, col.width * stretch).align(col.align)).collect(),
        header: true,
        header_style: TABLE_BOLD,
        body_style: TABLE_TEXT,
        padding: 2.5,
        rows: Vec::new(),
    };
    let mut flow = c.start_table(&table)?;
    for (i, row) in rows.iter().enumerate() {
        let texts = cells(i, row);
        if texts.len() != columns.len() {
            return Err(DocumentError::InvalidInput {
                field: format!("rows[{i}]"),
                reason: format!("应有 {} 列，实有 {} 列", columns.len(), texts.len()),
            });
        }
        let row: Vec<Cell<'_>> =
            texts.iter().zip(columns).map(|(t, col)| Cell::new(format!("rows[{i}].{}", col.key), t)).collect();
        c.table_row(&table, &mut flow, &row)?;
    }
    if let Some(total) = total {
        let row: Vec<Cell<'_>> = total
            .iter()
            .zip(columns)
            .map(|(t, col)| Cell::new(format!("total.{}", col.key), t).style(TABLE_BOLD).shaded())
            .collect();
        c.table_row(&table, &mut flow, &row)?;
    }
    if rows.is_empty() && total.is_none() {
        c.space(6.0);
        c.paragraph("rows", "没有符合条件的记录。", HEAD, 0.0, Align::Left)?;
    }
    Ok(())
}
