//! The annual verification (SPEC §5, §6): a unit's submissions (验证信息上报)
//! on the normal, make-up (补验) and special-personnel lists, evidence
//! uploads, each office's review queue and decisions (one record or a
//! batch, all or nothing), a record's timeline, certificate numbers
//! (生成证书编号) and the cycle's statistics.

use std::collections::{HashMap, HashSet};
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::http::header::{CONTENT_TYPE, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use cme_domain::auth::{Actor, Object, Operation, Owner, Scope};
use cme_domain::compliance::{Outcome as DomainOutcome, Shortfall};
use cme_domain::cycle::evidence::{MAX_EVIDENCE_BYTES, check_evidence};
use cme_domain::cycle::list::{ListKind as DomainList, check_list_year, check_normal_eligibility};
use cme_domain::cycle::special::SpecialClaim;
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId, VerificationId};
use cme_domain::report::{self, Figures};
use cme_domain::review::{Event, State, StateKind, Tier, may_prepare};
use cme_store::StoreError;
use cme_store::repo::compliance::{self as stored, ComplianceFilter};
use cme_store::repo::verification::{
    self as verifications, Acting, Grouping, NewVerification, OfficeScope, QueueFilter, QueueRow, Special,
    VerificationRecord,
};
use cme_store::repo::{audit, cycle as cycles, evidence, region, unit};
use sea_orm::{
    ColumnTrait as _, DatabaseTransaction, EntityTrait as _, QueryFilter as _, QuerySelect as _, TransactionTrait as _,
};
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::attachment::{XLSX, attachment, disposition};
use crate::auth::{Caller, client_ip, organisation};
use crate::digest::sha256_hex;
use crate::dto::verification::{
    CandidateDto, CandidatePage, CandidateQuery, ChainStepDto, CycleYearQuery, Decision, DecisionItem, DecisionRequest,
    DecisionResult, EvidenceDto, ListKind, NumbersRequest, NumbersResult, QueueSummaryRow, SpecialDto, StatsDto,
    StatsQuery, StatsRow, SubmissionItem, SubmissionRequest, SubmissionResult, SubmitIdsRequest, TimelineEntry,
    VerificationDetail, VerificationDto, VerificationPage, VerificationQuery, VerificationState,
};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::ValidJson;
use crate::office::{in_scope, office_region, office_scope, opened_cycle, tier_of};
use crate::paging::Paging;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(candidates)
        .service(submit_records)
        .service(submit)
        .service(list_verifications)
        .service(review_queue)
        .service(review_summary)
        .service(decide)
        .service(issue_numbers)
        .service(stats)
        .service(export_stats)
        .service(upload_evidence)
        .service(get_evidence)
        .service(get_verification);
}

fn special_dto(s: &Special) -> SpecialDto {
    SpecialDto {
        reason: s.reason.into(),
        period_from: s.period_from,
        period_to: s.period_to,
        deemed_compliant: s.deemed_compliant,
    }
}

fn record_dto(row: &QueueRow) -> VerificationDto {
    let r = &row.record;
    VerificationDto {
        id: r.id.0,
        person_id: r.person_id.0,
        person_name: row.person_name.clone(),
        id_number_masked: row.id_number_masked.clone(),
        unit_id: r.unit_id.0,
        unit_name: row.unit_name.clone(),
        unit_level: r.unit_level.into(),
        medicine: r.medicine.into(),
        year: r.year,
        cycle_year: r.cycle_year,
        list: r.list_kind.into(),
        state: r.state.into(),
        step: r.state.step(),
        waiting_on: r.current_tier.map(Into::into),
        waiting_on_label: r.current_tier.map(|t| t.label().to_owned()),
        special: r.special.as_ref().map(special_dto),
        note: r.note.clone(),
        outcome_at_submit: r.outcome_at_submit.clone(),
        certificate_no: r.certificate_no.clone(),
        issued_at: r.issued_at,
        row_version: r.row_version,
        updated_at: r.updated_at,
    }
}

