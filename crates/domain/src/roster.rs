//! A staff roster (人员名册) as a unit fills it in: the columns of the
//! import template and the parsing of each row's text cells into a new
//! person's data, with a reason in Chinese for every bad cell.
//!
//! What needs the database (duplicates against stored people, the unit's
//! departments by name) is checked by the caller; duplicates inside one
//! file are found by [`duplicates`].

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::IdCardNumber;
use crate::id_card::IdCardError;
use crate::person::{Discipline, Gender, PersonStatus, Title, TitleLevel};
use crate::titles::{TitleError, level_of};

string_enum! {
    /// The columns of the roster, in template order.
    pub enum Column {
        Name => ("name", "姓名"),
        Gender => ("gender", "性别"),
        IdNumber => ("id_number", "身份证号"),
        Department => ("department", "科室"),
        Discipline => ("discipline", "专业类别"),
        Title => ("title", "职称"),
        TitleLevel => ("title_level", "职称级别"),
        TitleObtainedOn => ("title_obtained_on", "取得职称日期"),
        Phone => ("phone", "手机号"),
    }
}

impl Column {
    /// Whether a row must fill the column.
    pub fn required(self) -> bool {
        matches!(self, Column::Name | Column::Gender | Column::IdNumber | Column::Discipline)
    }

    /// Other headers people write for the column.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Name => &["名字"],
            Column::Gender => &[],
            Column::IdNumber => &["身份证号码", "身份证", "证件号码"],
            Column::Department => &["科室名称", "所在科室"],
            Column::Discipline => &["专业", "类别"],
            Column::Title => &["职称名称", "专业技术职称"],
            Column::TitleLevel => &["级别"],
            Column::TitleObtainedOn => &["职称取得日期", "取得日期", "取得时间"],
            Column::Phone => &["手机", "手机号码", "联系电话"],
        }
    }

    /// The column a header names (blanks, a required marker `*` and
    /// brackets after the name ignored); `None` for an unknown header.
    pub fn from_header(header: &str) -> Option<Column> {
        let h = header.trim().trim_start_matches('*').trim_end_matches('*').trim();
        let h = h.split(['(', '（']).next().unwrap_or(h).trim();
        Column::ALL.iter().copied().find(|c| c.label() == h || c.aliases().contains(&h))
    }
}

/// The header row of the template, in order.
pub fn template_headers() -> Vec<&'static str> {
    Column::ALL.iter().map(|c| c.label()).collect()
}

/// One example row for the template (a made-up person with a valid number).
pub const TEMPLATE_EXAMPLE: [&str; 9] =
    ["张三", "男", "11010519491231002X", "内科", "临床", "主治医师", "中级", "2015-09-01", "13800000000"];

/// The notes printed under the template.
pub const TEMPLATE_NOTES: &[&str] = &[
    "说明：第一行为表头，请勿修改；示例行导入前请删除。带 * 的列为必填：姓名、性别、身份证号、专业类别。",
    "性别填 男 或 女；身份证号为 18 位居民身份证号码（请以文本格式填写，末位 X 大小写均可）。",
    "专业类别填 临床（临床、检验、放射等类）或 护理（护理、公卫类），也可填 公卫。",
    "科室须为本单位已有科室的名称，可不填。职称须为规范名称（如 主治医师、主管护师、乡村医生），职称级别可不填（按职称自动确定）；填写职称时须填取得职称日期（如 2015-09-01）。",
];

/// A parsed row: a new person's data, before the database checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub name: String,
    pub gender: Gender,
    pub id_number: IdCardNumber,
    /// The department's name, to be found in the unit.
    pub department: Option<String>,
    pub discipline: Discipline,
    pub phone: Option<String>,
    pub title: Option<Title>,
}

/// A bad cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub column: Column,
    pub reason: String,
}

fn cell_error(column: Column, reason: impl Into<String>) -> CellError {
    CellError { column, reason: reason.into() }
}

