//! CME activities (SPEC §9): offices and units create them and show their
//! rotating sign-in code; trainees sign in with it and get the credit at
//! once; organisers upload an attendance roster after the event.

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::{HashMap, HashSet};
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use cme_domain::IdCardNumber;
use cme_domain::activity::{self as domain, Activity, ActivityError, ActivityOwner, NotRunning};
use cme_domain::auth::{Actor, Object, Operation, Owner, Scope};
use cme_domain::credit::CreditCategory;
use cme_domain::id_card::{IdCardError, mask_id_number};
use cme_domain::ids::{ActivityId, PersonId};
use cme_domain::sign_in_code::{CodeError, WINDOW_SECS, issue, verify};
use cme_domain::time::today_in_shanghai;
use cme_store::StoreError;
use cme_store::repo::credit::NewCredit;
use cme_store::repo::{activity, audit, credit, id_lookup};
use sea_orm::{DatabaseTransaction, TransactionTrait as _};
use serde_json::json;
use uuid::Uuid;
use validator::Validate as _;

use crate::AppState;
use crate::auth::{Caller, client_ip, may_act_on, organisation};
use crate::dto::Amount;
use crate::dto::activities::{
    ActivityDto, ActivityPage, ActivityQuery, CancelActivityRequest, NewActivityRequest, RosterOutcome, RosterReport,
    RosterRequest, RosterRowReport, SignInCodeDto, SignInRequest, SignInResult,
};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::{ValidJson, parse, validation_problem};
use crate::no_store::NoStore;
use crate::paging::Paging;
use crate::upload::{Record, Upload};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg
        // Before `/activities/{id}`, which would otherwise claim the path.
        .service(sign_in)
        .service(create_activity)
        .service(list_activities)
        .service(get_activity)
        .service(cancel_activity)
        .service(get_sign_in_code)
        .service(upload_roster);
}

/// The most rows one roster may have.
const MAX_ROSTER: usize = 10_000;

/// Whether the actor (acting for `org`) owns the activity.
fn owns(actor: &Actor, org: Owner, a: &Activity) -> bool {
    cme_domain::auth::may_act_on(actor, org, Operation::ManageActivities, &object(a)).is_ok()
}

/// An activity as the ownership rule sees it: the organisation that created
/// it alone cancels it, shows its sign-in code and posts its rosters; the
/// offices above it only read it.
fn object(a: &Activity) -> Object {
    Object::owned_by(match a.owner {
        ActivityOwner::Region(r) => Owner::Region(r),
        ActivityOwner::Unit(u) => Owner::Unit(u),
    })
}

/// An audit entry about an activity, placed with its owner.
fn audit_entry(actor: &Actor, ip: &str, action: AuditAction, a: &Activity) -> audit::AuditEntry {
    let (region, unit) = match a.owner {
        ActivityOwner::Region(r) => (Some(r), None),
        ActivityOwner::Unit(u) => (None, Some(u)),
    };
    audit::AuditEntry::by(actor, action).ip(Some(ip)).target(AuditTarget::Activity, a.id).place(region, unit)
}

fn not_running_message(a: &Activity, why: NotRunning) -> String {
    match why {
        NotRunning::Cancelled => "活动已取消".to_owned(),
        NotRunning::NotStarted => format!("活动尚未开始（{} 至 {}）", a.starts_on, a.ends_on),
        NotRunning::Ended => format!("活动已结束（{} 至 {}）", a.starts_on, a.ends_on),
    }
}