/// The unit (and department) a submitter acts for.
fn submitter(actor: &Actor) -> Result<(UnitId, Option<DepartmentId>), ApiError> {
    match actor.scope {
        Scope::Unit(u) => Ok((u, None)),
        Scope::Department(u, d) => Ok((u, Some(d))),
        _ => Err(ApiError::Forbidden("只有单位或科室可以上报验证信息".into())),
    }
}

/// The cycle must be open (not before its opening day, not after closing),
/// and, to submit, the unit's window open now.
async fn check_open(state: &AppState, cycle_year: i32, unit_id: UnitId, submitting: bool) -> Result<(), ApiError> {
    let c = opened_cycle(state, cycle_year).await?;
    let today = crate::clock::today();
    if today < c.calendar.opens_on() {
        return Err(ApiError::Conflict {
            code: ErrorCode::CycleNotOpen,
            detail: format!("{cycle_year} 年度学分验证自 {} 开始", c.calendar.opens_on()),
        });
    }
    if c.calendar.is_closed(today) {
        return Err(ApiError::Conflict {
            code: ErrorCode::CycleClosed,
            detail: format!("{cycle_year} 年度学分验证已于 {} 结束，不再受理", c.calendar.closes_on()),
        });
    }
    if submitting {
        let window = cycles::effective_for_unit(&state.db, &c.calendar, unit_id).await?;
        window
            .check(Utc::now())
            .map_err(|e| ApiError::Conflict { code: ErrorCode::OutsideWindow, detail: e.to_string() })?;
    }
    Ok(())
}

fn list_year(cycle_year: i32, list: DomainList, year: Option<i32>) -> Result<i32, ApiError> {
    let year = year.unwrap_or(if list == DomainList::MakeUp { cycle_year - 1 } else { cycle_year });
    check_list_year(cycle_year, list, year).map_err(|e| ApiError::field("year", e.to_string()))?;
    Ok(year)
}

/// Why a person may not go on `list` with this verdict, if not.
fn ineligible(
    list: DomainList,
    verdict: Option<&(DomainOutcome, Vec<cme_domain::compliance::Shortfall>)>,
) -> Option<String> {
    if list == DomainList::Special {
        return None;
    }
    match verdict {
        None => Some("该年度尚无达标判定".to_owned()),
        Some((outcome, shortfalls)) => check_normal_eligibility(*outcome, shortfalls).err().map(|e| e.to_string()),
    }
}

/// The staff a unit (or department) may put on a list, with their verdict,
/// whether each may go on it now and, if not, why (不达标原因, already on a list …).
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(CandidateQuery),
    responses(
        (status = 200, body = CandidatePage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/verifications/candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CandidateQuery>,
    paging: Paging,
) -> Result<web::Json<CandidatePage>, ApiError> {
    let actor = caller.require(Operation::SubmitVerifications)?;
    submitter(actor)?;
    opened_cycle(&state, query.cycle_year).await?;
    let list: DomainList = query.list.into();
    let year = list_year(query.cycle_year, list, query.year)?;
    let Paging { after, limit } = paging;
    let filter = ComplianceFilter {
        year,
        discipline: None,
        unit_id: None,
        department_id: query.department_id.map(DepartmentId),
        region_id: None,
        outcome: None,
        name_contains: None,
    };
    let rows = stored::list(&state.db, &actor.scope, &filter, after, limit).await?;
    let ids: Vec<PersonId> = rows.items.iter().map(|r| r.person_id).collect();
    let existing = verifications::find_many(&state.db, &ids, year).await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for r in rows.items {
        let record = existing.get(&r.person_id);
        let verdict = (r.outcome, r.shortfalls.clone());
        let reason = match record {
            Some(v) if !matches!(v.state, State::Prepared | State::Returned) => {
                Some(format!("{} 年度已上报（{}）", v.year, verification_state_label(v.state)))
            }
            _ => ineligible(list, Some(&verdict)),
        };
        if query.eligible_only == Some(true) && reason.is_some() {
            continue;
        }
        items.push(CandidateDto {
            person_id: r.person_id.0,
            name: r.name,
            id_number_masked: r.id_number_masked,
            department_id: r.department_id.map(|d| d.0),
            department_name: r.department_name,
            outcome: r.outcome.into(),
            eligible: reason.is_none(),
            reason,
            verification_id: record.map(|v| v.id.0),
            state: record.map(|v| v.state.into()),
        });
    }
    Ok(web::Json(CandidatePage { items, next_cursor: rows.next.map(|n| n.to_string()) }))
}

fn verification_state_label(s: State) -> &'static str {
    match s {
        State::Prepared => "待上报",
        State::InReview { .. } => "审核中",
        State::Returned => "已退回",
        State::Approved => "已通过",
        State::Certified => "已生成证书编号",
    }
}

