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

use calamine::DataRef;

/// One non-blank row: its number as the sheet shows it (from 1) and its
/// cells, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// Why a file could not be read or written. The text is shown to the person
/// who uploaded the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("无法读取表格：{0}")]
    Unreadable(String),
    #[error("文件编码既不是 UTF-8 也不是 GBK")]
    Encoding,
    #[error("工作簿中没有工作表")]
    NoSheet,
    /// The file is larger, once expanded, than an upload may be (a budget
    /// of [`Budget`]); nothing of it was expanded past the budget.
    #[error("{0}")]
    TooLarge(String),
    #[error("无法生成表格：{0}")]
    Write(String),
}

/// A file's kind, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A zip (XLSX) or an OLE compound file (the old XLS format).
    Spreadsheet,
    Csv,
}

/// Tells a spreadsheet from a CSV file by its magic bytes.
pub fn kind(bytes: &[u8]) -> Kind {
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) { Kind::Spreadsheet } else { Kind::Csv }
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];

/// What reading one uploaded table may cost. Every limit is checked before
/// the part it guards is expanded: the zip's parts before they are inflated
/// (by their declared size, then by counting while inflating), the sheet's
/// declared dimensions before its cells are read, and each cell before its
/// text is copied. Cells are kept sparse (only those present), so a sheet
/// naming A1 and XFD1048576 costs two cells, not a dense grid of 17 billion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Parts (files) in the zip.
    pub max_parts: usize,
    /// Uncompressed size of any one part.
    pub max_part_bytes: u64,
    /// Uncompressed size of all parts together.
    pub max_total_bytes: u64,
    /// Rows a sheet may declare or use (row numbers from 1).
    pub max_rows: u32,
    /// Columns a sheet may declare or use.
    pub max_columns: u32,
    /// Cells read (empty ones included: each costs parsing).
    pub max_cells: usize,
    /// Characters of cell text kept in all.
    pub max_text_bytes: usize,
}

impl Budget {
    /// The budget of an upload: ample for the largest import (10,000 people
    /// and a title block in a few dozen columns: about 3 MB of sheet XML and
    /// 1 MB of text), and at most a few hundred MB of memory and about a
    /// second of CPU for the worst file that passes it.
    pub const UPLOAD: Budget = Budget {
        max_parts: 1_000,
        max_part_bytes: 32 << 20,
        max_total_bytes: 64 << 20,
        max_rows: 50_000,
        max_columns: 256,
        max_cells: 2_000_000,
        max_text_bytes: 16 << 20,
    };
}

/// Reads the first sheet of an XLSX workbook, or a CSV file, within
/// [`Budget::UPLOAD`].
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, TableError> {
    read_within(bytes, &Budget::UPLOAD)
}

/// Reads the first sheet of an XLSX workbook, or a CSV file, within `budget`.
pub fn read_within(bytes: &[u8], budget: &Budget) -> Result<Vec<Row>, TableError> {
    match kind(bytes) {
        Kind::Spreadsheet => read_spreadsheet(bytes, budget),
        Kind::Csv => read_csv(bytes, budget),
    }
}

/// The first sheet of an XLSX workbook.
///
/// The old binary XLS format and ODS are refused: calamine expands their
/// sheets into dense grids while opening them, before any budget could be
/// checked, so a two-cell file could ask for gigabytes.
pub fn read_spreadsheet(bytes: &[u8], budget: &Budget) -> Result<Vec<Row>, TableError> {
    use calamine::Reader as _;
    if bytes.starts_with(OLE) {
        return Err(TableError::Unreadable(
            "不支持旧版 XLS 格式，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后上传".into(),
        ));
    }
    check_zip(bytes, budget)?;
    let unreadable = |e: calamine::XlsxError| TableError::Unreadable(format!("不是有效的 XLSX 文件（{e}）"));
    let mut workbook = calamine::Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let first = workbook.sheet_names().into_iter().next().ok_or(TableError::NoSheet)?;
    let mut cells = workbook.worksheet_cells_reader(&first).map_err(unreadable)?;
    let declared = cells.dimensions();
    if declared.end.0 >= budget.max_rows || declared.end.1 >= budget.max_columns {
        return Err(too_large_sheet(budget));
    }
    let mut sparse = Sparse::new(budget);
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        sparse.cell(row, col, cell.get_value())?;
    }
    Ok(sparse.rows())
}

fn too_large_sheet(budget: &Budget) -> TableError {
    TableError::TooLarge(format!(
        "表格过大：最多 {} 行、{} 列，请删去多余的行列后再上传",
        budget.max_rows, budget.max_columns
    ))
}

