//! Request limits per key (an API client, a keyed hash of a client's
//! address), held in the database (`store::repo::rate_limit`: a sliding
//! minute), so that every instance of the server behind a balancer counts
//! the same hits: two instances allow a key its limit once, not twice.
//!
//! It replaced an in-process `governor` limiter (issue 18); the cost is one
//! upsert per limited request (public lookups and API clients only).

use chrono::Utc;
use cme_store::ConnectionTrait;
use cme_store::repo::rate_limit;

use crate::error::ApiError;

/// At most `per_minute` requests a minute per key of one kind.
#[derive(Debug, Clone, Copy)]
pub struct Limiter {
    /// The kind of key, which prefixes it (`public`, `client`).
    kind: &'static str,
    per_minute: u32,
}

impl Limiter {
    pub fn per_minute(kind: &'static str, per_minute: u32) -> Self {
        Limiter { kind, per_minute: per_minute.max(1) }
    }

    /// Counts a request of `key`; 429 with the seconds until the next is
    /// allowed. The key must not be personal data (hash an address first).
    pub async fn check(&self, db: &impl ConnectionTrait, key: &str) -> Result<(), ApiError> {
        let key = format!("{}:{key}", self.kind);
        match rate_limit::hit(db, &key, Utc::now(), self.per_minute).await? {
            Ok(()) => Ok(()),
            Err(refused) => {
                tracing::info!(limit = self.kind, "rate limit refused a request");
                Err(ApiError::TooManyRequests { retry_after_secs: refused.retry_after_secs })
            }
        }
    }
}
