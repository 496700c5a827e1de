//! Plain tables in and out: the first sheet of a spreadsheet (XLSX, and the
//! other formats calamine reads) or a CSV file (UTF-8 with or without BOM,
//! or GBK as Excel saves it on Chinese Windows) read into rows of strings;
//! and simple XLSX and CSV files written from rows of strings.
//!
//! Every written cell is text (number format `@`), so an 18-digit ID number
//! stays text instead of becoming `5.30102E+17`. A number cell too large to
//! be exact is read back in exponent form, so that a caller can tell that
//! its digits were lost rather than take a rounded number for real.

use std::io::Cursor;

use calamine::{Data, Reader as _};

/// One non-blank row: its number as the sheet shows it (from 1) and its
/// cells, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// Why a file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("not a spreadsheet this reader knows: {0}")]
    Unreadable(String),
    #[error("the text is neither UTF-8 nor GBK")]
    Encoding,
    #[error("the workbook has no sheet")]
    NoSheet,
    #[error("cannot write the workbook: {0}")]
    Write(String),
}

/// A file's kind, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// XLSX/XLSM/ODS (a zip) or XLS (an OLE compound file).
    Spreadsheet,
    Csv,
}

/// Tells a spreadsheet from a CSV file by its magic bytes.
pub fn kind(bytes: &[u8]) -> Kind {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) { Kind::Spreadsheet } else { Kind::Csv }
}

/// Reads the first sheet of a spreadsheet, or a CSV file.
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    match kind(bytes) {
        Kind::Spreadsheet => read_spreadsheet(bytes),
        Kind::Csv => read_csv(bytes),
    }
}

/// The first sheet of an XLSX (or XLS, ODS) workbook.
pub fn read_spreadsheet(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    let mut workbook =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| TableError::Unreadable(e.to_string()))?;
    let first = workbook.sheet_names().into_iter().next().ok_or(TableError::NoSheet)?;
    let range = workbook.worksheet_range(&first).map_err(|e| TableError::Unreadable(e.to_string()))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut out = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        // Columns left of the used range are blank.
        let mut row: Vec<String> = vec![String::new(); col0 as usize];
        row.extend(cells.iter().map(cell_text));
        push_row(&mut out, row0 as usize + i + 1, row);
    }
    Ok(out)
}

fn push_row(out: &mut Vec<Row>, number: usize, mut cells: Vec<String>) {
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    if !cells.is_empty() {
        out.push(Row { number, cells });
    }
}

/// A cell as the text a person sees in it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
    }
}

/// Whole numbers below 10^15 print exactly; anything larger cannot have
/// kept its digits in a float and prints in exponent form.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else if f.abs() >= 1e15 {
        format!("{f:.14E}")
    } else {
        f.to_string()
    }
}

/// A CSV file: UTF-8 (a BOM is dropped) or, failing that, GBK (GB 18030).
pub fn read_csv(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    // The csv reader counts CRLF line ends (Excel on Windows) one line short:
    // normalise them, so a reported row number is the row the user sees.
    let text = decode(bytes)?.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| TableError::Unreadable(e.to_string()))?;
        let number = record.position().map_or(out.len() + 1, |p| p.line() as usize);
        push_row(&mut out, number, record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(out)
}

fn decode(bytes: &[u8]) -> Result<String, TableError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors { Err(TableError::Encoding) } else { Ok(text.into_owned()) }
}

/// One sheet to write: bold headers, then the rows, every cell as text.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: &'a [&'a str],
    pub rows: &'a [Vec<String>],
}

