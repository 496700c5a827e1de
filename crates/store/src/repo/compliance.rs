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
use cme_domain::compliance::{
    CourseStatus, CreditInput, Evaluation, Outcome, Shortfall, ShortfallCode, SourceSums, evaluate, source_sums,
};
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::org::UnitLevel;
use cme_domain::person::{Discipline, PersonStatus, Title, TitleLevel, title_for_year};
use cme_domain::standard::{Profile, Standard};
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait as _,
    FromQueryResult, JoinType, QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _,
    RelationTrait as _, RuntimeErr, Statement, TransactionTrait as _,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Page, contains_pattern, course, credit, page_limit, paginate, parse, person, scope, standard};
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

fn credits_of(tenths: i64) -> Credits {
    Credits::from_tenths(u32::try_from(tenths.max(0)).unwrap_or(u32::MAX))
}

/// What a person-year's verdict is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Inputs {
    person_id: PersonId,
    year: i32,
    status: PersonStatus,
    unit_level: UnitLevel,
    discipline: Discipline,
    title_level: Option<TitleLevel>,
    course_done: bool,
    sums: SourceSums,
    unit_id: Uuid,
    department_id: Option<Uuid>,
    county_id: Option<Uuid>,
    prefecture_id: Option<Uuid>,
}

/// The verdict of `inputs` under the year's published standard (the one
/// evaluation of both [`refresh`] and [`recompute_year`]).
fn verdict_of(standard: Option<&Standard>, i: &Inputs) -> Verdict {
    let Some(standard) = standard else {
        return Verdict::undetermined(i.person_id, i.year, i.status, format!("{} 年度没有已发布的验证标准", i.year));
    };
    let profile = Profile { unit_level: i.unit_level, title_level: i.title_level, discipline: i.discipline };
    match standard.requirement(profile) {
        Err(why) => Verdict::undetermined(i.person_id, i.year, i.status, why.to_string()),
        Ok(row) => {
            let course = CourseStatus::new(standard.mandatory_course.is_some(), i.course_done);
            let e = evaluate(&row.requirement, course, &i.sums.inputs());
            Verdict::from_evaluation(i.person_id, i.year, i.status, &e, standard.version)
        }
    }
}

/// One stored row (all but `computed_at`), as written and as read back: a
/// recomputation writes only the rows whose value changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StoredRow {
    person_id: Uuid,
    year: i32,
    unit_id: Uuid,
    department_id: Option<Uuid>,
    county_id: Option<Uuid>,
    prefecture_id: Option<Uuid>,
    discipline: String,
    title_level: Option<String>,
    course_done: bool,
    sums: [i32; 6],
    outcome: String,
    i_tenths: i32,
    ii_tenths: i32,
    self_tenths: i32,
    total_tenths: i32,
    shortfalls: String,
    note: Option<String>,
    standard_version: Option<i32>,
}

impl StoredRow {
    fn new(i: &Inputs, v: &Verdict) -> StoredRow {
        let s = &i.sums;
        StoredRow {
            person_id: i.person_id.0,
            year: i.year,
            unit_id: i.unit_id,
            department_id: i.department_id,
            county_id: i.county_id,
            prefecture_id: i.prefecture_id,
            discipline: i.discipline.as_str().to_owned(),
            title_level: i.title_level.map(|t| t.as_str().to_owned()),
            course_done: i.course_done,
            sums: [
                tenths(s.national),
                tenths(s.provincial),
                tenths(s.distance_i),
                tenths(s.prefecture),
                tenths(s.distance_ii),
                tenths(s.self_managed),
            ],
            outcome: v.outcome.as_str().to_owned(),
            i_tenths: tenths(v.counted_i),
            ii_tenths: tenths(v.counted_ii),
            self_tenths: tenths(v.self_managed),
            total_tenths: tenths(v.total),
            shortfalls: v.shortfalls_json(),
            note: v.note.clone(),
            standard_version: v.standard_version.and_then(|x| i32::try_from(x).ok()),
        }
    }

    fn active(&self, now: chrono::DateTime<Utc>) -> compliance::ActiveModel {
        compliance::ActiveModel {
            person_id: Set(self.person_id),
            year: Set(self.year),
            unit_id: Set(self.unit_id),
            department_id: Set(self.department_id),
            county_id: Set(self.county_id),
            prefecture_id: Set(self.prefecture_id),
            discipline: Set(self.discipline.clone()),
            title_level: Set(self.title_level.clone()),
            course_done: Set(self.course_done),
            sum_national: Set(self.sums[0]),
            sum_provincial: Set(self.sums[1]),
            sum_distance_i: Set(self.sums[2]),
            sum_prefecture: Set(self.sums[3]),
            sum_distance_ii: Set(self.sums[4]),
            sum_self_managed: Set(self.sums[5]),
            outcome: Set(self.outcome.clone()),
            i_tenths: Set(self.i_tenths),
            ii_tenths: Set(self.ii_tenths),
            self_tenths: Set(self.self_tenths),
            total_tenths: Set(self.total_tenths),
            shortfalls: Set(self.shortfalls.clone()),
            note: Set(self.note.clone()),
            standard_version: Set(self.standard_version),
            computed_at: Set(now),
        }
    }
}

