//! The register of certificates: lists and searches in a place, one certificate,
//! a person's certificates, and revocation.

use actix_web::{HttpRequest, get, post, web};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Object, Operation, Owner, Scope};
use cme_domain::ids::{DepartmentId, PersonId, UnitId, VerificationId};
use cme_store::repo::audit;
use cme_store::repo::certificate::{self as certs, Certificate, PrintFilter};
use cme_store::repo::verification::{self as verifications, OfficeScope};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use uuid::Uuid;

use super::seals::office;
use crate::AppState;
use crate::auth::{Caller, client_ip, may_act_on};
use crate::dto::certificate::{CertificateDto, CertificatePage, CertificateQuery, CertificateSearch, RevokeRequest};
use crate::error::{ApiError, MissingAs, Problem};
use crate::extract::ValidJson;
use crate::office::{in_scope, office_scope};

/// Whether the caller may see this certificate: a trainee his own; a unit,
/// department or office the records of its place.
pub(super) async fn visible(state: &AppState, actor: &Actor, c: &Certificate) -> Result<bool, ApiError> {
    if let Scope::Person(_, p) = actor.scope {
        return Ok(c.person_id == p);
    }
    let scope = office_scope(state, actor).await?;
    let record = verifications::get(&state.db, VerificationId(c.verification_id)).await?;
    Ok(in_scope(scope, &record))
}

/// The filter of the caller's place (a department its own staff, a unit its
/// own, an office its region).
pub(super) async fn place_filter(
    state: &AppState,
    actor: &Actor,
    year: i32,
    department: Option<Uuid>,
    unit: Option<Uuid>,
) -> Result<PrintFilter, ApiError> {
    let mut f = PrintFilter { year, ..PrintFilter::default() };
    match office_scope(state, actor).await? {
        OfficeScope::Department(u, d) => {
            if department.is_some_and(|x| x != d.0) {
                return Err(ApiError::NotFound("科室不存在".into()));
            }
            f.unit = Some(u);
            f.department = Some(d);
        }
        OfficeScope::Unit(u) => {
            f.unit = Some(u);
            f.department = department.map(DepartmentId);
        }
        OfficeScope::County(r) => {
            f.county = Some(r);
            f.unit = unit.map(UnitId);
            f.department = department.map(DepartmentId);
        }
        OfficeScope::Prefecture(r) => {
            f.prefecture = Some(r);
            f.unit = unit.map(UnitId);
            f.department = department.map(DepartmentId);
        }
        OfficeScope::Province => {
            f.unit = unit.map(UnitId);
            f.department = department.map(DepartmentId);
        }
    }
    Ok(f)
}

pub(super) fn id_hmac(state: &AppState, id_number: Option<&str>) -> Result<Option<Vec<u8>>, ApiError> {
    match id_number.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => {
            let id = cme_domain::id_card::IdCardNumber::parse(raw, chrono::Utc::now().date_naive())
                .map_err(|e| ApiError::field("id_number", cme_domain::roster::id_number_reason(&e)))?;
            Ok(Some(state.pii.index(id.as_str())))
        }
    }
}

/// The certificates (current versions) of a year in the caller's place:
/// a department its staff's, a unit its own (optionally one department),
/// an office its region's (optionally one unit); by name.
///
/// To find one by ID number, `POST /certificates/search`: an `id_number`
/// here is refused (422), as a URL ends up in logs and browser histories.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(CertificateQuery),
    responses(
        (status = 200, body = CertificatePage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certificates")]
pub async fn list_certificates(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<CertificateQuery>,
) -> Result<web::Json<CertificatePage>, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    // Ignoring it would answer the whole place to a caller who asked for one person.
    if form_urlencoded::parse(req.query_string().as_bytes()).any(|(k, _)| k == "id_number") {
        return Err(ApiError::field(
            "id_number",
            "身份证号不能放在网址中，请使用 POST /api/v1/certificates/search 查询",
        ));
    }
    Ok(web::Json(certificate_page(&state, actor, query.into_inner().into()).await?))
}

/// The certificates of a year in the caller's place, as `GET /certificates`
/// lists them, found by any of its filters and by a full ID number, which
/// travels in the body.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    request_body = CertificateSearch,
    responses(
        (status = 200, body = CertificatePage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certificates/search")]
pub async fn search_certificates(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidJson<CertificateSearch>,
) -> Result<web::Json<CertificatePage>, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    Ok(web::Json(certificate_page(&state, actor, body.0).await?))
}

async fn certificate_page(state: &AppState, actor: &Actor, q: CertificateSearch) -> Result<CertificatePage, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "每页 1–500 条"));
    }
    let mut f = place_filter(state, actor, q.year, q.department_id, q.unit_id).await?;
    f.name = q.name.clone();
    f.id_hmac = id_hmac(state, q.id_number.as_deref())?;
    let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => {
            let id = Uuid::parse_str(a).map_err(|_| ApiError::field("after", "无效的游标"))?;
            let c = certs::get(&state.db, id).await.missing_as(|| ApiError::field("after", "无效的游标"))?;
            Some((c.name, c.id))
        }
        None => None,
    };
    let rows = certs::list(&state.db, &f, limit + 1, after).await?;
    let more = rows.len() as u64 > limit;
    let items: Vec<CertificateDto> =
        rows.iter().take(limit as usize).map(|c| CertificateDto::new(c, &state.public_url)).collect();
    let next = if more { items.last().map(|c| c.id.to_string()) } else { None };
    Ok(CertificatePage { items, next })
}

