//! What a verdict is computed from, read by compliance itself: the person,
//! the title held in the year, the year's credits and the mandatory course.
//! Nothing here reads through another repository, so the write paths of
//! people, credits and courses can call [`super::refresh`] without a cycle.

use cme_domain::compliance::{CreditInput, SourceSums, source_sums};
use cme_domain::ids::PersonId;
use cme_domain::org::UnitLevel;
use cme_domain::person::{Discipline, PersonStatus, Title, TitleLevel, title_for_year};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use uuid::Uuid;

use crate::StoreError;
use crate::entity::{course_completions, credits, people, person_titles, units};
use crate::repo::parse;
use cme_domain::credit::CreditRecord;

/// What a person-year's verdict is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Inputs {
    pub(super) person_id: PersonId,
    pub(super) year: i32,
    pub(super) status: PersonStatus,
    pub(super) unit_level: UnitLevel,
    pub(super) discipline: Discipline,
    pub(super) title_level: Option<TitleLevel>,
    pub(super) course_done: bool,
    pub(super) sums: SourceSums,
    pub(super) unit_id: Uuid,
    pub(super) department_id: Option<Uuid>,
    pub(super) county_id: Option<Uuid>,
    pub(super) prefecture_id: Option<Uuid>,
}

/// The inputs of one person-year, read from the person, his titles, credits
/// and course.
pub(super) async fn inputs_of(db: &impl ConnectionTrait, person_id: PersonId, year: i32) -> Result<Inputs, StoreError> {
    let p = people::Entity::find_by_id(person_id.0).one(db).await?.ok_or(StoreError::NotFound)?;
    let unit_level: String = units::Entity::find_by_id(p.unit_id)
        .select_only()
        .column(units::Column::Level)
        .into_tuple()
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let titles = titles(db, person_id).await?;
    let credits = credits(db, person_id, year).await?;
    let inputs: Vec<CreditInput> = credits.iter().map(CreditInput::from).collect();
    let inputs = Inputs {
        person_id,
        year,
        status: p.status,
        unit_level: parse(&unit_level)?,
        discipline: p.discipline,
        title_level: title_for_year(&titles, year).map(|t| t.level),
        course_done: course_done(db, person_id, year).await?,
        sums: source_sums(&inputs),
        unit_id: p.unit_id,
        department_id: p.department_id,
        county_id: p.county_id,
        prefecture_id: p.prefecture_id,
    };
    Ok(inputs)
}

/// The titles of a person, oldest first (no decryption needed).
pub async fn titles(db: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Title>, StoreError> {
    person_titles::Entity::find()
        .filter(person_titles::Column::PersonId.eq(person.0))
        .order_by_asc(person_titles::Column::ObtainedOn)
        .all(db)
        .await?
        .iter()
        .map(Title::try_from)
        .collect()
}

/// Every record of a person-year, in entry order (all states).
pub async fn credits(db: &impl ConnectionTrait, person: PersonId, year: i32) -> Result<Vec<CreditRecord>, StoreError> {
    credits::Entity::find()
        .filter(credits::Column::PersonId.eq(person.0))
        .filter(credits::Column::Year.eq(year))
        .order_by_asc(credits::Column::CreatedAt)
        .order_by_asc(credits::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(CreditRecord::try_from)
        .collect()
}

/// Whether the person completed the mandatory course of `year`.
pub async fn course_done(db: &impl ConnectionTrait, person: PersonId, year: i32) -> Result<bool, StoreError> {
    use sea_orm::PaginatorTrait as _;
    let n = course_completions::Entity::find()
        .filter(course_completions::Column::PersonId.eq(person.0))
        .filter(course_completions::Column::Year.eq(year))
        .count(db)
        .await?;
    Ok(n > 0)
}
