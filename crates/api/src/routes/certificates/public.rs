//! Public verification (no sign-in): by certificate number and check code, or by the
//! QR code's token, limited per client address.

use actix_web::{HttpRequest, get, web};
use cme_domain::certificate::number::normalise_code;
use cme_domain::certificate::status::LookupMethod;
use cme_store::repo::certificate::{self as certs, Certificate};

use crate::AppState;
use crate::auth::client_ip;
use crate::digest::sha256_hex;
use crate::dto::certificate::{PublicCertificateDto, PublicLookupQuery};
use crate::error::{ApiError, Problem};

/// Rate limit and log of the public lookups; the client is kept only as a
/// keyed hash of its address.
async fn public_answer(
    state: &AppState,
    req: &HttpRequest,
    method: LookupMethod,
    number: Option<&str>,
    found: Option<Certificate>,
) -> Result<web::Json<PublicCertificateDto>, ApiError> {
    let ip = client_ip(req);
    let client: String = sha256_hex(&state.pii.index(&format!("lookup:{ip}")))[..16].to_owned();
    certs::log_lookup(&state.db, method, number, found.as_ref(), &client).await?;
    let Some(c) = found else {
        return Err(ApiError::NotFound("查无此证书：证书编号或验证码不正确，或二维码不是本系统签发".into()));
    };
    let current = match c.superseded_by {
        Some(newer) => Some(certs::get(&state.db, newer).await?.version),
        None => None,
    };
    Ok(web::Json(PublicCertificateDto::new(&c, current)))
}

async fn limit(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    let ip = client_ip(req);
    // Keyed by a keyed hash: the address itself is not stored.
    let digest = state.pii.index(&format!("limit:{ip}"));
    let key: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    state.public_limiter.check(&state.db, &key).await
}

/// Public verification by the QR code's token (no sign-in): genuine or
/// not, the year, the masked name and ID number, the issuer and the status
/// (valid, superseded, revoked, held). Rate-limited per client; every
/// lookup is logged.
#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The token the QR code carries")),
    responses(
        (status = 200, body = PublicCertificateDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/public/certificates/{token}")]
pub async fn public_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<web::Json<PublicCertificateDto>, ApiError> {
    limit(&state, &req).await?;
    let token = normalise_code(&token);
    let found = if token.len() == 26 { certs::by_qr_token(&state.db, &token).await? } else { None };
    public_answer(&state, &req, LookupMethod::Qr, None, found).await
}

/// Public verification by certificate number and the check code printed on
/// it (no sign-in). Rate-limited per client; every lookup is logged.
#[utoipa::path(
    tag = "public",
    params(PublicLookupQuery),
    responses(
        (status = 200, body = PublicCertificateDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No number or no check code", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/public/certificates")]
pub async fn public_by_number(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<PublicLookupQuery>,
) -> Result<web::Json<PublicCertificateDto>, ApiError> {
    limit(&state, &req).await?;
    let number = query.number.trim().to_owned();
    let code = normalise_code(&query.code);
    if number.is_empty() || number.len() > 40 {
        return Err(ApiError::field("number", "请输入证书编号"));
    }
    if code.len() != 8 {
        return Err(ApiError::field("code", "验证码为 8 位"));
    }
    let found = certs::by_number_and_code(&state.db, &number, &code).await?;
    public_answer(&state, &req, LookupMethod::Number, Some(&number), found).await
}
