//! The one error type of the store, shaped for the API to map.

use cme_domain::auth::{Role, Scope};
use cme_domain::review::TransitionError;
use cme_domain::standard::StandardError;
use migration::constraint::Constraint;
use sea_orm::sqlx::error::ErrorKind;
use sea_orm::{DbErr, RuntimeErr};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A named constraint refused the write: a unique key, a foreign key or a
    /// check. `constraint` is the name given in `migrations/` (e.g.
    /// `uq_people_id_number_hmac`) on both backends, except that SQLite does
    /// not name a violated foreign key: there it is `foreign_key`.
    #[error("constraint {constraint} violated")]
    Conflict { constraint: String },
    /// Someone else changed the row since it was read (optimistic lock lost).
    #[error("the row was changed by someone else")]
    StaleVersion,
    /// An account or API client cannot be bound to this organisation: the
    /// kind does not fit the role (`domain::auth::scope_fits`), or the
    /// department or person does not belong to the unit named with it.
    #[error("a {role} cannot be bound to {scope:?}")]
    ScopeMismatch { role: Role, scope: Scope },
    /// A refresh token is unknown, expired or revoked.
    #[error("the refresh token is not valid")]
    TokenInvalid,
    /// A refresh token was presented a second time: its whole family has
    /// been revoked (and that revocation is committed).
    #[error("the refresh token was already used; its sessions are revoked")]
    TokenReplayed,
    /// The person-year's verification has been submitted: its credits can no
    /// longer change (until the record is returned to the unit).
    #[error("the credits of {year} are locked by a submitted verification")]
    Locked { year: i32 },
    /// The verification state machine refused the event.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The year has no published standard, or it has no row for the person.
    #[error(transparent)]
    Standard(#[from] StandardError),
    /// A business rule refused the change; `detail` says why, in Chinese.
    #[error("{detail}")]
    Refused { code: Refusal, detail: String },
    /// A stored value does not parse into the domain (or does not decrypt).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database cannot be reached (down, restarting, or no connection
    /// free within the acquire timeout), or it takes no writes for now (a
    /// standby not yet promoted): a retry later may succeed.
    #[error("the database is unavailable: {0}")]
    Unavailable(DbErr),
    /// A statement ran past its statement timeout (PostgreSQL's SQLSTATE 57014) and was
    /// cancelled: the database is too busy for it now, a retry later may succeed.
    #[error("a statement timed out: {0}")]
    TimedOut(DbErr),
    #[error(transparent)]
    Db(DbErr),
}

/// The business rules the store itself refuses a change by (spot checks,
/// title corrections); the API gives each its own problem code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    AlreadyOpen,
    CertificateRevoked,
    CheckClosed,
    CorrectionRefused,
    NoCertificate,
    NotCompliant,
    NotYourCheck,
    NothingToCheck,
    ReasonRequired,
    ResultsMissing,
    /// People or open records still in a unit or department to close or merge.
    UnitBusy,
    /// The unit or department is closed already.
    UnitClosed,
}

impl StoreError {
    /// The catalogued constraint a `Conflict` names, if any.
    pub fn constraint(&self) -> Option<Constraint> {
        match self {
            StoreError::Conflict { constraint } => Constraint::from_name(constraint),
            _ => None,
        }
    }

    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if outage(&err) {
            return StoreError::Unavailable(err);
        }
        if timed_out(&err) {
            return StoreError::TimedOut(err);
        }
        match &err {
            DbErr::RecordNotFound(_) => return StoreError::NotFound,
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
                if let sea_orm::sqlx::Error::Database(db) = &**e
                    && let Some(constraint) = constraint_name(db.kind(), db.constraint(), db.message())
                {
                    return StoreError::Conflict { constraint };
                }
            }
            _ => {}
        }
        StoreError::Db(err)
    }
}

/// Whether a statement was cancelled by its statement timeout (SQLSTATE 57014,
/// `query_canceled`; nothing else of ours cancels a statement).
fn timed_out(err: &DbErr) -> bool {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(&**e, sea_orm::sqlx::Error::Database(db) if db.code().as_deref() == Some("57014"))
        }
        _ => false,
    }
}

/// Whether an error means the database is out of reach rather than that the
/// statement failed: no connection could be had, the connection broke, the
/// server is shutting down or starting, or it is a read-only standby (see
/// [`outage_code`]).
fn outage(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => match &**e {
            Error::Io(_) | Error::Tls(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
            Error::Database(db) => db.code().is_some_and(|c| outage_code(&c)),
            _ => false,
        },
        _ => false,
    }
}