/// Every column but the key, replaced on conflict.
const UPDATED: [compliance::Column; 22] = [
    compliance::Column::UnitId,
    compliance::Column::DepartmentId,
    compliance::Column::CountyId,
    compliance::Column::PrefectureId,
    compliance::Column::Discipline,
    compliance::Column::TitleLevel,
    compliance::Column::CourseDone,
    compliance::Column::SumNational,
    compliance::Column::SumProvincial,
    compliance::Column::SumDistanceI,
    compliance::Column::SumPrefecture,
    compliance::Column::SumDistanceIi,
    compliance::Column::SumSelfManaged,
    compliance::Column::Outcome,
    compliance::Column::ITenths,
    compliance::Column::IiTenths,
    compliance::Column::SelfTenths,
    compliance::Column::TotalTenths,
    compliance::Column::Shortfalls,
    compliance::Column::Note,
    compliance::Column::StandardVersion,
    compliance::Column::ComputedAt,
];

fn upsert() -> OnConflict {
    OnConflict::columns([compliance::Column::PersonId, compliance::Column::Year]).update_columns(UPDATED).to_owned()
}

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

/// The inputs of one person-year, read from the person, his titles, credits
/// and course.
async fn inputs_of(db: &impl ConnectionTrait, person_id: PersonId, year: i32) -> Result<Inputs, StoreError> {
    let p = people::Entity::find_by_id(person_id.0).one(db).await?.ok_or(StoreError::NotFound)?;
    let unit_level: String = units::Entity::find_by_id(p.unit_id)
        .select_only()
        .column(units::Column::Level)
        .into_tuple()
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let titles = person::titles(db, person_id).await?;
    let credits = credit::list_for_person_year(db, person_id, year).await?;
    let inputs: Vec<CreditInput> = credits.iter().map(CreditInput::from).collect();
    let inputs = Inputs {
        person_id,
        year,
        status: parse(&p.status)?,
        unit_level: parse(&unit_level)?,
        discipline: parse(&p.discipline)?,
        title_level: title_for_year(&titles, year).map(|t| t.level),
        course_done: course::is_completed(db, person_id, year).await?,
        sums: source_sums(&inputs),
        unit_id: p.unit_id,
        department_id: p.department_id,
        county_id: p.county_id,
        prefecture_id: p.prefecture_id,
    };
    Ok(inputs)
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

/// Where a recomputation takes the inputs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecomputeFrom {
    /// The title, course and credit sums stored with each verdict (kept
    /// current by every write in its transaction): the standard is applied
    /// again to one narrow row per person. People without a stored row
    /// have theirs read from the credits.
    Stored,
    /// Everything read again from people, titles, course completions and
    /// an aggregate of the year's credits (after a bulk load that bypassed
    /// the write paths, or to check the stored sums).
    Credits,
}

/// One person of a recomputation: his inputs and his stored row, if any.
#[derive(Debug, FromQueryResult)]
struct InputRow {
    person_id: Uuid,
    status: String,
    discipline: String,
    unit_level: String,
    unit_id: Uuid,
    department_id: Option<Uuid>,
    county_id: Option<Uuid>,
    prefecture_id: Option<Uuid>,
    title_level: Option<String>,
    course_done: bool,
    sum_national: i64,
    sum_provincial: i64,
    sum_distance_i: i64,
    sum_prefecture: i64,
    sum_distance_ii: i64,
    sum_self_managed: i64,
    o_unit_id: Option<Uuid>,
    o_department_id: Option<Uuid>,
    o_county_id: Option<Uuid>,
    o_prefecture_id: Option<Uuid>,
    o_discipline: Option<String>,
    o_title_level: Option<String>,
    o_course_done: Option<bool>,
    o_sum_national: Option<i32>,
    o_sum_provincial: Option<i32>,
    o_sum_distance_i: Option<i32>,
    o_sum_prefecture: Option<i32>,
    o_sum_distance_ii: Option<i32>,
    o_sum_self_managed: Option<i32>,
    o_outcome: Option<String>,
    o_i_tenths: Option<i32>,
    o_ii_tenths: Option<i32>,
    o_self_tenths: Option<i32>,
    o_total_tenths: Option<i32>,
    o_shortfalls: Option<String>,
    o_note: Option<String>,
    o_standard_version: Option<i32>,
}

impl InputRow {
    fn inputs(&self, year: i32) -> Result<Inputs, StoreError> {
        Ok(Inputs {
            person_id: PersonId(self.person_id),
            year,
            status: parse(&self.status)?,
            unit_level: parse(&self.unit_level)?,
            discipline: parse(&self.discipline)?,
            title_level: self.title_level.as_deref().map(parse).transpose()?,
            course_done: self.course_done,
            sums: SourceSums {
                national: credits_of(self.sum_national),
                provincial: credits_of(self.sum_provincial),
                distance_i: credits_of(self.sum_distance_i),
                prefecture: credits_of(self.sum_prefecture),
                distance_ii: credits_of(self.sum_distance_ii),
                self_managed: credits_of(self.sum_self_managed),
            },
            unit_id: self.unit_id,
            department_id: self.department_id,
            county_id: self.county_id,
            prefecture_id: self.prefecture_id,
        })
    }

