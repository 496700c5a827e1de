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
    let (target, real) = match stored {
        Some(s) => (s, true),
        None => (DUMMY.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(target) else { return false };
    let Ok(a) = argon2() else { return false };
    a.verify_password(password.as_bytes(), &parsed).is_ok() && real
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
    fn the_rule_and_generated_passwords() {
        assert!(check_strength("short1").is_err());
        assert!(check_strength("onlyletterslong").is_err());
        assert!(check_strength("letters and 123").is_ok());
        assert!(check_strength(&generate_initial()).is_ok());
    }
}
