//! The HTTP API of the CME credit system (actix-web + utoipa).
//!
//! [`Application::build`] builds the one app that `cme serve` runs and every
//! test drives over real HTTP.

pub mod attachment;
pub mod auth;
pub mod clock;
pub mod digest;
pub mod dto;
pub mod error;
pub mod etag;
pub mod extract;
pub mod figures;
pub mod idempotency;
pub mod lifecycle;
pub mod me;
pub mod metrics;
pub mod no_store;
pub mod notify;
pub mod office;
pub mod openapi;
pub mod paging;
mod printable;
pub mod reports;
pub mod routes;
mod spa;
pub mod storage;
pub mod telemetry;
pub mod upload;
pub mod wording;

use std::net::TcpListener;
use std::path::PathBuf;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpResponse, HttpServer, web};
use cme_store::PiiCipher;
use sea_orm::DatabaseConnection;
use utoipa_actix_web::AppExt as _;
use utoipa_swagger_ui::SwaggerUi;

/// Shared state of every handler.
pub struct AppState {
    pub db: DatabaseConnection,
    /// Encrypts and indexes personal data.
    pub pii: PiiCipher,
    pub auth: AuthState,
    /// Signs the rotating sign-in codes of CME activities.
    pub sign_in_key: cme_domain::sign_in_code::SignInKey,
    /// The document fonts, loaded once; `None` when they are not installed
    /// (PDFs then answer 500 and the cause is logged at start-up).
    pub fonts: Option<cme_documents::Fonts>,
    /// Uploaded files (evidence), behind the storage interface.
    pub files: std::sync::Arc<dyn storage::BlobStore>,
    /// Batch prints' files, and the worker that prints them.
    pub spool: storage::Spool,
    pub print_worker: std::sync::Arc<routes::certificates::PrintWorker>,
    /// Where reminders go outside the system.
    pub delivery: notify::Delivery,
    /// Public certificate lookups per client address (held in the database,
    /// shared by every instance).
    pub public_limiter: auth::limiter::Limiter,
    /// This process among the instances serving the database: the holder
    /// of the background jobs it claims.
    pub instance: String,
    /// Whose `X-Forwarded-For` is believed (`CME_TRUSTED_PROXIES`).
    pub trusted_proxies: auth::proxies::TrustedProxies,
    /// Offices' figures of a cycle, shared for a few seconds (the workbench).
    pub figures: figures::FiguresCache,
    /// See [`Settings::approve_in_request`].
    pub approve_in_request: usize,
    /// The public base URL (`CME_PUBLIC_URL`, no trailing slash): every
    /// absolute link the system prints or returns (QR codes, `verify_url`)
    /// is built from it, never from the request's Host or X-Forwarded-*.
    pub public_url: String,
    /// Requests, latencies, refusals (`/metrics` on the metrics listener).
    pub metrics: std::sync::Arc<metrics::Metrics>,
    /// Readiness, and whether the process is stopping.
    pub lifecycle: std::sync::Arc<lifecycle::Lifecycle>,
}

/// Token keys and sign-in switches.
pub struct AuthState {
    pub keys: auth::tokens::TokenKeys,
    /// Answer captchas in the response (browser tests only; refused in production).
    pub test_captcha: bool,
    pub client_limiter: auth::limiter::Limiter,
    /// Sessions looked up in the last seconds (evicted at once on every
    /// instance when sessions end: `auth::revocation`).
    pub sessions: auth::cache::SessionCache,
    /// Organisation names.
    pub names: auth::cache::NameCache,
    /// Unit levels, which narrow what a unit's accounts may do.
    pub unit_levels: auth::cache::LevelCache,
}

