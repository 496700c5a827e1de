//! The OpenAPI document's frame; paths and schemas come from the route table.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "云南省继续医学教育学分管理系统 API",
        description = "Continuing-medical-education credits of Yunnan province: the standard, \
compliance evaluation and (in later versions) the yearly verification cycle. Errors are \
RFC 9457 `application/problem+json` with a stable `code` and, for invalid input, `errors[]` \
naming each field.",
        version = "1.0.0",
        license(name = "MIT")
    ),
    tags(
        (name = "health", description = "Service health"),
        (name = "compliance", description = "Compliance evaluation (达标判定) and queries (人员达标情况查询)"),
        (name = "documents", description = "Registration forms (学分登记表) and exports"),
        (name = "credits", description = "Credit entry, department reports and the unit's review, reversals"),
        (name = "standards", description = "The credit standard (学分验证标准)"),
        (name = "auth", description = "Sign-in, tokens, the trainee centre, outside systems"),
        (name = "accounts", description = "Accounts of the tier below"),
        (name = "api-clients", description = "Outside systems' credentials"),
        (name = "org", description = "Regions, units, departments and people, scoped to the caller"),
        (name = "units", description = "Unit upkeep (单位维护): opening units (开通) with their CME office accounts, one by one or from a file; renaming, moving, merging, closing; departments (科室维护)"),
        (name = "people", description = "Personnel upkeep (人员维护): create, edit (ETag/If-Match), titles, status, imports, HR upserts. Every POST honours `Idempotency-Key`"),
        (name = "transfers", description = "Transfers between units (人员调动): asked by the sending unit, decided by the receiving one"),
        (name = "audit", description = "The append-only audit log"),
        (name = "activities", description = "CME activities: rotating sign-in codes, sign-ins, attendance rosters (继教活动)"),
        (name = "courses", description = "Completions of the year's mandatory course (公需科目)"),
        (name = "certificate", description = "Seals (电子印章), certificates (学分验证合格证书): printing, PDFs, revocation, multi-year proofs"),
        (name = "public", description = "Public certificate verification (no sign-in; rate-limited; logged)"),
        (name = "spot-check", description = "Spot checks (抽验) and on-site inspections (现场抽验)"),
        (name = "title-correction", description = "Title corrections (职称信息更正)"),
        (name = "notifications", description = "Reminders (提醒): the bell, marking read, which reminders one receives where"),
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

/// `bearer`: a person's access token from `/auth/login` or the trainee
/// centre. `client`: an outside system's token from `/auth/token` (OAuth 2.0
/// client credentials).
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A person's access token (15 minutes) from /api/v1/auth/login or /api/v1/auth/trainee/login.",
                    ))
                    .build(),
            ),
        );
        let scopes = Scopes::from_iter(
            cme_domain::auth::Operation::ALL.iter().map(|op| (op.as_str().to_owned(), op.label().to_owned())),
        );
        components.add_security_scheme(
            "client",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new("/api/v1/auth/token", scopes))],
                "Outside systems (a hospital's HR system, a phone app's back end): client id and secret for a 15-minute token, scoped to the owner organisation and the granted operations.",
            )),
        );
    }
}

/// The document before routes are added.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as committed in `openapi/openapi.json`: pretty JSON with a
/// trailing newline.
pub fn to_pretty_json(doc: &utoipa::openapi::OpenApi) -> Result<String, serde_json::Error> {
    doc.to_pretty_json().map(|s| s + "\n")
}

/// The document as served and committed: the route table's operations,
/// completed with what the shared machinery answers for them. Each
/// operation declares its own outcomes; what every operation of a kind can
/// answer, whatever its handler does, is added here from the operation's
/// shape, so that no declaration can be forgotten:
///
/// - a `security` requirement: 401 (no, a dead or a revoked token), 403 (an
///   account that must change its password first, see
///   [`crate::auth::Caller`]; the role), 429 (an outside system's token over
///   its per-minute limit, [`crate::auth::limiter`]);
/// - a request body: 400 (unreadable), 413 (over the endpoint's limit), 415
///   for typed bodies (JSON, CSV, forms, multipart; files are recognised by
///   their content instead, 422), 422 for all but the token form (a value of
///   the wrong type or out of range names its field);
/// - a query parameter, or a path parameter that is not free text: 400
///   (it does not parse: actix's `Path`/`Query` extractors); a page window
///   (`after`, `limit`): 422 (a cursor that is none, a limit out of range);
/// - a POST that honours `Idempotency-Key` ([`crate::idempotency`]): the
///   header itself, 409 (the first request still runs, or its answer is
///   withheld), 413 (the body to fingerprint is over 8 MiB), 422 (a
///   malformed key, or one used with another request);
/// - every operation: 503 with `Retry-After` (the database is unavailable,
///   `StoreError::Unavailable`).
///
/// An operation's own declaration of a status wins when it says something
/// (a description); a bare one is replaced by the shared answer.
pub fn complete(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    for shared in Shared::ALL {
        components.responses.insert(shared.name().to_owned(), shared.response().into());
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let methods = [
            ("GET", item.get.as_mut()),
            ("PUT", item.put.as_mut()),
            ("POST", item.post.as_mut()),
            ("DELETE", item.delete.as_mut()),
            ("PATCH", item.patch.as_mut()),
        ];
        for (method, op) in methods {
            if let Some(op) = op {
                complete_operation(path, method, op);
            }
        }
    }
    doc
}