    /// Whether there is a stored row with the place and inputs of `row`
    /// (compared in place, without copying the stored strings).
    fn stored_inputs_are(&self, row: &StoredRow) -> bool {
        let o = self;
        o.o_unit_id == Some(row.unit_id)
            && o.o_department_id == row.department_id
            && o.o_county_id == row.county_id
            && o.o_prefecture_id == row.prefecture_id
            && o.o_discipline.as_deref() == Some(row.discipline.as_str())
            && o.o_title_level == row.title_level
            && o.o_course_done == Some(row.course_done)
            && [
                o.o_sum_national,
                o.o_sum_provincial,
                o.o_sum_distance_i,
                o.o_sum_prefecture,
                o.o_sum_distance_ii,
                o.o_sum_self_managed,
            ] == row.sums.map(Some)
    }

    /// Whether the stored verdict is `row`'s.
    fn stored_verdict_is(&self, row: &StoredRow) -> bool {
        let o = self;
        o.o_outcome.as_deref() == Some(row.outcome.as_str())
            && o.o_i_tenths == Some(row.i_tenths)
            && o.o_ii_tenths == Some(row.ii_tenths)
            && o.o_self_tenths == Some(row.self_tenths)
            && o.o_total_tenths == Some(row.total_tenths)
            && o.o_shortfalls.as_deref() == Some(row.shortfalls.as_str())
            && o.o_note == row.note
            && o.o_standard_version == row.standard_version
    }
}

const SOURCES: [(&str, &str); 6] = [
    ("sum_national", "source = 'national'"),
    ("sum_provincial", "source = 'provincial'"),
    ("sum_distance_i", "source = 'distance_i'"),
    ("sum_prefecture", "source = 'prefecture'"),
    ("sum_distance_ii", "source = 'distance_ii'"),
    ("sum_self_managed", "kind = 'self_managed'"),
];

/// The read of [`recompute_year`]: every person with his place, his unit's
/// level, his inputs (from `from`) and his stored row. The year is an
/// integer, inlined (custom SQL placeholders differ between backends).
fn inputs_sql(year: i32, from: RecomputeFrom, backend: DbBackend) -> String {
    let title = format!(
        "(SELECT t.level FROM person_titles t WHERE t.person_id = p.id AND t.obtained_on <= '{year:04}-12-31' \
         ORDER BY t.obtained_on DESC LIMIT 1)"
    );
    // One hashed lookup per person rather than a count per person.
    let course = format!("p.id IN (SELECT cc.person_id FROM course_completions cc WHERE cc.year = {year})");
    let old: String = [
        "unit_id",
        "department_id",
        "county_id",
        "prefecture_id",
        "discipline",
        "title_level",
        "course_done",
        "sum_national",
        "sum_provincial",
        "sum_distance_i",
        "sum_prefecture",
        "sum_distance_ii",
        "sum_self_managed",
        "outcome",
        "i_tenths",
        "ii_tenths",
        "self_tenths",
        "total_tenths",
        "shortfalls",
        "note",
        "standard_version",
    ]
    .iter()
    .map(|c| format!(", c.{c} AS o_{c}"))
    .collect();
    let head = "SELECT p.id AS person_id, p.status, p.discipline, u.level AS unit_level, p.unit_id, p.department_id, \
                p.county_id, p.prefecture_id";
    match from {
        RecomputeFrom::Stored => {
            // A stored row's inputs, else (never verdicted) read them.
            let or_read = |stored: &str, read: &str, name: &str| {
                format!(", CASE WHEN c.person_id IS NULL THEN {read} ELSE c.{stored} END AS {name}")
            };
            let mut sql = format!(
                "{head}{}{}",
                or_read("title_level", &title, "title_level"),
                or_read("course_done", &course, "course_done")
            );
            for (name, cond) in SOURCES {
                let read = format!(
                    "(SELECT COALESCE(SUM(amount_tenths), 0) FROM credits k WHERE k.person_id = p.id \
                     AND k.year = {year} AND k.state = 'valid' AND k.{cond})"
                );
                sql.push_str(&or_read(name, &read, name));
            }
            let _ = write!(
                sql,
                "{old} FROM people p JOIN units u ON u.id = p.unit_id \
                 LEFT JOIN compliance c ON c.person_id = p.id AND c.year = {year}"
            );
            sql
        }
        RecomputeFrom::Credits => {
            let postgres = backend == DbBackend::Postgres;
            let sums: Vec<String> = SOURCES
                .iter()
                .map(|(name, cond)| {
                    if postgres {
                        format!("SUM(amount_tenths) FILTER (WHERE {cond}) AS {name}")
                    } else {
                        format!("SUM(CASE WHEN {cond} THEN amount_tenths ELSE 0 END) AS {name}")
                    }
                })
                .collect();
            let coalesced: String =
                SOURCES.iter().map(|(name, _)| format!(", COALESCE(a.{name}, 0) AS {name}")).collect();
            // PostgreSQL: the titles held on 31 December in one pass (a
            // lookup per person took 1.6 s of 400,000); SQLite has no
            // DISTINCT ON and keeps the lookup.
            let (title, title_join) = if postgres {
                (
                    "t.level".to_owned(),
                    format!(
                        "LEFT JOIN (SELECT DISTINCT ON (person_id) person_id, level FROM person_titles \
                         WHERE obtained_on <= '{year:04}-12-31' ORDER BY person_id, obtained_on DESC) t \
                         ON t.person_id = p.id "
                    ),
                )
            } else {
                (title, String::new())
            };
            format!(
                "{head}, {title} AS title_level, {course} AS course_done{coalesced}{old} \
                 FROM people p JOIN units u ON u.id = p.unit_id \
                 LEFT JOIN compliance c ON c.person_id = p.id AND c.year = {year} {title_join}\
                 LEFT JOIN (SELECT person_id, {} FROM credits WHERE year = {year} AND state = 'valid' \
                 GROUP BY person_id) a ON a.person_id = p.id",
                sums.join(", ")
            )
        }
    }
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
    /// Rows written: those whose verdict, inputs or place changed.
    pub written: usize,
}

