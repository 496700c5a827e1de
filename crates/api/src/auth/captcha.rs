//! The trainee centre's image captcha: random text drawn with noise; the
//! store keeps only a hash of the answer, single use, expiring.

use base64::Engine as _;

/// How long a captcha may be answered.
pub const CAPTCHA_TTL_SECS: i64 = 300;

/// The characters drawn: no 0/O, 1/l/I (people read these on phones), and
/// no L, which the crate's font lacks (it would silently draw one fewer).
const CHARS: &str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Draws a new captcha: (answer, `data:` URL of a PNG).
///
/// The `captcha` crate without its audio feature draws it on image 0.24's
/// PNG codec alone: 36 crates, where captcha-rs pulled imageproc, rayon, an
/// FFT library and image's every codec (the AV1 encoder rav1e among them).
pub fn draw() -> (String, String) {
    use captcha::filters::{Dots, Noise, Wave};
    let chars: Vec<char> = CHARS.chars().collect();
    let mut c = captcha::Captcha::new();
    c.set_chars(&chars)
        .add_chars(5)
        .apply_filter(Noise::new(0.1))
        .apply_filter(Wave::new(2.0, 20.0).horizontal())
        .apply_filter(Wave::new(2.0, 20.0).vertical())
        // 3:1, as the sign-in page shows it (120×40).
        .view(210, 70)
        .apply_filter(Dots::new(6));
    let png = c.as_png().unwrap_or_default();
    let url = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png));
    (c.chars_as_string(), url)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five characters of the readable set, and a PNG that decodes.
    #[test]
    fn draws_a_png_of_five_readable_characters() {
        // The font has every character: never fewer than five.
        for _ in 0..200 {
            assert_eq!(draw().0.chars().count(), 5);
        }
        let (answer, url) = draw();
        assert_eq!(answer.chars().count(), 5);
        assert!(answer.chars().all(|c| CHARS.contains(c)), "{answer}");
        let b64 = url.strip_prefix("data:image/png;base64,").unwrap_or_default();
        let png = base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default();
        let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png);
        let (w, h) = image.map(|i| (i.width(), i.height())).unwrap_or_default();
        assert_eq!((w, h), (210, 70));
        assert_ne!(draw().0, answer, "random");
    }
}
