//! Batch prints as background jobs: a hospital's CME office printing 800
//! certificates sees "n of N", may cancel, and downloads the file when it is
//! ready, while the request that asked returns at once (202).
//!
//! The job is a row (`print_jobs`); every instance of the server runs a
//! worker that claims waiting jobs (exactly one claimant wins), renders the
//! PDF page by page into the spool (memory stays flat: each page is written
//! as it is drawn), reports progress and a heartbeat every
//! [`PROGRESS_EVERY`] pages, and finishes the row. A job whose instance died
//! is claimed again by another; a cancelled one stops at its next report.
//! Files are kept a day ([`print_job::KEEP`]), then removed; the row stays.
//!
//! The batch is in the order a hospital files paper: by department, then by
//! name in pinyin order; its cover lists the unit, the department, the year,
//! the count and every chosen person left out, with why.

use std::collections::{HashMap, HashSet};
use std::io::BufWriter;
use std::sync::Arc;

use actix_web::http::header::{self, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use cme_documents::{BatchCover, CertificateBatch, LeftOut, Seal};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Operation};
use cme_domain::certificate::status::PrintRefusal;
use cme_domain::collation::pinyin_key;
use cme_domain::ids::PersonId;
use cme_store::repo::certificate::{self as certs, Certificate, PrintFilter};
use cme_store::repo::person::{self, RosterOf};
use cme_store::repo::print_job::{self, PrintJob};
use cme_store::repo::{account, audit, department, unit};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::print::{PRINT_CAP, PRINT_PAGE, check_printable, fonts, load_seal, print_filter, printed};
use crate::AppState;
use crate::attachment::disposition;
use crate::auth::tokens::{AUD_PRINT_FILE, PRINT_FILE_TTL_SECS};
use crate::auth::{Caller, client_ip};
use crate::dto::certificate::{DownloadAddress, PrintJobDto, PrintRequest, TicketQuery};
use crate::error::{ApiError, ErrorCode, MissingAs, Problem};
use crate::extract::ValidJson;

/// Pages between two progress reports (and cancellation checks). A page
/// renders in about 4 ms (tests/bench/certificates.sh), so a report every
/// 25 pages is ten a second at most: the page's "n of N" moves smoothly and
/// the database barely notices.
const PROGRESS_EVERY: usize = 25;

/// Batch prints one account may have queued or running at once: a second
/// click on 打印全部, or a few departments in a row, but not a flood that
/// would keep every instance's worker busy for the rest of the province.
const ACTIVE_PER_ACCOUNT: u64 = 3;

/// How often an idle worker looks for jobs queued by another instance (its
/// own wake it at once).
const POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// Each instance's worker: who it is (in `claimed_by`) and its wake-up.
#[derive(Debug)]
pub struct PrintWorker {
    instance: String,
    wake: tokio::sync::Notify,
}

impl PrintWorker {
    pub fn new() -> Self {
        PrintWorker {
            instance: format!("{}-{}", std::process::id(), Uuid::new_v4().simple()),
            wake: tokio::sync::Notify::new(),
        }
    }
}

impl Default for PrintWorker {
    fn default() -> Self {
        Self::new()
    }
}

/// The request as kept with the job: the ID number only as its keyed
/// hash, never in clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredRequest {
    year: i32,
    department_id: Option<Uuid>,
    unit_id: Option<Uuid>,
    person_ids: Option<Vec<Uuid>>,
    name: Option<String>,
    id_hmac: Option<Vec<u8>>,
}

/// What a job prints: the certificates in order, and the cover.
struct Plan {
    ids: Vec<Uuid>,
    cover: BatchCover,
    file_name: String,
}

/// Why a chosen person has no page, in words.
fn left_out_reason(year: i32, c: Option<&Certificate>, refusal: Option<PrintRefusal>) -> String {
    match (c, refusal) {
        // Not verified (not compliant, not submitted, or still in review).
        (None, _) => format!("无{year}年度证书"),
        (Some(c), Some(PrintRefusal::NotValid(_))) if c.revoked_at.is_some() => "证书已撤销".to_owned(),
        (Some(c), Some(PrintRefusal::NotValid(_))) if c.held => "证书暂缓（抽验中）".to_owned(),
        // A department may not print an unsealed one (the unit prints it, to be stamped).
        (Some(_), Some(PrintRefusal::Unsealed)) => "未加盖电子印章，由单位打印".to_owned(),
        (Some(_), _) => "证书已换新版本".to_owned(),
    }
}