/// Recomputes the stored compliance of every person for `year`, set-wise:
/// one read of every person's inputs, the pure evaluation in memory, and
/// one bulk write of the rows that changed. Writers of the table wait while
/// it runs (PostgreSQL: an EXCLUSIVE table lock, readers go on), so no
/// concurrent refresh is lost.
///
/// On PostgreSQL the read streams on its own connection and each row is
/// evaluated as it arrives; the changed rows are COPYed (binary) into a
/// staging table and merged every 150,000 rows, while the read goes on,
/// with one UPDATE (mostly HOT: the table keeps half of each page free)
/// and one INSERT of the rows that were missing.
pub async fn recompute_year(
    db: &DatabaseConnection,
    year: i32,
    from: RecomputeFrom,
) -> Result<RecomputeStats, StoreError> {
    let backend = db.get_database_backend();
    let standard = standard::get_published(db, year).await?;
    if backend == DbBackend::Postgres {
        recompute_year_pg(db.get_postgres_connection_pool(), year, from, standard).await
    } else {
        let txn = db.begin().await?;
        let rows = InputRow::find_by_statement(Statement::from_string(backend, inputs_sql(year, from, backend)))
            .all(&txn)
            .await?;
        let mut tally = Tally::default();
        for r in &rows {
            tally.take(r, year, standard.as_ref())?;
        }
        let now = Utc::now().trunc_subsecs(6);
        let stats = tally.stats();
        let changed: Vec<StoredRow> = tally.pending.into_iter().chain(tally.pending_verdicts).collect();
        for chunk in changed.chunks(batch_rows(backend, 24)) {
            let rows: Vec<_> = chunk.iter().map(|r| r.active(now)).collect();
            compliance::Entity::insert_many(rows).on_conflict(upsert()).exec_without_returning(&txn).await?;
        }
        txn.commit().await?;
        Ok(stats)
    }
}

/// Settings of a recomputation's two transactions on PostgreSQL: enough
/// memory for its hash joins and aggregates to stay off disk (at 4 MB the
/// 400,000-person read spills in 8 batches), and no JIT, which spent 0.2 s
/// (stored inputs) to 1.1 s (from the credits) compiling a query that runs
/// once.
const PG_TUNING: [&str; 2] = ["SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off"];

