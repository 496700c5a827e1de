//! A whole year rebuilt set-wise: one aggregate over the year's credits,
//! the pure evaluation in memory, one bulk write (COPY on PostgreSQL).

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{SubsecRound as _, Utc};
use cme_domain::compliance::{Outcome, SourceSums};
use cme_domain::ids::PersonId;
use cme_domain::org::UnitLevel;
use cme_domain::person::{Discipline, PersonStatus, TitleLevel};
use cme_domain::standard::Standard;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait as _, FromQueryResult, QuerySelect as _,
    Statement, TransactionTrait as _,
};
use uuid::Uuid;

use super::inputs::Inputs;
use super::pg_copy::{
    COLUMNS, COPY_BINARY_HEADER, COPY_BINARY_TRAILER, VERDICT_COLUMNS, binary_rows, binary_verdicts, pg_micros,
    set_from, sqlx_err,
};
use super::verdict::{StoredRow, credits_of, upsert, verdict_of};
use crate::entity::{compliance, credits};
use crate::repo::{parse, standard};
use crate::{StoreError, batch_rows};

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
pub(super) struct InputRow {
    pub(super) person_id: Uuid,
    pub(super) status: PersonStatus,
    pub(super) discipline: Discipline,
    pub(super) unit_level: UnitLevel,
    pub(super) unit_id: Uuid,
    pub(super) department_id: Option<Uuid>,
    pub(super) county_id: Option<Uuid>,
    pub(super) prefecture_id: Option<Uuid>,
    pub(super) title_level: Option<TitleLevel>,
    pub(super) course_done: bool,
    pub(super) sum_national: i64,
    pub(super) sum_provincial: i64,
    pub(super) sum_distance_i: i64,
    pub(super) sum_prefecture: i64,
    pub(super) sum_distance_ii: i64,
    pub(super) sum_self_managed: i64,
    pub(super) o_unit_id: Option<Uuid>,
    pub(super) o_department_id: Option<Uuid>,
    pub(super) o_county_id: Option<Uuid>,
    pub(super) o_prefecture_id: Option<Uuid>,
    pub(super) o_discipline: Option<Discipline>,
    pub(super) o_title_level: Option<TitleLevel>,
    pub(super) o_course_done: Option<bool>,
    pub(super) o_sum_national: Option<i32>,
    pub(super) o_sum_provincial: Option<i32>,
    pub(super) o_sum_distance_i: Option<i32>,
    pub(super) o_sum_prefecture: Option<i32>,
    pub(super) o_sum_distance_ii: Option<i32>,
    pub(super) o_sum_self_managed: Option<i32>,
    pub(super) o_outcome: Option<Outcome>,
    pub(super) o_i_tenths: Option<i32>,
    pub(super) o_ii_tenths: Option<i32>,
    pub(super) o_self_tenths: Option<i32>,
    pub(super) o_total_tenths: Option<i32>,
    pub(super) o_shortfalls: Option<String>,
    pub(super) o_note: Option<String>,
    pub(super) o_standard_version: Option<i32>,
}

