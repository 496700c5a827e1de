//! 工作台: every staff member's landing page in one answer. What waits on
//! the caller (each count one range of an index), the open cycle's phase
//! and deadlines, and the progress of the offices or units below (shared
//! for a few seconds, `crate::figures`).

use actix_web::{get, web};
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::cycle::calendar::Phase;
use cme_domain::cycle::list::ListKind as DomainList;
use cme_domain::cycle::window::WindowTier as DomainTier;
use cme_domain::review::StateKind;
use cme_domain::time;
use cme_store::repo::cycle::{self as cycles, CycleRecord};
use cme_store::repo::verification::{self as verifications, Grouping, OfficeScope};
use cme_store::repo::{credit_report, title_correction, transfer};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::AppState;
use crate::auth::Caller;
use crate::clock;
use crate::dto::verification::{ListKind, StatsRow};
use crate::dto::workbench::{TaskKind, Workbench, WorkbenchCycle, WorkbenchDeadline, WorkbenchQuery, WorkbenchTask};
use crate::error::{ApiError, Problem};
use crate::figures;
use crate::office::{office_region, office_scope, tier_of};

/// Registers this resource's routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(workbench);
}

/// 工作台: what waits on the caller by kind (records to review per list,
/// numbers to issue, returned and unsubmitted records, department reports,
/// transfers, title corrections), the cycle's phase with the days left in
/// the caller's windows and the province's data deadline, and the progress
/// of the prefectures, counties or units below, least progress first.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(WorkbenchQuery),
    responses(
        (status = 200, body = Workbench),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/workbench")]
pub async fn workbench(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<WorkbenchQuery>,
) -> Result<web::Json<Workbench>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let scope = office_scope(&state, actor).await?;
    let cycle = match query.cycle_year {
        Some(year) => Some(crate::office::opened_cycle(&state, year).await?),
        None => working_cycle(&state).await?,
    };
    let mut tasks = other_tasks(&state, actor, scope).await?;
    let Some(cycle) = cycle else {
        return Ok(web::Json(Workbench {
            cycle: None,
            tasks,
            below_by: None,
            below: Vec::new(),
            total: None,
            figures_at: None,
        }));
    };
    let year = cycle.calendar.year();
    tasks.splice(0..0, record_tasks(&state, actor, scope, year).await?);
    let below_by = below(scope);
    // An office's figures are the same for all its staff: shared for a few seconds.
    let key = figures::FiguresKey { scope, year, group: below_by.unwrap_or(Grouping::Unit), discipline: None };
    let figures = figures::figures_of(&state, actor, key, below_by.is_some()).await?;
    if actor.may(Operation::SubmitVerifications) {
        tasks.push(task(TaskKind::NotSubmitted, None, "未上报人员".to_owned(), figures.total.missing));
    }
    let mut rows = if below_by.is_some() { figures.rows.clone() } else { Vec::new() };
    rows.sort_by(|a, b| progress(a).cmp(&progress(b)).then_with(|| a.name.cmp(&b.name)));
    Ok(web::Json(Workbench {
        cycle: Some(cycle_view(&state, actor, &cycle).await?),
        tasks,
        below_by: below_by.map(Into::into),
        below: rows,
        total: Some(figures.total.clone()),
        figures_at: Some(figures.computed_at),
    }))
}

/// The cycle the offices work in: the latest open one, else the latest opened.
async fn working_cycle(state: &AppState) -> Result<Option<CycleRecord>, ApiError> {
    let today = clock::today();
    let all = cycles::list(&state.db).await?;
    let open = all.iter().position(|c| !matches!(c.calendar.phase(today), Phase::NotOpen | Phase::Closed));
    Ok(open.or(if all.is_empty() { None } else { Some(0) }).map(|i| all[i].clone()))
}

/// How the jurisdiction below an office is grouped (none below a unit).
fn below(scope: OfficeScope) -> Option<Grouping> {
    match scope {
        OfficeScope::Province => Some(Grouping::Prefecture),
        OfficeScope::Prefecture(_) => Some(Grouping::County),
        OfficeScope::County(_) => Some(Grouping::Unit),
        OfficeScope::Unit(_) | OfficeScope::Department(..) => None,
    }
}

/// Approved per mille of the people to verify; groups with nobody to verify last.
fn progress(row: &StatsRow) -> u64 {
    (row.approved * 1000).checked_div(row.to_verify).unwrap_or(u64::MAX)
}

fn task(kind: TaskKind, list: Option<ListKind>, label: String, count: u64) -> WorkbenchTask {
    WorkbenchTask { kind, list, label, count }
}

