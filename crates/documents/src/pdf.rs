//! A streaming PDF writer for fixed-layout pages (certificates), on `pdf-writer` and
//! `subsetter`.
//!
//! Every page is written to the output as soon as it is drawn: its content stream, its page
//! object, and the first time a seal is used, the seal's image and soft mask. What stays in
//! memory is only what the end of the file needs: one offset per object, the page references,
//! and per font the glyph remapper (new glyph ids are handed out in order of first use, so a
//! page's text is written with its final ids before the font subset exists) with the text of
//! each glyph for the ToUnicode map. [`PdfStream::finish`] writes the font subsets (CID-keyed,
//! Identity-H, with a ToUnicode CMap), the page tree, the catalog and the cross-reference
//! table. A face of the fallback chain gets a font of its own the first time a line uses it
//! (a name with a character Noto lacks: one more small subset). Memory thus grows with the number of distinct seals, not of pages; and since a face
//! that has printed [`GLYPHS_PER_FONT`] glyphs is written out and continues as a new font, not
//! with the number of distinct characters either.
//!
//! The output is deterministic: the same pages give the same bytes (no dates, no random ids).
//!
//! Coordinates of [`Op`]s are points from the top-left corner of the page, y downwards, like
//! [`crate::layout`]; text positions are baselines.

use std::collections::HashMap;
use std::io::Write;

use pdf_writer::types::{BlendMode, CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str, TextStr};
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::raw::TableProvider;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider, Tag};
use subsetter::GlyphRemapper;

use crate::error::DocumentError;
use crate::fonts::{FaceKey, Fonts, SYNTHETIC_BOLD_STROKE, Weight};
use crate::seal::{Seal, fnv1a, zlib};
use crate::text::ShapedLine;

/// A colour: grey level or RGB, components from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Colour {
    Gray(f32),
    Rgb(f32, f32, f32),
}

impl Colour {
    pub(crate) const BLACK: Colour = Colour::Gray(0.0);
}

/// One segment of a path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seg {
    Move(f32, f32),
    Line(f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

/// One drawing operation of a page.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// A shaped line with its left end of the baseline at (`x`, `baseline`).
    Text { line: ShapedLine, x: f32, baseline: f32, colour: Colour },
    /// Filled rectangles (x, y, w, h).
    Rects { rects: Vec<(f32, f32, f32, f32)>, colour: Colour },
    /// A stroked path, solid or dashed (`dash`: on, off lengths).
    Stroke { path: Vec<Seg>, width: f32, colour: Colour, dash: Option<(f32, f32)> },
    /// A seal scaled into the box at (`x`, `y`) of `w` × `h`.
    Image { seal: Seal, x: f32, y: f32, w: f32, h: f32 },
}

/// The outline of a rectangle as a path.
pub(crate) fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Vec<Seg> {
    vec![Seg::Move(x, y), Seg::Line(x + w, y), Seg::Line(x + w, y + h), Seg::Line(x, y + h), Seg::Close]
}

/// A circle of radius `r` centred at (`cx`, `cy`) as four Bézier arcs.
pub(crate) fn circle_path(cx: f32, cy: f32, r: f32) -> Vec<Seg> {
    const K: f32 = 0.552_284_8;
    let k = K * r;
    vec![
        Seg::Move(cx + r, cy),
        Seg::Cubic(cx + r, cy + k, cx + k, cy + r, cx, cy + r),
        Seg::Cubic(cx - k, cy + r, cx - r, cy + k, cx - r, cy),
        Seg::Cubic(cx - r, cy - k, cx - k, cy - r, cx, cy - r),
        Seg::Cubic(cx + k, cy - r, cx + r, cy - k, cx + r, cy),
        Seg::Close,
    ]
}

