//! The what-if calculator, and the compliance queries (人员达标情况查询)
//! over the stored verdicts, as pages or as one export (XLSX, or a PDF to
//! print).

use actix_web::{HttpResponse, get, post, web};
use cme_domain::audit::AuditAction;
use cme_domain::compliance::{self, CourseStatus};
use cme_domain::standard::{Profile, StandardError};
use utoipa_actix_web::service_config::ServiceConfig;

use cme_domain::auth::{Operation, Scope};
use cme_domain::compliance::Outcome;
use cme_store::repo::compliance::{self as stored, ComplianceFilter};
use cme_store::repo::exclusive_run;

use crate::AppState;
use crate::attachment::{XLSX, attachment};
use crate::auth::Caller;
use crate::dto::ExportFormatQuery;
use crate::dto::compliance::{AllocationDto, AppliedStandard, EvaluateRequest, EvaluateResponse, ShortfallDto};
use crate::dto::credits::{
    CompliancePage, ComplianceQuery, ComplianceRowDto, OutcomeCounts, RecomputeRequest, RecomputeResult,
};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::ValidJson;
use crate::figures;
use crate::paging::Paging;
use crate::reports::{self, ExportFormat};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(evaluate).service(list_compliance).service(recompute).service(export_compliance);
}

/// Evaluate a profile and a list of credits against the standard of a year.
///
/// The what-if calculator (学分达标计算器): public, stores nothing. The
/// answer says whether the person is compliant, every shortfall with the
/// amount missing, the standard row applied, the counted buckets, and where
/// each credit counted (or why it did not).
#[utoipa::path(
    tag = "compliance",
    request_body = EvaluateRequest,
    responses(
        (status = 200, description = "The verdict", body = EvaluateResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/compliance/evaluate")]
pub async fn evaluate(
    state: web::Data<AppState>,
    body: ValidJson<EvaluateRequest>,
) -> Result<web::Json<EvaluateResponse>, ApiError> {
    let req = body.0;
    let credits = req.credit_inputs()?;
    let standard = cme_store::repo::standard::get_published(&state.db, req.year)
        .await?
        .ok_or_else(|| ApiError::field("year", format!("{} 年度没有学分验证标准", req.year)))?;
    let profile = Profile {
        unit_level: req.unit_level.into(),
        title_level: req.title_level.map(Into::into),
        discipline: req.discipline.into(),
    };
    let row = standard.requirement(profile).map_err(|e| match e {
        StandardError::TitleRequired(_) => ApiError::field("title_level", "该单位级别须填写职称级别"),
        other => ApiError::field("year", other.to_string()),
    })?;
    let course = CourseStatus::new(standard.mandatory_course.is_some(), req.mandatory_course_completed);
    let evaluation = compliance::evaluate(&row.requirement, course, &credits);
    let allocation = compliance::allocate(&row.requirement, &credits);
    let course_name = standard.mandatory_course.as_ref().map(|c| c.name.as_str());

    Ok(web::Json(EvaluateResponse {
        compliant: evaluation.compliant,
        shortfalls: evaluation.shortfalls.iter().map(|s| ShortfallDto::new(s, course_name)).collect(),
        standard: AppliedStandard::new(standard.year, standard.version, row, standard.mandatory_course.as_ref()),
        buckets: evaluation.buckets.into(),
        allocation: allocation
            .iter()
            .zip(&credits)
            .enumerate()
            .map(|(i, (a, c))| AllocationDto::new(i, a, c))
            .collect(),
    }))
}

/// People's compliance for a year in the caller's jurisdiction (人员达标情况查询).
///
/// Filter by discipline, unit, department, region (county or prefecture),
/// outcome and name; keyset pages of 50 by default. Each row carries the
/// counted credits and every shortfall (不达标原因). The first page also
/// counts the query's people by outcome (`counts_at` says when: at a province
/// or prefecture office the counts are shared by all who ask the same query
/// and counted again in the background after 30 s).
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = []), ("client" = [])),
    params(ComplianceQuery),
    responses(
        (status = 200, body = CompliancePage),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/compliance")]
pub async fn list_compliance(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ComplianceQuery>,
    paging: Paging,
) -> Result<web::Json<CompliancePage>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let f = ComplianceFilter::try_from(&*query)?;
    let Paging { after, limit } = paging;
    let page = stored::list(&state.db, &actor.scope, &f, after, limit).await?;
    let counts = match after {
        None => {
            let shared = match actor.scope {
                Scope::Province => true,
                Scope::Region(_) => figures::shared_at(crate::office::office_scope(&state, actor).await?),
                Scope::Unit(_) | Scope::Department(..) | Scope::Person(..) => false,
            };
            Some(figures::compliance_counts(&state, actor, &f, shared).await?)
        }
        Some(_) => None,
    };
    let course = cme_store::repo::standard::get_published(&state.db, f.year).await?.and_then(|s| s.mandatory_course);
    let course = course.as_ref().map(|c| c.name.as_str());
    Ok(web::Json(CompliancePage {
        next_cursor: page.next.map(|id| id.to_string()),
        items: page.items.into_iter().map(|r| ComplianceRowDto::new(r, course)).collect(),
        counts: counts.as_ref().map(|c| OutcomeCounts::from(&c.counts)),
        counts_at: counts.map(|c| c.computed_at),
    }))
}

