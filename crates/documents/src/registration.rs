//! The registration form (学分登记表) of one person and year, as PDF.

use crate::error::DocumentError;
use crate::fonts::Fonts;
use crate::layout::{Align, Cell, Column, Composer, Table};
use crate::text::{Shaper, TextStyle};

/// Everything printed on a registration form, as prepared by the caller: plain strings
/// (ID number already masked, dates formatted) and credit amounts in exact tenths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationForm {
    /// E.g. "2021年度继续医学教育学分登记表".
    pub title: String,
    /// Who the form is about.
    pub person: PersonInfo,
    /// The applicable standard in one line, e.g. "中级职称：年度总学分不少于25分，其中I类不少于10分".
    pub standard: String,
    /// Every credit of the year, in the order to print.
    pub credits: Vec<CreditLine>,
    /// Totals by bucket, e.g. ("I类学分", 120) for 12.0.
    pub totals: Vec<Total>,
    /// The verdict: 达标 (`true`) or 不达标.
    pub compliant: bool,
    /// The reasons when not compliant (不达标原因), one per entry.
    pub shortfalls: Vec<String>,
    /// When the form was generated, formatted, e.g. "2022-01-05 10:30".
    pub generated_at: String,
}

/// The person's particulars printed at the top of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInfo {
    /// 姓名.
    pub name: String,
    /// 性别.
    pub gender: String,
    /// 身份证号, masked as it should print (e.g. "530102********1234").
    pub id_number: String,
    /// 单位.
    pub unit: String,
    /// 科室.
    pub department: String,
    /// 专业类别.
    pub discipline: String,
    /// 职称.
    pub title: String,
    /// 职称级别 (初级/中级/副高/正高…).
    pub title_level: String,
    /// 单位级别.
    pub unit_level: String,
}

/// One credit row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditLine {
    /// 日期, formatted (e.g. "2021-03-15").
    pub date: String,
    /// 项目/活动名称.
    pub activity: String,
    /// 主办单位.
    pub organiser: String,
    /// 类别: "I类", "II类", "自管".
    pub category: String,
    /// 来源级别 (国家级/省级/州市级…).
    pub source_level: String,
    /// 学分 in tenths (25 = 2.5); negative for a reversal.
    pub tenths: i64,
    /// 证书编号 (may be empty).
    pub certificate_no: String,
    /// 录入方式 (向导录入/科室上报/扫码签到…).
    pub entry_method: String,
    /// 状态 (有效/已冲销…).
    pub status: String,
    /// 计入: where it counted, e.g. "I类 2.0" or "未计入: 超出上限".
    pub counted: String,
}

/// A total of one bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Total {
    /// E.g. "I类学分", "总学分".
    pub label: String,
    /// The amount in tenths.
    pub tenths: i64,
}

/// Formats tenths of a credit with one decimal: 25 → "2.5", -10 → "-1.0".
pub fn format_tenths(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let abs = tenths.unsigned_abs();
    format!("{sign}{}.{}", abs / 10, abs % 10)
}

pub(crate) fn verdict(compliant: bool) -> &'static str {
    if compliant { "达标" } else { "不达标" }
}

/// The text of the signature line.
pub(crate) const SIGNATURE: &str = "单位继续医学教育管理部门（盖章）";

/// The credit table's columns: title and width in points (they add up to A4's content width
/// with 15 mm margins, 510 pt).
const CREDIT_COLUMNS: [(&str, f32, Align); 10] = [
    ("日期", 46.0, Align::Center),
    ("项目/活动名称", 96.0, Align::Left),
    ("主办单位", 64.0, Align::Left),
    ("类别", 24.0, Align::Center),
    ("来源级别", 37.0, Align::Center),
    ("学分", 24.0, Align::Right),
    ("证书编号", 86.0, Align::Left),
    ("录入方式", 37.0, Align::Center),
    ("状态", 28.0, Align::Center),
    ("计入", 68.0, Align::Left),
];

const BODY: TextStyle = TextStyle::regular(9.5);
const TABLE_TEXT: TextStyle = TextStyle::regular(8.0).with_line_spacing(1.3);
const TABLE_HEAD: TextStyle = TextStyle::bold(8.0).with_line_spacing(1.3);
const SECTION: TextStyle = TextStyle::bold(11.0);