/// What the HTTP layer needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `host:port`; port 0 picks a free one (tests).
    pub bind: String,
    /// The built SPA (`frontend/dist`), served at `/` when present.
    pub static_dir: Option<PathBuf>,
    pub pii: PiiCipher,
    /// At least 32 bytes: signs access tokens.
    pub jwt_secret: Vec<u8>,
    pub test_captcha: bool,
    /// Origins allowed to call the API from a browser (CORS); empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Requests an API client may make per minute.
    pub client_requests_per_minute: u32,
    /// Public certificate lookups one client address may make per minute.
    pub public_lookups_per_minute: u32,
    /// "Approve all that match" approves up to this many records in the
    /// request, all or nothing; more run as a background job in chunks.
    pub approve_in_request: usize,
    /// Where uploaded files are kept.
    pub files: std::sync::Arc<dyn storage::BlobStore>,
    /// Where batch prints are written for download (kept a day).
    pub spool: storage::Spool,
    /// The public base URL, e.g. `https://cme.ynwsjkw.gov.cn`: the origin of
    /// every link the system prints or returns.
    pub public_url: String,
    /// The outside channels reminders go through (none: in the system only).
    pub notify: notify::Delivery,
    /// The balancers and proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: auth::proxies::TrustedProxies,
    /// `host:port` of the metrics listener (`/metrics`), apart from the
    /// public one; none: no metrics served.
    pub metrics_bind: Option<String>,
    /// On SIGTERM, how long the instance keeps serving while it answers
    /// "not ready", before it stops accepting (see [`lifecycle`]).
    pub shutdown_drain: std::time::Duration,
}

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    instance: String,
    server: Server,
    metrics: Option<(u16, Server)>,
    lifecycle: std::sync::Arc<lifecycle::Lifecycle>,
    shutdown_drain: std::time::Duration,
}

/// Registers every API route under `/api/v1`. The route table and the
/// OpenAPI document are built from the same calls.
fn api_routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Error = actix_web::Error,
            InitError = (),
        >,
{
    app.service(
        utoipa_actix_web::scope("/api/v1")
            .configure(routes::health::routes)
            .configure(routes::compliance::routes)
            .configure(routes::standards::routes)
            .configure(routes::auth::routes)
            .configure(routes::accounts::routes)
            .configure(routes::audit::routes)
            .configure(routes::org::routes)
            .configure(routes::units::routes)
            .configure(routes::people::routes)
            .configure(routes::transfers::routes)
            .configure(routes::credits::routes)
            .configure(routes::activities::routes)
            .configure(routes::courses::routes)
            .configure(routes::cycles::routes)
            .configure(routes::verifications::routes)
            .configure(routes::workbench::routes)
            .configure(routes::certificates::routes)
            .configure(routes::spot_checks::routes)
            .configure(routes::title_corrections::routes)
            .configure(routes::support::routes)
            .configure(routes::notifications::routes)
            // Not an operation of its own document.
            .route("/openapi.json", web::get().to(openapi_json))
            .default_service(web::to(spa::api_not_found)),
    )
}

/// The OpenAPI document as JSON.
async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// The OpenAPI document, built from the route table.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = api_routes(App::new().into_utoipa_app().openapi(openapi::base())).split_for_parts();
    openapi::complete(doc)
}

/// The SPA loads only its own scripts and styles (antd injects inline
/// styles, hence 'unsafe-inline' for styles only); captchas are data: images;
/// the docs viewer is same-origin. No framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// CORS from the allow-list only; with none, browsers keep to the same origin.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut c = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE"])
        .allowed_headers(["authorization", "content-type", "if-match", "idempotency-key"])
        .expose_headers([
            "etag",
            "retry-after",
            "location",
            "idempotency-replayed",
            "content-disposition",
            "x-request-id",
        ])
        .max_age(600);
    for o in origins {
        c = c.allowed_origin(o);
    }
    c
}

/// The document fonts, or none (PDFs cannot be rendered until they are installed).
fn load_fonts() -> Option<cme_documents::Fonts> {
    match cme_documents::Fonts::system() {
        Ok(f) => Some(f),
        Err(e) => {
            tracing::warn!(
                error = %e,
                packages = ?cme_documents::FONT_PACKAGES,
                "document fonts unavailable: PDFs cannot be rendered (install the packages, e.g. with `make run`)"
            );
            None
        }
    }
}

/// The headers every answer carries.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Content-Security-Policy", CSP))
}