/// Checks a zip's parts against the budget before any of them is expanded
/// by the spreadsheet reader: their number, their declared sizes, and then
/// their real sizes, counted while inflating into nothing (a declared size
/// may lie).
fn check_zip(bytes: &[u8], budget: &Budget) -> Result<(), TableError> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| TableError::Unreadable(format!("不是有效的 XLSX 文件（{e}）")))?;
    let too_large = || {
        TableError::TooLarge(format!(
            "文件解压后过大（每个部件最多 {} MB，合计最多 {} MB），请删去无关的工作表、图片或格式后再上传",
            budget.max_part_bytes >> 20,
            budget.max_total_bytes >> 20
        ))
    };
    if zip.len() > budget.max_parts {
        return Err(too_large());
    }
    if zip.index_for_name("xl/workbook.xml").is_none() {
        return Err(TableError::Unreadable("只支持 Excel 工作簿（.xlsx）或 CSV 文件".into()));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let declared = zip.by_index_raw(i).map_err(|e| TableError::Unreadable(e.to_string()))?.size();
        total = total.saturating_add(declared);
        if declared > budget.max_part_bytes || total > budget.max_total_bytes {
            return Err(too_large());
        }
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| TableError::Unreadable(format!("不是有效的 XLSX 文件（{e}）")))?;
        let inflated = std::io::copy(&mut part.take(budget.max_part_bytes + 1), &mut std::io::sink())
            .map_err(|e| TableError::Unreadable(format!("不是有效的 XLSX 文件（{e}）")))?;
        total += inflated;
        if inflated > budget.max_part_bytes || total > budget.max_total_bytes {
            return Err(too_large());
        }
    }
    Ok(())
}

/// Rows built from the cells present, within a budget.
struct Sparse<'b> {
    budget: &'b Budget,
    rows: std::collections::BTreeMap<u32, Vec<String>>,
    cells: usize,
    text: usize,
}

impl<'b> Sparse<'b> {
    fn new(budget: &'b Budget) -> Self {
        Self { budget, rows: std::collections::BTreeMap::new(), cells: 0, text: 0 }
    }

    /// Takes one cell (0-based position), keeping it only if it has text.
    fn cell(&mut self, row: u32, col: u32, value: &DataRef<'_>) -> Result<(), TableError> {
        self.cells += 1;
        if self.cells > self.budget.max_cells {
            return Err(TableError::TooLarge(format!("表格的单元格过多（最多 {} 个）", self.budget.max_cells)));
        }
        // The text's size is known before it is copied.
        let borrowed = match value {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.as_str()),
            DataRef::SharedString(s) => Some(*s),
            _ => None,
        };
        let text = match borrowed {
            Some(s) => {
                let s = s.trim();
                self.charge(s.len())?;
                s.to_owned()
            }
            None => cell_text(value),
        };
        if text.is_empty() {
            return Ok(());
        }
        if row >= self.budget.max_rows || col >= self.budget.max_columns {
            return Err(too_large_sheet(self.budget));
        }
        self.push(row, col, text);
        Ok(())
    }

    fn charge(&mut self, bytes: usize) -> Result<(), TableError> {
        self.text = self.text.saturating_add(bytes);
        if self.text > self.budget.max_text_bytes {
            return Err(TableError::TooLarge(format!(
                "表格中的文字过多（合计最多 {} MB）",
                self.budget.max_text_bytes >> 20
            )));
        }
        Ok(())
    }

    fn push(&mut self, row: u32, col: u32, text: String) {
        let cells = self.rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
    }

    /// The non-blank rows, numbered from 1 as the sheet shows them.
    fn rows(self) -> Vec<Row> {
        let mut out = Vec::with_capacity(self.rows.len());
        for (row, cells) in self.rows {
            push_row(&mut out, row as usize + 1, cells);
        }
        out
    }
}

fn push_row(out: &mut Vec<Row>, number: usize, mut cells: Vec<String>) {
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
    if !cells.is_empty() {
        out.push(Row { number, cells });
    }
}

/// A cell that is not text as the text a person sees in it.
fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTime(dt) => float_text(dt.as_f64()),
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

