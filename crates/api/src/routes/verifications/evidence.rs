//! Evidence files (special personnel, title corrections): the upload,
//! checked and stored, and who may read a file back.

use actix_web::http::header::{CONTENT_TYPE, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::cycle::evidence::{MAX_EVIDENCE_BYTES, check_evidence};
use cme_domain::ids::{PersonId, RegionId, UnitId, VerificationId};
use cme_store::repo::verification::{self as verifications, OfficeScope};
use cme_store::repo::{audit, evidence};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::json;
use uuid::Uuid;

use super::submissions::submitter;
use crate::AppState;
use crate::attachment::disposition;
use crate::auth::{Caller, client_ip};
use crate::digest::sha256_hex;
use crate::dto::verification::{EvidenceDto, EvidenceQuery};
use crate::error::{ApiError, Problem};
use crate::office::{in_scope, office_scope};

/// The largest evidence file accepted.
const MAX_EVIDENCE: usize = MAX_EVIDENCE_BYTES;

/// Upload an evidence file (a dispatch notice, a study certificate): the
/// body is the file, `Content-Type` application/pdf, image/png or
/// image/jpeg, at most 10 MiB; the bytes must be what the type says.
/// Returns its id, to name in a special-list submission.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(EvidenceQuery),
    request_body(description = "The file: PDF, PNG or JPEG; its `Content-Type` must name what its content is", content(
        (inline(crate::dto::FileBytes) = "application/pdf"),
        (inline(crate::dto::FileBytes) = "image/png"),
        (inline(crate::dto::FileBytes) = "image/jpeg"),
    )),
    responses(
        (status = 200, body = EvidenceDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 507, description = "The server's file storage is full: nothing was stored", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/evidence")]
pub async fn upload_evidence(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<EvidenceQuery>,
    mut payload: web::Payload,
) -> Result<web::Json<EvidenceDto>, ApiError> {
    use futures_util::StreamExt as _;
    // A unit's or department's evidence for the verification lists, or the
    // documents of a title correction (a unit's or a trainee's).
    let actor = &caller.0;
    let (unit_id, department_id) = match actor.scope {
        Scope::Person(u, _) if actor.may(Operation::RequestTitleCorrection) => (u, None),
        _ => submitter(caller.require(Operation::SubmitVerifications)?)?,
    };
    let file_name = query.file_name.trim();
    if file_name.is_empty() || file_name.chars().count() > 200 {
        return Err(ApiError::field("file_name", "请提供文件名（200 字以内）"));
    }
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::Malformed {
            detail: crate::wording::payload_message(&e.to_string()).to_owned(),
            errors: Vec::new(),
        })?;
        if bytes.len() + chunk.len() > MAX_EVIDENCE {
            return Err(ApiError::PayloadTooLarge("证明材料不能超过 10 MB".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    let declared = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let kind = check_evidence(declared, &bytes).map_err(|e| ApiError::field("file", e.to_string()))?;
    let sha = sha256_hex(&bytes);
    let files = state.files.clone();
    let key = sha.clone();
    let body = bytes.freeze();
    let body_len = body.len();
    web::block(move || files.put(&key, &body))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::storage("storing evidence", &e))?;
    let size = i64::try_from(body_len).unwrap_or(i64::MAX);
    let saved = evidence::insert(
        &state.db,
        &evidence::NewEvidence {
            unit_id,
            department_id,
            file_name,
            content_type: kind.content_type(),
            size_bytes: size,
            sha256: &sha,
            uploaded_by: &actor.name,
        },
    )
    .await?;
    let e = audit::AuditEntry::by(actor, AuditAction::EvidenceUpload)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Evidence, saved.id)
        .place(None, Some(unit_id))
        .detail(json!({"file_name": file_name, "sha256": sha, "size": size}));
    audit::append(&state.db, &e).await?;
    Ok(web::Json(EvidenceDto::from(saved)))
}

/// An evidence file's bytes: for its unit, for a department of it the files
/// it uploaded or that back a record of one of its people, and for the
/// offices reviewing a record it backs.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The evidence file")),
    responses(
        (status = 200, description = "The file, with the type it was uploaded as", content(
            (inline(crate::dto::FileBytes) = "application/pdf"),
            (inline(crate::dto::FileBytes) = "image/png"),
            (inline(crate::dto::FileBytes) = "image/jpeg"),
        )),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/evidence/{id}")]
pub async fn get_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let file = evidence::get(&state.db, id.into_inner()).await?;
    if !evidence_visible(&state, &caller, &file).await? {
        return Err(ApiError::NotFound("文件不存在".into()));
    }
    let files = state.files.clone();
    let key = file.storage_key.clone();
    let bytes = web::block(move || files.get(&key))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(format!("reading evidence: {e}")))?;
    let ascii: String =
        file.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, file.content_type.clone()))
        .insert_header(disposition(DispositionType::Inline, &file.file_name, &ascii))
        .insert_header(("Cache-Control", "private, max-age=3600, immutable"))
        .body(bytes))
}

/// Whether the caller may see an evidence file (see [`get_evidence`]).
async fn evidence_visible(state: &AppState, caller: &Caller, file: &evidence::Evidence) -> Result<bool, ApiError> {
    let actor = &caller.0;
    let corrections = cme_store::repo::title_correction::linked_to(&state.db, file.id).await?;
    if let Scope::Person(_, p) = actor.scope {
        // A trainee sees the documents of his own title corrections.
        return Ok(corrections.iter().any(|c| c.0 == p));
    }
    let scope = office_scope(state, caller.require(Operation::ReadHierarchy)?).await?;
    Ok(match scope {
        OfficeScope::Unit(u) => file.unit_id == u || corrections.iter().any(|c| c.1 == u),
        // A department: its own uploads, and files backing a record of
        // one of its people; never a sibling department's.
        OfficeScope::Department(u, d) => {
            file.unit_id == u
                && (file.department_id == Some(d) || backs_own_person(state, actor, file, &corrections).await?)
        }
        OfficeScope::Province | OfficeScope::Prefecture(_) | OfficeScope::County(_) => {
            corrections.iter().any(|(_, _, county, prefecture)| match scope {
                OfficeScope::Prefecture(r) => *prefecture == Some(r),
                OfficeScope::County(r) => *county == Some(r),
                _ => true,
            }) || {
                let linked = evidence::linked(&state.db, file.id).await?;
                let ids: Vec<VerificationId> = linked.into_iter().map(VerificationId).collect();
                verifications::get_many(&state.db, &ids).await?.iter().any(|r| in_scope(scope, r))
            }
        }
    })
}

/// Whether a file backs a record (or a title correction) of one of the
/// department's people.
async fn backs_own_person(
    state: &AppState,
    actor: &Actor,
    file: &evidence::Evidence,
    corrections: &[(PersonId, UnitId, Option<RegionId>, Option<RegionId>)],
) -> Result<bool, ApiError> {
    let linked = evidence::linked(&state.db, file.id).await?;
    let ids: Vec<VerificationId> = linked.into_iter().map(VerificationId).collect();
    let records = verifications::get_many(&state.db, &ids).await?;
    let people: Vec<Uuid> = records.iter().map(|r| r.person_id.0).chain(corrections.iter().map(|c| c.0.0)).collect();
    Ok(!people.is_empty()
        && cme_store::entity::people::Entity::find()
            .filter(cme_store::repo::scope::people(&actor.scope))
            .filter(cme_store::entity::people::Column::Id.is_in(people))
            .one(&state.db)
            .await?
            .is_some())
}
