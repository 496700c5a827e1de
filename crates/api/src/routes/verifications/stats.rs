//! The cycle's statistics (验证统计), by unit, county or prefecture, as
//! JSON or as XLSX: the store's tallies folded by `domain::report`.

use actix_web::{HttpResponse, get, web};
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::report;
use cme_store::repo::cycle as cycles;
use cme_store::repo::verification::Grouping;

use crate::AppState;
use crate::attachment::{XLSX, attachment};
use crate::auth::Caller;
use crate::dto::verification::{StatsDto, StatsQuery, StatsRow};
use crate::error::{ApiError, Problem};
use crate::figures;
use crate::office::{office_scope, opened_cycle};

/// The cycle's figures in the caller's jurisdiction, per unit (default),
/// county or prefecture: people to verify, compliant, submitted, returned,
/// approved, with a certificate number, the pass rate and what is still
/// missing, and how many of them went on paper (纸质验证); a unit sees its own with the end of its window.
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
    let by = Grouping::from(dto.by).label();
    let discipline = query.discipline.map_or("全部专业", |d| cme_domain::person::Discipline::from(d).label());
    let title = format!("{}年度学分验证统计（按{by}，{discipline}）", dto.cycle_year);
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

async fn compute_stats(state: &AppState, actor: &Actor, query: &StatsQuery) -> Result<StatsDto, ApiError> {
    let c = opened_cycle(state, query.cycle_year).await?;
    let scope = office_scope(state, actor).await?;
    let group = match query.by.as_deref() {
        None => Grouping::Unit,
        Some(by) => Grouping::parse(by).ok_or_else(|| ApiError::field("by", "按 unit、county 或 prefecture 统计"))?,
    };
    let discipline = query.discipline.map(Into::into);
    let mut figures = figures::compute(state, actor, scope, query.cycle_year, group, discipline).await?;
    figures.rows.sort_by(|a, b| a.name.cmp(&b.name));
    let deadline = match actor.scope {
        Scope::Unit(u) | Scope::Department(u, _) => {
            Some(cycles::effective_for_unit(&state.db, &c.calendar, u).await?.ends_at())
        }
        _ => None,
    };
    Ok(StatsDto {
        cycle_year: query.cycle_year,
        by: group.into(),
        rows: figures.rows,
        total: figures.total,
        deadline,
        deadline_label: deadline.map(cme_domain::time::fmt_local),
    })
}