/// 验证信息上报: a unit puts people on a list of a cycle and submits them at
/// once (its first review, 初审), inside its window; a department prepares
/// its staff's for the unit. Only compliant people go on the normal and
/// make-up lists (the refusal says why); make-up is for Y−1 and Y−2 only;
/// the special list needs a reason, a period of at least half a year (the
/// front line excepted) and evidence. A person returned earlier is revised
/// and resubmitted. All or nothing: a refusal names `people[i]`.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    request_body = SubmissionRequest,
    responses(
        (status = 200, body = SubmissionResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/verifications")]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<SubmissionRequest>,
) -> Result<web::Json<SubmissionResult>, ApiError> {
    let actor = caller.require(Operation::SubmitVerifications)?;
    let tier = tier_of(actor)?;
    if !may_prepare(tier) {
        return Err(ApiError::Forbidden("只有单位或科室可以上报验证信息".into()));
    }
    let (unit_id, department_id) = submitter(actor)?;
    let b = body.0;
    let list: DomainList = b.list.into();
    let year = list_year(b.cycle_year, list, b.year)?;
    let submitting = department_id.is_none();
    check_open(&state, b.cycle_year, unit_id, submitting).await?;
    let ids = distinct_people(&b.people)?;
    let loaded = load_submission(&state, actor, &b.people, &ids, year).await?;
    let target = Target { unit_id, department_id, cycle_year: b.cycle_year, list, year };
    let (fresh, revised) = plan_submission(actor, &target, &loaded, &b.people)?;

    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let txn = state.db.begin().await?;
    let (all_ids, submitted) = write_submission(&txn, &fresh, &revised, submitting, &by).await?;
    let e = audit::AuditEntry::by(actor, if submitting { "verification.submit" } else { "verification.prepare" })
        .ip(Some(&client_ip(&req)))
        .target("cycle", b.cycle_year)
        .place(None, Some(unit_id))
        .detail(json!({
            "list": list.as_str(), "year": year, "people": ids.iter().map(|p| p.0).collect::<Vec<_>>(),
            "revised": revised.len(),
        }));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
    Ok(web::Json(SubmissionResult {
        prepared: n(all_ids.len()),
        submitted: n(submitted),
        ids: all_ids.iter().map(|v| v.0).collect(),
    }))
}

/// The people of a submission, each once (a repeat names `people[i]`).
fn distinct_people(people: &[SubmissionItem]) -> Result<Vec<PersonId>, ApiError> {
    let ids: Vec<PersonId> = people.iter().map(|p| PersonId(p.person_id)).collect();
    let mut seen = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(*id) {
            return Err(ApiError::field(format!("people[{i}].person_id"), "同一人重复出现"));
        }
    }
    Ok(ids)
}

/// Where a submission goes: the submitter's unit (and department), the
/// cycle, the list and the year verified.
struct Target {
    unit_id: UnitId,
    department_id: Option<DepartmentId>,
    cycle_year: i32,
    list: DomainList,
    year: i32,
}

/// What a submission is checked against, loaded once for all its people.
struct Loaded {
    /// People in the submitter's jurisdiction.
    allowed: HashSet<Uuid>,
    verdicts: HashMap<PersonId, (DomainOutcome, Vec<Shortfall>)>,
    existing: HashMap<PersonId, VerificationRecord>,
    files: HashMap<Uuid, evidence::Evidence>,
    /// Who the caller is as an owner: looked up once, then decided per file.
    org: Owner,
}

