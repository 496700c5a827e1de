//! "Approve all that match" over more records than one request approves
//! (`Settings::approve_in_request`): the records, counted and checked by
//! `reviews::approve_matching`, are kept with the job (`review_job::Work`)
//! and approved in the background in chunks, each chunk in its own
//! transaction with its audit entry and the job's progress; the reviewer
//! follows `GET /reviews/jobs/{id}`. A record someone else decided
//! meanwhile is skipped and counted, never approved over them. The job is
//! held by the instance that started it while it beats; when that instance
//! dies, any instance's worker ([`start_worker`]) claims it and goes on from
//! the first record not yet decided.

use actix_web::{get, web};
use cme_domain::audit::AuditAction;
use cme_domain::auth::{Actor, Operation};
use cme_domain::ids::VerificationId;
use cme_domain::review::{Event, Tier};
use cme_store::StoreError;
use cme_store::repo::verification::{self as verifications, Acting, VerificationRecord};
use cme_store::repo::{audit, review_job};
use sea_orm::TransactionTrait as _;
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Caller;
use crate::dto::verification::ReviewJobDto;
use crate::error::{ApiError, MissingAs, Problem};

/// Records approved per transaction. Measured in the e2e run: 2,773
/// records approve in 0.4-0.8 s in one transaction, so a chunk of 250 holds
/// its locks for well under 100 ms.
const CHUNK: usize = 250;

/// How often each instance looks for jobs whose instance stopped beating.
const POLL: std::time::Duration = std::time::Duration::from_secs(10);

/// What a job needs of the request that started it.
pub struct Started {
    pub actor: Actor,
    pub tier: Tier,
    pub ip: String,
    /// The filters, for the audit entries.
    pub matching: serde_json::Value,
}

/// A job being run here: who approves, and the work.
struct Running {
    id: Uuid,
    actor: Actor,
    tier: Tier,
    work: review_job::Work,
}

/// Records the job with its work and starts it here in the background;
/// answers its first state.
pub async fn start(
    state: &web::Data<AppState>,
    started: Started,
    cycle_year: i32,
    records: Vec<VerificationRecord>,
) -> Result<ReviewJobDto, ApiError> {
    let work = review_job::Work {
        account_id: started.actor.id,
        tier: started.tier.as_str().to_owned(),
        ip: started.ip,
        matching: started.matching,
        records: records.iter().map(|r| (r.id.0, r.row_version)).collect(),
    };
    let id = review_job::start(&state.db, &work, cycle_year, &state.instance).await?;
    let job = review_job::get(&state.db, started.actor.id, id).await?;
    let running = Running { id, actor: started.actor, tier: started.tier, work };
    actix_web::rt::spawn(run(state.clone(), running, 0));
    Ok(job.into())
}

/// Starts this instance's worker: every [`POLL`] it claims a job whose
/// instance stopped beating and runs it from where it stopped.
pub fn start_worker(state: web::Data<AppState>) {
    // Started outside actix's workers (no LocalSet): a Send task of tokio's.
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(POLL).await;
            loop {
                match review_job::claim(&state.db, &state.instance).await {
                    Ok(Some(claimed)) => resume(&state, claimed).await,
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "approve-all worker: cannot claim a job");
                        break;
                    }
                }
            }
        }
    });
}

/// Goes on with a job another instance started: the approver as they are
/// now (a disabled account's job fails), then the rest of the work.
async fn resume(state: &web::Data<AppState>, claimed: review_job::Claimed) {
    let id = claimed.id;
    tracing::info!(%id, position = claimed.position, "approve-all job resumed here");
    let actor = match cme_store::repo::account::get(&state.db, claimed.work.account_id).await {
        Ok(account) if !account.disabled => crate::auth::at_unit_level(state, account.actor()).await.ok(),
        _ => None,
    };
    let (Some(actor), Some(tier)) = (actor, Tier::parse(&claimed.work.tier)) else {
        let why = "发起人的账户已停用，余下的记录未处理；已通过的记录保持通过";
        if let Err(e) = review_job::finish(&state.db, id, &state.instance, Some(why)).await {
            tracing::error!(%id, error = %e, "approve-all job: cannot record the failure");
        }
        return;
    };
    let running = Running { id, actor, tier, work: claimed.work };
    run(state.clone(), running, claimed.position).await;
}

/// Approves the work from `position` on, chunk by chunk, and records the end.
async fn run(state: web::Data<AppState>, job: Running, position: usize) {
    let id = job.id;
    let rest = job.work.records.get(position..).unwrap_or_default();
    for chunk in rest.chunks(CHUNK) {
        match approve_chunk(&state, &job, chunk).await {
            Ok(()) => {}
            Err(Stop::TakenOver) => {
                tracing::warn!(%id, "approve-all job taken over by another instance");
                return;
            }
            Err(Stop::Failed(e)) => {
                tracing::error!(%id, error = ?e, "approve-all job stopped");
                let why = "处理出错而停止，已通过的记录保持通过；请刷新后对余下的记录重新“全部通过”";
                if let Err(e) = review_job::finish(&state.db, id, &state.instance, Some(why)).await {
                    tracing::error!(%id, error = %e, "approve-all job: cannot record the failure");
                }
                return;
            }
        }
    }
    if let Err(e) = review_job::finish(&state.db, id, &state.instance, None).await {
        tracing::error!(%id, error = %e, "approve-all job: cannot record the end");
    }
}