/// A CSV file: UTF-8 (a BOM is dropped) or, failing that, GBK (GB 18030),
/// within the budget's rows, columns, cells and text.
pub fn read_csv(bytes: &[u8], budget: &Budget) -> Result<Vec<Row>, TableError> {
    if bytes.len() > budget.max_text_bytes {
        return Err(TableError::TooLarge(format!("文件过大（最多 {} MB）", budget.max_text_bytes >> 20)));
    }
    // The csv reader counts CRLF line ends (Excel on Windows) one line short:
    // normalise them, so a reported row number is the row the user sees.
    let text = decode(bytes)?.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut sparse = Sparse::new(budget);
    let mut record = csv::StringRecord::new();
    // The line a record starts on, counted from its byte offset: the csv
    // reader's own line count misses blank lines.
    let (mut counted_to, mut line) = (0usize, 0u32);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(TableError::Unreadable(format!("CSV 格式有误（{e}）"))),
        }
        let mut at = record.position().map_or(counted_to, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        // The offset is where the previous record ended: skip the blank lines.
        while text.as_bytes().get(at) == Some(&b'\n') {
            at += 1;
        }
        let newlines = text.as_bytes().get(counted_to..at).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        counted_to = at.max(counted_to);
        for (col, cell) in record.iter().enumerate() {
            let col = u32::try_from(col).unwrap_or(u32::MAX);
            sparse.cell(line, col, &DataRef::SharedString(cell))?;
        }
    }
    Ok(sparse.rows())
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
        // Row numbers are the lines people see, blank lines and quoted line breaks counted.
        let numbers: Vec<usize> =
            read(b"a\r\n\r\nb\n\"two\nlines\"\n\nc").unwrap_or_default().iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3, 4, 7]);
    }

    #[test]
    fn large_numbers_show_that_digits_were_lost() {
        assert_eq!(float_text(530102198506120031.0), "5.30102198506120E17");
        assert_eq!(float_text(13800000000.0), "13800000000");
        assert_eq!(float_text(2.5), "2.5");
    }

    #[test]
    fn a_sheet_naming_two_far_corners_is_refused_without_a_grid() {
        // Before the budget, calamine allocated 16384 × 1048576 cells here.
        let bomb = crate::fixtures::corner_bomb();
        assert!(bomb.len() < 4096, "the bomb is small: {} bytes", bomb.len());
        assert!(matches!(read(&bomb), Err(TableError::TooLarge(_))), "{:?}", read(&bomb));
        // A declared dimension beyond the budget is refused before any cell is read.
        let declared = crate::fixtures::xlsx(Some("A1:XFD1048576"), &crate::fixtures::shared_cell("A1", 0), &["x"]);
        assert!(matches!(read(&declared), Err(TableError::TooLarge(_))));
        // Far cells within the budget are kept sparse and in place.
        let far = crate::fixtures::xlsx(
            None,
            &format!(
                r#"<row r="3">{}</row><row r="40000">{}</row>"#,
                crate::fixtures::shared_cell("B3", 0),
                crate::fixtures::shared_cell("IV40000", 1)
            ),
            &["甲", "乙"],
        );
        let rows = read(&far).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].number, rows[0].cells.as_slice()), (3, [String::new(), "甲".to_owned()].as_slice()));
        assert_eq!((rows[1].number, rows[1].cells.len(), rows[1].cells[255].as_str()), (40000, 256, "乙"));
    }

    #[test]
    fn shared_strings_are_charged_before_they_are_copied() {
        // 40 MiB in one string: the part is over budget before it is inflated.
        let bomb = crate::fixtures::shared_string_bomb(40, 200);
        assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
        assert!(matches!(read(&bomb), Err(TableError::TooLarge(_))));
        // 4 MiB used 200 times passes the part budget; the text budget stops it.
        let bomb = crate::fixtures::shared_string_bomb(4, 200);
        assert!(matches!(read(&bomb), Err(TableError::TooLarge(m)) if m.contains("文字过多")));
    }

    #[test]
    fn rows_and_cells_are_counted() {
        let budget = Budget { max_rows: 100, ..Budget::UPLOAD };
        assert_eq!(read_within(&crate::fixtures::many_rows(100), &budget).map(|r| r.len()), Ok(100));
        assert!(matches!(read_within(&crate::fixtures::many_rows(101), &budget), Err(TableError::TooLarge(_))));
        let budget = Budget { max_cells: 1000, ..Budget::UPLOAD };
        let wide = ",".repeat(999) + "\n";
        assert!(read_within(wide.as_bytes(), &budget).is_ok());
        let wide = ",".repeat(1000) + "\n";
        assert!(matches!(read_within(wide.as_bytes(), &budget), Err(TableError::TooLarge(_))));
        let budget = Budget { max_columns: 10, ..Budget::UPLOAD };
        assert!(matches!(read_within(b"a,b,c,d,e,f,g,h,i,j,k\n", &budget), Err(TableError::TooLarge(_))));
    }

    #[test]
    fn old_xls_and_other_zips_are_refused() {
        let mut ole = OLE.to_vec();
        ole.extend_from_slice(&[0; 512]);
        assert!(matches!(read(&ole), Err(TableError::Unreadable(m)) if m.contains("另存为")));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let _ = zip.start_file("content.xml", zip::write::SimpleFileOptions::default());
        let not_xlsx = zip.finish().map(Cursor::into_inner).unwrap_or_default();
        assert!(matches!(read(&not_xlsx), Err(TableError::Unreadable(_))));
    }
}
