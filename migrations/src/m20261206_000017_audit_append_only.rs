//! The audit log becomes keyed and append-only in the database itself.
//!
//! - `keyed`: 1 for an entry whose hash is an HMAC under a key derived from
//!   `CME_DATA_KEY` (every entry from now on), 0 for the plain SHA-256 of
//!   entries written before; whoever can write the database can no longer
//!   recompute the chain after editing a row.
//! - Triggers refuse UPDATE and DELETE on `audit_log` (and TRUNCATE on
//!   PostgreSQL): the application never does either, and nobody else may.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = r#"
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER tr_audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER tr_audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
"#;

const POSTGRES_DOWN: &str = r#"
DROP TRIGGER tr_audit_log_no_truncate ON audit_log;
DROP TRIGGER tr_audit_log_no_update_delete ON audit_log;
DROP FUNCTION audit_log_append_only();
"#;

const SQLITE_UP: [&str; 2] = [
    "CREATE TRIGGER tr_audit_log_no_update BEFORE UPDATE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER tr_audit_log_no_delete BEFORE DELETE ON audit_log \
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_log")
                    .add_column(ColumnDef::new("keyed").integer().not_null().default(0))
                    .take(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(POSTGRES_UP).await?;
            }
            _ => {
                for sql in SQLITE_UP {
                    db.execute_unprepared(sql).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(POSTGRES_DOWN).await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER tr_audit_log_no_update").await?;
                db.execute_unprepared("DROP TRIGGER tr_audit_log_no_delete").await?;
            }
        }
        manager.alter_table(Table::alter().table("audit_log").drop_column("keyed").take()).await
    }
}
