//! The compliance queries (人员达标情况查询) over the stored verdicts.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use cme_domain::Credits;
use cme_domain::auth::Scope;
use cme_domain::compliance::{Outcome, Shortfall, ShortfallCode};
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::person::{Discipline, PersonStatus, Title};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait as _, FromQueryResult, JoinType,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _, RelationTrait as _,
};
use uuid::Uuid;

use super::verdict::{StoredShortfall, credits_of};
use crate::StoreError;
use crate::entity::{compliance, departments, people, units};
use crate::repo::{Page, contains_pattern, page_limit, paginate, parse, scope};

/// Filters of a compliance query; the year is required.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ComplianceFilter {
    pub year: i32,
    pub discipline: Option<Discipline>,
    pub unit_id: Option<UnitId>,
    pub department_id: Option<DepartmentId>,
    /// A county or prefecture: people of units in it.
    pub region_id: Option<RegionId>,
    pub outcome: Option<Outcome>,
    pub name_contains: Option<String>,
}

/// One row of a compliance list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRow {
    pub person_id: PersonId,
    pub name: String,
    pub id_number_masked: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub department_id: Option<DepartmentId>,
    pub department_name: Option<String>,
    pub discipline: Discipline,
    pub status: PersonStatus,
    /// The title held on 31 December of the year.
    pub title: Option<Title>,
    pub outcome: Outcome,
    pub counted_i: Credits,
    pub counted_ii: Credits,
    pub self_managed: Credits,
    pub total: Credits,
    pub shortfalls: Vec<Shortfall>,
    pub note: Option<String>,
}

#[derive(Debug, FromQueryResult)]
pub(super) struct ListRow {
    pub(super) id: Uuid,
    pub(super) unit_id: Uuid,
    pub(super) department_id: Option<Uuid>,
    pub(super) name: String,
    pub(super) id_number_masked: String,
    pub(super) discipline: String,
    pub(super) status: String,
    pub(super) current_title: Option<String>,
    pub(super) outcome: String,
    pub(super) i_tenths: i32,
    pub(super) ii_tenths: i32,
    pub(super) self_tenths: i32,
    pub(super) total_tenths: i32,
    pub(super) shortfalls: String,
    pub(super) note: Option<String>,
}

pub(super) fn parse_shortfalls(json: &str) -> Result<Vec<Shortfall>, StoreError> {
    let stored: Vec<StoredShortfall> =
        serde_json::from_str(json).map_err(|e| StoreError::corrupt(format!("stored shortfalls: {e}")))?;
    stored
        .into_iter()
        .map(|s| {
            Ok(Shortfall { code: parse::<ShortfallCode>(&s.code)?, missing: Credits::from_tenths(s.missing_tenths) })
        })
        .collect()
}

/// The stored verdicts of people visible in `scope` that pass `filter`, by
/// person id, one keyset page after `after`.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<ComplianceRow>, StoreError> {
    let limit = page_limit(limit);
    let rows = query(db, scope, filter, after, Some(limit + 1)).await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    Ok(Page { items: with_names(db, rows).await?, next })
}

/// Every row of a compliance query (for the export), at most `cap`.
pub async fn list_all(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
    cap: u64,
) -> Result<Vec<ComplianceRow>, StoreError> {
    let rows = query(db, scope, filter, None, Some(cap)).await?;
    with_names(db, rows).await
}

/// The year's stored verdicts in `scope`, filtered by everything but the
/// outcome and the name, on the row's own copied place.
pub(super) async fn filtered(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
) -> Result<sea_orm::Select<compliance::Entity>, StoreError> {
    let mut q = compliance::Entity::find()
        .filter(compliance::Column::Year.eq(filter.year))
        .filter(scope::compliance_resolved(db, scope).await?);
    if let Some(d) = filter.discipline {
        q = q.filter(compliance::Column::Discipline.eq(d));
    }
    if let Some(u) = filter.unit_id {
        q = q.filter(compliance::Column::UnitId.eq(u.0));
    }
    if let Some(d) = filter.department_id {
        q = q.filter(compliance::Column::DepartmentId.eq(d.0));
    }
    if let Some(r) = filter.region_id {
        q = q.filter(scope::compliance_resolved(db, &Scope::Region(r)).await?);
    }
    Ok(q)
}

