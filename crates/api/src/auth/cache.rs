//! Short-lived caches (`moka`, bounded in size and age). Sessions: a request
//! costs no database round trip for its caller; every change that ends
//! sessions (sign-out, password change, disable, reset, a refresh replay)
//! evicts the account at once here and, through `revocation`, on every
//! other instance; [`TTL`] bounds what a lost notification could cost.

use std::time::Duration;

use cme_store::repo::account::Account;
use moka::sync::Cache;
use uuid::Uuid;

/// How long a looked-up session is trusted without asking the database.
pub const TTL: Duration = Duration::from_secs(5);
const MAX_ENTRIES: u64 = 50_000;

/// (account, session) → the account as last read.
pub struct SessionCache {
    entries: Cache<(Uuid, Uuid), Account>,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache {
            entries: Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(TTL)
                .support_invalidation_closures()
                .build(),
        }
    }
}

impl SessionCache {
    pub fn get(&self, account: Uuid, session: Uuid) -> Option<Account> {
        self.entries.get(&(account, session))
    }

    pub fn put(&self, account: Account, session: Uuid) {
        self.entries.insert((account.id, session), account);
    }

    /// Forgets every session (the notifications that evict may have been missed).
    pub fn clear(&self) {
        self.entries.invalidate_all();
    }

    /// Forgets every session of an account: no `get` returns one after this.
    pub fn evict(&self, account: Uuid) {
        if self.entries.invalidate_entries_if(move |(a, _), _| *a == account).is_err() {
            // Only if closures were not enabled at build time; drop everything then.
            self.entries.invalidate_all();
        }
    }
}

/// Organisation names for `/me` and account lists (they change rarely).
pub struct NameCache {
    entries: Cache<Uuid, String>,
}

impl Default for NameCache {
    fn default() -> Self {
        NameCache { entries: Cache::builder().max_capacity(MAX_ENTRIES).time_to_live(Duration::from_secs(60)).build() }
    }
}

impl NameCache {
    pub fn get(&self, id: Uuid) -> Option<String> {
        self.entries.get(&id)
    }

    pub fn put(&self, id: Uuid, name: String) {
        self.entries.insert(id, name);
    }
}

/// Unit levels (they change rarely; a change reaches the unit's accounts
/// within a minute).
pub struct LevelCache {
    entries: Cache<Uuid, cme_domain::org::UnitLevel>,
}

impl Default for LevelCache {
    fn default() -> Self {
        LevelCache { entries: Cache::builder().max_capacity(MAX_ENTRIES).time_to_live(Duration::from_secs(60)).build() }
    }
}

impl LevelCache {
    pub fn get(&self, unit: Uuid) -> Option<cme_domain::org::UnitLevel> {
        self.entries.get(&unit)
    }

    pub fn put(&self, unit: Uuid, level: cme_domain::org::UnitLevel) {
        self.entries.insert(unit, level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicting_an_account_forgets_its_sessions_only() {
        let cache = SessionCache::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let account = |id| Account {
            id,
            username: "u".to_owned(),
            role: cme_domain::auth::Role::Unit,
            scope: cme_domain::auth::Scope::Province,
            display_name: String::new(),
            must_change_password: false,
            disabled: false,
            has_password: true,
            password_changed_at: None,
            row_version: 1,
            created_at: chrono::Utc::now(),
        };
        cache.put(account(a), Uuid::nil());
        cache.put(account(a), Uuid::max());
        cache.put(account(b), Uuid::nil());
        cache.evict(a);
        assert!(cache.get(a, Uuid::nil()).is_none());
        assert!(cache.get(a, Uuid::max()).is_none());
        assert_eq!(cache.get(b, Uuid::nil()).map(|x| x.id), Some(b));
    }
}