/// The SQLSTATEs of an outage: class 08 (connection exception), 57P
/// (operator intervention: shutting down, starting, crashed) and 25006
/// (`read_only_sql_transaction`). The last is what a write meets on a hot
/// standby, e.g. while a failover proxy already points at it and it is not
/// yet promoted; it passes once the standby is promoted, so it is a 503 with
/// Retry-After, not a 500 (tests/faults/standby_promotion.py).
fn outage_code(code: &str) -> bool {
    code.starts_with("08") || code.starts_with("57P") || code == "25006"
}

/// The migration's name of a violated constraint. PostgreSQL reports the name
/// itself; SQLite reports `UNIQUE constraint failed: t.a, t.b`, which is
/// looked up in the catalogue ([`Constraint::from_sqlite_columns`]), and names
/// check constraints in its message.
fn constraint_name(kind: ErrorKind, reported: Option<&str>, message: &str) -> Option<String> {
    let is_violation =
        matches!(kind, ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation | ErrorKind::CheckViolation);
    if !is_violation {
        return None;
    }
    if let Some(name) = reported {
        return Some(name.to_owned());
    }
    let detail = message.split_once(':').map(|(_, d)| d.trim());
    Some(match (kind, detail) {
        (ErrorKind::UniqueViolation, Some(columns)) => sqlite_unique_name(columns),
        (ErrorKind::CheckViolation, Some(name)) => name.to_owned(),
        (ErrorKind::ForeignKeyViolation, _) => "foreign_key".to_owned(),
        (_, _) => message.to_owned(),
    })
}

fn sqlite_unique_name(columns: &str) -> String {
    if let Some(c) = Constraint::from_sqlite_columns(columns) {
        return c.name().to_owned();
    }
    // A primary key: `people.id` → `pk_people`.
    match columns.split_once('.') {
        Some((table, "id")) => format!("pk_{table}"),
        _ => format!("unique({columns})"),
    }
}

/// An error of a statement sent with sqlx directly (a pool connection held
/// for a lock, a COPY), as the store's error of the same statement sent
/// through sea-orm.
pub(crate) fn sqlx_err(e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::from(DbErr::Exec(RuntimeErr::SqlxError(std::sync::Arc::new(e))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_told_by_their_sqlstate() {
        for code in ["08006", "08001", "57P01", "57P03", "25006"] {
            assert!(outage_code(code), "{code}");
        }
        // A statement's own failure: a unique violation, a check, a syntax
        // error, any other state of class 25 (e.g. in a failed transaction).
        for code in ["23505", "23514", "42601", "25P02", "25001"] {
            assert!(!outage_code(code), "{code}");
        }
    }

    #[test]
    fn sqlite_messages_map_to_migration_names() {
        let name = |kind, msg| constraint_name(kind, None, msg);
        assert_eq!(
            name(ErrorKind::UniqueViolation, "UNIQUE constraint failed: people.id_number_hmac").as_deref(),
            Some("uq_people_id_number_hmac")
        );
        assert_eq!(
            name(ErrorKind::UniqueViolation, "UNIQUE constraint failed: departments.unit_id, departments.name")
                .as_deref(),
            Some("uq_departments_unit_id_name")
        );
        assert_eq!(name(ErrorKind::UniqueViolation, "UNIQUE constraint failed: units.id").as_deref(), Some("pk_units"));
        assert_eq!(
            name(ErrorKind::UniqueViolation, "UNIQUE constraint failed: accounts.username").as_deref(),
            Some("uq_accounts_username")
        );
        assert_eq!(
            name(ErrorKind::UniqueViolation, "UNIQUE constraint failed: audit_log.id").as_deref(),
            Some("uq_audit_log_id")
        );
        assert_eq!(
            name(ErrorKind::CheckViolation, "CHECK constraint failed: ck_credits_amount_positive").as_deref(),
            Some("ck_credits_amount_positive")
        );
        assert_eq!(
            name(ErrorKind::ForeignKeyViolation, "FOREIGN KEY constraint failed").as_deref(),
            Some("foreign_key")
        );
        assert_eq!(name(ErrorKind::Other, "disk I/O error"), None);
        assert_eq!(
            constraint_name(ErrorKind::UniqueViolation, Some("uq_units_code"), "duplicate key").as_deref(),
            Some("uq_units_code")
        );
    }
}
