//! A unit's submissions (验证信息上报): the candidates of each list (normal,
//! make-up 补验, special personnel), a submission in one transaction, and
//! prepared or returned records sent up the chain.

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, get, post, web};
use chrono::Utc;
use cme_domain::auth::{Actor, Object, Operation, Owner, Scope};
use cme_domain::compliance::{Outcome as DomainOutcome, Shortfall};
use cme_domain::cycle::list::{ListKind as DomainList, check_list_year, check_normal_eligibility};
use cme_domain::cycle::paper::{VerificationPath as DomainPath, check_path};
use cme_domain::cycle::special::SpecialClaim;
use cme_domain::ids::{DepartmentId, PersonId, UnitId, VerificationId};
use cme_domain::review::{Event, State, may_prepare};
use cme_store::repo::compliance::{self as stored, ComplianceFilter};
use cme_store::repo::verification::{self as verifications, Acting, NewVerification, Special, VerificationRecord};
use cme_store::repo::{audit, cycle as cycles, evidence};
use sea_orm::{
    ColumnTrait as _, DatabaseTransaction, EntityTrait as _, QueryFilter as _, QuerySelect as _, TransactionTrait as _,
};
use serde_json::json;
use uuid::Uuid;

use crate::AppState;
use crate::auth::{Caller, client_ip, organisation};
use crate::dto::verification::{
    CandidateDto, CandidatePage, CandidateQuery, SubmissionItem, SubmissionRequest, SubmissionResult, SubmitIdsRequest,
};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::ValidJson;
use crate::office::{opened_cycle, tier_of};
use crate::paging::Paging;

/// The unit (and department) a submitter acts for.
pub(super) fn submitter(actor: &Actor) -> Result<(UnitId, Option<DepartmentId>), ApiError> {
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

/// Paper goes on the normal and make-up lists only (each person's scans
/// are checked with him, so here one is taken as given).
fn list_path(list: DomainList, path: DomainPath) -> Result<(), ApiError> {
    check_path(list, path, 1).map_err(|e| ApiError::field("path", e.to_string()))
}

fn list_year(cycle_year: i32, list: DomainList, year: Option<i32>) -> Result<i32, ApiError> {
    let year = year.unwrap_or(if list == DomainList::MakeUp { cycle_year - 1 } else { cycle_year });
    check_list_year(cycle_year, list, year).map_err(|e| ApiError::field("year", e.to_string()))?;
    Ok(year)
}

/// Why a person may not go on `list` by `path` with this verdict, if not:
/// the special list and the paper path (纸质验证: the offices judge the
/// paper certificates) are not bound by the system's verdict.
fn ineligible(
    list: DomainList,
    path: DomainPath,
    verdict: Option<&(DomainOutcome, Vec<cme_domain::compliance::Shortfall>)>,
) -> Option<String> {
    if list == DomainList::Special || !path.checks_compliance() {
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
    let path: DomainPath = query.path.map(Into::into).unwrap_or_default();
    let year = list_year(query.cycle_year, list, query.year)?;
    list_path(list, path)?;
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
            _ => ineligible(list, path, Some(&verdict)),
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

pub(super) fn verification_state_label(s: State) -> &'static str {
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
/// front line excepted) and evidence. On the paper path (纸质验证, normal
/// and make-up lists) each person comes with the scans of his paper
/// certificates as evidence and whatever the system's verdict: the offices
/// judge the paper, with the verdict beside it. A person returned earlier is revised
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
    let path: DomainPath = b.path.map(Into::into).unwrap_or_default();
    let year = list_year(b.cycle_year, list, b.year)?;
    list_path(list, path)?;
    let submitting = department_id.is_none();
    check_open(&state, b.cycle_year, unit_id, submitting).await?;
    let ids = distinct_people(&b.people)?;
    let loaded = load_submission(&state, actor, &b.people, &ids, year).await?;
    let target = Target { unit_id, department_id, cycle_year: b.cycle_year, list, path, year };
    let (fresh, revised) = plan_submission(actor, &target, &loaded, &b.people)?;

    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let txn = state.db.begin().await?;
    let (all_ids, submitted) = write_submission(&txn, &fresh, &revised, submitting, &by).await?;
    let e = audit::AuditEntry::by(
        actor,
        if submitting { AuditAction::VerificationSubmit } else { AuditAction::VerificationPrepare },
    )
    .ip(Some(&client_ip(&req)))
    .target(AuditTarget::Cycle, b.cycle_year)
    .place(None, Some(unit_id))
    .detail(json!({
        "list": list.as_str(), "path": path.as_str(), "year": year,
        "people": ids.iter().map(|p| p.0).collect::<Vec<_>>(),
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
    path: DomainPath,
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
    if let Some(why) = ineligible(target.list, target.path, verdict) {
        return Err(ApiError::field(format!("people[{i}].person_id"), why));
    }
    let special = special_of(target, i, p)?;
    check_path(target.list, target.path, p.evidence_ids.len())
        .map_err(|e| ApiError::field(format!("people[{i}].evidence_ids"), e.to_string()))?;
    check_attachable(actor, target.unit_id, loaded, i, p)?;
    Ok(NewVerification {
        person_id: id,
        year: target.year,
        cycle_year: target.cycle_year,
        list_kind: target.list,
        path: target.path,
        special,
        note: p.note.clone().filter(|n| !n.trim().is_empty()),
        evidence: p.evidence_ids.clone(),
        department_id: target.department_id,
        outcome_at_submit: verdict.map(|(o, _)| *o),
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
        if let Some(why) = ineligible(r.list_kind, r.path, verdicts.get(&(r.person_id, r.year))) {
            return Err(ApiError::field(format!("ids[{i}]"), why));
        }
    }
    let tier = tier_of(actor)?;
    let by = Acting { tier, id: Some(actor.id), name: &actor.name };
    let txn = state.db.begin().await?;
    let submitted = verifications::apply_many(&txn, &records, Event::Submit, &by, None).await?.count;
    let e = audit::AuditEntry::by(actor, AuditAction::VerificationSubmit)
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
