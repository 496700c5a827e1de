//! Accounts, API clients and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::auth::OrganisationRef;
use crate::dto::{Operation, Role};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountDto {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: OrganisationRef,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountPage {
    pub items: Vec<AccountDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewAccountRequest {
    /// 3–32 letters, digits, `-`, `_` or `.`; case-insensitive.
    #[validate(length(min = 3, max = 32, message = "用户名须为 3–32 个字符"))]
    pub username: String,
    #[validate(length(min = 1, max = 64, message = "请输入名称"))]
    pub display_name: String,
    /// A role the caller manages (see `/me`'s `manageable_roles`).
    pub role: String,
    /// The region (prefecture or county office), unit, or department the
    /// account belongs to; omitted for province offices.
    pub organisation_id: Option<Uuid>,
}

/// A new account and its one-time password (shown once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewAccountResponse {
    pub account: AccountDto,
    pub initial_password: String,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct AccountPatch {
    #[validate(length(min = 1, max = 64))]
    pub display_name: Option<String>,
    /// Disabling ends every session of the account at once.
    pub disabled: Option<bool>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PasswordReset {
    /// A one-time password; the account must change it at its next sign-in.
    pub initial_password: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct PageQuery {
    pub after: Option<String>,
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiClientDto {
    pub id: Uuid,
    pub client_id: String,
    pub name: String,
    /// The granted operations.
    pub scopes: Vec<Operation>,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewApiClientRequest {
    #[validate(length(min = 1, max = 64, message = "请输入名称"))]
    pub name: String,
    /// Operations to grant, e.g. `read_hierarchy`.
    #[validate(length(min = 1, max = 10, message = "至少授权一项操作"))]
    pub scopes: Vec<String>,
}

/// A new client; the secret is shown once and stored only hashed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewApiClientResponse {
    pub client: ApiClientDto,
    pub client_secret: String,
}

impl From<&cme_store::repo::api_client::ApiClient> for ApiClientDto {
    fn from(c: &cme_store::repo::api_client::ApiClient) -> Self {
        Self {
            id: c.id,
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            scopes: c.scopes.iter().map(|s| (*s).into()).collect(),
            created_at: c.created_at,
            revoked: c.revoked,
        }
    }
}
