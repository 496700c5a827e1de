//! QR codes as vector rectangles: the one QR routine of the certificates and the composed
//! documents.

use crate::error::DocumentError;

/// The dark modules of a QR code of `data` (error correction level M) as rectangles, one per
/// horizontal run, with the 4-module quiet zone, filling the square at (`x`, `y`) of side
/// `side` points (y downwards).
///
/// # Errors
/// [`DocumentError::InvalidInput`] naming `field` if `data` does not fit a QR code.
pub(crate) fn modules(
    field: &str,
    data: &str,
    x: f32,
    y: f32,
    side: f32,
) -> Result<Vec<(f32, f32, f32, f32)>, DocumentError> {
    const QUIET: f32 = 4.0;
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| DocumentError::InvalidInput { field: field.to_owned(), reason: e.to_string() })?;
    let n = code.width();
    let colors = code.to_colors();
    let module = side / (n as f32 + 2.0 * QUIET);
    let mut rects = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                rects.push((
                    x + (QUIET + start as f32) * module,
                    y + (QUIET + row as f32) * module,
                    (col - start) as f32 * module,
                    module,
                ));
            } else {
                col += 1;
            }
        }
    }
    Ok(rects)
}