async fn load_submission(
    state: &AppState,
    actor: &Actor,
    people: &[SubmissionItem],
    ids: &[PersonId],
    year: i32,
) -> Result<Loaded, ApiError> {
    let mut allowed: HashSet<Uuid> = HashSet::new();
    for chunk in ids.chunks(1000) {
        let found: Vec<Uuid> = cme_store::entity::people::Entity::find()
            .select_only()
            .column(cme_store::entity::people::Column::Id)
            .filter(cme_store::repo::scope::people(&actor.scope))
            .filter(cme_store::entity::people::Column::Id.is_in(chunk.iter().map(|p| p.0)))
            .into_tuple()
            .all(&state.db)
            .await?;
        allowed.extend(found);
    }
    let verdicts = stored::verdicts_of(&state.db, ids, year).await?;
    let existing = verifications::find_many(&state.db, ids, year).await?;
    let all_evidence: Vec<Uuid> = people.iter().flat_map(|p| p.evidence_ids.iter().copied()).collect();
    let files = evidence::get_many(&state.db, &all_evidence).await?.into_iter().map(|e| (e.id, e)).collect();
    let org = organisation(&state.db, actor).await?;
    Ok(Loaded { allowed, verdicts, existing, files, org })
}

/// A returned record and what it becomes.
type Revision = (VerificationRecord, NewVerification);

/// New records and revisions of returned ones, every person checked in the
/// order of the request (the first refusal names `people[i]`).
fn plan_submission(
    actor: &Actor,
    target: &Target,
    loaded: &Loaded,
    people: &[SubmissionItem],
) -> Result<(Vec<NewVerification>, Vec<Revision>), ApiError> {
    let mut fresh = Vec::new();
    let mut revised = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let new = check_person(actor, target, loaded, i, p)?;
        match loaded.existing.get(&new.person_id) {
            Some(v) => revised.push((v.clone(), new)),
            None => fresh.push(new),
        }
    }
    Ok((fresh, revised))
}

/// One person of a submission, checked: in the jurisdiction, not already
/// submitted, eligible for the list, the special claim and the evidence.
fn check_person(
    actor: &Actor,
    target: &Target,
    loaded: &Loaded,
    i: usize,
    p: &SubmissionItem,
) -> Result<NewVerification, ApiError> {
    let id = PersonId(p.person_id);
    if !loaded.allowed.contains(&id.0) {
        return Err(ApiError::field(format!("people[{i}].person_id"), "人员不存在或不在本单位（科室）"));
    }
    if let Some(v) = loaded.existing.get(&id)
        && !matches!(v.state, State::Prepared | State::Returned)
    {
        return Err(ApiError::Conflict {
            code: ErrorCode::AlreadySubmitted,
            detail: format!("people[{i}]：{} 年度已上报（{}）", v.year, verification_state_label(v.state)),
        });
    }
    let verdict = loaded.verdicts.get(&id);
    if let Some(why) = ineligible(target.list, verdict) {
        return Err(ApiError::field(format!("people[{i}].person_id"), why));
    }
    let special = special_of(target, i, p)?;
    check_attachable(actor, target.unit_id, loaded, i, p)?;
    Ok(NewVerification {
        person_id: id,
        year: target.year,
        cycle_year: target.cycle_year,
        list_kind: target.list,
        special,
        note: p.note.clone().filter(|n| !n.trim().is_empty()),
        evidence: p.evidence_ids.clone(),
        department_id: target.department_id,
        outcome_at_submit: verdict.map(|(o, _)| o.as_str().to_owned()),
    })
}