/// [`recompute_year`] on PostgreSQL. One transaction takes the lock and
/// COPYs the changed rows into a staging table while they are found; a
/// reader task, on its own connection, streams every person's inputs and
/// evaluates each row as it arrives. Every [`PG_MERGE_AT`] rows the stage
/// is merged (one UPDATE and, for people without a stored row, one
/// INSERT) and emptied. Measured on 400,000 rows whose every verdict
/// changed: one merge after the read took 1.45–2.0 s on top of it; the
/// last of three merges takes about 0.5 s.
async fn recompute_year_pg(
    pool: &sea_orm::sqlx::PgPool,
    year: i32,
    from: RecomputeFrom,
    standard: Option<Standard>,
) -> Result<RecomputeStats, StoreError> {
    use sea_orm::sqlx::query;
    let started = std::time::Instant::now();
    let mut tx = pool.begin().await.map_err(sqlx_err)?;
    for setting in PG_TUNING {
        query(setting).execute(&mut *tx).await.map_err(sqlx_err)?;
    }
    query("LOCK TABLE compliance IN EXCLUSIVE MODE").execute(&mut *tx).await.map_err(sqlx_err)?;
    query("CREATE TEMP TABLE compliance_stage (LIKE compliance INCLUDING DEFAULTS) ON COMMIT DROP")
        .execute(&mut *tx)
        .await
        .map_err(sqlx_err)?;
    query(
        "CREATE TEMP TABLE compliance_verdict_stage (person_id uuid NOT NULL, outcome text NOT NULL, \
         i_tenths integer NOT NULL, ii_tenths integer NOT NULL, self_tenths integer NOT NULL, \
         total_tenths integer NOT NULL, shortfalls text NOT NULL, note text, standard_version integer, \
         computed_at timestamptz NOT NULL) ON COMMIT DROP",
    )
    .execute(&mut *tx)
    .await
    .map_err(sqlx_err)?;
    let at = pg_micros(Utc::now().trunc_subsecs(6));
    // Room for the rows read while a batch merges (32 chunks of 5,000: about
    // 50 MB), so that the read does not wait on the merge.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<(Staged, Vec<u8>, usize)>(32);
    // The reader's transaction starts after the lock was taken: with the
    // writers held off, it sees every committed change.
    let read_tx = pool.begin().await.map_err(sqlx_err)?;
    let reader =
        tokio::spawn(read_all(read_tx, inputs_sql(year, from, DbBackend::Postgres), year, standard, sender, at));
    // The changed rows go into the staging table while the read goes on,
    // and are merged every PG_MERGE_AT rows: the merges of the first
    // batches overlap the read, and only the last one follows it.
    let mut read = None;
    loop {
        let round = match stage_round(&mut tx, &mut receiver).await {
            Ok(round) => round,
            Err(e) => {
                // The reader's own error, if it failed first, says more.
                drop(receiver);
                if let Ok(Err(read_error)) = reader.await {
                    return Err(read_error);
                }
                return Err(sqlx_err(e));
            }
        };
        if round.ended {
            read = Some(started.elapsed());
        }
        if round.verdicts > 0 {
            merge_verdicts(&mut tx, year).await?;
        }
        if round.rows > 0 {
            merge_staged(&mut tx, round.rows).await?;
        }
        if round.ended {
            break;
        }
        query("TRUNCATE compliance_stage, compliance_verdict_stage").execute(&mut *tx).await.map_err(sqlx_err)?;
    }
    let tally = reader.await.map_err(|e| StoreError::Db(DbErr::Custom(format!("compliance reader: {e}"))))??;
    let read = read.unwrap_or_default();
    let merged = started.elapsed();
    tx.commit().await.map_err(sqlx_err)?;
    tracing::info!(
        year,
        written = tally.written,
        read_ms = read.as_millis(),
        merge_ms = (merged - read).as_millis(),
        commit_ms = (started.elapsed() - merged).as_millis(),
        "compliance recomputed"
    );
    Ok(tally.stats())
}

/// Changed rows staged before a merge on PostgreSQL.
const PG_MERGE_AT: usize = 150_000;

/// Which staging table a chunk of binary COPY tuples is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Staged {
    /// Whole rows ([`COLUMNS`]) into `compliance_stage`: new people, or a
    /// changed place or inputs.
    Rows,
    /// The verdict alone ([`VERDICT_COLUMNS`]) into
    /// `compliance_verdict_stage`: the common case after a new standard,
    /// half the bytes to COPY and a narrower UPDATE.
    Verdicts,
}

impl Staged {
    /// The COPY statement into this stage.
    fn copy_sql(self) -> String {
        match self {
            Staged::Rows => format!("COPY compliance_stage ({COLUMNS}) FROM STDIN (FORMAT binary)"),
            Staged::Verdicts => {
                format!("COPY compliance_verdict_stage ({VERDICT_COLUMNS}) FROM STDIN (FORMAT binary)")
            }
        }
    }
}

/// What one round staged.
struct Round {
    rows: usize,
    verdicts: usize,
    ended: bool,
}

/// COPYs the chunks `receiver` gives into the staging tables until at
/// least [`PG_MERGE_AT`] rows are staged or the reader is done. Verdicts
/// stream into their table as they come; whole rows (rare but for a first
/// computation) are held and COPYed after.
async fn stage_round(
    conn: &mut sea_orm::sqlx::PgConnection,
    receiver: &mut tokio::sync::mpsc::Receiver<(Staged, Vec<u8>, usize)>,
) -> Result<Round, sea_orm::sqlx::Error> {
    let mut round = Round { rows: 0, verdicts: 0, ended: false };
    let mut held: Vec<Vec<u8>> = Vec::new();
    {
        let mut copy = conn.copy_in_raw(&Staged::Verdicts.copy_sql()).await?;
        let mut sent = copy.send(COPY_BINARY_HEADER).await.map(|_| ());
        while sent.is_ok() && round.rows + round.verdicts < PG_MERGE_AT {
            let Some((kind, chunk, n)) = receiver.recv().await else {
                round.ended = true;
                break;
            };
            match kind {
                Staged::Verdicts => {
                    round.verdicts += n;
                    sent = copy.send(chunk.as_slice()).await.map(|_| ());
                }
                Staged::Rows => {
                    round.rows += n;
                    held.push(chunk);
                }
            }
        }
        if let Err(e) = sent {
            let _ = copy.abort("send failed").await;
            return Err(e);
        }
        copy.send(COPY_BINARY_TRAILER).await?;
        copy.finish().await?;
    }
    if !held.is_empty() {
        let mut copy = conn.copy_in_raw(&Staged::Rows.copy_sql()).await?;
        copy.send(COPY_BINARY_HEADER).await?;
        for chunk in &held {
            copy.send(chunk.as_slice()).await?;
        }
        copy.send(COPY_BINARY_TRAILER).await?;
        copy.finish().await?;
    }
    Ok(round)
}