/// The name of the recomputation's claim in `exclusive_runs`.
const RECOMPUTE_RUN: &str = "compliance_recompute";

/// The task renewing a claim; stopped when dropped (also when the request
/// is dropped half-way), after which the claim lapses by itself.
struct Renewal(actix_web::rt::task::JoinHandle<()>);

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Recompute the stored compliance of every person for a year, set-wise
/// (after a standard is edited); province offices and the administrator.
///
/// One at a time across every instance: while one runs (and the VACUUM that
/// follows a large rewrite), another is refused with 409
/// `recompute_running`.
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = [])),
    request_body = RecomputeRequest,
    responses(
        (status = 200, body = RecomputeResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another recomputation is running", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/compliance/recompute")]
pub async fn recompute(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    caller: Caller,
    body: ValidJson<RecomputeRequest>,
) -> Result<web::Json<RecomputeResult>, ApiError> {
    let actor = caller.require(Operation::RecomputeCompliance)?;
    let started = std::time::Instant::now();
    let from = if body.0.from_credits { stored::RecomputeFrom::Credits } else { stored::RecomputeFrom::Stored };
    // A province's recomputation reads every person's inputs and may rewrite
    // every verdict: under load it doubles everyone's latency, so it runs once
    // at a time across the instances, and a second one is refused.
    let holder = format!("{}:{}", std::process::id(), uuid::Uuid::new_v4());
    if !exclusive_run::claim(&state.db, RECOMPUTE_RUN, &holder).await? {
        return Err(ApiError::Conflict {
            code: ErrorCode::RecomputeRunning,
            detail: "另一次达标情况重算正在进行（同一时间只进行一次），请在其完成后再试".to_owned(),
        });
    }
    let renewer = {
        let (db, holder) = (state.db.clone(), holder.clone());
        Renewal(actix_web::rt::spawn(async move {
            loop {
                actix_web::rt::time::sleep(exclusive_run::RENEW_EVERY).await;
                if let Err(e) = exclusive_run::renew(&db, RECOMPUTE_RUN, &holder).await {
                    tracing::warn!(error = %e, "renewing the recomputation's claim failed");
                }
            }
        }))
    };
    let release = move |db: sea_orm::DatabaseConnection| async move {
        drop(renewer);
        if let Err(e) = exclusive_run::release(&db, RECOMPUTE_RUN, &holder).await {
            tracing::warn!(error = %e, "releasing the recomputation's claim failed (it lapses by itself)");
        }
    };
    let stats = match stored::recompute_year(&state.db, body.0.year, from).await {
        Ok(stats) => stats,
        Err(e) => {
            release(state.db.clone()).await;
            return Err(e.into());
        }
    };
    let db = state.db.clone();
    if stats.written > stats.people / 10 {
        // Many rows rewritten: vacuum in the background so that the lists'
        // counts stay index-only scans; the claim holds until it is done.
        actix_web::rt::spawn(async move {
            if let Err(e) = stored::vacuum(&db).await {
                tracing::warn!(error = %e, "vacuum after a recomputation failed");
            }
            release(db).await;
        });
    } else {
        release(db).await;
    }
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let e = cme_store::repo::audit::AuditEntry::by(actor, AuditAction::ComplianceRecompute)
        .ip(Some(&crate::auth::client_ip(&req)))
        .detail(serde_json::json!({"year": body.0.year, "from_credits": body.0.from_credits, "people": stats.people,
            "written": stats.written, "millis": millis}));
    cme_store::repo::audit::append(&state.db, &e).await?;
    let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
    Ok(web::Json(RecomputeResult {
        year: body.0.year,
        people: n(stats.people),
        written: n(stats.written),
        counts: OutcomeCounts {
            compliant: n(stats.compliant),
            non_compliant: n(stats.non_compliant),
            not_counted: n(stats.not_counted),
            undetermined: n(stats.undetermined),
        },
        millis,
    }))
}

