//! Reminders (issue 17 part 4): what the system tells an account by itself,
//! the account's choices per kind and channel, and the outbox through which
//! reminders leave the system (a province's SMS/WeChat gateway by webhook,
//! email by SMTP), with every delivery attempt recorded.

use sea_orm_migration::prelude::*;

use crate::constraint::Constraint;
use crate::util::{boolean, fk, index, int, pk, text, text_null, timestamp, timestamp_null, unique, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .col(uuid("id"))
                    .col(uuid("account_id"))
                    // NotificationKind's stable name.
                    .col(text("kind"))
                    .col(text("title"))
                    .col(text("body"))
                    // The SPA path that shows what it is about.
                    .col(text("link"))
                    // Raising the same reminder for the same account twice is a
                    // no-op (INSERT … ON CONFLICT DO NOTHING): events name
                    // themselves, scans their window or office and the day.
                    .col(text("dedupe_key"))
                    .col(timestamp("created_at"))
                    .col(timestamp_null("read_at"))
                    .primary_key(&mut pk("notifications"))
                    .foreign_key(&mut fk("fk_notifications_account", "notifications", "account_id", "accounts"))
                    .index(&mut unique(Constraint::NotificationsAccountKey.name(), &["account_id", "dedupe_key"]))
                    .take(),
            )
            .await?;
        // The bell: an account's newest, and its unread count.
        manager.create_index(index("ix_notifications_account_id", "notifications", &["account_id", "id"])).await?;
        manager
            .create_index(index("ix_notifications_account_unread", "notifications", &["account_id", "read_at"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("notification_preferences")
                    .col(uuid("id"))
                    .col(uuid("account_id"))
                    .col(text("kind"))
                    .col(boolean("in_app"))
                    .col(boolean("webhook"))
                    .col(boolean("email"))
                    .col(timestamp("updated_at"))
                    .primary_key(&mut pk("notification_preferences"))
                    .index(&mut unique(Constraint::NotificationPreferencesKind.name(), &["account_id", "kind"]))
                    .foreign_key(&mut fk(
                        "fk_notification_preferences_account",
                        "notification_preferences",
                        "account_id",
                        "accounts",
                    ))
                    .take(),
            )
            .await?;

        // Where email reminders go, per account (accounts keep no address).
        manager
            .create_table(
                Table::create()
                    .table("notification_contacts")
                    .col(uuid("id"))
                    .col(text_null("email"))
                    .col(timestamp("updated_at"))
                    .primary_key(&mut pk("notification_contacts"))
                    .foreign_key(&mut fk("fk_notification_contacts_account", "notification_contacts", "id", "accounts"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(uuid("id"))
                    .col(uuid("notification_id"))
                    // webhook | email
                    .col(text("channel"))
                    // The email address, or the account's login for the gateway.
                    .col(text("recipient"))
                    // What is sent, as JSON: no personal data (ID numbers).
                    .col(text("payload"))
                    // pending | sent | failed
                    .col(text("state"))
                    .col(int("attempts"))
                    .col(timestamp("next_attempt_at"))
                    // The instance sending it, until when: another instance
                    // takes it over only after that.
                    .col(text_null("claimed_by"))
                    .col(timestamp_null("claimed_until"))
                    .col(timestamp("created_at"))
                    .col(timestamp_null("sent_at"))
                    .primary_key(&mut pk("outbox"))
                    .foreign_key(&mut fk("fk_outbox_notification", "outbox", "notification_id", "notifications"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_outbox_due", "outbox", &["state", "next_attempt_at"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("outbox_attempts")
                    .col(uuid("id"))
                    .col(uuid("outbox_id"))
                    .col(int("attempt"))
                    .col(timestamp("at"))
                    .col(boolean("ok"))
                    // The gateway's HTTP status (webhook) or the SMTP reply code.
                    .col(ColumnDef::new("status_code").integer().null())
                    .col(text_null("error"))
                    .primary_key(&mut pk("outbox_attempts"))
                    .foreign_key(&mut fk("fk_outbox_attempts_outbox", "outbox_attempts", "outbox_id", "outbox"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ix_outbox_attempts_outbox_id", "outbox_attempts", &["outbox_id", "attempt"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["outbox_attempts", "outbox", "notification_contacts", "notification_preferences", "notifications"] {
            manager.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
