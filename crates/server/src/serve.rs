//! `cme serve`.

use anyhow::Context as _;
use chrono::Datelike as _;
use cme_store::crypto::PiiCipher;
use sea_orm::DatabaseConnection;

use crate::config::{Config, redact_url};

/// The current year in China, which bounds the shipped standards.
pub fn current_year() -> i32 {
    (chrono::Utc::now() + chrono::Duration::hours(8)).year()
}

/// Connects, migrates and seeds the shipped standards (idempotent).
pub async fn open(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = cme_store::connect(&config.database_url)
        .await
        .with_context(|| format!("cannot open the database at {}", redact_url(&config.database_url)))?;
    cme_store::migrate(&db).await.context("migrations failed")?;
    cme_store::repo::standard::seed_defaults(&db, current_year()).await.context("seeding the standards failed")?;
    Ok(db)
}

/// The key that encrypts ID numbers: `CME_DATA_KEY`, or for development a
/// key kept in `CME_DATA_KEY_FILE` (created on first use).
pub fn cipher(config: &Config) -> anyhow::Result<PiiCipher> {
    if let Some(key) = &config.data_key {
        return PiiCipher::from_base64(key).context("CME_DATA_KEY must be the base64 of 32 bytes");
    }
    let path = &config.data_key_file;
    if let Ok(text) = std::fs::read_to_string(path) {
        return PiiCipher::from_base64(text.trim()).with_context(|| format!("{} holds no valid key", path.display()));
    }
    tracing::warn!(path = %path.display(), "CME_DATA_KEY is unset: creating a development key file; set CME_DATA_KEY in production");
    let (cipher, encoded) = PiiCipher::generate();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_private(path, &encoded)?;
    Ok(cipher)
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

pub async fn serve(config: Config) -> anyhow::Result<()> {
    tracing::info!(?config, "starting");
    let db = open(&config).await?;
    let app = cme_api::Application::build(
        cme_api::Settings { bind: config.bind.clone(), static_dir: Some(config.static_dir.clone()) },
        db,
    )
    .await
    .with_context(|| format!("cannot listen on {}", config.bind))?;
    tracing::info!(port = app.port(), "listening on http://{}", config.bind);
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}
