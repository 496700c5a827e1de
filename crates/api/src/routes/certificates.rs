//! Certificates (学分验证合格证书, SPEC §8): offices' seals, the certificates
//! of one's staff (listed, printed one by one or in batches as one streamed
//! PDF, revoked), a trainee's own and his multi-year proof, and the public
//! verification by QR code or by number and check code.
//!
//! Every PDF that leaves (one, a batch, a proof; for staff, trainees and
//! outside systems alike) passes one gate, [`may_print`]: only a
//! valid certificate prints, so a PDF never contradicts the public page (a
//! revoked, held or superseded one answers 409 naming its status), and one
//! without its office's seal prints only for the unit and the offices
//! (notice-2017: the department and the trainee are told why). Links are
//! built from the configured public URL, never from the request.
//!
//! A certificate is stored as issued (what it prints), and its PDF is
//! rendered from that snapshot whenever asked: the same bytes every time,
//! so its ETag is the version's id and row version.

use std::collections::HashMap;
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::http::header::{self, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use cme_documents::{CertificateBatch, Fonts, ProofHolder, Seal};
use cme_domain::auth::{Actor, Object, Operation, Owner, Role, Scope};
use cme_domain::certificate::number::normalise_code;
use cme_domain::certificate::snapshot::{issuer, issues_certificates, mask_name};
use cme_domain::certificate::status::{MAX_PROOF_YEARS, PrintRefusal, Printer, may_print};
use cme_domain::ids::{DepartmentId, PersonId, UnitId, VerificationId};
use cme_store::repo::audit;
use cme_store::repo::certificate::{self as certs, Certificate, PrintFilter};
use cme_store::repo::verification::{self as verifications, OfficeScope};
use futures_util::StreamExt as _;
use sea_orm::TransactionTrait as _;
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::attachment::disposition;
use crate::auth::{Caller, client_ip, may_act_on};
use crate::digest::sha256_hex;
use crate::dto::certificate::{
    CertificateDto, CertificatePage, CertificateQuery, CertificateSearch, OfficeSealDto, PrintRequest, ProofQuery,
    PublicCertificateDto, PublicLookupQuery, RevokeRequest, SealDto,
};
use crate::error::{ApiError, MissingAs, Problem};
use crate::extract::ValidJson;
use crate::office::{in_scope, office_region, office_scope, tier_of};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_seal)
        .service(put_seal)
        .service(retire_seal)
        .service(seal_image)
        // Fixed paths under /certificates before /certificates/{id}.
        .service(list_certificates)
        .service(search_certificates)
        .service(print_certificates)
        .service(get_certificate)
        .service(certificate_pdf)
        .service(revoke_certificate)
        .service(my_proof)
        .service(my_certificates)
        .service(person_proof)
        .service(person_certificates)
        .service(public_by_number)
        .service(public_by_token);
}

/// The largest seal scan accepted.
const MAX_SEAL_BYTES: usize = 10 * 1024 * 1024;
/// Certificates read from the database per round while printing a batch.
const PRINT_PAGE: u64 = 200;
/// The most certificates one batch prints.
const PRINT_CAP: usize = 5000;

fn fonts(state: &AppState) -> Result<Fonts, ApiError> {
    state.fonts.clone().ok_or_else(|| {
        ApiError::Internal(format!("证书字体未安装（{}），无法生成 PDF", cme_documents::FONT_PACKAGES.join("、")))
    })
}

/// The caller's office: its tier and region. Only the offices that issue
/// certificates have one.
async fn office(
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

/// The public verification page of a certificate: always under the
/// configured public URL (`CME_PUBLIC_URL`), never the request's Host.
fn verify_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/v/{token}")
}

/// Who is printing, for [`may_print`].
fn printer(actor: &Actor) -> Printer {
    match actor.role {
        Role::Unit => Printer::Unit,
        Role::Department => Printer::Department,
        Role::Trainee => Printer::Trainee,
        Role::ApiClient => Printer::ApiClient,
        Role::SystemAdmin | Role::ProvinceWestern | Role::ProvinceTcm | Role::PrefectureOffice | Role::CountyOffice => {
            Printer::Office
        }
    }
}

/// The problem answered for a certificate that may not leave as a PDF
/// (409, its code naming the status: `certificate_revoked`,
/// `certificate_held`, `certificate_superseded`, `certificate_unsealed`).
fn refusal(r: PrintRefusal, c: &Certificate, prefix: &str) -> ApiError {
    ApiError::Conflict { code: r.into(), detail: format!("{prefix}{}", r.detail(c.revoke_reason.as_deref())) }
}

