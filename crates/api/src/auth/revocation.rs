//! Ending sessions on every instance at once. Each instance caches the
//! sessions it looked up for a few seconds (`cache::SessionCache`); when
//! sessions end (sign-out, password change, disable, reset, a refresh
//! replay, a unit closed), the instance that ended them evicts its cache and
//! sends a PostgreSQL NOTIFY on [`CHANNEL`] with the account's id; every
//! instance LISTENs and evicts the same account, so a token signed out on
//! one instance is refused on the others within the notification's delivery
//! (milliseconds; `tests/ops/two_instances.sh` measures it). When the
//! listening connection is lost, an instance may have missed notifications:
//! it empties its whole session cache on reconnecting. On SQLite (one
//! process) eviction is local only.

use std::time::Duration;

use actix_web::web;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait as _, DbBackend, Statement};
use uuid::Uuid;

use crate::AppState;

/// The channel every instance listens on.
pub const CHANNEL: &str = "cme_sessions_ended";

/// Forgets `account`'s sessions here and tells every other instance. A
/// failed broadcast is logged: the others then see the end within the
/// session cache's TTL (`cache::TTL`).
pub async fn sessions_ended(state: &AppState, account: Uuid) {
    state.auth.sessions.evict(account);
    if state.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let notify = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), account.to_string().into()],
    );
    if let Err(e) = state.db.execute_raw(notify).await {
        tracing::warn!(error = %e, "cannot tell the other instances that sessions ended; they see it within seconds");
    }
}

/// Starts this instance's listener (PostgreSQL only): evicts the sessions
/// of every account another instance names, and reconnects when the
/// connection is lost.
pub fn listen(state: web::Data<AppState>) {
    if state.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    // Started outside actix's workers (no LocalSet): a Send task of tokio's.
    tokio::spawn(async move {
        loop {
            if let Err(e) = serve(&state).await {
                tracing::warn!(error = %e, "session-end listener lost its connection; reconnecting");
            }
            // Anything may have been missed while the listener was down.
            state.auth.sessions.clear();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

async fn serve(state: &AppState) -> Result<(), sea_orm::sqlx::Error> {
    let pool = state.db.get_postgres_connection_pool();
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Listening from now: forget what was cached before.
    state.auth.sessions.clear();
    loop {
        match listener.try_recv().await? {
            Some(n) => match n.payload().parse::<Uuid>() {
                Ok(account) => state.auth.sessions.evict(account),
                Err(_) => tracing::warn!("session-end listener: a notification without an account id"),
            },
            // The connection was lost (the listener reconnects on the next
            // call): notifications may have been missed.
            None => state.auth.sessions.clear(),
        }
    }
}
