//! Password hashing: argon2id at OWASP's minimum (19 MiB, t=2, p=1), run off
//! the async workers (each hash costs ~20 ms of CPU).

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore as _;

use crate::error::ApiError;

fn argon2() -> Result<Argon2<'static>, ApiError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password (blocking: call through [`hash_blocking`] on a server).
pub fn hash(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::Internal(e.to_string()))?;
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// A fixed hash of a random password, verified against when the user does
/// not exist, so unknown users and wrong passwords cost the same time.
static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut pw = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut pw);
    hash(&base64::Engine::encode(&base64::engine::general_purpose::STANDARD, pw)).unwrap_or_default()
});

/// Whether `password` matches `stored` (a PHC string); with no stored hash,
/// verifies against a dummy and answers false. Blocking: on a server, call
/// [`verify_blocking`].
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    if let Some(otp) = stored.and_then(|s| s.strip_prefix(ONE_TIME_PREFIX)) {
        return verify_one_time(password, otp);
    }
    let (target, real) = match stored {
        Some(s) => (s, true),
        None => (DUMMY.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(target) else { return false };
    let Ok(a) = argon2() else { return false };
    a.verify_password(password.as_bytes(), &parsed).is_ok() && real
}

/// The stored form of a one-time password made by [`hash_one_time`]:
/// `$cme-otp-sha256$<salt hex>$<digest hex>`.
const ONE_TIME_PREFIX: &str = "$cme-otp-sha256$";

/// Hashes a one-time password that [`generate_initial`] made, for an
/// account that must change it at its first sign-in (units opened from a
/// file, up to 2,000 at once): a salted SHA-256, as API client secrets are
/// kept. Key stretching buys nothing for a random secret of about 70 bits
/// (12 characters of 56, plus a fixed tail), and argon2 at 20 ms each
/// would keep an import of 2,000 units busy for 40 s of CPU. The first
/// password change replaces it with an argon2id hash.
pub fn hash_one_time(password: &str) -> String {
    use sha2::Digest as _;
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let digest = sha2::Sha256::new().chain_update(salt).chain_update(password.as_bytes()).finalize();
    format!("{ONE_TIME_PREFIX}{}${}", hex(&salt), hex(&digest))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn verify_one_time(password: &str, stored: &str) -> bool {
    use sha2::Digest as _;
    use subtle::ConstantTimeEq as _;
    let Some((salt_hex, digest_hex)) = stored.split_once('$') else { return false };
    let Some(salt) = unhex(salt_hex) else { return false };
    let Some(expected) = unhex(digest_hex) else { return false };
    let digest = sha2::Sha256::new().chain_update(&salt).chain_update(password.as_bytes()).finalize();
    bool::from(digest.as_slice().ct_eq(expected.as_slice()))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// At most this many argon2 computations at once (each holds 19 MiB): a
/// flood of sign-ins queues here instead of exhausting memory.
static PERMITS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get).max(2))
});

/// Hashes on the blocking pool.
pub async fn hash_blocking(password: String) -> Result<String, ApiError> {
    let _permit = PERMITS.acquire().await.map_err(|e| ApiError::Internal(e.to_string()))?;
    actix_web::web::block(move || hash(&password)).await.map_err(|e| ApiError::Internal(e.to_string()))?
}

/// Verifies on the blocking pool.
pub async fn verify_blocking(password: String, stored: Option<String>) -> bool {
    let Ok(_permit) = PERMITS.acquire().await else { return false };
    actix_web::web::block(move || verify(&password, stored.as_deref())).await.unwrap_or(false)
}

/// The password rule: at least 10 characters with letters and digits, and
/// not the demo password.
pub fn check_strength(password: &str) -> Result<(), ApiError> {
    let long = password.chars().count() >= 10;
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    if !(long && letters && digits) || password.chars().count() > 128 {
        return Err(ApiError::field("new_password", "密码须为 10–128 个字符，且同时包含字母和数字"));
    }
    if password == crate::auth::DEMO_PASSWORD {
        return Err(ApiError::field("new_password", "不能使用演示密码"));
    }
    Ok(())
}

/// A random one-time password for a new or reset account.
pub fn generate_initial() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let mut out: String = (0..12).map(|_| char::from(ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()])).collect();
    // Guarantee the rule's letters and digits.
    out.push('7');
    out.push('k');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_unknown_users_fail() {
        let h = hash("correct horse 42").unwrap_or_default();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse 42", Some(&h)));
        assert!(!verify("wrong horse 42", Some(&h)));
        assert!(!verify("correct horse 42", None));
    }

    #[test]
    fn one_time_passwords_verify_once_hashed_fast() {
        let pw = generate_initial();
        let h = hash_one_time(&pw);
        assert!(h.starts_with("$cme-otp-sha256$") && !h.contains(&pw));
        assert!(verify(&pw, Some(&h)));
        assert!(!verify("wrong horse 42", Some(&h)));
        assert!(!verify(&pw, Some("$cme-otp-sha256$zz$00")));
        assert_ne!(hash_one_time(&pw), h, "salted");
    }

    #[test]
    fn the_rule_and_generated_passwords() {
        assert!(check_strength("short1").is_err());
        assert!(check_strength("onlyletterslong").is_err());
        assert!(check_strength("letters and 123").is_ok());
        assert!(check_strength(&generate_initial()).is_ok());
    }
}
