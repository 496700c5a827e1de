//! The one error type of the API, answered as RFC 9457 problem+json.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One failing input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's path in the request, e.g. `credits[1].amount`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// A stable snake_case code for programs.
    pub code: ErrorCode,
    /// The failing fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Only from `POST /auth/token`: the RFC 6749 §5.2 error code
    /// (`invalid_request`, `invalid_client`, `unsupported_grant_type`), the
    /// member OAuth client libraries read; the same as `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The request's id, as in `X-Request-Id` and the server's log lines
    /// (written in by `telemetry::request_id` on the way out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

macro_rules! error_codes {
    ($($(#[$meta:meta])* $variant:ident => $wire:literal,)+) => {
        /// The stable snake_case `code` of every problem, for programs (the
        /// SPA, HR systems): one enum, documented as such in the OpenAPI
        /// document.
        // The variants are the wire names in CamelCase (a test checks both
        // agree): utoipa does not read a `rename` passed through a macro.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[$meta])* $variant,)+
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $wire),+ }
            }
        }
    };
}

error_codes! {
        /// 400: the body or a parameter does not parse.
        MalformedRequest => "malformed_request",
        /// 422: a value is not acceptable (`errors` names the fields).
        ValidationFailed => "validation_failed",
        /// 404.
        NotFound => "not_found",
        /// 405 (`Allow` names the methods).
        MethodNotAllowed => "method_not_allowed",
        /// 401: no valid credentials.
        Unauthorized => "unauthorized",
        /// 422: a wrong, used or expired captcha.
        CaptchaInvalid => "captcha_invalid",
        /// 401: wrong username or password.
        InvalidCredentials => "invalid_credentials",
        /// 401: the session is over.
        InvalidRefreshToken => "invalid_refresh_token",
        /// 403.
        AccountDisabled => "account_disabled",
        /// 403: change the password first.
        PasswordChangeRequired => "password_change_required",
        /// 429 (`Retry-After`).
        TooManyAttempts => "too_many_attempts",
        /// 403: the role or the owner may not.
        Forbidden => "forbidden",
        /// 409: the value of the named field is taken.
        AlreadyExists => "already_exists",
        /// 428: send `If-Match`.
        PreconditionRequired => "precondition_required",
        /// 412: the `If-Match` version is stale.
        PreconditionFailed => "precondition_failed",
        /// 422: the key was used with another request.
        IdempotencyKeyReused => "idempotency_key_reused",
        /// 413.
        PayloadTooLarge => "payload_too_large",
        /// 415.
        UnsupportedMediaType => "unsupported_media_type",
        /// 400 from `POST /auth/token` (RFC 6749).
        InvalidRequest => "invalid_request",
        /// 401 from `POST /auth/token` (RFC 6749).
        InvalidClient => "invalid_client",
        /// 400 from `POST /auth/token` (RFC 6749).
        UnsupportedGrantType => "unsupported_grant_type",
        /// 503 (`Retry-After`).
        ServiceUnavailable => "service_unavailable",
        /// 507: the server's file storage is full; nothing was stored.
        InsufficientStorage => "insufficient_storage",
        /// 500.
        InternalError => "internal_error",
        /// 409: the change collides with stored data.
        Conflict => "conflict",
        /// 409: someone changed the same data meanwhile; retry.
        ConcurrentChange => "concurrent_change",
        /// 409: the data changed since it was read.
        StaleVersion => "stale_version",
        /// 409: not possible in the record's current state.
        InvalidState => "invalid_state",
        /// 409: the first request with this key is still running.
        IdempotencyInProgress => "idempotency_in_progress",
        /// 409: the first answer is not replayed to this caller.
        IdempotencyReplayWithheld => "idempotency_replay_withheld",
        /// 409: the person-year is submitted; its credits are locked.
        PersonYearLocked => "person_year_locked",
        /// 409: the paper certificate is entered already.
        DuplicateCertificate => "duplicate_certificate",
        /// 409: signed in to the activity already.
        AlreadySignedIn => "already_signed_in",
        /// 409.
        ActivityCancelled => "activity_cancelled",
        /// 409.
        ActivityNotRunning => "activity_not_running",
        /// 409.
        ActivityNotStarted => "activity_not_started",
        /// 409.
        AlreadyCancelled => "already_cancelled",
        /// 409.
        AlreadyDecided => "already_decided",
        /// 409.
        AlreadyRecorded => "already_recorded",
        /// 409.
        AlreadySubmitted => "already_submitted",
        /// 409: the record does not wait on this office.
        NotWaiting => "not_waiting",
        /// 409: the verification cycle is over.
        CycleClosed => "cycle_closed",
        /// 409.
        CycleNotOpen => "cycle_not_open",
        /// 409: outside the office's submission window.
        OutsideWindow => "outside_window",
        /// 409.
        TitleExists => "title_exists",
        /// 409.
        UsernameTaken => "username_taken",
        /// 409: the person has a pending transfer.
        TransferOpen => "transfer_open",
        /// 409: the transfer is decided already.
        TransferClosed => "transfer_closed",
        /// 409.
        CertificateRevoked => "certificate_revoked",
        /// 409: held while the unit is re-checked.
        CertificateHeld => "certificate_held",
        /// 409: a corrected version replaces it.
        CertificateSuperseded => "certificate_superseded",
        /// 409: the issuing office has no seal yet.
        CertificateUnsealed => "certificate_unsealed",
        /// 409: the batch print has no file (yet, or any more).
        PrintJobNotReady => "print_job_not_ready",
        /// 409: the account has as many batch prints queued or running as it may.
        TooManyPrintJobs => "too_many_print_jobs",
        /// 409.
        AlreadyOpen => "already_open",
        /// 409: the spot check is closed.
        CheckClosed => "check_closed",
        /// 409.
        CorrectionRefused => "correction_refused",
        /// 409.
        NoCertificate => "no_certificate",
        /// 409.
        NotCompliant => "not_compliant",
        /// 409: another office drew the spot check.
        NotYourCheck => "not_your_check",
        /// 409.
        NothingToCheck => "nothing_to_check",
        /// 409.
        ReasonRequired => "reason_required",
        /// 409.
        ResultsMissing => "results_missing",
        /// 409: people or open records remain in the unit or department.
        UnitBusy => "unit_busy",
        /// 409: the unit or department is closed.
        UnitClosed => "unit_closed",
        /// 409: a compliance recomputation is running already (one at a time, across every instance).
        RecomputeRunning => "recompute_running",
}