/// Create a CME activity owned by the caller's organisation.
///
/// Province offices and the administrator own theirs through the
/// province's root region, prefecture and county offices through their
/// region, a unit itself. A project activity names its source (which gives
/// its class); a self-managed one has none and only a unit creates it. The
/// answer carries the activity's serial code (`HD<year>-<n>`), which every
/// credit it issues keeps as its certificate number.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    request_body = NewActivityRequest,
    responses(
        (status = 201, body = ActivityDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<NewActivityRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManageActivities)?;
    let body = body.0;
    let category = CreditCategory::from_parts(body.kind.into(), body.source.map(Into::into)).ok_or_else(|| {
        ApiError::field(
            "source",
            match body.kind {
                crate::dto::CreditKind::Project => "项目活动须填写学分来源 (source)",
                crate::dto::CreditKind::SelfManaged => "自管学分活动不能填写学分来源 (source)",
            },
        )
    })?;
    let owner = activity::owner_for(&state.db, &actor.scope)
        .await?
        .ok_or_else(|| ApiError::Forbidden("只有继教委办公室和单位可以创建活动".to_owned()))?;
    domain::check_new(category, owner, body.starts_on, body.ends_on).map_err(|e| match e {
        ActivityError::EndsBeforeStart => ApiError::field("ends_on", "结束日期不能早于开始日期"),
        ActivityError::TooLong => ApiError::field("ends_on", format!("活动最长 {} 天", domain::MAX_DAYS)),
        ActivityError::TooEarly => ApiError::field("starts_on", "不能登记 2015 年以前的活动"),
        ActivityError::SelfManagedNeedsUnit => ApiError::field("kind", "自管学分活动只能由单位创建"),
    })?;
    let new = activity::NewActivity {
        name: body.name.trim().to_owned(),
        organiser: body.organiser.trim().to_owned(),
        category,
        amount: body.amount.0,
        starts_on: body.starts_on,
        ends_on: body.ends_on,
        owner,
        created_by: Some(actor.name.clone()),
    };
    if new.name.is_empty() {
        return Err(ApiError::field("name", "请填写活动名称"));
    }
    if new.organiser.is_empty() {
        return Err(ApiError::field("organiser", "请填写主办单位"));
    }
    let ip = client_ip(&req);
    let txn = state.db.begin().await?;
    let created = activity::insert(&txn, &new).await?;
    let detail = json!({"code": created.code, "name": created.name, "kind": category.kind().as_str(),
        "source": category.source().map(cme_domain::credit::CreditSource::as_str), "amount": created.amount.to_json(),
        "starts_on": created.starts_on, "ends_on": created.ends_on});
    audit::append(&txn, &audit_entry(actor, &ip, AuditAction::ActivityCreate, &created).detail(detail)).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(ActivityDto::new(&created, 0, Utc::now(), true)))
}