/// The reader of [`recompute_year_pg`]: streams `sql` in `tx`, evaluates
/// every row and sends the changed ones, as binary COPY tuples in chunks
/// of 5,000, to `out`. Returns its tally (with nothing pending).
async fn read_all(
    mut tx: sea_orm::sqlx::Transaction<'static, sea_orm::sqlx::Postgres>,
    sql: String,
    year: i32,
    standard: Option<Standard>,
    out: tokio::sync::mpsc::Sender<(Staged, Vec<u8>, usize)>,
    at: i64,
) -> Result<Tally, StoreError> {
    use futures_util::TryStreamExt as _;
    use sea_orm::sqlx::query;
    for setting in PG_TUNING {
        query(setting).execute(&mut *tx).await.map_err(sqlx_err)?;
    }
    let mut tally = Tally::default();
    {
        let mut rows = query(sea_orm::sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
        let mut last = false;
        while !last {
            match rows.try_next().await.map_err(sqlx_err)? {
                Some(row) => tally.take(&InputRow::from_pg(&row)?, year, standard.as_ref())?,
                None => last = true,
            }
            if tally.pending.len() + tally.pending_verdicts.len() >= 5_000 || last {
                for (rows, kind) in
                    [(&mut tally.pending, Staged::Rows), (&mut tally.pending_verdicts, Staged::Verdicts)]
                {
                    if rows.is_empty() {
                        continue;
                    }
                    let mut chunk = Vec::with_capacity(rows.len() * 320);
                    match kind {
                        Staged::Rows => binary_rows(&mut chunk, rows, at),
                        Staged::Verdicts => binary_verdicts(&mut chunk, rows, at),
                    }
                    let n = rows.len();
                    rows.clear();
                    // A closed channel means the COPY failed; its error is the one returned.
                    if out.send((kind, chunk, n)).await.is_err() {
                        return Err(StoreError::Db(DbErr::Custom("the compliance COPY stopped".to_owned())));
                    }
                }
            }
        }
    }
    tx.commit().await.map_err(sqlx_err)?;
    Ok(tally)
}

/// The running result of a recomputation.
#[derive(Default)]
struct Tally {
    stats: RecomputeStats,
    /// Rows not yet written that are new or whose place or inputs changed.
    pending: Vec<StoredRow>,
    /// Rows not yet written whose verdict alone changed (a new standard).
    pending_verdicts: Vec<StoredRow>,
    written: usize,
}

impl Tally {
    fn take(&mut self, r: &InputRow, year: i32, standard: Option<&Standard>) -> Result<(), StoreError> {
        let inputs = r.inputs(year)?;
        let verdict = verdict_of(standard, &inputs);
        let s = &mut self.stats;
        s.people += 1;
        match verdict.outcome {
            Outcome::Compliant => s.compliant += 1,
            Outcome::NonCompliant => s.non_compliant += 1,
            Outcome::NotCounted => s.not_counted += 1,
            Outcome::Undetermined => s.undetermined += 1,
        }
        let row = StoredRow::new(&inputs, &verdict);
        if !r.stored_inputs_are(&row) {
            self.pending.push(row);
            self.written += 1;
        } else if !r.stored_verdict_is(&row) {
            self.pending_verdicts.push(row);
            self.written += 1;
        }
        Ok(())
    }

    fn stats(&self) -> RecomputeStats {
        RecomputeStats { written: self.written, ..self.stats }
    }
}

impl InputRow {
    /// Decodes a row of [`inputs_sql`] by position (PostgreSQL). Unchecked:
    /// the query is ours and its column types fixed (the store tests read
    /// every column). The checked decode's type comparisons (PgType clone
    /// and compare) were about 3% of the server's samples in a
    /// 400,000-row recomputation (perf).
    fn from_pg(row: &sea_orm::sqlx::postgres::PgRow) -> Result<InputRow, StoreError> {
        use sea_orm::sqlx::Row as _;
        let mut at = 0usize;
        macro_rules! get {
            () => {{
                at += 1;
                row.try_get_unchecked(at - 1).map_err(sqlx_err)?
            }};
        }
        Ok(InputRow {
            person_id: get!(),
            status: get!(),
            discipline: get!(),
            unit_level: get!(),
            unit_id: get!(),
            department_id: get!(),
            county_id: get!(),
            prefecture_id: get!(),
            title_level: get!(),
            course_done: get!(),
            sum_national: get!(),
            sum_provincial: get!(),
            sum_distance_i: get!(),
            sum_prefecture: get!(),
            sum_distance_ii: get!(),
            sum_self_managed: get!(),
            o_unit_id: get!(),
            o_department_id: get!(),
            o_county_id: get!(),
            o_prefecture_id: get!(),
            o_discipline: get!(),
            o_title_level: get!(),
            o_course_done: get!(),
            o_sum_national: get!(),
            o_sum_provincial: get!(),
            o_sum_distance_i: get!(),
            o_sum_prefecture: get!(),
            o_sum_distance_ii: get!(),
            o_sum_self_managed: get!(),
            o_outcome: get!(),
            o_i_tenths: get!(),
            o_ii_tenths: get!(),
            o_self_tenths: get!(),
            o_total_tenths: get!(),
            o_shortfalls: get!(),
            o_note: get!(),
            o_standard_version: get!(),
        })
    }
}

fn sqlx_err(e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::from(DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e))))
}

