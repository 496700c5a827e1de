//! Liveness and the database's state.

use std::time::Instant;
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::{HttpResponse, get, web};
use sea_orm::DbBackend;

use crate::AppState;
use crate::dto::health::{DatabaseHealth, DocumentsHealth, Health};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health);
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
        .map(str::to_owned)
        .collect();
    let body = Health {
        status: if down.is_empty() { "ok" } else { "degraded" }.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        down,
        documents: DocumentsHealth { renderable },
        database: DatabaseHealth {
            backend: backend.to_owned(),
            reachable,
            latency_ms: (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
        },
    };
    if reachable { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}
