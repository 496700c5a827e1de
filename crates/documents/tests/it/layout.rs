//! The CJK line wrapper.

use crate::common::fonts;
use cme_documents::layout::{Shaper, TextStyle};

const STYLE: TextStyle = TextStyle::regular(10.0);

fn wrap(text: &str, width: f32) -> Vec<String> {
    let shaper = Shaper::new(fonts()).unwrap();
    shaper.wrap("t", text, STYLE, width).unwrap().iter().map(|l| l.text().to_owned()).collect()
}

#[test]
fn breaks_between_cjk_characters_within_the_width() {
    // 10 pt CJK characters are 10 pt wide: 5 to a 50 pt line.
    let lines = wrap("一二三四五六七八九十甲乙", 50.0);
    assert_eq!(lines, ["一二三四五", "六七八九十", "甲乙"]);
    let shaper = Shaper::new(fonts()).unwrap();
    for line in shaper.wrap("t", &"继续医学教育".repeat(20), STYLE, 123.0).unwrap() {
        assert!(line.width() <= 123.0 + 0.01, "{line:?}");
    }
}

#[test]
fn closing_punctuation_never_starts_a_line() {
    // The comma would start the second line: the character before it moves down with it.
    let lines = wrap("一二三四五，六七", 50.0);
    assert_eq!(lines, ["一二三四", "五，六七"]);
    for text in ["甲乙丙丁戊。己庚", "甲乙丙丁戊）己", "甲乙丙丁戊》己", "甲乙丙丁戊、己", "甲乙丙丁戊」己"]
    {
        for line in wrap(text, 50.0).iter().skip(1) {
            let first = line.chars().next().unwrap();
            assert!(!"，。、）》」".contains(first), "{text:?} → line {line:?}");
        }
    }
}

#[test]
fn opening_punctuation_never_ends_a_line() {
    // "一二三四（" would fit, but the parenthesis moves down with what it opens.
    let lines = wrap("一二三四（五六）", 50.0);
    assert_eq!(lines, ["一二三四", "（五六）"]);
    let lines = wrap("一二三“四”五六", 40.0);
    assert_eq!(lines, ["一二三", "“四”五", "六"]);
}

#[test]
fn ascii_runs_stay_together() {
    let lines = wrap("证书编号YN20210001号", 60.0);
    assert!(lines.iter().any(|l| l.contains("YN20210001")), "{lines:?}");
    // A code too long for the line breaks after a hyphen rather than anywhere.
    let lines = wrap("YN2021-CME-001000", 60.0);
    assert_eq!(lines, ["YN2021-", "CME-001000"]);
    // Words break at blanks, and blanks do not start or end a line.
    let lines = wrap("Continuing medical education", 80.0);
    assert!(lines.len() > 1, "{lines:?}");
    assert!(lines.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')), "{lines:?}");
    assert_eq!(lines.join(" "), "Continuing medical education");
}

#[test]
fn a_run_longer_than_a_line_is_cut() {
    let long = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let lines = wrap(long, 40.0);
    assert!(lines.len() > 2, "{lines:?}");
    assert_eq!(lines.concat(), long);
}

#[test]
fn newlines_force_breaks_and_empty_text_is_one_empty_line() {
    assert_eq!(wrap("第一\n第二", 500.0), ["第一", "第二"]);
    assert_eq!(wrap("", 500.0), [""]);
}

#[test]
fn a_row_taller_than_a_page_is_split_over_pages() {
    use cme_documents::DocumentError;
    use cme_documents::layout::{Cell, Column, Composer, Table};

    let dir = crate::common::scratch("tall_row");
    let long: String = (0..2500).map(|i| char::from_u32(0x4E00 + (i * 7) % 5000).unwrap()).collect();
    let mut c = Composer::a4_portrait(fonts()).unwrap();
    c.set_running_header("header", "续页", TextStyle::regular(8.0)).unwrap();
    let table = Table {
        columns: vec![Column::new("序号", 40.0), Column::new("内容", 400.0)],
        header: true,
        header_style: TextStyle::bold(9.0),
        body_style: TextStyle::regular(9.0),
        padding: 3.0,
        rows: vec![
            vec![Cell::new("rows[0].no", "1"), Cell::new("rows[0].text", "短行")],
            vec![Cell::new("rows[1].no", "2"), Cell::new("rows[1].text", &long)],
            vec![Cell::new("rows[2].no", "3"), Cell::new("rows[2].text", "末行")],
        ],
    };
    c.table(&table).unwrap();
    assert!(c.page_count() >= 2, "{} pages", c.page_count());
    let pages = c.page_count();
    let pdf = crate::common::write_pdf(&dir, "tall.pdf", &c.finish().unwrap());
    assert_eq!(crate::common::page_count(&pdf), pages);
    let text: String = crate::common::pdftotext(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(text.matches("序号内容").count(), pages, "header on every page");
    assert!(text.contains("末行"));
    // Every character of the long cell is printed, in order.
    let mut rest = text.as_str();
    for ch in long.chars() {
        let at = rest.find(ch).unwrap_or_else(|| panic!("{ch} missing"));
        rest = &rest[at + ch.len_utf8()..];
    }

    // A cell the font cannot print names its field.
    let bad = Table { rows: vec![vec![Cell::new("rows[0].no", "1"), Cell::new("rows[0].text", "\u{E000}")]], ..table };
    let mut c = Composer::a4_portrait(fonts()).unwrap();
    assert!(matches!(c.table(&bad), Err(DocumentError::MissingGlyph { field, .. }) if field == "rows[0].text"));
}

/// A line mixing Noto and the fallback face: one glyph per character, the advances of the
/// face each comes from; in bold (the fallback has no bold, it is stroked) and regular, the
/// text extracts whole and every face is an embedded subset.
#[test]
fn a_line_mixes_noto_and_the_fallback() {
    let dir = crate::common::scratch("layout_fallback");
    let shaper = Shaper::new(fonts()).unwrap();
    let line = shaper.shape("t", "王𪛖伟", STYLE).unwrap();
    assert!((line.width() - 30.0).abs() < 0.5, "three ideographs of 10 pt: {}", line.width());
    let mut c = cme_documents::layout::Composer::a4_portrait(fonts()).unwrap();
    c.paragraph("bold", "姓名：王𪛖伟", TextStyle::bold(24.0), 0.0, cme_documents::layout::Align::Left).unwrap();
    c.paragraph("regular", "单位：𪛖医院", TextStyle::regular(24.0), 0.0, cme_documents::layout::Align::Left).unwrap();
    let pdf = crate::common::write_pdf(&dir, "mixed.pdf", &c.finish().unwrap());
    let text: String = crate::common::pdftotext(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("姓名：王𪛖伟") && text.contains("单位：𪛖医院"), "{text}");
    let faces = crate::common::pdffonts(&pdf);
    assert!(faces.iter().all(|f| f.embedded && f.subset), "{faces:?}");
    assert!(faces.iter().any(|f| f.name.ends_with("+HanaMinB")), "{faces:?}");
}