/// Activities of the caller's organisation and of those below it, newest
/// first, by keyset pages; filters by credit year and part of the name.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(ActivityQuery),
    responses(
        (status = 200, body = ActivityPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ActivityQuery>,
    paging: Paging,
) -> Result<web::Json<ActivityPage>, ApiError> {
    let actor = caller.require(Operation::ManageActivities)?;
    let Paging { after, limit } = paging;
    let filter = activity::ActivityFilter { year: query.year, name_contains: query.name.clone() };
    let page = activity::list_scoped(&state.db, &actor.scope, &filter, after, limit).await?;
    let ids: Vec<ActivityId> = page.items.iter().map(|a| a.id).collect();
    let counts = activity::sign_in_counts(&state.db, &ids).await?;
    let now = Utc::now();
    let org = organisation(&state.db, actor).await?;
    Ok(web::Json(ActivityPage {
        items: page
            .items
            .iter()
            .map(|a| ActivityDto::new(a, counts.get(&a.id).copied().unwrap_or(0), now, owns(actor, org, a)))
            .collect(),
        next_cursor: page.next.map(|id| id.to_string()),
    }))
}

/// One activity with the number of people credited, if it is the caller's
/// or below it (else 404).
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ActivityDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<ActivityDto>, ApiError> {
    let actor = caller.require(Operation::ManageActivities)?;
    let a = activity::get_scoped(&state.db, &actor.scope, ActivityId(id.into_inner())).await?;
    let count = activity::sign_in_counts(&state.db, &[a.id]).await?.get(&a.id).copied().unwrap_or(0);
    let owned = owns(actor, organisation(&state.db, actor).await?, &a);
    Ok(web::Json(ActivityDto::new(&a, count, Utc::now(), owned)))
}

/// Cancel an activity (it is kept, never deleted). It takes no more
/// sign-ins or rosters; credits it already issued stay (reverse them one by
/// one if they must go). A second cancellation is 409 `already_cancelled`.
/// Only the organisation that created it: an office above it sees it and
/// gets 403.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CancelActivityRequest,
    responses(
        (status = 200, body = ActivityDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/{id}/cancel")]
pub async fn cancel_activity(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<CancelActivityRequest>,
) -> Result<web::Json<ActivityDto>, ApiError> {
    let actor = caller.require(Operation::ManageActivities)?;
    let reason = body.0.reason.trim().to_owned();
    let ip = client_ip(&req);
    let txn = state.db.begin().await?;
    let a = activity::get_scoped(&txn, &actor.scope, ActivityId(id.into_inner())).await?;
    may_act_on(&txn, actor, Operation::ManageActivities, object(&a)).await?;
    if !activity::cancel(&txn, a.id, &reason, Utc::now()).await? {
        return Err(ApiError::Conflict { code: ErrorCode::AlreadyCancelled, detail: "活动已取消".to_owned() });
    }
    audit::append(&txn, &audit_entry(actor, &ip, AuditAction::ActivityCancel, &a).detail(json!({"reason": reason})))
        .await?;
    let a = activity::get(&txn, a.id).await?;
    let count = activity::sign_in_counts(&txn, &[a.id]).await?.get(&a.id).copied().unwrap_or(0);
    txn.commit().await?;
    Ok(web::Json(ActivityDto::new(&a, count, Utc::now(), true)))
}

/// The activity's current sign-in code, for the QR code on the event's
/// screen. The code changes every minute (fetch again at
/// `window_started_at` + 60 s) and is accepted until `expires_at` (the end
/// of the next minute). Only while the activity runs: not cancelled, today
/// (Asia/Shanghai) between its first and last day; otherwise 409
/// `activity_not_running`. Only the organisation that created it (403 for
/// the offices above it).
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = SignInCodeDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/activities/{id}/sign-in-code")]
pub async fn get_sign_in_code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<NoStore<web::Json<SignInCodeDto>>, ApiError> {
    let actor = caller.require(Operation::ManageActivities)?;
    let a = activity::get_scoped(&state.db, &actor.scope, ActivityId(id.into_inner())).await?;
    may_act_on(&state.db, actor, Operation::ManageActivities, object(&a)).await?;
    let now = Utc::now();
    a.running_on(today_in_shanghai(now)).map_err(|why| ApiError::Conflict {
        code: ErrorCode::ActivityNotRunning,
        detail: not_running_message(&a, why),
    })?;
    let issued = issue(&state.sign_in_key, a.id, now);
    Ok(NoStore(web::Json(SignInCodeDto {
        url: format!("/m/sign-in?code={}", issued.code),
        code: issued.code,
        window_started_at: issued.window_started_at,
        expires_at: issued.expires_at,
        rotates_every_seconds: WINDOW_SECS,
    })))
}

/// Sign in to an activity with its code (trainees, on their phone): the
/// credit lands at once, valid, in the activity's year.
///
/// A code is good in its minute and the next one. 422 naming `code`: 签到码
/// 已过期 (an older code), 签到码无效 (altered or not a code), or the
/// activity is cancelled or not running today. A unit's own activity takes
/// only its staff (403). Once per person and activity: a second sign-in is
/// 409 `already_signed_in`; a person-year whose verification was submitted
/// is 409 `person_year_locked`.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    request_body = SignInRequest,
    responses(
        (status = 201, body = SignInResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/sign-in")]
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: ValidJson<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ClaimActivity)?;
    let Scope::Person(unit, person) = actor.scope else {
        return Err(ApiError::Forbidden("只有学员本人可以签到".to_owned()));
    };
    let now = Utc::now();
    let id = verify(&state.sign_in_key, &body.0.code, now).map_err(|e| match e {
        CodeError::Expired => ApiError::field("code", "签到码已过期"),
        CodeError::Invalid => ApiError::field("code", "签到码无效"),
    })?;
    let a = match activity::get(&state.db, id).await {
        // A genuine code of an activity that is gone cannot happen; say invalid.
        Err(StoreError::NotFound) => return Err(ApiError::field("code", "签到码无效")),
        other => other?,
    };
    let today = today_in_shanghai(now);
    a.running_on(today).map_err(|why| ApiError::field("code", not_running_message(&a, why)))?;
    if let ActivityOwner::Unit(owner) = a.owner
        && owner != unit
    {
        return Err(ApiError::Forbidden("本活动为单位内部活动，仅限本单位人员签到".to_owned()));
    }
    let record = a.credit_for(person, today, now, None);
    let credit_id = record.id;
    let ip = client_ip(&req);
    let txn = state.db.begin().await?;
    credit::record(
        &txn,
        &NewCredit { record, activity_id: Some(a.id.0), created_by: Some(actor.name.clone()), department_id: None },
    )
    .await?;
    let e = audit::AuditEntry::by(actor, AuditAction::ActivitySignIn)
        .ip(Some(&ip))
        .target(AuditTarget::Activity, a.id)
        .detail(json!({"code": a.code, "credit_id": credit_id, "person_id": person}));
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(SignInResult {
        credit_id: credit_id.0,
        activity_id: a.id.0,
        activity_code: a.code.clone(),
        activity_name: a.name.clone(),
        organiser: a.organiser.clone(),
        kind: a.category.kind().into(),
        source: a.category.source().map(Into::into),
        amount: Amount(a.amount),
        year: a.year(),
        earned_on: today,
    }))
}

/// One roster line: where it came from and the ID number as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterLine {
    pub row: usize,
    pub id_number: String,
}

/// The lines of a roster upload: JSON `{id_numbers}` (rows numbered from 1)
/// or CSV with the ID number in the first column, optionally under a header
/// `身份证号` (rows are file lines).
pub fn roster_lines(upload: Upload) -> Result<Vec<RosterLine>, ApiError> {
    let lines: Vec<RosterLine> = match upload {
        Upload::Json(bytes) => {
            let body: RosterRequest = parse(&bytes)?;
            body.validate().map_err(|e| validation_problem(&e))?;
            body.id_numbers.into_iter().enumerate().map(|(i, id_number)| RosterLine { row: i + 1, id_number }).collect()
        }
        Upload::Table(records) => roster_from_records(records),
    };
    if lines.is_empty() {
        return Err(ApiError::field("id_numbers", "名单中没有身份证号"));
    }
    if lines.len() > MAX_ROSTER {
        return Err(ApiError::field("id_numbers", format!("名单最多 {MAX_ROSTER} 行")));
    }
    Ok(lines)
}

/// The lines of a roster read as a table (CSV, or a spreadsheet's rows): the
/// ID number in the first column, a first row naming 身份证号 skipped.
pub fn roster_from_records(records: Vec<Record>) -> Vec<RosterLine> {
    let mut records = records.into_iter().peekable();
    if records.peek().is_some_and(|r| r.fields.first().is_some_and(|f| f.contains("身份证"))) {
        records.next();
    }
    records.map(|r| RosterLine { row: r.line, id_number: r.fields.into_iter().next().unwrap_or_default() }).collect()
}

/// Credits everyone on the roster who may have the credit, in one
/// transaction, and reports every line.
async fn process_roster(
    state: &AppState,
    actor: &Actor,
    ip: &str,
    a: &Activity,
    lines: Vec<RosterLine>,
    now: DateTime<Utc>,
) -> Result<RosterReport, ApiError> {
    let today = today_in_shanghai(now);
    let parsed: Vec<Result<IdCardNumber, IdCardError>> =
        lines.iter().map(|l| IdCardNumber::parse(&l.id_number, today)).collect();
    let numbers: Vec<IdCardNumber> = parsed.iter().filter_map(|p| p.as_ref().ok().cloned()).collect();

    let txn = state.db.begin().await?;
    let found = id_lookup::find_many(&txn, &state.pii, &numbers, &activity::owner_scope(a.owner)).await?;
    let people: Vec<PersonId> = found.values().map(|f| f.id).collect();
    let already = activity::signed_in(&txn, a.id, &people).await?;
    let mut run = RosterRun {
        actor,
        a,
        now,
        // The credit was earned at the event; a roster typed in later keeps its day.
        earned_on: today.min(a.ends_on),
        found,
        already,
        first_row: HashMap::new(),
        credited: Vec::new(),
    };
    let mut results = Vec::with_capacity(lines.len());
    for (line, parsed) in lines.iter().zip(parsed) {
        results.push(run.line(&txn, line, parsed).await?);
    }
    let credited = run.credited;
    let detail = json!({"code": a.code, "rows": lines.len(), "credited": credited.len(), "people": credited});
    audit::append(&txn, &audit_entry(actor, ip, AuditAction::ActivityRoster, a).detail(detail)).await?;
    txn.commit().await?;
    Ok(RosterReport { activity_id: a.id.0, rows: lines.len(), credited: credited.len(), results })
}

/// A roster being credited: what its lines are checked against, and whom it
/// has credited so far.
struct RosterRun<'a> {
    actor: &'a Actor,
    a: &'a Activity,
    now: DateTime<Utc>,
    earned_on: NaiveDate,
    /// The roster's people by ID number.
    found: HashMap<String, id_lookup::Found>,
    /// Those who signed in already.
    already: HashSet<PersonId>,
    /// The first line of each person.
    first_row: HashMap<PersonId, usize>,
    credited: Vec<PersonId>,
}

