//! Configuration: environment variables only (documented in the README).

use std::path::PathBuf;

/// Every environment variable the server reads. The compose file may name
/// no other (a test checks it), and the README documents each.
pub const ENV_KEYS: &[&str] = &[
    "DATABASE_URL",
    "CME_BIND",
    "CME_STATIC_DIR",
    "CME_DATA_KEY",
    "CME_DATA_KEY_FILE",
    "CME_DATA_KEY_PREVIOUS",
    "CME_FILES_DIR",
    "CME_ENV",
    "CME_PUBLIC_URL",
    "CME_CORS_ORIGINS",
    "CME_TEST_CAPTCHA",
    "CME_LOG_FORMAT",
    "CME_NOTIFY_WEBHOOK_URL",
    "CME_NOTIFY_WEBHOOK_SECRET",
    "CME_SMTP_URL",
    "CME_SMTP_FROM",
    "CME_TRUSTED_PROXIES",
    "CME_METRICS_BIND",
    "CME_SHUTDOWN_DRAIN_SECS",
    "RUST_LOG",
];

/// The server's configuration.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub static_dir: PathBuf,
    /// Base64 of the 32-byte key that encrypts personal data at rest.
    pub data_key: Option<String>,
    /// `CME_DATA_KEY_PREVIOUS`: the key `cme rekey` moves personal data
    /// away from (read by `cme rekey` only).
    pub data_key_previous: Option<String>,
    /// Where a development key is kept when `CME_DATA_KEY` is unset.
    pub data_key_file: PathBuf,
    /// Where uploaded files (evidence) are kept by the local-disk store.
    pub files_dir: PathBuf,
    pub log_json: bool,
    /// `CME_ENV=production`: refuse demo passwords, a missing key and test switches.
    pub production: bool,
    /// Browser origins allowed to call the API (comma-separated).
    pub cors_origins: Vec<String>,
    /// Browser tests read captchas from the API (never in production).
    pub test_captcha: bool,
    /// `CME_PUBLIC_URL`: the public base URL every printed or returned link
    /// (QR codes, `verify_url`) is built from. Required in production; in
    /// development `http://<CME_BIND>`.
    pub public_url: Option<String>,
    /// `CME_NOTIFY_WEBHOOK_URL`: a province's SMS/WeChat gateway, called
    /// with each reminder as JSON signed with `CME_NOTIFY_WEBHOOK_SECRET`.
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// `CME_SMTP_URL` (e.g. `smtps://user:pass@mail.example.org`) and the
    /// sender `CME_SMTP_FROM`: email reminders.
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    /// `CME_TRUSTED_PROXIES`: the balancers and proxies (addresses or CIDR
    /// networks, comma-separated) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: String,
    /// `CME_METRICS_BIND`: where `/metrics` is served (a listener of its
    /// own, for the monitoring network only); unset: no metrics.
    pub metrics_bind: Option<String>,
    /// `CME_SHUTDOWN_DRAIN_SECS` (default 5): on SIGTERM, how long the
    /// instance answers "not ready" while still serving, before it stops
    /// accepting; at least the balancer's check interval × its fall count.
    pub shutdown_drain: std::time::Duration,
}

impl std::fmt::Debug for Config {
    /// The key never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("static_dir", &self.static_dir)
            .field("data_key", &self.data_key.as_ref().map(|_| "<set>"))
            .field("data_key_previous", &self.data_key_previous.as_ref().map(|_| "<set>"))
            .field("data_key_file", &self.data_key_file)
            .field("files_dir", &self.files_dir)
            .field("log_json", &self.log_json)
            .field("production", &self.production)
            .field("cors_origins", &self.cors_origins)
            .field("test_captcha", &self.test_captcha)
            .field("public_url", &self.public_url)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "<set>"))
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("smtp_from", &self.smtp_from)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_bind", &self.metrics_bind)
            .field("shutdown_drain", &self.shutdown_drain)
            .finish()
    }
}

