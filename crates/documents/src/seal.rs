//! The electronic seal (电子印章) of an office: a stamp scanned or photographed on blank paper,
//! turned into an RGBA image whose paper is transparent, so that it can be printed over the
//! issuer's name and the date like a real stamp.

use std::fmt;
use std::io::{Cursor, Write};
use std::sync::Arc;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, RgbaImage};

use crate::error::DocumentError;

/// The longest side of a processed seal, in pixels (a 40 mm seal at ~380 dpi).
pub const SEAL_MAX_SIDE: u32 = 600;
/// The largest upload accepted, in bytes.
pub const SCAN_MAX_BYTES: usize = 10 * 1024 * 1024;
/// The largest upload accepted, in pixels on either side.
pub const SCAN_MAX_SIDE: u32 = 8000;
/// The most pixels an upload may have (16.8 million: a 12-megapixel phone photo passes). An
/// 8000 × 8000 PNG cost 488 MB to decode, and three at once 1.7 GB; under this budget, one
/// decode at a time, the worst costs about 140 MB.
pub const SCAN_MAX_PIXELS: u64 = 4096 * 4096;
/// The most a decoder may allocate (16-bit RGBA at [`SCAN_MAX_PIXELS`] needs 128 MiB).
const SCAN_MAX_ALLOC: u64 = 140 << 20;

/// Scans are decoded one at a time: each may cost [`SCAN_MAX_ALLOC`], and uploads of seals are
/// rare, so a queue costs nobody anything while parallel decodes could add up.
static DECODING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Darkness (share of the paper's brightness removed) below which a pixel is paper.
const PAPER_NOISE: f32 = 0.15;
/// Darkness from which a pixel is opaque ink.
const FULL_INK: f32 = 0.55;
/// Ink colours this close (per channel) to the average ink print as the average (less noise,
/// smaller PDFs).
const SNAP: i32 = 48;

/// A seal image ready to print: RGBA PNG, white background removed. Cheap to clone.
#[derive(Clone)]
pub struct Seal {
    inner: Arc<Inner>,
}

struct Inner {
    png: Vec<u8>,
    width: u32,
    height: u32,
    /// Zlib-compressed RGB samples (the image XObject's stream).
    rgb_zlib: Vec<u8>,
    /// Zlib-compressed alpha samples (the soft mask's stream).
    alpha_zlib: Vec<u8>,
    /// A hash of the PNG bytes: the same seal is embedded once per PDF.
    key: u64,
}

impl fmt::Debug for Seal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Seal")
            .field("width", &self.inner.width)
            .field("height", &self.inner.height)
            .field("png_bytes", &self.inner.png.len())
            .finish()
    }
}

fn invalid(reason: impl Into<String>) -> DocumentError {
    DocumentError::InvalidInput { field: "seal".to_owned(), reason: reason.into() }
}

impl Seal {
    /// Processes a stamp scanned or photographed on blank paper (PNG or JPEG bytes): decodes
    /// it (turned upright by its EXIF orientation), downscales it to at most
    /// [`SEAL_MAX_SIDE`] pixels on the long side, makes the paper transparent while the ink
    /// keeps its colour with an alpha by darkness, and crops it to the ink.
    ///
    /// # Errors
    /// [`DocumentError::InvalidInput`] (field `seal`) for a file that is not a PNG or JPEG
    /// image, one larger than [`SCAN_MAX_BYTES`] or [`SCAN_MAX_SIDE`] pixels, or an image
    /// without ink.
    pub fn from_scan(bytes: &[u8]) -> Result<Seal, DocumentError> {
        if bytes.len() > SCAN_MAX_BYTES {
            return Err(invalid(format!(
                "印章图片过大（{} 字节，最大 {} MiB） / seal image too large ({} bytes, at most 10 MiB)",
                bytes.len(),
                SCAN_MAX_BYTES / 1024 / 1024,
                bytes.len()
            )));
        }
        // A poisoned lock only means another decode panicked; the lock guards no data.
        let _one_at_a_time = DECODING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let image = decode(bytes, &[ImageFormat::Png, ImageFormat::Jpeg], true)?;
        let image = if image.width().max(image.height()) > SEAL_MAX_SIDE {
            let (w, h) = fit(image.width(), image.height(), SEAL_MAX_SIDE);
            image.thumbnail_exact(w, h)
        } else {
            image
        };
        let rgba = remove_paper(&image.to_rgba8())?;
        let png = encode_png(&rgba)?;
        Self::build(png, &rgba)
    }