impl RosterRun<'_> {
    /// One line's report, its person credited if he may have the credit.
    async fn line(
        &mut self,
        txn: &DatabaseTransaction,
        line: &RosterLine,
        parsed: Result<IdCardNumber, IdCardError>,
    ) -> Result<RosterRowReport, ApiError> {
        let (masked, outcome, reason) = match parsed {
            Err(e) => (
                mask_id_number(line.id_number.trim()),
                RosterOutcome::InvalidIdNumber,
                cme_domain::roster::id_number_reason(&e).into(),
            ),
            Ok(number) => {
                let (outcome, reason) = match self.found.get(number.as_str()).copied() {
                    None => (RosterOutcome::UnknownPerson, "查无此人".to_owned()),
                    Some(f) if !f.in_scope => (RosterOutcome::OutOfJurisdiction, "不在主办机构的辖区内".to_owned()),
                    Some(f) => self.credit(txn, line.row, f.id).await?,
                };
                (number.masked(), outcome, reason)
            }
        };
        Ok(RosterRowReport { row: line.row, id_number_masked: masked, outcome, reason })
    }

    /// Credits a person of the organiser's jurisdiction (first named on line
    /// `row`) once.
    async fn credit(
        &mut self,
        txn: &DatabaseTransaction,
        row: usize,
        person: PersonId,
    ) -> Result<(RosterOutcome, String), ApiError> {
        if let Some(first) = self.first_row.get(&person) {
            return Ok((RosterOutcome::DuplicateRow, format!("与第 {first} 行为同一人")));
        }
        self.first_row.insert(person, row);
        if self.already.contains(&person) {
            return Ok((RosterOutcome::AlreadySignedIn, "已签到，本活动的学分已记入".to_owned()));
        }
        let record = self.a.credit_for(person, self.earned_on, self.now, Some("签到名单导入".into()));
        let new = NewCredit {
            record,
            activity_id: Some(self.a.id.0),
            created_by: Some(self.actor.name.clone()),
            department_id: None,
        };
        // The lock is checked before the insert, so a locked person-year
        // leaves the transaction usable.
        match credit::record(txn, &new).await {
            Err(StoreError::Locked { year }) => Ok((RosterOutcome::Locked, format!("{year} 年度的学分已锁定"))),
            Err(e) => Err(e.into()),
            Ok(()) => {
                self.credited.push(person);
                Ok((RosterOutcome::Credited, "已记入学分".to_owned()))
            }
        }
    }
}

