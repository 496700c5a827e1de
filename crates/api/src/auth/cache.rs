//! A short-lived cache of authenticated sessions, so a request costs no
//! database round trip for its caller. Every change that ends sessions in
//! this process (sign-out, password change, disable, reset, a refresh
//! replay) evicts the account at once; another instance of the server sees
//! such a change within [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cme_store::repo::account::Account;
use uuid::Uuid;

/// How long a looked-up session is trusted without asking the database.
pub const TTL: Duration = Duration::from_secs(5);
const MAX_ENTRIES: usize = 50_000;

/// (account, session) → the account as last read, and when.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<(Uuid, Uuid), (Instant, Account)>>,
}

impl SessionCache {
    pub fn get(&self, account: Uuid, session: Uuid) -> Option<Account> {
        let entries = self.entries.lock().ok()?;
        let (at, a) = entries.get(&(account, session))?;
        (at.elapsed() < TTL).then(|| a.clone())
    }

    pub fn put(&self, account: Account, session: Uuid) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (at, _)| at.elapsed() < TTL);
            }
            entries.insert((account.id, session), (Instant::now(), account));
        }
    }

    /// Forgets every session of an account.
    pub fn evict(&self, account: Uuid) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(a, _), _| *a != account);
        }
    }
}

/// Organisation names for `/me` and account lists (they change rarely).
#[derive(Default)]
pub struct NameCache {
    entries: Mutex<HashMap<Uuid, (Instant, String)>>,
}

impl NameCache {
    const TTL: Duration = Duration::from_secs(60);

    pub fn get(&self, id: Uuid) -> Option<String> {
        let entries = self.entries.lock().ok()?;
        let (at, name) = entries.get(&id)?;
        (at.elapsed() < Self::TTL).then(|| name.clone())
    }

    pub fn put(&self, id: Uuid, name: String) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(id, (Instant::now(), name));
        }
    }
}
