//! Each office's review queue, its summary and its decisions (one record or
//! a batch, all or nothing), a record's timeline, and certificate numbers
//! (生成证书编号) for approved records.

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::{BTreeSet, HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use cme_domain::auth::Operation;
use cme_domain::cycle::list::ListKind as DomainList;
use cme_domain::id_card::IdCardNumber;
use cme_domain::ids::{PersonId, RegionId, VerificationId};
use cme_domain::review::{Event, State, StateKind, Tier};
use cme_domain::standard::Profile;
use cme_store::StoreError;
use cme_store::repo::compliance as stored;
use cme_store::repo::verification::{
    self as verifications, Acting, Grouping, OfficeScope, QueueFilter, QueueRow, VerificationRecord,
};
use cme_store::repo::{audit, evidence, person, standard, unit};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _, TransactionTrait as _};
use serde_json::json;
use uuid::Uuid;

use super::jobs;
use super::submissions::verification_state_label;
use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::dto::verification::{
    ChainStepDto, ChangedRecord, CycleYearQuery, DecisionItem, DecisionRequest, DecisionResult, EvidenceDto, ListKind,
    MatchingApproval, MatchingApprovalResult, NumbersRequest, NumbersResult, QueueLookup, QueueSummaryRow,
    RecordVerdictDto, TimelineEntry, VerificationDetail, VerificationDto, VerificationPage, VerificationQuery,
};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::ValidJson;
use crate::figures::unit_names;
use crate::office::{in_scope, office_region, office_scope, opened_cycle, tier_of};
use crate::paging::Paging;

