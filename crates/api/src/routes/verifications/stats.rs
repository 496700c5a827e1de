//! The cycle's statistics (验证统计), by unit, county or prefecture, as
//! JSON, as XLSX or as a printable A4 PDF: the store's tallies folded by
//! `domain::report`.

use actix_web::{HttpResponse, get, web};
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::report;
use cme_store::repo::cycle as cycles;
use cme_store::repo::verification::Grouping;

use crate::AppState;
use crate::attachment::{XLSX, attachment};
use crate::auth::Caller;
use crate::dto::ExportFormatQuery;
use crate::dto::verification::{StatsDto, StatsQuery, StatsRow};
use crate::error::{ApiError, Problem};
use crate::figures;
use crate::office::{office_scope, opened_cycle};
use crate::reports::{self, ExportFormat};

/// The cycle's figures in the caller's jurisdiction, per unit (default),
/// county or prefecture: people to verify, compliant, submitted, returned,
/// approved, with a certificate number, the pass rate and what is still
/// missing, and how many of them went on paper (纸质验证); a unit sees its own with the end of its window.
/// At a province or prefecture office the figures are shared by all who ask
/// and computed again in the background after 30 s (`figures_at` says when
/// they were computed); a county's and a unit's are computed for each request.
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
    Ok(web::Json(compute_stats(&state, actor, &query, Sharing::Shared).await?))
}

/// Whether the statistics may come from the figures shared at a province or
/// prefecture office (`figures::shared_at`), or are computed now (a printed
/// or exported report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sharing {
    Shared,
    Live,
}

/// The report (SPEC §10) as XLSX: the same figures as
/// `/verification-stats`, one row per unit, county or prefecture, with the
/// compliance and pass rates and the total, numbers as numbers. With
/// `format=pdf`, the report to print: A4 landscape, headed by the office,
/// the filters in words and the day (北京时间), a chart of the compliance
/// and pass rates against the 95% line, then the table with its total.
#[utoipa::path(
    tag = "verification",
    security(("bearer" = [])),
    params(StatsQuery, ExportFormatQuery),
    responses(
        (status = 200, description = "XLSX, or PDF with `format=pdf`", content(
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (inline(crate::dto::FileBytes) = "application/pdf"),
        )),
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
    format: web::Query<ExportFormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ReadReports)?;
    let format = ExportFormat::parse(format.format.as_deref())?;
    let dto = compute_stats(&state, actor, &query, Sharing::Live).await?;
    let by = Grouping::from(dto.by).label();
    let discipline = query.discipline.map_or("全部专业", |d| cme_domain::person::Discipline::from(d).label());
    let title = format!("{}年度学分验证统计（按{by}，{discipline}）", dto.cycle_year);
    if format == ExportFormat::Pdf {
        let filters = vec![
            ("年度".to_owned(), format!("{}年", dto.cycle_year)),
            ("统计口径".to_owned(), format!("按{by}")),
            ("专业类别".to_owned(), discipline.to_owned()),
        ];
        let head = reports::head(&state, actor, title, filters).await?;
        let bytes = stats_pdf(&state, head, by, dto.rows, &dto.total).await?;
        let name = format!("{}年度学分验证统计.pdf", dto.cycle_year);
        return Ok(attachment(bytes, "application/pdf", &name, &format!("stats-{}.pdf", dto.cycle_year)));
    }
    let row = |r: &StatsRow| cme_documents::ReportRow {
        name: r.name.clone(),
        counts: vec![
            r.to_verify,
            r.compliant,
            r.submitted,
            r.returned,
            r.approved,
            r.certified,
            r.missing,
            r.paper_submitted,
            r.paper_approved,
        ],
        rates: vec![report::per_mille(r.compliant, r.to_verify), r.pass_rate_per_mille],
    };
    let rows: Vec<cme_documents::ReportRow> = dto.rows.iter().map(row).collect();
    let total = row(&dto.total);
    let columns = [
        "应验证人数",
        "达标人数",
        "已上报",
        "退回待改",
        "审核通过",
        "已发证书",
        "未上报",
        "纸质验证上报",
        "纸质验证通过",
    ];
    let rate_columns = ["达标率", "审核通过率"];
    let bytes = web::block(move || cme_documents::report_xlsx(&title, by, &columns, &rate_columns, &rows, &total))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let name = format!("{}年度学分验证统计.xlsx", dto.cycle_year);
    Ok(attachment(bytes, XLSX, &name, &format!("stats-{}.xlsx", dto.cycle_year)))
}

/// The most rows the printed report's chart shows (one A4 landscape page
/// holds it above the table's first rows); more are shown by their lowest
/// compliance rates.
const CHART_ROWS: usize = 20;

