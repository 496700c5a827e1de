//! Repositories: entity rows in, domain types out.

pub mod account;
pub mod activity;
pub mod actor;
pub mod api_client;
pub mod audit;
pub mod captcha;
pub mod certificate;
pub mod compliance;
pub mod course;
pub mod credit;
pub mod credit_report;
pub mod cycle;
pub mod department;
pub mod evaluation;
pub mod evidence;
pub mod exclusive_run;
pub mod id_lookup;
pub mod idempotency;
pub mod key_ring;
pub mod login_failure;
pub mod notification;
pub mod outbox;
pub mod person;
pub mod print_job;
pub mod queues;
pub mod rate_limit;
pub mod refresh;
pub mod region;
pub mod review_job;
pub mod scope;
pub mod spot_check;
pub mod standard;
pub mod support;
pub mod title_correction;
pub mod transfer;
pub mod unit;
pub mod verification;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SubsecRound as _, Utc};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

pub(crate) use crate::entity::parse;

/// Now, at the microsecond precision both backends store.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The most rows one page of a list returns.
pub const MAX_PAGE: u64 = 200;

/// One page of a keyset-paginated list, ordered by id (UUIDv7, so by
/// creation; the audit log by `seq`, newest first). Pass `next` back as
/// `after` for the following page; `None` means this was the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C = Uuid> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

impl<T, C> Page<T, C> {
    /// Maps the items, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U, C> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}

/// `limit` clamped to 1..=[`MAX_PAGE`].
pub(crate) fn page_limit(limit: u64) -> u64 {
    limit.clamp(1, MAX_PAGE)
}

/// Cuts rows fetched with `limit + 1` down to a page and its cursor.
pub(crate) fn paginate<M, C>(mut rows: Vec<M>, limit: u64, id: impl Fn(&M) -> C) -> (Vec<M>, Option<C>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(&id);
        (rows, next)
    } else {
        (rows, None)
    }
}

/// A `LIKE` pattern matching `needle` anywhere, with its wildcards escaped
/// (escape character `\\`).
pub(crate) fn contains_pattern(needle: &str) -> sea_orm::sea_query::LikeExpr {
    let mut escaped = String::with_capacity(needle.len() + 2);
    escaped.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    sea_orm::sea_query::LikeExpr::new(escaped).escape('\\')
}

/// 32 random bytes in unpadded base64url: a bearer secret (refresh token,
/// client secret).
pub(crate) fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256, the stored form of random secrets.
pub(crate) fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}
