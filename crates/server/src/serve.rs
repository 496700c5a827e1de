//! `cme serve`.

use anyhow::Context as _;
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::setup::{cipher, keys, open};

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

/// Hourly, on one instance of all those serving the database (each asks
/// every minute; the one whose claim of the hour succeeds runs it,
/// `store::repo::exclusive_run::claim_period`): forget expired captchas, old
/// sign-in failures, refresh tokens that expired a day ago and rate-limit
/// counts past their minute (none of them can matter any more), and raise
/// the day's reminders (each once a day: they are also deduplicated per day).
async fn housekeeping(db: DatabaseConnection, delivery: cme_api::notify::Delivery, instance: String) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = chrono::Utc::now();
        let hour = chrono::Duration::hours(1);
        match cme_store::repo::exclusive_run::claim_period(&db, "housekeeping", &instance, now, hour).await {
            Ok(true) => tracing::info!("housekeeping runs on this instance"),
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "housekeeping: cannot claim the hour's run");
                continue;
            }
        }
        let results = [
            cme_store::repo::captcha::prune(&db, now).await,
            cme_store::repo::login_failure::prune(&db).await,
            cme_store::repo::refresh::prune_expired(&db, now - chrono::Duration::days(1)).await,
            cme_store::repo::rate_limit::prune(&db, now).await,
        ];
        for r in results {
            if let Err(e) = r {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
        match cme_api::notify::scan(&db, &delivery, now).await {
            Ok(n) => tracing::info!(raised = n, "daily reminders scanned"),
            Err(e) => tracing::warn!(error = %e, "reminder scan failed"),
        }
    }
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    tracing::info!(?config, "starting");
    // Keys first: production refuses to start without one.
    cipher(&config)?;
    let public_url = config.public_base_url()?;
    let delivery = config.delivery()?;
    let db = open(&config).await?;
    let keys = keys(&config, &db).await?;
    check_production(&config, &db).await?;
    let db_for_housekeeping = db.clone();
    let app = cme_api::Application::build(
        cme_api::Settings {
            bind: config.bind.clone(),
            static_dir: Some(config.static_dir.clone()),
            pii: keys.pii,
            jwt_secret: keys.jwt_secret,
            test_captcha: config.test_captcha,
            cors_origins: config.cors_origins.clone(),
            client_requests_per_minute: 600,
            public_lookups_per_minute: 60,
            // Measured: 2,773 records approve in 0.4-0.8 s (issue 15's e2e run).
            approve_in_request: 1000,
            files: std::sync::Arc::new(cme_api::storage::LocalDisk::new(config.files_dir.clone())),
            spool: cme_api::storage::Spool::new(config.files_dir.join("print-jobs")),
            public_url,
            notify: delivery.clone(),
            trusted_proxies: config.trusted_proxies()?,
            metrics_bind: config.metrics_bind.clone(),
            shutdown_drain: config.shutdown_drain,
        },
        db,
    )
    .await
    .with_context(|| format!("cannot listen on {}", config.bind))?;
    tokio::spawn(housekeeping(db_for_housekeeping, delivery, app.instance().to_owned()));
    tracing::info!(port = app.port(), "listening on http://{}", config.bind);
    if let (Some(port), Some(bind)) = (app.metrics_port(), &config.metrics_bind) {
        tracing::info!(port, "metrics on http://{bind}/metrics");
    }
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}