/// Checks every string of the form against the font, naming the field of the first one
/// that cannot be printed.
fn check_form(shaper: &Shaper<'_>, form: &RegistrationForm) -> Result<(), DocumentError> {
    let p = &form.person;
    let mut fields: Vec<(String, &str)> = vec![
        ("title".into(), &form.title),
        ("person.name".into(), &p.name),
        ("person.gender".into(), &p.gender),
        ("person.id_number".into(), &p.id_number),
        ("person.unit".into(), &p.unit),
        ("person.department".into(), &p.department),
        ("person.discipline".into(), &p.discipline),
        ("person.title".into(), &p.title),
        ("person.title_level".into(), &p.title_level),
        ("person.unit_level".into(), &p.unit_level),
        ("standard".into(), &form.standard),
        ("generated_at".into(), &form.generated_at),
    ];
    for (i, c) in form.credits.iter().enumerate() {
        fields.extend([
            (format!("credits[{i}].date"), c.date.as_str()),
            (format!("credits[{i}].activity"), &c.activity),
            (format!("credits[{i}].organiser"), &c.organiser),
            (format!("credits[{i}].category"), &c.category),
            (format!("credits[{i}].source_level"), &c.source_level),
            (format!("credits[{i}].certificate_no"), &c.certificate_no),
            (format!("credits[{i}].entry_method"), &c.entry_method),
            (format!("credits[{i}].status"), &c.status),
            (format!("credits[{i}].counted"), &c.counted),
        ]);
    }
    for (i, t) in form.totals.iter().enumerate() {
        fields.push((format!("totals[{i}].label"), &t.label));
    }
    for (i, s) in form.shortfalls.iter().enumerate() {
        fields.push((format!("shortfalls[{i}]"), s));
    }
    fields.iter().try_for_each(|(field, text)| shaper.check(field, text))
}

/// A bordered grid of label/value pairs, `per_row` pairs a row, labels shaded and bold.
fn pair_grid(
    composer: &mut Composer<'_>,
    pairs: &[(&str, String, &str)],
    per_row: usize,
    label_width: f32,
) -> Result<(), DocumentError> {
    let value_width = composer.content_width() / per_row as f32 - label_width;
    let columns = (0..per_row).flat_map(|_| [Column::new("", label_width), Column::new("", value_width)]).collect();
    let rows = pairs
        .chunks(per_row)
        .map(|chunk| {
            chunk
                .iter()
                .flat_map(|(label, field, value)| {
                    [
                        Cell::new(format!("{field}.label"), label).style(TextStyle::bold(BODY.size)).shaded(),
                        Cell::new(field.clone(), value),
                    ]
                })
                .collect()
        })
        .collect();
    composer.table(&Table { columns, header: false, header_style: TABLE_HEAD, body_style: BODY, padding: 4.0, rows })
}