/// The longest name accepted (ethnic minority names in full can be long).
pub const MAX_NAME_CHARS: usize = 50;

/// A person's name: trimmed, 1–50 characters, none of them a code point no font can print
/// ([`unprintable_code_point`]). Whether the document fonts have every character is checked
/// by the caller that holds them (`cme_documents::Fonts`); this check is what stands when they
/// are not loaded.
pub fn parse_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("姓名不能为空".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("姓名须为 1–{MAX_NAME_CHARS} 个字符"));
    }
    if let Some(c) = name.chars().find(|c| unprintable_code_point(*c)) {
        return Err(unprintable_name_reason(c));
    }
    Ok(name.to_owned())
}

/// Why a name holding `c` is refused: no document font can print it.
pub fn unprintable_name_reason(c: char) -> String {
    let shown = if unprintable_code_point(c) || c.is_whitespace() { String::new() } else { format!("“{c}”") };
    format!("姓名中的字符{shown}（U+{:04X}）无法打印在证书上，请核对后重新输入", u32::from(c))
}

/// A code point that no font prints as a character of a name: controls, invisible format
/// characters (zero-width and bidirectional controls, variation selectors, tags), private
/// use, noncharacters, and the planes with nothing assigned (4–13).
pub fn unprintable_code_point(c: char) -> bool {
    let u = u32::from(c);
    c.is_control()
        || matches!(u,
            0x00AD                   // soft hyphen
            | 0x200B..=0x200F        // zero-width space/joiners, LRM, RLM
            | 0x202A..=0x202E        // bidirectional embeddings and overrides
            | 0x2060..=0x206F        // word joiner, invisible operators, bidi isolates
            | 0xE000..=0xF8FF        // private use
            | 0xFDD0..=0xFDEF        // noncharacters
            | 0xFE00..=0xFE0F        // variation selectors
            | 0xFEFF                 // byte order mark
            | 0xFFF0..=0xFFFB        // unassigned, interlinear annotation
            | 0x40000..=0xDFFFF      // planes 4–13: nothing assigned
            | 0xE0000..=0xE0FFF      // tags, variation selectors supplement
            | 0xF0000..=0x10FFFF     // supplementary private use
        )
        || u & 0xFFFE == 0xFFFE // U+xxFFFE and U+xxFFFF of every plane
}

/// 男/女 (or the wire names).
pub fn parse_gender(text: &str) -> Option<Gender> {
    match text.trim() {
        "男" | "male" | "M" | "m" => Some(Gender::Male),
        "女" | "female" | "F" | "f" => Some(Gender::Female),
        _ => None,
    }
}

/// 临床/护理/公卫, the full labels, or the wire names.
pub fn parse_discipline(text: &str) -> Option<Discipline> {
    let t = text.trim();
    if let Some(d) = Discipline::parse(t).or_else(|| Discipline::ALL.iter().copied().find(|d| d.label() == t)) {
        return Some(d);
    }
    match t {
        "临床" | "临床类" | "检验" | "放射" | "临床、检验、放射" => Some(Discipline::Clinical),
        "护理" | "护理类" | "公卫" | "公卫类" | "公共卫生" | "护理、公卫" => {
            Some(Discipline::NursingPublicHealth)
        }
        _ => None,
    }
}

/// 正常/不计达标/注销 (or the wire names).
pub fn parse_status(text: &str) -> Option<PersonStatus> {
    let t = text.trim();
    PersonStatus::parse(t).or_else(|| PersonStatus::ALL.iter().copied().find(|s| s.label() == t))
}

/// 高级/中级/初级 (正高, 副高 are senior), or the wire names.
pub fn parse_title_level(text: &str) -> Option<TitleLevel> {
    let t = text.trim();
    if let Some(l) = TitleLevel::parse(t).or_else(|| TitleLevel::ALL.iter().copied().find(|l| l.label() == t)) {
        return Some(l);
    }
    match t {
        "正高" | "正高级" | "副高" | "副高级" => Some(TitleLevel::Senior),
        _ => None,
    }
}

