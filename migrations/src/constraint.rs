//! The catalogue of the schema's unique and check constraints: the one place
//! their names are written. The migrations create them by these names, the
//! store reads a violation back to one of them (PostgreSQL names it; SQLite
//! names the columns of a unique one, [`Constraint::sqlite_columns`]), and
//! the API maps each to one answer. A test compares the catalogue with the
//! live schema of both backends, both ways.

macro_rules! catalogue {
    ($(
        $(#[$meta:meta])*
        $variant:ident => ($name:literal, $kind:ident $(, $table:literal, [$($column:literal),+])?)
    ),+ $(,)?) => {
        /// A named unique or check constraint of the schema.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Constraint {
            $($(#[$meta])* $variant),+
        }

        impl Constraint {
            /// Every constraint, in schema order.
            pub const ALL: &'static [Constraint] = &[$(Constraint::$variant),+];

            /// The name the migration gives it (`uq_*`, `ck_*`, `pk_*`).
            pub const fn name(self) -> &'static str {
                match self { $(Constraint::$variant => $name),+ }
            }

            /// Unique (a unique index or constraint) or a check.
            pub const fn kind(self) -> ConstraintKind {
                match self { $(Constraint::$variant => ConstraintKind::$kind),+ }
            }

            /// A unique constraint's table and columns, in index order.
            pub fn columns(self) -> Option<(&'static str, &'static [&'static str])> {
                match self {
                    $(Constraint::$variant => catalogue!(@columns $($table, [$($column),+])?)),+
                }
            }
        }
    };
    (@columns) => { None };
    (@columns $table:literal, [$($column:literal),+]) => { Some(($table, &[$($column),+])) };
}

/// What a constraint keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    /// No two rows share the columns (a unique index, partial or not).
    Unique,
    /// A condition every row meets.
    Check,
}

catalogue! {
    RegionsCode => ("uq_regions_code", Unique, "regions", ["code"]),
    UnitsCode => ("uq_units_code", Unique, "units", ["code"]),
    DepartmentsUnitName => ("uq_departments_unit_id_name", Unique, "departments", ["unit_id", "name"]),
    PeopleIdNumber => ("uq_people_id_number_hmac", Unique, "people", ["id_number_hmac"]),
    StandardsYearVersion => ("uq_standards_year_version", Unique, "standards", ["year", "version"]),
    StandardsStatus => ("ck_standards_status", Check),
    CreditsAmountPositive => ("ck_credits_amount_positive", Check),
    CreditsClass => ("ck_credits_class", Check),
    /// A paper certificate is entered once per person while an entry of it lives (partial).
    CreditsPersonCertificate => ("uq_credits_person_id_certificate_no", Unique, "credits", ["person_id", "certificate_no"]),
    /// One sign-in per person and activity, reversals left out (partial).
    CreditsActivityPerson => ("uq_credits_activity_id_person_id", Unique, "credits", ["activity_id", "person_id"]),
    CourseCompletionsPersonYear => ("uq_course_completions_person_id_year", Unique, "course_completions", ["person_id", "year"]),
    CompliancePersonYear => ("pk_compliance", Unique, "compliance", ["person_id", "year"]),
    ComplianceOutcome => ("ck_compliance_outcome", Check),
    VerificationsPersonYear => ("uq_verifications_person_id_year", Unique, "verifications", ["person_id", "year"]),
    VerificationsCertificateNo => ("uq_verifications_certificate_no", Unique, "verifications", ["certificate_no"]),
    /// A certificate sequence number is issued once per office and year (partial).
    VerificationsCertificateSeq => (
        "uq_verifications_issued_by_region_year_certificate_seq",
        Unique,
        "verifications",
        ["issued_by_region", "year", "certificate_seq"]
    ),
    VerificationTransitionsSeq => (
        "uq_verification_transitions_verification_id_seq",
        Unique,
        "verification_transitions",
        ["verification_id", "seq"]
    ),
    AccountsUsername => ("uq_accounts_username", Unique, "accounts", ["username"]),
    AccountsPerson => ("uq_accounts_person", Unique, "accounts", ["person_id"]),
    AccountsScopeShape => ("ck_accounts_scope_shape", Check),
    RefreshTokensHash => ("uq_refresh_tokens_hash", Unique, "refresh_tokens", ["token_hash"]),
    ApiClientsClientId => ("uq_api_clients_client_id", Unique, "api_clients", ["client_id"]),
    ApiClientsOneOwner => ("ck_api_clients_one_owner", Check),
    AuditLogSeq => ("pk_audit_log", Unique, "audit_log", ["seq"]),
    AuditLogId => ("uq_audit_log_id", Unique, "audit_log", ["id"]),
    PersonTransfersState => ("ck_person_transfers_state", Check),
    PersonTransfersOtherUnit => ("ck_person_transfers_other_unit", Check),
    /// At most one pending transfer per person (partial).
    PersonTransfersOpen => ("uq_person_transfers_open", Unique, "person_transfers", ["person_id"]),
    IdempotencyKeysCallerKey => ("uq_idempotency_keys_caller_key", Unique, "idempotency_keys", ["caller", "key"]),
    ActivitiesCode => ("uq_activities_code", Unique, "activities", ["code"]),
    ActivitiesAmountPositive => ("ck_activities_amount_positive", Check),
    ActivitiesDates => ("ck_activities_dates", Check),
    ActivitiesKind => ("ck_activities_kind", Check),
    ActivitiesOwner => ("ck_activities_owner", Check),
    SubmissionWindowsYearRegionTier => (
        "uq_submission_windows_year_region_id_tier",
        Unique,
        "submission_windows",
        ["year", "region_id", "tier"]
    ),
    SubmissionWindowsOrder => ("ck_submission_windows_order", Check),
    CertificatesNumberVersion => ("uq_certificates_number_version", Unique, "certificates", ["number", "version"]),
    CertificatesQrToken => ("uq_certificates_qr_token", Unique, "certificates", ["qr_token"]),
    SpotCheckItemsCheckVerification => (
        "uq_spot_check_items_spot_check_id_verification_id",
        Unique,
        "spot_check_items",
        ["spot_check_id", "verification_id"]
    ),
    TitleCorrectionTransitionsSeq => (
        "uq_title_correction_transitions_correction_id_seq",
        Unique,
        "title_correction_transitions",
        ["correction_id", "seq"]
    ),    /// A reminder is raised once per account (ON CONFLICT DO NOTHING).
    NotificationsAccountKey => (
        "uq_notifications_account_id_dedupe_key",
        Unique,
        "notifications",
        ["account_id", "dedupe_key"]
    ),
    /// One choice per account and kind (upserted).
    NotificationPreferencesKind => (
        "uq_notification_preferences_account_id_kind",
        Unique,
        "notification_preferences",
        ["account_id", "kind"]
    ),
}

impl Constraint {
    /// The constraint of this name, if the catalogue has it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The column list SQLite prints for a violated unique constraint
    /// (`UNIQUE constraint failed: t.a, t.b`), which names no constraint.
    pub fn sqlite_columns(self) -> Option<String> {
        self.columns()
            .map(|(table, columns)| columns.iter().map(|c| format!("{table}.{c}")).collect::<Vec<_>>().join(", "))
    }

    /// The unique constraint SQLite reports by these columns.
    pub fn from_sqlite_columns(columns: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.sqlite_columns().as_deref() == Some(columns))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_prefixed_by_kind() {
        let mut seen = std::collections::HashSet::new();
        for c in Constraint::ALL {
            assert!(seen.insert(c.name()), "{} twice", c.name());
            let prefix_ok = match c.kind() {
                ConstraintKind::Unique => c.name().starts_with("uq_") || c.name().starts_with("pk_"),
                ConstraintKind::Check => c.name().starts_with("ck_"),
            };
            assert!(prefix_ok, "{}", c.name());
            assert_eq!(c.columns().is_some(), c.kind() == ConstraintKind::Unique, "{}", c.name());
            assert_eq!(Constraint::from_name(c.name()), Some(*c));
        }
    }

    #[test]
    fn sqlite_column_lists_name_one_constraint_each() {
        let mut seen = std::collections::HashSet::new();
        for c in Constraint::ALL {
            if let Some(cols) = c.sqlite_columns() {
                assert!(seen.insert(cols.clone()), "{cols} twice");
                assert_eq!(Constraint::from_sqlite_columns(&cols), Some(*c));
            }
        }
        assert_eq!(
            Constraint::from_sqlite_columns("departments.unit_id, departments.name"),
            Some(Constraint::DepartmentsUnitName)
        );
    }
}