/// Every chosen person without a page, and why, by department then name:
/// the people chosen, else (not a search by name or ID number) the unit's
/// or the department's people.
async fn left_out(
    state: &AppState,
    actor: &Actor,
    stored: &StoredRequest,
    f: &PrintFilter,
    all: &[Certificate],
    printed: &HashSet<PersonId>,
) -> Result<Vec<LeftOut>, ApiError> {
    let searching = stored.name.as_deref().is_some_and(|n| !n.trim().is_empty()) || stored.id_hmac.is_some();
    let chosen = match (&stored.person_ids, f.unit) {
        (Some(ids), _) => {
            let ids: Vec<PersonId> = ids.iter().map(|p| PersonId(*p)).collect();
            person::roster(&state.db, RosterOf::People(&ids)).await?
        }
        (None, Some(unit)) if !searching => {
            person::roster(&state.db, RosterOf::Place { unit, department: f.department }).await?
        }
        _ => Vec::new(),
    };
    let by_person: HashMap<PersonId, &Certificate> = all.iter().map(|c| (c.person_id, c)).collect();
    let mut left_out: Vec<(Option<String>, LeftOut)> = chosen
        .into_iter()
        .filter(|r| !printed.contains(&r.id))
        .map(|r| {
            let c = by_person.get(&r.id).copied();
            let refusal = c.and_then(|c| check_printable(actor, c).err());
            let entry = LeftOut {
                name: r.name,
                department: r.department.clone().unwrap_or_else(|| "未分科室".to_owned()),
                reason: left_out_reason(stored.year, c, refusal),
            };
            (r.department, entry)
        })
        .collect();
    left_out.sort_by_cached_key(|(d, l)| (d.is_none(), d.as_deref().map(pinyin_key), pinyin_key(&l.name)));
    Ok(left_out.into_iter().map(|(_, l)| l).collect())
}

