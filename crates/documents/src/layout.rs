//! A small page-layout toolkit: A4 pages, text at fixed positions, a CJK line wrapper,
//! bordered tables that flow onto further pages with their header repeated, page numbers
//! "第 n 页 / 共 m 页" and vector QR codes. It writes through the one PDF back end,
//! [`crate::pdf`] (the streaming writer the certificates use).
//!
//! Coordinates are PDF points (1/72 inch) from the top-left corner of the page, y downwards;
//! a text position is its baseline. Every string is shaped through [`Shaper`], which refuses a
//! character the font lacks ([`DocumentError::MissingGlyph`]) instead of drawing an empty box.
//!
//! Shaping is deliberately simple (one glyph per character from the font's character map,
//! advances from `hmtx`, no kerning or ligatures): exact for Chinese, good enough for the Latin
//! digits and codes on our forms, and it avoids a shaping engine (rustybuzz).
//!
//! A [`Composer`] keeps a display list per page (the back end's [`Op`]s) and writes the PDF in
//! [`Composer::finish`], when the page count is known.

use skrifa::MetadataProvider;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::metrics::GlyphMetrics;

use crate::error::DocumentError;
use crate::fonts::{FaceKey, Fonts, Weight, is_layout_control};
use crate::pdf::{Colour, Op, PdfStream, Seg, rect_path};

/// Width of an A4 page (210 mm) in points.
pub const A4_WIDTH: f32 = 595.2756;
/// Height of an A4 page (297 mm) in points.
pub const A4_HEIGHT: f32 = 841.8898;

/// Millimetres to points.
pub fn mm(millimetres: f32) -> f32 {
    millimetres * 72.0 / 25.4
}

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

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left.
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
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

/// Page margins in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Top margin.
    pub top: f32,
    /// Right margin.
    pub right: f32,
    /// Bottom margin (the page number sits in it).
    pub bottom: f32,
    /// Left margin.
    pub left: f32,
}

/// A table column: its header text, width in points and alignment.
#[derive(Debug, Clone)]
pub struct Column<'a> {
    /// Header text (printed when the table has a header).
    pub title: &'a str,
    /// Width in points, borders included.
    pub width: f32,
    /// Alignment of the cells of this column.
    pub align: Align,
}

impl<'a> Column<'a> {
    /// A left-aligned column.
    pub fn new(title: &'a str, width: f32) -> Self {
        Column { title, width, align: Align::Left }
    }

    /// Sets the alignment.
    #[must_use]
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
}

/// A table cell: its text, the input field it comes from (named in errors), and overrides.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    field: String,
    text: &'a str,
    style: Option<TextStyle>,
    align: Option<Align>,
    shaded: bool,
}

impl<'a> Cell<'a> {
    /// A cell printing `text`, which comes from input `field`.
    pub fn new(field: impl Into<String>, text: &'a str) -> Self {
        Cell { field: field.into(), text, style: None, align: None, shaded: false }
    }

    /// Prints this cell in `style` instead of the table's body style.
    #[must_use]
    pub fn style(mut self, style: TextStyle) -> Self {
        self.style = Some(style);
        self
    }

    /// Aligns this cell unlike its column.
    #[must_use]
    pub fn align(mut self, align: Align) -> Self {
        self.align = Some(align);
        self
    }

    /// Shades the cell's background (labels).
    #[must_use]
    pub fn shaded(mut self) -> Self {
        self.shaded = true;
        self
    }
}

/// A bordered table laid out at the left margin by [`Composer::table`]. Cells wrap within
/// their column; rows flow onto further pages, with the header row repeated on each page.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    /// The columns; their widths should add up to at most the content width.
    pub columns: Vec<Column<'a>>,
    /// Print the column titles as a header row (repeated on every page the table spans).
    pub header: bool,
    /// Style of the header row.
    pub header_style: TextStyle,
    /// Style of the body cells.
    pub body_style: TextStyle,
    /// Inner padding of every cell, in points.
    pub padding: f32,
    /// The body rows; each should have one cell per column (missing cells print empty).
    pub rows: Vec<Vec<Cell<'a>>>,
}

/// Light grey of shaded cells.
const SHADE: u8 = 232;
/// Grey of the running header.
const HEADER_GRAY: u8 = 90;
/// Width of table rules in points.
const RULE: f32 = 0.6;

/// Lays out pages and writes the PDF. See the module documentation.
pub struct Composer<'f> {
    shaper: Shaper<'f>,
    width: f32,
    height: f32,
    margins: Margins,
    pages: Vec<Vec<Op>>,
    y: f32,
    running_header: Option<ShapedLine>,
    page_numbers: Option<TextStyle>,
    title: Option<String>,
}