/// The most rows one export writes.
const EXPORT_CAP: u64 = 100_000;
/// The most people one printed list holds (about 400 pages of A4): a
/// larger query is printed by region or unit.
const PRINT_CAP: u64 = 10_000;

/// The compliance list of a query as XLSX (人员达标情况), with the same
/// filters as `GET /compliance`, up to 100,000 rows. With `format=pdf`, the
/// list to print (up to 10,000 people; a larger query is refused, naming
/// how to narrow it): A4 landscape, headed by the office, the filters in
/// words and the day (北京时间), a chart of the query's people by outcome,
/// then one row per person.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = []), ("client" = [])),
    params(ComplianceQuery, ExportFormatQuery),
    responses(
        (status = 200, description = "The list: XLSX, or PDF with `format=pdf`", content(
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (inline(crate::dto::FileBytes) = "application/pdf"),
        )),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A unit, department or region of the filters outside the caller's jurisdiction (PDF)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/compliance/export")]
pub async fn export_compliance(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ComplianceQuery>,
    format: web::Query<ExportFormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let format = ExportFormat::parse(format.format.as_deref())?;
    let f = ComplianceFilter::try_from(&*query)?;
    if format == ExportFormat::Pdf {
        return compliance_pdf(&state, actor, f).await;
    }
    let rows = stored::list_all(&state.db, &actor.scope, &f, EXPORT_CAP).await?;
    let course = cme_store::repo::standard::get_published(&state.db, f.year).await?.and_then(|s| s.mandatory_course);
    let title = format!("{}年度人员达标情况", f.year);
    let sheet_title = title.clone();
    let bytes = web::block(move || {
        let mut list = cme_documents::ComplianceListXlsx::new(&sheet_title)?;
        for r in rows {
            let shortfalls = shortfalls_of(&r, course.as_ref().map(|c| c.name.as_str()));
            list.push_row(&cme_documents::ComplianceRow {
                name: r.name,
                id_number: r.id_number_masked,
                unit: r.unit_name,
                department: r.department_name.unwrap_or_default(),
                discipline: r.discipline.label().to_owned(),
                title_level: r.title.map(|t| t.level.label().to_owned()).unwrap_or_default(),
                class1_tenths: i64::from(r.counted_i.tenths()),
                class2_tenths: i64::from(r.counted_ii.tenths()),
                self_managed_tenths: i64::from(r.self_managed.tenths()),
                total_tenths: i64::from(r.total.tenths()),
                compliant: r.outcome == Outcome::Compliant,
                shortfalls,
            })?;
        }
        list.finish()
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(ApiError::from)?;
    Ok(attachment(bytes, XLSX, &format!("{title}.xlsx"), &format!("compliance-{}.xlsx", f.year)))
}

/// Why a person is not compliant, in words (不达标原因), or why he is not counted.
fn shortfalls_of(r: &stored::ComplianceRow, course: Option<&str>) -> Vec<String> {
    let mut shortfalls: Vec<String> = r.shortfalls.iter().map(|s| s.message(course)).collect();
    if let Some(note) = &r.note {
        shortfalls.push(note.clone());
    }
    if r.outcome == Outcome::NotCounted {
        shortfalls.insert(0, format!("{}（{}）", Outcome::NotCounted.label(), r.status.label()));
    }
    shortfalls
}

/// The filters of a compliance query in words; the unit, department and
/// region named are read in the caller's jurisdiction (404 outside it).
async fn filters_in_words(
    state: &AppState,
    actor: &cme_domain::auth::Actor,
    f: &ComplianceFilter,
) -> Result<Vec<(String, String)>, ApiError> {
    use cme_store::repo::{department, region, unit};
    let mut words = vec![("年度".to_owned(), format!("{}年", f.year))];
    if let Some(r) = f.region_id {
        words.push(("地区".to_owned(), region::get_scoped(&state.db, &actor.scope, r).await?.name));
    }
    if let Some(u) = f.unit_id {
        words.push(("单位".to_owned(), unit::get_scoped(&state.db, &actor.scope, u).await?.unit.name));
    }
    if let Some(d) = f.department_id {
        words.push(("科室".to_owned(), department::get_scoped(&state.db, &actor.scope, d).await?.name));
    }
    words.push(("专业类别".to_owned(), f.discipline.map_or("全部", |d| d.label()).to_owned()));
    if let Some(o) = f.outcome {
        words.push(("结果".to_owned(), o.label().to_owned()));
    }
    if let Some(name) = &f.name_contains {
        words.push(("姓名包含".to_owned(), name.trim().to_owned()));
    }
    Ok(words)
}

/// The compliance list as a printed report.
async fn compliance_pdf(
    state: &AppState,
    actor: &cme_domain::auth::Actor,
    f: ComplianceFilter,
) -> Result<HttpResponse, ApiError> {
    use cme_documents::{Bar, BarChart, BarGroup, ReportColumn, Series, format_tenths, layout::Rgb};
    let filters = filters_in_words(state, actor, &f).await?;
    let counts = stored::counts(&state.db, &actor.scope, &f).await?;
    let count = |o: Outcome| counts.get(&o).copied().unwrap_or(0);
    let listed = match f.outcome {
        Some(o) => count(o),
        None => counts.values().sum(),
    };
    if listed > PRINT_CAP {
        return Err(ApiError::field(
            "format",
            format!(
                "查询结果有 {listed} 人，超过打印上限 {PRINT_CAP} 人；请按地区、单位或结果缩小范围后再打印，或导出 XLSX"
            ),
        ));
    }
    let rows = stored::list_all(&state.db, &actor.scope, &f, PRINT_CAP).await?;
    let course = cme_store::repo::standard::get_published(&state.db, f.year).await?.and_then(|s| s.mandatory_course);
    let title = format!("{}年度人员达标情况", f.year);
    let head = reports::head(state, actor, title.clone(), filters).await?;

    let all: u64 = counts.values().sum();
    let outcomes = [Outcome::Compliant, Outcome::NonCompliant, Outcome::NotCounted, Outcome::Undetermined];
    let max = outcomes.iter().map(|o| count(*o)).max().unwrap_or(0).max(1);
    let chart = BarChart {
        title: "达标情况（按结果）".to_owned(),
        series: vec![Series { name: "人数".to_owned(), colour: Rgb(22, 119, 255) }],
        groups: outcomes
            .iter()
            .map(|o| {
                let n = count(*o);
                let share = reports::rate_text(cme_domain::report::per_mille(n, all));
                BarGroup {
                    label: o.label().to_owned(),
                    bars: vec![Bar { value: Some(n), text: format!("{n} 人（{share}）") }],
                }
            })
            .collect(),
        max,
        ticks: vec![(0, "0".to_owned()), (max / 2, (max / 2).to_string()), (max, max.to_string())],
        marker: None,
        note: Some(format!("共 {all} 人")),
    };
    let columns = vec![
        ReportColumn::text("姓名", "name", 46.0),
        ReportColumn::centred("身份证号", "id_number", 82.0),
        ReportColumn::text("单位", "unit", 100.0),
        ReportColumn::text("科室", "department", 52.0),
        ReportColumn::text("专业类别", "discipline", 52.0),
        ReportColumn::centred("职称级别", "title_level", 32.0),
        ReportColumn::figure("I类", "class1", 28.0),
        ReportColumn::figure("II类", "class2", 28.0),
        ReportColumn::figure("自管", "self_managed", 28.0),
        ReportColumn::figure("总学分", "total", 32.0),
        ReportColumn::centred("结果", "outcome", 36.0),
        ReportColumn::text("不达标原因", "shortfalls", 150.0),
    ];
    let course = course.map(|c| c.name);
    let cells = move |_: usize, r: &stored::ComplianceRow| {
        vec![
            r.name.clone(),
            r.id_number_masked.clone(),
            r.unit_name.clone(),
            r.department_name.clone().unwrap_or_default(),
            r.discipline.label().to_owned(),
            r.title.as_ref().map(|t| t.level.label().to_owned()).unwrap_or_default(),
            format_tenths(i64::from(r.counted_i.tenths())),
            format_tenths(i64::from(r.counted_ii.tenths())),
            format_tenths(i64::from(r.self_managed.tenths())),
            format_tenths(i64::from(r.total.tenths())),
            r.outcome.label().to_owned(),
            shortfalls_of(r, course.as_deref()).join("；"),
        ]
    };
    let bytes = reports::render(state, head, Some(chart), columns, rows, cells, None).await?;
    Ok(attachment(bytes, "application/pdf", &format!("{title}.pdf"), &format!("compliance-{}.pdf", f.year)))
}
