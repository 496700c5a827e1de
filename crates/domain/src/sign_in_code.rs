//! The rotating sign-in code of a CME activity (签到码).
//!
//! The screen at the event shows a QR code that changes every minute. Its
//! text is `base64url_nopad(activity id (16 bytes) ‖ window (u32, big-endian)
//! ‖ tag)`, 48 characters, where `window = unix seconds / 60` and `tag` is the
//! first 16 bytes of `HMAC-SHA256(key, activity id ‖ window)`. Nothing is
//! stored: the server recomputes the tag.
//!
//! A code is accepted in its own window and in the next one (a code read at
//! second 59 still works when the phone sends it), never later, so a photo
//! of the screen is useless a couple of minutes afterwards. A code one
//! window ahead is tolerated too (server clocks a little apart).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use uuid::Uuid;

use crate::ids::ActivityId;

type HmacSha256 = Hmac<Sha256>;

/// How long one code is shown before the next replaces it.
pub const WINDOW_SECS: i64 = 60;
/// The bytes of a code before base64: id, window, tag.
const CODE_LEN: usize = 16 + 4 + TAG_LEN;
const TAG_LEN: usize = 16;

/// The key that signs sign-in codes, derived from the server's secret.
#[derive(Clone)]
pub struct SignInKey([u8; 32]);

impl std::fmt::Debug for SignInKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInKey(..)")
    }
}

impl SignInKey {
    /// A key of its own ([`crate::keys::Purpose::ActivitySignIn`]), so a
    /// sign-in code can never stand for an access token or the reverse.
    pub fn derive(secret: &[u8]) -> Self {
        SignInKey(crate::keys::derive(secret, crate::keys::Purpose::ActivitySignIn))
    }
}

fn mac(key: &[u8]) -> HmacSha256 {
    crate::keys::mac(key)
}

fn tagger(key: &SignInKey, id: ActivityId, window: u32) -> HmacSha256 {
    let mut mac = mac(&key.0);
    mac.update(id.0.as_bytes());
    mac.update(&window.to_be_bytes());
    mac
}

/// The window `now` falls in.
fn window_of(now: DateTime<Utc>) -> u32 {
    u32::try_from(now.timestamp().div_euclid(WINDOW_SECS)).unwrap_or(0)
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// A code and the times the screen needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    pub code: String,
    /// When this code's window began (the next code comes 60 s later).
    pub window_started_at: DateTime<Utc>,
    /// When this code stops being accepted (the end of the next window).
    pub expires_at: DateTime<Utc>,
}

/// Why a code is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not a code at all, or altered, or signed with another key.
    #[error("签到码无效")]
    Invalid,
    /// A genuine code whose time has passed.
    #[error("签到码已过期，请扫描现场的最新签到码")]
    Expired,
}

/// The code of `id` for the window `now` falls in.
pub fn issue(key: &SignInKey, id: ActivityId, now: DateTime<Utc>) -> IssuedCode {
    let window = window_of(now);
    let tag = tagger(key, id, window).finalize().into_bytes();
    let mut bytes = Vec::with_capacity(CODE_LEN);
    bytes.extend_from_slice(id.0.as_bytes());
    bytes.extend_from_slice(&window.to_be_bytes());
    bytes.extend_from_slice(&tag[..TAG_LEN]);
    let start = i64::from(window) * WINDOW_SECS;
    IssuedCode {
        code: URL_SAFE_NO_PAD.encode(bytes),
        window_started_at: at(start),
        expires_at: at(start + 2 * WINDOW_SECS),
    }
}