/// The unit's and the department's names, for the cover and the file name
/// (a batch across units names the first and how many).
async fn batch_names(
    state: &AppState,
    f: &PrintFilter,
    printable: &[&Certificate],
) -> Result<(String, Option<String>), ApiError> {
    let unit_name = match f.unit {
        Some(u) => unit::get(&state.db, u).await?.unit.name,
        None => {
            let mut names: Vec<&str> = printable.iter().map(|c| c.unit_name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            if names.len() == 1 { names[0].to_owned() } else { format!("{} 等 {} 个单位", names[0], names.len()) }
        }
    };
    let department_name = match f.department {
        Some(d) => Some(department::get(&state.db, d).await?.name),
        None => None,
    };
    Ok((unit_name, department_name))
}

/// Reads what the batch holds: every matching current certificate (at most
/// [`PRINT_CAP`] printable), in department then pinyin order, and the cover.
async fn plan(state: &AppState, actor: &Actor, stored: &StoredRequest) -> Result<Plan, ApiError> {
    let request = PrintRequest {
        year: stored.year,
        department_id: stored.department_id,
        unit_id: stored.unit_id,
        person_ids: stored.person_ids.clone(),
        name: stored.name.clone(),
        id_number: None,
    };
    let mut f = print_filter(state, actor, &request).await?;
    f.id_hmac.clone_from(&stored.id_hmac);
    // Read until the end, or until the batch is known to be too large (a
    // province-wide year would otherwise be read whole before refusing it).
    let mut all: Vec<Certificate> = Vec::new();
    let mut after = None;
    let mut may_print = 0usize;
    loop {
        let page = certs::list(&state.db, &f, PRINT_PAGE, after).await?;
        let n = page.len();
        after = page.last().map(|c| (c.name.clone(), c.id));
        may_print += page.iter().filter(|c| check_printable(actor, c).is_ok()).count();
        all.extend(page);
        if (n as u64) < PRINT_PAGE || may_print > PRINT_CAP {
            break;
        }
    }
    let printable: Vec<&Certificate> = all.iter().filter(|c| check_printable(actor, c).is_ok()).collect();
    if printable.is_empty() {
        let why = all.iter().find_map(|c| check_printable(actor, c).err());
        return Err(match why {
            Some(r @ PrintRefusal::Unsealed) => ApiError::Conflict { code: r.into(), detail: r.detail(None) },
            _ => ApiError::NotFound("没有可打印的有效证书".into()),
        });
    }
    if printable.len() > PRINT_CAP {
        return Err(ApiError::field(
            "department_id",
            format!("超过 {PRINT_CAP} 份证书：一次最多打印 {PRINT_CAP} 份，请按单位或科室分批打印"),
        ));
    }
    if let Some(fonts) = &state.fonts {
        for c in &printable {
            fonts.check_text("name", &c.name).map_err(ApiError::from)?;
            fonts.check_text("unit", &c.unit_name).map_err(ApiError::from)?;
        }
    }

    // Department (by its name's pinyin, none last), then name in pinyin order.
    let printed_people: Vec<PersonId> = printable.iter().map(|c| c.person_id).collect();
    let departments: HashMap<PersonId, Option<String>> = person::roster(&state.db, RosterOf::People(&printed_people))
        .await?
        .into_iter()
        .map(|r| (r.id, r.department))
        .collect();
    let mut ordered: Vec<(Option<&str>, &Certificate)> =
        printable.iter().map(|c| (departments.get(&c.person_id).and_then(|d| d.as_deref()), *c)).collect();
    ordered.sort_by_cached_key(|(d, c)| (d.is_none(), d.map(pinyin_key), pinyin_key(&c.name), c.id));

    let printed: HashSet<PersonId> = printed_people.into_iter().collect();
    let left_out = left_out(state, actor, stored, &f, &all, &printed).await?;
    let (unit_name, department_name) = batch_names(state, &f, &printable).await?;
    let file_name = format!(
        "{}-{}-{}年度学分验证合格证书.pdf",
        unit_name,
        department_name.as_deref().unwrap_or("全部科室"),
        stored.year
    );
    let today = crate::clock::today();
    let cover = BatchCover {
        unit: unit_name,
        department: department_name,
        year: stored.year,
        count: ordered.len(),
        printed_on: format!("{}", today.format("%Y年%-m月%-d日")),
        left_out,
    };
    Ok(Plan { ids: ordered.into_iter().map(|(_, c)| c.id).collect(), cover, file_name })
}

/// Queues a batch print: the certificates of a year, then a department or
/// chosen people (or the whole unit), or a name, as `POST
/// /certificates/print` prints them, but in the background (any instance
/// of the server may take it). Checked before it is queued: 404 when none
/// may print, 409 `certificate_unsealed` when a department's are all
/// unsealed, 422 over 5,000. Answers 202 with the job; follow it with `GET
/// /certificates/print-jobs/{id}`.
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    request_body = PrintRequest,
    responses(
        (status = 202, body = PrintJobDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certificates/print-jobs")]
pub async fn queue_print(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<PrintRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    let b = body.0;
    fonts(&state)?;
    if print_job::active_of(&state.db, actor.id).await? >= ACTIVE_PER_ACCOUNT {
        return Err(ApiError::Conflict {
            code: ErrorCode::TooManyPrintJobs,
            detail: format!("已有 {ACTIVE_PER_ACCOUNT} 个打印任务在排队或打印中，请等其完成（或取消）后再打印"),
        });
    }
    let stored = StoredRequest {
        year: b.year,
        department_id: b.department_id,
        unit_id: b.unit_id,
        person_ids: b.person_ids.clone(),
        name: b.name.clone(),
        id_hmac: super::register::id_hmac(&state, b.id_number.as_deref())?,
    };
    // Checked now, so that a batch that cannot print is refused at once.
    let plan = plan(&state, actor, &stored).await?;
    let request = serde_json::to_string(&stored).map_err(|e| ApiError::Internal(e.to_string()))?;
    let total = u32::try_from(plan.ids.len()).unwrap_or(u32::MAX);
    let job = print_job::queue(&state.db, actor.id, b.year, request, plan.file_name, total).await?;
    let e = audit::AuditEntry::by(actor, AuditAction::CertificatePrint)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Year, b.year)
        .detail(json!({
            "job": job.id,
            "department_id": b.department_id,
            "unit_id": b.unit_id,
            "people": b.person_ids.as_ref().map(Vec::len),
            "certificates": total,
            "left_out": plan.cover.left_out.len(),
        }));
    audit::append(&state.db, &e).await?;
    state.print_worker.wake.notify_one();
    Ok(HttpResponse::Accepted().json(PrintJobDto::from(job)))
}

/// A batch print of one's own: where it stands (n of N).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = PrintJobDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certificates/print-jobs/{id}")]
pub async fn get_print_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<PrintJobDto>, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    Ok(web::Json(own_job(&state, actor, id.into_inner()).await?.into()))
}

/// Cancels a batch print of one's own that is not over (the worker stops at
/// its next progress report and removes what it wrote).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = PrintJobDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certificates/print-jobs/{id}/cancel")]
pub async fn cancel_print_job(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<PrintJobDto>, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    let id = id.into_inner();
    let before = own_job(&state, actor, id).await?;
    let job = print_job::cancel(&state.db, actor.id, id).await?;
    if !before.state.is_over() {
        let e = audit::AuditEntry::by(actor, AuditAction::CertificatePrintCancel)
            .ip(Some(&client_ip(&req)))
            .target(AuditTarget::Year, job.year)
            .detail(json!({"job": id, "done": job.done, "total": job.total}));
        audit::append(&state.db, &e).await?;
        state.spool.remove(id).map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    Ok(web::Json(job.into()))
}

/// A download address of a finished batch print of one's own, good for two
/// minutes: the browser's download manager fetches it and streams the file
/// to disk (a phone or an old PC never holds the 800 pages in memory).
#[utoipa::path(
    tag = "certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = DownloadAddress),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certificates/print-jobs/{id}/download")]