fn var(key: &str) -> Option<String> {
    debug_assert!(ENV_KEYS.contains(&key), "{key} must be listed in ENV_KEYS");
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> Self {
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/cme.db?mode=rwc".to_owned()),
            bind: var("CME_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            static_dir: var("CME_STATIC_DIR").map_or_else(|| PathBuf::from("frontend/dist"), PathBuf::from),
            data_key: var("CME_DATA_KEY"),
            data_key_previous: var("CME_DATA_KEY_PREVIOUS"),
            data_key_file: var("CME_DATA_KEY_FILE").map_or_else(|| PathBuf::from("data/cme.key"), PathBuf::from),
            files_dir: var("CME_FILES_DIR").map_or_else(|| PathBuf::from("data/files"), PathBuf::from),
            log_json: var("CME_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            production: var("CME_ENV").is_some_and(|v| v.eq_ignore_ascii_case("production")),
            cors_origins: var("CME_CORS_ORIGINS")
                .map(|v| v.split(',').map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect())
                .unwrap_or_default(),
            test_captcha: var("CME_TEST_CAPTCHA").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true")),
            public_url: var("CME_PUBLIC_URL").map(|v| v.trim().to_owned()),
            webhook_url: var("CME_NOTIFY_WEBHOOK_URL").map(|v| v.trim().to_owned()),
            webhook_secret: var("CME_NOTIFY_WEBHOOK_SECRET"),
            smtp_url: var("CME_SMTP_URL").map(|v| v.trim().to_owned()),
            smtp_from: var("CME_SMTP_FROM").map(|v| v.trim().to_owned()),
            trusted_proxies: var("CME_TRUSTED_PROXIES").unwrap_or_default(),
            metrics_bind: var("CME_METRICS_BIND").map(|v| v.trim().to_owned()),
            shutdown_drain: std::time::Duration::from_secs(
                var("CME_SHUTDOWN_DRAIN_SECS").and_then(|v| v.trim().parse().ok()).unwrap_or(5),
            ),
        }
    }

    /// The proxies whose `X-Forwarded-For` is believed; a list that cannot
    /// be read stops the server (a typo must not trust nobody silently).
    pub fn trusted_proxies(&self) -> anyhow::Result<cme_api::auth::proxies::TrustedProxies> {
        cme_api::auth::proxies::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("CME_TRUSTED_PROXIES: {e}"))
    }

    /// The outside channels of reminders. A webhook without its secret is
    /// refused (an unsigned call could be forged by anyone who finds the URL).
    pub fn delivery(&self) -> anyhow::Result<cme_api::notify::Delivery> {
        let webhook = match (&self.webhook_url, &self.webhook_secret) {
            (Some(url), Some(secret)) if secret.len() >= 16 => {
                Some(cme_api::notify::Webhook { url: url.clone(), secret: secret.as_bytes().to_vec() })
            }
            (Some(_), _) => {
                anyhow::bail!("CME_NOTIFY_WEBHOOK_URL needs CME_NOTIFY_WEBHOOK_SECRET of at least 16 characters")
            }
            (None, _) => None,
        };
        let smtp = self.smtp_url.as_ref().map(|url| cme_api::notify::Smtp {
            url: url.clone(),
            from: self.smtp_from.clone().unwrap_or_else(|| "cme@localhost".to_owned()),
        });
        Ok(cme_api::notify::Delivery { webhook, smtp })
    }

    /// The public base URL, without a trailing slash: `CME_PUBLIC_URL`
    /// (an absolute http(s) URL with a host and nothing after the path), or
    /// in development `http://<CME_BIND>`. Production refuses to start
    /// without it: links must never follow a request's Host header.
    pub fn public_base_url(&self) -> anyhow::Result<String> {
        match &self.public_url {
            Some(url) => {
                let base = url.trim_end_matches('/');
                let rest = base.strip_prefix("https://").or_else(|| base.strip_prefix("http://"));
                match rest {
                    Some(host) if !host.is_empty() && !host.starts_with('/') && !base.contains(['?', '#', ' ']) => {
                        Ok(base.to_owned())
                    }
                    _ => anyhow::bail!(
                        "CME_PUBLIC_URL must be an absolute http(s) URL such as https://cme.example.gov.cn, got {url:?}"
                    ),
                }
            }
            None if self.production => {
                anyhow::bail!(
                    "CME_ENV=production needs CME_PUBLIC_URL (the public base URL, e.g. https://cme.ynwsjkw.gov.cn): QR codes and verification links are built from it"
                )
            }
            None => Ok(format!("http://{}", self.bind)),
        }
    }
}

/// Hides a password in a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://cme:secret@db:5432/cme"), "postgres://cme:***@db:5432/cme");
        assert_eq!(redact_url("sqlite://data/cme.db?mode=rwc"), "sqlite://data/cme.db?mode=rwc");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
    }

    fn config(public_url: Option<&str>, production: bool) -> Config {
        Config {
            database_url: String::new(),
            bind: "127.0.0.1:8080".to_owned(),
            static_dir: PathBuf::new(),
            data_key: None,
            data_key_previous: None,
            data_key_file: PathBuf::new(),
            files_dir: PathBuf::new(),
            log_json: false,
            production,
            cors_origins: Vec::new(),
            test_captcha: false,
            public_url: public_url.map(str::to_owned),
            webhook_url: None,
            webhook_secret: None,
            smtp_url: None,
            smtp_from: None,
            trusted_proxies: String::new(),
            metrics_bind: None,
            shutdown_drain: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn the_public_url_is_required_in_production_and_checked() {
        assert!(config(None, true).public_base_url().is_err());
        assert_eq!(config(None, false).public_base_url().ok().as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(
            config(Some("https://cme.ynwsjkw.gov.cn/"), true).public_base_url().ok().as_deref(),
            Some("https://cme.ynwsjkw.gov.cn")
        );
        for bad in ["cme.ynwsjkw.gov.cn", "https://", "ftp://x", "https://x/?a=1"] {
            assert!(config(Some(bad), false).public_base_url().is_err(), "{bad}");
        }
    }

    /// The compose file configures the server only through keys it reads,
    /// and the README documents every key.
    #[test]
    fn compose_and_readme_name_only_keys_the_server_reads() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let compose = std::fs::read_to_string(root.join("docker-compose.yml")).unwrap_or_default();
        let keys = compose_server_env_keys(&compose);
        assert!(keys.contains(&"DATABASE_URL".to_owned()), "the compose file must configure the server: {keys:?}");
        for key in &keys {
            assert!(ENV_KEYS.contains(&key.as_str()), "docker-compose.yml sets {key}, which the server never reads");
        }
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
        for key in ENV_KEYS {
            assert!(readme.contains(&format!("`{key}`")), "README.md does not document {key}");
        }
    }

    /// The keys under `environment:` of the `server` service (a map, as the
    /// compose file writes it).
    fn compose_server_env_keys(compose: &str) -> Vec<String> {
        let mut keys = Vec::new();
        let (mut in_server, mut in_env) = (false, false);
        for line in compose.lines() {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if indent == 2 {
                in_server = trimmed == "server:";
                in_env = false;
            } else if in_server && indent == 4 {
                in_env = trimmed == "environment:";
            } else if in_server
                && in_env
                && indent == 6
                && let Some((key, _)) = trimmed.split_once(':')
            {
                keys.push(key.trim().to_owned());
            }
        }
        keys
    }
}
