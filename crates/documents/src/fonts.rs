//! The document fonts: Noto Serif CJK SC (regular and bold), and after it a chain of fallback
//! faces for the characters it lacks (HanaMin A and B: CJK Extensions B–F, compatibility
//! ideographs), loaded once and shared. A character prints from the first face of the chain
//! that has it: the weight's own Noto face, then each fallback in order.

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
/// Debian's `fonts-hanazono` faces, the fallback chain after Noto, with the family each must
/// carry: HanaMinA (the BMP, Extension A, compatibility ideographs and their supplement) and
/// HanaMinB (Extensions B–F). Noto Serif CJK SC has 2,303 characters of plane 2 (rare name
/// characters such as 𫖯); HanaMinB adds the other 58,069 (such as 𪛖). They have no bold: a
/// bold line prints such a character stroked ([`SYNTHETIC_BOLD_STROKE`]).
pub const SYSTEM_FALLBACKS: [(&str, &str); 2] = [
    ("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", "HanaMinA"),
    ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", "HanaMinB"),
];
/// The Debian packages that provide the files [`Fonts::system`] loads: whatever runs the
/// server (the Dockerfile's final stage, `make run`) installs them.
pub const FONT_PACKAGES: [&str; 2] = ["fonts-noto-cjk", "fonts-hanazono"];

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Body text.
    Regular,
    /// Titles, headers, labels.
    Bold,
}

/// The fonts every document is printed with. Load once at start-up and share: cloning is an
/// `Arc` clone, and the type is `Send + Sync`. Loading reads the files whole: measured, the
/// process grows by 51 MiB for the two Noto collections and by 102 MiB with the two HanaMin
/// files (53 MB on disk), in 85 ms and 136 ms (debug build, warm page cache).
#[derive(Clone)]
pub struct Fonts {
    inner: Arc<Inner>,
}

struct Inner {
    regular: Face,
    bold: Face,
    /// Tried in order, for both weights, when the weight's own face lacks a character.
    fallbacks: Vec<Face>,
}

/// A face of the chain: the weight's own (Noto) face or fallback `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FaceKey {
    Primary(Weight),
    Fallback(usize),
}

/// One loaded face: the file's bytes and the face index.
pub(crate) struct Face {
    data: Arc<Vec<u8>>,
    /// The face's index in its file (a collection) or 0.
    pub(crate) index: u32,
    /// Font units per em.
    pub(crate) units_per_em: f32,
    path: PathBuf,
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("regular", &self.inner.regular.path)
            .field("bold", &self.inner.bold.path)
            .field("fallbacks", &self.inner.fallbacks.iter().map(|f| &f.path).collect::<Vec<_>>())
            .finish()
    }
}

impl Fonts {
    /// Loads Noto Serif CJK SC from Debian's paths ([`SYSTEM_REGULAR`], [`SYSTEM_BOLD`]) and
    /// the fallback chain [`SYSTEM_FALLBACKS`]. The fallbacks are required, not optional: the
    /// names a server accepts are the names it can print, so they must not depend on what a
    /// machine happens to have installed.
    ///
    /// # Errors
    /// [`DocumentError::FontFile`] when a file is missing (install [`FONT_PACKAGES`], e.g.
    /// with `make run`), [`DocumentError::FontInvalid`] when it is not the expected face.
    pub fn system() -> Result<Self, DocumentError> {
        let mut fonts = Inner {
            regular: Face::load(Path::new(SYSTEM_REGULAR), FACE_INDEX, FAMILY)?,
            bold: Face::load(Path::new(SYSTEM_BOLD), FACE_INDEX, FAMILY)?,
            fallbacks: Vec::new(),
        };
        for (path, family) in SYSTEM_FALLBACKS {
            fonts.fallbacks.push(Face::load(Path::new(path), 0, family)?);
        }
        Ok(Fonts { inner: Arc::new(fonts) })
    }

    /// Loads face [`FACE_INDEX`] of the two given collections and checks that both are
    /// [`FAMILY`].
    ///
    /// # Errors
    /// As [`Fonts::system`].
    pub fn load(regular: impl AsRef<Path>, bold: impl AsRef<Path>) -> Result<Self, DocumentError> {
        Ok(Fonts {
            inner: Arc::new(Inner {
                regular: Face::load(regular.as_ref(), FACE_INDEX, FAMILY)?,
                bold: Face::load(bold.as_ref(), FACE_INDEX, FAMILY)?,
                fallbacks: Vec::new(),
            }),
        })
    }

    /// The fallback faces' files, in the order they are tried.
    pub fn fallbacks(&self) -> impl Iterator<Item = &Path> {
        self.inner.fallbacks.iter().map(|f| f.path.as_path())
    }

    pub(crate) fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.inner.regular,
            Weight::Bold => &self.inner.bold,
        }
    }

    /// A face of the chain (a fallback index past the end gives the regular face; keys come
    /// from this chain, so it does not happen).
    pub(crate) fn face_by_key(&self, key: FaceKey) -> &Face {
        match key {
            FaceKey::Primary(weight) => self.face(weight),
            FaceKey::Fallback(n) => self.inner.fallbacks.get(n).unwrap_or(&self.inner.regular),
        }
    }

    /// The fallback faces, in order.
    pub(crate) fn fallback_faces(&self) -> &[Face] {
        &self.inner.fallbacks
    }
}

/// The fallback faces have no bold: in a bold line their glyphs are also stroked, this wide
/// (in em), in the text's colour, so that they do not look lighter than their neighbours.
pub(crate) const SYNTHETIC_BOLD_STROKE: f32 = 0.03;

impl FaceKey {
    /// Whether glyphs of this face in `weight` are emboldened by a stroke.
    pub(crate) fn synthetic_bold(self, weight: Weight) -> bool {
        matches!(self, FaceKey::Fallback(_)) && weight == Weight::Bold
    }
}

/// Characters the layout handles itself (breaks and blanks) and that need no glyph.
pub(crate) fn is_layout_control(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t')
}

impl Face {
    /// Loads face `index` of the file at `path` and checks that its family is `expected`.
    fn load(path: &Path, index: u32, expected: &str) -> Result<Self, DocumentError> {
        let data = std::fs::read(path)
            .map_err(|e| DocumentError::FontFile { path: path.to_owned(), reason: e.to_string() })?;
        let invalid = |reason: String| DocumentError::FontInvalid { path: path.to_owned(), reason };
        let (family, units_per_em) = {
            let font =
                FontRef::from_index(&data, index).map_err(|e| invalid(format!("无法读取第 {index} 个字形（{e}）")))?;
            let family = family_name(&font);
            let upem = font.head().map_err(|e| invalid(format!("缺少 head 表（{e}）")))?.units_per_em();
            (family, f32::from(upem))
        };
        if family.as_deref() != Some(expected) {
            return Err(invalid(format!(
                "第 {index} 个字形的字体族为“{}”，应为“{expected}”",
                family.unwrap_or_default()
            )));
        }
        let data = Arc::new(data);
        Ok(Face { data, index, units_per_em, path: path.to_owned() })
    }

    /// The bytes of the whole file (the face is [`Face::index`]).
    pub(crate) fn data(&self) -> &[u8] {
        &self.data
    }

    /// A skrifa view of the face (cheap: parses the collection's table directory).
    pub(crate) fn font_ref(&self) -> Result<FontRef<'_>, DocumentError> {
        FontRef::from_index(&self.data, self.index)
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
