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
        (name = "compliance", description = "Compliance evaluation (达标判定)"),
        (name = "standards", description = "The credit standard (学分验证标准)"),
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError))
)]
struct ApiDoc;

/// The document before routes are added.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as committed in `openapi/openapi.json`: pretty JSON with a
/// trailing newline.
pub fn to_pretty_json(doc: &utoipa::openapi::OpenApi) -> Result<String, serde_json::Error> {
    doc.to_pretty_json().map(|s| s + "\n")
}
