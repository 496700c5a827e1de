//! XLSX exports: the registration form of one person and year, and the compliance list.
//!
//! ID numbers are written as text (number format `@`, or Excel shows 18 digits as 1.1E+17),
//! credit amounts as numbers with one decimal, and totals as computed values, never formulas
//! (a formula's cached value is 0 until recalculated, and phone previewers show that 0).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::error::DocumentError;
use crate::registration::{RegistrationForm, SIGNATURE, verdict};

fn title_format() -> Format {
    Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter)
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#E8E8E8")
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

fn cell_format() -> Format {
    Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter)
}

fn wrap_format() -> Format {
    cell_format().set_text_wrap()
}

fn text_format() -> Format {
    cell_format().set_num_format("@")
}

fn number_format() -> Format {
    cell_format().set_num_format("0.0")
}

fn tenths(t: i64) -> f64 {
    t as f64 / 10.0
}

/// Renders the registration form (学分登记表) as one XLSX sheet: the same content as the
/// PDF — particulars, standard, every credit, totals, verdict and shortfalls, generation time
/// and the signature line.
///
/// # Errors
/// [`DocumentError::Xlsx`] if the writer fails.
pub fn registration_form_xlsx(form: &RegistrationForm) -> Result<Vec<u8>, DocumentError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("学分登记表")?;
    let (title, header, cell, wrap, text, number) =
        (title_format(), header_format(), cell_format(), wrap_format(), text_format(), number_format());
    let label = header.clone().set_align(FormatAlign::Left);
    for (col, width) in [12.0, 40.0, 26.0, 8.0, 10.0, 8.0, 20.0, 11.0, 9.0, 20.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }

    sheet.set_row_height(0, 24)?;
    sheet.merge_range(0, 0, 0, 9, &form.title, &title)?;

    let p = &form.person;
    let particulars = [
        ("姓名", &p.name),
        ("性别", &p.gender),
        ("身份证号", &p.id_number),
        ("单位", &p.unit),
        ("科室", &p.department),
        ("专业类别", &p.discipline),
        ("职称", &p.title),
        ("职称级别", &p.title_level),
        ("单位级别", &p.unit_level),
        ("适用标准", &form.standard),
    ];
    let mut row: u32 = 2;
    for (name, value) in particulars {
        sheet.write_string_with_format(row, 0, name, &label)?;
        // Text format everywhere: an ID number must never turn into a number.
        sheet.merge_range(row, 1, row, 9, value, &text)?;
        row += 1;
    }

    row += 1;
    sheet.write_string_with_format(
        row,
        0,
        format!("学分明细（共 {} 条）", form.credits.len()),
        &Format::new().set_bold(),
    )?;
    row += 1;
    let headers =
        ["日期", "项目/活动名称", "主办单位", "类别", "来源级别", "学分", "证书编号", "录入方式", "状态", "计入"];
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *h, &header)?;
    }
    row += 1;
    for l in &form.credits {
        sheet.write_string_with_format(row, 0, &l.date, &text)?;
        sheet.write_string_with_format(row, 1, &l.activity, &wrap)?;
        sheet.write_string_with_format(row, 2, &l.organiser, &wrap)?;
        sheet.write_string_with_format(row, 3, &l.category, &cell)?;
        sheet.write_string_with_format(row, 4, &l.source_level, &cell)?;
        sheet.write_number_with_format(row, 5, tenths(l.tenths), &number)?;
        sheet.write_string_with_format(row, 6, &l.certificate_no, &text)?;
        sheet.write_string_with_format(row, 7, &l.entry_method, &cell)?;
        sheet.write_string_with_format(row, 8, &l.status, &cell)?;
        sheet.write_string_with_format(row, 9, &l.counted, &wrap)?;
        row += 1;
    }

    if !form.totals.is_empty() {
        row += 1;
        sheet.write_string_with_format(row, 0, "学分汇总", &Format::new().set_bold())?;
        row += 1;
        for t in &form.totals {
            sheet.write_string_with_format(row, 0, &t.label, &label)?;
            sheet.write_number_with_format(row, 1, tenths(t.tenths), &number)?;
            row += 1;
        }
    }

    row += 1;
    sheet.write_string_with_format(row, 0, "审核结论", &label)?;
    sheet.write_string_with_format(
        row,
        1,
        verdict(form.compliant),
        &Format::new().set_bold().set_border(FormatBorder::Thin),
    )?;
    row += 1;
    for (i, reason) in form.shortfalls.iter().enumerate() {
        if i == 0 {
            sheet.write_string_with_format(row, 0, "不达标原因", &label)?;
        }
        sheet.merge_range(row, 1, row, 9, &format!("{}. {reason}", i + 1), &wrap)?;
        row += 1;
    }

    row += 1;
    sheet.write_string(row, 0, "生成时间")?;
    sheet.write_string(row, 1, &form.generated_at)?;
    row += 2;
    sheet.write_string_with_format(row, 6, SIGNATURE, &Format::new().set_bold())?;
    row += 2;
    sheet.write_string(row, 6, "年      月      日")?;

    Ok(workbook.save_to_buffer()?)
}

/// A whole compliance list in memory, for [`compliance_list_xlsx`]. For long lists stream the
/// rows through [`ComplianceListXlsx`] instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplianceList {
    /// The sheet's title, e.g. "2021年度人员达标情况".
    pub title: String,
    /// The rows in the order to print.
    pub rows: Vec<ComplianceRow>,
}