impl From<cme_store::Refusal> for ErrorCode {
    fn from(r: cme_store::Refusal) -> Self {
        use cme_store::Refusal as R;
        match r {
            R::AlreadyOpen => ErrorCode::AlreadyOpen,
            R::CertificateRevoked => ErrorCode::CertificateRevoked,
            R::CheckClosed => ErrorCode::CheckClosed,
            R::CorrectionRefused => ErrorCode::CorrectionRefused,
            R::NoCertificate => ErrorCode::NoCertificate,
            R::NotCompliant => ErrorCode::NotCompliant,
            R::NotYourCheck => ErrorCode::NotYourCheck,
            R::NothingToCheck => ErrorCode::NothingToCheck,
            R::ReasonRequired => ErrorCode::ReasonRequired,
            R::ResultsMissing => ErrorCode::ResultsMissing,
            R::UnitBusy => ErrorCode::UnitBusy,
            R::UnitClosed => ErrorCode::UnitClosed,
        }
    }
}

impl From<cme_domain::certificate::status::PrintRefusal> for ErrorCode {
    fn from(r: cme_domain::certificate::status::PrintRefusal) -> Self {
        use cme_domain::certificate::status::{CertificateStatus, PrintRefusal};
        match r {
            PrintRefusal::NotValid(CertificateStatus::Revoked) => ErrorCode::CertificateRevoked,
            PrintRefusal::NotValid(CertificateStatus::Held) => ErrorCode::CertificateHeld,
            PrintRefusal::NotValid(_) => ErrorCode::CertificateSuperseded,
            PrintRefusal::Unsealed => ErrorCode::CertificateUnsealed,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON of the expected shape (400).
    #[error("malformed request: {detail}")]
    Malformed { detail: String, errors: Vec<FieldError> },
    /// Well-formed, but a value is not acceptable (422).
    #[error("invalid request: {detail}")]
    Invalid { detail: String, errors: Vec<FieldError> },
    #[error("not found: {0}")]
    NotFound(String),
    /// The path exists, but not for this method (405); names the methods it
    /// takes (also in `Allow`).
    #[error("method not allowed; allowed: {0}")]
    MethodNotAllowed(String),
    /// A wrong, used or expired captcha (422, field `captcha_answer`).
    #[error("captcha invalid")]
    CaptchaInvalid,
    /// No valid credentials (401).
    #[error("unauthorized")]
    Unauthorized,
    /// Wrong username or password; the same answer for unknown users (401).
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("account disabled")]
    AccountDisabled,
    /// The account must change its password before anything else (403).
    #[error("password change required")]
    PasswordChangeRequired,
    /// Too many attempts; retry after the given seconds (429).
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// The role may not take this action (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("conflict: {detail}")]
    Conflict { code: ErrorCode, detail: String },
    /// The value of `field` is taken already (409, code `already_exists`).
    #[error("already exists: {field}")]
    Duplicate { field: String, detail: String },
    /// A change that must be conditional came without `If-Match` (428).
    #[error("precondition required")]
    PreconditionRequired,
    /// `If-Match` names a version that is no longer current (412).
    #[error("precondition failed")]
    PreconditionFailed,
    /// An `Idempotency-Key` was used before with another request (422).
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// The body is larger than the endpoint takes (413).
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// The body is not of a type the endpoint takes (415); says which it takes.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A refused client-credentials token request (RFC 6749 §5.2): 400
    /// `invalid_request` or `unsupported_grant_type`, 401 `invalid_client`.
    #[error("oauth error {0:?}: {1}")]
    OAuth(OAuthError, String),
    #[error("the database is unavailable")]
    Unavailable,
    /// The file storage is full (ENOSPC, or a quota): nothing was stored (507).
    #[error("insufficient storage: {0}")]
    InsufficientStorage(String),
    /// A statement ran past the statement timeout (503, `Retry-After`).
    #[error("a statement timed out")]
    TimedOut,
    /// Anything unexpected; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The errors of RFC 6749 §5.2 that `POST /auth/token` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthError {
    /// The form is malformed or misses a member (400).
    InvalidRequest,
    /// No, unknown, wrong or revoked client credentials (401).
    InvalidClient,
    /// A grant type other than `client_credentials` (400).
    UnsupportedGrantType,
}

impl OAuthError {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
        }
    }
}

