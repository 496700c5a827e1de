//! A person-year: the verdict, shortfalls, standard, mandatory course and
//! every record with where it counted (学分明细), for an office, a unit or
//! the trainee himself; and a trainee's years at a glance.

use actix_web::{get, web};
use chrono::Datelike as _;
use cme_domain::auth::{Operation, Scope};
use cme_domain::compliance::{CourseStatus, Outcome};
use cme_domain::ids::PersonId;
use cme_store::StoreError;
use cme_store::repo::credit::CreditEntry;
use cme_store::repo::evaluation::PersonYearEvaluation;
use cme_store::repo::{compliance as stored, credit, cycle, evaluation, person, standard};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Caller;
use crate::clock::today;
use crate::dto::Amount;
use crate::dto::compliance::{AppliedStandard, ShortfallDto};
use crate::dto::credits::{CourseDto, CreditLine, PersonYearDto, YearSummary};
use crate::error::{ApiError, Problem};

/// The whole person-year: verdict, shortfalls, standard, course and every
/// record with where it counted.
pub async fn person_year(state: &AppState, scope: &Scope, id: PersonId, year: i32) -> Result<PersonYearDto, ApiError> {
    if !(2015..=2100).contains(&year) {
        return Err(ApiError::field("year", "年度须在 2015 年及以后"));
    }
    let p = person::get_scoped(&state.db, &state.pii, scope, id).await?;
    let entries = credit::entries_for_person_year(&state.db, id, year).await?;
    let locked = matches!(credit::ensure_open(&state.db, id, year).await, Err(StoreError::Locked { .. }));
    let person = crate::dto::org::PersonDto::of(&p, crate::clock::today());
    let in_progress = in_progress(state, year).await?;
    let year_of = PersonYear { person, year, evaluated: p.is_evaluated(), locked, in_progress, entries: &entries };
    match evaluation::evaluate_person_year(&state.db, id, year).await {
        Ok(e) => Ok(year_of.determined(e)),
        Err(StoreError::Standard(why)) => Ok(year_of.undetermined(&why.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Whether `year` is still being earned today (see
/// [`cme_domain::cycle::calendar::year_in_progress`]).
async fn in_progress(state: &AppState, year: i32) -> Result<bool, ApiError> {
    let cycle = cycle::get(&state.db, year).await?.map(|c| c.calendar);
    Ok(cme_domain::cycle::calendar::year_in_progress(year, cycle.as_ref(), today()))
}

/// What a person-year's answer is made of besides its evaluation.
struct PersonYear<'a> {
    person: crate::dto::org::PersonDto,
    year: i32,
    /// Whether the person is evaluated at all (else 不计入).
    evaluated: bool,
    locked: bool,
    in_progress: bool,
    entries: &'a [CreditEntry],
}

impl PersonYear<'_> {
    /// The year under its standard: the verdict, the standard applied, the
    /// buckets and shortfalls, the course and where each record counted.
    fn determined(self, e: PersonYearEvaluation) -> PersonYearDto {
        let course_name = e.mandatory_course.as_ref().map(|c| c.name.clone());
        let outcome = match (self.evaluated, e.evaluation.compliant) {
            (false, _) => Outcome::NotCounted,
            (true, true) => Outcome::Compliant,
            (true, false) => Outcome::NonCompliant,
        };
        let credits =
            self.entries.iter().zip(e.allocation.iter()).map(|(entry, a)| CreditLine::counted(entry, a)).collect();
        PersonYearDto {
            person: self.person,
            year: self.year,
            outcome: outcome.into(),
            undetermined_reason: None,
            standard: Some(AppliedStandard::new(self.year, e.standard_version, &e.row, e.mandatory_course.as_ref())),
            buckets: Some(e.evaluation.buckets.into()),
            shortfalls: e.evaluation.shortfalls.iter().map(|s| ShortfallDto::new(s, course_name.as_deref())).collect(),
            course: e.mandatory_course.as_ref().map(|c| CourseDto {
                name: c.name.clone(),
                deadline: c.deadline,
                completed: e.course == CourseStatus::Completed,
            }),
            locked: self.locked,
            in_progress: self.in_progress,
            credits,
        }
    }

    /// The year without a standard to apply (`why`): undetermined, every
    /// record not counted.
    fn undetermined(self, why: &str) -> PersonYearDto {
        PersonYearDto {
            person: self.person,
            year: self.year,
            outcome: if self.evaluated { Outcome::Undetermined } else { Outcome::NotCounted }.into(),
            undetermined_reason: Some(why.to_owned()),
            standard: None,
            buckets: None,
            shortfalls: Vec::new(),
            course: None,
            locked: self.locked,
            in_progress: self.in_progress,
            credits: self.entries.iter().map(CreditLine::uncounted).collect(),
        }
    }
}

/// A person's year in the caller's jurisdiction (人员达标详情): the
/// verdict, what is missing, and every record with where it counted.
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path), ("year" = i32, Path)),
    responses(
        (status = 200, body = PersonYearDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/{id}/compliance/{year}")]
pub async fn person_compliance(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, i32)>,
) -> Result<web::Json<PersonYearDto>, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let (id, year) = path.into_inner();
    Ok(web::Json(person_year(&state, &actor.scope, PersonId(id), year).await?))
}

/// The trainee's own year: his verdict, what he still needs, and every
/// record with where it counted.
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = [])),
    params(("year" = i32, Path)),
    responses(
        (status = 200, body = PersonYearDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/compliance/{year}")]
pub async fn my_compliance(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
) -> Result<web::Json<PersonYearDto>, ApiError> {
    let actor = caller.require(Operation::ReadSelf)?;
    let Scope::Person(_, person) = actor.scope else {
        return Err(ApiError::Forbidden("仅学员本人可查看".to_owned()));
    };
    Ok(web::Json(person_year(&state, &actor.scope, person, year.into_inner()).await?))
}

/// The trainee's years at a glance, newest first: the verdict and what is
/// missing in each year he has a record for (and the current year).
#[utoipa::path(
    tag = "compliance",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<YearSummary>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/compliance")]
pub async fn my_years(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Vec<YearSummary>>, ApiError> {
    let actor = caller.require(Operation::ReadSelf)?;
    let Scope::Person(_, person) = actor.scope else {
        return Err(ApiError::Forbidden("仅学员本人可查看".to_owned()));
    };
    let mut years = stored::years_of(&state.db, person).await?;
    let current = today().year();
    if !years.iter().any(|v| v.year == current) {
        stored::refresh(&state.db, person, current).await?;
        years = stored::years_of(&state.db, person).await?;
    }
    let mut out = Vec::with_capacity(years.len());
    for v in years.into_iter().rev() {
        let course = standard::get_published(&state.db, v.year).await?.and_then(|s| s.mandatory_course);
        out.push(YearSummary {
            year: v.year,
            outcome: v.outcome.into(),
            in_progress: in_progress(&state, v.year).await?,
            total: Amount(v.total),
            shortfalls: v
                .shortfalls
                .iter()
                .map(|s| ShortfallDto::new(s, course.as_ref().map(|c| c.name.as_str())))
                .collect(),
        });
    }
    Ok(web::Json(out))
}
