//! Health.

use serde::Serialize;
use utoipa::ToSchema;

/// The state of the service and its database.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database does not answer.
    pub status: String,
    pub version: String,
    pub database: DatabaseHealth,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatabaseHealth {
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub reachable: bool,
    /// Round trip of a ping, in milliseconds.
    pub latency_ms: f64,
}