    /// A seal from the processed PNG bytes stored earlier (what [`Seal::png`] returned).
    ///
    /// # Errors
    /// [`DocumentError::InvalidInput`] (field `seal`) if the bytes are not a PNG image or the
    /// image is larger than a processed seal can be.
    pub fn from_png(bytes: Vec<u8>) -> Result<Seal, DocumentError> {
        let image = decode(&bytes, &[ImageFormat::Png], false)?;
        if image.width().max(image.height()) > 2 * SEAL_MAX_SIDE {
            return Err(invalid(format!(
                "印章图片 {}×{} 过大，请先用 Seal::from_scan 处理 / seal image {}×{} too large: process it with Seal::from_scan",
                image.width(),
                image.height(),
                image.width(),
                image.height()
            )));
        }
        let rgba = image.to_rgba8();
        Self::build(bytes, &rgba)
    }

    fn build(png: Vec<u8>, rgba: &RgbaImage) -> Result<Seal, DocumentError> {
        let pixels = rgba.as_raw();
        let mut rgb = Vec::with_capacity(pixels.len() / 4 * 3);
        let mut alpha = Vec::with_capacity(pixels.len() / 4);
        for px in pixels.chunks_exact(4) {
            rgb.extend_from_slice(&px[..3]);
            alpha.push(px[3]);
        }
        let key = fnv1a(&png);
        Ok(Seal {
            inner: Arc::new(Inner {
                width: rgba.width(),
                height: rgba.height(),
                rgb_zlib: zlib(&rgb)?,
                alpha_zlib: zlib(&alpha)?,
                png,
                key,
            }),
        })
    }

    /// The processed PNG bytes (to store, and to show as a preview).
    pub fn png(&self) -> &[u8] {
        &self.inner.png
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.inner.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.inner.height
    }

    pub(crate) fn key(&self) -> u64 {
        self.inner.key
    }

    pub(crate) fn rgb_zlib(&self) -> &[u8] {
        &self.inner.rgb_zlib
    }

    pub(crate) fn alpha_zlib(&self) -> &[u8] {
        &self.inner.alpha_zlib
    }
}

/// Decodes `bytes` if they are one of `formats` and within the size limits.
fn decode(bytes: &[u8], formats: &[ImageFormat], orient: bool) -> Result<DynamicImage, DocumentError> {
    let undecodable = |e: &dyn fmt::Display| {
        invalid(format!(
            "无法识别的印章图片，请上传 PNG 或 JPEG 图片 / cannot read the seal image, upload a PNG or JPEG ({e})"
        ))
    };
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| undecodable(&e))?;
    match reader.format() {
        Some(f) if formats.contains(&f) => {}
        _ => return Err(undecodable(&"unknown format")),
    }
    let (w, h) = reader.into_dimensions().map_err(|e| undecodable(&e))?;
    if w > SCAN_MAX_SIDE || h > SCAN_MAX_SIDE {
        return Err(invalid(format!(
            "印章图片尺寸过大（{w}×{h} 像素，每边最多 {SCAN_MAX_SIDE}） / seal image too large ({w}×{h} pixels, at most {SCAN_MAX_SIDE} a side)"
        )));
    }
    if w == 0 || h == 0 {
        return Err(undecodable(&"empty image"));
    }
    if u64::from(w) * u64::from(h) > SCAN_MAX_PIXELS {
        return Err(invalid(format!(
            "印章图片像素过多（{w}×{h}，最多 {} 万像素），请缩小后再上传",
            SCAN_MAX_PIXELS / 10_000
        )));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| undecodable(&e))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(SCAN_MAX_SIDE);
    limits.max_image_height = Some(SCAN_MAX_SIDE);
    limits.max_alloc = Some(SCAN_MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| undecodable(&e))?;
    let orientation = if orient { decoder.orientation().ok() } else { None };
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| undecodable(&e))?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

/// The size of a `w` × `h` image scaled to at most `max` pixels on its long side.
fn fit(w: u32, h: u32, max: u32) -> (u32, u32) {
    if w >= h {
        (max, ((u64::from(h) * u64::from(max) + u64::from(w) / 2) / u64::from(w)).max(1) as u32)
    } else {
        (((u64::from(w) * u64::from(max) + u64::from(h) / 2) / u64::from(h)).max(1) as u32, max)
    }
}

