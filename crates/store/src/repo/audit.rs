//! The audit log: append-only and hash-chained under a key.
//!
//! Each entry gets the next `seq` (1, 2, 3 …, assigned here under a lock, so
//! the chain has no gaps) and `hash = HMAC-SHA256(key, prev_hash ‖ canonical
//! entry)`, where `prev_hash` is the previous entry's hash (32 zero bytes for
//! the first) and the key is derived from `CME_DATA_KEY`
//! ([`PiiCipher::audit_key`](crate::PiiCipher::audit_key), installed once
//! per process with [`use_key`]). Changing, inserting or deleting a row in
//! the middle breaks the chain from that row on, which [`verify_chain`]
//! reports; without the key nobody can recompute it. Entries written before
//! the chain was keyed carry the plain SHA-256 (`keyed = 0`); the first keyed
//! entry seals them, and no plain entry may follow a keyed one. (Cutting rows
//! off the end leaves a shorter valid chain: compare the head with a copy
//! kept elsewhere to detect that.) The database refuses UPDATE and DELETE on
//! the table (triggers), and the application never tries.
//!
//! `detail` is JSON; never put a plaintext ID number or a secret in it.

use chrono::{DateTime, Utc};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Role, Scope};
use cme_domain::ids::{RegionId, UnitId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DbBackend, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, Statement, TransactionSession as _, TransactionTrait,
};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use super::{Page, now, page_limit, paginate, parse, scope};
use crate::Constraint;
use crate::StoreError;
use crate::entity::audit_log;

/// The `prev_hash` of the first entry.
const GENESIS: [u8; 32] = [0; 32];

/// The key of the chain, for this process.
static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();

/// Installs the chain's key for this process (the first call wins: the key
/// is configuration, derived from the one data key). Every entry appended
/// afterwards is keyed; appending before it is an error.
pub fn use_key(key: [u8; 32]) {
    let _ = KEY.set(key);
}

fn key() -> Result<&'static [u8; 32], StoreError> {
    KEY.get().ok_or_else(|| StoreError::corrupt("the audit chain's key is not installed (audit::use_key)"))
}

/// The PostgreSQL advisory lock that serialises appends (any constant; this
/// one spells "audit").
const APPEND_LOCK: i64 = 0x61_75_64_69_74;

/// What happened, to append.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditEntry {
    pub actor_id: Option<Uuid>,
    /// The username or client id; for an anonymous event, what was claimed
    /// (e.g. the username of a failed sign-in) or `anonymous`.
    pub actor_name: String,
    pub actor_role: Option<Role>,
    pub ip: Option<String>,
    /// Dotted, e.g. `auth.login.success`, `auth.login.failure`, `account.create`.
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// Where it happened, for reading by jurisdiction.
    pub region_id: Option<RegionId>,
    pub unit_id: Option<UnitId>,
    /// The change, as JSON (`{}` when there is nothing to add).
    pub detail: serde_json::Value,
}

impl AuditEntry {
    /// An anonymous event (before anyone is known).
    pub fn new(action: AuditAction) -> Self {
        AuditEntry {
            actor_name: "anonymous".to_owned(),
            action: action.as_str().to_owned(),
            detail: serde_json::Value::Object(serde_json::Map::new()),
            ..AuditEntry::default()
        }
    }

    /// An event by `actor`, placed in the actor's organisation.
    pub fn by(actor: &Actor, action: AuditAction) -> Self {
        let (region_id, unit_id) = match actor.scope {
            Scope::Province => (None, None),
            Scope::Region(r) => (Some(r), None),
            Scope::Unit(u) | Scope::Department(u, _) | Scope::Person(u, _) => (None, Some(u)),
        };
        AuditEntry {
            actor_id: Some(actor.id),
            actor_name: actor.name.clone(),
            actor_role: Some(actor.role),
            region_id,
            unit_id,
            ..AuditEntry::new(action)
        }
    }

    /// The client's address.
    pub fn ip(mut self, ip: Option<&str>) -> Self {
        self.ip = ip.map(str::to_owned);
        self
    }

