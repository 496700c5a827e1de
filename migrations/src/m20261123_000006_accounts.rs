//! Identity and access (issue 3): accounts bound to their organisation,
//! rotating refresh tokens, API clients, captchas, sign-in failures for rate
//! limiting, and the hash-chained audit log.
//!
//! Secrets are never stored: passwords as argon2id PHC strings, refresh
//! tokens, client secrets and captcha answers as SHA-256 digests (they are
//! random and long, or single-use and short-lived, so a fast hash is right).

use crate::constraint::Constraint;
use sea_orm_migration::prelude::*;

use crate::util::{
    big_int, binary, boolean, fk, index, int, pk, text, text_null, timestamp, timestamp_null, unique, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An account's organisation has one of five shapes: nothing (the province),
/// a region, a unit, a unit and a department, a unit and a person.
fn scope_shape() -> SimpleExpr {
    let null = |c: &'static str| Expr::col(c).is_null();
    let set = |c: &'static str| Expr::col(c).is_not_null();
    let org = null("region_id").or(null("unit_id").and(null("department_id")).and(null("person_id")));
    let under_unit = null("department_id").or(set("unit_id")).and(null("person_id").or(set("unit_id")));
    let one_below = null("department_id").or(null("person_id"));
    org.and(under_unit).and(one_below)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("accounts")
                    .col(uuid("id"))
                    // Stored lower-case: sign-in is case-insensitive.
                    .col(text("username"))
                    // argon2id PHC string; null until a trainee sets his first password.
                    .col(text_null("password_hash"))
                    .col(text("role"))
                    .col(uuid_null("region_id"))
                    .col(uuid_null("unit_id"))
                    .col(uuid_null("department_id"))
                    .col(uuid_null("person_id"))
                    .col(text("display_name"))
                    .col(boolean("must_change_password"))
                    .col(timestamp_null("disabled_at"))
                    .col(timestamp_null("password_changed_at"))
                    .col(timestamp("created_at"))
                    .col(uuid_null("created_by"))
                    .col(timestamp("updated_at"))
                    .col(int("row_version").default(1))
                    .primary_key(&mut pk("accounts"))
                    .index(&mut unique(Constraint::AccountsUsername.name(), &["username"]))
                    .index(&mut unique(Constraint::AccountsPerson.name(), &["person_id"]))
                    .foreign_key(&mut fk("fk_accounts_region", "accounts", "region_id", "regions"))
                    .foreign_key(&mut fk("fk_accounts_unit", "accounts", "unit_id", "units"))
                    .foreign_key(&mut fk("fk_accounts_department", "accounts", "department_id", "departments"))
                    .foreign_key(&mut fk("fk_accounts_person", "accounts", "person_id", "people"))
                    .check((Constraint::AccountsScopeShape.name(), scope_shape()))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_accounts_region_id", "accounts", &["region_id"])).await?;
        manager.create_index(index("ix_accounts_unit_id", "accounts", &["unit_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(uuid("id"))
                    .col(uuid("account_id"))
                    // Every token rotated from one sign-in shares the family.
                    .col(uuid("family_id"))
                    .col(binary("token_hash"))
                    .col(timestamp("issued_at"))
                    .col(timestamp("expires_at"))
                    .col(timestamp_null("used_at"))
                    .col(timestamp_null("revoked_at"))
                    .col(text_null("ip"))
                    .col(text_null("user_agent"))
                    .primary_key(&mut pk("refresh_tokens"))
                    .index(&mut unique(Constraint::RefreshTokensHash.name(), &["token_hash"]))
                    .foreign_key(&mut fk("fk_refresh_tokens_account", "refresh_tokens", "account_id", "accounts"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_refresh_tokens_account_id", "refresh_tokens", &["account_id"])).await?;
        manager.create_index(index("ix_refresh_tokens_family_id", "refresh_tokens", &["family_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("api_clients")
                    .col(uuid("id"))
                    .col(text("client_id"))
                    .col(binary("secret_hash"))
                    .col(text("name"))
                    .col(text("role").default("api_client"))
                    // The owning organisation is the client's jurisdiction; both null = the province.
                    .col(uuid_null("region_id"))
                    .col(uuid_null("unit_id"))
                    // Space-separated operation names granted to the client.
                    .col(text("scopes"))
                    .col(timestamp("created_at"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_null("revoked_at"))
                    .primary_key(&mut pk("api_clients"))
                    .index(&mut unique(Constraint::ApiClientsClientId.name(), &["client_id"]))
                    .foreign_key(&mut fk("fk_api_clients_region", "api_clients", "region_id", "regions"))
                    .foreign_key(&mut fk("fk_api_clients_unit", "api_clients", "unit_id", "units"))
                    .check((
                        Constraint::ApiClientsOneOwner.name(),
                        Expr::col("region_id").is_null().or(Expr::col("unit_id").is_null()),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("captchas")
                    .col(uuid("id"))
                    .col(binary("answer_hash"))
                    .col(timestamp("expires_at"))
                    .col(timestamp_null("used_at"))
                    .primary_key(&mut pk("captchas"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("login_failures")
                    .col(uuid("id"))
                    // `account:<username>` or `ip:<address>`.
                    .col(text("key"))
                    .col(timestamp("at"))
                    .primary_key(&mut pk("login_failures"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_login_failures_key_at", "login_failures", &["key", "at"])).await?;
        manager.create_index(index("ix_login_failures_at", "login_failures", &["at"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    // Assigned by the store (last + 1), never by a sequence, so
                    // the chain has no gaps.
                    .col(big_int("seq"))
                    .col(uuid("id"))
                    .col(timestamp("at"))
                    .col(uuid_null("actor_id"))
                    .col(text("actor_name"))
                    .col(text_null("actor_role"))
                    .col(text_null("ip"))
                    .col(text("action"))
                    .col(text_null("target_type"))
                    .col(text_null("target_id"))
                    // Where it happened, for reading by jurisdiction.
                    .col(uuid_null("region_id"))
                    .col(uuid_null("unit_id"))
                    .col(text("detail"))
                    .col(binary("prev_hash"))
                    .col(binary("hash"))
                    .primary_key(&mut Index::create().name(Constraint::AuditLogSeq.name()).col("seq").take())
                    .index(&mut unique(Constraint::AuditLogId.name(), &["id"]))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_audit_log_region_id", "audit_log", &["region_id"])).await?;
        manager.create_index(index("ix_audit_log_unit_id", "audit_log", &["unit_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_log", "login_failures", "captchas", "api_clients", "refresh_tokens", "accounts"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