/// A date as people type it: `2015-09-01`, `2015/9/1`, `2015.9.1`,
/// `2015年9月1日` or `20150901`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").ok();
    }
    let normalised: String =
        t.trim_end_matches('日').chars().map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c }).collect();
    // A time part (from a spreadsheet's date cell) is ignored.
    let date = normalised.split([' ', 'T']).next().unwrap_or(&normalised);
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// A phone number: digits with an optional leading `+`, blanks and dashes
/// dropped; 5–20 digits.
pub fn parse_phone(text: &str) -> Result<String, String> {
    let compact: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if (5..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(compact)
    } else {
        Err("手机号格式不正确".into())
    }
}

/// A phone number with its middle hidden: `138****0000` (the first three
/// and last four characters kept; shorter numbers show only the last two).
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let (head, tail) = if chars.len() >= 11 { (3, 4) } else { (0, 2.min(chars.len())) };
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// The Chinese reason for a bad ID number.
pub fn id_number_reason(e: &IdCardError) -> &'static str {
    match e {
        IdCardError::Length => "身份证号须为 18 位",
        IdCardError::Characters => "身份证号须为 17 位数字加 1 位数字或 X",
        IdCardError::Province => "身份证号的地区码不存在",
        IdCardError::BirthDate => "身份证号中的出生日期不正确",
        IdCardError::CheckDigit => "身份证号校验位错误",
    }
}

/// The Chinese reason for a title that cannot be taken.
pub fn title_reason(e: &TitleError) -> String {
    match e {
        TitleError::Unknown => "职称不在职称目录中，请填写规范名称".to_owned(),
        TitleError::WrongLevel { name, expected, .. } => format!("{name} 的职称级别为{}", expected.label()),
    }
}

/// A spreadsheet that stored an 18-digit number as a number shows it in
/// exponent form (`5.30102198506121E+17`): the digits are lost.
fn looks_like_a_number_cell(text: &str) -> bool {
    let t = text.trim();
    t.contains(['E', 'e']) && t.contains('.') && t.chars().all(|c| c.is_ascii_digit() || "Ee.+".contains(c))
}

/// Parses one row of cells (by column; a missing column is an empty cell).
/// Every bad cell is reported, not just the first.
pub fn parse_row(cells: &HashMap<Column, String>, today: NaiveDate) -> Result<RosterEntry, Vec<CellError>> {
    let cell = |c: Column| cells.get(&c).map(|s| s.trim()).unwrap_or("");
    let mut errors = Vec::new();
    for c in Column::ALL.iter().copied().filter(|c| c.required()) {
        if cell(c).is_empty() {
            errors.push(cell_error(c, format!("{}不能为空", c.label())));
        }
    }
    let name = match cell(Column::Name) {
        "" => None,
        text => parse_name(text).map_err(|r| errors.push(cell_error(Column::Name, r))).ok(),
    };
    let gender = match cell(Column::Gender) {
        "" => None,
        text => parse_gender(text).or_else(|| {
            errors.push(cell_error(Column::Gender, "性别须为 男 或 女"));
            None
        }),
    };
    let id_number = match cell(Column::IdNumber) {
        "" => None,
        text if looks_like_a_number_cell(text) => {
            errors.push(cell_error(Column::IdNumber, "身份证号被存成了数字，请将该列设为文本格式后重新填写"));
            None
        }
        text => IdCardNumber::parse(text, today)
            .map_err(|e| errors.push(cell_error(Column::IdNumber, id_number_reason(&e))))
            .ok(),
    };
    let discipline = match cell(Column::Discipline) {
        "" => None,
        text => parse_discipline(text).or_else(|| {
            errors.push(cell_error(Column::Discipline, "专业类别须为 临床 或 护理（公卫）"));
            None
        }),
    };
    let phone = match cell(Column::Phone) {
        "" => None,
        text => parse_phone(text).map_err(|r| errors.push(cell_error(Column::Phone, r))).ok(),
    };
    let title = parse_title_cells(cell(Column::Title), cell(Column::TitleLevel), cell(Column::TitleObtainedOn), today)
        .map_err(|mut e| errors.append(&mut e))
        .ok()
        .flatten();
    let department = Some(cell(Column::Department)).filter(|d| !d.is_empty()).map(str::to_owned);
    match (name, gender, id_number, discipline) {
        (Some(name), Some(gender), Some(id_number), Some(discipline)) if errors.is_empty() => {
            Ok(RosterEntry { name, gender, id_number, department, discipline, phone, title })
        }
        _ => Err(errors),
    }
}