/// The statistics as a printed report.
async fn stats_pdf(
    state: &AppState,
    head: cme_documents::ReportHead,
    by: &str,
    rows: Vec<StatsRow>,
    total: &StatsRow,
) -> Result<Vec<u8>, ApiError> {
    use cme_documents::{Bar, BarChart, BarGroup, ReportColumn, Series, layout::Rgb};
    let compliance = |r: &StatsRow| report::per_mille(r.compliant, r.to_verify);
    // The chart: every row, or the lowest compliance rates when there are many.
    let (shown, note): (Vec<&StatsRow>, Option<String>) = if rows.len() <= CHART_ROWS {
        (rows.iter().collect(), None)
    } else {
        let mut rated: Vec<&StatsRow> = rows.iter().filter(|r| compliance(r).is_some()).collect();
        rated.sort_by(|a, b| compliance(a).cmp(&compliance(b)).then_with(|| a.name.cmp(&b.name)));
        rated.truncate(CHART_ROWS);
        let note = format!("共 {} 个{by}，图中为达标率最低的 {} 个", rows.len(), rated.len());
        (rated, Some(note))
    };
    let bar = |pm: Option<u32>| Bar { value: pm.map(u64::from), text: reports::rate_text(pm) };
    let chart = BarChart {
        title: "达标率与审核通过率".to_owned(),
        series: vec![
            Series { name: "达标率".to_owned(), colour: Rgb(22, 119, 255) },
            Series { name: "审核通过率".to_owned(), colour: Rgb(56, 158, 13) },
        ],
        groups: shown
            .iter()
            .map(|r| BarGroup { label: r.name.clone(), bars: vec![bar(compliance(r)), bar(r.pass_rate_per_mille)] })
            .collect(),
        max: 1000,
        ticks: reports::rate_ticks(),
        marker: Some((950, "95% 合格线".to_owned())),
        note,
    };
    let columns = vec![
        ReportColumn::text(by, "name", 150.0),
        ReportColumn::figure("应验证人数", "to_verify", 50.0),
        ReportColumn::figure("达标人数", "compliant", 46.0),
        ReportColumn::figure("达标率", "compliance_rate", 46.0),
        ReportColumn::figure("已上报", "submitted", 46.0),
        ReportColumn::figure("退回待改", "returned", 46.0),
        ReportColumn::figure("审核通过", "approved", 46.0),
        ReportColumn::figure("审核通过率", "pass_rate", 52.0),
        ReportColumn::figure("已发证书", "certified", 46.0),
        ReportColumn::figure("未上报", "missing", 46.0),
    ];
    let cells = |r: &StatsRow, name: &str| {
        vec![
            name.to_owned(),
            r.to_verify.to_string(),
            r.compliant.to_string(),
            reports::rate_text(report::per_mille(r.compliant, r.to_verify)),
            r.submitted.to_string(),
            r.returned.to_string(),
            r.approved.to_string(),
            reports::rate_text(r.pass_rate_per_mille),
            r.certified.to_string(),
            r.missing.to_string(),
        ]
    };
    let total = cells(total, "合计");
    reports::render(state, head, Some(chart), columns, rows, move |_, r| cells(r, &r.name), Some(total)).await
}

async fn compute_stats(
    state: &web::Data<AppState>,
    actor: &Actor,
    query: &StatsQuery,
    sharing: Sharing,
) -> Result<StatsDto, ApiError> {
    let c = opened_cycle(state, query.cycle_year).await?;
    let scope = office_scope(state, actor).await?;
    let group = match query.by.as_deref() {
        None => Grouping::Unit,
        Some(by) => Grouping::parse(by).ok_or_else(|| ApiError::field("by", "按 unit、county 或 prefecture 统计"))?,
    };
    let discipline = query.discipline.map(Into::into);
    let key = figures::FiguresKey { scope, year: query.cycle_year, group, discipline };
    let shared = sharing == Sharing::Shared && figures::shared_at(scope);
    let figures = figures::figures_of(state, actor, key, shared).await?;
    let mut rows = figures.rows.clone();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let deadline = match actor.scope {
        Scope::Unit(u) | Scope::Department(u, _) => {
            Some(cycles::effective_for_unit(&state.db, &c.calendar, u).await?.ends_at())
        }
        _ => None,
    };
    Ok(StatsDto {
        cycle_year: query.cycle_year,
        by: group.into(),
        rows,
        total: figures.total.clone(),
        figures_at: figures.computed_at,
        deadline,
        deadline_label: deadline.map(cme_domain::time::fmt_local),
    })
}
