//! Request limits per key (an API client, a hashed client address), in
//! memory and per process: the GCRA of `governor`, a burst of the whole
//! allowance and then one request per share of the minute. The keyed state
//! is bounded: every [`SWEEP_EVERY`] checks, keys whose allowance has grown
//! back to full are forgotten, so memory follows the keys seen in the last
//! minute, not every key ever seen.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::error::ApiError;

/// How many checks pass between two sweeps of the keyed state.
pub const SWEEP_EVERY: u32 = 1_024;

/// At most `per_minute` requests a minute per key.
pub struct Limiter<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    inner: RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    checks: AtomicU32,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub fn per_minute(per_minute: u32) -> Self {
        Self::with_clock(per_minute, DefaultClock::default())
    }
}

impl<K: Hash + Eq + Clone, C: Clock + Clone> Limiter<K, C> {
    /// A limiter on the given clock (a fake one in tests).
    pub fn with_clock(per_minute: u32, clock: C) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Limiter { inner: RateLimiter::dashmap_with_clock(quota, clock.clone()), clock, checks: AtomicU32::new(0) }
    }

    /// Counts a request; 429 with the seconds until the next is allowed.
    pub fn check(&self, key: &K) -> Result<(), ApiError> {
        if self.checks.fetch_add(1, Ordering::Relaxed).is_multiple_of(SWEEP_EVERY) {
            self.inner.retain_recent();
            self.inner.shrink_to_fit();
        }
        self.inner.check_key(key).map_err(|not_until| ApiError::TooManyRequests {
            retry_after_secs: not_until.wait_time_from(self.clock.now()).as_secs().max(1),
        })
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn over_the_limit_is_429_until_the_window_ends() {
        let l = Limiter::per_minute(3);
        let c = Uuid::nil();
        for _ in 0..3 {
            assert!(l.check(&c).is_ok());
        }
        assert!(matches!(l.check(&c), Err(ApiError::TooManyRequests { retry_after_secs }) if retry_after_secs <= 60));
        assert!(l.check(&Uuid::max()).is_ok(), "limits are per client");
    }

    #[test]
    fn the_allowance_grows_back_and_idle_keys_are_forgotten() {
        let clock = FakeRelativeClock::default();
        let l = Limiter::with_clock(60, clock.clone());
        for k in 0..SWEEP_EVERY {
            assert!(l.check(&k).is_ok());
        }
        assert_eq!(l.len(), SWEEP_EVERY as usize, "every key seen is held for now");
        for _ in 0..59 {
            assert!(l.check(&0).is_ok());
        }
        assert!(l.check(&0).is_err(), "the 61st request within the minute is refused");
        clock.advance(Duration::from_secs(1));
        assert!(l.check(&0).is_ok(), "one a second comes back");
        clock.advance(Duration::from_secs(120));
        // The next check sweeps: every key is idle and full again.
        while !l.checks.load(Ordering::Relaxed).is_multiple_of(SWEEP_EVERY) {
            let _ = l.check(&u32::MAX);
        }
        let _ = l.check(&u32::MAX);
        assert!(l.len() <= 1, "idle keys are forgotten, {} held", l.len());
    }
}
