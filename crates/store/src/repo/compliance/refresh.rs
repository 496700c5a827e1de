//! Write-through: every write that can change a verdict stores the new one
//! in its own transaction.

use chrono::{SubsecRound as _, Utc};
use cme_domain::ids::PersonId;
use cme_domain::person::TitleLevel;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbBackend, EntityTrait as _, FromQueryResult, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, Statement,
};

use super::inputs::inputs_of;
use super::list::parse_shortfalls;
use super::recompute::{InputRow, RecomputeFrom, inputs_sql};
use super::verdict::{StoredRow, Verdict, credits_of, upsert, verdict_of};
use crate::entity::{compliance, credits};
use crate::repo::standard;
use crate::{StoreError, batch_rows};

/// Re-evaluates one person-year from its credits and stores the verdict
/// with its inputs (insert or replace).
pub async fn refresh(db: &impl ConnectionTrait, person_id: PersonId, year: i32) -> Result<(), StoreError> {
    let inputs = inputs_of(db, person_id, year).await?;
    let standard = standard::get_published(db, year).await?;
    let row = StoredRow::new(&inputs, &verdict_of(standard.as_ref(), &inputs));
    compliance::Entity::insert(row.active(Utc::now().trunc_subsecs(6)))
        .on_conflict(upsert())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The verdict of a person-year as it would be with a title of `level`
/// held on 31 December (a title correction asks this before anyone
/// approves it). Nothing is stored.
pub async fn verdict_with_title(
    db: &impl ConnectionTrait,
    person_id: PersonId,
    year: i32,
    level: TitleLevel,
) -> Result<Verdict, StoreError> {
    let mut inputs = inputs_of(db, person_id, year).await?;
    inputs.title_level = Some(level);
    let standard = standard::get_published(db, year).await?;
    Ok(verdict_of(standard.as_ref(), &inputs))
}

/// Stores the verdict of many new people for one year, set-wise: the read
/// of a year's recomputation restricted to them (their inputs read by key,
/// as nothing is stored for them yet), and one upsert per chunk, in the
/// caller's transaction. New staff thus show in the unit's compliance list
/// before their first credit.
pub async fn refresh_new(db: &impl ConnectionTrait, people_: &[PersonId], year: i32) -> Result<(), StoreError> {
    if people_.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let standard = standard::get_published(db, year).await?;
    let now = Utc::now().trunc_subsecs(6);
    for chunk in people_.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len())
            .map(|i| if backend == DbBackend::Postgres { format!("${i}") } else { "?".to_owned() })
            .collect();
        let sql = format!("{} WHERE p.id IN ({})", inputs_sql(year, RecomputeFrom::Stored, backend), marks.join(", "));
        let values: Vec<sea_orm::Value> = chunk.iter().map(|p| p.0.into()).collect();
        let rows = InputRow::find_by_statement(Statement::from_sql_and_values(backend, sql, values)).all(db).await?;
        let mut written = Vec::with_capacity(rows.len());
        for r in rows {
            let inputs = r.inputs(year)?;
            written.push(StoredRow::new(&inputs, &verdict_of(standard.as_ref(), &inputs)).active(now));
        }
        for part in written.chunks(batch_rows(backend, 24)) {
            compliance::Entity::insert_many(part.to_vec()).on_conflict(upsert()).exec_without_returning(db).await?;
        }
    }
    Ok(())
}

/// Re-evaluates every year a person has a stored verdict or a credit for
/// (after a title, status or unit change).
pub async fn refresh_person(db: &impl ConnectionTrait, person_id: PersonId) -> Result<(), StoreError> {
    let mut years: Vec<i32> = credits::Entity::find()
        .select_only()
        .column(credits::Column::Year)
        .distinct()
        .filter(credits::Column::PersonId.eq(person_id.0))
        .into_tuple()
        .all(db)
        .await?;
    let stored: Vec<i32> = compliance::Entity::find()
        .select_only()
        .column(compliance::Column::Year)
        .filter(compliance::Column::PersonId.eq(person_id.0))
        .into_tuple()
        .all(db)
        .await?;
    years.extend(stored);
    years.sort_unstable();
    years.dedup();
    for year in years {
        refresh(db, person_id, year).await?;
    }
    Ok(())
}

/// A person's stored verdicts, oldest year first.
pub async fn years_of(db: &impl ConnectionTrait, person_id: PersonId) -> Result<Vec<Verdict>, StoreError> {
    compliance::Entity::find()
        .filter(compliance::Column::PersonId.eq(person_id.0))
        .order_by_asc(compliance::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let credits = |t: i32| credits_of(i64::from(t));
            Ok(Verdict {
                person_id,
                year: m.year,
                outcome: m.outcome,
                counted_i: credits(m.i_tenths),
                counted_ii: credits(m.ii_tenths),
                self_managed: credits(m.self_tenths),
                total: credits(m.total_tenths),
                shortfalls: parse_shortfalls(&m.shortfalls)?,
                note: m.note,
                standard_version: m.standard_version.and_then(|v| u32::try_from(v).ok()),
            })
        })
        .collect()
}