impl ApiError {
    /// 409 `already_exists` naming `field`: the ID number is stored already
    /// (the answer says so, never where).
    pub fn id_number_taken(field: &str) -> Self {
        ApiError::Duplicate { field: field.to_owned(), detail: "该身份证号已登记".to_owned() }
    }

    /// A 422 naming one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let error = FieldError { field: field.into(), message: message.into() };
        ApiError::Invalid { detail: format!("{}: {}", error.field, error.message), errors: vec![error] }
    }

    fn code(&self) -> ErrorCode {
        match self {
            ApiError::Malformed { .. } => ErrorCode::MalformedRequest,
            ApiError::Invalid { .. } => ErrorCode::ValidationFailed,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::MethodNotAllowed(_) => ErrorCode::MethodNotAllowed,
            ApiError::Unauthorized => ErrorCode::Unauthorized,
            ApiError::CaptchaInvalid => ErrorCode::CaptchaInvalid,
            ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
            ApiError::InvalidRefreshToken => ErrorCode::InvalidRefreshToken,
            ApiError::AccountDisabled => ErrorCode::AccountDisabled,
            ApiError::PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            ApiError::TooManyRequests { .. } => ErrorCode::TooManyAttempts,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::Conflict { code, .. } => *code,
            ApiError::Duplicate { .. } => ErrorCode::AlreadyExists,
            ApiError::PreconditionRequired => ErrorCode::PreconditionRequired,
            ApiError::PreconditionFailed => ErrorCode::PreconditionFailed,
            ApiError::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            ApiError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            ApiError::OAuth(OAuthError::InvalidRequest, _) => ErrorCode::InvalidRequest,
            ApiError::OAuth(OAuthError::InvalidClient, _) => ErrorCode::InvalidClient,
            ApiError::OAuth(OAuthError::UnsupportedGrantType, _) => ErrorCode::UnsupportedGrantType,
            ApiError::Unavailable | ApiError::TimedOut => ErrorCode::ServiceUnavailable,
            ApiError::InsufficientStorage(_) => ErrorCode::InsufficientStorage,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Malformed { .. } => "请求格式错误",
            ApiError::Invalid { .. } => "请求参数不合法",
            ApiError::NotFound(_) => "未找到",
            ApiError::MethodNotAllowed(_) => "不支持该请求方法",
            ApiError::Unauthorized => "未登录或登录已失效",
            ApiError::CaptchaInvalid => "验证码错误或已过期",
            ApiError::InvalidCredentials => "账号或密码错误",
            ApiError::InvalidRefreshToken => "登录已失效，请重新登录",
            ApiError::AccountDisabled => "账号已停用",
            ApiError::PasswordChangeRequired => "请先修改密码",
            ApiError::TooManyRequests { .. } => "尝试次数过多",
            ApiError::Forbidden(_) => "无权操作",
            ApiError::Conflict { .. } => "冲突",
            ApiError::Duplicate { .. } => "数据已存在",
            ApiError::PreconditionRequired => "缺少 If-Match 前置条件",
            ApiError::PreconditionFailed => "数据已被他人修改",
            ApiError::IdempotencyKeyReused => "幂等键已用于另一请求",
            ApiError::PayloadTooLarge(_) => "请求内容过大",
            ApiError::UnsupportedMediaType(_) => "不支持的内容类型",
            ApiError::OAuth(OAuthError::InvalidRequest, _) => "令牌请求格式错误",
            ApiError::OAuth(OAuthError::InvalidClient, _) => "客户端认证失败",
            ApiError::OAuth(OAuthError::UnsupportedGrantType, _) => "不支持的授权类型",
            ApiError::Unavailable | ApiError::TimedOut => "服务暂不可用",
            ApiError::InsufficientStorage(_) => "服务器存储空间不足",
            ApiError::Internal(_) => "服务器内部错误",
        }
    }

    pub fn problem(&self) -> Problem {
        let (detail, errors) = match self {
            ApiError::Malformed { detail, errors } | ApiError::Invalid { detail, errors } => {
                (detail.clone(), errors.clone())
            }
            ApiError::NotFound(what) | ApiError::Forbidden(what) => (what.clone(), Vec::new()),
            ApiError::MethodNotAllowed(allow) => (format!("该接口只支持 {allow}"), Vec::new()),
            ApiError::CaptchaInvalid => (
                self.title().to_owned(),
                vec![FieldError { field: "captcha_answer".to_owned(), message: self.title().to_owned() }],
            ),
            ApiError::TooManyRequests { retry_after_secs } => (format!("请 {retry_after_secs} 秒后再试"), Vec::new()),
            ApiError::Unauthorized
            | ApiError::InvalidCredentials
            | ApiError::InvalidRefreshToken
            | ApiError::AccountDisabled
            | ApiError::PasswordChangeRequired => (self.title().to_owned(), Vec::new()),
            ApiError::Conflict { detail, .. } => (detail.clone(), Vec::new()),
            ApiError::Duplicate { field, detail } => {
                (detail.clone(), vec![FieldError { field: field.clone(), message: detail.clone() }])
            }
            ApiError::PreconditionRequired => {
                ("修改须带 If-Match 请求头，其值取自读取该人员时返回的 ETag".to_owned(), Vec::new())
            }
            ApiError::PreconditionFailed => ("该人员已被他人修改，请重新读取后再提交".to_owned(), Vec::new()),
            ApiError::IdempotencyKeyReused => (
                "同一 Idempotency-Key 已用于内容不同的请求；新请求请使用新的键".to_owned(),
                vec![FieldError { field: "Idempotency-Key".to_owned(), message: "已用于另一请求".to_owned() }],
            ),
            ApiError::PayloadTooLarge(what) => (what.clone(), Vec::new()),
            ApiError::UnsupportedMediaType(what) => (what.clone(), Vec::new()),
            ApiError::OAuth(_, detail) => (detail.clone(), Vec::new()),
            ApiError::Unavailable => ("数据库暂不可用，请稍后再试".to_owned(), Vec::new()),
            ApiError::InsufficientStorage(_) => {
                ("服务器存储空间不足，文件未保存，请稍后再试或联系管理员".to_owned(), Vec::new())
            }
            ApiError::TimedOut => ("系统繁忙，查询超时未完成，请稍后再试".to_owned(), Vec::new()),
            ApiError::Internal(_) => ("请求未能完成，请稍后再试".to_owned(), Vec::new()),
        };
        Problem {
            problem_type: format!("/problems/{}", self.code().as_str()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail,
            code: self.code(),
            errors,
            error: match self {
                ApiError::OAuth(e, _) => Some(e.as_str().to_owned()),
                _ => None,
            },
            request_id: None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Malformed { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } | ApiError::CaptchaInvalid => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unauthorized | ApiError::InvalidCredentials | ApiError::InvalidRefreshToken => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::AccountDisabled | ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict { .. } | ApiError::Duplicate { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::OAuth(OAuthError::InvalidClient, _) => StatusCode::UNAUTHORIZED,
            ApiError::OAuth(_, _) => StatusCode::BAD_REQUEST,
            ApiError::Unavailable | ApiError::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            // Logged once, here, at the boundary; the body says nothing internal.
            ApiError::Internal(cause) => tracing::error!(%cause, "request failed"),
            ApiError::InsufficientStorage(cause) => tracing::error!(%cause, "file storage full"),
            _ => {}
        }
        let mut res = HttpResponse::build(self.status_code());
        res.content_type("application/problem+json");
        match self {
            ApiError::TooManyRequests { retry_after_secs } => {
                res.insert_header(("Retry-After", retry_after_secs.to_string()));
            }
            ApiError::Unavailable | ApiError::TimedOut => {
                res.insert_header(("Retry-After", UNAVAILABLE_RETRY_AFTER_SECS.to_string()));
            }
            ApiError::Unauthorized | ApiError::InvalidRefreshToken => {
                res.insert_header(("WWW-Authenticate", "Bearer"));
            }
            ApiError::OAuth(OAuthError::InvalidClient, _) => {
                res.insert_header(("WWW-Authenticate", "Basic realm=\"cme\""));
            }
            ApiError::MethodNotAllowed(allow) => {
                res.insert_header(("Allow", allow.as_str()));
            }
            _ => {}
        }
        res.json(self.problem())
    }
}

/// A store look-up whose missing row means something to the caller (a bad
/// field, a dead token): only `NotFound` takes that meaning; every other
/// failure (an outage above all) answers as itself.
pub trait MissingAs<T> {
    fn missing_as(self, missing: impl FnOnce() -> ApiError) -> Result<T, ApiError>;
}

impl<T> MissingAs<T> for Result<T, cme_store::StoreError> {
    fn missing_as(self, missing: impl FnOnce() -> ApiError) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            cme_store::StoreError::NotFound => missing(),
            other => other.into(),
        })
    }
}