impl InputRow {
    pub(super) fn inputs(&self, year: i32) -> Result<Inputs, StoreError> {
        Ok(Inputs {
            person_id: PersonId(self.person_id),
            year,
            status: self.status,
            unit_level: self.unit_level,
            discipline: self.discipline,
            title_level: self.title_level,
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
    pub(super) fn stored_inputs_are(&self, row: &StoredRow) -> bool {
        let o = self;
        o.o_unit_id == Some(row.unit_id)
            && o.o_department_id == row.department_id
            && o.o_county_id == row.county_id
            && o.o_prefecture_id == row.prefecture_id
            && o.o_discipline == Some(row.discipline)
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
    pub(super) fn stored_verdict_is(&self, row: &StoredRow) -> bool {
        let o = self;
        o.o_outcome == Some(row.outcome)
            && o.o_i_tenths == Some(row.i_tenths)
            && o.o_ii_tenths == Some(row.ii_tenths)
            && o.o_self_tenths == Some(row.self_tenths)
            && o.o_total_tenths == Some(row.total_tenths)
            && o.o_shortfalls.as_deref() == Some(row.shortfalls.as_str())
            && o.o_note == row.note
            && o.o_standard_version == row.standard_version
    }
}

pub(super) const SOURCES: [(&str, &str); 6] = [
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
pub(super) fn inputs_sql(year: i32, from: RecomputeFrom, backend: DbBackend) -> String {
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
/// once. And the long statement timeout (`crate::LONG_STATEMENT_TIMEOUT`) instead of the
/// pool's: a province's recomputation reads and merges 400,000 rows.
pub(super) const PG_TUNING: [&str; 3] =
    ["SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off", "SET LOCAL statement_timeout = '15min'"];

/// [`recompute_year`] on PostgreSQL. One transaction takes the lock and
/// COPYs the changed rows into a staging table while they are found; a
/// reader task, on its own connection, streams every person's inputs and
/// evaluates each row as it arrives. Every [`PG_MERGE_AT`] rows the stage
/// is merged (one UPDATE and, for people without a stored row, one
/// INSERT) and emptied. Measured on 400,000 rows whose every verdict
/// changed: one merge after the read took 1.45–2.0 s on top of it; the
/// last of three merges takes about 0.5 s.
pub(super) async fn recompute_year_pg(
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
pub(super) const PG_MERGE_AT: usize = 150_000;

/// Which staging table a chunk of binary COPY tuples is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Staged {
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
    pub(super) fn copy_sql(self) -> String {
        match self {
            Staged::Rows => format!("COPY compliance_stage ({COLUMNS}) FROM STDIN (FORMAT binary)"),
            Staged::Verdicts => {
                format!("COPY compliance_verdict_stage ({VERDICT_COLUMNS}) FROM STDIN (FORMAT binary)")
            }
        }
    }
}

/// What one round staged.
pub(super) struct Round {
    pub(super) rows: usize,
    pub(super) verdicts: usize,
    pub(super) ended: bool,
}

/// COPYs the chunks `receiver` gives into the staging tables until at
/// least [`PG_MERGE_AT`] rows are staged or the reader is done. Verdicts
/// stream into their table as they come; whole rows (rare but for a first
/// computation) are held and COPYed after.
pub(super) async fn stage_round(
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
pub(super) async fn read_all(
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
pub(super) struct Tally {
    pub(super) stats: RecomputeStats,
    /// Rows not yet written that are new or whose place or inputs changed.
    pub(super) pending: Vec<StoredRow>,
    /// Rows not yet written whose verdict alone changed (a new standard).
    pub(super) pending_verdicts: Vec<StoredRow>,
    pub(super) written: usize,
}

impl Tally {
    pub(super) fn take(&mut self, r: &InputRow, year: i32, standard: Option<&Standard>) -> Result<(), StoreError> {
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

    pub(super) fn stats(&self) -> RecomputeStats {
        RecomputeStats { written: self.written, ..self.stats }
    }
}

impl InputRow {
    /// Decodes a row of [`inputs_sql`] by position (PostgreSQL). Unchecked:
    /// the query is ours and its column types fixed (the store tests read
    /// every column). The checked decode's type comparisons (PgType clone
    /// and compare) were about 3% of the server's samples in a
    /// 400,000-row recomputation (perf).
    pub(super) fn from_pg(row: &sea_orm::sqlx::postgres::PgRow) -> Result<InputRow, StoreError> {
        use sea_orm::sqlx::Row as _;
        let mut at = 0usize;
        macro_rules! get {
            () => {{
                at += 1;
                row.try_get_unchecked(at - 1).map_err(sqlx_err)?
            }};
        }
        // A stored enum name, parsed from the borrowed text.
        macro_rules! named {
            () => {{
                let text: &str = get!();
                parse(text)?
            }};
        }
        macro_rules! named_opt {
            () => {{
                let text: Option<&str> = get!();
                text.map(parse).transpose()?
            }};
        }
        Ok(InputRow {
            person_id: get!(),
            status: named!(),
            discipline: named!(),
            unit_level: named!(),
            unit_id: get!(),
            department_id: get!(),
            county_id: get!(),
            prefecture_id: get!(),
            title_level: named_opt!(),
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
            o_discipline: named_opt!(),
            o_title_level: named_opt!(),
            o_course_done: get!(),
            o_sum_national: get!(),
            o_sum_provincial: get!(),
            o_sum_distance_i: get!(),
            o_sum_prefecture: get!(),
            o_sum_distance_ii: get!(),
            o_sum_self_managed: get!(),
            o_outcome: named_opt!(),
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

/// Merges the staged verdicts of `year` on PostgreSQL (their rows exist:
/// they were read), inside the caller's transaction.
pub(super) async fn merge_verdicts(
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
pub(super) async fn merge_staged(
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