/// The one gate every certificate PDF passes (single, batch, proof).
fn check_printable(actor: &Actor, c: &Certificate) -> Result<(), PrintRefusal> {
    may_print(c.status(), c.seal_id.is_some(), printer(actor))
}

fn dto(c: &Certificate, public_url: &str) -> CertificateDto {
    let status = c.status();
    CertificateDto {
        id: c.id,
        verification_id: c.verification_id,
        person_id: c.person_id.0,
        unit_id: c.unit_id.0,
        year: c.year,
        number: c.number.clone(),
        version: c.version,
        name: c.name.clone(),
        gender: c.gender.clone(),
        id_number: c.id_masked.clone(),
        unit_name: c.unit_name.clone(),
        title: c.title_name.clone(),
        class1_tenths: c.class1_tenths,
        class2_tenths: c.class2_tenths,
        self_managed_tenths: c.self_managed_tenths,
        total_tenths: c.total_tenths,
        verdict: c.verdict.clone(),
        issuer: c.issuer.clone(),
        issued_by_office: c.issued_by_office.into(),
        sealed: c.seal_id.is_some(),
        check_code: c.check_code.clone(),
        verify_url: verify_url(public_url, &c.qr_token),
        issued_by: c.issued_by.clone(),
        issued_at: c.issued_at,
        status: status.into(),
        status_label: status.label().to_owned(),
        superseded_at: c.superseded_at,
        revoked_at: c.revoked_at,
        revoked_by: c.revoked_by.clone(),
        revoke_reason: c.revoke_reason.clone(),
        row_version: c.row_version,
    }
}

/// What the PDF prints, from the stored snapshot.
fn printed(c: &Certificate, public_url: &str) -> cme_documents::Certificate {
    let day = cme_domain::time::date_in_shanghai(c.issued_at);
    cme_documents::Certificate {
        name: c.name.clone(),
        gender: c.gender.clone(),
        id_number: c.id_masked.clone(),
        unit: c.unit_name.clone(),
        title: c.title_name.clone(),
        year: c.year,
        class1_tenths: i64::from(c.class1_tenths),
        class2_tenths: i64::from(c.class2_tenths),
        self_managed_tenths: i64::from(c.self_managed_tenths),
        total_tenths: i64::from(c.total_tenths),
        verdict: c.verdict.clone(),
        number: c.number.clone(),
        check_code: c.check_code.clone(),
        version: u32::try_from(c.version).unwrap_or(1),
        issuer: c.issuer.clone(),
        issued_on: day.format("%Y年%-m月%-d日").to_string(),
        verify_url: verify_url(public_url, &c.qr_token),
    }
}

/// Whether the caller may see this certificate: a trainee his own; a unit,
/// department or office the records of its place.
async fn visible(state: &AppState, actor: &Actor, c: &Certificate) -> Result<bool, ApiError> {
    if let Scope::Person(_, p) = actor.scope {
        return Ok(c.person_id == p);
    }
    let scope = office_scope(state, actor).await?;
    let record = verifications::get(&state.db, VerificationId(c.verification_id)).await?;
    Ok(in_scope(scope, &record))
}

async fn load_seal(state: &AppState, id: Option<Uuid>, cache: &mut HashMap<Uuid, Seal>) -> Result<(), ApiError> {
    if let Some(id) = id
        && !cache.contains_key(&id)
    {
        let stored = certs::seal(&state.db, id).await?;
        let seal = Seal::from_png(stored.png).map_err(ApiError::from)?;
        cache.insert(id, seal);
    }
    Ok(())
}

// ---------------------------------------------------------------- seals