/// The per-channel 75th percentile of the image composited over white: the paper's colour as
/// long as the ink covers less than three quarters of the picture (a tightly cropped stamp).
fn paper_colour(pixels: &[[f32; 3]]) -> [f32; 3] {
    let mut paper = [255.0; 3];
    for (c, p) in paper.iter_mut().enumerate() {
        let mut histogram = [0usize; 256];
        for px in pixels {
            histogram[px[c].round().clamp(0.0, 255.0) as usize] += 1;
        }
        let below = pixels.len() * 3 / 4;
        let mut seen = 0;
        for (value, count) in histogram.iter().enumerate() {
            seen += count;
            if seen > below {
                *p = (value as f32).max(96.0);
                break;
            }
        }
    }
    paper
}

/// Makes the paper transparent: every pixel's darkness relative to the paper becomes its
/// alpha (nothing below [`PAPER_NOISE`], opaque from [`FULL_INK`]) and its colour the ink's
/// ("colour to alpha"); then crops to the ink.
fn remove_paper(rgba: &RgbaImage) -> Result<RgbaImage, DocumentError> {
    let (w, h) = rgba.dimensions();
    // Composite any source transparency over white.
    let over_white: Vec<[f32; 3]> = rgba
        .pixels()
        .map(|p| {
            let a = f32::from(p[3]) / 255.0;
            [0, 1, 2].map(|c| f32::from(p[c]) * a + 255.0 * (1.0 - a))
        })
        .collect();
    let paper = paper_colour(&over_white);
    let mut out = RgbaImage::new(w, h);
    let mut ink_sum = [0.0f64; 3];
    let mut ink_weight = 0.0f64;
    let mut solid = 0usize;
    for (px, o) in out.pixels_mut().zip(&over_white) {
        let darkness = [0, 1, 2].map(|c| (1.0 - o[c] / paper[c]).max(0.0));
        let raw = darkness.iter().copied().fold(0.0, f32::max);
        let alpha = ((raw - PAPER_NOISE) / (FULL_INK - PAPER_NOISE)).clamp(0.0, 1.0);
        if alpha <= 0.0 {
            continue;
        }
        let colour = [0, 1, 2].map(|c| (255.0 * (1.0 - darkness[c] / raw)).round().clamp(0.0, 255.0) as u8);
        let a = (alpha * 255.0).round() as u8;
        *px = image::Rgba([colour[0], colour[1], colour[2], a]);
        if a >= 128 {
            solid += 1;
        }
        for c in 0..3 {
            ink_sum[c] += f64::from(colour[c]) * f64::from(alpha);
        }
        ink_weight += f64::from(alpha);
    }
    let total = (w as usize) * (h as usize);
    if solid < 16.max(total / 2000) {
        return Err(invalid(
            "印章图片中没有检测到印迹（图片为空白或过淡），请在白纸上盖章后扫描或拍照上传 / no ink found in the seal image (blank or too faint): stamp on white paper, then scan or photograph it",
        ));
    }
    let ink = ink_sum.map(|s| (s / ink_weight).round().clamp(0.0, 255.0) as u8);
    // Transparent pixels take the ink's colour (no dark fringes where a viewer interpolates
    // colour and mask separately); ink close to the average prints as the average.
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for (x, y, px) in out.enumerate_pixels_mut() {
        if px[3] == 0 || (0..3).all(|c| (i32::from(px[c]) - i32::from(ink[c])).abs() <= SNAP) {
            px.0[..3].copy_from_slice(&ink);
        }
        if px[3] >= 64 {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
    }
    let pad = 2;
    let (x0, y0) = (x0.saturating_sub(pad), y0.saturating_sub(pad));
    let (x1, y1) = ((x1 + pad).min(w - 1), (y1 + pad).min(h - 1));
    Ok(image::imageops::crop_imm(&out, x0, y0, x1 - x0 + 1, y1 - y0 + 1).to_image())
}

fn encode_png(rgba: &RgbaImage) -> Result<Vec<u8>, DocumentError> {
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Best, FilterType::Adaptive)
        .write_image(rgba.as_raw(), rgba.width(), rgba.height(), image::ExtendedColorType::Rgba8)
        .map_err(|e| invalid(format!("无法保存印章图片 / cannot encode the seal ({e})")))?;
    Ok(png)
}

/// Zlib (FlateDecode) compression, deterministic.
pub(crate) fn zlib(data: &[u8]) -> Result<Vec<u8>, DocumentError> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).map_err(|e| DocumentError::Pdf(e.to_string()))?;
    encoder.finish().map_err(|e| DocumentError::Pdf(e.to_string()))
}

/// 64-bit FNV-1a: a stable hash (the same on every run and machine).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_aspect() {
        assert_eq!(fit(1200, 600, 600), (600, 300));
        assert_eq!(fit(600, 1200, 600), (300, 600));
        assert_eq!(fit(8000, 1, 600), (600, 1));
    }
}