/// The glyphs one face has printed so far.
struct UsedFace {
    key: FaceKey,
    /// The Type0 font object, referenced by every page that uses the face; allocated when a
    /// line first uses the face (after a subset is written out, when it is used again).
    font_ref: Option<Ref>,
    remapper: GlyphRemapper,
    /// The text of each new glyph id (index), for the ToUnicode map.
    texts: Vec<String>,
}

/// Counts what is written, for the cross-reference offsets.
struct Counting<W> {
    inner: W,
    position: u64,
}

impl<W: Write> Counting<W> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), DocumentError> {
        self.inner.write_all(bytes).map_err(|e| DocumentError::Pdf(format!("写入失败：{e}")))?;
        self.position += bytes.len() as u64;
        Ok(())
    }
}

/// Writes a PDF page by page; see the module documentation.
pub(crate) struct PdfStream<W: Write> {
    fonts: Fonts,
    out: Counting<W>,
    width: f32,
    height: f32,
    /// The offset of each object, by object number (0 unused).
    offsets: Vec<u64>,
    next_id: i32,
    catalog_ref: Ref,
    pages_ref: Ref,
    info_ref: Ref,
    page_refs: Vec<Ref>,
    /// Regular, bold, then each fallback face (see [`face_slot`]).
    faces: Vec<UsedFace>,
    /// Seal key → (image object, resource name number).
    images: HashMap<u64, (Ref, usize)>,
    /// The graphics state that prints seals in multiply blend mode, once written.
    multiply: Option<Ref>,
    title: String,
}

/// Where a face's glyphs are kept in [`PdfStream::faces`].
fn face_slot(key: FaceKey) -> usize {
    match key {
        FaceKey::Primary(Weight::Regular) => 0,
        FaceKey::Primary(Weight::Bold) => 1,
        FaceKey::Fallback(n) => 2 + n,
    }
}

fn new_face(key: FaceKey) -> UsedFace {
    UsedFace { key, font_ref: None, remapper: GlyphRemapper::new(), texts: vec![String::new()] }
}

