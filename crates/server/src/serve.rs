//! `cme serve`.

use anyhow::Context as _;
use chrono::Datelike as _;
use cme_store::crypto::PiiCipher;
use sea_orm::DatabaseConnection;

use crate::config::{Config, redact_url};

/// The current year in China, which bounds the shipped standards.
pub fn current_year() -> i32 {
    cme_domain::time::today_in_shanghai(chrono::Utc::now()).year()
}

/// Connects, migrates and seeds the shipped standards (idempotent).
pub async fn open(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = cme_store::connect(&config.database_url)
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
    use hmac::Mac as _;
    let master = base64::engine::general_purpose::STANDARD.decode(master_key(config)?)?;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&master)?;
    mac.update(b"cme/jwt/v1");
    Ok(mac.finalize().into_bytes().to_vec())
}

/// Production refuses test switches and any demo account still holding the
/// demo password.
async fn check_production(config: &Config, db: &DatabaseConnection) -> anyhow::Result<()> {
    if !config.production {
        return Ok(());
    }
    if config.test_captcha {
        anyhow::bail!("CME_TEST_CAPTCHA is a test switch and is refused with CME_ENV=production");
    }
    for username in crate::demo::DEMO_ACCOUNTS.iter().map(|a| a.0) {
        if let Some((_, Some(hash))) = cme_store::repo::account::find_by_username(db, username).await? {
            let demo = tokio::task::spawn_blocking(move || {
                cme_api::auth::password::verify(cme_api::auth::DEMO_PASSWORD, Some(&hash))
            })
            .await?;
            if demo {
                anyhow::bail!("account `{username}` still has the demo password: refused with CME_ENV=production");
            }
        }
    }
    Ok(())
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

/// Hourly: forget expired captchas, old sign-in failures and refresh tokens
/// that expired a day ago (none of them can matter any more).
async fn housekeeping(db: DatabaseConnection) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = chrono::Utc::now();
        let results = [
            cme_store::repo::captcha::prune(&db, now).await,
            cme_store::repo::login_failure::prune(&db).await,
            cme_store::repo::refresh::prune_expired(&db, now - chrono::Duration::days(1)).await,
        ];
        for r in results {
            if let Err(e) = r {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
    }
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    tracing::info!(?config, "starting");
    // Keys first: production refuses to start without one.
    let pii = cipher(&config)?;
    let jwt_secret = jwt_secret(&config)?;
    let public_url = config.public_base_url()?;
    let db = open(&config).await?;
    check_production(&config, &db).await?;
    let db_for_housekeeping = db.clone();
    let app = cme_api::Application::build(
        cme_api::Settings {
            bind: config.bind.clone(),
            static_dir: Some(config.static_dir.clone()),
            pii,
            jwt_secret,
            test_captcha: config.test_captcha,
            cors_origins: config.cors_origins.clone(),
            client_requests_per_minute: 600,
            public_lookups_per_minute: 60,
            files: std::sync::Arc::new(cme_api::storage::LocalDisk::new(config.files_dir.clone())),
            public_url,
        },
        db,
    )
    .await
    .with_context(|| format!("cannot listen on {}", config.bind))?;
    tokio::spawn(housekeeping(db_for_housekeeping));
    tracing::info!(port = app.port(), "listening on http://{}", config.bind);
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}