/// Operations with a security requirement that admit an account which must
/// change its password first (`PendingCaller`) and refuse nobody by role:
/// they cannot answer 403.
const NEVER_FORBIDDEN: &[(&str, &str)] = &[("GET", "/api/v1/me")];

fn complete_operation(path: &str, method: &str, op: &mut utoipa::openapi::path::Operation) {
    let keyed = method == "POST" && crate::idempotency::honours_key(path);
    let add = shared_answers(method, path, op, keyed);
    if keyed {
        add_idempotency_key(op);
    }
    let responses = &mut op.responses.responses;
    for shared in add {
        let status = shared.status().to_owned();
        let bare = match responses.get(&status) {
            None => true,
            Some(utoipa::openapi::RefOr::T(r)) => r.description.trim().is_empty(),
            Some(utoipa::openapi::RefOr::Ref(_)) => false,
        };
        if bare {
            responses.insert(status, utoipa::openapi::Ref::from_response_name(shared.name()).into());
        }
    }
}

/// The shared answers an operation can give, from what it declares: its
/// security, its request body's types, its parameters, and whether it
/// takes an `Idempotency-Key` (`keyed`).
fn shared_answers(method: &str, path: &str, op: &utoipa::openapi::path::Operation, keyed: bool) -> Vec<Shared> {
    let secured = op
        .security
        .iter()
        .flatten()
        .any(|req| serde_json::to_value(req).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty())));
    let body_types: Vec<String> = match &op.request_body {
        Some(utoipa::openapi::RefOr::T(body)) => body.content.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let mut add = Vec::new();
    if secured {
        add.extend([Shared::Unauthorized, Shared::TooManyRequests]);
        if !NEVER_FORBIDDEN.contains(&(method, path)) {
            add.push(Shared::Forbidden);
        }
    }
    if !body_types.is_empty() {
        add.extend([Shared::BadRequest, Shared::PayloadTooLarge]);
        let typed = |t: &String| {
            t.contains("json")
                || t == "text/csv"
                || t == "application/x-www-form-urlencoded"
                || t == "multipart/form-data"
        };
        if body_types.iter().any(typed) {
            add.push(Shared::UnsupportedMediaType);
        }
        if body_types.iter().any(|t| t != "application/x-www-form-urlencoded") {
            add.push(Shared::UnprocessableEntity);
        }
    }
    if unparsable_parameters(op) {
        add.push(Shared::BadRequest);
    }
    if paged(op) {
        add.push(Shared::UnprocessableEntity);
    }
    if keyed {
        add.extend([Shared::IdempotencyConflict, Shared::PayloadTooLarge, Shared::UnprocessableEntity]);
    }
    add.push(Shared::ServiceUnavailable);
    add
}

/// Whether a parameter can fail to parse: any query parameter, or a path
/// parameter that is not free text.
fn unparsable_parameters(op: &utoipa::openapi::path::Operation) -> bool {
    use utoipa::openapi::path::ParameterIn;
    let params: Vec<(ParameterIn, serde_json::Value)> = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            utoipa::openapi::RefOr::T(p) => {
                Some((p.parameter_in.clone(), serde_json::to_value(&p.schema).unwrap_or_default()))
            }
            utoipa::openapi::RefOr::Ref(_) => None,
        })
        .collect();
    let free_text = serde_json::json!({"type": "string"});
    params.iter().any(|(at, schema)| match at {
        ParameterIn::Query => true,
        ParameterIn::Path => *schema != free_text,
        _ => false,
    })
}

/// Whether an operation is paged (`after`, `limit` in its query).
fn paged(op: &utoipa::openapi::path::Operation) -> bool {
    use utoipa::openapi::path::ParameterIn;
    op.parameters.iter().flatten().any(|p| {
        matches!(p, utoipa::openapi::RefOr::T(p) if p.parameter_in == ParameterIn::Query && (p.name == "after" || p.name == "limit"))
    })
}

/// The answers the shared machinery gives, as `components/responses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shared {
    BadRequest,
    Unauthorized,
    Forbidden,
    IdempotencyConflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    UnprocessableEntity,
    TooManyRequests,
    ServiceUnavailable,
}

