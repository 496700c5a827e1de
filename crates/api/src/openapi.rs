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
        (name = "people", description = "Personnel upkeep (人员维护): create, edit (ETag/If-Match), titles, status, imports, HR upserts. Every POST honours `Idempotency-Key`"),
        (name = "transfers", description = "Transfers between units (人员调动): asked by the sending unit, decided by the receiving one"),
        (name = "audit", description = "The append-only audit log"),
        (name = "activities", description = "CME activities: rotating sign-in codes, sign-ins, attendance rosters (继教活动)"),
        (name = "courses", description = "Completions of the year's mandatory course (公需科目)"),
        (name = "certificate", description = "Seals (电子印章), certificates (学分验证合格证书): printing, PDFs, revocation, multi-year proofs"),
        (name = "public", description = "Public certificate verification (no sign-in; rate-limited; logged)"),
        (name = "spot-check", description = "Spot checks (抽验) and on-site inspections (现场抽验)"),
        (name = "title-correction", description = "Title corrections (职称信息更正)"),
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

/// Documents the `Idempotency-Key` header on every POST that honours it
/// (see `crate::idempotency`): all under `/api/v1` but sign-in and tokens.
pub fn with_idempotency_key(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    for (path, item) in doc.paths.paths.iter_mut() {
        if path.starts_with("/api/v1/auth/") {
            continue;
        }
        let Some(op) = item.post.as_mut() else { continue };
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
            .schema(Some(ObjectBuilder::new().schema_type(Type::String).max_length(Some(255))))
            .build();
        op.parameters.get_or_insert_with(Vec::new).push(header.into());
    }
    doc
}