impl Application {
    /// Binds the listener and builds the app.
    pub async fn build(settings: Settings, db: DatabaseConnection) -> std::io::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        cme_store::repo::audit::use_key(settings.pii.audit_key());
        let metrics_listener = settings.metrics_bind.as_deref().map(TcpListener::bind).transpose()?;
        let lifecycle = std::sync::Arc::new(lifecycle::Lifecycle::default());
        let state = web::Data::new(AppState {
            fonts: load_fonts(),
            files: settings.files,
            spool: settings.spool,
            print_worker: std::sync::Arc::new(routes::certificates::PrintWorker::new()),
            delivery: settings.notify.clone(),
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            db,
            pii: settings.pii,
            sign_in_key: cme_domain::sign_in_code::SignInKey::derive(&settings.jwt_secret),
            public_limiter: auth::limiter::Limiter::per_minute("public", settings.public_lookups_per_minute),
            instance: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()),
            trusted_proxies: settings.trusted_proxies,
            figures: figures::FiguresCache::default(),
            approve_in_request: settings.approve_in_request,
            metrics: std::sync::Arc::new(metrics::Metrics::new().map_err(std::io::Error::other)?),
            lifecycle: lifecycle.clone(),
            auth: AuthState {
                keys: auth::tokens::TokenKeys::new(&settings.jwt_secret),
                test_captcha: settings.test_captcha,
                client_limiter: auth::limiter::Limiter::per_minute("client", settings.client_requests_per_minute),
                sessions: auth::cache::SessionCache::default(),
                names: auth::cache::NameCache::default(),
                unit_levels: auth::cache::LevelCache::default(),
            },
        });
        let instance = state.instance.clone();
        routes::certificates::start_print_worker(state.clone());
        routes::verifications::start_review_worker(state.clone());
        auth::revocation::listen(state.clone());
        notify::start_worker(state.db.clone(), settings.notify);
        let cors_origins = settings.cors_origins;
        let doc = web::Data::new(openapi());
        let static_dir = settings.static_dir.filter(|d| d.join("index.html").is_file());
        let metrics = match metrics_listener {
            Some(listener) => {
                let port = listener.local_addr()?.port();
                let state = state.clone();
                let server = HttpServer::new(move || App::new().app_data(state.clone()).configure(metrics::serve))
                    .workers(1)
                    .disable_signals()
                    .listen(listener)?
                    .run();
                Some((port, server))
            }
            None => None,
        };
        if static_dir.is_none() {
            tracing::warn!("no built SPA found; serving the API only");
        }
        let server = HttpServer::new(move || {
            let (app, api_doc) = api_routes(
                App::new()
                    .into_utoipa_app()
                    .openapi(openapi::base())
                    .app_data(state.clone())
                    .app_data(doc.clone())
                    .app_data(web::PathConfig::default().error_handler(error::path_error))
                    .app_data(web::JsonConfig::default().error_handler(error::json_error))
                    .app_data(web::FormConfig::default().error_handler(error::form_error))
                    .app_data(web::QueryConfig::default().error_handler(error::query_error)),
            )
            .split_for_parts();
            // Innermost: keyed POSTs see and keep the uncompressed answer.
            app.wrap(actix_web::middleware::from_fn(idempotency::middleware))
                .wrap(actix_web::middleware::from_fn(spa::caching))
                .wrap(actix_web::middleware::from_fn(telemetry::request_id))
                .wrap(actix_web::middleware::from_fn(metrics::middleware))
                .wrap(tracing_actix_web::TracingLogger::<telemetry::RedactingRootSpan>::new())
                .wrap(Compress::default())
                .wrap(cors(&cors_origins))
                .wrap(security_headers())
                .service(web::redirect("/api/docs", "/api/docs/"))
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", openapi::complete(api_doc)))
                .service(web::scope("/api").default_service(web::to(spa::api_not_found)))
                .configure(spa::configure(static_dir.clone()))
        })
        .listen(listener)?
        // Stopping: let in-flight requests finish within 30 s. The signals
        // are ours (`lifecycle`): readiness turns off before accepting stops.
        .shutdown_timeout(30)
        .disable_signals()
        .run();
        Ok(Application { port, instance, server, metrics, lifecycle, shutdown_drain: settings.shutdown_drain })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// This process's name among the instances (the holder of the jobs it claims).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The metrics listener's port, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Runs until SIGTERM (not ready at once, serving on for the drain time,
    /// then graceful), SIGINT (graceful) or an error.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let mut handles = vec![self.server.handle()];
        if let Some((_, metrics)) = self.metrics {
            handles.push(metrics.handle());
            tokio::spawn(metrics);
        }
        tokio::spawn(lifecycle::stop_on_signal(self.lifecycle, self.shutdown_drain, handles));
        self.server.await
    }
}
