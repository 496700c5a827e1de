//! A person's name is accepted only if it can be printed: every character in the document
//! fonts (Noto Serif CJK SC or a face of its fallback chain), so that a worker whose name was
//! accepted can always get a certificate.
//!
//! When the fonts are not loaded ([`crate::AppState::fonts`] is `None`: nothing can be printed
//! on this server until they are installed) creation is not blocked on them: the name is
//! checked by code point only ([`cme_domain::roster::parse_name`] refuses controls, invisible
//! format characters, private use, noncharacters, unassigned planes). A name of assigned
//! characters that the chain happens to lack could then be accepted and refused at print time;
//! `/health` reports `documents.renderable: false` meanwhile.

use cme_documents::Fonts;
use cme_documents::layout::Shaper;
use cme_domain::roster::{parse_name, unprintable_name_reason};

/// Checks names against the fonts; make one per request (or per imported file), not per row.
pub(crate) struct NameCheck<'f> {
    shaper: Option<Shaper<'f>>,
}

impl<'f> NameCheck<'f> {
    /// A check against `fonts`, or by code point only without them.
    pub(crate) fn new(fonts: Option<&'f Fonts>) -> Self {
        // Shaper::new reads tables the fonts were checked for at load; if that ever fails,
        // the code-point check still stands.
        NameCheck { shaper: fonts.and_then(|f| Shaper::new(f).ok()) }
    }

    /// The trimmed name, or a reason (in Chinese) for the `name` field.
    pub(crate) fn parse(&self, text: &str) -> Result<String, String> {
        let name = parse_name(text)?;
        match self.shaper.as_ref().and_then(|s| s.unprintable(&name)) {
            Some(c) => Err(unprintable_name_reason(c)),
            None => Ok(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_fonts_only_code_points_are_checked() {
        let check = NameCheck::new(None);
        // An assigned character no font of ours has: accepted when the fonts are not loaded…
        assert_eq!(check.parse(" 王\u{13000} ").as_deref(), Ok("王\u{13000}"));
        // …but private use and controls never are.
        assert!(check.parse("张\u{E000}").is_err());
        assert!(check.parse("张\u{7}").is_err());
    }

    #[test]
    fn with_fonts_every_character_must_have_a_glyph() {
        let fonts = Fonts::system().unwrap_or_else(|e| panic!("{e}: install {:?}", cme_documents::FONT_PACKAGES));
        let check = NameCheck::new(Some(&fonts));
        let reason = check.parse("王\u{13000}").err().unwrap_or_default();
        assert!(reason.contains("U+13000") && reason.contains("无法打印"), "{reason}");
        for name in ["王𪛖", "李𫖯", "阿依古丽·买买提"] {
            assert_eq!(check.parse(name).as_deref(), Ok(name));
        }
    }
}
