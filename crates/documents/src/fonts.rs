//! The document font: Noto Serif CJK SC (regular and bold), loaded once and shared.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider, string::StringId};

use crate::error::DocumentError;

/// Debian's `fonts-noto-cjk` regular serif collection.
pub const SYSTEM_REGULAR: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
/// Debian's `fonts-noto-cjk` bold serif collection.
pub const SYSTEM_BOLD: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc";
/// The face of the collections that holds Simplified Chinese (0 JP, 1 KR, 2 SC, 3 TC, 4 HK).
pub const FACE_INDEX: u32 = 2;
/// The family name the face must carry; face 0 would draw Japanese glyph forms.
pub const FAMILY: &str = "Noto Serif CJK SC";

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Body text.
    Regular,
    /// Titles, headers, labels.
    Bold,
}

/// The fonts every document is printed with. Load once at start-up (reading the two
/// collections takes some tens of milliseconds and ~50 MB of memory) and share: cloning is
/// an `Arc` clone, and the type is `Send + Sync`.
#[derive(Clone)]
pub struct Fonts {
    inner: Arc<Inner>,
}

struct Inner {
    regular: Face,
    bold: Face,
}

/// One loaded face: the file's bytes, the face index, and krilla's handle on it.
pub(crate) struct Face {
    data: Arc<Vec<u8>>,
    pub(crate) pdf: krilla::text::Font,
    /// Font units per em.
    pub(crate) units_per_em: f32,
    path: PathBuf,
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts").field("regular", &self.inner.regular.path).field("bold", &self.inner.bold.path).finish()
    }
}

impl Fonts {
    /// Loads Noto Serif CJK SC from Debian's paths ([`SYSTEM_REGULAR`], [`SYSTEM_BOLD`]).
    ///
    /// # Errors
    /// [`DocumentError::FontFile`] when a file is missing (install `fonts-noto-cjk`, e.g. with
    /// `make browser`), [`DocumentError::FontInvalid`] when it is not the expected face.
    pub fn system() -> Result<Self, DocumentError> {
        Self::load(SYSTEM_REGULAR, SYSTEM_BOLD)
    }

    /// Loads face [`FACE_INDEX`] of the two given collections and checks that both are
    /// [`FAMILY`].
    ///
    /// # Errors
    /// As [`Fonts::system`].
    pub fn load(regular: impl AsRef<Path>, bold: impl AsRef<Path>) -> Result<Self, DocumentError> {
        Ok(Fonts {
            inner: Arc::new(Inner { regular: Face::load(regular.as_ref())?, bold: Face::load(bold.as_ref())? }),
        })
    }

    /// Checks that every character of `text` can be printed (regular and bold alike).
    /// Line breaks and tabs are allowed; every other character needs a glyph.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field` and the first character the font lacks.
    pub fn check_text(&self, field: &str, text: &str) -> Result<(), DocumentError> {
        crate::layout::Shaper::new(self)?.check(field, text)
    }

    pub(crate) fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.inner.regular,
            Weight::Bold => &self.inner.bold,
        }
    }
}

/// Characters the layout handles itself (breaks and blanks) and that need no glyph.
pub(crate) fn is_layout_control(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t')
}

impl Face {
    fn load(path: &Path) -> Result<Self, DocumentError> {
        let data = std::fs::read(path)
            .map_err(|e| DocumentError::FontFile { path: path.to_owned(), reason: e.to_string() })?;
        let invalid = |reason: String| DocumentError::FontInvalid { path: path.to_owned(), reason };
        let (family, units_per_em) = {
            let font = FontRef::from_index(&data, FACE_INDEX)
                .map_err(|e| invalid(format!("无法读取第 {FACE_INDEX} 个字形（{e}）")))?;
            let family = family_name(&font);
            let upem = font.head().map_err(|e| invalid(format!("缺少 head 表（{e}）")))?.units_per_em();
            (family, f32::from(upem))
        };
        if family.as_deref() != Some(FAMILY) {
            return Err(invalid(format!(
                "第 {FACE_INDEX} 个字形的字体族为“{}”，应为“{FAMILY}”",
                family.unwrap_or_default()
            )));
        }
        let data = Arc::new(data);
        let pdf = krilla::text::Font::new(data.clone().into(), FACE_INDEX)
            .ok_or_else(|| invalid("PDF 库无法读取该字体".to_owned()))?;
        Ok(Face { data, pdf, units_per_em, path: path.to_owned() })
    }

    /// The bytes of the whole collection file (the face is [`FACE_INDEX`]).
    pub(crate) fn data(&self) -> &[u8] {
        &self.data
    }

    /// A skrifa view of the face (cheap: parses the collection's table directory).
    pub(crate) fn font_ref(&self) -> Result<FontRef<'_>, DocumentError> {
        FontRef::from_index(&self.data, FACE_INDEX)
            .map_err(|e| DocumentError::FontInvalid { path: self.path.clone(), reason: e.to_string() })
    }
}

/// The typographic family (name ID 16) if present, else the legacy family (name ID 1).
fn family_name(font: &FontRef<'_>) -> Option<String> {
    [StringId::TYPOGRAPHIC_FAMILY_NAME, StringId::FAMILY_NAME]
        .into_iter()
        .find_map(|id| font.localized_strings(id).english_or_first())
        .map(|s| s.chars().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn fonts_are_shareable() {
        assert_send_sync::<Fonts>();
    }
}
