//! A fixed-window request limit per API client (in memory, per process).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::error::ApiError;

/// Requests an API client may make per window.
pub struct ClientLimiter {
    per_window: u32,
    window: Duration,
    counts: Mutex<HashMap<Uuid, (Instant, u32)>>,
}

impl ClientLimiter {
    pub fn new(per_window: u32, window: Duration) -> Self {
        ClientLimiter { per_window, window, counts: Mutex::new(HashMap::new()) }
    }

    /// Counts a request; 429 with the seconds until the window ends when over.
    pub fn check(&self, client: Uuid) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut counts = self.counts.lock().map_err(|_| ApiError::Internal("limiter poisoned".into()))?;
        let entry = counts.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > self.per_window {
            let retry = self.window.saturating_sub(now.duration_since(entry.0)).as_secs().max(1);
            return Err(ApiError::TooManyRequests { retry_after_secs: retry });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_the_limit_is_429_until_the_window_ends() {
        let l = ClientLimiter::new(3, Duration::from_secs(60));
        let c = Uuid::nil();
        for _ in 0..3 {
            assert!(l.check(c).is_ok());
        }
        assert!(matches!(l.check(c), Err(ApiError::TooManyRequests { retry_after_secs }) if retry_after_secs <= 60));
        assert!(l.check(Uuid::max()).is_ok(), "limits are per client");
    }
}
