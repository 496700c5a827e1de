//! The credit standard in force, as data.

use actix_web::{get, web};

use crate::AppState;
use crate::dto::standard::{StandardDto, StandardSummary};
use crate::error::{ApiError, Problem};

/// List the years that have a standard, with the version in force.
#[utoipa::path(tag = "standards", responses((status = 200, body = Vec<StandardSummary>)))]
#[get("/standards")]
pub async fn list_standards(state: web::Data<AppState>) -> Result<web::Json<Vec<StandardSummary>>, ApiError> {
    let standards = cme_store::repo::standard::list_published(&state.db).await?;
    Ok(web::Json(standards.iter().map(Into::into).collect()))
}

/// The standard in force for a year: every row, its minimums and caps, and
/// the year's mandatory course.
#[utoipa::path(
    tag = "standards",
    params(("year" = i32, Path, description = "The credit year, e.g. 2021")),
    responses(
        (status = 200, body = StandardDto),
        (status = 404, description = "No standard for that year", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/standards/{year}")]
pub async fn get_standard(
    state: web::Data<AppState>,
    year: web::Path<i32>,
) -> Result<web::Json<StandardDto>, ApiError> {
    let year = year.into_inner();
    let standard = cme_store::repo::standard::get_published(&state.db, year)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{year} 年度没有学分验证标准")))?;
    Ok(web::Json((&standard).into()))
}