pub(super) fn name_filter(filter: &ComplianceFilter) -> Option<sea_orm::sea_query::LikeExpr> {
    filter.name_contains.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(contains_pattern)
}

pub(super) async fn query(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
    after: Option<Uuid>,
    limit: Option<u64>,
) -> Result<Vec<ListRow>, StoreError> {
    let mut q = filtered(db, scope, filter).await?.join(JoinType::InnerJoin, compliance::Relation::Person.def());
    if let Some(pattern) = name_filter(filter) {
        q = q.filter(people::Column::Name.like(pattern));
    }
    if let Some(o) = filter.outcome {
        q = q.filter(compliance::Column::Outcome.eq(o));
    }
    if let Some(after) = after {
        q = q.filter(compliance::Column::PersonId.gt(after));
    }
    let day = NaiveDate::from_ymd_opt(filter.year, 12, 31).ok_or_else(|| StoreError::corrupt("year out of range"))?;
    let mut q = q
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::UnitId,
            people::Column::DepartmentId,
            people::Column::Name,
            people::Column::IdNumberMasked,
            people::Column::Discipline,
            people::Column::Status,
        ])
        .expr_as(crate::entity::person_titles::current_title_expr(day), "current_title")
        .columns([
            compliance::Column::Outcome,
            compliance::Column::ITenths,
            compliance::Column::IiTenths,
            compliance::Column::SelfTenths,
            compliance::Column::TotalTenths,
            compliance::Column::Shortfalls,
            compliance::Column::Note,
        ])
        .order_by_asc(compliance::Column::PersonId);
    if let Some(limit) = limit {
        q = q.limit(limit);
    }
    Ok(q.into_model::<ListRow>().all(db).await?)
}