impl ApiError {
    /// A failure of the file storage (`storage::BlobStore`, `storage::Spool`):
    /// a full disk or an exhausted quota is 507 `insufficient_storage`, in
    /// words the uploader can act on; anything else is ours (500).
    pub fn storage(what: &str, e: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        if matches!(e.kind(), ErrorKind::StorageFull | ErrorKind::QuotaExceeded) {
            ApiError::InsufficientStorage(format!("{what}: {e}"))
        } else {
            ApiError::Internal(format!("{what}: {e}"))
        }
    }
}

/// When a client should try again after a 503.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

impl From<cme_store::StoreError> for ApiError {
    fn from(e: cme_store::StoreError) -> Self {
        use cme_domain::review::TransitionError;
        use cme_domain::standard::StandardError;
        use cme_store::StoreError;
        match e {
            StoreError::NotFound => ApiError::NotFound("资源不存在".to_owned()),
            StoreError::Unavailable(cause) => {
                // Logged once, here; the answer says only to come back.
                tracing::error!(%cause, "database unavailable");
                ApiError::Unavailable
            }
            StoreError::TimedOut(cause) => {
                tracing::warn!(%cause, "statement timed out");
                ApiError::TimedOut
            }
            StoreError::Conflict { constraint } => conflict_answer(&constraint),
            StoreError::Refused { code, detail } => ApiError::Conflict { code: code.into(), detail },
            StoreError::StaleVersion => ApiError::Conflict {
                code: ErrorCode::StaleVersion,
                detail: "数据已被他人修改，请刷新后重试".to_owned(),
            },
            StoreError::Locked { year } => ApiError::Conflict {
                code: ErrorCode::PersonYearLocked,
                detail: format!("{year} 年度的学分验证已上报，学分已锁定；退回单位后方可修改"),
            },
            StoreError::ScopeMismatch { .. } => ApiError::field("organisation_id", "所属机构与角色不符"),
            StoreError::TokenInvalid | StoreError::TokenReplayed => ApiError::InvalidRefreshToken,
            StoreError::Transition(e) => match e {
                TransitionError::Forbidden { .. } => ApiError::Forbidden(e.to_string()),
                TransitionError::InvalidState { .. } => {
                    ApiError::Conflict { code: ErrorCode::InvalidState, detail: e.to_string() }
                }
                TransitionError::ReasonRequired(_) => ApiError::field("reason", "须填写原因"),
            },
            StoreError::Standard(e) => match e {
                StandardError::TitleRequired(_) => ApiError::field("title_level", "该单位级别须填写职称级别"),
                other => ApiError::field("year", other.to_string()),
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// The one answer to each violated constraint of the schema's catalogue
/// (`cme_store::Constraint`): a taken value names its field, a rule of the
/// domain its code; anything else is a plain conflict that names no table.
fn conflict_answer(name: &str) -> ApiError {
    use cme_store::Constraint as C;
    let duplicate =
        |field: &str, detail: &str| ApiError::Duplicate { field: field.to_owned(), detail: detail.to_owned() };
    let conflict = |code, detail: &str| ApiError::Conflict { code, detail: detail.to_owned() };
    match C::from_name(name) {
        Some(C::PeopleIdNumber) => ApiError::id_number_taken("id_number"),
        Some(C::UnitsCode) => duplicate("code", "该机构编码已被使用"),
        Some(C::RegionsCode) => duplicate("code", "该地区编码已被使用"),
        Some(C::DepartmentsUnitName) => duplicate("name", "本单位已有同名科室"),
        Some(C::AccountsUsername) => conflict(ErrorCode::UsernameTaken, "用户名已被使用"),
        Some(C::CreditsPersonCertificate) => conflict(ErrorCode::DuplicateCertificate, "同一纸质证书不能重复录入"),
        Some(C::CreditsActivityPerson) => conflict(ErrorCode::AlreadySignedIn, "已签到，本活动的学分已记入"),
        Some(C::PersonTransfersOpen) => conflict(ErrorCode::TransferOpen, "该人员已有待处理的调动申请"),
        Some(C::VerificationsPersonYear) => conflict(ErrorCode::AlreadySubmitted, "该人员本年度已有验证记录"),
        _ => {
            tracing::warn!(constraint = name, "constraint violated");
            conflict(ErrorCode::Conflict, "与已有数据冲突，请刷新后重试")
        }
    }
}

/// A document that cannot be written: a character the fonts lack names the
/// field it came from (the caller can fix it); anything else is ours.
impl From<cme_documents::DocumentError> for ApiError {
    fn from(e: cme_documents::DocumentError) -> Self {
        match e {
            cme_documents::DocumentError::MissingGlyph { ref field, .. } => {
                ApiError::field(field.clone(), e.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    /// Transaction plumbing (begin, commit) goes through the store's mapping.
    fn from(e: sea_orm::DbErr) -> Self {
        cme_store::StoreError::from(e).into()
    }
}

/// Turns actix's own extractor failures (bad path or query) into problems.
/// Actix quotes the rejected value (`can not parse "…" to a i32`): an ID
/// number put where it does not belong is not echoed.
pub fn path_error(err: actix_web::error::PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    let detail = crate::wording::path_message(&err.to_string()).to_owned();
    ApiError::Malformed { detail, errors: Vec::new() }.into()
}

/// Same for JSON bodies read by actix's own extractor: too large is 413,
/// the wrong type 415, the rest 400; always problem+json.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    match err {
        JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge(format!("请求不能超过 {} KB", limit / 1024)).into()
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType("请求须为 application/json".to_owned()).into(),
        JsonPayloadError::Deserialize(e) => serde_problem(&e.to_string(), "body"),
        JsonPayloadError::Payload(e) => ApiError::Malformed {
            detail: crate::wording::payload_message(&e.to_string()).to_owned(),
            errors: Vec::new(),
        }
        .into(),
        _ => ApiError::Malformed { detail: "请求内容不是合法的 JSON".to_owned(), errors: Vec::new() }.into(),
    }
}

/// A query string or form that serde refused: the field it names (for a
/// missing one) or `what`, and the reason in words.
fn serde_problem(message: &str, what: &str) -> actix_web::Error {
    let field = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()).unwrap_or(what).to_owned();
    let reason = crate::wording::serde_message(message).into_owned();
    let detail = format!("{field}: {reason}");
    ApiError::Malformed { detail, errors: vec![FieldError { field, message: reason }] }.into()
}

/// Same for form bodies (`application/x-www-form-urlencoded`).
pub fn form_error(err: actix_web::error::UrlencodedError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    use actix_web::error::UrlencodedError;
    match err {
        UrlencodedError::Overflow { limit, .. } => {
            ApiError::PayloadTooLarge(format!("请求不能超过 {} KB", limit / 1024)).into()
        }
        UrlencodedError::ContentType => {
            ApiError::UnsupportedMediaType("请求须为 application/x-www-form-urlencoded".to_owned()).into()
        }
        UrlencodedError::Parse(e) => serde_problem(&e.to_string(), "body"),
        other => serde_problem(&other.to_string(), "body"),
    }
}

/// Same for query strings.
pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    match err {
        actix_web::error::QueryPayloadError::Deserialize(e) => serde_problem(&e.to_string(), "query"),
        other => serde_problem(&other.to_string(), "query"),
    }
}

#[cfg(test)]
mod error_code_tests {
    use super::*;

    #[test]
    fn a_full_disk_is_507_in_chinese_and_other_io_errors_are_500() {
        // A genuine ENOSPC where the platform has one (Linux's /dev/full).
        let full = std::fs::write("/dev/full", b"x")
            .err()
            .unwrap_or_else(|| std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(full.kind(), std::io::ErrorKind::StorageFull, "{full}");
        for e in [full, std::io::Error::from(std::io::ErrorKind::QuotaExceeded)] {
            let answer = ApiError::storage("storing evidence", &e);
            assert_eq!(answer.status_code(), StatusCode::INSUFFICIENT_STORAGE);
            let problem = answer.problem();
            assert_eq!(problem.code, ErrorCode::InsufficientStorage);
            assert_eq!(problem.detail, "服务器存储空间不足，文件未保存，请稍后再试或联系管理员");
            assert_eq!(problem.status, 507);
        }
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(ApiError::storage("storing evidence", &denied).status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn the_wire_name_is_the_serialised_name_and_the_documented_one() {
        let doc = serde_json::to_value(<ErrorCode as utoipa::PartialSchema>::schema()).unwrap_or_default();
        let documented: Vec<&str> = doc["enum"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
        assert_eq!(documented.len(), ErrorCode::ALL.len(), "{doc}");
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap_or_default(), code.as_str());
            assert!(documented.contains(&code.as_str()), "{} is not documented", code.as_str());
        }
    }
}