    /// What was acted on.
    pub fn target(mut self, kind: AuditTarget, id: impl ToString) -> Self {
        self.target_type = Some(kind.as_str().to_owned());
        self.target_id = Some(id.to_string());
        self
    }

    /// Where it happened (replacing the actor's organisation), e.g. the unit
    /// of the account that was changed.
    pub fn place(mut self, region_id: Option<RegionId>, unit_id: Option<UnitId>) -> Self {
        self.region_id = region_id;
        self.unit_id = unit_id;
        self
    }

    /// The change.
    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_role: Option<Role>,
    pub ip: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub region_id: Option<RegionId>,
    pub unit_id: Option<UnitId>,
    pub detail: serde_json::Value,
}

fn to_domain(m: audit_log::Model) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: m.seq,
        id: m.id,
        at: m.at,
        actor_id: m.actor_id,
        actor_name: m.actor_name,
        actor_role: m.actor_role.as_deref().map(parse).transpose()?,
        ip: m.ip,
        action: m.action,
        target_type: m.target_type,
        target_id: m.target_id,
        region_id: m.region_id.map(RegionId),
        unit_id: m.unit_id.map(UnitId),
        detail: serde_json::from_str(&m.detail).map_err(StoreError::corrupt)?,
    })
}

/// The canonical bytes of a row's content, chained onto `prev_hash`: every
/// column but the hashes, each length-prefixed (and tagged when nullable), so
/// no two different rows encode alike.
/// The entry's hash: an HMAC under `key`, or for an entry written before the
/// chain was keyed (`key` is `None`) the plain SHA-256.
fn chain_hash(prev_hash: &[u8], m: &audit_log::Model, key: Option<&[u8; 32]>) -> Vec<u8> {
    let canonical = canonical(prev_hash, m);
    match key {
        Some(key) => {
            use hmac::Mac as _;
            // HMAC takes keys of any length: this cannot fail.
            let mut mac = cme_domain::keys::mac(key);
            mac.update(b"cme/audit/chain/v1");
            mac.update(&canonical);
            mac.finalize().into_bytes().to_vec()
        }
        None => Sha256::digest(&canonical).to_vec(),
    }
}

