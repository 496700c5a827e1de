//! "Approve all that match" over more records than one request approves
//! (`Settings::approve_in_request`): the records, counted and checked by
//! `reviews::approve_matching`, are approved in the background in chunks,
//! each chunk in its own transaction with its audit entry and the job's
//! progress; the reviewer follows `GET /reviews/jobs/{id}`. A record someone
//! else decided meanwhile is skipped and counted, never approved over them.

use actix_web::{get, web};
use cme_domain::audit::AuditAction;
use cme_domain::auth::{Actor, Operation};
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

/// What a job needs of the request that started it.
pub struct Started {
    pub actor: Actor,
    pub tier: Tier,
    pub ip: String,
    /// The filters, for the audit entries.
    pub matching: serde_json::Value,
}

/// Records the job and starts it in the background; answers its first state.
pub async fn start(
    state: &web::Data<AppState>,
    started: Started,
    cycle_year: i32,
    records: Vec<VerificationRecord>,
) -> Result<ReviewJobDto, ApiError> {
    let total = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let id = review_job::start(&state.db, started.actor.id, cycle_year, total).await?;
    let job = review_job::get(&state.db, started.actor.id, id).await?;
    actix_web::rt::spawn(run(state.clone(), started, records, id));
    Ok(job.into())
}

async fn run(state: web::Data<AppState>, started: Started, records: Vec<VerificationRecord>, job: Uuid) {
    for chunk in records.chunks(CHUNK) {
        if let Err(e) = approve_chunk(&state, &started, chunk, job).await {
            tracing::error!(%job, error = ?e, "approve-all job stopped");
            let why = "处理出错而停止，已通过的记录保持通过；请刷新后对余下的记录重新“全部通过”";
            if let Err(e) = review_job::finish(&state.db, job, Some(why)).await {
                tracing::error!(%job, error = %e, "approve-all job: cannot record the failure");
            }
            return;
        }
    }
    if let Err(e) = review_job::finish(&state.db, job, None).await {
        tracing::error!(%job, error = %e, "approve-all job: cannot record the end");
    }
}

/// Approves one chunk in one transaction; when someone decided one of its
/// records meanwhile, approves the chunk record by record and skips those.
async fn approve_chunk(
    state: &AppState,
    started: &Started,
    chunk: &[VerificationRecord],
    job: Uuid,
) -> Result<(), ApiError> {
    match approve(state, started, chunk, job).await {
        Err(ApiError::Conflict { .. }) => {
            for record in chunk {
                match approve(state, started, std::slice::from_ref(record), job).await {
                    Ok(()) => {}
                    Err(ApiError::Conflict { .. }) => {
                        let txn = state.db.begin().await?;
                        review_job::advance(&txn, job, 0, 1).await?;
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
/// nothing (a `Conflict` when one of them is no longer as read).
async fn approve(
    state: &AppState,
    started: &Started,
    records: &[VerificationRecord],
    job: Uuid,
) -> Result<(), ApiError> {
    let by = Acting { tier: started.tier, id: Some(started.actor.id), name: &started.actor.name };
    let txn = state.db.begin().await?;
    let applied = verifications::apply_many(&txn, records, Event::Approve, &by, None).await.map_err(|e| match e {
        StoreError::StaleVersion => ApiError::Conflict {
            code: crate::error::ErrorCode::StaleVersion,
            detail: "记录已被他人处理".to_owned(),
        },
        other => other.into(),
    })?;
    let e =
        audit::AuditEntry::by(&started.actor, AuditAction::VerificationApprove).ip(Some(&started.ip)).detail(json!({
            "matching": started.matching,
            "job": job,
            "ids": records.iter().map(|r| r.id.0).collect::<Vec<_>>(),
        }));
    audit::append(&txn, &e).await?;
    review_job::advance(&txn, job, u32::try_from(applied.count).unwrap_or(u32::MAX), 0).await?;
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