/// One certificate version, for its person or the staff of its place.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The certificate version")),
    responses(
        (status = 200, body = CertificateDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certificates/{id}")]
pub async fn get_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<CertificateDto>, ApiError> {
    let actor = &caller.0;
    let c = certs::get(&state.db, id.into_inner()).await?;
    if !visible(&state, actor, &c).await? {
        return Err(ApiError::NotFound("证书不存在".into()));
    }
    Ok(web::Json(CertificateDto::new(&c, &state.public_url)))
}

/// Revokes a certificate version the caller's office issued, with a reason
/// (the public page then says 已撤销). Another office that sees it gets 403.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The certificate version")),
    request_body = RevokeRequest,
    responses(
        (status = 200, body = CertificateDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certificates/{id}/revoke")]
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<RevokeRequest>,
) -> Result<web::Json<CertificateDto>, ApiError> {
    let actor = caller.require(Operation::RevokeCertificates)?;
    let (_, region) = office(&state, actor).await?;
    let c = certs::get(&state.db, id.into_inner()).await?;
    if !visible(&state, actor, &c).await? {
        return Err(ApiError::NotFound("证书不存在".into()));
    }
    let issuer = Owner::Office(c.issued_by_region, c.issued_by_office);
    may_act_on(&state.db, actor, Operation::RevokeCertificates, Object::owned_by(issuer)).await?;
    let txn = state.db.begin().await?;
    let revoked = certs::revoke(&txn, c.id, body.0.row_version, &actor.name, body.0.reason.trim()).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::CertificateRevoke)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Certificate, c.id)
        .place(Some(region.id), Some(c.unit_id))
        .detail(json!({"number": c.number, "version": c.version, "reason": body.0.reason.trim()}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(CertificateDto::new(&revoked, &state.public_url)))
}

/// The trainee's own certificates, every version, newest first.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<CertificateDto>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/certificates")]
pub async fn my_certificates(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<web::Json<Vec<CertificateDto>>, ApiError> {
    let Scope::Person(_, person) = caller.0.scope else {
        return Err(ApiError::Forbidden("仅学员可查看本人证书".into()));
    };
    Ok(web::Json(
        certs::of_person(&state.db, person).await?.iter().map(|c| CertificateDto::new(c, &state.public_url)).collect(),
    ))
}

/// A person's certificates, every version (staff of his place).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The person")),
    responses(
        (status = 200, body = Vec<CertificateDto>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/{id}/certificates")]
pub async fn person_certificates(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<CertificateDto>>, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    let person = PersonId(id.into_inner());
    in_place(&state, actor, person).await?;
    let all = certs::of_person(&state.db, person).await?;
    let mut out = Vec::with_capacity(all.len());
    for c in &all {
        if visible(&state, actor, c).await? {
            out.push(CertificateDto::new(c, &state.public_url));
        }
    }
    Ok(web::Json(out))
}

/// 404 unless the person is in the caller's place.
pub(super) async fn in_place(state: &AppState, actor: &Actor, person: PersonId) -> Result<(), ApiError> {
    cme_store::repo::person::get_scoped(&state.db, &state.pii, &actor.scope, person)
        .await
        .map(|_| ())
        .missing_as(|| ApiError::NotFound("人员不存在".into()))
}