/// The activity a code names, if it is genuine and current at `now`.
pub fn verify(key: &SignInKey, code: &str, now: DateTime<Utc>) -> Result<ActivityId, CodeError> {
    let bytes = URL_SAFE_NO_PAD.decode(code.trim()).map_err(|_| CodeError::Invalid)?;
    if bytes.len() != CODE_LEN {
        return Err(CodeError::Invalid);
    }
    let (id, rest) = bytes.split_at(16);
    let (window, tag) = rest.split_at(4);
    let id = ActivityId(Uuid::from_slice(id).map_err(|_| CodeError::Invalid)?);
    let window = u32::from_be_bytes(window.try_into().map_err(|_| CodeError::Invalid)?);
    // Constant-time comparison of the tag, before anything about time is said.
    tagger(key, id, window).verify_truncated_left(tag).map_err(|_| CodeError::Invalid)?;
    let current = i64::from(window_of(now));
    match current - i64::from(window) {
        -1..=1 => Ok(id),
        d if d > 1 => Err(CodeError::Expired),
        _ => Err(CodeError::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t(seconds: i64) -> DateTime<Utc> {
        at(seconds)
    }

    fn key() -> SignInKey {
        SignInKey::derive(&[9u8; 32])
    }

    #[test]
    fn a_code_names_its_activity_in_its_window_and_the_next() {
        let id = ActivityId::new();
        // Second 59 of a window (1_800_000_000 is a multiple of 60).
        let now = t(1_800_000_059);
        let issued = issue(&key(), id, now);
        assert_eq!(issued.code.len(), 48);
        assert_eq!(issued.window_started_at, now - Duration::seconds(59));
        assert_eq!(issued.expires_at, issued.window_started_at + Duration::seconds(120));
        assert_eq!(verify(&key(), &issued.code, now), Ok(id));
        assert_eq!(verify(&key(), &issued.code, now + Duration::seconds(1)), Ok(id), "next window");
        assert_eq!(verify(&key(), &issued.code, now + Duration::seconds(60)), Ok(id), "end of the next window");
    }

    #[test]
    fn an_old_code_has_expired() {
        let id = ActivityId::new();
        let now = t(1_800_000_000);
        let old = issue(&key(), id, now - Duration::seconds(120));
        assert_eq!(verify(&key(), &old.code, now), Err(CodeError::Expired));
        let older = issue(&key(), id, now - Duration::hours(3));
        assert_eq!(verify(&key(), &older.code, now), Err(CodeError::Expired));
        // Exactly at expires_at it is gone.
        let issued = issue(&key(), id, now);
        assert_eq!(verify(&key(), &issued.code, issued.expires_at), Err(CodeError::Expired));
        assert_eq!(verify(&key(), &issued.code, issued.expires_at - Duration::seconds(1)), Ok(id));
    }

    #[test]
    fn a_tampered_code_is_invalid() {
        let id = ActivityId::new();
        let now = t(1_800_000_000);
        let code = issue(&key(), id, now).code;
        let mut bytes = URL_SAFE_NO_PAD.decode(&code).unwrap_or_default();
        for i in [0, 17, 19, 20, 35] {
            let mut altered = bytes.clone();
            altered[i] ^= 1;
            assert_eq!(verify(&key(), &URL_SAFE_NO_PAD.encode(&altered), now), Err(CodeError::Invalid), "byte {i}");
        }
        // Moving the window forward to escape expiry breaks the tag.
        let later_window = (window_of(now) + 5).to_be_bytes();
        bytes[16..20].copy_from_slice(&later_window);
        assert_eq!(
            verify(&key(), &URL_SAFE_NO_PAD.encode(&bytes), now + Duration::minutes(5)),
            Err(CodeError::Invalid)
        );
        assert_eq!(verify(&key(), "", now), Err(CodeError::Invalid));
        assert_eq!(verify(&key(), "not base64 !", now), Err(CodeError::Invalid));
        assert_eq!(verify(&key(), &code[..40], now), Err(CodeError::Invalid));
    }

    #[test]
    fn a_code_for_another_activity_or_key_is_invalid() {
        let (a, b) = (ActivityId::new(), ActivityId::new());
        let now = t(1_800_000_000);
        let code_a = issue(&key(), a, now).code;
        let code_b = issue(&key(), b, now).code;
        assert_eq!(verify(&key(), &code_b, now), Ok(b));
        assert_ne!(verify(&key(), &code_a, now), Ok(b));
        // Splicing a's id onto b's tag does not make a valid code.
        let mut spliced = URL_SAFE_NO_PAD.decode(&code_b).unwrap_or_default();
        spliced[..16].copy_from_slice(a.0.as_bytes());
        assert_eq!(verify(&key(), &URL_SAFE_NO_PAD.encode(&spliced), now), Err(CodeError::Invalid));
        let other_key = SignInKey::derive(&[7u8; 32]);
        assert_eq!(verify(&other_key, &code_a, now), Err(CodeError::Invalid));
    }

    #[test]
    fn codes_rotate_every_minute() {
        let id = ActivityId::new();
        let now = t(1_800_000_000);
        let first = issue(&key(), id, now);
        assert_eq!(issue(&key(), id, now + Duration::seconds(59 - now.timestamp() % 60)).code, first.code);
        let next = issue(&key(), id, first.window_started_at + Duration::seconds(60));
        assert_ne!(next.code, first.code);
        // A code from the future (another server's clock) is tolerated by one window only.
        assert_eq!(verify(&key(), &next.code, first.window_started_at), Ok(id));
        let far = issue(&key(), id, first.window_started_at + Duration::seconds(120));
        assert_eq!(verify(&key(), &far.code, first.window_started_at), Err(CodeError::Invalid));
    }

    #[test]
    fn the_key_is_not_the_secret() {
        let secret = [9u8; 32];
        assert_ne!(SignInKey::derive(&secret).0, secret);
        assert_eq!(format!("{:?}", key()), "SignInKey(..)");
    }
}
