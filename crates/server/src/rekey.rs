//! `cme rekey`: rotates `CME_DATA_KEY`, with every instance stopped.
//!
//! With `CME_DATA_KEY_PREVIOUS` the old key and `CME_DATA_KEY` the new one:
//!
//! 1. The keys that must outlive the rotation go into the key ring, sealed
//!    under the new key (one transaction, with the mark `rekey_target`): the
//!    audit chain's key (the chain already written must keep verifying, and
//!    an append-only log cannot be re-chained) and the access-token secret
//!    (tokens already issued, and the activities' sign-in codes derived from
//!    it). They stay what they were; only their wrapping changes.
//! 2. Every person's ID number and phone are re-encrypted, and the blind
//!    index recomputed, under the new key, 1,000 people per transaction. A
//!    row that already opens under the new key is skipped, so a run that
//!    stopped anywhere (crash, kill, power) is finished by running it again.
//! 3. The rotation is audited and the mark removed; until then every other
//!    command refuses to start (`setup::keys`).
//!
//! QR tokens and check codes of certificates are random and keyed by
//! nothing, so printed certificates are untouched.

use std::time::Instant;

use anyhow::{Context as _, bail};
use base64::Engine as _;
use cme_domain::audit::AuditAction;
use cme_domain::keys::{Purpose, derive};
use cme_store::repo::{audit, key_ring};
use sea_orm::TransactionTrait as _;

use crate::config::Config;
use crate::setup;

/// People re-encrypted per transaction.
pub const BATCH: u64 = 1_000;

/// `cme rekey`. `stop_after` (a test switch) ends the process abruptly
/// after that many batches, as a crash between two batches would.
pub async fn run(config: &Config, batch: u64, stop_after: Option<u64>) -> anyhow::Result<()> {
    let started = Instant::now();
    let new = setup::cipher(config)?;
    let old = setup::previous_cipher(config)?
        .context("cme rekey needs CME_DATA_KEY_PREVIOUS (the key being replaced) beside CME_DATA_KEY (the new key)")?;
    if old.key_id() == new.key_id() {
        bail!("CME_DATA_KEY and CME_DATA_KEY_PREVIOUS are the same key");
    }
    let old_master = base64::engine::general_purpose::STANDARD
        .decode(config.data_key_previous.as_deref().unwrap_or_default().trim())
        .context("CME_DATA_KEY_PREVIOUS must be base64")?;
    let db = setup::open_for_batch(config).await?;

    // 1. The key ring, and the mark that a rotation is under way.
    let txn = db.begin().await?;
    if let Some(target) = key_ring::get(&txn, key_ring::REKEY_TARGET).await?
        && target != new.key_id().as_bytes()
    {
        bail!(
            "a rotation to another key (fingerprint {}) is unfinished: finish it first, with that key as CME_DATA_KEY",
            String::from_utf8_lossy(&target)
        );
    }
    let mut audit_key = None;
    for name in [key_ring::AUDIT_CHAIN, key_ring::ACCESS_TOKENS] {
        let current = match key_ring::get(&txn, name).await? {
            Some(sealed) => new.open_key(name, &sealed).or_else(|_| old.open_key(name, &sealed)).map_err(|_| {
                anyhow::anyhow!(
                    "the key ring opens under neither CME_DATA_KEY ({}) nor CME_DATA_KEY_PREVIOUS ({}): CME_DATA_KEY_PREVIOUS must be the key the database is under",
                    new.key_id(),
                    old.key_id()
                )
            })?,
            // Never rotated: the keys were derived from the old key.
            None if name == key_ring::AUDIT_CHAIN => old.audit_key(),
            None => derive(&old_master, Purpose::AccessTokens),
        };
        if name == key_ring::AUDIT_CHAIN {
            audit_key = Some(current);
        }
        key_ring::put(&txn, name, &new.seal_key(name, &current)?).await?;
    }
    key_ring::put(&txn, key_ring::REKEY_TARGET, new.key_id().as_bytes()).await?;
    txn.commit().await?;
    let audit_key = audit_key.context("the audit chain's key")?;

    // 2. The people, batch by batch.
    let (mut moved, mut already, mut batches) = (0u64, 0u64, 0u64);
    let mut after = None;
    loop {
        let done = key_ring::rekey_people(&db, &old, &new, after, batch).await?;
        moved += done.moved;
        already += done.already;
        batches += 1;
        if done.last.is_none() {
            break;
        }
        after = done.last;
        if batches % 50 == 0 {
            tracing::info!(moved, already, "rekey in progress");
        }
        if stop_after.is_some_and(|n| batches >= n) {
            println!("rekey stopped after {batches} batches ({moved} people moved): run it again to finish");
            std::process::exit(3);
        }
    }

    // 3. Audited; the mark removed.
    audit::use_key(audit_key);
    let txn = db.begin().await?;
    let entry =
        audit::AuditEntry { actor_name: "cme rekey".to_owned(), ..audit::AuditEntry::new(AuditAction::DataKeyRotate) }
            .detail(serde_json::json!({
                "from_key": old.key_id(),
                "to_key": new.key_id(),
                "people_moved": moved,
                "people_already_moved": already,
            }));
    audit::append(&txn, &entry).await?;
    key_ring::remove(&txn, key_ring::REKEY_TARGET).await?;
    txn.commit().await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "rekeyed: {moved} people re-encrypted under the key {} ({already} were already), in {secs:.1} s ({:.0} people/s); the audit chain and tokens keep their keys (key ring)",
        new.key_id(),
        (moved + already) as f64 / secs.max(1e-9)
    );
    Ok(())
}
