//! The registration form PDF, checked with poppler: text extracted, fonts embedded as subsets,
//! pages rendered to pictures that are not blank.

use crate::common::sample::{LONG_ACTIVITY, form};
use crate::common::{dark_share, fonts, page_count, pdffonts, pdftoppm, pdftotext, scratch, write_pdf};
use cme_documents::layout::{Shaper, TextStyle};
use cme_documents::{DocumentError, registration_form_pdf};

/// Text without the blanks and line breaks pdftotext puts between and inside lines.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_fonts_subset(pdf: &str) {
    let fonts = pdffonts(pdf);
    assert!(!fonts.is_empty(), "pdffonts lists no font");
    for f in &fonts {
        assert!(f.embedded, "font {f:?} is not embedded");
        assert!(f.subset, "font {f:?} is not a subset");
        let (tag, rest) = f.name.split_once('+').unwrap_or_else(|| panic!("font {f:?} has no subset tag"));
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "bad subset tag in {f:?}");
        assert!(rest.starts_with("NotoSerifCJK"), "unexpected font {f:?}");
    }
    // Regular and bold.
    assert!(fonts.len() >= 2, "expected regular and bold: {fonts:?}");
}

fn assert_not_blank(pdf: &str, dir: &std::path::Path, pages: usize) {
    let pngs = pdftoppm(pdf, dir, 50);
    assert_eq!(pngs.len(), pages, "pdftoppm rendered {pngs:?}");
    for png in &pngs {
        let (dark, w, h) = dark_share(png);
        // A4 at 50 dpi is 413 × 585 pixels.
        assert!((410..=416).contains(&w) && (582..=588).contains(&h), "{png:?} is {w}×{h}");
        assert!(dark > 0.005, "{png:?} looks blank: {:.3}% dark pixels", dark * 100.0);
    }
}

#[test]
fn one_page_form() {
    let dir = scratch("one_page_form");
    let form = form(8);
    let bytes = registration_form_pdf(fonts(), &form).unwrap();
    eprintln!("one-page form: {} bytes", bytes.len());
    assert!(bytes.len() < 300 * 1024, "a one-page form is {} bytes", bytes.len());
    let pdf = write_pdf(&dir, "form.pdf", &bytes);
    assert_eq!(page_count(&pdf), 1);

    let text = pdftotext(&pdf);
    let flat = squeeze(&text);
    for expected in [
        "2021年度继续医学教育学分登记表",
        "王䶮",
        "心血管内科（𫖯组）",
        "530102********1234",
        "适用标准：中级职称",
        "审核结论：不达标",
        "不达标原因",
        "I类学分不足：已获8.5分，还需1.5分",
        "单位继续医学教育管理部门（盖章）",
        "生成时间：2022-01-05",
        "YN2021-CME-001000",
        "未计入:超出上限",
        "第1页/共1页",
    ] {
        assert!(flat.contains(&squeeze(expected)), "pdftotext lacks {expected:?}:\n{text}");
    }

    // The long activity name wraps within its cell: every line the wrapper made is in the PDF.
    let shaper = Shaper::new(fonts()).unwrap();
    let lines = shaper.wrap("t", LONG_ACTIVITY, TextStyle::regular(8.0), 96.0 - 5.0).unwrap();
    assert!(lines.len() >= 4, "the long name should wrap: {lines:?}");
    for line in &lines {
        assert!(flat.contains(&squeeze(line.text())), "pdftotext lacks the piece {:?}:\n{text}", line.text());
    }

    assert_fonts_subset(&pdf);
    assert_not_blank(&pdf, &dir, 1);
}

