//! `cme demo --queue-people N`: a county's queue at the deadline. N
//! generated people of 宣威市人民医院 (a county-level hospital of the demo),
//! with credits of the demo's cycle year and its mandatory course (about
//! two in three are then compliant); those compliant are submitted and
//! wait on 宣威市's office (account `xuanwei`). The browser test that clears
//! a queue of thousands runs on it; no other test acts in that county.

use std::collections::HashSet;

use anyhow::Context as _;
use cme_domain::ids::DepartmentId;
use cme_store::crypto::PiiCipher;
use cme_store::entity::{course_completions, departments, units};
use cme_store::repo::credit;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, QuerySelect as _,
    Statement,
};

use crate::generate::flush;
use crate::generate_data;

/// The unit the queue is generated in.
const UNIT: &str = "宣威市人民医院";

/// Generates `people` people for cycle `year` and submits the compliant
/// ones; returns how many wait on the county office.
pub async fn load(db: &DatabaseConnection, cipher: &PiiCipher, year: i32, people: u32) -> anyhow::Result<u64> {
    use sea_orm::ConnectionTrait as _;
    let unit = units::Entity::find().filter(units::Column::Name.eq(UNIT)).one(db).await?.context("demo unit")?;
    let unit = cme_store::repo::unit::get(db, cme_domain::ids::UnitId(unit.id)).await?.unit;
    let departments: Vec<DepartmentId> = departments::Entity::find()
        .select_only()
        .column(departments::Column::Id)
        .filter(departments::Column::UnitId.eq(unit.id.0))
        .into_tuple::<uuid::Uuid>()
        .all(db)
        .await?
        .into_iter()
        .map(DepartmentId)
        .collect();
    let standard =
        cme_store::repo::standard::get_published(db, year).await?.with_context(|| format!("no standard for {year}"))?;
    let mut rng = generate_data::rng(u64::from(people));
    let mut seen = HashSet::new();
    let (mut batch, mut credits) = (Vec::new(), Vec::new());
    while batch.len() < people as usize {
        let (p, cs) = generate_data::person_with_credits(&mut rng, &unit, &departments, &standard);
        if seen.insert(p.id_number.as_str().to_owned()) {
            batch.push(p);
            credits.extend(cs.into_iter().map(credit::NewCredit::from));
        }
    }
    let ids: Vec<uuid::Uuid> = batch.iter().map(|p| p.id.0).collect();
    flush(db, cipher, &mut batch, &mut credits).await?;
    // Everyone took the year's mandatory course (公需科目), as most do by the deadline.
    let completed_on = chrono::NaiveDate::from_ymd_opt(year, 11, 20).context("date")?;
    for chunk in ids.chunks(500) {
        let rows = chunk.iter().map(|id| course_completions::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            person_id: Set(*id),
            year: Set(year),
            completed_on: Set(completed_on),
            source: Set("demo".to_owned()),
            created_at: Set(chrono::Utc::now()),
        });
        course_completions::Entity::insert_many(rows).exec(db).await?;
    }
    cme_store::repo::compliance::recompute_year(db, year, cme_store::repo::compliance::RecomputeFrom::Credits).await?;
    let backend = db.get_database_backend();
    let pg = backend == sea_orm::DbBackend::Postgres;
    let now = chrono::Utc::now();
    let mark = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
    // Waiting on the county office, the first office of a county hospital's chain.
    let insert = format!(
        "INSERT INTO verifications (id, person_id, year, cycle_year, unit_id, unit_level, medicine, county_id, \
         prefecture_id, department_id, list_kind, state, step, current_tier, deemed_compliant, outcome_at_submit, \
         row_version, created_at, updated_at) \
         SELECT c.person_id, c.person_id, {year}, {year}, c.unit_id, u.level, u.medicine, c.county_id, \
         c.prefecture_id, c.department_id, 'normal', 'in_review', 1, 'county_office', {f}, 'compliant', 1, {t1}, {t2} \
         FROM compliance c JOIN units u ON u.id = c.unit_id \
         WHERE c.year = {year} AND c.outcome = 'compliant' AND c.unit_id = {u} \
         AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.person_id = c.person_id)",
        f = if pg { "false" } else { "0" },
        t1 = mark(1),
        t2 = mark(if pg { 1 } else { 2 }),
        u = mark(if pg { 2 } else { 3 }),
    );
    let mut values = vec![sea_orm::Value::from(now)];
    if !pg {
        values.push(sea_orm::Value::from(now));
    }
    values.push(sea_orm::Value::from(unit.id.0));
    let inserted = db.execute_raw(Statement::from_sql_and_values(backend, insert, values)).await?.rows_affected();
    let log = format!(
        "INSERT INTO verification_transitions (id, verification_id, seq, event, from_state, from_step, to_state, \
         to_step, actor_tier, actor_id, actor_name, reason, at) \
         SELECT v.id, v.id, 1, 'submit', 'prepared', NULL, 'in_review', 1, 'unit', NULL, '{UNIT}', NULL, {} \
         FROM verifications v WHERE v.unit_id = {} AND NOT EXISTS \
         (SELECT 1 FROM verification_transitions t WHERE t.verification_id = v.id)",
        mark(1),
        mark(2)
    );
    let values = vec![sea_orm::Value::from(now), sea_orm::Value::from(unit.id.0)];
    db.execute_raw(Statement::from_sql_and_values(backend, log, values)).await?;
    Ok(inserted)
}