fn seal_dto(s: &certs::Seal) -> SealDto {
    SealDto {
        id: s.id,
        office: s.office.into(),
        region_id: s.region_id.0,
        width: s.width,
        height: s.height,
        uploaded_by: s.uploaded_by.clone(),
        uploaded_at: s.uploaded_at,
        image_url: format!("/api/v1/seals/{}/image", s.id),
    }
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
        seal: seal.as_ref().map(seal_dto),
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
        let chunk = chunk.map_err(|e| ApiError::Malformed { detail: e.to_string(), errors: Vec::new() })?;
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
    let e = audit::AuditEntry::by(actor, "seal.upload")
        .ip(Some(&client_ip(&req)))
        .target("seal", stored.id)
        .place(Some(region.id), None)
        .detail(json!({"office": tier.as_str(), "sha256": sha, "width": stored.width, "height": stored.height}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(OfficeSealDto {
        office: tier.into(),
        region_id: region.id.0,
        issuer: issuer(tier, &region.name),
        seal: Some(seal_dto(&stored)),
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
    let e = audit::AuditEntry::by(actor, "seal.retire")
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

// ---------------------------------------------------------------- certificates

/// The filter of the caller's place (a department its own staff, a unit its
/// own, an office its region).
async fn place_filter(
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

fn id_hmac(state: &AppState, id_number: Option<&str>) -> Result<Option<Vec<u8>>, ApiError> {
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
    let items: Vec<CertificateDto> = rows.iter().take(limit as usize).map(|c| dto(c, &state.public_url)).collect();
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
    Ok(web::Json(dto(&c, &state.public_url)))
}

/// A certificate's PDF (A4, one page), for its person or the staff of its
/// place; phone apps fetch it here. Rendered from the stored snapshot, so
/// the same version always has the same bytes: `ETag` and `If-None-Match`
/// (304) work, and it may be cached privately. Only a valid certificate
/// prints (409 `certificate_revoked`, `certificate_held` or
/// `certificate_superseded` otherwise); one without its office's seal
/// prints only for the unit and the offices (409 `certificate_unsealed`
/// for a department, a trainee or an outside system).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The certificate version")),
    responses(
        (status = 200, description = "The PDF", body = inline(crate::dto::FileBytes), content_type = "application/pdf"),
        (status = 304, description = "Not modified"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certificates/{id}/pdf")]
pub async fn certificate_pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let actor = &caller.0;
    let c = certs::get(&state.db, id.into_inner()).await?;
    if !visible(&state, actor, &c).await? {
        return Err(ApiError::NotFound("证书不存在".into()));
    }
    check_printable(actor, &c).map_err(|r| refusal(r, &c, ""))?;
    // The public URL is printed in the QR code: a change of it is a change
    // of the bytes, so it is part of the tag.
    let etag = format!("\"cert-{}-{}-{}\"", c.id, c.row_version, &sha256_hex(state.public_url.as_bytes())[..12]);
    let matched = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matched {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag)).finish());
    }
    let fonts = fonts(&state)?;
    let mut seals = HashMap::new();
    load_seal(&state, c.seal_id, &mut seals).await?;
    let doc = printed(&c, &state.public_url);
    let seal = c.seal_id.and_then(|s| seals.remove(&s));
    let bytes = web::block(move || cme_documents::certificate_pdf(&fonts, &doc, seal.as_ref()))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)?;
    let name = format!("{}年度学分验证合格证书-{}-{}.pdf", c.year, c.name, c.number);
    let ascii = format!("certificate-{}.pdf", c.number);
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(disposition(DispositionType::Attachment, &name, &ascii))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes))
}

/// A `Write` that hands the PDF to the response in 64 KiB pieces.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(64 * 1024)));
        self.tx
            .blocking_send(Ok(piece))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// What the reader sends the renderer.
enum Job {
    Seal(Uuid, Seal),
    Pages(Vec<(cme_documents::Certificate, Option<Uuid>)>),
    /// The reader failed (the database, a stored seal): the PDF must not be
    /// finished as if the batch had ended, but the response aborted.
    Abort(String),
}

/// Prints a batch as one PDF, one page per certificate, streamed while it
/// is rendered (memory stays flat whatever the batch): a year, then a
/// department or chosen people (or the whole unit), or one person by name
/// or ID number. Only valid certificates print (and, for a department,
/// only sealed ones: 409 `certificate_unsealed` when none is); at most
/// 5,000 at once.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    request_body = PrintRequest,
    responses(
        (status = 200, description = "The PDF", body = inline(crate::dto::FileBytes), content_type = "application/pdf"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certificates/print")]
pub async fn print_certificates(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<PrintRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    let b = body.0;
    let f = print_filter(&state, actor, &b).await?;
    let fonts = fonts(&state)?;
    let first = first_page(&state, actor, &f, &fonts).await?;
    let e = audit::AuditEntry::by(actor, "certificate.print")
        .ip(Some(&client_ip(&req)))
        .target("year", b.year)
        .detail(json!({"department_id": b.department_id, "people": b.person_ids.as_ref().map(Vec::len)}));
    audit::append(&state.db, &e).await?;

    let (jobs_tx, jobs_rx) = tokio::sync::mpsc::channel::<Job>(2);
    let (out_tx, out_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    spawn_renderer(fonts.clone(), jobs_rx, out_tx);
    spawn_reader(state.clone(), actor.clone(), f, first, jobs_tx);
    let stream = futures_util::stream::unfold(out_rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let name = format!("{}年度学分验证合格证书.pdf", b.year);
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(disposition(DispositionType::Attachment, &name, &format!("certificates-{}.pdf", b.year)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .streaming(stream))
}

/// The certificates a print request asks for: a place and year, then chosen
/// people, a name or an ID number.
async fn print_filter(state: &AppState, actor: &Actor, b: &PrintRequest) -> Result<PrintFilter, ApiError> {
    let mut f = place_filter(state, actor, b.year, b.department_id, b.unit_id).await?;
    f.people = b.person_ids.as_ref().map(|v| v.iter().map(|p| PersonId(*p)).collect());
    f.name = b.name.clone();
    f.id_hmac = id_hmac(state, b.id_number.as_deref())?;
    Ok(f)
}

/// The first page is read and checked before answering: an empty batch
/// is a 404 (or the 409 of why none may print, e.g. a department's
/// unsealed certificates), an unprintable name a 422 naming the person.
async fn first_page(
    state: &AppState,
    actor: &Actor,
    f: &PrintFilter,
    fonts: &Fonts,
) -> Result<Vec<Certificate>, ApiError> {
    let first = certs::list(&state.db, f, PRINT_PAGE, None).await?;
    let refused = first.iter().find_map(|c| check_printable(actor, c).err().map(|r| (r, c.clone())));
    let first: Vec<Certificate> = first.into_iter().filter(|c| check_printable(actor, c).is_ok()).collect();
    if first.is_empty() {
        return Err(match refused {
            Some((r @ PrintRefusal::Unsealed, c)) => refusal(r, &c, ""),
            _ => ApiError::NotFound("没有可打印的有效证书".into()),
        });
    }
    for c in &first {
        fonts.check_text("name", &c.name).map_err(ApiError::from)?;
        fonts.check_text("unit", &c.unit_name).map_err(ApiError::from)?;
    }
    Ok(first)
}

/// The renderer: one blocking thread writes the PDF as pages arrive.
fn spawn_renderer(
    fonts: Fonts,
    mut jobs_rx: tokio::sync::mpsc::Receiver<Job>,
    out_tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let writer = ChannelWriter { tx: out_tx.clone(), buf: Vec::with_capacity(64 * 1024) };
    tokio::task::spawn_blocking(move || {
        let run = || -> Result<(), String> {
            let mut batch = CertificateBatch::new(&fonts, writer).map_err(|e| e.to_string())?;
            let mut seals: HashMap<Uuid, Seal> = HashMap::new();
            while let Some(job) = jobs_rx.blocking_recv() {
                match job {
                    Job::Seal(id, s) => {
                        seals.insert(id, s);
                    }
                    Job::Pages(pages) => {
                        for (doc, seal) in &pages {
                            batch.push(doc, seal.and_then(|s| seals.get(&s))).map_err(|e| e.to_string())?;
                        }
                    }
                    Job::Abort(why) => return Err(why),
                }
            }
            let mut w = batch.finish().map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut w).map_err(|e| e.to_string())
        };
        if let Err(e) = run() {
            tracing::warn!(error = %e, "certificate batch aborted");
            let _ = out_tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
}

/// The reader: pages of certificates from the database, seals once each.
/// It ends by closing the channel (the batch is complete) or by sending
/// `Abort` (it is not): a failure never yields a valid, shorter PDF.
fn spawn_reader(
    state: web::Data<AppState>,
    gate: Actor,
    f: PrintFilter,
    first: Vec<Certificate>,
    jobs_tx: tokio::sync::mpsc::Sender<Job>,
) {
    tokio::spawn(async move {
        let outcome = read_pages(&state, &gate, &f, first, &jobs_tx).await;
        if let Err(why) = outcome {
            tracing::error!(error = %why, "certificate batch: reading failed, the response is aborted");
            let _ = jobs_tx.send(Job::Abort(why)).await;
        }
    });
}

/// Sends the renderer the pages from `first` on, at most [`PRINT_CAP`]
/// certificates, each seal before the first page it stamps.
async fn read_pages(
    state: &AppState,
    gate: &Actor,
    f: &PrintFilter,
    first: Vec<Certificate>,
    jobs_tx: &tokio::sync::mpsc::Sender<Job>,
) -> Result<(), String> {
    let origin = &state.public_url;
    let mut sent: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let mut page = first;
    let mut total = 0usize;
    let mut after: Option<(String, Uuid)> = None;
    loop {
        let last = page.last().map(|c| (c.name.clone(), c.id));
        let mut docs = Vec::with_capacity(page.len());
        for c in page.iter().filter(|c| check_printable(gate, c).is_ok()) {
            if total >= PRINT_CAP {
                break;
            }
            if let Some(s) = c.seal_id
                && sent.insert(s)
            {
                let stored = certs::seal(&state.db, s).await.map_err(|e| e.to_string())?;
                let seal = Seal::from_png(stored.png).map_err(|e| e.to_string())?;
                if jobs_tx.send(Job::Seal(s, seal)).await.is_err() {
                    return Ok(());
                }
            }
            docs.push((printed(c, origin), c.seal_id));
            total += 1;
        }
        if jobs_tx.send(Job::Pages(docs)).await.is_err() || total >= PRINT_CAP {
            return Ok(());
        }
        if (page.len() as u64) < PRINT_PAGE && after.is_some() {
            return Ok(());
        }
        after = last;
        if after.is_none() {
            return Ok(());
        }
        page = certs::list(&state.db, f, PRINT_PAGE, after.clone()).await.map_err(|e| e.to_string())?;
        if page.is_empty() {
            return Ok(());
        }
    }
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
    let e = audit::AuditEntry::by(actor, "certificate.revoke")
        .ip(Some(&client_ip(&req)))
        .target("certificate", c.id)
        .place(Some(region.id), Some(c.unit_id))
        .detail(json!({"number": c.number, "version": c.version, "reason": body.0.reason.trim()}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(dto(&revoked, &state.public_url)))
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
    Ok(web::Json(certs::of_person(&state.db, person).await?.iter().map(|c| dto(c, &state.public_url)).collect()))
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
            out.push(dto(c, &state.public_url));
        }
    }
    Ok(web::Json(out))
}

/// 404 unless the person is in the caller's place.
async fn in_place(state: &AppState, actor: &Actor, person: PersonId) -> Result<(), ApiError> {
    cme_store::repo::person::get_scoped(&state.db, &state.pii, &actor.scope, person)
        .await
        .map(|_| ())
        .missing_as(|| ApiError::NotFound("人员不存在".into()))
}

fn proof_years(q: &ProofQuery) -> Result<Vec<i32>, ApiError> {
    let mut years: Vec<i32> = q
        .years
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i32>().map_err(|_| ApiError::field("years", format!("无效的年度：{s}"))))
        .collect::<Result<_, _>>()?;
    years.sort_unstable();
    years.dedup();
    if years.is_empty() || years.len() > MAX_PROOF_YEARS {
        return Err(ApiError::field("years", format!("请选择 1–{MAX_PROOF_YEARS} 个年度")));
    }
    Ok(years)
}

async fn proof(state: &AppState, actor: &Actor, person: PersonId, years: &[i32]) -> Result<HttpResponse, ApiError> {
    let mut chosen = Vec::new();
    for y in years {
        let c = certs::current_of(&state.db, person, *y)
            .await?
            .ok_or_else(|| ApiError::field("years", format!("{y}年度没有证书")))?;
        check_printable(actor, &c).map_err(|r| refusal(r, &c, &format!("{y}年度：")))?;
        chosen.push(c);
    }
    let mut seals = HashMap::new();
    for c in &chosen {
        load_seal(state, c.seal_id, &mut seals).await?;
    }
    let origin = &state.public_url;
    let first = &chosen[0];
    let holder = ProofHolder {
        name: first.name.clone(),
        gender: first.gender.clone(),
        id_number: first.id_masked.clone(),
        unit: chosen.last().map_or_else(String::new, |c| c.unit_name.clone()),
    };
    let docs: Vec<(cme_documents::Certificate, Option<Uuid>, String)> =
        chosen.iter().map(|c| (printed(c, origin), c.seal_id, c.status().label().to_owned())).collect();
    let fonts = fonts(state)?;
    let bytes = web::block(move || {
        let years: Vec<(cme_documents::Certificate, Option<&Seal>, String)> =
            docs.into_iter().map(|(d, s, st)| (d, s.and_then(|s| seals.get(&s)), st)).collect();
        cme_documents::multi_year_proof_pdf(&fonts, &holder, &years)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(ApiError::from)?;
    let span = format!("{}-{}", years[0], years[years.len() - 1]);
    let name = format!("继续医学教育学分验证合格证明-{}-{span}.pdf", first.name);
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(disposition(DispositionType::Attachment, &name, &format!("proof-{span}.pdf")))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

/// The trainee's multi-year proof (up to 5 years in one PDF) for a
/// promotion file: a summary page, then each year's certificate. Every
/// year must be printable (409 naming the year and why otherwise).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(ProofQuery),
    responses(
        (status = 200, description = "The PDF", body = inline(crate::dto::FileBytes), content_type = "application/pdf"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/certificates/proof")]
pub async fn my_proof(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ProofQuery>,
) -> Result<HttpResponse, ApiError> {
    let Scope::Person(_, person) = caller.0.scope else {
        return Err(ApiError::Forbidden("仅学员可打印本人证明".into()));
    };
    let years = proof_years(&query)?;
    proof(&state, &caller.0, person, &years).await
}

/// A person's multi-year proof, for the staff of his place.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The person"), ProofQuery),
    responses(
        (status = 200, description = "The PDF", body = inline(crate::dto::FileBytes), content_type = "application/pdf"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/{id}/certificates/proof")]
pub async fn person_proof(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: web::Query<ProofQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    let person = PersonId(id.into_inner());
    let years = proof_years(&query)?;
    in_place(&state, actor, person).await?;
    for y in &years {
        if let Some(c) = certs::current_of(&state.db, person, *y).await?
            && !visible(&state, actor, &c).await?
        {
            return Err(ApiError::NotFound("人员不存在".into()));
        }
    }
    proof(&state, actor, person, &years).await
}

// ---------------------------------------------------------------- public

fn public_dto(c: &Certificate, current_version: Option<i32>) -> PublicCertificateDto {
    let status = c.status();
    PublicCertificateDto {
        genuine: true,
        number: c.number.clone(),
        version: c.version,
        year: c.year,
        name: mask_name(&c.name),
        id_number: c.id_masked.clone(),
        unit_name: c.unit_name.clone(),
        title: c.title_name.clone(),
        total_tenths: c.total_tenths,
        verdict: c.verdict.clone(),
        issuer: c.issuer.clone(),
        issued_at: c.issued_at,
        status: status.into(),
        status_label: status.label().to_owned(),
        current_version,
        revoke_reason: c.revoke_reason.clone(),
    }
}

/// Rate limit and log of the public lookups; the client is kept only as a
/// keyed hash of its address.
async fn public_answer(
    state: &AppState,
    req: &HttpRequest,
    method: &str,
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
    Ok(web::Json(public_dto(&c, current)))
}

fn limit(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    let ip = client_ip(req);
    // Keyed by a keyed hash: the address itself is not held.
    let digest = state.pii.index(&format!("limit:{ip}"));
    let mut key = [0u8; 32];
    for (k, d) in key.iter_mut().zip(digest.iter()) {
        *k = *d;
    }
    state.public_limiter.check(&key)
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
    limit(&state, &req)?;
    let token = normalise_code(&token);
    let found = if token.len() == 26 { certs::by_qr_token(&state.db, &token).await? } else { None };
    public_answer(&state, &req, "qr", None, found).await
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
    limit(&state, &req)?;
    let number = query.number.trim().to_owned();
    let code = normalise_code(&query.code);
    if number.is_empty() || number.len() > 40 {
        return Err(ApiError::field("number", "请输入证书编号"));
    }
    if code.len() != 8 {
        return Err(ApiError::field("code", "验证码为 8 位"));
    }
    let found = certs::by_number_and_code(&state.db, &number, &code).await?;
    public_answer(&state, &req, "number", Some(&number), found).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_years_are_checked() {
        assert_eq!(proof_years(&ProofQuery { years: "2021, 2019,2021".into() }).ok(), Some(vec![2019, 2021]));
        assert!(proof_years(&ProofQuery { years: String::new() }).is_err());
        assert!(proof_years(&ProofQuery { years: "2015,2016,2017,2018,2019,2020".into() }).is_err());
        assert!(proof_years(&ProofQuery { years: "20x1".into() }).is_err());
    }
}
