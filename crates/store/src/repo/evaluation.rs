//! The compliance of a stored person-year (SPEC §4), read from the database
//! and decided by `cme_domain::compliance`.

use cme_domain::compliance::{Allocation, CourseStatus, CreditInput, Evaluation, allocate, evaluate};
use cme_domain::credit::CreditRecord;
use cme_domain::ids::PersonId;
use cme_domain::person::{PersonStatus, Title, title_for_year};
use cme_domain::standard::{MandatoryCourse, Profile, StandardError, StandardRow};
use sea_orm::{ConnectionTrait, EntityTrait as _};

use super::{course, credit, person, standard};
use crate::StoreError;
use crate::entity::{people, units};

/// Everything the compliance page and the registration form show for a
/// person-year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonYearEvaluation {
    pub person_id: PersonId,
    pub year: i32,
    /// Exempt and cancelled people are evaluated here all the same; callers
    /// must not count them (SPEC §4 rule 6).
    pub status: PersonStatus,
    /// The title held on 31 December of the year, if any.
    pub title: Option<Title>,
    pub profile: Profile,
    /// The version of the year's published standard that was used.
    pub standard_version: u32,
    pub mandatory_course: Option<MandatoryCourse>,
    pub course: CourseStatus,
    pub row: StandardRow,
    pub evaluation: Evaluation,
    /// Where each of `credits` counted, in the same order.
    pub allocation: Vec<Allocation>,
    /// Every record of the year, in entry order (pending and rejected ones count nowhere).
    pub credits: Vec<CreditRecord>,
}

/// Evaluates a person's year with the title held on 31 December, the unit's
/// level, the person's discipline, the year's published standard and the
/// mandatory-course completion.
///
/// `StoreError::Standard` when the year has no published standard
/// (`NoRow`), or when a county-or-above worker held no title that year
/// (`TitleRequired`).
pub async fn evaluate_person_year(
    db: &impl ConnectionTrait,
    person_id: PersonId,
    year: i32,
) -> Result<PersonYearEvaluation, StoreError> {
    let p = people::Entity::find_by_id(person_id.0).one(db).await?.ok_or(StoreError::NotFound)?;
    let unit = units::Entity::find_by_id(p.unit_id).one(db).await?.ok_or(StoreError::NotFound)?;
    let titles = person::titles(db, person_id).await?;
    let title = title_for_year(&titles, year).cloned();
    let profile =
        Profile { unit_level: unit.level, title_level: title.as_ref().map(|t| t.level), discipline: p.discipline };
    let standard = standard::get_published(db, year).await?.ok_or(StandardError::NoRow { year })?;
    let row = standard.requirement(profile)?.clone();
    let completed = course::is_completed(db, person_id, year).await?;
    let course = CourseStatus::new(standard.mandatory_course.is_some(), completed);
    let credits = credit::list_for_person_year(db, person_id, year).await?;
    let inputs: Vec<CreditInput> = credits.iter().map(CreditInput::from).collect();
    Ok(PersonYearEvaluation {
        person_id,
        year,
        status: p.status,
        title,
        profile,
        standard_version: standard.version,
        mandatory_course: standard.mandatory_course,
        course,
        evaluation: evaluate(&row.requirement, course, &inputs),
        allocation: allocate(&row.requirement, &inputs),
        row,
        credits,
    })
}