/// Writes the sheets into one XLSX workbook.
pub fn write_xlsx(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, TableError> {
    use rust_xlsxwriter::{Format, Workbook};
    let write = |e: rust_xlsxwriter::XlsxError| TableError::Write(e.to_string());
    let text = Format::new().set_num_format("@");
    let bold = Format::new().set_bold().set_num_format("@");
    let mut workbook = Workbook::new();
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet.name).map_err(write)?;
        let columns = sheet.headers.len().max(sheet.rows.iter().map(Vec::len).max().unwrap_or(0));
        for c in 0..columns {
            let col = u16::try_from(c).map_err(|_| TableError::Write("too many columns".into()))?;
            let widest = std::iter::once(sheet.headers.get(c).copied().unwrap_or(""))
                .chain(sheet.rows.iter().map(|r| r.get(c).map_or("", String::as_str)))
                .map(display_width)
                .max()
                .unwrap_or(8);
            ws.set_column_width(col, (widest as f64 + 2.0).clamp(8.0, 80.0)).map_err(write)?;
            // Cells typed in later are text too.
            ws.set_column_format(col, &text).map_err(write)?;
            if let Some(h) = sheet.headers.get(c) {
                ws.write_string_with_format(0, col, *h, &bold).map_err(write)?;
            }
        }
        let first = u32::from(!sheet.headers.is_empty());
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| TableError::Write("too many rows".into()))? + first;
            for (c, value) in row.iter().enumerate() {
                let col = u16::try_from(c).map_err(|_| TableError::Write("too many columns".into()))?;
                ws.write_string_with_format(r, col, value, &text).map_err(write)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(write)
}

/// Characters outside ASCII take two columns.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Writes a CSV file in UTF-8 with a BOM (so Excel shows Chinese right).
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, TableError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(&mut out);
        if !headers.is_empty() {
            writer.write_record(headers).map_err(|e| TableError::Write(e.to_string()))?;
        }
        for row in rows {
            writer.write_record(row).map_err(|e| TableError::Write(e.to_string()))?;
        }
        writer.flush().map_err(|e| TableError::Write(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect()
    }

    #[test]
    fn an_xlsx_round_trips_with_ids_as_text() {
        let data =
            rows(&[&["张三", "530102198506120031", "2015-09-01"], &["", "", ""], &["李四", "11010519491231002X"]]);
        let bytes = write_xlsx(&[
            Sheet { name: "人员名册", headers: &["姓名", "身份证号", "日期"], rows: &data },
            Sheet { name: "说明", headers: &[], rows: &rows(&[&["第二张表不读"]]) },
        ])
        .unwrap_or_default();
        assert_eq!(kind(&bytes), Kind::Spreadsheet);
        let read_back = read(&bytes).unwrap_or_default();
        let numbers: Vec<usize> = read_back.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 2, 4], "blank rows are skipped, numbers kept");
        assert_eq!(read_back[1].cells, vec!["张三", "530102198506120031", "2015-09-01"]);
        assert_eq!(read_back[2].cells[1], "11010519491231002X");
    }

    #[test]
    fn csv_in_utf8_with_bom_or_gbk() {
        let utf8 = write_csv(&["姓名", "身份证号"], &rows(&[&["王五", "530102198506120031"]])).unwrap_or_default();
        assert!(utf8.starts_with(b"\xEF\xBB\xBF"));
        let read_back = read(&utf8).unwrap_or_default();
        assert_eq!(read_back[0].cells, vec!["姓名", "身份证号"]);
        assert_eq!(read_back[1], Row { number: 2, cells: vec!["王五".into(), "530102198506120031".into()] });
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,科室\r\n赵六,\"内科, 一病区\"\r\n");
        let read_back = read(&gbk).unwrap_or_default();
        assert_eq!(read_back[1].cells, vec!["赵六", "内科, 一病区"]);
        assert_eq!(read(&[0xFF, 0xFF, 0xFE]), Err(TableError::Encoding));
    }

    #[test]
    fn large_numbers_show_that_digits_were_lost() {
        assert_eq!(float_text(530102198506120031.0), "5.30102198506120E17");
        assert_eq!(float_text(13800000000.0), "13800000000");
        assert_eq!(float_text(2.5), "2.5");
    }
}
