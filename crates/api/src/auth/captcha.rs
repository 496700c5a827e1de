//! The trainee centre's image captcha: random text drawn with noise; the
//! store keeps only a hash of the answer, single use, expiring.

use base64::Engine as _;

/// How long a captcha may be answered.
pub const CAPTCHA_TTL_SECS: i64 = 300;

/// Draws a new captcha: (answer, `data:` URL of the image).
pub fn draw() -> (String, String) {
    // No 0/O, 1/l/I: people read these on phones.
    let chars: Vec<char> = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".chars().collect();
    let c = captcha_rs::CaptchaBuilder::new()
        .chars(chars)
        .length(5)
        .width(140)
        .height(44)
        .dark_mode(false)
        .complexity(2)
        .compression(60)
        .build();
    let image = c.to_base64();
    let url = if image.starts_with("data:") {
        image
    } else {
        format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(image))
    };
    (c.text.clone(), url)
}
