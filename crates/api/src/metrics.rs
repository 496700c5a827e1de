//! The metrics, in the Prometheus text format, served on their own listener
//! (`CME_METRICS_BIND`, see [`serve`]) and never on the public one.
//!
//! Built on the `prometheus` crate (TiKV's client; `actix-web-prom` is a thin
//! middleware over it): counters and histograms are kept per app in one
//! [`Registry`], so that every test's app counts only its own requests; the
//! gauges that describe shared state (the pool, the job queues) are read at
//! scrape time. Labels are bounded and hold no personal data: a request is
//! labelled by its matched route pattern (`/api/v1/people/{id}`), never its
//! path, and by its method and status; a path no route matched is
//! `unmatched`.

use std::sync::LazyLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::{DatabaseConnection, DbBackend};

/// Request latency buckets, in seconds: a list answers in milliseconds, a
/// province's report or a PDF in seconds.
const LATENCY_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Reminders raised, by kind: counted where they are raised
/// ([`crate::notify::raise`]), in the request or in the daily scan, for the
/// whole process (one app per process outside the tests).
#[expect(clippy::unwrap_used, reason = "a constant, valid metric definition")]
static REMINDERS_RAISED: LazyLock<IntCounterVec> = LazyLock::new(|| {
    IntCounterVec::new(Opts::new("cme_reminders_raised_total", "Reminders raised, by kind"), &["kind"]).unwrap()
});

/// Counts `n` reminders of `kind` raised.
pub fn reminders_raised(kind: &str, n: u64) {
    REMINDERS_RAISED.with_label_values(&[kind]).inc_by(n);
}

/// One app's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    refusals: IntCounterVec,
    pool: IntGaugeVec,
    pool_max: IntGauge,
    jobs: IntGaugeVec,
    scrape_errors: IntGauge,
}

impl Metrics {
    /// A fresh registry with every metric of the app.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("cme_http_requests_total", "HTTP requests answered, by method, route pattern and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("cme_http_request_duration_seconds", "Time to answer an HTTP request (until the head)")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )?;
        let refusals = IntCounterVec::new(
            Opts::new("cme_rate_limit_refusals_total", "Requests refused with 429, by limit"),
            &["limit"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("cme_db_pool_connections", "Database pool connections, by state (in_use, idle)"),
            &["state"],
        )?;
        let pool_max = IntGauge::new("cme_db_pool_max_connections", "The database pool's maximum size")?;
        let jobs = IntGaugeVec::new(
            Opts::new("cme_jobs", "Background work by queue and state, read at scrape time"),
            &["queue", "state"],
        )?;
        let scrape_errors =
            IntGauge::new("cme_metrics_database_errors", "1 when the last scrape could not read the job queues")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(refusals.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(scrape_errors.clone()))?;
        registry.register(Box::new(REMINDERS_RAISED.clone()))?;
        // Every limit's series from the start, so an alert's rate() has a zero to start from.
        for limit in LIMITS {
            refusals.with_label_values(&[limit]).inc_by(0);
        }
        Ok(Metrics { registry, requests, latency, refusals, pool, pool_max, jobs, scrape_errors })
    }

    /// Counts one answered request.
    fn observe(&self, method: &Method, route: &str, status: StatusCode, seconds: f64) {
        let method = method_label(method);
        self.requests.with_label_values(&[method, route, status.as_str()]).inc();
        self.latency.with_label_values(&[method, route]).observe(seconds);
        if status == StatusCode::TOO_MANY_REQUESTS {
            self.refusals.with_label_values(&[limit_of(route)]).inc();
        }
    }

    /// The text exposition, with the gauges read now.
    pub async fn render(&self, db: &DatabaseConnection) -> String {
        let (size, idle, max) = pool_use(db);
        self.pool.with_label_values(&["in_use"]).set(i64::from(size) - i64::try_from(idle).unwrap_or(0));
        self.pool.with_label_values(&["idle"]).set(i64::try_from(idle).unwrap_or(0));
        self.pool_max.set(i64::from(max));
        // A database that does not answer leaves the last depths and says so.
        match tokio::time::timeout(std::time::Duration::from_secs(2), cme_store::repo::queues::depths(db)).await {
            Ok(Ok(d)) => {
                let gauge = |q: &str, s: &str, n: u64| {
                    self.jobs.with_label_values(&[q, s]).set(i64::try_from(n).unwrap_or(i64::MAX))
                };
                gauge("print", "queued", d.print_queued);
                gauge("print", "running", d.print_running);
                gauge("approve_all", "running", d.approve_all_running);
                gauge("reminder_outbox", "waiting", d.outbox_waiting);
                self.scrape_errors.set(0);
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "metrics: job queues unreadable");
                self.scrape_errors.set(1);
            }
            Err(_) => {
                tracing::warn!("metrics: job queues not read within 2 s");
                self.scrape_errors.set(1);
            }
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(error = %e, "metrics: cannot encode");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// The rate limits, as labelled.
const LIMITS: [&str; 3] = ["sign_in", "public_lookup", "api_client"];

/// Which limit refused a request, told by its route: the sign-in limits
/// guard `/auth/…`, the public lookup limit `/public/…`, and elsewhere a 429
/// is an API client's limit (the only other one).
fn limit_of(route: &str) -> &'static str {
    let rest = route.strip_prefix("/api/v1").unwrap_or(route);
    if rest.starts_with("/auth/") {
        LIMITS[0]
    } else if rest.starts_with("/public/") {
        LIMITS[1]
    } else {
        LIMITS[2]
    }
}

fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The pool's size, idle connections and maximum.
fn pool_use(db: &DatabaseConnection) -> (u32, usize, u32) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (p.size(), p.num_idle(), p.options().get_max_connections())
        }
        DbBackend::Sqlite => {
            let p = db.get_sqlite_connection_pool();
            (p.size(), p.num_idle(), p.options().get_max_connections())
        }
        _ => (0, 0, 0),
    }
}

/// The route label of a request: its matched pattern (a static string of
/// the route table), else `unmatched`: a default service (an unknown API
/// path) or the SPA's files, whose paths may hold a secret (`/v/{token}`).
fn route_label(res: &ServiceResponse<impl MessageBody>) -> String {
    match res.request().match_pattern() {
        Some(p) if p.len() > 1 => p,
        _ => "unmatched".to_owned(),
    }
}

/// The middleware that counts every request of the app.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let metrics = req.app_data::<web::Data<crate::AppState>>().map(|s| s.metrics.clone());
    let method = req.method().clone();
    let started = Instant::now();
    let res = next.call(req).await?;
    if let Some(m) = metrics {
        let route = route_label(&res);
        m.observe(&method, &route, res.status(), started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// `GET /metrics` on the metrics listener.
async fn metrics_page(state: web::Data<crate::AppState>) -> HttpResponse {
    let body = state.metrics.render(&state.db).await;
    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(body)
}

/// The metrics listener's app: `/metrics` and nothing else.
pub fn serve(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics_page));
}