/// The bytes an entry's hash covers (length-prefixed fields, in order).
fn canonical(prev_hash: &[u8], m: &audit_log::Model) -> Vec<u8> {
    fn field(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    fn optional(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
        match bytes {
            None => out.push(0),
            Some(b) => {
                out.push(1);
                field(out, b);
            }
        }
    }
    let mut out = Vec::with_capacity(256 + m.detail.len());
    field(&mut out, prev_hash);
    out.extend_from_slice(&m.seq.to_be_bytes());
    field(&mut out, m.id.as_bytes());
    field(&mut out, m.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string().as_bytes());
    optional(&mut out, m.actor_id.as_ref().map(|u| u.as_bytes().as_slice()));
    field(&mut out, m.actor_name.as_bytes());
    optional(&mut out, m.actor_role.as_deref().map(str::as_bytes));
    optional(&mut out, m.ip.as_deref().map(str::as_bytes));
    field(&mut out, m.action.as_bytes());
    optional(&mut out, m.target_type.as_deref().map(str::as_bytes));
    optional(&mut out, m.target_id.as_deref().map(str::as_bytes));
    optional(&mut out, m.region_id.as_ref().map(|u| u.as_bytes().as_slice()));
    optional(&mut out, m.unit_id.as_ref().map(|u| u.as_bytes().as_slice()));
    field(&mut out, m.detail.as_bytes());
    out
}

async fn append_once<C>(db: &C, entry: &AuditEntry) -> Result<i64, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let key = key()?;
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Held to the end of the (outermost) transaction. SQLite needs no
        // lock: it has one writer at a time.
        txn.query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"),
        ))
        .await?;
    }
    let last = audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).one(&txn).await?;
    let (seq, prev_hash) = match last {
        Some(last) => (last.seq + 1, last.hash),
        None => (1, GENESIS.to_vec()),
    };
    let mut row = audit_log::Model {
        seq,
        id: Uuid::now_v7(),
        at: now(),
        actor_id: entry.actor_id,
        actor_name: entry.actor_name.clone(),
        actor_role: entry.actor_role.map(|r| r.as_str().to_owned()),
        ip: entry.ip.clone(),
        action: entry.action.clone(),
        target_type: entry.target_type.clone(),
        target_id: entry.target_id.clone(),
        region_id: entry.region_id.map(|r| r.0),
        unit_id: entry.unit_id.map(|u| u.0),
        detail: serde_json::to_string(&entry.detail).map_err(StoreError::corrupt)?,
        prev_hash,
        hash: Vec::new(),
        keyed: 1,
    };
    row.hash = chain_hash(&row.prev_hash, &row, Some(key));
    audit_log::Entity::insert(audit_log::ActiveModel {
        seq: Set(row.seq),
        id: Set(row.id),
        at: Set(row.at),
        actor_id: Set(row.actor_id),
        actor_name: Set(row.actor_name),
        actor_role: Set(row.actor_role),
        ip: Set(row.ip),
        action: Set(row.action),
        target_type: Set(row.target_type),
        target_id: Set(row.target_id),
        region_id: Set(row.region_id),
        unit_id: Set(row.unit_id),
        detail: Set(row.detail),
        prev_hash: Set(row.prev_hash),
        hash: Set(row.hash),
        keyed: Set(1),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(seq)
}

/// Appends an entry at the end of the chain; returns its `seq`. Appends are
/// serialised (an advisory lock on PostgreSQL), so concurrent appends keep
/// `seq` gap-free and the chain valid. Inside a caller's transaction the
/// entry commits or rolls back with it.
pub async fn append<C>(db: &C, entry: &AuditEntry) -> Result<i64, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    // Belt and braces for a SQLite pool of several connections, where two
    // appends may read the same tail: the loser retries on the primary key.
    let mut attempts = 0;
    loop {
        match append_once(db, entry).await {
            Err(StoreError::Conflict { constraint })
                if constraint == Constraint::AuditLogSeq.name() && attempts < 5 =>
            {
                attempts += 1
            }
            other => return other,
        }
    }
}

/// The outcome of [`verify_chain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every entry links to the one before and hashes to its stored hash.
    Intact { entries: i64 },
    /// The first entry that is missing, altered or mislinked.
    Broken { seq: i64 },
}

/// Walks the whole chain from `seq` 1, recomputing every hash (under the
/// installed key; plain SHA-256 for entries from before the key, which no
/// keyed entry may precede).
pub async fn verify_chain(db: &impl ConnectionTrait) -> Result<ChainCheck, StoreError> {
    const BATCH: u64 = 1_000;
    let key = key()?;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS.to_vec();
    let mut keyed_seen = false;
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await?;
        let done = (rows.len() as u64) < BATCH;
        for row in rows {
            let keyed = row.keyed != 0;
            let downgraded = keyed_seen && !keyed;
            keyed_seen |= keyed;
            if row.seq != expected_seq
                || row.prev_hash != prev_hash
                || downgraded
                || chain_hash(&prev_hash, &row, keyed.then_some(key)) != row.hash
            {
                return Ok(ChainCheck::Broken { seq: expected_seq });
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
        if done {
            return Ok(ChainCheck::Intact { entries: expected_seq - 1 });
        }
    }
}

/// Which entries to read, beside the jurisdiction (every part optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Done by one of these accounts or clients (an empty list matches none).
    pub actor_ids: Option<Vec<Uuid>>,
    pub action: Option<AuditAction>,
    pub target: Option<AuditTarget>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
}

/// The entries that happened inside `scope` (see `scope::audit`) and match
/// `filter`, newest first, before the cursor `after_seq`; at most `limit`
/// (clamped to [`MAX_PAGE`](super::MAX_PAGE) unless `export`, which reads up
/// to [`MAX_EXPORT`]).
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &AuditFilter,
    after_seq: Option<i64>,
    limit: u64,
) -> Result<Page<AuditRecord, i64>, StoreError> {
    let limit = page_limit(limit);
    read(db, scope, filter, after_seq, limit).await
}