/// The title columns: all empty (no title), or a known title with its date.
fn parse_title_cells(
    name: &str,
    level: &str,
    obtained_on: &str,
    today: NaiveDate,
) -> Result<Option<Title>, Vec<CellError>> {
    if name.is_empty() {
        return if level.is_empty() && obtained_on.is_empty() {
            Ok(None)
        } else {
            Err(vec![cell_error(Column::Title, "填写了职称级别或日期，但未填写职称")])
        };
    }
    let mut errors = Vec::new();
    let given = match level {
        "" => None,
        text => parse_title_level(text).or_else(|| {
            errors.push(cell_error(Column::TitleLevel, "职称级别须为 高级、中级 或 初级"));
            None
        }),
    };
    let level = match level_of(name, given, true) {
        Ok(level) => Some(level),
        Err(e @ TitleError::Unknown) => {
            errors.push(cell_error(Column::Title, title_reason(&e)));
            None
        }
        Err(e) => {
            errors.push(cell_error(Column::TitleLevel, title_reason(&e)));
            None
        }
    };
    let date = match obtained_on {
        "" => {
            errors.push(cell_error(Column::TitleObtainedOn, "填写职称时须填写取得职称日期"));
            None
        }
        text => match parse_date(text) {
            Some(d) if d <= today => Some(d),
            Some(_) => {
                errors.push(cell_error(Column::TitleObtainedOn, "取得职称日期不能晚于今天"));
                None
            }
            None => {
                errors.push(cell_error(Column::TitleObtainedOn, "日期格式不正确，应如 2015-09-01"));
                None
            }
        },
    };
    match (level, date) {
        (Some(level), Some(obtained_on)) if errors.is_empty() => {
            Ok(Some(Title { name: name.trim().to_owned(), level, obtained_on }))
        }
        _ => Err(errors),
    }
}

