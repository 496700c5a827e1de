//! Loading the fonts and checking glyph coverage.

use crate::common::fonts;
use cme_documents::{DocumentError, Fonts, SYSTEM_BOLD, SYSTEM_REGULAR};

#[test]
fn rare_name_characters_are_covered() {
    // 𪛖 (Extension B) comes from HanaMinB, U+2F800 (a compatibility
    // ideograph) from HanaMinA.
    for text in [
        "䶮",
        "𫖯",
        "王䶮",
        "李𫖯",
        "喆",
        "堃",
        "赟",
        "昇",
        "2021年度",
        "I类 2.0",
        "（盖章）",
        "王𪛖",
        "\u{2F800}",
        "𬌗",
    ] {
        fonts().check_text("person.name", text).unwrap();
    }
}

#[test]
fn characters_the_font_lacks_are_named() {
    for (text, missing) in [
        ("张\u{E000}", '\u{E000}'),
        ("\u{0378}", '\u{0378}'),
        ("a\u{10FFFD}b", '\u{10FFFD}'),
        ("王\u{13000}", '\u{13000}'),
        ("\u{50000}", '\u{50000}'),
    ] {
        match fonts().check_text("person.name", text) {
            Err(DocumentError::MissingGlyph { field, character }) => {
                assert_eq!(field, "person.name");
                assert_eq!(character, missing);
            }
            other => panic!("{text:?}: expected MissingGlyph, got {other:?}"),
        }
    }
    // Line breaks and tabs are layout, not glyphs.
    fonts().check_text("standard", "第一行\n第二行\t完").unwrap();
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let err = Fonts::load("/nonexistent/NotoSerifCJK-Regular.ttc", SYSTEM_BOLD).unwrap_err();
    assert!(matches!(err, DocumentError::FontFile { .. }), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/NotoSerifCJK-Regular.ttc"), "{err}");
}

#[test]
fn the_wrong_family_is_refused() {
    // The sans collection's face 2 is "Noto Sans CJK SC".
    let err = Fonts::load("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", SYSTEM_BOLD).unwrap_err();
    assert!(matches!(err, DocumentError::FontInvalid { .. }), "{err:?}");
    assert!(err.to_string().contains("Noto Sans CJK SC"), "{err}");
    // Not a font at all.
    let err = Fonts::load(SYSTEM_REGULAR, "/etc/hostname").unwrap_err();
    assert!(matches!(err, DocumentError::FontInvalid { .. }), "{err:?}");
}

#[test]
fn fonts_are_shared_across_threads() {
    let f = fonts().clone();
    std::thread::spawn(move || f.check_text("x", "测试").unwrap()).join().unwrap();
}

#[test]
fn the_system_chain_names_its_fallbacks() {
    let files: Vec<String> = fonts().fallbacks().map(|p| p.display().to_string()).collect();
    assert_eq!(files, cme_documents::SYSTEM_FALLBACKS.map(|(path, _)| path.to_owned()));
    // Fonts loaded without fallbacks refuse what only the fallback has.
    let bare = Fonts::load(SYSTEM_REGULAR, SYSTEM_BOLD).unwrap();
    assert!(matches!(bare.check_text("name", "王𪛖"), Err(DocumentError::MissingGlyph { character: '𪛖', .. })));
}

/// [`cme_documents::FONT_PACKAGES`] is exactly the set of Debian packages that own the files
/// `Fonts::system()` loads (so the Dockerfile and `make run`, checked against the list, install
/// what the code reads).
#[test]
fn font_packages_own_the_loaded_files() {
    let mut files = vec![SYSTEM_REGULAR, SYSTEM_BOLD];
    files.extend(cme_documents::SYSTEM_FALLBACKS.map(|(path, _)| path));
    let output = std::process::Command::new("dpkg-query")
        .arg("-S")
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run dpkg-query ({e}): the fonts come from Debian packages"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut owners: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(package, _)| package.to_owned()))
        .collect();
    owners.sort();
    owners.dedup();
    let mut listed: Vec<String> = cme_documents::FONT_PACKAGES.map(str::to_owned).to_vec();
    listed.sort();
    assert_eq!(owners, listed);
}
