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

/// The key that encrypts ID numbers; also installs the audit chain's key,
/// derived from the same master key, for this process.
pub fn cipher(config: &Config) -> anyhow::Result<PiiCipher> {
    let cipher = PiiCipher::from_base64(&master_key(config)?).context("the data key must be the base64 of 32 bytes")?;
    cme_store::repo::audit::use_key(cipher.audit_key());
    Ok(cipher)
}

/// The access-token signing secret, derived from the master key under its
/// own label, so it never equals the encryption or index keys.
pub fn jwt_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
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