impl<W: Write> PdfStream<W> {
    /// Starts a PDF of `width` × `height` point pages with `title` in its metadata.
    pub(crate) fn new(fonts: &Fonts, out: W, width: f32, height: f32, title: &str) -> Result<Self, DocumentError> {
        let mut stream = PdfStream {
            fonts: fonts.clone(),
            out: Counting { inner: out, position: 0 },
            width,
            height,
            offsets: vec![0],
            next_id: 1,
            catalog_ref: Ref::new(1),
            pages_ref: Ref::new(1),
            info_ref: Ref::new(1),
            page_refs: Vec::new(),
            faces: [FaceKey::Primary(Weight::Regular), FaceKey::Primary(Weight::Bold)]
                .into_iter()
                .chain((0..fonts.fallback_faces().len()).map(FaceKey::Fallback))
                .map(new_face)
                .collect(),
            images: HashMap::new(),
            multiply: None,
            title: title.to_owned(),
        };
        stream.catalog_ref = stream.alloc();
        stream.pages_ref = stream.alloc();
        stream.info_ref = stream.alloc();
        stream.out.write(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
        Ok(stream)
    }

    fn alloc(&mut self) -> Ref {
        let r = Ref::new(self.next_id);
        self.next_id += 1;
        self.offsets.push(0);
        r
    }

    /// Writes a chunk holding exactly one object, recording its offset.
    fn emit(&mut self, chunk: &Chunk) -> Result<(), DocumentError> {
        let mut refs = chunk.refs();
        if let (Some(r), None) = (refs.next(), refs.next()) {
            self.offsets[r.get() as usize] = self.out.position;
        } else {
            return Err(DocumentError::Pdf("internal: one object per chunk".to_owned()));
        }
        self.out.write(chunk.as_bytes())
    }

    /// The fonts pages are printed with.
    pub(crate) fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// Pages written so far.
    pub(crate) fn pages(&self) -> usize {
        self.page_refs.len()
    }

    /// Writes one page drawn by `ops` (later operations draw over earlier ones).
    pub(crate) fn page(&mut self, ops: &[Op]) -> Result<(), DocumentError> {
        // A face that has printed many glyphs is written out now and continues as a new font:
        // subsetting costs memory by the glyph, so this bounds the memory of a batch whose
        // every page brings new characters (names).
        for i in 0..self.faces.len() {
            if usize::from(self.faces[i].remapper.num_gids()) >= GLYPHS_PER_FONT {
                self.write_font(i)?;
                self.faces[i] = new_face(self.faces[i].key);
            }
        }
        let h = self.height;
        let mut content = Content::new();
        let mut used_fonts = vec![false; self.faces.len()];
        let mut used_images: Vec<(Ref, usize)> = Vec::new();
        for op in ops {
            match op {
                Op::Text { line, x, baseline, colour } => {
                    set_fill(&mut content, *colour);
                    content.begin_text();
                    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, h - baseline]);
                    // One show operation per run of one face; the PDF advances the text
                    // position by the widths written with each font, the same advances the
                    // line was laid out with.
                    let style = line.style();
                    let mut run: Option<(usize, bool)> = None;
                    let mut codes = Vec::with_capacity(line.text().len());
                    for (key, gid, text) in line.glyphs() {
                        let slot = face_slot(key);
                        if run.map(|(s, _)| s) != Some(slot) {
                            if let Some(previous) = run {
                                show(&mut content, previous, style.size, *colour, &codes);
                                codes.clear();
                            }
                            run = Some((slot, key.synthetic_bold(style.weight)));
                        }
                        if self.faces[slot].font_ref.is_none() {
                            self.faces[slot].font_ref = Some(self.alloc());
                        }
                        used_fonts[slot] = true;
                        let used = &mut self.faces[slot];
                        let gid = u16::try_from(gid).map_err(|_| DocumentError::Pdf(format!("字形编号过大：{gid}")))?;
                        let cid = used.remapper.remap(gid);
                        if usize::from(cid) == used.texts.len() {
                            // Line breaks and tabs print as the space glyph: map it to a space.
                            let text = if text.chars().any(char::is_control) { " " } else { text };
                            used.texts.push(text.to_owned());
                        }
                        codes.extend_from_slice(&cid.to_be_bytes());
                    }
                    if let Some(run) = run {
                        show(&mut content, run, style.size, *colour, &codes);
                    }
                    content.end_text();
                }
                Op::Rects { rects, colour } => {
                    set_fill(&mut content, *colour);
                    for &(x, y, w, rh) in rects {
                        content.rect(x, h - y - rh, w, rh);
                    }
                    content.fill_nonzero();
                }
                Op::Stroke { path, width, colour, dash } => {
                    content.save_state();
                    match *colour {
                        Colour::Gray(g) => content.set_stroke_gray(g),
                        Colour::Rgb(r, g, b) => content.set_stroke_rgb(r, g, b),
                    };
                    content.set_line_width(*width);
                    if let Some((on, off)) = dash {
                        content.set_dash_pattern([*on, *off], 0.0);
                    }
                    for seg in path {
                        match *seg {
                            Seg::Move(x, y) => content.move_to(x, h - y),
                            Seg::Line(x, y) => content.line_to(x, h - y),
                            Seg::Cubic(x1, y1, x2, y2, x3, y3) => content.cubic_to(x1, h - y1, x2, h - y2, x3, h - y3),
                            Seg::Close => content.close_path(),
                        };
                    }
                    content.stroke();
                    content.restore_state();
                }
                Op::Image { seal, x, y, w, h: ih } => {
                    let (image_ref, n) = self.image(seal)?;
                    if !used_images.contains(&(image_ref, n)) {
                        used_images.push((image_ref, n));
                    }
                    content.save_state();
                    content.set_parameters(Name(MULTIPLY));
                    content.transform([*w, 0.0, 0.0, *ih, *x, h - y - ih]);
                    content.x_object(Name(format!("S{n}").as_bytes()));
                    content.restore_state();
                }
            }
        }
        let data = zlib(&content.finish().into_vec())?;
        let multiply_ref = match (self.multiply, used_images.is_empty()) {
            (Some(r), _) => r,
            (None, true) => Ref::new(1),
            (None, false) => {
                let r = self.alloc();
                let mut chunk = Chunk::new();
                chunk.ext_graphics(r).blend_mode(BlendMode::Multiply);
                self.emit(&chunk)?;
                self.multiply = Some(r);
                r
            }
        };