/// Renders the registration form (学分登记表) as an A4 portrait PDF in Chinese: the
/// person's particulars, the applicable standard, every credit (the table flows onto further
/// pages with its header repeated), the totals, the verdict with its shortfalls, the
/// generation time and the signature line for the unit's CME office. Pages are numbered
/// "第 n 页 / 共 m 页"; fonts are embedded as subsets (a one-page form is well under 300 KB).
///
/// # Errors
/// [`DocumentError::MissingGlyph`] naming the field (e.g. `person.name`,
/// `credits[3].activity`) if any string holds a character the font lacks; nothing is
/// printed with an empty box. [`DocumentError::Pdf`] if the PDF writer fails.
pub fn registration_form_pdf(fonts: &Fonts, form: &RegistrationForm) -> Result<Vec<u8>, DocumentError> {
    let mut c = Composer::a4_portrait(fonts)?;
    check_form(c.shaper(), form)?;
    let p = &form.person;
    c.set_title(format!("{}（{}）", form.title, p.name));

    // Title.
    let title = TextStyle::bold(17.0);
    c.paragraph("title", &form.title, title, 0.0, Align::Center)?;
    c.space(6.0);

    // Continuation pages carry the title and the person.
    c.set_running_header(
        "person.name",
        &format!("{} · {} · {}", form.title, p.name, p.id_number),
        TextStyle::regular(7.5),
    )?;

    let pairs = [
        ("姓名", "person.name", &p.name),
        ("性别", "person.gender", &p.gender),
        ("身份证号", "person.id_number", &p.id_number),
        ("单位", "person.unit", &p.unit),
        ("单位级别", "person.unit_level", &p.unit_level),
        ("科室", "person.department", &p.department),
        ("专业类别", "person.discipline", &p.discipline),
        ("职称", "person.title", &p.title),
        ("职称级别", "person.title_level", &p.title_level),
    ]
    .map(|(label, field, value)| (label, field.to_owned(), value.as_str()));
    pair_grid(&mut c, &pairs, 3, 52.0)?;
    c.space(6.0);
    c.paragraph("standard", &format!("适用标准：{}", form.standard), BODY, 0.0, Align::Left)?;
    c.space(8.0);

    // Credits.
    c.ensure_space(SECTION.line_height() + 60.0);
    c.paragraph("section", &format!("学分明细（共 {} 条）", form.credits.len()), SECTION, 0.0, Align::Left)?;
    c.space(3.0);
    if form.credits.is_empty() {
        c.paragraph("credits", "本年度无学分记录。", BODY, 0.0, Align::Left)?;
    } else {
        let amounts: Vec<String> = form.credits.iter().map(|l| format_tenths(l.tenths)).collect();
        let rows = form
            .credits
            .iter()
            .zip(&amounts)
            .enumerate()
            .map(|(i, (l, amount))| {
                vec![
                    Cell::new(format!("credits[{i}].date"), &l.date),
                    Cell::new(format!("credits[{i}].activity"), &l.activity),
                    Cell::new(format!("credits[{i}].organiser"), &l.organiser),
                    Cell::new(format!("credits[{i}].category"), &l.category),
                    Cell::new(format!("credits[{i}].source_level"), &l.source_level),
                    Cell::new(format!("credits[{i}].tenths"), amount),
                    Cell::new(format!("credits[{i}].certificate_no"), &l.certificate_no),
                    Cell::new(format!("credits[{i}].entry_method"), &l.entry_method),
                    Cell::new(format!("credits[{i}].status"), &l.status),
                    Cell::new(format!("credits[{i}].counted"), &l.counted),
                ]
            })
            .collect();
        c.table(&Table {
            columns: CREDIT_COLUMNS.iter().map(|&(t, w, a)| Column::new(t, w).align(a)).collect(),
            header: true,
            header_style: TABLE_HEAD,
            body_style: TABLE_TEXT,
            padding: 2.5,
            rows,
        })?;
    }
    c.space(10.0);

    // Totals.
    if !form.totals.is_empty() {
        c.ensure_space(SECTION.line_height() + 3.0 + BODY.line_height() + 8.0);
        c.paragraph("section", "学分汇总", SECTION, 0.0, Align::Left)?;
        c.space(3.0);
        let amounts: Vec<(String, String)> =
            form.totals.iter().enumerate().map(|(i, t)| (format!("totals[{i}]"), format_tenths(t.tenths))).collect();
        let pairs: Vec<(&str, String, &str)> = form
            .totals
            .iter()
            .zip(&amounts)
            .map(|(t, (field, amount))| (t.label.as_str(), field.clone(), amount.as_str()))
            .collect();
        pair_grid(&mut c, &pairs, 3, 70.0)?;
        c.space(10.0);
    }

    // Verdict and shortfalls.
    let verdict_style = TextStyle::bold(12.0);
    c.ensure_space(verdict_style.line_height() + BODY.line_height() * 2.0);
    c.paragraph("verdict", &format!("审核结论：{}", verdict(form.compliant)), verdict_style, 0.0, Align::Left)?;
    if !form.shortfalls.is_empty() {
        c.paragraph("shortfalls", "不达标原因：", BODY, 0.0, Align::Left)?;
        for (i, reason) in form.shortfalls.iter().enumerate() {
            let indent = 14.0;
            c.ensure_space(BODY.line_height());
            let baseline = c.cursor() + BODY.baseline_offset();
            let left = c.left();
            c.text_at("shortfalls", &format!("{}.", i + 1), BODY, left + indent - 3.0, baseline, Align::Right)?;
            c.paragraph(&format!("shortfalls[{i}]"), reason, BODY, indent, Align::Left)?;
        }
    }

    // Generation time and signature, kept together with room for the seal.
    let sign_height = 110.0;
    c.space(14.0);
    c.ensure_space(sign_height);
    let top = c.cursor();
    let left = c.left();
    let right = c.right();
    c.text_at("generated_at", &format!("生成时间：{}", form.generated_at), BODY, left, top + 12.0, Align::Left)?;
    c.text_at("signature", SIGNATURE, TextStyle::bold(10.5), right - 10.0, top + 12.0, Align::Right)?;
    c.text_at("signature", "经办人：", BODY, right - 230.0, top + 80.0, Align::Left)?;
    c.text_at("signature", "年      月      日", BODY, right - 10.0, top + 80.0, Align::Right)?;
    c.set_cursor(top + sign_height);

    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_format() {
        assert_eq!(format_tenths(0), "0.0");
        assert_eq!(format_tenths(25), "2.5");
        assert_eq!(format_tenths(120), "12.0");
        assert_eq!(format_tenths(-10), "-1.0");
        assert_eq!(format_tenths(-5), "-0.5");
    }
}
