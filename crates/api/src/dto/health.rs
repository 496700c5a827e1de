//! Health.

use serde::Serialize;
use utoipa::ToSchema;

/// The state of the service and its database.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when a part is down (`down` names which).
    pub status: String,
    pub version: String,
    /// The parts that do not work now: `database` (requests answer 503
    /// until it is back) and `documents` (the fonts for PDFs are missing:
    /// certificates and forms cannot be printed); readiness adds
    /// `migrations` (the database lacks this version's migrations) and
    /// `shutting_down` (the process was told to stop). Empty when all is well.
    pub down: Vec<String>,
    pub database: DatabaseHealth,
    pub documents: DocumentsHealth,
}

/// Whether PDFs (certificates, forms) can be rendered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentsHealth {
    /// The CJK fonts the PDFs print with were found at start-up.
    pub renderable: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatabaseHealth {
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub reachable: bool,
    /// Round trip of a ping, in milliseconds.
    pub latency_ms: f64,
}

/// The process answers (liveness: nothing else is checked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Liveness {
    /// Always `ok`.
    pub status: String,
    pub version: String,
}