/// The special claim: required on the special list (with evidence where its
/// reason needs it), refused on the others.
fn special_of(target: &Target, i: usize, p: &SubmissionItem) -> Result<Option<Special>, ApiError> {
    match (target.list, &p.special) {
        (DomainList::Special, None) => {
            Err(ApiError::field(format!("people[{i}].special"), "特殊人员须填写原因和起止日期"))
        }
        (DomainList::Special, Some(s)) => {
            let claim = SpecialClaim::parse(s.reason.into(), s.period_from, s.period_to, target.year)
                .map_err(|e| ApiError::field(format!("people[{i}].special"), e.to_string()))?;
            if claim.reason().requires_evidence() && p.evidence_ids.is_empty() {
                return Err(ApiError::field(
                    format!("people[{i}].evidence_ids"),
                    format!("请上传证明材料（{}）", claim.reason().evidence_label()),
                ));
            }
            Ok(Some(Special::from(&claim)))
        }
        (_, Some(_)) => Err(ApiError::field(format!("people[{i}].special"), "只有特殊人员名单填写特殊原因")),
        (_, None) => Ok(None),
    }
}

/// A department attaches its own uploads; the unit, any of its own.
fn check_attachable(
    actor: &Actor,
    unit_id: UnitId,
    loaded: &Loaded,
    i: usize,
    p: &SubmissionItem,
) -> Result<(), ApiError> {
    for (j, e) in p.evidence_ids.iter().enumerate() {
        let attachable = match loaded.files.get(e) {
            Some(f) if f.unit_id == unit_id => {
                let owner = Owner::of_person(f.unit_id, f.department_id);
                cme_domain::auth::may_act_on(
                    actor,
                    loaded.org,
                    Operation::SubmitVerifications,
                    &Object::owned_by(owner),
                )
                .is_ok()
            }
            _ => false,
        };
        if !attachable {
            return Err(ApiError::field(format!("people[{i}].evidence_ids[{j}]"), "证明材料不存在"));
        }
    }
    Ok(())
}

/// Prepares the new records, revises the returned ones and, when the unit
/// itself submits, submits them all: the ids put on the list and how many
/// were submitted.
async fn write_submission(
    txn: &DatabaseTransaction,
    fresh: &[NewVerification],
    revised: &[Revision],
    submitting: bool,
    by: &Acting<'_>,
) -> Result<(Vec<VerificationId>, usize), ApiError> {
    let mut all_ids = verifications::prepare_many(txn, fresh, by).await?;
    for (record, new) in revised {
        verifications::revise(txn, record, new).await?;
        all_ids.push(record.id);
    }
    let mut submitted = 0;
    if submitting {
        let records = verifications::get_many(txn, &all_ids).await?;
        submitted = verifications::apply_many(txn, &records, Event::Submit, by, None).await?.count;
    }
    Ok((all_ids, submitted))
}