/// The verification records waiting on the caller: to review and to number
/// (an office), returned and prepared (a unit or department).
async fn record_tasks(
    state: &AppState,
    actor: &Actor,
    scope: OfficeScope,
    year: i32,
) -> Result<Vec<WorkbenchTask>, ApiError> {
    let mut out = Vec::new();
    if actor.may(Operation::ReviewVerifications) {
        let tier = tier_of(actor)?;
        // One range of the queue index: what waits on this tier.
        let counts = verifications::counts_by(&state.db, scope, year, Grouping::Prefecture, Some(tier), None).await?;
        for list in [DomainList::Normal, DomainList::MakeUp, DomainList::Special] {
            let n =
                counts.iter().filter(|c| c.list_kind == list && c.state == StateKind::InReview).map(|c| c.count).sum();
            out.push(task(TaskKind::ReviewRecords, Some(list.into()), format!("{}待审核", list.label()), n));
        }
        if actor.may(Operation::IssueCertificateNumbers) {
            let n = counts.iter().filter(|c| c.state == StateKind::Approved).map(|c| c.count).sum();
            out.push(task(TaskKind::AwaitingNumbers, None, "待生成证书编号".to_owned(), n));
        }
    }
    if actor.may(Operation::SubmitVerifications) {
        let counts = verifications::counts_by(&state.db, scope, year, Grouping::Unit, None, None).await?;
        let of = |s: StateKind| counts.iter().filter(|c| c.state == s).map(|c| c.count).sum();
        out.push(task(TaskKind::ReturnedRecords, None, "退回待修改".to_owned(), of(StateKind::Returned)));
        out.push(task(TaskKind::PreparedRecords, None, "已准备待上报".to_owned(), of(StateKind::Prepared)));
    }
    Ok(out)
}

/// The work that does not depend on the cycle: department reports,
/// transfers, title corrections.
async fn other_tasks(state: &AppState, actor: &Actor, scope: OfficeScope) -> Result<Vec<WorkbenchTask>, ApiError> {
    let mut out = Vec::new();
    if actor.may(Operation::ReviewCredits) {
        let n = credit_report::count_open(&state.db, &actor.scope).await?;
        out.push(task(TaskKind::CreditReports, None, "科室学分上报待审核".to_owned(), n));
    }
    // Transfers are a unit's business, not a department's.
    if actor.may(Operation::ManagePeople) && !matches!(actor.scope, Scope::Department(..)) {
        let n = transfer::count_pending_incoming(&state.db, &actor.scope).await?;
        out.push(task(TaskKind::Transfers, None, "待接收调入".to_owned(), n));
    }
    if actor.may(Operation::ReviewTitleCorrections) {
        let n = title_correction::count_waiting(&state.db, scope.into(), tier_of(actor)?).await?;
        out.push(task(TaskKind::TitleCorrections, None, "职称更正待审核".to_owned(), n));
    }
    Ok(out)
}

/// The cycle's phase and the caller's deadlines: a unit's own window, an
/// office's windows in force for the tiers of units below it, and the
/// province's data deadline.
async fn cycle_view(state: &AppState, actor: &Actor, cycle: &CycleRecord) -> Result<WorkbenchCycle, ApiError> {
    let calendar = &cycle.calendar;
    let today = clock::today();
    let deadline = |label: String, tier: Option<DomainTier>, own: bool, ends_at| WorkbenchDeadline {
        label,
        tier: tier.map(Into::into),
        own,
        ends_at,
        ends_label: format!("{}（北京时间）", time::fmt_local(ends_at)),
        days_left: (time::today_in_shanghai(ends_at) - today).num_days(),
    };
    let mut deadlines = Vec::new();
    match actor.scope {
        Scope::Unit(u) | Scope::Department(u, _) => {
            let w = cycles::effective_for_unit(&state.db, calendar, u).await?;
            deadlines.push(deadline("本单位上报截止".to_owned(), Some(w.tier()), true, w.ends_at()));
        }
        _ => {
            if let Some(office) = office_region(state, actor).await? {
                let path = cycles::path_of(&state.db, office.id).await?;
                let own = cycles::windows_of(&state.db, calendar.year(), &[office.id]).await?;
                for tier in [DomainTier::CountyAndAbove, DomainTier::Township, DomainTier::Village] {
                    let w = cycles::effective(&state.db, calendar, tier, &path).await?;
                    let set_here = own.iter().any(|o| o.window.tier() == tier);
                    deadlines.push(deadline(format!("{}截止", tier.label()), Some(tier), set_here, w.ends_at()));
                }
            }
        }
    }
    let due = time::local_day_end(calendar.data_due());
    deadlines.push(deadline("数据报送省级截止".to_owned(), None, false, due));
    let phase = calendar.phase(today);
    Ok(WorkbenchCycle { year: calendar.year(), phase: phase.into(), phase_label: phase.label().to_owned(), deadlines })
}
