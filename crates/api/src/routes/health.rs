//! Health: the service's state (`/health`), liveness (`/health/live`: the
//! process answers) and readiness (`/health/ready`: send it requests).

use std::time::Instant;
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::{HttpResponse, get, web};
use sea_orm::DbBackend;

use crate::AppState;
use crate::dto::health::{DatabaseHealth, DocumentsHealth, Health, Liveness};

/// How long readiness waits for the database: a balancer's check must get
/// its answer well within its own timeout.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health).service(live).service(ready);
}

/// The service's health: whether its database answers and whether it can
/// render documents.
///
/// 200 when the database answers, 503 (same body, `status: degraded`) when
/// it does not, so a load balancer or compose health check can use it.
/// Missing fonts make the status `degraded` and name `documents` in `down`
/// but keep 200: everything but printing works.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let started = Instant::now();
    let reachable = state.db.ping().await.is_ok();
    let body = health_body(&state, started, reachable, &[]);
    if reachable { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

/// Whether the process answers, for a liveness probe: it never touches the
/// database (an outage must not get the process restarted).
#[utoipa::path(tag = "health", responses((status = 200, body = Liveness)))]
#[get("/health/live")]
pub async fn live() -> web::Json<Liveness> {
    web::Json(Liveness { status: "ok".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() })
}

/// Whether this instance should be sent requests, for a load balancer.
///
/// 200 when the database answers within 2 s and has every migration this
/// version needs; 503 (same body as `/health`, `status: degraded`, `down`
/// naming `database`, `migrations` or `shutting_down`) otherwise, and at
/// once when the process was told to stop (SIGTERM): it still finishes
/// what it is sent while the balancer takes it out of rotation.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "Not ready: the database, its migrations, or shutting down", body = Health),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let started = Instant::now();
    let draining = state.lifecycle.is_draining();
    let reachable = matches!(tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await, Ok(Ok(())));
    let migrated = reachable && state.lifecycle.migrated(&state.db).await;
    let more: Vec<&str> = [draining.then_some("shutting_down"), (reachable && !migrated).then_some("migrations")]
        .into_iter()
        .flatten()
        .collect();
    let body = health_body(&state, started, reachable, &more);
    if reachable && more.is_empty() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().insert_header(("Retry-After", "5")).json(body)
    }
}

/// The body of `/health` and `/health/ready`; `more` names further parts down.
fn health_body(state: &AppState, started: Instant, reachable: bool, more: &[&str]) -> Health {
    let backend = match state.db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    };
    // Fonts::system() loads Noto and its fallback chain or nothing: a missing fallback font
    // (names it alone can print would be refused) counts as missing fonts.
    let renderable = state.fonts.is_some();
    let down: Vec<String> = [(!reachable).then_some("database"), (!renderable).then_some("documents")]
        .into_iter()
        .flatten()
        .chain(more.iter().copied())
        .map(str::to_owned)
        .collect();
    Health {
        status: if down.is_empty() { "ok" } else { "degraded" }.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        down,
        documents: DocumentsHealth { renderable },
        database: DatabaseHealth {
            backend: backend.to_owned(),
            reachable,
            latency_ms: (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
        },
    }
}
