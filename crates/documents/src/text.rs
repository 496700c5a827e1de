//! Text: styles, shaping and line breaking. Every string is shaped through [`Shaper`],
//! which refuses a character the font lacks ([`DocumentError::MissingGlyph`]) instead of
//! drawing an empty box.
//!
//! Shaping is deliberately simple (one glyph per character from the font's character map,
//! advances from `hmtx`, no kerning or ligatures): exact for Chinese, good enough for the Latin
//! digits and codes on our forms, and it avoids a shaping engine (rustybuzz). Lines break by
//! the CJK rules of [`Shaper::wrap`] (between any two CJK characters, ASCII runs kept
//! together, no closing punctuation at a line's start).

use skrifa::MetadataProvider;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::metrics::GlyphMetrics;

use crate::error::DocumentError;
use crate::fonts::{FaceKey, Fonts, Weight, is_layout_control};

/// Default line height as a multiple of the font size.
const LINE_SPACING: f32 = 1.4;
/// Noto CJK's ideographic em box spans 0.88 em above the baseline and 0.12 em below.
const EM_ASCENT: f32 = 0.88;

/// Size and weight of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Font size in points.
    pub size: f32,
    /// Regular or bold.
    pub weight: Weight,
    /// Distance between baselines as a multiple of `size` (1.4 unless set).
    pub line_spacing: f32,
}

impl TextStyle {
    /// Regular text of `size` points.
    pub const fn regular(size: f32) -> Self {
        TextStyle { size, weight: Weight::Regular, line_spacing: LINE_SPACING }
    }

    /// Bold text of `size` points.
    pub const fn bold(size: f32) -> Self {
        TextStyle { size, weight: Weight::Bold, line_spacing: LINE_SPACING }
    }

    /// The same style with another line spacing (a multiple of the size).
    #[must_use]
    pub const fn with_line_spacing(mut self, line_spacing: f32) -> Self {
        self.line_spacing = line_spacing;
        self
    }

    /// The distance between two baselines.
    pub fn line_height(&self) -> f32 {
        self.size * self.line_spacing
    }

    /// Offset from the top of a line box to the baseline (the em box centred in the line):
    /// text flowed at cursor `y` has its baseline at `y + baseline_offset()`.
    pub fn baseline_offset(&self) -> f32 {
        (self.line_height() - self.size) / 2.0 + EM_ASCENT * self.size
    }
}

/// One line of text resolved to glyphs, ready to draw. Its glyphs come from the faces of the
/// chain: the style's weight's own face, and fallbacks for the characters it lacks.
#[derive(Debug, Clone)]
pub struct ShapedLine {
    text: String,
    glyphs: Vec<Glyph>,
    /// The face of each glyph.
    faces: Vec<FaceKey>,
    /// Advance width in em.
    width_em: f32,
    style: TextStyle,
}

impl ShapedLine {
    /// The text of the line.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The width of the line in points.
    pub fn width(&self) -> f32 {
        self.width_em * self.style.size
    }

    /// The style the line was shaped with.
    pub fn style(&self) -> TextStyle {
        self.style
    }

    /// Each glyph of the line: its face, its glyph id in the face and the text it stands for.
    pub(crate) fn glyphs(&self) -> impl Iterator<Item = (FaceKey, u32, &str)> + '_ {
        self.glyphs.iter().zip(&self.faces).map(|(g, face)| (*face, g.id, self.text.get(g.text.clone()).unwrap_or("")))
    }
}

/// One glyph of a shaped line: its id in its face and the bytes of the line's text it stands
/// for (its advance is the face's: the back end writes the same widths).
#[derive(Debug, Clone)]
struct Glyph {
    id: u32,
    text: std::ops::Range<usize>,
}

/// One character resolved to a glyph.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    byte: usize,
    ch: char,
    face: FaceKey,
    glyph: u32,
    /// Advance in em.
    advance: f32,
}

struct FaceShaper<'f> {
    charmap: Charmap<'f>,
    metrics: GlyphMetrics<'f>,
    units_per_em: f32,
    space: Option<skrifa::GlyphId>,
}