/// One person of the compliance list (人员达标情况).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplianceRow {
    /// 姓名.
    pub name: String,
    /// 身份证号, masked as it should print.
    pub id_number: String,
    /// 单位.
    pub unit: String,
    /// 科室.
    pub department: String,
    /// 专业类别.
    pub discipline: String,
    /// 职称级别.
    pub title_level: String,
    /// I类 credits counted, in tenths.
    pub class1_tenths: i64,
    /// II类 credits counted, in tenths.
    pub class2_tenths: i64,
    /// 自管 credits counted, in tenths.
    pub self_managed_tenths: i64,
    /// 总学分, in tenths.
    pub total_tenths: i64,
    /// 是否达标.
    pub compliant: bool,
    /// 不达标原因 (printed joined with "；").
    pub shortfalls: Vec<String>,
}

const COMPLIANCE_HEADERS: [(&str, f64); 12] = [
    ("姓名", 10.0),
    ("身份证号", 21.0),
    ("单位", 28.0),
    ("科室", 14.0),
    ("专业类别", 12.0),
    ("职称级别", 9.0),
    ("I类", 7.0),
    ("II类", 7.0),
    ("自管", 7.0),
    ("总学分", 8.0),
    ("是否达标", 9.0),
    ("不达标原因", 48.0),
];

/// Writes the compliance list row by row, in rust_xlsxwriter's constant-memory mode: each
/// row goes to a temporary file as it is pushed, so 30,000+ rows need little memory.
///
/// ```no_run
/// # use cme_documents::{ComplianceListXlsx, ComplianceRow, DocumentError};
/// # fn rows() -> Vec<ComplianceRow> { Vec::new() }
/// let mut list = ComplianceListXlsx::new("2021年度人员达标情况")?;
/// for row in rows() {
///     list.push_row(&row)?;
/// }
/// let bytes: Vec<u8> = list.finish()?;
/// # Ok::<(), DocumentError>(())
/// ```
pub struct ComplianceListXlsx {
    workbook: Workbook,
    next_row: u32,
    text: Format,
    number: Format,
    cell: Format,
}

impl std::fmt::Debug for ComplianceListXlsx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComplianceListXlsx").field("rows", &(self.next_row - 2)).finish()
    }
}

impl ComplianceListXlsx {
    /// Starts the sheet: the title across the columns, then the header row (bold, frozen).
    ///
    /// # Errors
    /// [`DocumentError::Xlsx`] if the temporary file cannot be created.
    pub fn new(title: &str) -> Result<Self, DocumentError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("人员达标情况")?;
        for (col, (_, width)) in COMPLIANCE_HEADERS.iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
        }
        sheet.set_row_height(0, 24)?;
        sheet.merge_range(0, 0, 0, COMPLIANCE_HEADERS.len() as u16 - 1, title, &title_format())?;
        let header = header_format();
        for (col, (name, _)) in COMPLIANCE_HEADERS.iter().enumerate() {
            sheet.write_string_with_format(1, col as u16, *name, &header)?;
        }
        sheet.set_freeze_panes(2, 0)?;
        Ok(ComplianceListXlsx {
            workbook,
            next_row: 2,
            text: text_format(),
            number: number_format(),
            cell: cell_format(),
        })
    }

    fn sheet(&mut self) -> Result<&mut Worksheet, DocumentError> {
        Ok(self.workbook.worksheet_from_index(0)?)
    }

    /// Appends one person.
    ///
    /// # Errors
    /// [`DocumentError::Xlsx`] if the writer fails or the sheet is full (1,048,574 rows).
    pub fn push_row(&mut self, r: &ComplianceRow) -> Result<(), DocumentError> {
        let row = self.next_row;
        let (text, number, cell) = (self.text.clone(), self.number.clone(), self.cell.clone());
        let sheet = self.sheet()?;
        sheet.write_string_with_format(row, 0, &r.name, &cell)?;
        sheet.write_string_with_format(row, 1, &r.id_number, &text)?;
        sheet.write_string_with_format(row, 2, &r.unit, &cell)?;
        sheet.write_string_with_format(row, 3, &r.department, &cell)?;
        sheet.write_string_with_format(row, 4, &r.discipline, &cell)?;
        sheet.write_string_with_format(row, 5, &r.title_level, &cell)?;
        sheet.write_number_with_format(row, 6, tenths(r.class1_tenths), &number)?;
        sheet.write_number_with_format(row, 7, tenths(r.class2_tenths), &number)?;
        sheet.write_number_with_format(row, 8, tenths(r.self_managed_tenths), &number)?;
        sheet.write_number_with_format(row, 9, tenths(r.total_tenths), &number)?;
        sheet.write_string_with_format(row, 10, verdict(r.compliant), &cell)?;
        sheet.write_string_with_format(row, 11, r.shortfalls.join("；"), &cell)?;
        self.next_row += 1;
        Ok(())
    }

    /// Rows pushed so far.
    pub fn len(&self) -> usize {
        (self.next_row - 2) as usize
    }

    /// Whether no row was pushed.
    pub fn is_empty(&self) -> bool {
        self.next_row == 2
    }

    /// Closes the sheet and returns the XLSX file's bytes.
    ///
    /// # Errors
    /// [`DocumentError::Xlsx`] if the writer fails.
    pub fn finish(mut self) -> Result<Vec<u8>, DocumentError> {
        Ok(self.workbook.save_to_buffer()?)
    }
}

/// The compliance list (人员达标情况) as XLSX, from rows in memory; see [`ComplianceListXlsx`]
/// to stream them.
///
/// # Errors
/// [`DocumentError::Xlsx`] if the writer fails.
pub fn compliance_list_xlsx(list: &ComplianceList) -> Result<Vec<u8>, DocumentError> {
    let mut writer = ComplianceListXlsx::new(&list.title)?;
    for row in &list.rows {
        writer.push_row(row)?;
    }
    writer.finish()
}
