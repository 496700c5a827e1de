//! The offices' seals (印章): an office's current seal, a new scan, retiring one, and
//! the image for previews.

use actix_web::http::header::{self};
use actix_web::{HttpRequest, HttpResponse, delete, get, put, web};
use cme_documents::Seal;
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Operation};
use cme_domain::certificate::snapshot::{issuer, issues_certificates};
use cme_store::repo::audit;
use cme_store::repo::certificate::{self as certs};
use futures_util::StreamExt as _;
use sea_orm::TransactionTrait as _;
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::digest::sha256_hex;
use crate::dto::certificate::{OfficeSealDto, SealDto};
use crate::error::{ApiError, Problem};
use crate::office::{office_region, tier_of};

/// The largest seal scan accepted.
const MAX_SEAL_BYTES: usize = 10 * 1024 * 1024;

/// The caller's office: its tier and region. Only the offices that issue
/// certificates have one.
pub(super) async fn office(
    state: &AppState,
    actor: &Actor,
) -> Result<(cme_domain::review::Tier, cme_domain::org::Region), ApiError> {
    let tier = tier_of(actor)?;
    if !issues_certificates(tier) {
        return Err(ApiError::Forbidden("只有继教委办公室有电子印章".into()));
    }
    let region =
        office_region(state, actor).await?.ok_or_else(|| ApiError::Forbidden("该账号不属于继教委办公室".into()))?;
    Ok((tier, region))
}

/// The caller's office, the committee its certificates name and its seal
/// in use (none: its certificates print 须加盖印章).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    responses(
        (status = 200, body = OfficeSealDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/seals/mine")]
pub async fn my_seal(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<OfficeSealDto>, ApiError> {
    let actor = caller.require(Operation::ManageSeal)?;
    let (tier, region) = office(&state, actor).await?;
    let seal = certs::active_seal(&state.db, region.id, tier).await?;
    Ok(web::Json(OfficeSealDto {
        office: tier.into(),
        region_id: region.id.0,
        issuer: issuer(tier, &region.name),
        seal: seal.as_ref().map(SealDto::from),
    }))
}

/// Uploads the office's seal: a scan or photo of the stamp on blank paper
/// (PNG or JPEG, at most 10 MB, as the request body). The white background
/// is removed and the ink cropped; the processed image replaces the seal in
/// use for certificates issued from now on (those issued before keep
/// theirs).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    request_body(description = "The scan (PNG or JPEG), recognised by its content", content(
        (inline(crate::dto::FileBytes) = "image/png"),
        (inline(crate::dto::FileBytes) = "image/jpeg"),
    )),
    responses(
        (status = 200, body = OfficeSealDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/seals/mine")]
pub async fn put_seal(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    mut payload: web::Payload,
) -> Result<web::Json<OfficeSealDto>, ApiError> {
    let actor = caller.require(Operation::ManageSeal)?;
    let (tier, region) = office(&state, actor).await?;
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::Malformed {
            detail: crate::wording::payload_message(&e.to_string()).to_owned(),
            errors: Vec::new(),
        })?;
        if bytes.len() + chunk.len() > MAX_SEAL_BYTES {
            return Err(ApiError::PayloadTooLarge("印章图片不能超过 10 MB".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    let body = bytes.freeze();
    let seal = web::block(move || Seal::from_scan(&body))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| match e {
            // The reason alone: it is written for the person who uploaded.
            cme_documents::DocumentError::InvalidInput { reason, .. } => ApiError::field("file", reason),
            other => ApiError::field("file", other.to_string()),
        })?;
    let png = seal.png().to_vec();
    let sha = sha256_hex(&png);
    let txn = state.db.begin().await?;
    let stored =
        certs::put_seal(&txn, region.id, tier, png, (seal.width(), seal.height()), sha.clone(), &actor.name).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::SealUpload)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Seal, stored.id)
        .place(Some(region.id), None)
        .detail(json!({"office": tier.as_str(), "sha256": sha, "width": stored.width, "height": stored.height}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(OfficeSealDto {
        office: tier.into(),
        region_id: region.id.0,
        issuer: issuer(tier, &region.name),
        seal: Some(SealDto::from(&stored)),
    }))
}

/// Retires the office's seal: certificates issued from now on print with
/// the seal area marked 须加盖印章 until a new one is uploaded.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Retired"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/seals/mine")]
pub async fn retire_seal(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManageSeal)?;
    let (tier, region) = office(&state, actor).await?;
    let txn = state.db.begin().await?;
    if !certs::retire_seal(&txn, region.id, tier, &actor.name).await? {
        return Err(ApiError::NotFound("本办公室尚未上传电子印章".into()));
    }
    let e = audit::AuditEntry::by(actor, AuditAction::SealRetire)
        .ip(Some(&client_ip(&req)))
        .place(Some(region.id), None)
        .detail(json!({"office": tier.as_str()}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A seal's processed image (PNG, transparent background), for staff.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The seal")),
    responses(
        (status = 200, description = "PNG", body = inline(crate::dto::FileBytes), content_type = "image/png"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/seals/{id}/image")]
pub async fn seal_image(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Operation::ReadHierarchy)?;
    let s = certs::seal(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400, immutable"))
        .insert_header((header::ETAG, format!("\"{}\"", s.sha256)))
        .body(s.png))
}
