//! The process's readiness: whether a load balancer should send it new
//! requests (`GET /api/v1/health/ready`), and the signals that end it.
//!
//! On SIGTERM the instance says "not ready" at once but keeps serving for
//! the drain time (`CME_SHUTDOWN_DRAIN_SECS`), so that the balancer's health
//! checks take it out of rotation before it stops accepting; then actix
//! stops accepting and lets in-flight requests finish (30 s at most). A
//! balancer that retries refused connections elsewhere then loses no
//! request in a rolling restart. SIGINT (Ctrl-C at a terminal) skips the
//! drain. actix's own signal handling is turned off for this
//! (`HttpServer::disable_signals`): it would stop accepting at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use sea_orm::DatabaseConnection;

/// Shared by the app's handlers and the signal task.
#[derive(Default)]
pub struct Lifecycle {
    draining: AtomicBool,
    /// Set once every migration was found applied (they are never undone).
    migrated: AtomicBool,
}

impl Lifecycle {
    /// From now on, not ready.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Whether the database has every migration this binary knows.
    pub async fn migrated(&self, db: &DatabaseConnection) -> bool {
        if self.migrated.load(Ordering::Relaxed) {
            return true;
        }
        let done = cme_store::migrations_applied(db).await.unwrap_or(false);
        if done {
            self.migrated.store(true, Ordering::Relaxed);
        }
        done
    }
}

/// Which signal ended the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// SIGTERM: drain, then stop.
    Terminate,
    /// SIGINT: stop now (in-flight requests still finish).
    Interrupt,
}

async fn stop_signal() -> Stop {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = term.recv() => Stop::Terminate,
                _ = tokio::signal::ctrl_c() => Stop::Interrupt,
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
                Stop::Interrupt
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        Stop::Interrupt
    }
}

/// Waits for SIGTERM or SIGINT, turns readiness off, drains (on SIGTERM)
/// and stops `servers` gracefully.
pub async fn stop_on_signal(lifecycle: std::sync::Arc<Lifecycle>, drain: Duration, servers: Vec<ServerHandle>) {
    let how = stop_signal().await;
    lifecycle.drain();
    let drain = if how == Stop::Terminate { drain } else { Duration::ZERO };
    tracing::info!(signal = ?how, drain_secs = drain.as_secs_f64(), "stopping: not ready from now on");
    tokio::time::sleep(drain).await;
    tracing::info!("stopping: no new connections; finishing requests in flight");
    for s in servers {
        s.stop(true).await;
    }
}
