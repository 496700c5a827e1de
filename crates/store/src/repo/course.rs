//! Completions of a year's mandatory all-staff course (公需科目).

use chrono::NaiveDate;
use cme_domain::credit::CourseCompletion;
use cme_domain::ids::PersonId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use uuid::Uuid;

use super::now;
use crate::StoreError;
use crate::entity::course_completions;

/// Records that a person completed the year's course and refreshes that
/// person-year's stored compliance. Idempotent: returns `false` (and keeps
/// the first record) when it was already recorded.
pub async fn record_completion(
    db: &impl ConnectionTrait,
    person: PersonId,
    year: i32,
    completed_on: NaiveDate,
    source: &str,
) -> Result<bool, StoreError> {
    let n = course_completions::Entity::insert(course_completions::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person.0),
        year: Set(year),
        completed_on: Set(completed_on),
        source: Set(source.to_owned()),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([course_completions::Column::PersonId, course_completions::Column::Year])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if n > 0 {
        super::compliance::refresh(db, person, year).await?;
    }
    Ok(n > 0)
}

/// The completion of a person-year, if any.
pub async fn get(
    db: &impl ConnectionTrait,
    person: PersonId,
    year: i32,
) -> Result<Option<CourseCompletion>, StoreError> {
    Ok(course_completions::Entity::find()
        .filter(course_completions::Column::PersonId.eq(person.0))
        .filter(course_completions::Column::Year.eq(year))
        .one(db)
        .await?
        .map(|m| CourseCompletion { person_id: PersonId(m.person_id), year: m.year, completed_on: m.completed_on }))
}

pub use super::compliance::inputs::course_done as is_completed;

/// A stored completion with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRecord {
    pub completion: CourseCompletion,
    /// `manual`, `import`, `demo` …
    pub source: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Every completion of a person, newest year first.
pub async fn list_for_person(db: &impl ConnectionTrait, person: PersonId) -> Result<Vec<CompletionRecord>, StoreError> {
    Ok(course_completions::Entity::find()
        .filter(course_completions::Column::PersonId.eq(person.0))
        .order_by_desc(course_completions::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|m| CompletionRecord {
            completion: CourseCompletion {
                person_id: PersonId(m.person_id),
                year: m.year,
                completed_on: m.completed_on,
            },
            source: m.source,
            created_at: m.created_at,
        })
        .collect())
}