impl Fonts {
    /// Checks that every character of `text` can be printed (regular and bold alike) by some
    /// face of the chain. Line breaks and tabs are allowed; every other character needs a
    /// glyph. (Here, beside the shaper it asks, so that `fonts` needs nothing of `layout`.)
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field` and the first character no face has.
    pub fn check_text(&self, field: &str, text: &str) -> Result<(), DocumentError> {
        Shaper::new(self)?.check(field, text)
    }
}

/// Resolves text to glyphs and breaks it into lines; borrows the [`Fonts`].
pub struct Shaper<'f> {
    fonts: &'f Fonts,
    regular: FaceShaper<'f>,
    bold: FaceShaper<'f>,
    fallbacks: Vec<FaceShaper<'f>>,
}

impl<'f> Shaper<'f> {
    /// Prepares the character maps and metrics of both weights and of the fallbacks.
    ///
    /// # Errors
    /// [`DocumentError::FontInvalid`] if a face cannot be read (checked at load already).
    pub fn new(fonts: &'f Fonts) -> Result<Self, DocumentError> {
        let shaper = |face: &'f crate::fonts::Face| -> Result<FaceShaper<'f>, DocumentError> {
            let font = face.font_ref()?;
            let charmap = font.charmap();
            let space = charmap.map(' ');
            Ok(FaceShaper {
                charmap,
                metrics: font.glyph_metrics(FontSize::unscaled(), LocationRef::default()),
                units_per_em: face.units_per_em,
                space,
            })
        };
        Ok(Shaper {
            fonts,
            regular: shaper(fonts.face(Weight::Regular))?,
            bold: shaper(fonts.face(Weight::Bold))?,
            fallbacks: fonts.fallback_faces().iter().map(shaper).collect::<Result<_, _>>()?,
        })
    }

    fn face(&self, weight: Weight) -> &FaceShaper<'f> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The first face of `weight`'s chain that has `ch`, with the glyph.
    fn find(&self, weight: Weight, ch: char) -> Option<(FaceKey, &FaceShaper<'f>, skrifa::GlyphId)> {
        let own = self.face(weight);
        if let Some(g) = own.charmap.map(ch) {
            return Some((FaceKey::Primary(weight), own, g));
        }
        self.fallbacks
            .iter()
            .enumerate()
            .find_map(|(n, face)| face.charmap.map(ch).map(|g| (FaceKey::Fallback(n), face, g)))
    }

    /// Every character of `text` with its glyph; layout controls (line breaks, tabs) get the
    /// space glyph.
    fn resolve(&self, field: &str, text: &str, weight: Weight) -> Result<Vec<Resolved>, DocumentError> {
        let own = self.face(weight);
        text.char_indices()
            .map(|(byte, ch)| {
                let (key, face, glyph) = match self.find(weight, ch) {
                    Some(found) => found,
                    None if is_layout_control(ch) => (
                        FaceKey::Primary(weight),
                        own,
                        own.space
                            .ok_or_else(|| DocumentError::MissingGlyph { field: field.to_owned(), character: ' ' })?,
                    ),
                    None => return Err(DocumentError::MissingGlyph { field: field.to_owned(), character: ch }),
                };
                let advance = face.metrics.advance_width(glyph).unwrap_or(0.0) / face.units_per_em;
                Ok(Resolved { byte, ch, face: key, glyph: glyph.to_u32(), advance })
            })
            .collect()
    }

    fn line_from(text: &str, chars: &[Resolved], style: TextStyle) -> ShapedLine {
        let (Some(first), Some(last)) = (chars.first(), chars.last()) else {
            return ShapedLine { text: String::new(), glyphs: Vec::new(), faces: Vec::new(), width_em: 0.0, style };
        };
        let start = first.byte;
        let end = last.byte + last.ch.len_utf8();
        let glyphs = chars
            .iter()
            .map(|c| {
                let from = c.byte - start;
                Glyph { id: c.glyph, text: from..from + c.ch.len_utf8() }
            })
            .collect();
        ShapedLine {
            text: text[start..end].to_owned(),
            glyphs,
            faces: chars.iter().map(|c| c.face).collect(),
            width_em: chars.iter().map(|c| c.advance).sum(),
            style,
        }
    }

    /// Checks that every character of `text` can be printed, in both weights, by some face
    /// of the chain (line breaks and tabs need no glyph).
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field` and the first character no face has.
    pub fn check(&self, field: &str, text: &str) -> Result<(), DocumentError> {
        match self.unprintable(text) {
            Some(character) => Err(DocumentError::MissingGlyph { field: field.to_owned(), character }),
            None => Ok(()),
        }
    }

    /// The first character of `text` that no face of the chain has, in either weight (line
    /// breaks and tabs need no glyph).
    pub fn unprintable(&self, text: &str) -> Option<char> {
        text.chars().find(|&c| {
            !is_layout_control(c) && [Weight::Regular, Weight::Bold].into_iter().any(|w| self.find(w, c).is_none())
        })
    }

