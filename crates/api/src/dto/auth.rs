//! Sign-in, tokens and the caller.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{Operation, Role};

/// Staff sign-in.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 64, message = "请输入用户名"))]
    pub username: String,
    #[validate(length(min = 1, max = 128, message = "请输入密码"))]
    pub password: String,
}

/// An access token and its refresh token (names fixed for outside clients).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenPair {
    /// A JWT for `Authorization: Bearer`, valid `expires_in` seconds.
    pub access_token: String,
    /// Opaque; exchange it at `/auth/refresh` for a new pair. Single use.
    pub refresh_token: String,
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: String,
    /// The account must set a new password before anything else.
    pub must_change_password: bool,
    /// The account, as `GET /me` answers it: a client resuming a session
    /// need not ask again (one round trip less on a slow link).
    pub me: Me,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    pub refresh_token: String,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct PasswordChange {
    /// Omit only when the account has no password yet (a trainee's first sign-in).
    #[serde(default)]
    pub current_password: Option<String>,
    #[validate(length(min = 1, max = 128, message = "请输入新密码"))]
    pub new_password: String,
}

/// An image captcha for the trainee centre.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaptchaDto {
    pub captcha_id: uuid::Uuid,
    /// A `data:` URL of the image.
    pub image: String,
    pub expires_in: i64,
    /// Only when the server runs with `CME_TEST_CAPTCHA=1` (refused in production).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_answer: Option<String>,
}

/// Trainee-centre sign-in (学员中心): ID number, name, captcha, and the
/// trainee's own password once set.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct TraineeLogin {
    #[validate(length(min = 15, max = 18, message = "请输入 18 位身份证号"))]
    pub id_number: String,
    #[validate(length(min = 1, max = 64, message = "请输入姓名"))]
    pub name: String,
    pub captcha_id: uuid::Uuid,
    #[validate(length(min = 1, max = 16, message = "请输入验证码"))]
    pub captcha_answer: String,
    #[serde(default)]
    pub password: Option<String>,
}

/// The organisation an account belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub kind: super::ScopeKind,
    pub id: Option<uuid::Uuid>,
    pub name: String,
}

/// The signed-in caller.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    pub id: uuid::Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: String,
    pub organisation: OrganisationRef,
    pub must_change_password: bool,
    /// The operations this caller may take (the policy table's row).
    pub permissions: Vec<Operation>,
    /// The roles of the accounts this caller may create.
    pub manageable_roles: Vec<Role>,
    /// A trainee's unit and department, by name (his 我的 page); `null` for
    /// every other account.
    pub workplace: Option<Workplace>,
}

/// Where a trainee works.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Workplace {
    pub unit: String,
    pub department: Option<String>,
}

/// OAuth 2.0 client-credentials answer (RFC 6749 §4.4.3).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientToken {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    /// The granted operations, space-separated.
    pub scope: String,
}

/// The form of a client-credentials token request (RFC 6749 §4.4.2).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClientTokenForm {
    /// Must be `client_credentials`.
    pub grant_type: String,
    /// Or in HTTP Basic authentication.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}