impl Shared {
    const ALL: [Shared; 9] = [
        Shared::BadRequest,
        Shared::Unauthorized,
        Shared::Forbidden,
        Shared::IdempotencyConflict,
        Shared::PayloadTooLarge,
        Shared::UnsupportedMediaType,
        Shared::UnprocessableEntity,
        Shared::TooManyRequests,
        Shared::ServiceUnavailable,
    ];

    fn name(self) -> &'static str {
        match self {
            Shared::BadRequest => "BadRequest",
            Shared::Unauthorized => "Unauthorized",
            Shared::Forbidden => "Forbidden",
            Shared::IdempotencyConflict => "IdempotencyConflict",
            Shared::PayloadTooLarge => "PayloadTooLarge",
            Shared::UnsupportedMediaType => "UnsupportedMediaType",
            Shared::UnprocessableEntity => "UnprocessableEntity",
            Shared::TooManyRequests => "TooManyRequests",
            Shared::ServiceUnavailable => "ServiceUnavailable",
        }
    }

    fn status(self) -> &'static str {
        match self {
            Shared::BadRequest => "400",
            Shared::Unauthorized => "401",
            Shared::Forbidden => "403",
            Shared::IdempotencyConflict => "409",
            Shared::PayloadTooLarge => "413",
            Shared::UnsupportedMediaType => "415",
            Shared::UnprocessableEntity => "422",
            Shared::TooManyRequests => "429",
            Shared::ServiceUnavailable => "503",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Shared::BadRequest => {
                "`malformed_request`: a body that is not well-formed, or a path or query parameter that does not parse"
            }
            Shared::Unauthorized => {
                "`unauthorized`: no bearer token, or one that is expired, signed out, revoked or older than the account's last password change"
            }
            Shared::Forbidden => {
                "`forbidden`: the caller's role or organisation may not take this action; `password_change_required`: the account must change its password first"
            }
            Shared::IdempotencyConflict => {
                "`idempotency_in_progress`: a request with the same `Idempotency-Key` is still running; `idempotency_replay_withheld`: it ran, and its answer (holding a secret) is not replayed; or the operation's own conflict"
            }
            Shared::PayloadTooLarge => "`payload_too_large`: the body is over the endpoint's limit",
            Shared::UnsupportedMediaType => {
                "`unsupported_media_type`: the body's `Content-Type` is not one the endpoint takes (the detail names them)"
            }
            Shared::UnprocessableEntity => {
                "`validation_failed`: a value is of the wrong type or not acceptable (a body's field, a page's cursor or limit), or the `Idempotency-Key` is malformed; `idempotency_key_reused`: the key was used with another request. `errors` names each field"
            }
            Shared::TooManyRequests => {
                "`too_many_attempts`: over the rate limit (an outside system's token: its requests per minute); retry after `Retry-After` seconds"
            }
            Shared::ServiceUnavailable => {
                "`service_unavailable`: the database is unavailable (down, restarting, or a standby not yet promoted that takes no writes); retry after `Retry-After` seconds"
            }
        }
    }

    /// A response header the answer always carries.
    fn header(self) -> Option<(&'static str, utoipa::openapi::Type, &'static str)> {
        use utoipa::openapi::Type;
        match self {
            Shared::Unauthorized => Some(("WWW-Authenticate", Type::String, "`Bearer`")),
            Shared::TooManyRequests | Shared::ServiceUnavailable => {
                Some(("Retry-After", Type::Integer, "Seconds to wait before retrying"))
            }
            _ => None,
        }
    }

    fn response(self) -> utoipa::openapi::Response {
        use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, ResponseBuilder, header::HeaderBuilder};
        let mut response = ResponseBuilder::new().description(self.description()).content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        );
        if let Some((name, kind, description)) = self.header() {
            let mut header = HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(kind)))
                .description(Some(description))
                .build();
            // utoipa's Header has no `required`; its extensions serialise as
            // they are, and the header is always sent.
            header.extensions = Some([("required", serde_json::Value::Bool(true))].into_iter().collect());
            response = response.header(name, header);
        }
        response.build()
    }
}

/// Documents the `Idempotency-Key` header on an operation that honours it
/// (see [`crate::idempotency`]).
fn add_idempotency_key(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    let header = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Optional, honoured for authenticated callers: 1–255 visible ASCII characters, scoped to the caller, kept 24 h. A retry with the same \
key and request gets the first answer again (header `Idempotency-Replayed: true`); the same key with another \
request is 422 `idempotency_key_reused`; a retry while the first runs is 409 `idempotency_in_progress`; 5xx \
answers are not kept. Answers holding secrets or a full ID number are not kept either: their retry is 409 \
`idempotency_replay_withheld`.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(header.into());
}