    /// Shapes `text` as one line (line breaks print as blanks).
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field`.
    pub fn shape(&self, field: &str, text: &str, style: TextStyle) -> Result<ShapedLine, DocumentError> {
        let chars = self.resolve(field, text, style.weight)?;
        Ok(Self::line_from(text, &chars, style))
    }

    /// Breaks `text` into lines no wider than `max_width` points: a break is allowed between
    /// any two CJK characters and at blanks; runs of Latin letters and digits stay together
    /// unless longer than a line; closing punctuation (，。、）》」…) never starts a line and
    /// opening punctuation never ends one; `\n` forces a break. Returns at least one line.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field`.
    pub fn wrap(
        &self,
        field: &str,
        text: &str,
        style: TextStyle,
        max_width: f32,
    ) -> Result<Vec<ShapedLine>, DocumentError> {
        let chars = self.resolve(field, text, style.weight)?;
        let max_em = max_width / style.size;
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        let mut width = 0.0;
        let mut last_break: Option<usize> = None;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i].ch;
            if c == '\n' {
                ranges.push((start, i));
                start = i + 1;
                width = 0.0;
                last_break = None;
                i += 1;
                continue;
            }
            if i > start && break_allowed(chars[i - 1].ch, c) {
                last_break = Some(i);
            }
            let advance = chars[i].advance;
            while i > start && !c.is_whitespace() && width + advance > max_em {
                match last_break.take() {
                    Some(b) if b > start => {
                        ranges.push((start, b));
                        start = b;
                        while start < i && chars[start].ch.is_whitespace() {
                            start += 1;
                        }
                        width = chars[start..i].iter().map(|c| c.advance).sum();
                    }
                    // Nowhere to break: a closing mark hangs past the margin…
                    _ if is_closing(c) => break,
                    // …anything else is cut where it overflows.
                    _ => {
                        ranges.push((start, i));
                        start = i;
                        width = 0.0;
                    }
                }
            }
            width += advance;
            i += 1;
        }
        if start < chars.len() || ranges.is_empty() {
            ranges.push((start, chars.len()));
        }
        Ok(ranges
            .into_iter()
            .map(|(s, mut e)| {
                while e > s && chars[e - 1].ch.is_whitespace() {
                    e -= 1;
                }
                Self::line_from(text, &chars[s..e], style)
            })
            .collect())
    }

    /// The fonts this shaper reads.
    pub fn fonts(&self) -> &'f Fonts {
        self.fonts
    }
}

/// CJK ideographs, kana, CJK symbols and punctuation, full-width forms: a line may break
/// before or after any of them.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x11FF          // Hangul Jamo
        | 0x2010..=0x2027        // dashes, quotes, ellipsis
        | 0x2E80..=0x2FFF        // radicals, ideographic description
        | 0x3000..=0x303F        // CJK symbols and punctuation
        | 0x3040..=0x31FF        // kana, bopomofo, strokes
        | 0x3200..=0x4DBF        // enclosed, compatibility, extension A
        | 0x4E00..=0x9FFF        // unified ideographs
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF        // Hangul syllables
        | 0xF900..=0xFAFF        // compatibility ideographs
        | 0xFE10..=0xFE1F        // vertical forms
        | 0xFE30..=0xFE6F        // compatibility forms, small forms
        | 0xFF00..=0xFFEF        // full-width forms
        | 0x1F200..=0x1F2FF      // enclosed ideographic supplement
        | 0x20000..=0x3FFFF      // extensions B–I
    )
}

/// Marks that must not start a line.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '〗'
            | '〙'
            | '］'
            | '｝'
            | '．'
            | '｡'
            | '”'
            | '’'
            | '…'
            | '‥'
            | '·'
            | '・'
            | '％'
            | ','
            | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// Marks that must not end a line.
fn is_opening(c: char) -> bool {
    matches!(
        c,
        '（' | '《' | '「' | '『' | '【' | '〔' | '〈' | '〖' | '〘' | '［' | '｛' | '“' | '‘' | '(' | '[' | '{'
    )
}

/// May a line break between `a` and `b`?
fn break_allowed(a: char, b: char) -> bool {
    if is_closing(b) || is_opening(a) || b.is_whitespace() {
        return false;
    }
    a.is_whitespace() || is_cjk(a) || is_cjk(b) || (matches!(a, '-' | '/' | '_') && b.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn break_rules() {
        assert!(break_allowed('中', '文'));
        assert!(break_allowed('中', 'A'));
        assert!(break_allowed('A', '中'));
        assert!(!break_allowed('A', 'B'));
        assert!(break_allowed('-', 'B'));
        assert!(!break_allowed('-', ' '));
        assert!(!break_allowed('1', '.'));
        assert!(!break_allowed('中', '，'));
        assert!(!break_allowed('中', '。'));
        assert!(!break_allowed('中', '）'));
        assert!(!break_allowed('中', '》'));
        assert!(!break_allowed('中', '」'));
        assert!(!break_allowed('（', '中'));
        assert!(!break_allowed('《', '中'));
        assert!(break_allowed(' ', 'A'));
        assert!(!break_allowed('A', ' '));
        assert!(break_allowed('，', '中'));
    }
}