impl<'f> Composer<'f> {
    /// A document of `width` × `height` points with one empty page; page numbers on.
    ///
    /// # Errors
    /// [`DocumentError::FontInvalid`] if a face cannot be read.
    pub fn new(fonts: &'f Fonts, width: f32, height: f32, margins: Margins) -> Result<Self, DocumentError> {
        Ok(Composer {
            shaper: Shaper::new(fonts)?,
            width,
            height,
            margins,
            pages: vec![Vec::new()],
            y: margins.top,
            running_header: None,
            page_numbers: Some(TextStyle::regular(9.0)),
            title: None,
        })
    }

    /// An A4 portrait document with 20 mm margins at top and bottom, 15 mm at the sides.
    ///
    /// # Errors
    /// As [`Composer::new`].
    pub fn a4_portrait(fonts: &'f Fonts) -> Result<Self, DocumentError> {
        Self::new(
            fonts,
            A4_WIDTH,
            A4_HEIGHT,
            Margins { top: mm(18.0), right: mm(15.0), bottom: mm(18.0), left: mm(15.0) },
        )
    }

    /// The shaper, to measure or wrap text before placing it.
    pub fn shaper(&self) -> &Shaper<'f> {
        &self.shaper
    }

    /// Page width in points.
    pub fn page_width(&self) -> f32 {
        self.width
    }

    /// Page height in points.
    pub fn page_height(&self) -> f32 {
        self.height
    }

    /// The x of the left margin.
    pub fn left(&self) -> f32 {
        self.margins.left
    }

    /// The x of the right margin.
    pub fn right(&self) -> f32 {
        self.width - self.margins.right
    }

    /// The width between the margins.
    pub fn content_width(&self) -> f32 {
        self.right() - self.left()
    }

    /// The y below which flowing content does not go.
    pub fn bottom(&self) -> f32 {
        self.height - self.margins.bottom
    }

    /// The flow cursor: the y where the next flowing content starts.
    pub fn cursor(&self) -> f32 {
        self.y
    }

    /// Moves the flow cursor (e.g. after drawing at fixed positions).
    pub fn set_cursor(&mut self, y: f32) {
        self.y = y;
    }

    /// Advances the flow cursor by `height` points (no page break).
    pub fn space(&mut self, height: f32) {
        self.y += height;
    }

    /// The space left on the current page below the cursor.
    pub fn remaining(&self) -> f32 {
        self.bottom() - self.y
    }

    /// Pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Sets the PDF's title (document metadata).
    pub fn set_title(&mut self, title: impl Into<String>) {
        self.title = Some(title.into());
    }

    /// Prints "第 n 页 / 共 m 页" centred in the bottom margin of every page in `style`, or
    /// no page numbers with `None` (certificates).
    pub fn set_page_numbers(&mut self, style: Option<TextStyle>) {
        self.page_numbers = style;
    }

    /// A small grey line printed at the top of every page started after this call, above a
    /// thin rule (e.g. the form's title and the person's name on continuation pages).
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field`.
    pub fn set_running_header(&mut self, field: &str, text: &str, style: TextStyle) -> Result<(), DocumentError> {
        self.running_header = Some(self.shaper.shape(field, text, style)?);
        Ok(())
    }

    /// The height the running header takes at the top of a page.
    fn running_header_height(&self) -> f32 {
        self.running_header.as_ref().map_or(0.0, |h| h.style.line_height() + 8.0)
    }

    fn items(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page (with the running header, if any) and puts the cursor at its top.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.margins.top;
        if let Some(header) = self.running_header.clone() {
            let style = header.style;
            let baseline = self.y + style.baseline_offset();
            let (left, right) = (self.left(), self.right());
            self.items().push(Op::Text { line: header, x: left, baseline, colour: gray(HEADER_GRAY) });
            let rule_y = self.y + style.line_height() + 1.0;
            self.line(left, rule_y, right, rule_y, 0.4);
            self.y += self.running_header_height();
        }
    }

    /// Starts a new page unless `height` points are left below the cursor.
    pub fn ensure_space(&mut self, height: f32) {
        if self.remaining() < height {
            self.new_page();
        }
    }

    /// Draws a shaped line with its baseline at (`x`, `baseline`), aligned at `x`.
    pub fn draw_line_at(&mut self, line: ShapedLine, x: f32, baseline: f32, align: Align) {
        let x = match align {
            Align::Left => x,
            Align::Center => x - line.width() / 2.0,
            Align::Right => x - line.width(),
        };
        self.items().push(Op::Text { line, x, baseline, colour: Colour::BLACK });
    }

    /// Prints `text` on one line with its baseline at (`x`, `baseline`) of the current page,
    /// aligned at `x` (left edge, centre or right edge). Returns the width drawn.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field`.
    pub fn text_at(
        &mut self,
        field: &str,
        text: &str,
        style: TextStyle,
        x: f32,
        baseline: f32,
        align: Align,
    ) -> Result<f32, DocumentError> {
        let line = self.shaper.shape(field, text, style)?;
        let width = line.width();
        self.draw_line_at(line, x, baseline, align);
        Ok(width)
    }

    /// Prints `text` wrapped between the margins (less `indent` on the left) at the cursor,
    /// flowing onto new pages, and moves the cursor below it.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming `field`.
    pub fn paragraph(
        &mut self,
        field: &str,
        text: &str,
        style: TextStyle,
        indent: f32,
        align: Align,
    ) -> Result<(), DocumentError> {
        let left = self.left() + indent;
        let width = self.right() - left;
        let lines = self.shaper.wrap(field, text, style, width)?;
        for line in lines {
            self.ensure_space(style.line_height());
            let baseline = self.y + style.baseline_offset();
            let x = match align {
                Align::Left => left,
                Align::Center => left + width / 2.0,
                Align::Right => left + width,
            };
            self.draw_line_at(line, x, baseline, align);
            self.y += style.line_height();
        }
        Ok(())
    }

    /// A straight rule from (`x1`, `y1`) to (`x2`, `y2`), `width` points thick.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let path = vec![Seg::Move(x1, y1), Seg::Line(x2, y2)];
        self.items().push(Op::Stroke { path, width, colour: Colour::BLACK, dash: None });
    }

    /// The outline of a rectangle.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.items().push(Op::Stroke { path: rect_path(x, y, w, h), width, colour: Colour::BLACK, dash: None });
    }

    /// A filled rectangle, `gray` from 0 (black) to 255 (white).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, shade: u8) {
        self.items().push(Op::Rects { rects: vec![(x, y, w, h)], colour: gray(shade) });
    }

    /// Draws a QR code of `data` (error correction level M) as vector rectangles, with its
    /// quiet zone of 4 modules, filling the square at (`x`, `y`) of side `side` points.
    ///
    /// # Errors
    /// [`DocumentError::InvalidInput`] naming `field` if `data` does not fit a QR code.
    pub fn qr_code(&mut self, field: &str, data: &str, x: f32, y: f32, side: f32) -> Result<(), DocumentError> {
        let rects = crate::qr::modules(field, data, x, y, side)?;
        self.items().push(Op::Rects { rects, colour: Colour::BLACK });
        Ok(())
    }

    /// Lays out `table` at the cursor (left margin), flowing over pages; moves the cursor
    /// below it.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming the field of the offending cell, or
    /// [`DocumentError::InvalidInput`] if the page cannot hold a single line of a row.
    pub fn table(&mut self, table: &Table<'_>) -> Result<(), DocumentError> {
        let pad = table.padding;
        let header = if table.header {
            let cells: Vec<Cell<'_>> = table
                .columns
                .iter()
                .map(|c| Cell::new("table.header", c.title).style(table.header_style).align(Align::Center).shaded())
                .collect();
            Some(self.wrap_row(table, &cells)?)
        } else {
            None
        };
        let header_height = header.as_ref().map_or(0.0, |h| row_height(h, pad));
        // What a fresh continuation page holds below its running header and table header.
        let page_capacity = self.bottom() - self.margins.top - self.running_header_height() - header_height;

        let mut header_drawn_on_page = false;
        for (index, row) in table.rows.iter().enumerate() {
            let wrapped = self.wrap_row(table, row)?;
            let mut from = vec![0usize; wrapped.len()];
            loop {
                if let Some(h) = &header
                    && !header_drawn_on_page
                {
                    // Keep the header with at least the first line of a row.
                    let first_line = wrapped.iter().map(|c| c.style.line_height()).fold(0.0, f32::max) + 2.0 * pad;
                    self.ensure_space(header_height + first_line);
                    self.draw_row(table, h, &vec![0; h.len()], None);
                    header_drawn_on_page = true;
                }
                let rest = rest_height(&wrapped, &from, pad);
                if rest <= self.remaining() + 0.01 {
                    self.draw_row(table, &wrapped, &from, None);
                    break;
                }
                if rest <= page_capacity {
                    self.new_page();
                    header_drawn_on_page = false;
                    continue;
                }
                // Taller than a page: print the lines that fit here, continue on the next page.
                let avail = self.remaining() - 2.0 * pad;
                let take: Vec<usize> = wrapped
                    .iter()
                    .zip(&from)
                    .map(|(c, &f)| ((avail / c.style.line_height()).floor().max(0.0) as usize).min(c.lines.len() - f))
                    .collect();
                if take.iter().all(|&t| t == 0) {
                    if self.remaining() + 0.01 >= page_capacity {
                        return Err(DocumentError::InvalidInput {
                            field: format!("table.rows[{index}]"),
                            reason: "页面放不下表格的一行".to_owned(),
                        });
                    }
                } else {
                    self.draw_row(table, &wrapped, &from, Some(&take));
                    for (f, t) in from.iter_mut().zip(&take) {
                        *f += t;
                    }
                }
                self.new_page();
                header_drawn_on_page = false;
            }
        }
        Ok(())
    }

    fn wrap_row(&self, table: &Table<'_>, row: &[Cell<'_>]) -> Result<Vec<WrappedCell>, DocumentError> {
        table
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let empty = Cell::new("", "");
                let cell = row.get(i).unwrap_or(&empty);
                let style = cell.style.unwrap_or(table.body_style);
                let inner = (column.width - 2.0 * table.padding).max(style.size);
                Ok(WrappedCell {
                    lines: self.shaper.wrap(&cell.field, cell.text, style, inner)?,
                    style,
                    align: cell.align.unwrap_or(column.align),
                    shaded: cell.shaded,
                })
            })
            .collect()
    }

    /// Draws lines `from[i]..from[i] + take[i]` of every cell (all remaining lines without
    /// `take`) as one row at the cursor, and moves the cursor below it.
    fn draw_row(&mut self, table: &Table<'_>, cells: &[WrappedCell], from: &[usize], take: Option<&[usize]>) {
        let pad = table.padding;
        let count = |i: usize| take.map_or(cells[i].lines.len() - from[i], |t| t[i]);
        let height =
            (0..cells.len()).map(|i| count(i) as f32 * cells[i].style.line_height()).fold(0.0, f32::max) + 2.0 * pad;
        let top = self.y;
        let mut x = self.left();
        let mut borders = Vec::with_capacity(cells.len());
        for (i, (cell, column)) in cells.iter().zip(&table.columns).enumerate() {
            if cell.shaded {
                self.fill_rect(x, top, column.width, height, SHADE);
            }
            let n = count(i);
            let lh = cell.style.line_height();
            let offset = (height - 2.0 * pad - n as f32 * lh) / 2.0;
            for (k, line) in cell.lines[from[i]..from[i] + n].iter().enumerate() {
                let baseline = top + pad + offset + k as f32 * lh + cell.style.baseline_offset();
                let anchor = match cell.align {
                    Align::Left => x + pad,
                    Align::Center => x + column.width / 2.0,
                    Align::Right => x + column.width - pad,
                };
                self.draw_line_at(line.clone(), anchor, baseline, cell.align);
            }
            borders.push((x, top, column.width, height));
            x += column.width;
        }
        let path = borders.iter().flat_map(|&(x, y, w, h)| rect_path(x, y, w, h)).collect();
        self.items().push(Op::Stroke { path, width: RULE, colour: Colour::BLACK, dash: None });
        self.y += height;
    }

    /// Writes the PDF: adds the page numbers and serialises every page through the back end
    /// (fonts subset).
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] if the page-number text cannot be printed (it can),
    /// [`DocumentError::Pdf`] if the back end fails.
    pub fn finish(mut self) -> Result<Vec<u8>, DocumentError> {
        let total = self.pages.len();
        if let Some(style) = self.page_numbers {
            let baseline = self.height - self.margins.bottom / 2.0 + style.size / 2.0;
            for (i, page) in self.pages.iter_mut().enumerate() {
                let line = self.shaper.shape("page_number", &format!("第 {} 页 / 共 {total} 页", i + 1), style)?;
                let x = self.width / 2.0 - line.width() / 2.0;
                page.push(Op::Text { line, x, baseline, colour: Colour::BLACK });
            }
        }
        let title = self.title.take().unwrap_or_default();
        let mut pdf = PdfStream::new(self.shaper.fonts(), Vec::new(), self.width, self.height, &title)?;
        for page in &self.pages {
            pdf.page(page)?;
        }
        pdf.finish()
    }
}

/// A cell broken into lines.
struct WrappedCell {
    lines: Vec<ShapedLine>,
    style: TextStyle,
    align: Align,
    shaded: bool,
}

fn row_height(cells: &[WrappedCell], pad: f32) -> f32 {
    rest_height(cells, &vec![0; cells.len()], pad)
}

fn rest_height(cells: &[WrappedCell], from: &[usize], pad: f32) -> f32 {
    cells.iter().zip(from).map(|(c, &f)| (c.lines.len() - f) as f32 * c.style.line_height()).fold(0.0, f32::max)
        + 2.0 * pad
}

/// A grey from 0 (black) to 255 (white).
fn gray(level: u8) -> Colour {
    Colour::Gray(f32::from(level) / 255.0)
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