const COLUMNS: &str = "person_id, year, unit_id, department_id, county_id, prefecture_id, discipline, title_level, \
                       course_done, sum_national, sum_provincial, sum_distance_i, sum_prefecture, sum_distance_ii, \
                       sum_self_managed, outcome, i_tenths, ii_tenths, self_tenths, total_tenths, shortfalls, note, \
                       standard_version, computed_at";

const VERDICT_COLUMNS: &str = "person_id, outcome, i_tenths, ii_tenths, self_tenths, total_tenths, shortfalls, note, \
                               standard_version, computed_at";

/// `rows`' verdicts as binary COPY tuples of [`VERDICT_COLUMNS`] appended
/// to `buf`, with `at` as `computed_at` (see [`binary_rows`]).
fn binary_verdicts(buf: &mut Vec<u8>, rows: &[StoredRow], at: i64) {
    for r in rows {
        buf.extend_from_slice(&10i16.to_be_bytes());
        copy_field(buf, r.person_id.as_bytes());
        copy_verdict(buf, r, at);
    }
}

/// The verdict's fields of `r`, the tail of both [`COLUMNS`] and
/// [`VERDICT_COLUMNS`]: outcome to `computed_at`.
fn copy_verdict(buf: &mut Vec<u8>, r: &StoredRow, at: i64) {
    copy_field(buf, r.outcome.as_bytes());
    for v in [r.i_tenths, r.ii_tenths, r.self_tenths, r.total_tenths] {
        copy_field(buf, &v.to_be_bytes());
    }
    copy_field(buf, r.shortfalls.as_bytes());
    copy_opt(buf, r.note.as_deref().map(str::as_bytes));
    copy_opt(buf, r.standard_version.map(i32::to_be_bytes).as_ref().map(|b| b.as_slice()));
    copy_field(buf, &at.to_be_bytes());
}

