//! The stored compliance of every person-year (人员达标情况).
//!
//! Every write that can change a verdict (a credit recorded, decided or
//! reversed; a title, status or unit change; a course completion) calls
//! [`refresh`] in its own transaction, so the queries read a current table.
//! [`recompute_year`] rebuilds a whole year set-wise: one aggregate over the
//! year's credits grouped by person and source, the pure evaluation in
//! memory, and one bulk write (COPY on PostgreSQL).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{NaiveDate, SubsecRound as _, Utc};
use cme_domain::Credits;
use cme_domain::auth::Scope;
use cme_domain::compliance::{CourseStatus, Evaluation, Outcome, Shortfall, ShortfallCode, evaluate, inputs_from_sums};
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::person::{Discipline, PersonStatus, Title};
use cme_domain::standard::Profile;
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait as _,
    FromQueryResult, JoinType, QueryFilter as _, QueryOrder as _, QuerySelect as _, RelationTrait as _, RuntimeErr,
    Statement, TransactionTrait as _,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Page, contains_pattern, evaluation, page_limit, paginate, parse, person, scope, standard};
use crate::entity::{compliance, credits, departments, people, units};
use crate::{StoreError, batch_rows};

/// A shortfall as stored (JSON in `compliance.shortfalls`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredShortfall {
    code: String,
    missing_tenths: u32,
}

/// The verdict of one person-year, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub person_id: PersonId,
    pub year: i32,
    pub outcome: Outcome,
    pub counted_i: Credits,
    pub counted_ii: Credits,
    pub self_managed: Credits,
    pub total: Credits,
    pub shortfalls: Vec<Shortfall>,
    /// Why a verdict is undetermined.
    pub note: Option<String>,
    pub standard_version: Option<u32>,
}

impl Verdict {
    fn from_evaluation(person_id: PersonId, year: i32, status: PersonStatus, e: &Evaluation, version: u32) -> Verdict {
        let outcome = match (status, e.compliant) {
            (PersonStatus::Normal, true) => Outcome::Compliant,
            (PersonStatus::Normal, false) => Outcome::NonCompliant,
            _ => Outcome::NotCounted,
        };
        Verdict {
            person_id,
            year,
            outcome,
            counted_i: e.buckets.i_subtotal,
            counted_ii: e.buckets.ii_subtotal,
            self_managed: e.buckets.self_managed,
            total: e.buckets.total,
            shortfalls: e.shortfalls.clone(),
            note: None,
            standard_version: Some(version),
        }
    }

    fn undetermined(person_id: PersonId, year: i32, status: PersonStatus, why: String) -> Verdict {
        Verdict {
            person_id,
            year,
            outcome: if status == PersonStatus::Normal { Outcome::Undetermined } else { Outcome::NotCounted },
            counted_i: Credits::ZERO,
            counted_ii: Credits::ZERO,
            self_managed: Credits::ZERO,
            total: Credits::ZERO,
            shortfalls: Vec::new(),
            note: Some(why),
            standard_version: None,
        }
    }

    fn shortfalls_json(&self) -> String {
        let stored: Vec<StoredShortfall> = self
            .shortfalls
            .iter()
            .map(|s| StoredShortfall { code: s.code.as_str().to_owned(), missing_tenths: s.missing.tenths() })
            .collect();
        serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
    }
}

fn tenths(c: Credits) -> i32 {
    i32::try_from(c.tenths()).unwrap_or(i32::MAX)
}

fn active(v: &Verdict, now: chrono::DateTime<Utc>) -> compliance::ActiveModel {
    compliance::ActiveModel {
        person_id: Set(v.person_id.0),
        year: Set(v.year),
        outcome: Set(v.outcome.as_str().to_owned()),
        i_tenths: Set(tenths(v.counted_i)),
        ii_tenths: Set(tenths(v.counted_ii)),
        self_tenths: Set(tenths(v.self_managed)),
        total_tenths: Set(tenths(v.total)),
        shortfalls: Set(v.shortfalls_json()),
        note: Set(v.note.clone()),
        standard_version: Set(v.standard_version.and_then(|x| i32::try_from(x).ok())),
        computed_at: Set(now),
    }
}

