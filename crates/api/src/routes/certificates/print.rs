//! Printing: one certificate's PDF, a batch (up to 5,000, streamed page by page), and
//! multi-year proofs; every PDF passes one gate (`check_printable`).

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::HashMap;

use actix_web::http::header::{self, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use cme_documents::{CertificateBatch, Fonts, ProofHolder, Seal};
use cme_domain::auth::{Actor, Operation, Role, Scope};
use cme_domain::certificate::status::{MAX_PROOF_YEARS, PrintRefusal, Printer, may_print};
use cme_domain::ids::PersonId;
use cme_store::repo::audit;
use cme_store::repo::certificate::{self as certs, Certificate, PrintFilter};
use serde_json::json;
use uuid::Uuid;

use super::register::{id_hmac, in_place, place_filter, visible};
use crate::AppState;
use crate::attachment::disposition;
use crate::auth::{Caller, client_ip};
use crate::digest::sha256_hex;
use crate::dto::certificate::{PrintRequest, ProofQuery, verify_page, verify_url};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;

/// Certificates read from the database per round while printing a batch.
pub(super) const PRINT_PAGE: u64 = 200;
/// The most certificates one batch prints.
pub(super) const PRINT_CAP: usize = 5000;

pub(super) fn fonts(state: &AppState) -> Result<Fonts, ApiError> {
    state.fonts.clone().ok_or_else(|| {
        ApiError::Internal(format!("证书字体未安装（{}），无法生成 PDF", cme_documents::FONT_PACKAGES.join("、")))
    })
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
pub(super) fn check_printable(actor: &Actor, c: &Certificate) -> Result<(), PrintRefusal> {
    may_print(c.status(), c.seal_id.is_some(), printer(actor))
}

/// What the PDF prints, from the stored snapshot.
pub(super) fn printed(c: &Certificate, public_url: &str) -> cme_documents::Certificate {
    let day = cme_domain::time::date_in_shanghai(c.issued_at);
    cme_documents::Certificate {
        name: c.name.clone(),
        gender: c.gender.clone(),
        id_number: c.id_masked.clone(),
        unit: c.unit_name.clone(),
        department: c.department_name.clone().unwrap_or_default(),
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
        issued_on: cme_domain::time::official_date(day),
        verify_url: verify_url(public_url, &c.qr_token),
        verify_page: verify_page(public_url),
        path_label: c.path.printed_label().map(str::to_owned),
    }
}

pub(super) async fn load_seal(
    state: &AppState,
    id: Option<Uuid>,
    cache: &mut HashMap<Uuid, Seal>,
) -> Result<(), ApiError> {
    if let Some(id) = id
        && !cache.contains_key(&id)
    {
        let stored = certs::seal(&state.db, id).await?;
        let seal = Seal::from_png(stored.png).map_err(ApiError::from)?;
        cache.insert(id, seal);
    }
    Ok(())
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
    let e = audit::AuditEntry::by(actor, AuditAction::CertificatePrint)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Year, b.year)
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
pub(super) async fn print_filter(state: &AppState, actor: &Actor, b: &PrintRequest) -> Result<PrintFilter, ApiError> {
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