        let content_ref = self.alloc();
        let page_ref = self.alloc();
        let mut chunk = Chunk::new();
        chunk.stream(content_ref, &data).filter(Filter::FlateDecode);
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        let mut page = chunk.page(page_ref);
        page.parent(self.pages_ref).media_box(Rect::new(0.0, 0.0, self.width, self.height)).contents(content_ref);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        for (i, used) in used_fonts.iter().enumerate() {
            if let (true, Some(font_ref)) = (*used, self.faces[i].font_ref) {
                fonts.pair(Name(font_name(i).as_bytes()), font_ref);
            }
        }
        fonts.finish();
        if !used_images.is_empty() {
            resources.ext_g_states().pair(Name(MULTIPLY), multiply_ref);
            let mut x_objects = resources.x_objects();
            for (r, n) in &used_images {
                x_objects.pair(Name(format!("S{n}").as_bytes()), *r);
            }
            x_objects.finish();
        }
        resources.finish();
        page.finish();
        self.emit(&chunk)?;
        self.page_refs.push(page_ref);
        Ok(())
    }

    /// The image object of `seal`, written the first time the seal is used.
    fn image(&mut self, seal: &Seal) -> Result<(Ref, usize), DocumentError> {
        if let Some(&found) = self.images.get(&seal.key()) {
            return Ok(found);
        }
        let n = self.images.len();
        let mask_ref = self.alloc();
        let image_ref = self.alloc();
        let (w, h) = (
            i32::try_from(seal.width()).map_err(|e| DocumentError::Pdf(e.to_string()))?,
            i32::try_from(seal.height()).map_err(|e| DocumentError::Pdf(e.to_string()))?,
        );
        let mut chunk = Chunk::new();
        let mut mask = chunk.image_xobject(mask_ref, seal.alpha_zlib());
        mask.filter(Filter::FlateDecode);
        mask.width(w).height(h).bits_per_component(8).interpolate(true);
        mask.color_space().device_gray();
        mask.finish();
        self.emit(&chunk)?;
        let mut chunk = Chunk::new();
        let mut image = chunk.image_xobject(image_ref, seal.rgb_zlib());
        image.filter(Filter::FlateDecode);
        image.width(w).height(h).bits_per_component(8).interpolate(true).s_mask(mask_ref);
        image.color_space().device_rgb();
        image.finish();
        self.emit(&chunk)?;
        self.images.insert(seal.key(), (image_ref, n));
        Ok((image_ref, n))
    }

    /// Writes the fonts, the page tree, the catalog and the cross-reference table; returns
    /// the output.
    pub(crate) fn finish(mut self) -> Result<W, DocumentError> {
        if self.page_refs.is_empty() {
            return Err(DocumentError::InvalidInput {
                field: "pages".to_owned(), reason: "文档没有页面".to_owned()
            });
        }
        for i in 0..self.faces.len() {
            self.write_font(i)?;
        }

        let mut chunk = Chunk::new();
        chunk.pages(self.pages_ref).kids(self.page_refs.iter().copied()).count(self.page_refs.len() as i32);
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        let mut info = chunk.indirect(self.info_ref).start::<pdf_writer::writers::DocumentInfo>();
        info.title(TextStr(&self.title)).producer(TextStr("cme-documents")).creator(TextStr("cme-documents"));
        info.finish();
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        let mut catalog = chunk.indirect(self.catalog_ref).start::<pdf_writer::writers::Catalog>();
        catalog.pages(self.pages_ref).lang(TextStr("zh-CN"));
        catalog.finish();
        self.emit(&chunk)?;

        let xref = self.out.position;
        let mut table = String::with_capacity(self.offsets.len() * 20 + 128);
        table.push_str(&format!("xref\n0 {}\n0000000000 65535 f\r\n", self.offsets.len()));
        for offset in &self.offsets[1..] {
            table.push_str(&format!("{offset:010} 00000 n\r\n"));
        }
        table.push_str(&format!(
            "trailer\n<<\n  /Size {}\n  /Root {} 0 R\n  /Info {} 0 R\n>>\nstartxref\n{xref}\n%%EOF",
            self.offsets.len(),
            self.catalog_ref.get(),
            self.info_ref.get()
        ));
        self.out.write(table.as_bytes())?;
        self.out.inner.flush().map_err(|e| DocumentError::Pdf(format!("写入失败：{e}")))?;
        Ok(self.out.inner)
    }

    /// Writes face `i`'s subset: Type0 font, CIDFont, descriptor, font file, ToUnicode map;
    /// nothing if no page has used it since the last subset.
    fn write_font(&mut self, i: usize) -> Result<(), DocumentError> {
        let Some(font_ref) = self.faces[i].font_ref else {
            return Ok(());
        };
        let fonts = self.fonts.clone();
        let face = fonts.face_by_key(self.faces[i].key);
        let font = face.font_ref()?;
        let pdf_err = |what: &str, e: &dyn std::fmt::Display| DocumentError::Pdf(format!("{what}：{e}"));

        let used = &self.faces[i];
        let subset =
            subsetter::subset(face.data(), face.index, &used.remapper).map_err(|e| pdf_err("字体子集化失败", &e))?;
        let subset_font = FontRef::new(&subset).map_err(|e| pdf_err("字体子集无法读取", &e))?;
        let cff = subset_font.data_for_tag(Tag::new(b"CFF ")).map(|d| d.as_bytes().to_vec());
        let is_cff = cff.is_some();
        let program = zlib(cff.as_deref().unwrap_or(&subset))?;

        // Widths in thousandths of an em, by new glyph id.
        let upem = f32::from(font.head().map_err(|e| pdf_err("字体缺少 head 表", &e))?.units_per_em());
        let to_pdf = |v: f32| v * 1000.0 / upem;
        let metrics = font.glyph_metrics(FontSize::unscaled(), LocationRef::default());
        let widths: Vec<f32> = used
            .remapper
            .remapped_gids()
            .map(|g| to_pdf(metrics.advance_width(skrifa::GlyphId::new(u32::from(g))).unwrap_or(0.0)).round())
            .collect();
        let global = font.metrics(FontSize::unscaled(), LocationRef::default());
        let bbox = global.bounds.map_or(Rect::new(0.0, -120.0, 1000.0, 880.0), |b| {
            Rect::new(to_pdf(b.x_min), to_pdf(b.y_min), to_pdf(b.x_max), to_pdf(b.y_max))
        });

        let postscript = font
            .localized_strings(StringId::POSTSCRIPT_NAME)
            .english_or_first()
            .map(|s| s.chars().filter(char::is_ascii_graphic).collect::<String>())
            .unwrap_or_else(|| "NotoSerifCJK".to_owned());
        let gid_bytes: Vec<u8> = used.remapper.remapped_gids().flat_map(u16::to_be_bytes).collect();
        let mut hash = fnv1a(&gid_bytes) ^ (i as u64);
        let tag: String = (0..6)
            .map(|_| {
                let c = char::from(b'A' + (hash % 26) as u8);
                hash /= 26;
                c
            })
            .collect();
        let base_font = format!("{tag}+{postscript}");
        let type0_name = if is_cff { format!("{base_font}-Identity-H") } else { base_font.clone() };

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
        for (cid, text) in used.texts.iter().enumerate().skip(1) {
            if !text.is_empty() {
                cmap.pair_with_multiple(cid as u16, text.chars());
            }
        }
        let cmap = zlib(&cmap.finish().into_vec())?;

        let cid_ref = self.alloc();
        let descriptor_ref = self.alloc();
        let cmap_ref = self.alloc();
        let file_ref = self.alloc();

        let mut chunk = Chunk::new();
        chunk
            .type0_font(font_ref)
            .base_font(Name(type0_name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        let mut cid = chunk.cid_font(cid_ref);
        cid.subtype(if is_cff { CidFontType::Type0 } else { CidFontType::Type2 })
            .base_font(Name(base_font.as_bytes()))
            .system_info(SYSTEM_INFO)
            .font_descriptor(descriptor_ref)
            .default_width(1000.0);
        if !is_cff {
            cid.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        cid.widths().consecutive(0, widths.iter().copied());
        cid.finish();
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        let mut descriptor = chunk.font_descriptor(descriptor_ref);
        descriptor
            .name(Name(base_font.as_bytes()))
            .flags(FontFlags::SERIF | FontFlags::SYMBOLIC)
            .bbox(bbox)
            .italic_angle(0.0)
            .ascent(to_pdf(global.ascent).round())
            .descent(to_pdf(global.descent).round())
            .cap_height(to_pdf(global.cap_height.unwrap_or(global.ascent)).round())
            .stem_v(if self.faces[i].key == FaceKey::Primary(Weight::Bold) { 140.0 } else { 80.0 });
        if is_cff {
            descriptor.font_file3(file_ref);
        } else {
            descriptor.font_file2(file_ref);
        }
        descriptor.finish();
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        chunk.cmap(cmap_ref, &cmap).filter(Filter::FlateDecode);
        self.emit(&chunk)?;

        let mut chunk = Chunk::new();
        let mut file = chunk.stream(file_ref, &program);
        file.filter(Filter::FlateDecode);
        if is_cff {
            file.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        }
        file.finish();
        self.emit(&chunk)
    }
}

/// How many glyphs a font subset holds before the face continues as a new font (a page adds
/// at most some dozens more). Subsetting takes ~11 KB of memory per glyph of Noto Serif CJK.
const GLYPHS_PER_FONT: usize = 500;

/// The graphics state seals are drawn in: multiply, so that text under the ink stays legible,
/// as under a real stamp.
const MULTIPLY: &[u8] = b"GSm";

/// The resource name of the font in slot `i` (F0 regular, F1 bold, F2… fallbacks).
fn font_name(slot: usize) -> String {
    format!("F{slot}")
}

/// Shows `codes` (two-byte CIDs) in the font of `slot`, filled, or filled and stroked in
/// `colour` when the run is emboldened.
fn show(content: &mut Content, (slot, synthetic_bold): (usize, bool), size: f32, colour: Colour, codes: &[u8]) {
    content.set_font(Name(font_name(slot).as_bytes()), size);
    if synthetic_bold {
        match colour {
            Colour::Gray(g) => content.set_stroke_gray(g),
            Colour::Rgb(r, g, b) => content.set_stroke_rgb(r, g, b),
        };
        content.set_line_width(SYNTHETIC_BOLD_STROKE * size);
        content.set_text_rendering_mode(TextRenderingMode::FillStroke);
    }
    content.show(Str(codes));
    if synthetic_bold {
        content.set_text_rendering_mode(TextRenderingMode::Fill);
    }
}

const SYSTEM_INFO: SystemInfo = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

fn set_fill(content: &mut Content, colour: Colour) {
    match colour {
        Colour::Gray(g) => content.set_fill_gray(g),
        Colour::Rgb(r, g, b) => content.set_fill_rgb(r, g, b),
    };
}