/// Re-evaluates one person-year and stores its verdict (insert or replace).
pub async fn refresh(db: &impl ConnectionTrait, person_id: PersonId, year: i32) -> Result<(), StoreError> {
    let verdict = match evaluation::evaluate_person_year(db, person_id, year).await {
        Ok(e) => Verdict::from_evaluation(person_id, year, e.status, &e.evaluation, e.standard_version),
        Err(StoreError::Standard(why)) => {
            let status = people::Entity::find_by_id(person_id.0)
                .select_only()
                .column(people::Column::Status)
                .into_tuple::<String>()
                .one(db)
                .await?
                .ok_or(StoreError::NotFound)?;
            Verdict::undetermined(person_id, year, parse(&status)?, why.to_string())
        }
        Err(e) => return Err(e),
    };
    compliance::Entity::insert(active(&verdict, Utc::now().trunc_subsecs(6)))
        .on_conflict(
            OnConflict::columns([compliance::Column::PersonId, compliance::Column::Year])
                .update_columns([
                    compliance::Column::Outcome,
                    compliance::Column::ITenths,
                    compliance::Column::IiTenths,
                    compliance::Column::SelfTenths,
                    compliance::Column::TotalTenths,
                    compliance::Column::Shortfalls,
                    compliance::Column::Note,
                    compliance::Column::StandardVersion,
                    compliance::Column::ComputedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
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
                outcome: parse(&m.outcome)?,
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

#[derive(Debug, FromQueryResult)]
struct SumsRow {
    person_id: Uuid,
    status: String,
    discipline: String,
    unit_level: String,
    title_level: Option<String>,
    course: i64,
    national: i64,
    provincial: i64,
    distance_i: i64,
    prefecture: i64,
    distance_ii: i64,
    self_managed: i64,
}

fn credits_of(tenths: i64) -> Credits {
    Credits::from_tenths(u32::try_from(tenths.max(0)).unwrap_or(u32::MAX))
}

/// The set-based aggregate behind [`recompute_year`]: every person with his
/// unit's level, the title held on 31 December, the course completion and
/// the year's valid credits summed by source, in one statement. The year is
/// an integer, inlined (custom SQL placeholders differ between backends).
fn sums_sql(year: i32) -> String {
    let sum = |cond: &str, name: &str| format!("SUM(CASE WHEN {cond} THEN amount_tenths ELSE 0 END) AS {name}");
    format!(
        "SELECT p.id AS person_id, p.status, p.discipline, u.level AS unit_level, \
         (SELECT t.level FROM person_titles t WHERE t.person_id = p.id AND t.obtained_on <= '{year:04}-12-31' \
          ORDER BY t.obtained_on DESC LIMIT 1) AS title_level, \
         (SELECT COUNT(*) FROM course_completions cc WHERE cc.person_id = p.id AND cc.year = {year}) AS course, \
         COALESCE(a.national, 0) AS national, COALESCE(a.provincial, 0) AS provincial, \
         COALESCE(a.distance_i, 0) AS distance_i, COALESCE(a.prefecture, 0) AS prefecture, \
         COALESCE(a.distance_ii, 0) AS distance_ii, COALESCE(a.self_managed, 0) AS self_managed \
         FROM people p JOIN units u ON u.id = p.unit_id LEFT JOIN (SELECT person_id, {}, {}, {}, {}, {}, {} \
         FROM credits WHERE year = {year} AND state = 'valid' GROUP BY person_id) a ON a.person_id = p.id",
        sum("source = 'national'", "national"),
        sum("source = 'provincial'", "provincial"),
        sum("source = 'distance_i'", "distance_i"),
        sum("source = 'prefecture'", "prefecture"),
        sum("source = 'distance_ii'", "distance_ii"),
        sum("kind = 'self_managed'", "self_managed"),
    )
}

/// The plain aggregate the recomputation is measured against: the year's
/// valid credits summed per person, nothing else.
pub fn reference_aggregate_sql(year: i32) -> String {
    format!(
        "SELECT person_id, SUM(amount_tenths) AS total FROM credits WHERE year = {year} AND state = 'valid' GROUP BY person_id"
    )
}

/// Runs [`reference_aggregate_sql`] and returns the number of groups (for the benchmark).
pub async fn reference_aggregate(db: &impl ConnectionTrait, year: i32) -> Result<usize, StoreError> {
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(Statement::from_string(backend, reference_aggregate_sql(year))).await?;
    Ok(rows.len())
}

/// What a recomputation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecomputeStats {
    pub people: usize,
    pub compliant: usize,
    pub non_compliant: usize,
    pub not_counted: usize,
    pub undetermined: usize,
}

/// Recomputes the stored compliance of every person for `year` in one
/// transaction: the year's old verdicts are replaced as a whole.
pub async fn recompute_year(db: &DatabaseConnection, year: i32) -> Result<RecomputeStats, StoreError> {
    let backend = db.get_database_backend();
    let standard = standard::get_published(db, year).await?;
    let rows = SumsRow::find_by_statement(Statement::from_string(backend, sums_sql(year))).all(db).await?;
    let mut stats = RecomputeStats::default();
    let mut verdicts = Vec::with_capacity(rows.len());
    for r in rows {
        let person_id = PersonId(r.person_id);
        let status: PersonStatus = parse(&r.status)?;
        let verdict = match &standard {
            None => Verdict::undetermined(person_id, year, status, format!("{year} 年度没有已发布的验证标准")),
            Some(standard) => {
                let profile = Profile {
                    unit_level: parse(&r.unit_level)?,
                    title_level: r.title_level.as_deref().map(parse).transpose()?,
                    discipline: parse::<Discipline>(&r.discipline)?,
                };
                match standard.requirement(profile) {
                    Err(why) => Verdict::undetermined(person_id, year, status, why.to_string()),
                    Ok(row) => {
                        let course = CourseStatus::new(standard.mandatory_course.is_some(), r.course > 0);
                        let inputs = inputs_from_sums(
                            credits_of(r.national),
                            credits_of(r.provincial),
                            credits_of(r.distance_i),
                            credits_of(r.prefecture),
                            credits_of(r.distance_ii),
                            credits_of(r.self_managed),
                        );
                        let e = evaluate(&row.requirement, course, &inputs);
                        Verdict::from_evaluation(person_id, year, status, &e, standard.version)
                    }
                }
            }
        };
        match verdict.outcome {
            Outcome::Compliant => stats.compliant += 1,
            Outcome::NonCompliant => stats.non_compliant += 1,
            Outcome::NotCounted => stats.not_counted += 1,
            Outcome::Undetermined => stats.undetermined += 1,
        }
        verdicts.push(verdict);
    }
    stats.people = verdicts.len();
    let now = Utc::now().trunc_subsecs(6);
    if backend == DbBackend::Postgres {
        copy_year(db, year, &verdicts, now).await?;
    } else {
        let txn = db.begin().await?;
        compliance::Entity::delete_many().filter(compliance::Column::Year.eq(year)).exec(&txn).await?;
        for chunk in verdicts.chunks(batch_rows(backend, 11)) {
            let rows: Vec<_> = chunk.iter().map(|v| active(v, now)).collect();
            compliance::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
        txn.commit().await?;
    }
    Ok(stats)
}

/// Replaces a year's verdicts on PostgreSQL: DELETE and COPY in one
/// transaction on one pooled connection.
async fn copy_year(
    db: &DatabaseConnection,
    year: i32,
    verdicts: &[Verdict],
    now: chrono::DateTime<Utc>,
) -> Result<(), StoreError> {
    use sea_orm::sqlx::Connection as _;
    let sqlx_err = |e: sea_orm::sqlx::Error| StoreError::from(DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e))));
    let mut conn = db.get_postgres_connection_pool().acquire().await.map_err(sqlx_err)?;
    let mut tx = conn.begin().await.map_err(sqlx_err)?;
    sea_orm::sqlx::query("DELETE FROM compliance WHERE year = $1")
        .bind(year)
        .execute(&mut *tx)
        .await
        .map_err(sqlx_err)?;
    let mut copy = tx
        .copy_in_raw(
            "COPY compliance (person_id, year, outcome, i_tenths, ii_tenths, self_tenths, total_tenths, shortfalls, \
             note, standard_version, computed_at) FROM STDIN (FORMAT csv)",
        )
        .await
        .map_err(sqlx_err)?;
    let at = now.to_rfc3339();
    let mut buf = String::with_capacity(1 << 20);
    for chunk in verdicts.chunks(20_000) {
        buf.clear();
        for v in chunk {
            let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            let _ = writeln!(
                buf,
                "{},{},{},{},{},{},{},{},{},{},{}",
                v.person_id,
                v.year,
                v.outcome.as_str(),
                tenths(v.counted_i),
                tenths(v.counted_ii),
                tenths(v.self_managed),
                tenths(v.total),
                quote(&v.shortfalls_json()),
                v.note.as_deref().map(quote).unwrap_or_default(),
                v.standard_version.map(|x| x.to_string()).unwrap_or_default(),
                at,
            );
        }
        if let Err(e) = copy.send(buf.as_bytes()).await {
            let _ = copy.abort("send failed").await;
            return Err(sqlx_err(e));
        }
    }
    copy.finish().await.map_err(sqlx_err)?;
    tx.commit().await.map_err(sqlx_err)?;
    Ok(())
}

/// Filters of a compliance query; the year is required.
#[derive(Debug, Clone, PartialEq, Eq)]
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
struct ListRow {
    id: Uuid,
    unit_id: Uuid,
    department_id: Option<Uuid>,
    name: String,
    id_number_masked: String,
    discipline: String,
    status: String,
    current_title: Option<String>,
    outcome: String,
    i_tenths: i32,
    ii_tenths: i32,
    self_tenths: i32,
    total_tenths: i32,
    shortfalls: String,
    note: Option<String>,
}

fn parse_shortfalls(json: &str) -> Result<Vec<Shortfall>, StoreError> {
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

/// People in `scope` joined with their verdict for the year, filtered by
/// everything but the outcome.
async fn filtered(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
) -> Result<sea_orm::Select<people::Entity>, StoreError> {
    let mut q = people::Entity::find()
        .join(JoinType::InnerJoin, compliance::Relation::Person.def().rev())
        .filter(compliance::Column::Year.eq(filter.year))
        .filter(scope::people_resolved(db, scope).await?);
    if let Some(d) = filter.discipline {
        q = q.filter(people::Column::Discipline.eq(d.as_str()));
    }
    if let Some(u) = filter.unit_id {
        q = q.filter(people::Column::UnitId.eq(u.0));
    }
    if let Some(d) = filter.department_id {
        q = q.filter(people::Column::DepartmentId.eq(d.0));
    }
    if let Some(r) = filter.region_id {
        q = q.filter(scope::people_resolved(db, &Scope::Region(r)).await?);
    }
    if let Some(name) = filter.name_contains.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        q = q.filter(people::Column::Name.like(contains_pattern(name)));
    }
    Ok(q)
}

async fn query(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
    after: Option<Uuid>,
    limit: Option<u64>,
) -> Result<Vec<ListRow>, StoreError> {
    let mut q = filtered(db, scope, filter).await?;
    if let Some(o) = filter.outcome {
        q = q.filter(compliance::Column::Outcome.eq(o.as_str()));
    }
    if let Some(after) = after {
        q = q.filter(people::Column::Id.gt(after));
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
        .expr_as(person::current_title_expr(day), "current_title")
        .columns([
            compliance::Column::Outcome,
            compliance::Column::ITenths,
            compliance::Column::IiTenths,
            compliance::Column::SelfTenths,
            compliance::Column::TotalTenths,
            compliance::Column::Shortfalls,
            compliance::Column::Note,
        ])
        .order_by_asc(people::Column::Id);
    if let Some(limit) = limit {
        q = q.limit(limit);
    }
    Ok(q.into_model::<ListRow>().all(db).await?)
}

/// Adds unit and department names (two look-ups by key for the whole page).
async fn with_names(db: &impl ConnectionTrait, rows: Vec<ListRow>) -> Result<Vec<ComplianceRow>, StoreError> {
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
                title: r.current_title.as_deref().map(person::parse_current_title).transpose()?,
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

/// Counts by outcome of the rows a filter selects (the query page's summary).
pub async fn counts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
) -> Result<HashMap<Outcome, u64>, StoreError> {
    let q = filtered(db, scope, filter).await?;
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