/// A binary COPY field that may be NULL.
fn copy_opt(buf: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        Some(b) => copy_field(buf, b),
        None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

/// One binary COPY field: its length, then its bytes.
fn copy_field(buf: &mut Vec<u8>, bytes: &[u8]) {
    let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(bytes);
}

/// The end of a binary COPY stream.
const COPY_BINARY_TRAILER: &[u8] = &(-1i16).to_be_bytes();

/// The start of a binary COPY stream (signature, flags, no header extension).
const COPY_BINARY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// `rows` as binary COPY tuples of [`COLUMNS`] appended to `buf`, with
/// `at` (microseconds since 2000-01-01 UTC) as `computed_at`. Binary, not
/// CSV: the server parses 400,000 CSV rows in 1.37 s and the same rows in
/// binary in 0.51 s (psql, `COPY … FROM` a file of each).
fn binary_rows(buf: &mut Vec<u8>, rows: &[StoredRow], at: i64) {
    for r in rows {
        buf.extend_from_slice(&24i16.to_be_bytes());
        copy_field(buf, r.person_id.as_bytes());
        copy_field(buf, &r.year.to_be_bytes());
        copy_field(buf, r.unit_id.as_bytes());
        for place in [r.department_id, r.county_id, r.prefecture_id] {
            copy_opt(buf, place.as_ref().map(|u| u.as_bytes().as_slice()));
        }
        copy_field(buf, r.discipline.as_bytes());
        copy_opt(buf, r.title_level.as_deref().map(str::as_bytes));
        copy_field(buf, &[u8::from(r.course_done)]);
        for s in r.sums {
            copy_field(buf, &s.to_be_bytes());
        }
        copy_verdict(buf, r, at);
    }
}

/// Microseconds since 2000-01-01 00:00 UTC (PostgreSQL's timestamp epoch).
fn pg_micros(at: chrono::DateTime<Utc>) -> i64 {
    const PG_EPOCH_UNIX_MICROS: i64 = 946_684_800_000_000;
    at.timestamp_micros() - PG_EPOCH_UNIX_MICROS
}

/// `column = alias.column, …` for every column of `columns` but the key
/// (`person_id`, `year`).
fn set_from(columns: &str, alias: &str) -> String {
    columns
        .split(',')
        .map(str::trim)
        .filter(|c| *c != "person_id" && *c != "year")
        .map(|c| format!("{c} = {alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Merges the staged verdicts of `year` on PostgreSQL (their rows exist:
/// they were read), inside the caller's transaction.
async fn merge_verdicts(
    tx: &mut sea_orm::sqlx::Transaction<'_, sea_orm::sqlx::Postgres>,
    year: i32,
) -> Result<(), StoreError> {
    // Built from the constant column list and an integer.
    sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(format!(
        "UPDATE compliance c SET {} FROM compliance_verdict_stage v WHERE c.person_id = v.person_id AND c.year = {year}",
        set_from(VERDICT_COLUMNS, "v")
    )))
    .execute(&mut **tx)
    .await
    .map_err(sqlx_err)?;
    Ok(())
}

/// Merges the staging table's `staged` rows on PostgreSQL: one UPDATE of
/// the rows that exist, then an INSERT of the others if any were missed,
/// inside the caller's transaction (which holds the table lock).
async fn merge_staged(
    tx: &mut sea_orm::sqlx::Transaction<'_, sea_orm::sqlx::Postgres>,
    staged: usize,
) -> Result<(), StoreError> {
    use sea_orm::sqlx::{AssertSqlSafe, query};
    // No ANALYZE of the staging table (0.3 s for 400,000 rows): the planner
    // estimates a never-analysed table from its size on disk, which picks
    // a hash join for a large stage and index lookups for a small one.
    // Built from the constant column list only.
    let updated = query(AssertSqlSafe(format!(
        "UPDATE compliance c SET {} FROM compliance_stage s WHERE c.person_id = s.person_id AND c.year = s.year",
        set_from(COLUMNS, "s")
    )))
    .execute(&mut **tx)
    .await
    .map_err(sqlx_err)?
    .rows_affected();
    if usize::try_from(updated).is_ok_and(|n| n == staged) {
        // Every changed row existed: nothing to insert.
        return Ok(());
    }
    query(AssertSqlSafe(format!(
        // The rows just updated conflict and are skipped; the others are
        // new. (An anti-join here would scan the growing table per row.)
        "INSERT INTO compliance ({COLUMNS}) SELECT {COLUMNS} FROM compliance_stage \
         ON CONFLICT (person_id, year) DO NOTHING"
    )))
    .execute(&mut **tx)
    .await
    .map_err(sqlx_err)?;
    Ok(())
}

/// After a migration recreated the (derived) table, or on a database whose
/// credits were loaded around the write paths: rebuilds from the credits
/// every year that has credits but no stored verdict. Returns the years rebuilt.
pub async fn rebuild_missing_years(db: &DatabaseConnection) -> Result<Vec<i32>, StoreError> {
    let with_credits: Vec<i32> =
        credits::Entity::find().select_only().column(credits::Column::Year).distinct().into_tuple().all(db).await?;
    let stored: HashSet<i32> = compliance::Entity::find()
        .select_only()
        .column(compliance::Column::Year)
        .distinct()
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut missing: Vec<i32> = with_credits.into_iter().filter(|y| !stored.contains(y)).collect();
    missing.sort_unstable();
    let mut rebuilt = Vec::new();
    for year in missing {
        recompute_year(db, year, RecomputeFrom::Credits).await?;
        rebuilt.push(year);
    }
    Ok(rebuilt)
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

/// The year's stored verdicts in `scope`, filtered by everything but the
/// outcome and the name, on the row's own copied place.
async fn filtered(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ComplianceFilter,
) -> Result<sea_orm::Select<compliance::Entity>, StoreError> {
    let mut q = compliance::Entity::find()
        .filter(compliance::Column::Year.eq(filter.year))
        .filter(scope::compliance_resolved(db, scope).await?);
    if let Some(d) = filter.discipline {
        q = q.filter(compliance::Column::Discipline.eq(d.as_str()));
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

fn name_filter(filter: &ComplianceFilter) -> Option<sea_orm::sea_query::LikeExpr> {
    filter.name_contains.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(contains_pattern)
}

async fn query(
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
        q = q.filter(compliance::Column::Outcome.eq(o.as_str()));
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
        .order_by_asc(compliance::Column::PersonId);
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
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("VACUUM (ANALYZE) compliance").await?;
    }
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
    group: super::verification::Grouping,
    discipline: Option<Discipline>,
) -> Result<Vec<OutcomeTally>, StoreError> {
    use super::verification::Grouping;
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
        .apply_if(discipline, |q, d| q.filter(compliance::Column::Discipline.eq(d.as_str())))
        .group_by(column)
        .group_by(compliance::Column::Outcome)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(key, o, n)| Ok(OutcomeTally { key, outcome: parse(&o)?, count: u64::try_from(n).unwrap_or(0) }))
        .collect()
}

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
    let mut cells: std::collections::BTreeMap<(Option<Uuid>, Option<String>), PreviewCell> =
        std::collections::BTreeMap::new();
    let mut take = |r: &InputRow| -> Result<(), StoreError> {
        let inputs = r.inputs(year)?;
        let verdict = verdict_of(Some(draft), &inputs);
        let now = r.o_outcome.as_deref().map(parse::<Outcome>).transpose()?.unwrap_or(Outcome::Undetermined);
        if verdict.outcome == Outcome::NotCounted && now == Outcome::NotCounted {
            return Ok(());
        }
        let key = (inputs.prefecture_id, inputs.title_level.map(|t| t.as_str().to_owned()));
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
