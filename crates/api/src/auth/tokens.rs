//! Access tokens: short-lived JWTs, HS256 pinned, `iss`, `aud`, `exp` and
//! `nbf` checked, one audience per purpose. Refresh tokens are opaque random
//! strings stored hashed by the store, never JWTs.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ApiError;

pub const ISSUER: &str = "cme.yunnan";
/// Audience of a person's access token.
pub const AUD_ACCESS: &str = "cme:access";
/// Audience of an outside system's access token (client credentials).
pub const AUD_CLIENT: &str = "cme:client";
/// Access tokens live 15 minutes.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;

/// A one-time download address of a batch print (`sub` the job, `sid`
/// the account): the browser's download manager fetches it, streaming the
/// file to disk, and it carries no bearer token. Never an access token.
pub const AUD_PRINT_FILE: &str = "cme:print-file";
/// How long a download address works.
pub const PRINT_FILE_TTL_SECS: i64 = 120;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The account or API client id.
    pub sub: Uuid,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// The sign-in session (refresh-token family) a person's token belongs
    /// to: signing out ends it at once, not when the token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    /// From a secret of at least 32 bytes.
    pub fn new(secret: &[u8]) -> Self {
        TokenKeys { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// Issues an access token for `sub` with the audience of its purpose.
    pub fn issue(&self, sub: Uuid, audience: &str, sid: Option<Uuid>) -> Result<(String, i64), ApiError> {
        self.issue_for(sub, audience, sid, ACCESS_TTL_SECS)
    }

    /// A token of `audience` living `ttl` seconds.
    pub fn issue_for(&self, sub: Uuid, audience: &str, sid: Option<Uuid>, ttl: i64) -> Result<(String, i64), ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: audience.to_owned(),
            sub,
            iat: now,
            nbf: now,
            exp: now + ttl,
            jti: Uuid::new_v4(),
            sid,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok((token, ttl))
    }

    /// Checks a token for one of `audiences`: the algorithm is pinned (no
    /// `none`, no algorithm confusion), and `exp`, `nbf`, `iss` and `aud`
    /// must all be present and right.
    pub fn verify(&self, token: &str, audiences: &[&str]) -> Result<Claims, ApiError> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[ISSUER]);
        v.set_audience(audiences);
        v.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        v.validate_nbf = true;
        v.leeway = 5;
        decode::<Claims>(token, &self.decoding, &v).map(|d| d.claims).map_err(|_| ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32])
    }

    fn forge(claims: &serde_json::Value, alg: &str, key: &[u8]) -> String {
        use hmac::{Hmac, Mac as _};
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{body}");
        if alg == "none" {
            return format!("{signing_input}.");
        }
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        mac.update(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    fn claims(offset_nbf: i64, offset_exp: i64, aud: &str) -> serde_json::Value {
        let now = Utc::now().timestamp();
        serde_json::json!({"iss": ISSUER, "aud": aud, "sub": Uuid::nil(), "iat": now,
                           "nbf": now + offset_nbf, "exp": now + offset_exp, "jti": Uuid::nil()})
    }

    #[test]
    fn a_good_token_verifies() {
        let (t, ttl) = keys().issue(Uuid::nil(), AUD_ACCESS, None).unwrap_or_default();
        assert_eq!(ttl, 900);
        assert!(keys().verify(&t, &[AUD_ACCESS]).is_ok());
        let forged = forge(&claims(0, 60, AUD_ACCESS), "HS256", &[7u8; 32]);
        assert!(keys().verify(&forged, &[AUD_ACCESS]).is_ok(), "the forge helper itself must be right");
    }

    #[test]
    fn jwt_negatives_are_refused() {
        let k = keys();
        let bad = [
            ("alg none", forge(&claims(0, 60, AUD_ACCESS), "none", b"")),
            ("wrong key", forge(&claims(0, 60, AUD_ACCESS), "HS256", &[8u8; 32])),
            ("HS512", forge(&claims(0, 60, AUD_ACCESS), "HS512", &[7u8; 32])),
            ("expired", forge(&claims(-120, -60, AUD_ACCESS), "HS256", &[7u8; 32])),
            ("not yet valid", forge(&claims(600, 900, AUD_ACCESS), "HS256", &[7u8; 32])),
            ("wrong audience", forge(&claims(0, 60, AUD_CLIENT), "HS256", &[7u8; 32])),
            ("garbage", "not.a.jwt".to_owned()),
        ];
        for (what, token) in bad {
            assert!(k.verify(&token, &[AUD_ACCESS]).is_err(), "{what} was accepted");
        }
        let mut no_exp = claims(0, 60, AUD_ACCESS);
        no_exp.as_object_mut().map(|o| o.remove("exp"));
        assert!(k.verify(&forge(&no_exp, "HS256", &[7u8; 32]), &[AUD_ACCESS]).is_err());
    }
}