/// The verification records of a cycle in the caller's jurisdiction (a
/// unit's own, an office's region's), filtered, by keyset pages.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(VerificationQuery),
    responses(
        (status = 200, body = VerificationPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/verifications")]
pub async fn list_verifications(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<VerificationQuery>,
    paging: Paging,
) -> Result<web::Json<VerificationPage>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let scope = office_scope(&state, actor).await?;
    let Paging { after, limit } = paging;
    Ok(web::Json(page_with_verdicts(&state, scope, &QueueFilter::from(&*query), after, limit).await?))
}

/// An office's review queue (审核): the records of its region waiting on
/// its review (`state=in_review`, the default) or, as a chain's final
/// office, approved and waiting for a certificate number (`state=approved`);
/// by unit, list and year.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(VerificationQuery),
    responses(
        (status = 200, body = VerificationPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reviews/queue")]
pub async fn review_queue(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<VerificationQuery>,
    paging: Paging,
) -> Result<web::Json<VerificationPage>, ApiError> {
    let actor = caller.require(Operation::ReviewVerifications)?;
    let tier = tier_of(actor)?;
    let scope = office_scope(&state, actor).await?;
    let Paging { after, limit } = paging;
    let mut filter = QueueFilter::from(&*query);
    filter.waiting_on = Some(tier);
    if filter.state.is_none() {
        filter.state = Some(StateKind::InReview);
    }
    Ok(web::Json(page_with_verdicts(&state, scope, &filter, after, limit).await?))
}

/// One person's records in the caller's queue, found by ID number (sent in
/// the body: it never reaches a URL or an access log). An unknown number,
/// or a person outside the jurisdiction, is an empty page alike.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    request_body = QueueLookup,
    responses(
        (status = 200, body = VerificationPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reviews/queue/lookup")]
pub async fn lookup_in_queue(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidJson<QueueLookup>,
) -> Result<web::Json<VerificationPage>, ApiError> {
    let actor = caller.require(Operation::ReviewVerifications)?;
    let tier = tier_of(actor)?;
    let scope = office_scope(&state, actor).await?;
    let b = body.0;
    let number = IdCardNumber::parse(b.id_number.trim(), crate::clock::today())
        .map_err(|_| ApiError::field("id_number", "身份证号格式不正确（18 位，末位可为 X）"))?;
    let found = person::find_many_by_id_number(&state.db, &state.pii, &[&number]).await?;
    let filter = QueueFilter {
        cycle_year: b.cycle_year,
        waiting_on: Some(tier),
        state: Some(b.state.map_or(StateKind::InReview, Into::into)),
        people: Some(found.values().map(|r| r.person.id).collect()),
        ..QueueFilter::default()
    };
    Ok(web::Json(page_with_verdicts(&state, scope, &filter, None, 200).await?))
}

/// A page of records with each person-year's stored verdict beside it (the
/// title on 31 December, credits against the standard, shortfalls) and, on
/// the first page, how many match in all.
async fn page_with_verdicts(
    state: &AppState,
    scope: OfficeScope,
    filter: &QueueFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<VerificationPage, ApiError> {
    // Taken before counting: a record changed after it is reported by "approve all".
    let counted_at = chrono::Utc::now();
    let total = match after {
        None => Some(verifications::count(&state.db, scope, filter).await?),
        Some(_) => None,
    };
    let p = verifications::queue(&state.db, scope, filter, after, limit).await?;
    let pairs: Vec<(PersonId, i32)> = p.items.iter().map(|r| (r.record.person_id, r.record.year)).collect();
    let verdicts = stored::record_verdicts(&state.db, &pairs).await?;
    let mut standards = HashMap::new();
    for year in pairs.iter().map(|(_, y)| *y).collect::<BTreeSet<_>>() {
        standards.insert(year, standard::get_published(&state.db, year).await?);
    }
    let items = p
        .items
        .iter()
        .map(|row| {
            let r = &row.record;
            let mut dto = VerificationDto::from(row);
            dto.verdict = verdicts.get(&(r.person_id, r.year)).map(|v| {
                let std = standards.get(&r.year).and_then(Option::as_ref);
                let profile = Profile {
                    unit_level: r.unit_level,
                    title_level: v.title.as_ref().map(|t| t.level),
                    discipline: v.discipline,
                };
                let required = std.and_then(|s| s.requirement(profile).ok()).map(|row| &row.requirement);
                let course = std.and_then(|s| s.mandatory_course.as_ref()).map(|c| c.name.as_str());
                RecordVerdictDto::new(v, required, course)
            });
            dto
        })
        .collect();
    Ok(VerificationPage {
        items,
        next_cursor: p.next.map(|n| n.to_string()),
        total,
        counted_at: total.map(|_| counted_at),
    })
}

/// What waits on the caller's office, per unit and list: to review, and
/// (final office) to number.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(CycleYearQuery),
    responses(
        (status = 200, body = [QueueSummaryRow]),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reviews/summary")]
pub async fn review_summary(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CycleYearQuery>,
) -> Result<web::Json<Vec<QueueSummaryRow>>, ApiError> {
    let actor = caller.require(Operation::ReviewVerifications)?;
    let tier = tier_of(actor)?;
    let scope = office_scope(&state, actor).await?;
    // Only what waits on this office: one range of the queue index.
    let counts = verifications::counts_by(&state.db, scope, query.cycle_year, Grouping::Unit, Some(tier), None).await?;
    let mut rows: HashMap<(Uuid, DomainList), (u64, u64)> = HashMap::new();
    for c in counts.into_iter().filter(|c| c.current_tier == Some(tier)) {
        let Some(unit_id) = c.key else { continue };
        let e = rows.entry((unit_id, c.list_kind)).or_default();
        match c.state {
            StateKind::InReview => e.0 += c.count,
            StateKind::Approved => e.1 += c.count,
            _ => {}
        }
    }
    let names = unit_names(&state, rows.keys().map(|(u, _)| *u).collect()).await?;
    let mut out: Vec<QueueSummaryRow> = rows
        .into_iter()
        .map(|((unit_id, list), (in_review, awaiting_number))| QueueSummaryRow {
            unit_id,
            unit_name: names.get(&unit_id).cloned().unwrap_or_default(),
            list: ListKind::from(list),
            in_review,
            awaiting_number,
        })
        .collect();
    out.sort_by(|a, b| a.unit_name.cmp(&b.unit_name).then(a.unit_id.cmp(&b.unit_id)));
    Ok(web::Json(out))
}

/// Approve (通过: on to the next office, or approved at the final one) or
/// return (退回: back to the unit, with a reason) one record or a batch, as
/// the reviewer saw them (`row_version`). All or nothing: a record not
/// waiting on the caller's office, or changed meanwhile (another reviewer
/// acted first), refuses the whole batch with 409 and nothing changes.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = DecisionResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reviews/decisions")]
pub async fn decide(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<DecisionRequest>,
) -> Result<web::Json<DecisionResult>, ApiError> {
    let started = std::time::Instant::now();
    let actor = caller.require(Operation::ReviewVerifications)?;
    let tier = tier_of(actor)?;
    let scope = office_scope(&state, actor).await?;
    let b = body.0;
    let (event, reason) = decision_of(&b)?;
    let ids: Vec<VerificationId> = b.items.iter().map(|i| VerificationId(i.id)).collect();
    let found = verifications::get_many(&state.db, &ids).await?;
    let by_id: HashMap<Uuid, VerificationRecord> = found.into_iter().map(|r| (r.id.0, r)).collect();
    let records = waiting_records(&b.items, &by_id, scope, tier)?;
    check_not_closed(&state, &records).await?;
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    // The units are told who returned their records, in words.
    let office = match event {
        Event::Return if tier != Tier::ProvinceWestern && tier != Tier::ProvinceTcm => {
            office_region(&state, actor).await?.map(|r| format!("{}继教委办公室", r.name))
        }
        _ => None,
    }
    .unwrap_or_else(|| tier.label().to_owned());
    let txn = state.db.begin().await?;
    let applied = verifications::apply_many(&txn, &records, event, &by, reason).await.map_err(|e| match e {
        StoreError::StaleVersion => ApiError::Conflict {
            code: ErrorCode::StaleVersion,
            detail: "记录已被他人处理，本批未作任何更改，请刷新后重试".to_owned(),
        },
        other => other.into(),
    })?;
    let e = audit::AuditEntry::by(
        actor,
        if event == Event::Approve { AuditAction::VerificationApprove } else { AuditAction::VerificationReturn },
    )
    .ip(Some(&client_ip(&req)))
    .detail(json!({"ids": b.items.iter().map(|i| i.id).collect::<Vec<_>>(), "reason": reason}));
    audit::append(&txn, &e).await?;
    if event == Event::Return {
        let units = records.iter().map(|r| r.unit_id.0);
        crate::notify::records_returned(&txn, &state.delivery, &office, units, reason, Uuid::now_v7()).await?;
    }
    txn.commit().await?;
    Ok(web::Json(DecisionResult {
        decided: u64::try_from(applied.count).unwrap_or(u64::MAX),
        decision: b.decision,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
}

/// 全部通过: approve every record waiting on the caller's office that
/// matches the filters, after the reviewer confirmed their count (`expected`,
/// counted at `counted_at`: the queue page's `total` and `counted_at`).
/// Records changed since they were counted (edited, resubmitted, newly
/// submitted) are not approved but listed; records counted that no longer
/// wait (decided by someone else) are counted as `gone`. Up to 1,000 (the
/// server's `approve_in_request`) are approved in one transaction, all or
/// nothing (409 when one is decided meanwhile): 200. More are approved in the
/// background in chunks (202 with `job`; follow `GET /reviews/jobs/{id}`):
/// a record decided by someone else meanwhile is skipped and counted there.
/// At most 50,000 at once.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    request_body = MatchingApproval,
    responses(
        (status = 200, body = MatchingApprovalResult),
        (status = 202, description = "Started in the background", body = MatchingApprovalResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reviews/decisions/matching")]
pub async fn approve_matching(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<MatchingApproval>,
) -> Result<HttpResponse, ApiError> {
    /// The most records one approval takes.
    const CAP: u64 = 50_000;
    let started = std::time::Instant::now();
    let actor = caller.require(Operation::ReviewVerifications)?;
    let tier = tier_of(actor)?;
    let scope = office_scope(&state, actor).await?;
    let b = body.0;
    let filter = QueueFilter {
        cycle_year: b.cycle_year,
        waiting_on: Some(tier),
        state: Some(StateKind::InReview),
        list_kind: b.list.map(Into::into),
        path: b.path.map(Into::into),
        unit_id: b.unit_id.map(cme_domain::ids::UnitId),
        year: b.year,
        name_contains: b.name.clone(),
        people: None,
    };
    let found = verifications::matching(&state.db, scope, &filter, CAP).await?;
    if found.len() as u64 > CAP {
        return Err(ApiError::field("expected", "符合条件的记录超过 50000 条，请按单位或名单缩小范围后再全部通过"));
    }
    let (changed, records): (Vec<VerificationRecord>, Vec<VerificationRecord>) =
        found.into_iter().partition(|r| r.updated_at > b.counted_at);
    check_not_closed(&state, &records).await?;
    let matching = json!({"cycle_year": b.cycle_year, "list": b.list, "path": b.path, "unit_id": b.unit_id, "year": b.year, "name": b.name});
    let found_count = (records.len() + changed.len()) as u64;
    if records.len() > state.approve_in_request {
        let started_job = jobs::Started { actor: actor.clone(), tier, ip: client_ip(&req), matching };
        let job = jobs::start(&state, started_job, b.cycle_year, records).await?;
        return Ok(HttpResponse::Accepted().json(MatchingApprovalResult {
            decided: 0,
            expected: b.expected,
            found: found_count,
            changed: changed_records(&state, &changed).await?,
            gone: b.expected.saturating_sub(found_count),
            millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            job: Some(job),
        }));
    }
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let txn = state.db.begin().await?;
    let applied = verifications::apply_many(&txn, &records, Event::Approve, &by, None).await.map_err(|e| match e {
        StoreError::StaleVersion => ApiError::Conflict {
            code: ErrorCode::StaleVersion,
            detail: "有记录刚被他人处理，本次未作任何更改，请刷新后重试".to_owned(),
        },
        other => other.into(),
    })?;
    let e = audit::AuditEntry::by(actor, AuditAction::VerificationApprove).ip(Some(&client_ip(&req))).detail(json!({
        "matching": matching,
        "expected": b.expected,
        "ids": records.iter().map(|r| r.id.0).collect::<Vec<_>>(),
        "changed": changed.iter().map(|r| r.id.0).collect::<Vec<_>>(),
    }));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(MatchingApprovalResult {
        decided: u64::try_from(applied.count).unwrap_or(u64::MAX),
        expected: b.expected,
        found: found_count,
        changed: changed_records(&state, &changed).await?,
        gone: b.expected.saturating_sub(found_count),
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        job: None,
    }))
}

/// The changed records with the names a reviewer recognises.
async fn changed_records(state: &AppState, records: &[VerificationRecord]) -> Result<Vec<ChangedRecord>, ApiError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let people: HashMap<Uuid, String> = cme_store::entity::people::Entity::find()
        .select_only()
        .columns([cme_store::entity::people::Column::Id, cme_store::entity::people::Column::Name])
        .filter(cme_store::entity::people::Column::Id.is_in(records.iter().map(|r| r.person_id.0)))
        .into_tuple::<(Uuid, String)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let units = unit_names(state, records.iter().map(|r| r.unit_id.0).collect()).await?;
    Ok(records
        .iter()
        .map(|r| ChangedRecord {
            id: r.id.0,
            person_name: people.get(&r.person_id.0).cloned().unwrap_or_default(),
            unit_name: units.get(&r.unit_id.0).cloned().unwrap_or_default(),
        })
        .collect())
}

/// The review event decided and its reason (trimmed; required to return).
fn decision_of(b: &DecisionRequest) -> Result<(Event, Option<&str>), ApiError> {
    let reason = b.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let event = Event::from(b.decision);
    if event == Event::Return && reason.is_none() {
        return Err(ApiError::field("reason", "退回须填写原因"));
    }
    Ok((event, reason))
}

/// The records decided, in the order of the request: each once, in the
/// office's jurisdiction, as the reviewer saw it and waiting on its tier.
fn waiting_records(
    items: &[DecisionItem],
    by_id: &HashMap<Uuid, VerificationRecord>,
    scope: OfficeScope,
    tier: Tier,
) -> Result<Vec<VerificationRecord>, ApiError> {
    let mut records = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if !seen.insert(item.id) {
            return Err(ApiError::field(format!("items[{i}].id"), "同一记录重复出现"));
        }
        let r = by_id
            .get(&item.id)
            .filter(|r| in_scope(scope, r))
            .ok_or_else(|| ApiError::NotFound(format!("items[{i}]：记录不存在或不在本辖区")))?;
        if r.row_version != item.row_version {
            return Err(ApiError::Conflict {
                code: ErrorCode::StaleVersion,
                detail: format!(
                    "items[{i}]：记录已被他人处理（现为{}），请刷新后重试",
                    verification_state_label(r.state)
                ),
            });
        }
        if !matches!(r.state, State::InReview { .. }) || r.current_tier != Some(tier) {
            return Err(ApiError::Conflict {
                code: ErrorCode::NotWaiting,
                detail: format!("items[{i}]：记录{}，不在本级待审", verification_state_label(r.state)),
            });
        }
        records.push(r.clone());
    }
    Ok(records)
}

/// After a cycle closes nothing more is accepted, decisions included.
async fn check_not_closed(state: &AppState, records: &[VerificationRecord]) -> Result<(), ApiError> {
    let today = crate::clock::today();
    for y in records.iter().map(|r| r.cycle_year).collect::<std::collections::BTreeSet<_>>() {
        let c = opened_cycle(state, y).await?;
        if c.calendar.is_closed(today) {
            return Err(ApiError::Conflict {
                code: ErrorCode::CycleClosed,
                detail: format!("{y} 年度学分验证已于 {} 结束，不再受理", c.calendar.closes_on()),
            });
        }
    }
    Ok(())
}

/// A record with its chain, its timeline (every transition: who, when,
/// from which state to which, why) and its evidence.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The verification record")),
    responses(
        (status = 200, body = VerificationDetail),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/verifications/{id}")]
pub async fn get_verification(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<VerificationDetail>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let scope = office_scope(&state, actor).await?;
    let id = VerificationId(id.into_inner());
    let record = verifications::get(&state.db, id).await?;
    if !in_scope(scope, &record) {
        return Err(ApiError::NotFound("记录不存在".into()));
    }
    let names = cme_store::repo::person::names(&state.db, [record.person_id]).await?;
    let (person_name, id_number_masked) = names.get(&record.person_id).cloned().unwrap_or_default();
    let unit_name = unit::get(&state.db, record.unit_id).await?.unit.name;
    let chain = record.chain().steps.iter().map(ChainStepDto::from).collect();
    let timeline = verifications::history(&state.db, id).await?.into_iter().map(TimelineEntry::from).collect();
    let files = evidence::get_many(&state.db, &verifications::evidence_of(&state.db, id).await?).await?;
    let row = QueueRow { record, person_name, id_number_masked, unit_name };
    Ok(web::Json(VerificationDetail {
        record: VerificationDto::from(&row),
        chain,
        timeline,
        evidence: files.into_iter().map(EvidenceDto::from).collect(),
    }))
}

/// 生成证书编号: the final office of a chain numbers the approved records
/// waiting on it, those chosen or all (optionally of one year). Numbers are
/// `{year}-{office region code}-{sequence:06}`, unique, never reused and
/// without gaps per office and year; each chunk of 1,000 commits with its
/// counter, so an interrupted run loses nothing and running it again
/// finishes the rest.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    request_body = NumbersRequest,
    responses(
        (status = 200, body = NumbersResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/certificate-numbers")]
pub async fn issue_numbers(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<NumbersRequest>,
) -> Result<web::Json<NumbersResult>, ApiError> {
    let started = std::time::Instant::now();
    let actor = caller.require(Operation::IssueCertificateNumbers)?;
    let tier = tier_of(actor)?;
    let scope = office_scope(&state, actor).await?;
    let office = office_region(&state, actor)
        .await?
        .ok_or_else(|| ApiError::Forbidden("只有继教委办公室可以生成证书编号".into()))?;
    let ids: Option<Vec<VerificationId>> = body.0.ids.as_ref().map(|v| v.iter().map(|i| VerificationId(*i)).collect());
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let issuer = cme_domain::certificate::snapshot::issuer(tier, &office.name);
    // One audit entry per committed chunk, written with it.
    let audit = audit::AuditEntry::by(actor, AuditAction::VerificationNumbers)
        .ip(Some(&client_ip(&req)))
        .target(AuditTarget::Cycle, body.0.cycle_year)
        .place(Some(office.id), None);
    let issued = verifications::issue_numbers(
        &state.db,
        (RegionId(office.id.0), &office.code),
        &issuer,
        scope,
        ids.as_deref(),
        Some(body.0.cycle_year),
        body.0.year,
        &by,
        1000,
        &audit,
    )
    .await
    .map_err(|e| match e {
        StoreError::StaleVersion => ApiError::Conflict {
            code: ErrorCode::StaleVersion,
            detail: "部分记录正被他人处理；已生成的编号有效，请再次生成以完成其余".to_owned(),
        },
        other => other.into(),
    })?;
    Ok(web::Json(NumbersResult {
        issued: u64::try_from(issued.issued).unwrap_or(u64::MAX),
        first: issued.first,
        last: issued.last,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
}