#[test]
fn forty_credits_flow_onto_a_second_page_with_the_header_repeated() {
    let dir = scratch("two_page_form");
    let form = form(40);
    let bytes = registration_form_pdf(fonts(), &form).unwrap();
    eprintln!("40-credit form: {} bytes", bytes.len());
    let pdf = write_pdf(&dir, "form.pdf", &bytes);
    assert_eq!(page_count(&pdf), 2);

    let text = pdftotext(&pdf);
    let flat = squeeze(&text);
    assert_eq!(flat.matches("项目/活动名称").count(), 2, "the table header is on both pages:\n{text}");
    assert_eq!(flat.matches("单位继续医学教育管理部门（盖章）").count(), 1);
    for i in 0..40 {
        let no = format!("YN2021-CME-{:06}", 1000 + i);
        assert!(flat.contains(&no), "credit {i} ({no}) is missing:\n{text}");
    }
    assert!(flat.contains("第1页/共2页") && flat.contains("第2页/共2页"), "page numbers:\n{text}");
    // The continuation page names the form and the person.
    assert!(flat.contains("2021年度继续医学教育学分登记表·王䶮·530102********1234"), "running header:\n{text}");

    // Each page's text: the table continues on page 2.
    let page2 = crate::common::run("pdftotext", &["-enc", "UTF-8", "-f", "2", "-l", "2", &pdf, "-"]);
    assert!(squeeze(&page2).contains("YN2021-CME-001039"), "last credit on page 2:\n{page2}");

    assert_fonts_subset(&pdf);
    assert_not_blank(&pdf, &dir, 2);
}

#[test]
fn a_form_without_credits_or_shortfalls() {
    let dir = scratch("empty_form");
    let mut form = form(0);
    form.compliant = true;
    form.shortfalls.clear();
    form.totals.clear();
    let pdf = write_pdf(&dir, "form.pdf", &registration_form_pdf(fonts(), &form).unwrap());
    let flat = squeeze(&pdftotext(&pdf));
    assert!(flat.contains("本年度无学分记录"));
    assert!(flat.contains("审核结论：达标"));
    assert!(!flat.contains("不达标"));
}

#[test]
fn a_name_the_font_cannot_print_is_refused() {
    let mut bad = form(3);
    bad.person.name = "张\u{E000}".to_owned();
    match registration_form_pdf(fonts(), &bad) {
        Err(DocumentError::MissingGlyph { field, character }) => {
            assert_eq!(field, "person.name");
            assert_eq!(character, '\u{E000}');
        }
        other => panic!("expected MissingGlyph, got {other:?}"),
    }
    let message = registration_form_pdf(fonts(), &bad).unwrap_err().to_string();
    assert!(message.contains("person.name") && message.contains("U+E000"), "{message}");

    // An unassigned code point in a credit's activity name names that credit.
    let mut bad = form(5);
    bad.credits[3].activity = "培训\u{0378}班".to_owned();
    match registration_form_pdf(fonts(), &bad) {
        Err(DocumentError::MissingGlyph { field, character }) => {
            assert_eq!(field, "credits[3].activity");
            assert_eq!(character, '\u{0378}');
        }
        other => panic!("expected MissingGlyph, got {other:?}"),
    }

    // A supplementary-plane private-use character in a shortfall.
    let mut bad = form(1);
    bad.shortfalls.push("缺\u{F0000}".to_owned());
    assert!(matches!(
        registration_form_pdf(fonts(), &bad),
        Err(DocumentError::MissingGlyph { field, .. }) if field == "shortfalls[2]"
    ));
}

/// The registration form (the Composer) prints a name with a character Noto lacks from the fallback.
#[test]
fn a_name_noto_lacks_prints_from_the_fallback() {
    let dir = scratch("registration_fallback");
    let mut f = form(3);
    f.person.name = "王伟".to_owned();
    let plain = registration_form_pdf(fonts(), &f).unwrap().len();
    f.person.name = "王𪛖".to_owned();
    let bytes = registration_form_pdf(fonts(), &f).unwrap();
    eprintln!("form for 王伟: {plain} bytes; for 王𪛖: {} bytes (+{})", bytes.len(), bytes.len() as i64 - plain as i64);
    let pdf = write_pdf(&dir, "form.pdf", &bytes);
    let text = squeeze(&pdftotext(&pdf));
    assert!(text.contains("王𪛖"), "pdftotext lacks 王𪛖:\n{text}");
    assert!(pdffonts(&pdf).iter().any(|f| f.name.ends_with("+HanaMinB") && f.embedded && f.subset));
}