/// Why a job stops before its end.
enum Stop {
    /// Another instance holds it now (this one stopped beating for a while).
    TakenOver,
    Failed(ApiError),
}

impl<E: Into<ApiError>> From<E> for Stop {
    fn from(e: E) -> Self {
        Stop::Failed(e.into())
    }
}

/// The records of a chunk still as they were counted, and how many of them
/// changed since (someone else decided them): those are skipped. A record
/// changed between this read and the update fails the update's version
/// check and is skipped too.
async fn as_counted(state: &AppState, chunk: &[(Uuid, i32)]) -> Result<(Vec<VerificationRecord>, u32), ApiError> {
    let ids: Vec<VerificationId> = chunk.iter().map(|(id, _)| VerificationId(*id)).collect();
    let mut found: std::collections::HashMap<Uuid, VerificationRecord> =
        verifications::get_many(&state.db, &ids).await?.into_iter().map(|r| (r.id.0, r)).collect();
    let records: Vec<VerificationRecord> =
        chunk.iter().filter_map(|(id, version)| found.remove(id).filter(|r| r.row_version == *version)).collect();
    let changed = u32::try_from(chunk.len() - records.len()).unwrap_or(u32::MAX);
    Ok((records, changed))
}

/// Approves one chunk in one transaction; when someone decided one of its
/// records meanwhile, approves the chunk record by record and skips those.
async fn approve_chunk(state: &AppState, job: &Running, chunk: &[(Uuid, i32)]) -> Result<(), Stop> {
    let (records, gone) = as_counted(state, chunk).await?;
    match approve(state, job, &records, gone).await {
        Err(Stop::Failed(ApiError::Conflict { .. })) => {
            if gone > 0 {
                let txn = state.db.begin().await?;
                if !review_job::advance(&txn, job.id, &state.instance, 0, gone).await? {
                    return Err(Stop::TakenOver);
                }
                txn.commit().await?;
            }
            for record in &records {
                match approve(state, job, std::slice::from_ref(record), 0).await {
                    Ok(()) => {}
                    Err(Stop::Failed(ApiError::Conflict { .. })) => {
                        let txn = state.db.begin().await?;
                        if !review_job::advance(&txn, job.id, &state.instance, 0, 1).await? {
                            return Err(Stop::TakenOver);
                        }
                        txn.commit().await?;
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }
        other => other,
    }
}

/// Approves `records` with their audit entry and the job's progress, all or
/// nothing (a `Conflict` when one of them is no longer as counted); `gone`
/// records of the chunk are counted as skipped with them.
async fn approve(state: &AppState, job: &Running, records: &[VerificationRecord], gone: u32) -> Result<(), Stop> {
    let txn = state.db.begin().await?;
    if records.is_empty() {
        if !review_job::advance(&txn, job.id, &state.instance, 0, gone).await? {
            return Err(Stop::TakenOver);
        }
        txn.commit().await?;
        return Ok(());
    }
    let by = Acting { tier: job.tier, id: Some(job.actor.id), name: &job.actor.name };
    let applied = verifications::apply_many(&txn, records, Event::Approve, &by, None).await.map_err(|e| match e {
        StoreError::StaleVersion => ApiError::Conflict {
            code: crate::error::ErrorCode::StaleVersion,
            detail: "记录已被他人处理".to_owned(),
        },
        other => other.into(),
    })?;
    let e = audit::AuditEntry::by(&job.actor, AuditAction::VerificationApprove).ip(Some(&job.work.ip)).detail(json!({
        "matching": job.work.matching,
        "job": job.id,
        "ids": records.iter().map(|r| r.id.0).collect::<Vec<_>>(),
    }));
    audit::append(&txn, &e).await?;
    let done = u32::try_from(applied.count).unwrap_or(u32::MAX);
    if !review_job::advance(&txn, job.id, &state.instance, done, gone).await? {
        // Dropping the transaction rolls the chunk back: the new holder does it.
        return Err(Stop::TakenOver);
    }
    txn.commit().await?;
    Ok(())
}

/// How far a background "approve all" is: approved and skipped of the
/// total, and whether it still runs. Only the account that started it reads
/// it (404 for anyone else).
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ReviewJobDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reviews/jobs/{id}")]
pub async fn get_review_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<ReviewJobDto>, ApiError> {
    let actor = caller.require(Operation::ReviewVerifications)?;
    let job = review_job::get(&state.db, actor.id, id.into_inner())
        .await
        .missing_as(|| ApiError::NotFound("没有这项批量审核".to_owned()))?;
    Ok(web::Json(job.into()))
}