/// Pairs of rows (0-based indexes, in order) that carry the same ID
/// number: each later row is paired with the first that had it.
pub fn duplicates<'a>(ids: impl IntoIterator<Item = (usize, &'a IdCardNumber)>) -> Vec<(usize, usize)> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, id) in ids {
        match first.get(id.as_str()) {
            Some(&f) => out.push((f, i)),
            None => {
                first.insert(id.as_str(), i);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn row(cells: &[&str]) -> HashMap<Column, String> {
        Column::ALL.iter().copied().zip(cells.iter().map(|s| (*s).to_owned())).collect()
    }

    #[test]
    fn names_with_unprintable_code_points_are_refused() {
        for bad in
            ["张\u{E000}", "李\u{7}", "王\u{200B}伟", "\u{202E}王伟", "王\u{FFFF}", "王\u{50000}", "王\u{10FFFD}"]
        {
            let reason = parse_name(bad).err().unwrap_or_default();
            assert!(reason.contains("无法打印") && reason.contains("U+"), "{bad:?}: {reason}");
        }
        // Rare characters, minority names with a middle dot, Latin letters: accepted here (the
        // fonts decide on the rest).
        for good in ["王𪛖", "李𫖯", "王䶮", "阿依古丽·买买提", "Maria", "王\u{13000}"] {
            assert_eq!(parse_name(good).as_deref(), Ok(good));
        }
        assert_eq!(parse_name("  王伟 ").as_deref(), Ok("王伟"));
    }

    #[test]
    fn the_template_example_parses() {
        let entry = parse_row(&row(&TEMPLATE_EXAMPLE), today());
        let entry = entry.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(entry.gender, Gender::Male);
        assert_eq!(entry.discipline, Discipline::Clinical);
        assert_eq!(entry.title.map(|t| t.level), Some(TitleLevel::Intermediate));
        assert_eq!(entry.department.as_deref(), Some("内科"));
        assert_eq!(template_headers()[2], "身份证号");
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_column() {
        let bad = row(&["", "未知", "110101202311012171", "", "牙科", "主治大夫", "", "", "12ab"]);
        let errors = parse_row(&bad, today()).err().unwrap_or_default();
        let columns: Vec<Column> = errors.iter().map(|e| e.column).collect();
        for c in [Column::Name, Column::Gender, Column::IdNumber, Column::Discipline, Column::Title, Column::Phone] {
            assert!(columns.contains(&c), "{c} not reported: {errors:?}");
        }
        let id = errors.iter().find(|e| e.column == Column::IdNumber).map(|e| e.reason.as_str());
        assert_eq!(id, Some("身份证号校验位错误"));
        let no_date = row(&["李四", "女", "11010519491231002X", "", "护理", "主管护师", "", "", ""]);
        let errors = parse_row(&no_date, today()).err().unwrap_or_default();
        assert_eq!(errors.iter().map(|e| e.column).collect::<Vec<_>>(), vec![Column::TitleObtainedOn]);
        let wrong_level = row(&["李四", "女", "11010519491231002X", "", "护理", "主管护师", "高级", "2020-1-1", ""]);
        let errors = parse_row(&wrong_level, today()).err().unwrap_or_default();
        assert_eq!(errors.iter().map(|e| e.column).collect::<Vec<_>>(), vec![Column::TitleLevel]);
        let exponent = row(&["李四", "女", "1.10105194912310E+17", "", "护理", "", "", "", ""]);
        let errors = parse_row(&exponent, today()).err().unwrap_or_default();
        assert!(errors[0].reason.contains("文本格式"));
    }

    #[test]
    fn cells_are_read_as_people_type_them() {
        assert_eq!(Column::from_header(" *身份证号码 "), Some(Column::IdNumber));
        assert_eq!(Column::from_header("手机号（选填）"), Some(Column::Phone));
        assert_eq!(Column::from_header("备注"), None);
        assert_eq!(parse_date("2015/9/1"), NaiveDate::from_ymd_opt(2015, 9, 1));
        assert_eq!(parse_date("2015年9月1日"), NaiveDate::from_ymd_opt(2015, 9, 1));
        assert_eq!(parse_date("20150901"), NaiveDate::from_ymd_opt(2015, 9, 1));
        assert_eq!(parse_date("2015-09-01 00:00:00"), NaiveDate::from_ymd_opt(2015, 9, 1));
        assert_eq!(parse_date("2015-13-01"), None);
        assert_eq!(parse_discipline("公卫"), Some(Discipline::NursingPublicHealth));
        assert_eq!(parse_discipline("临床、检验、放射等类"), Some(Discipline::Clinical));
        assert_eq!(parse_title_level("副高"), Some(TitleLevel::Senior));
        assert_eq!(parse_status("不计达标"), Some(PersonStatus::Exempt));
        assert_eq!(parse_phone("138-0000 0000"), Ok("13800000000".to_owned()));
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("8765432"), "*****32");
    }

    #[test]
    fn duplicates_name_both_rows() {
        let a = IdCardNumber::from_trusted("11010519491231002X".into());
        let b = IdCardNumber::from_trusted("110105194912310037".into());
        assert_eq!(duplicates([(0, &a), (1, &b), (2, &a), (3, &a)]), vec![(0, 2), (0, 3)]);
    }
}