/// The most entries one export holds.
pub const MAX_EXPORT: u64 = 50_000;

/// Up to [`MAX_EXPORT`] entries for an export, newest first; `next` is set
/// when there were more.
pub async fn export(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &AuditFilter,
) -> Result<Page<AuditRecord, i64>, StoreError> {
    read(db, scope, filter, None, MAX_EXPORT).await
}

async fn read(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &AuditFilter,
    after_seq: Option<i64>,
    limit: u64,
) -> Result<Page<AuditRecord, i64>, StoreError> {
    let mut query = audit_log::Entity::find().filter(scope::audit(scope));
    if let Some(after) = after_seq {
        query = query.filter(audit_log::Column::Seq.lt(after));
    }
    if let Some(ids) = &filter.actor_ids {
        query = query.filter(audit_log::Column::ActorId.is_in(ids.iter().copied()));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(target) = filter.target {
        query = query.filter(audit_log::Column::TargetType.eq(target.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::Column::At.lt(until));
    }
    let rows = query.order_by_desc(audit_log::Column::Seq).limit(limit + 1).all(db).await?;
    let (rows, next) = paginate(rows, limit, |m| m.seq);
    Ok(Page { items: rows.into_iter().map(to_domain).collect::<Result<_, _>>()?, next })
}

/// The last entry's `seq` and hash (the head of the chain), to keep a copy
/// elsewhere; `None` when the log is empty.
pub async fn head(db: &impl ConnectionTrait) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
    Ok(audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).one(db).await?.map(|m| (m.seq, m.hash)))
}

/// Appends several entries at the end of the chain in one go (one lock, one
/// read of the tail, multi-row inserts): for bulk changes such as an import,
/// where each person changed still gets an entry of his own. Call inside the
/// caller's transaction. Returns the `seq` of the last entry, if any.
pub async fn append_many<C>(db: &C, entries: &[AuditEntry]) -> Result<Option<i64>, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    if entries.is_empty() {
        return Ok(None);
    }
    let key = key()?;
    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"),
        ))
        .await?;
    }
    let last = audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).one(&txn).await?;
    let (mut seq, mut prev_hash) = match last {
        Some(last) => (last.seq, last.hash),
        None => (0, GENESIS.to_vec()),
    };
    let at = now();
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let mut row = audit_log::Model {
            seq,
            id: Uuid::now_v7(),
            at,
            actor_id: entry.actor_id,
            actor_name: entry.actor_name.clone(),
            actor_role: entry.actor_role.map(|r| r.as_str().to_owned()),
            ip: entry.ip.clone(),
            action: entry.action.clone(),
            target_type: entry.target_type.clone(),
            target_id: entry.target_id.clone(),
            region_id: entry.region_id.map(|r| r.0),
            unit_id: entry.unit_id.map(|u| u.0),
            detail: serde_json::to_string(&entry.detail).map_err(StoreError::corrupt)?,
            prev_hash: prev_hash.clone(),
            hash: Vec::new(),
            keyed: 1,
        };
        row.hash = chain_hash(&row.prev_hash, &row, Some(key));
        prev_hash = row.hash.clone();
        rows.push(row);
    }
    for chunk in rows.chunks(crate::batch_rows(txn.get_database_backend(), 16)) {
        audit_log::Entity::insert_many(chunk.iter().map(|row| audit_log::ActiveModel {
            seq: Set(row.seq),
            id: Set(row.id),
            at: Set(row.at),
            actor_id: Set(row.actor_id),
            actor_name: Set(row.actor_name.clone()),
            actor_role: Set(row.actor_role.clone()),
            ip: Set(row.ip.clone()),
            action: Set(row.action.clone()),
            target_type: Set(row.target_type.clone()),
            target_id: Set(row.target_id.clone()),
            region_id: Set(row.region_id),
            unit_id: Set(row.unit_id),
            detail: Set(row.detail.clone()),
            prev_hash: Set(row.prev_hash.clone()),
            hash: Set(row.hash.clone()),
            keyed: Set(1),
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(Some(seq))
}