/// A unit submits records that wait on it: prepared by a department, or
/// returned and since fixed. Inside its window; the normal and make-up
/// lists take compliant people only (checked again now). All or nothing.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    request_body = SubmitIdsRequest,
    responses(
        (status = 200, body = SubmissionResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/verifications/submit")]
pub async fn submit_records(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<SubmitIdsRequest>,
) -> Result<web::Json<SubmissionResult>, ApiError> {
    let actor = caller.require(Operation::SubmitVerifications)?;
    let (unit_id, department) = submitter(actor)?;
    if department.is_some() {
        return Err(ApiError::Forbidden("科室准备的名单由单位上报".into()));
    }
    let ids: Vec<VerificationId> = body.0.ids.iter().map(|i| VerificationId(*i)).collect();
    let records = verifications::get_many(&state.db, &ids).await?;
    let by_id: HashMap<Uuid, &VerificationRecord> = records.iter().map(|r| (r.id.0, r)).collect();
    for y in &submittable_cycles(&ids, &by_id, unit_id)? {
        check_open(&state, *y, unit_id, true).await?;
    }
    let verdicts = verdicts_by_year(&state, &records).await?;
    // In the order of the request, so that a refusal names the right `ids[i]`.
    for (i, id) in ids.iter().enumerate() {
        let Some(r) = by_id.get(&id.0) else { continue };
        if let Some(why) = ineligible(r.list_kind, verdicts.get(&(r.person_id, r.year))) {
            return Err(ApiError::field(format!("ids[{i}]"), why));
        }
    }
    let tier = tier_of(actor)?;
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let txn = state.db.begin().await?;
    let submitted = verifications::apply_many(&txn, &records, Event::Submit, &by, None).await?.count;
    let e = audit::AuditEntry::by(actor, "verification.submit")
        .ip(Some(&client_ip(&req)))
        .place(None, Some(unit_id))
        .detail(json!({"ids": body.0.ids}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    let n = u64::try_from(submitted).unwrap_or(u64::MAX);
    Ok(web::Json(SubmissionResult { prepared: 0, submitted: n, ids: body.0.ids.clone() }))
}

/// The cycles of records the unit may submit: each its own and waiting on it
/// (prepared or returned); a refusal names `ids[i]`.
fn submittable_cycles(
    ids: &[VerificationId],
    by_id: &HashMap<Uuid, &VerificationRecord>,
    unit_id: UnitId,
) -> Result<HashSet<i32>, ApiError> {
    let mut cycle_years = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        let r = by_id
            .get(&id.0)
            .filter(|r| r.unit_id == unit_id)
            .ok_or_else(|| ApiError::field(format!("ids[{i}]"), "记录不存在"))?;
        if !matches!(r.state, State::Prepared | State::Returned) {
            return Err(ApiError::Conflict {
                code: ErrorCode::InvalidState,
                detail: format!("ids[{i}]：记录{}，不能上报", verification_state_label(r.state)),
            });
        }
        cycle_years.insert(r.cycle_year);
    }
    Ok(cycle_years)
}

/// The verdicts of the records' people, one query per year verified (not
/// one per record).
async fn verdicts_by_year(
    state: &AppState,
    records: &[VerificationRecord],
) -> Result<HashMap<(PersonId, i32), (DomainOutcome, Vec<Shortfall>)>, ApiError> {
    let mut by_year: HashMap<i32, Vec<PersonId>> = HashMap::new();
    for r in records {
        by_year.entry(r.year).or_default().push(r.person_id);
    }
    let mut verdicts = HashMap::new();
    for (year, people) in by_year {
        for (person, v) in stored::verdicts_of(&state.db, &people, year).await? {
            verdicts.insert((person, year), v);
        }
    }
    Ok(verdicts)
}

fn queue_filter(q: &VerificationQuery) -> QueueFilter {
    QueueFilter {
        cycle_year: q.cycle_year,
        waiting_on: None,
        state: q.state.map(|s| s.as_str().to_owned()),
        list_kind: q.list.map(Into::into),
        unit_id: q.unit_id.map(UnitId),
        year: q.year,
    }
}

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
    let p = verifications::queue(&state.db, scope, &queue_filter(&query), after, limit).await?;
    Ok(web::Json(VerificationPage {
        items: p.items.iter().map(record_dto).collect(),
        next_cursor: p.next.map(|n| n.to_string()),
    }))
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
    let mut filter = queue_filter(&query);
    filter.waiting_on = Some(tier);
    if filter.state.is_none() {
        filter.state = Some(VerificationState::InReview.as_str().to_owned());
    }
    let p = verifications::queue(&state.db, scope, &filter, after, limit).await?;
    Ok(web::Json(VerificationPage {
        items: p.items.iter().map(record_dto).collect(),
        next_cursor: p.next.map(|n| n.to_string()),
    }))
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

async fn unit_names(state: &AppState, ids: HashSet<Uuid>) -> Result<HashMap<Uuid, String>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cme_store::entity::units::Entity::find()
        .select_only()
        .columns([cme_store::entity::units::Column::Id, cme_store::entity::units::Column::Name])
        .filter(cme_store::entity::units::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect())
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
        if event == Event::Approve { "verification.approve" } else { "verification.return" },
    )
    .ip(Some(&client_ip(&req)))
    .detail(json!({"ids": b.items.iter().map(|i| i.id).collect::<Vec<_>>(), "reason": reason}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(DecisionResult {
        decided: u64::try_from(applied.count).unwrap_or(u64::MAX),
        decision: b.decision,
        millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
}

/// The review event decided and its reason (trimmed; required to return).
fn decision_of(b: &DecisionRequest) -> Result<(Event, Option<&str>), ApiError> {
    let reason = b.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let event = match b.decision {
        Decision::Approve => Event::Approve,
        Decision::Return => Event::Return,
    };
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
    let chain = record
        .chain()
        .steps
        .iter()
        .map(|s| ChainStepDto {
            stage: s.stage.as_str().to_owned(),
            stage_label: s.stage.label().to_owned(),
            tier: s.tier.into(),
            tier_label: s.tier.label().to_owned(),
        })
        .collect();
    let timeline = verifications::history(&state.db, id)
        .await?
        .into_iter()
        .map(|t| TimelineEntry {
            seq: t.seq,
            event_label: event_label(&t.event),
            event: t.event,
            from: t.from.map(Into::into),
            from_step: t.from.and_then(State::step),
            to: t.to.into(),
            to_step: t.to.step(),
            actor_tier: t.actor_tier.into(),
            actor_name: t.actor_name,
            reason: t.reason,
            at: t.at,
        })
        .collect();
    let files = evidence::get_many(&state.db, &verifications::evidence_of(&state.db, id).await?).await?;
    let row = QueueRow { record, person_name, id_number_masked, unit_name };
    Ok(web::Json(VerificationDetail {
        record: record_dto(&row),
        chain,
        timeline,
        evidence: files.into_iter().map(evidence_dto).collect(),
    }))
}

fn event_label(event: &str) -> String {
    if event == verifications::PREPARE_EVENT {
        return "列入名单".to_owned();
    }
    event.parse::<Event>().map_or_else(|_| event.to_owned(), |e| e.label().to_owned())
}

fn evidence_dto(e: evidence::Evidence) -> EvidenceDto {
    EvidenceDto {
        id: e.id,
        file_name: e.file_name,
        content_type: e.content_type,
        size_bytes: e.size_bytes,
        uploaded_by: e.uploaded_by,
        uploaded_at: e.uploaded_at,
    }
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
    let audit = audit::AuditEntry::by(actor, "verification.numbers")
        .ip(Some(&client_ip(&req)))
        .target("cycle", body.0.cycle_year)
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

/// The cycle's figures in the caller's jurisdiction, per unit (default),
/// county or prefecture: people to verify, compliant, submitted, returned,
/// approved, with a certificate number, the pass rate and what is still
/// missing; a unit sees its own with the end of its window.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, body = StatsDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/verification-stats")]
pub async fn stats(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<StatsDto>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    Ok(web::Json(compute_stats(&state, actor, &query).await?))
}

/// The report (SPEC §10) as XLSX: the same figures as
/// `/verification-stats`, one row per unit, county or prefecture, with the
/// compliance and pass rates and the total, numbers as numbers.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "XLSX", body = inline(crate::dto::FileBytes), content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No verification of that year", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/verification-stats/export")]
pub async fn export_stats(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ReadReports)?;
    let dto = compute_stats(&state, actor, &query).await?;
    let by = match dto.by.as_str() {
        "county" => "县市区",
        "prefecture" => "州市",
        _ => "单位",
    };
    let discipline = query.discipline.map_or("全部专业", |d| cme_domain::person::Discipline::from(d).label());
    let title = format!("{}年度学分验证统计（按{by}，{discipline}）", dto.cycle_year);
    let row = |r: &StatsRow| cme_documents::ReportRow {
        name: r.name.clone(),
        counts: vec![r.to_verify, r.compliant, r.submitted, r.returned, r.approved, r.certified, r.missing],
        rates: vec![report::per_mille(r.compliant, r.to_verify), r.pass_rate_per_mille],
    };
    let rows: Vec<cme_documents::ReportRow> = dto.rows.iter().map(row).collect();
    let total = row(&dto.total);
    let columns = ["应验证人数", "达标人数", "已上报", "退回待改", "审核通过", "已发证书", "未上报"];
    let rate_columns = ["达标率", "审核通过率"];
    let bytes = web::block(move || cme_documents::report_xlsx(&title, by, &columns, &rate_columns, &rows, &total))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let name = format!("{}年度学分验证统计.xlsx", dto.cycle_year);
    Ok(attachment(bytes, XLSX, &name, &format!("stats-{}.xlsx", dto.cycle_year)))
}

async fn compute_stats(state: &AppState, actor: &Actor, query: &StatsQuery) -> Result<StatsDto, ApiError> {
    let c = opened_cycle(state, query.cycle_year).await?;
    let scope = office_scope(state, actor).await?;
    let by = query.by.as_deref().unwrap_or("unit");
    let group = match by {
        "unit" => Grouping::Unit,
        "county" => Grouping::County,
        "prefecture" => Grouping::Prefecture,
        _ => return Err(ApiError::field("by", "按 unit、county 或 prefecture 统计")),
    };
    let discipline = query.discipline.map(Into::into);
    let tallies = stored::tally_by(&state.db, &actor.scope, query.cycle_year, group, discipline).await?;
    let counts = verifications::counts_by(&state.db, scope, query.cycle_year, group, None, discipline).await?;
    let figures = report::statistics(
        tallies.into_iter().map(|t| (t.key, t.outcome, t.count)),
        counts.into_iter().map(|c| (c.key, c.state, c.count)),
    );
    let keys: HashSet<Uuid> = figures.groups.keys().flatten().copied().collect();
    let names: HashMap<Uuid, String> = match group {
        Grouping::Unit => unit_names(state, keys).await?,
        // One read of the region tree (a few hundred rows), not one per key.
        Grouping::County | Grouping::Prefecture => region::list(&state.db)
            .await?
            .into_iter()
            .filter(|r| keys.contains(&r.id.0))
            .map(|r| (r.id.0, r.name))
            .collect(),
    };
    let row = |id: Uuid, name: String, f: &Figures| {
        let k = &f.counts;
        let rate = k.pass_rate();
        StatsRow {
            id,
            name,
            to_verify: u64::from(k.to_verify),
            compliant: f.compliant,
            submitted: u64::from(k.submitted),
            returned: u64::from(k.returned),
            approved: u64::from(k.passed()),
            certified: u64::from(k.certified),
            pass_rate_per_mille: rate.map(cme_domain::report::PassRate::per_mille),
            pass_rate: rate.map(cme_domain::report::PassRate::percent),
            missing: u64::from(k.missing_before_deadline()),
        }
    };
    let mut rows: Vec<StatsRow> = figures
        .groups
        .iter()
        .map(|(key, f)| {
            let name = key.and_then(|k| names.get(&k).cloned()).unwrap_or_else(|| "直属单位".to_owned());
            row(key.unwrap_or_default(), name, f)
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let deadline = match actor.scope {
        Scope::Unit(u) | Scope::Department(u, _) => {
            Some(cycles::effective_for_unit(&state.db, &c.calendar, u).await?.ends_at())
        }
        _ => None,
    };
    Ok(StatsDto {
        cycle_year: query.cycle_year,
        by: by.to_owned(),
        rows,
        total: row(Uuid::nil(), "合计".to_owned(), &figures.total),
        deadline,
        deadline_label: deadline.map(cme_domain::time::fmt_local),
    })
}

/// The largest evidence file accepted.
const MAX_EVIDENCE: usize = MAX_EVIDENCE_BYTES;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// The original file name, shown to reviewers.
    pub file_name: String,
}

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
        let chunk = chunk.map_err(|e| ApiError::Malformed { detail: e.to_string(), errors: Vec::new() })?;
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
        .map_err(|e| ApiError::Internal(format!("storing evidence: {e}")))?;
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
    let e = audit::AuditEntry::by(actor, "evidence.upload")
        .ip(Some(&client_ip(&req)))
        .target("evidence", saved.id)
        .place(None, Some(unit_id))
        .detail(json!({"file_name": file_name, "sha256": sha, "size": size}));
    audit::append(&state.db, &e).await?;
    Ok(web::Json(evidence_dto(saved)))
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
