//! A small page-layout toolkit: A4 pages, text at fixed positions, a CJK line wrapper,
//! bordered tables that flow onto further pages with their header repeated, page numbers
//! "第 n 页 / 共 m 页" and vector QR codes. It writes through the one PDF back end,
//! [`crate::pdf`] (the streaming writer the certificates use).
//!
//! Coordinates are PDF points (1/72 inch) from the top-left corner of the page, y downwards;
//! a text position is its baseline. Text is shaped and wrapped by [`crate::text`] (re-exported
//! here: [`TextStyle`], [`Shaper`], [`ShapedLine`]).
//!
//! A [`Composer`] keeps a display list per page (the back end's [`Op`]s) and writes the PDF in
//! [`Composer::finish`], when the page count is known. A long document (a province's report)
//! is laid out twice instead: once by [`Composer::counting`], which keeps only the page being
//! drawn and counts pages, then by [`Composer::streaming`] with that count, which writes each
//! page to the PDF as soon as the next one starts. The same layout code runs both times, so the
//! counts agree (`finish` checks it), and the memory is one page's, whatever the length.

pub use crate::text::{ShapedLine, Shaper, TextStyle};

use crate::error::DocumentError;
use crate::fonts::Fonts;
use crate::pdf::{Colour, Op, PdfStream, Seg, rect_path};

/// Width of an A4 page (210 mm) in points.
pub const A4_WIDTH: f32 = 595.2756;
/// Height of an A4 page (297 mm) in points.
pub const A4_HEIGHT: f32 = 841.8898;

/// Millimetres to points.
pub fn mm(millimetres: f32) -> f32 {
    millimetres * 72.0 / 25.4
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

/// A colour of the chart: red, green and blue from 0 to 255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    fn colour(self) -> Colour {
        Colour::Rgb(f32::from(self.0) / 255.0, f32::from(self.1) / 255.0, f32::from(self.2) / 255.0)
    }
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

/// Where finished pages go.
enum Sink {
    /// Kept until [`Composer::finish`] (which numbers them "第 n 页 / 共 m 页").
    Keep,
    /// Dropped: only counted.
    Count,
    /// Written at once, numbered out of the total counted before.
    Stream { pdf: Box<PdfStream<Vec<u8>>>, total: usize },
}

