//! `cme demo --queue-people N`: a county's queue at the deadline. N
//! generated people of 宣威市人民医院 (a county-level hospital of the demo),
//! with credits of the demo's cycle year and its mandatory course (about
//! two in three are then compliant); those compliant are submitted and
//! wait on 宣威市's office (account `xuanwei`). The browser test that clears
//! a queue of thousands runs on it; no other test acts in that county.
//!
//! `--certified-people N` first gives the same hospital N people whose
//! verification went the whole chain and was numbered by the province
//! (科教处), so that its CME office (account `xwyy`) can print a batch of
//! hundreds; the browser test of batch printing runs on them.

use std::collections::HashSet;

use anyhow::Context as _;
use cme_domain::ids::{DepartmentId, RegionId};
use cme_domain::org::{Medicine, Unit};
use cme_domain::review::{Tier, review_chain};
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

/// Generates `people` people of the unit for `year` with credits and the
/// mandatory course, and recomputes the year.
async fn generate(
    db: &DatabaseConnection,
    cipher: &PiiCipher,
    year: i32,
    people: u32,
    seed: u64,
) -> anyhow::Result<Unit> {
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
    let mut rng = generate_data::rng(seed);
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
    Ok(unit)
}

/// Submits the unit's compliant people of `year` not yet submitted (at
/// most `limit`, by id), their records standing at `step` of the chain,
/// in `state`, with `tier` to act; each with its submission in the history.
/// Returns how many were submitted.
async fn submit(
    db: &DatabaseConnection,
    unit: &Unit,
    year: i32,
    (state, step, tier): (&str, usize, Tier),
    limit: Option<u32>,
) -> anyhow::Result<u64> {
    use sea_orm::ConnectionTrait as _;
    let backend = db.get_database_backend();
    let pg = backend == sea_orm::DbBackend::Postgres;
    let now = chrono::Utc::now();
    let mark = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
    let insert = format!(
        "INSERT INTO verifications (id, person_id, year, cycle_year, unit_id, unit_level, medicine, county_id, \
         prefecture_id, department_id, list_kind, state, step, current_tier, deemed_compliant, outcome_at_submit, \
         row_version, created_at, updated_at) \
         SELECT c.person_id, c.person_id, {year}, {year}, c.unit_id, u.level, u.medicine, c.county_id, \
         c.prefecture_id, c.department_id, 'normal', '{state}', {step}, '{tier}', {f}, 'compliant', 1, {t1}, {t2} \
         FROM compliance c JOIN units u ON u.id = c.unit_id \
         WHERE c.year = {year} AND c.outcome = 'compliant' AND c.unit_id = {u} \
         AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.person_id = c.person_id) \
         ORDER BY c.person_id{limit}",
        tier = tier.as_str(),
        f = if pg { "false" } else { "0" },
        t1 = mark(1),
        t2 = mark(if pg { 1 } else { 2 }),
        u = mark(if pg { 2 } else { 3 }),
        limit = limit.map_or_else(String::new, |n| format!(" LIMIT {n}")),
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

/// Generates `people` people for cycle `year` and submits the compliant
/// ones; returns how many wait on the county office.
pub async fn load(db: &DatabaseConnection, cipher: &PiiCipher, year: i32, people: u32) -> anyhow::Result<u64> {
    let unit = generate(db, cipher, year, people, u64::from(people)).await?;
    // Waiting on the county office, the first office of a county hospital's chain.
    submit(db, &unit, year, ("in_review", 1, Tier::CountyOffice), None).await
}

/// Gives the unit `people` people certified for `year`: compliant people
/// whose verification the province approved last, numbered as its 科教处
/// (or 中医处) numbers them. Returns how many certificates were issued.
pub async fn certify(db: &DatabaseConnection, cipher: &PiiCipher, year: i32, people: u32) -> anyhow::Result<u64> {
    // About two in three generated are compliant.
    let unit = generate(db, cipher, year, people * 3 / 2 + 100, u64::from(people) + 7).await?;
    let chain = review_chain(unit.level, unit.medicine);
    let last = chain.steps.len() - 1;
    let tier = chain.final_tier();
    anyhow::ensure!(matches!(tier, Tier::ProvinceWestern | Tier::ProvinceTcm), "the unit's chain ends at the province");
    // Approved at the last step of the chain, waiting for its number.
    submit(db, &unit, year, ("approved", last, tier), Some(people)).await?;

    let regions = cme_store::repo::region::list(db).await?;
    let province = regions.iter().find(|r| r.parent_id.is_none()).context("the province")?;
    let office =
        if unit.medicine == Medicine::Tcm { "省卫生健康委中医处" } else { "省卫生健康委科教处" };
    let by = cme_store::repo::verification::Acting { tier, id: None, name: office };
    let issuer = cme_domain::certificate::snapshot::issuer(tier, &province.name);
    let audit = cme_store::repo::audit::AuditEntry::new(cme_domain::audit::AuditAction::VerificationNumbers)
        .target(cme_domain::audit::AuditTarget::Cycle, year)
        .place(Some(RegionId(province.id.0)), None);
    let issued = cme_store::repo::verification::issue_numbers(
        db,
        (RegionId(province.id.0), &province.code),
        &issuer,
        cme_store::repo::verification::OfficeScope::Province,
        None,
        Some(year),
        None,
        &by,
        1000,
        &audit,
    )
    .await?;
    Ok(u64::try_from(issued.issued).unwrap_or(u64::MAX))
}