pub async fn print_job_download(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<DownloadAddress>, ApiError> {
    let actor = caller.require(Operation::PrintCertificates)?;
    let job = own_job(&state, actor, id.into_inner()).await?;
    ready(&job)?;
    let (ticket, ttl) = state.auth.keys.issue_for(job.id, AUD_PRINT_FILE, Some(actor.id), PRINT_FILE_TTL_SECS)?;
    Ok(web::Json(DownloadAddress {
        url: format!("/api/v1/certificates/print-jobs/{}/file?ticket={ticket}", job.id),
        expires_in: ttl,
    }))
}

/// The caller's job `id` (anyone else's is 404, as if it did not exist).
async fn own_job(state: &AppState, actor: &Actor, id: Uuid) -> Result<PrintJob, ApiError> {
    print_job::get(&state.db, actor.id, id).await.missing_as(|| ApiError::NotFound("没有这个打印任务".into()))
}

/// The file of a finished job, or why there is none (409).
fn ready(job: &PrintJob) -> Result<(), ApiError> {
    use print_job::PrintState;
    let detail = match job.state {
        PrintState::Finished => return Ok(()),
        PrintState::Queued | PrintState::Running => "打印尚未完成",
        PrintState::Failed => "打印失败，没有文件",
        PrintState::Cancelled => "打印已取消，没有文件",
        PrintState::Expired => "文件已超过保留期（1 天）被删除，请重新打印",
    };
    Err(ApiError::Conflict { code: ErrorCode::PrintJobNotReady, detail: detail.into() })
}

/// A finished batch print's PDF, by its download address (the ticket
/// stands for the bearer token; it names the job and the account).
#[utoipa::path(
    tag = "certificate",
    params(("id" = Uuid, Path), TicketQuery),
    responses(
        (status = 200, description = "The PDF", body = inline(crate::dto::FileBytes), content_type = "application/pdf"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/certificates/print-jobs/{id}/file")]
pub async fn print_job_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    q: web::Query<TicketQuery>,
) -> Result<HttpResponse, ApiError> {
    let claims = state.auth.keys.verify(&q.ticket, &[AUD_PRINT_FILE])?;
    let id = id.into_inner();
    let account = claims.sid.ok_or(ApiError::Unauthorized)?;
    if claims.sub != id {
        return Err(ApiError::Unauthorized);
    }
    let job = print_job::get(&state.db, account, id).await.missing_as(|| ApiError::Unauthorized)?;
    ready(&job)?;
    let file = actix_files::NamedFile::open_async(state.spool.path(id)).await.map_err(|_| ApiError::Conflict {
        code: ErrorCode::PrintJobNotReady,
        detail: "文件已被删除，请重新打印".into(),
    })?;
    let ascii = format!("certificates-{}.pdf", job.year);
    let file = file.set_content_type(actix_files::file_extension_to_mime("pdf")).set_content_disposition(disposition(
        DispositionType::Attachment,
        &job.file_name,
        &ascii,
    ));
    let mut res = file.into_response(&req);
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    Ok(res)
}

/// Starts this instance's worker: it wakes when a job is queued here, or
/// every [`POLL`] for jobs queued elsewhere, and prints one job at a time.
/// Hourly it removes files kept past their day.
pub fn start_print_worker(state: web::Data<AppState>) {
    tokio::spawn(async move {
        let worker = state.print_worker.clone();
        let mut last_sweep: Option<std::time::Instant> = None;
        loop {
            tokio::select! {
                () = worker.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
            if last_sweep.is_none_or(|t| t.elapsed() > std::time::Duration::from_secs(3600)) {
                last_sweep = Some(std::time::Instant::now());
                sweep(&state).await;
            }
            loop {
                match print_job::claim(&state.db, &worker.instance).await {
                    Ok(Some(job)) => run(&state, &worker, job).await,
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "print worker: cannot claim a job");
                        break;
                    }
                }
            }
        }
    });
}

/// Removes the files of jobs past their day.
async fn sweep(state: &AppState) {
    match print_job::expire(&state.db).await {
        Ok(ids) => {
            for id in ids {
                if let Err(e) = state.spool.remove(id) {
                    tracing::warn!(%id, error = %e, "print worker: cannot remove an expired file");
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "print worker: cannot expire old jobs"),
    }
}

/// Prints one claimed job and records how it ended.
///
/// A worker removes only what it wrote itself (its unfinished file), except
/// after it recorded the job failed: then the job is over for everyone and
/// any of its files may go. Another instance may have taken the job over
/// after a stall (no heartbeat for [`print_job::STALE`]), and the job's
/// files are then that instance's.
async fn run(state: &web::Data<AppState>, worker: &Arc<PrintWorker>, job: PrintJob) {
    let id = job.id;
    match print(state, worker, &job).await {
        // Finished and recorded, or stopped (cancelled, taken over) with its
        // own unfinished file removed.
        Ok(_) => {}
        Err(why) => {
            tracing::error!(%id, error = %why, "print job failed");
            let message = "打印出错而停止，请稍后重新打印；如仍失败，请联系技术支持";
            match print_job::finish(&state.db, id, &worker.instance, Err(message)).await {
                Ok(true) => {
                    if let Err(e) = state.spool.remove(id) {
                        tracing::warn!(%id, error = %e, "print job: cannot remove its files");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::error!(%id, error = %e, "print job: cannot record its failure"),
            }
        }
    }
}

/// Makes the complete `tmp` the file of `job` and records the job finished,
/// as one step for every other instance: the heartbeat's update, which
/// matches only while `instance` holds the job, locks its row (a write
/// transaction on SQLite) until the end is recorded, so no instance can
/// claim the job between the file moving into place and the row saying
/// finished. False (and `tmp` removed) when the job was cancelled or taken
/// over meanwhile: the job's file, if any, is then not this worker's.
pub(crate) async fn keep_if_held(
    db: &sea_orm::DatabaseConnection,
    spool: &crate::storage::Spool,
    job: Uuid,
    instance: &str,
    done: u32,
    file: std::fs::File,
    tmp: &std::path::Path,
) -> Result<bool, String> {
    use sea_orm::TransactionTrait as _;
    // Synced before the row is locked: a big batch's sync takes a while,
    // and on SQLite the transaction holds every writer.
    if let Err(e) = file.sync_all() {
        drop(file);
        let _ = std::fs::remove_file(tmp);
        return Err(e.to_string());
    }
    let txn = db.begin().await.map_err(|e| e.to_string())?;
    let held = print_job::progress(&txn, job, instance, done).await.map_err(|e| e.to_string())?;
    if !held {
        drop(file);
        let _ = std::fs::remove_file(tmp);
        txn.rollback().await.map_err(|e| e.to_string())?;
        return Ok(false);
    }
    let bytes = match spool.keep(job, file, tmp) {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = std::fs::remove_file(tmp);
            return Err(e.to_string());
        }
    };
    // Held under the row's lock, so the end is recorded (a failure here
    // leaves the job running: its heartbeat goes stale and another
    // instance prints it again over this file).
    print_job::finish(&txn, job, instance, Ok(bytes)).await.map_err(|e| e.to_string())?;
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(true)
}

/// Renders the job's batch into the spool and records it finished (true);
/// false when it stopped because it was cancelled or another instance took
/// it. Its own unfinished file never outlives it.
async fn print(state: &AppState, worker: &PrintWorker, job: &PrintJob) -> Result<bool, String> {
    let stored: StoredRequest = serde_json::from_str(&job.request).map_err(|e| e.to_string())?;
    // As the account may act now (a disabled account prints nothing).
    let acct = account::get(&state.db, job.account_id).await.map_err(|e| e.to_string())?;
    if acct.disabled {
        return Err("the account was disabled".into());
    }
    let actor = crate::auth::at_unit_level(state, acct.actor()).await.map_err(|e| e.to_string())?;
    if !actor.may(Operation::PrintCertificates) {
        return Err("the account may no longer print".into());
    }
    let plan = plan(state, &actor, &stored).await.map_err(|e| e.to_string())?;
    // What an instance that died printing this job left behind (SIGKILL
    // mid-batch: tests/faults/kill_print.py): the job is this worker's now,
    // and no finished file exists for a job that could be claimed.
    state.spool.remove(job.id).map_err(|e| e.to_string())?;
    let (file, tmp) = state.spool.create(job.id).map_err(|e| e.to_string())?;
    let result = render(state, worker, job, &actor, plan, file, &tmp).await;
    if !matches!(result, Ok(true)) {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// [`print`]'s pages, into `file` (which is `tmp`).
async fn render(
    state: &AppState,
    worker: &PrintWorker,
    job: &PrintJob,
    actor: &Actor,
    plan: Plan,
    file: std::fs::File,
    tmp: &std::path::Path,
) -> Result<bool, String> {
    let fonts = fonts(state).map_err(|e| e.to_string())?;
    let mut batch =
        CertificateBatch::new(&fonts, BufWriter::with_capacity(256 * 1024, file)).map_err(|e| e.to_string())?;
    let mut seals: HashMap<Uuid, Seal> = HashMap::new();
    let cover = plan.cover;
    let result = web::block(move || batch.cover(&cover).map(|()| batch)).await.map_err(|e| e.to_string())?;
    batch = result.map_err(|e| e.to_string())?;
    let mut done = 0usize;
    for chunk in plan.ids.chunks(PROGRESS_EVERY) {
        let found = certs::by_ids(&state.db, chunk).await.map_err(|e| e.to_string())?;
        let mut docs = Vec::with_capacity(found.len());
        for c in found.iter().filter(|c| check_printable(actor, c).is_ok()) {
            load_seal(state, c.seal_id, &mut seals).await.map_err(|e| e.to_string())?;
            docs.push((printed(c, &state.public_url), c.seal_id));
        }
        let n = docs.len();
        let (b, s) = web::block(move || {
            for (doc, seal) in &docs {
                batch.push(doc, seal.and_then(|s| seals.get(&s)))?;
            }
            Ok::<_, cme_documents::DocumentError>((batch, seals))
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        (batch, seals) = (b, s);
        done += n;
        let go_on = print_job::progress(&state.db, job.id, &worker.instance, u32::try_from(done).unwrap_or(u32::MAX))
            .await
            .map_err(|e| e.to_string())?;
        if !go_on {
            return Ok(false);
        }
    }
    let writer = web::block(move || batch.finish()).await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    let file = writer.into_inner().map_err(|e| e.to_string())?;
    let done = u32::try_from(done).unwrap_or(u32::MAX);
    keep_if_held(&state.db, &state.spool, job.id, &worker.instance, done, file, tmp).await
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use cme_domain::auth::{Role, Scope};
    use cme_store::entity::print_jobs as jobs;
    use cme_store::repo::print_job::PrintState;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

    use super::*;
    use crate::storage::Spool;

    fn written(spool: &Spool, job: Uuid, text: &[u8]) -> (std::fs::File, std::path::PathBuf) {
        let (mut file, tmp) = spool.create(job).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(text).unwrap_or_else(|e| panic!("{e}"));
        (file, tmp)
    }

    // An instance that stalled after its last page (its heartbeat older than
    // STALE) while another took the job over: its file must neither land
    // nor remove the new holder's, and only the holder's end is recorded.
    cme_store::both_backends!(
        a_worker_that_lost_its_job_keeps_nothing_and_leaves_the_new_holders_file,
        |db| async move {
            let root = std::env::temp_dir().join(format!("cme-spool-race-{}", Uuid::new_v4().simple()));
            let spool = Spool::new(root.clone());
            let owner = account::insert(
                &db,
                &account::NewAccount {
                    username: "printer".into(),
                    role: Role::ProvinceWestern,
                    scope: Scope::Province,
                    display_name: "科教处".into(),
                    password_hash: None,
                    must_change_password: false,
                    created_by: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            let job = print_job::queue(&db, owner.id, 2025, "{}".into(), "x.pdf".into(), 2)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            print_job::claim(&db, "a").await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("a claims"));
            let (a_file, a_tmp) = written(&spool, job.id, b"%PDF a");
            // a stalls; b takes the job over and starts its own file.
            let stale = chrono::Utc::now() - print_job::STALE - chrono::Duration::seconds(5);
            jobs::Entity::update_many()
                .col_expr(jobs::Column::HeartbeatAt, Expr::value(Some(stale)))
                .filter(jobs::Column::Id.eq(job.id))
                .exec(&db)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            print_job::claim(&db, "b")
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("b takes over"));
            let (b_file, b_tmp) = written(&spool, job.id, b"%PDF b, complete");
            // a comes back with its finished file: refused, its own file gone, b's untouched.
            assert!(!keep_if_held(&db, &spool, job.id, "a", 2, a_file, &a_tmp).await.unwrap_or_else(|e| panic!("{e}")));
            assert!(!a_tmp.exists(), "the loser's file is removed");
            assert!(!spool.path(job.id).exists(), "nothing lands for the loser");
            assert!(b_tmp.exists(), "the holder's unfinished file stays");
            assert_eq!(
                print_job::get(&db, owner.id, job.id).await.unwrap_or_else(|e| panic!("{e}")).state,
                PrintState::Running
            );
            // b keeps its file and the job is finished with it.
            assert!(keep_if_held(&db, &spool, job.id, "b", 2, b_file, &b_tmp).await.unwrap_or_else(|e| panic!("{e}")));
            let done = print_job::get(&db, owner.id, job.id).await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((done.state, done.done), (PrintState::Finished, 2));
            assert_eq!(std::fs::read(spool.path(job.id)).unwrap_or_default(), b"%PDF b, complete");
            // Once finished, the job cannot be claimed again (its file is final).
            assert!(print_job::claim(&db, "a").await.unwrap_or_else(|e| panic!("{e}")).is_none());
            let _ = std::fs::remove_dir_all(root);
        }
    );
}