/// Upload the attendance roster of an activity that has begun (during or
/// after the event): JSON `{"id_numbers": [...]}` or `text/csv` with one ID
/// number a line (optional header `身份证号`).
///
/// Each line is reported (row, masked ID number, outcome, reason):
/// `credited`, `invalid_id_number`, `unknown_person`, `out_of_jurisdiction`
/// (a unit's activity credits only its staff, an office's only people of
/// its region, the province's anyone), `duplicate_row`, `already_signed_in`
/// or `locked`. All credits of one upload are written in one transaction.
/// A cancelled activity is 409 `activity_cancelled`; one that has not begun
/// is 409 `activity_not_started`. Only the organisation that created it
/// (403 for the offices above it).
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(
        description = "JSON, or CSV with one ID number a line",
        content((RosterRequest = "application/json"), (inline(crate::dto::FileBytes) = "text/csv", example = "身份证号\n11010519491231002X\n"))
    ),
    responses(
        (status = 200, body = RosterReport),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities/{id}/roster")]
pub async fn upload_roster(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    upload: Upload,
) -> Result<web::Json<RosterReport>, ApiError> {
    let actor = caller.require(Operation::ManageActivities)?;
    let a = activity::get_scoped(&state.db, &actor.scope, ActivityId(id.into_inner())).await?;
    may_act_on(&state.db, actor, Operation::ManageActivities, object(&a)).await?;
    let now = Utc::now();
    match a.running_on(today_in_shanghai(now)) {
        Err(NotRunning::Cancelled) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::ActivityCancelled, detail: "活动已取消".to_owned()
            });
        }
        Err(NotRunning::NotStarted) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::ActivityNotStarted,
                detail: format!("活动尚未开始（{} 开始），不能导入签到名单", a.starts_on),
            });
        }
        Ok(()) | Err(NotRunning::Ended) => {}
    }
    let lines = roster_lines(upload)?;
    let ip = client_ip(&req);
    Ok(web::Json(process_roster(&state, actor, &ip, &a, lines, now).await?))
}
