//! What every command opens: the database (connected, migrated, seeded)
//! and the keys derived from the master key.

use anyhow::Context as _;
use chrono::Datelike as _;
use cme_store::crypto::PiiCipher;
use sea_orm::DatabaseConnection;

use crate::config::{Config, redact_url};

/// The current year in China, which bounds the shipped standards.
pub fn current_year() -> i32 {
    cme_domain::time::today_in_shanghai(chrono::Utc::now()).year()
}

/// Connects, migrates and seeds the shipped standards (idempotent): the pool
/// of a server, whose statements end within `cme_store::STATEMENT_TIMEOUT`.
/// The migrations and the rebuild of the stored verdicts run long on a
/// populated database: they run first, on a pool of their own with
/// `cme_store::LONG_STATEMENT_TIMEOUT`.
pub async fn open(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let maintenance = open_for_batch(config).await?;
    maintenance.close().await?;
    cme_store::connect(&config.database_url)
        .await
        .with_context(|| format!("cannot open the database at {}", redact_url(&config.database_url)))
}

/// [`open`] for the commands that do long work themselves (`migrate`, `demo`,
/// `generate`, `audit verify`): one pool whose statements may run for
/// `cme_store::LONG_STATEMENT_TIMEOUT`.
pub async fn open_for_batch(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = cme_store::connect_with(&config.database_url, cme_store::LONG_STATEMENT_TIMEOUT)
        .await
        .with_context(|| format!("cannot open the database at {}", redact_url(&config.database_url)))?;
    cme_store::migrate(&db).await.context("migrations failed")?;
    cme_store::repo::standard::seed_defaults(&db, current_year()).await.context("seeding the standards failed")?;
    // The stored verdicts are derived data: a migration may have recreated
    // them empty.
    let rebuilt =
        cme_store::repo::compliance::rebuild_missing_years(&db).await.context("rebuilding compliance failed")?;
    if !rebuilt.is_empty() {
        tracing::info!(years = ?rebuilt, "rebuilt the stored compliance from the credits");
    }
    Ok(db)
}

/// The master key (base64): `CME_DATA_KEY`, or for development a key kept
/// in `CME_DATA_KEY_FILE` (created on first use; refused in production).
fn master_key(config: &Config) -> anyhow::Result<String> {
    if let Some(key) = &config.data_key {
        return Ok(key.clone());
    }
    if config.production {
        anyhow::bail!("CME_ENV=production needs CME_DATA_KEY (the base64 of 32 random bytes)");
    }
    let path = &config.data_key_file;
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(text.trim().to_owned());
    }
    tracing::warn!(path = %path.display(), "CME_DATA_KEY is unset: creating a development key file; set CME_DATA_KEY in production");
    let (_, encoded) = PiiCipher::generate();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_private(path, &encoded)?;
    Ok(encoded)
}

/// The cipher of the configured data key (`CME_DATA_KEY`), checked to be
/// 32 bytes. Installs nothing: [`keys`] does, once it has read the key ring.
pub fn cipher(config: &Config) -> anyhow::Result<PiiCipher> {
    PiiCipher::from_base64(&master_key(config)?).context("the data key must be the base64 of 32 bytes")
}

/// The cipher of `CME_DATA_KEY_PREVIOUS` (the key being rotated away from),
/// when it is set.
pub fn previous_cipher(config: &Config) -> anyhow::Result<Option<PiiCipher>> {
    config
        .data_key_previous
        .as_deref()
        .map(|k| PiiCipher::from_base64(k).context("CME_DATA_KEY_PREVIOUS must be the base64 of 32 bytes"))
        .transpose()
}

/// The keys a process works with.
pub struct Keys {
    /// Encrypts and indexes personal data; carries the audit chain's key.
    pub pii: PiiCipher,
    /// The access-token secret (sign-in codes derive from it).
    pub jwt_secret: Vec<u8>,
}

/// The keys for this database: personal data under `CME_DATA_KEY`; the
/// audit chain's key and the token secret from the key ring when a rotation
/// has put them there (sealed under the data key), else derived from the
/// data key as they always were. Installs the audit chain's key for this
/// process. Refuses while a rotation is unfinished, and when the data key
/// does not open the ring.
pub async fn keys(config: &Config, db: &DatabaseConnection) -> anyhow::Result<Keys> {
    use cme_store::repo::key_ring;
    let pii = cipher(config)?;
    if key_ring::get(db, key_ring::REKEY_TARGET).await?.is_some() {
        anyhow::bail!(
            "a rotation of CME_DATA_KEY is unfinished: run `cme rekey` again (with CME_DATA_KEY the new key and CME_DATA_KEY_PREVIOUS the old one) before anything else; see docs/operations.md"
        );
    }
    let mut ring = [None, None];
    for (slot, name) in ring.iter_mut().zip([key_ring::AUDIT_CHAIN, key_ring::ACCESS_TOKENS]) {
        if let Some(sealed) = key_ring::get(db, name).await? {
            *slot = Some(pii.open_key(name, &sealed).map_err(|_| {
                anyhow::anyhow!(
                    "CME_DATA_KEY (fingerprint {}) does not open this database's key ring: its data key was rotated to another key",
                    pii.key_id()
                )
            })?);
        }
    }
    let [audit, tokens] = ring;
    let audit = audit.unwrap_or_else(|| pii.audit_key());
    let jwt_secret = match tokens {
        Some(secret) => secret.to_vec(),
        None => jwt_secret(config)?,
    };
    let pii = pii.with_audit_key(audit);
    cme_store::repo::audit::use_key(pii.audit_key());
    Ok(Keys { pii, jwt_secret })
}

/// The access-token signing secret derived from the data key under its own
/// label, so it never equals the encryption or index keys (before any
/// rotation; afterwards the key ring keeps it, see [`keys`]).
fn jwt_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    use base64::Engine as _;
    let master = base64::engine::general_purpose::STANDARD.decode(master_key(config)?)?;
    Ok(cme_domain::keys::derive(&master, cme_domain::keys::Purpose::AccessTokens).to_vec())
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