/// Adds unit and department names (two look-ups by key for the whole page).
pub(super) async fn with_names(
    db: &impl ConnectionTrait,
    rows: Vec<ListRow>,
) -> Result<Vec<ComplianceRow>, StoreError> {
    let unit_ids: HashSet<Uuid> = rows.iter().map(|r| r.unit_id).collect();
    let dept_ids: HashSet<Uuid> = rows.iter().filter_map(|r| r.department_id).collect();
    let unit_names: HashMap<Uuid, String> = units::Entity::find()
        .select_only()
        .columns([units::Column::Id, units::Column::Name])
        .filter(units::Column::Id.is_in(unit_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let dept_names: HashMap<Uuid, String> = if dept_ids.is_empty() {
        HashMap::new()
    } else {
        departments::Entity::find()
            .select_only()
            .columns([departments::Column::Id, departments::Column::Name])
            .filter(departments::Column::Id.is_in(dept_ids))
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    rows.into_iter()
        .map(|r| {
            let credits = |t: i32| credits_of(i64::from(t));
            Ok(ComplianceRow {
                person_id: PersonId(r.id),
                unit_name: unit_names.get(&r.unit_id).cloned().unwrap_or_default(),
                unit_id: UnitId(r.unit_id),
                department_name: r.department_id.and_then(|d| dept_names.get(&d).cloned()),
                department_id: r.department_id.map(DepartmentId),
                name: r.name,
                id_number_masked: r.id_number_masked,
                discipline: parse(&r.discipline)?,
                status: parse(&r.status)?,
                title: r.current_title.as_deref().map(crate::entity::person_titles::parse_current_title).transpose()?,
                outcome: parse(&r.outcome)?,
                counted_i: credits(r.i_tenths),
                counted_ii: credits(r.ii_tenths),
                self_managed: credits(r.self_tenths),
                total: credits(r.total_tenths),
                shortfalls: parse_shortfalls(&r.shortfalls)?,
                note: r.note,
            })
        })
        .collect()
}

/// Counts by outcome of the rows a filter selects (the query page's
/// summary): off the covering `(year, place, person_id)` index, the people
/// table joined only for a name filter.
pub async fn counts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
) -> Result<HashMap<Outcome, u64>, StoreError> {
    let mut q = filtered(db, scope, filter).await?;
    if let Some(pattern) = name_filter(filter) {
        q = q.join(JoinType::InnerJoin, compliance::Relation::Person.def()).filter(people::Column::Name.like(pattern));
    }
    let rows: Vec<(String, i64)> = q
        .select_only()
        .column(compliance::Column::Outcome)
        .column_as(Expr::from(Func::count(Expr::col((compliance::Entity, compliance::Column::PersonId)))), "n")
        .group_by(compliance::Column::Outcome)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter().map(|(o, n)| Ok((parse(&o)?, u64::try_from(n).unwrap_or(0)))).collect()
}

/// After a recomputation rewrote many rows: VACUUM ANALYZE the table on
/// PostgreSQL (outside any transaction), so its pages are all-visible again
/// and the lists' counts stay index-only scans (autovacuum would get there
/// later). A no-op on SQLite.
pub async fn vacuum(db: &DatabaseConnection) -> Result<(), StoreError> {
    use sea_orm::sqlx::query;
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    // VACUUM runs outside a transaction, so its longer statement timeout is set on its
    // connection for the statement and reset after it (a connection that cannot be reset
    // leaves the pool).
    let mut conn = db.get_postgres_connection_pool().acquire().await.map_err(super::pg_copy::sqlx_err)?;
    query("SET statement_timeout = '15min'").execute(&mut *conn).await.map_err(super::pg_copy::sqlx_err)?;
    let done = query("VACUUM (ANALYZE) compliance").execute(&mut *conn).await;
    if query("RESET statement_timeout").execute(&mut *conn).await.is_err() {
        drop(conn.detach());
    }
    done.map_err(super::pg_copy::sqlx_err)?;
    Ok(())
}

/// The stored verdicts of many people for one year, by person.
pub async fn verdicts_of(
    db: &impl ConnectionTrait,
    people_: &[PersonId],
    year: i32,
) -> Result<HashMap<PersonId, (Outcome, Vec<Shortfall>)>, StoreError> {
    let mut out = HashMap::with_capacity(people_.len());
    for chunk in people_.chunks(1000) {
        let rows: Vec<(Uuid, String, String)> = compliance::Entity::find()
            .select_only()
            .columns([compliance::Column::PersonId, compliance::Column::Outcome, compliance::Column::Shortfalls])
            .filter(compliance::Column::Year.eq(year))
            .filter(compliance::Column::PersonId.is_in(chunk.iter().map(|p| p.0)))
            .into_tuple()
            .all(db)
            .await?;
        for (id, outcome, shortfalls) in rows {
            out.insert(PersonId(id), (parse(&outcome)?, parse_shortfalls(&shortfalls)?));
        }
    }
    Ok(out)
}

/// A stored verdict as a reviewer reads it beside a record: the title held
/// on 31 December, the counted credits and what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordVerdict {
    pub discipline: Discipline,
    pub title: Option<Title>,
    pub outcome: Outcome,
    pub counted_i: Credits,
    pub counted_ii: Credits,
    pub self_managed: Credits,
    pub total: Credits,
    pub shortfalls: Vec<Shortfall>,
    pub note: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct VerdictRow {
    person_id: Uuid,
    discipline: String,
    current_title: Option<String>,
    outcome: String,
    i_tenths: i32,
    ii_tenths: i32,
    self_tenths: i32,
    total_tenths: i32,
    shortfalls: String,
    note: Option<String>,
}

/// The stored verdicts of person-years (a page of a review queue): one
/// query per year (a page holds at most three: the cycle's and two make-up years).
pub async fn record_verdicts(
    db: &impl ConnectionTrait,
    person_years: &[(PersonId, i32)],
) -> Result<HashMap<(PersonId, i32), RecordVerdict>, StoreError> {
    let mut by_year: std::collections::BTreeMap<i32, Vec<Uuid>> = std::collections::BTreeMap::new();
    for (p, y) in person_years {
        by_year.entry(*y).or_default().push(p.0);
    }
    let mut out = HashMap::with_capacity(person_years.len());
    for (year, ids) in by_year {
        let day = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| StoreError::corrupt("year out of range"))?;
        for chunk in ids.chunks(1000) {
            let rows = compliance::Entity::find()
                .join(JoinType::InnerJoin, compliance::Relation::Person.def())
                .filter(compliance::Column::Year.eq(year))
                .filter(compliance::Column::PersonId.is_in(chunk.iter().copied()))
                .select_only()
                .column(compliance::Column::PersonId)
                .column(people::Column::Discipline)
                .expr_as(crate::entity::person_titles::current_title_expr(day), "current_title")
                .columns([
                    compliance::Column::Outcome,
                    compliance::Column::ITenths,
                    compliance::Column::IiTenths,
                    compliance::Column::SelfTenths,
                    compliance::Column::TotalTenths,
                    compliance::Column::Shortfalls,
                    compliance::Column::Note,
                ])
                .into_model::<VerdictRow>()
                .all(db)
                .await?;
            for r in rows {
                let credits = |t: i32| credits_of(i64::from(t));
                let verdict = RecordVerdict {
                    discipline: parse(&r.discipline)?,
                    title: r
                        .current_title
                        .as_deref()
                        .map(crate::entity::person_titles::parse_current_title)
                        .transpose()?,
                    outcome: parse(&r.outcome)?,
                    counted_i: credits(r.i_tenths),
                    counted_ii: credits(r.ii_tenths),
                    self_managed: credits(r.self_tenths),
                    total: credits(r.total_tenths),
                    shortfalls: parse_shortfalls(&r.shortfalls)?,
                    note: r.note,
                };
                out.insert((PersonId(r.person_id), year), verdict);
            }
        }
    }
    Ok(out)
}

/// Stored verdicts of a year in `scope`, counted by unit, county or
/// prefecture and outcome (the cycle's "to verify").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeTally {
    pub key: Option<Uuid>,
    pub outcome: Outcome,
    pub count: u64,
}

pub async fn tally_by(
    db: &impl ConnectionTrait,
    scope: &Scope,
    year: i32,
    group: crate::repo::verification::Grouping,
    discipline: Option<Discipline>,
) -> Result<Vec<OutcomeTally>, StoreError> {
    use crate::repo::verification::Grouping;
    let column = match group {
        Grouping::Unit => compliance::Column::UnitId,
        Grouping::County => compliance::Column::CountyId,
        Grouping::Prefecture => compliance::Column::PrefectureId,
    };
    let rows: Vec<(Option<Uuid>, String, i64)> = compliance::Entity::find()
        .select_only()
        .column(column)
        .column(compliance::Column::Outcome)
        .column_as(Expr::from(Func::count(Expr::col((compliance::Entity, compliance::Column::PersonId)))), "n")
        .filter(compliance::Column::Year.eq(year))
        .filter(scope::compliance_resolved(db, scope).await?)
        .apply_if(discipline, |q, d| q.filter(compliance::Column::Discipline.eq(d)))
        .group_by(column)
        .group_by(compliance::Column::Outcome)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(key, o, n)| Ok(OutcomeTally { key, outcome: parse(&o)?, count: u64::try_from(n).unwrap_or(0) }))
        .collect()
}
