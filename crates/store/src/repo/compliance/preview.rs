//! A draft standard's preview over the stored inputs.

use cme_domain::compliance::Outcome;
use cme_domain::person::TitleLevel;
use cme_domain::standard::Standard;
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use super::pg_copy::sqlx_err;
use super::recompute::{InputRow, RecomputeFrom, inputs_sql};
use super::verdict::verdict_of;
use crate::StoreError;

/// One cell of a draft standard's preview: the people of a prefecture and
/// title level counted for compliance, how many are compliant under the
/// standard in force, and how many would be under the draft.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreviewCell {
    pub prefecture_id: Option<Uuid>,
    pub title_level: Option<TitleLevel>,
    pub people: u64,
    pub compliant_now: u64,
    pub compliant_draft: u64,
}

/// Applies a draft standard to a year's stored inputs, without storing
/// anything: per prefecture and title level, how many pass now and how
/// many would pass under `draft` (the province looks before it publishes).
/// One streamed read of the year's narrow rows on PostgreSQL.
pub async fn preview_standard(
    db: &DatabaseConnection,
    year: i32,
    draft: &Standard,
) -> Result<Vec<PreviewCell>, StoreError> {
    let mut cells: std::collections::BTreeMap<(Option<Uuid>, Option<&str>), PreviewCell> =
        std::collections::BTreeMap::new();
    let mut take = |r: &InputRow| -> Result<(), StoreError> {
        let inputs = r.inputs(year)?;
        let verdict = verdict_of(Some(draft), &inputs);
        let now = r.o_outcome.unwrap_or(Outcome::Undetermined);
        if verdict.outcome == Outcome::NotCounted && now == Outcome::NotCounted {
            return Ok(());
        }
        let key = (inputs.prefecture_id, inputs.title_level.map(TitleLevel::as_str));
        let cell = cells.entry(key).or_insert_with(|| PreviewCell {
            prefecture_id: inputs.prefecture_id,
            title_level: inputs.title_level,
            ..PreviewCell::default()
        });
        cell.people += 1;
        cell.compliant_now += u64::from(now == Outcome::Compliant);
        cell.compliant_draft += u64::from(verdict.outcome == Outcome::Compliant);
        Ok(())
    };
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        use futures_util::TryStreamExt as _;
        let pool = db.get_postgres_connection_pool();
        let sql = sea_orm::sqlx::AssertSqlSafe(inputs_sql(year, RecomputeFrom::Stored, backend));
        let mut rows = sea_orm::sqlx::query(sql).fetch(pool);
        while let Some(row) = rows.try_next().await.map_err(sqlx_err)? {
            take(&InputRow::from_pg(&row)?)?;
        }
    } else {
        let rows = InputRow::find_by_statement(Statement::from_string(
            backend,
            inputs_sql(year, RecomputeFrom::Stored, backend),
        ))
        .all(db)
        .await?;
        for r in &rows {
            take(r)?;
        }
    }
    Ok(cells.into_values().collect())
}