/// Lays out pages and writes the PDF. See the module documentation.
pub struct Composer<'f> {
    shaper: Shaper<'f>,
    width: f32,
    height: f32,
    margins: Margins,
    pages: Vec<Vec<Op>>,
    /// Pages already handed to the sink (counted or written).
    flushed: usize,
    sink: Sink,
    /// The first error of the sink, returned by `finish`.
    failed: Option<DocumentError>,
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
            flushed: 0,
            sink: Sink::Keep,
            failed: None,
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

    /// An A4 landscape document (for wide tables) with 15 mm margins all round.
    ///
    /// # Errors
    /// As [`Composer::new`].
    pub fn a4_landscape(fonts: &'f Fonts) -> Result<Self, DocumentError> {
        Self::new(
            fonts,
            A4_HEIGHT,
            A4_WIDTH,
            Margins { top: mm(15.0), right: mm(15.0), bottom: mm(15.0), left: mm(15.0) },
        )
    }

    /// The first pass of a long document: pages are counted and dropped as soon as the next
    /// one starts; [`Composer::page_count`] after the last draw is the total to give
    /// [`Composer::streaming`].
    #[must_use]
    pub fn counting(mut self) -> Self {
        self.sink = Sink::Count;
        self
    }

    /// The second pass of a long document of `total` pages (counted by the first): each page
    /// is numbered and written as soon as the next one starts; `title` is the PDF's title.
    ///
    /// # Errors
    /// As [`Composer::new`].
    pub fn streaming(mut self, title: &str, total: usize) -> Result<Self, DocumentError> {
        let pdf = PdfStream::new(self.shaper.fonts(), Vec::new(), self.width, self.height, title)?;
        self.sink = Sink::Stream { pdf: Box::new(pdf), total };
        Ok(self)
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

    /// Pages so far (the current one included).
    pub fn page_count(&self) -> usize {
        self.flushed + self.pages.len()
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
        self.running_header.as_ref().map_or(0.0, |h| h.style().line_height() + 8.0)
    }

    fn items(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page (with the running header, if any) and puts the cursor at its top.
    /// When counting or streaming, the page before goes to the sink (an error writing it is
    /// kept and returned by [`Composer::finish`]).
    pub fn new_page(&mut self) {
        if let Err(e) = self.flush() {
            // Kept for `finish`, which reports it: a layout step has nothing to do about it.
            self.failed.get_or_insert(e);
        }
        self.pages.push(Vec::new());
        self.y = self.margins.top;
        if let Some(header) = self.running_header.clone() {
            let style = header.style();
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

    /// A filled rectangle in a colour.
    pub fn fill_rect_rgb(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        self.items().push(Op::Rects { rects: vec![(x, y, w, h)], colour: colour.colour() });
    }

    /// A straight rule from `from` to `to` (x, y) in a colour, solid or dashed (`dash`: on,
    /// off lengths in points).
    pub fn rule(&mut self, from: (f32, f32), to: (f32, f32), width: f32, colour: Rgb, dash: Option<(f32, f32)>) {
        let path = vec![Seg::Move(from.0, from.1), Seg::Line(to.0, to.1)];
        self.items().push(Op::Stroke { path, width, colour: colour.colour(), dash });
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
        let mut flow = self.start_table(table)?;
        for row in &table.rows {
            self.table_row(table, &mut flow, row)?;
        }
        Ok(())
    }

    /// Starts `table` at the cursor without its rows (`table.rows` is not read): rows then
    /// come one at a time through [`Composer::table_row`], so that a long table is never held
    /// whole.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] if a column title cannot be printed.
    pub fn start_table(&mut self, table: &Table<'_>) -> Result<TableFlow, DocumentError> {
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
        let header_height = header.as_ref().map_or(0.0, |h| row_height(h, table.padding));
        // What a fresh continuation page holds below its running header and table header.
        let page_capacity = self.bottom() - self.margins.top - self.running_header_height() - header_height;
        Ok(TableFlow { header, header_height, page_capacity, header_on_page: None, index: 0 })
    }

    /// Lays out the next row of a table started by [`Composer::start_table`] (with the same
    /// `table`), flowing onto a new page with the header repeated when it does not fit.
    ///
    /// # Errors
    /// As [`Composer::table`].
    pub fn table_row(
        &mut self,
        table: &Table<'_>,
        flow: &mut TableFlow,
        row: &[Cell<'_>],
    ) -> Result<(), DocumentError> {
        let pad = table.padding;
        let index = flow.index;
        flow.index += 1;
        let wrapped = self.wrap_row(table, row)?;
        let mut from = vec![0usize; wrapped.len()];
        loop {
            if let Some(h) = &flow.header
                && flow.header_on_page != Some(self.page_count())
            {
                // Keep the header with at least the first line of a row.
                let first_line = wrapped.iter().map(|c| c.style.line_height()).fold(0.0, f32::max) + 2.0 * pad;
                self.ensure_space(flow.header_height + first_line);
                self.draw_row(table, h, &vec![0; h.len()], None);
                flow.header_on_page = Some(self.page_count());
            }
            let rest = rest_height(&wrapped, &from, pad);
            if rest <= self.remaining() + 0.01 {
                self.draw_row(table, &wrapped, &from, None);
                return Ok(());
            }
            if rest <= flow.page_capacity {
                self.new_page();
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
                if self.remaining() + 0.01 >= flow.page_capacity {
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
        }
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

    /// Hands the pages drawn so far to a counting or streaming sink, keeping none.
    fn flush(&mut self) -> Result<(), DocumentError> {
        if matches!(self.sink, Sink::Keep) || self.failed.is_some() {
            return Ok(());
        }
        let pages = std::mem::take(&mut self.pages);
        for mut page in pages {
            let number = self.flushed + 1;
            if let Sink::Stream { total, .. } = self.sink {
                self.number_page(&mut page, number, total)?;
            }
            if let Sink::Stream { pdf, .. } = &mut self.sink {
                pdf.page(&page)?;
            }
            self.flushed = number;
        }
        Ok(())
    }

    /// Prints "第 n 页 / 共 m 页" centred in the bottom margin (unless page numbers are off).
    fn number_page(&self, page: &mut Vec<Op>, number: usize, total: usize) -> Result<(), DocumentError> {
        if let Some(style) = self.page_numbers {
            let baseline = self.height - self.margins.bottom / 2.0 + style.size / 2.0;
            let line = self.shaper.shape("page_number", &format!("第 {number} 页 / 共 {total} 页"), style)?;
            let x = self.width / 2.0 - line.width() / 2.0;
            page.push(Op::Text { line, x, baseline, colour: Colour::BLACK });
        }
        Ok(())
    }

    /// Writes the PDF: adds the page numbers and serialises every page through the back end
    /// (fonts subset). A streaming document writes its last page and checks that it has the
    /// pages it was told it would; a counting one has nothing to write (an error).
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] if the page-number text cannot be printed (it can),
    /// [`DocumentError::Pdf`] if the back end fails or a streamed document's page count is
    /// not the one counted.
    pub fn finish(mut self) -> Result<Vec<u8>, DocumentError> {
        if matches!(self.sink, Sink::Count) {
            return Err(DocumentError::Pdf("internal: a counting pass writes nothing".to_owned()));
        }
        if matches!(self.sink, Sink::Stream { .. }) {
            self.flush()?;
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
            if let Sink::Stream { pdf, total } = std::mem::replace(&mut self.sink, Sink::Keep) {
                if self.flushed != total {
                    return Err(DocumentError::Pdf(format!(
                        "internal: {} pages laid out, {total} counted",
                        self.flushed
                    )));
                }
                return pdf.finish();
            }
        }
        let total = self.pages.len();
        let mut pages = std::mem::take(&mut self.pages);
        for (i, page) in pages.iter_mut().enumerate() {
            self.number_page(page, i + 1, total)?;
        }
        self.pages = pages;
        let title = self.title.take().unwrap_or_default();
        let mut pdf = PdfStream::new(self.shaper.fonts(), Vec::new(), self.width, self.height, &title)?;
        for page in &self.pages {
            pdf.page(page)?;
        }
        pdf.finish()
    }
}

/// A table being laid out row by row ([`Composer::start_table`]).
pub struct TableFlow {
    header: Option<Vec<WrappedCell>>,
    header_height: f32,
    page_capacity: f32,
    /// The page (its number) the header was last drawn on.
    header_on_page: Option<usize>,
    /// The next row's index (named in errors).
    index: usize,
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
