//! `cme generate`: a synthetic province at scale, with bulk inserts.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Context as _;
use cme_domain::ids::DepartmentId;
use cme_store::repo::{credit, department, person, region, unit};
use sea_orm::TransactionTrait as _;

use crate::config::Config;
use crate::generate_data;
use crate::setup;

/// People inserted per transaction.
const CHUNK: usize = 5_000;

pub async fn run(config: &Config, people: u32, seed: u64) -> anyhow::Result<()> {
    let db = setup::open_for_batch(config).await?;
    let cipher = setup::keys(config, &db).await?.pii;
    if !region::list(&db).await?.is_empty() {
        anyhow::bail!("the database already holds regions: generate into an empty database");
    }
    let year = setup::current_year() - 1;
    let standard = cme_store::repo::standard::get_published(&db, year)
        .await?
        .with_context(|| format!("no standard for {year}"))?;
    let started = Instant::now();
    let mut rng = generate_data::rng(seed);
    let org = generate_data::organisation(&mut rng, people as usize);

    let txn = db.begin().await?;
    for r in &org.regions {
        region::insert(&txn, r).await?;
    }
    unit::insert_many(&txn, &org.units).await?;
    for d in &org.departments {
        department::insert(&txn, d).await?;
    }
    bench_accounts(&txn, &org).await?;
    txn.commit().await?;
    println!(
        "organisation: {} regions, {} units, {} departments in {:.1} s",
        org.regions.len(),
        org.units.len(),
        org.departments.len(),
        started.elapsed().as_secs_f64()
    );

    let mut seen = HashSet::with_capacity(people as usize);
    let (mut batch_people, mut batch_credits) = (Vec::with_capacity(CHUNK), Vec::new());
    let (mut total_people, mut total_credits) = (0usize, 0usize);
    let mut d = 0;
    for (u, count) in org.units.iter().zip(&org.headcount) {
        let start = d;
        while d < org.departments.len() && org.departments[d].unit_id == u.unit.id {
            d += 1;
        }
        let departments: Vec<DepartmentId> = org.departments[start..d].iter().map(|x| x.id).collect();
        for _ in 0..*count {
            let (p, credits) = loop {
                let (p, credits) = generate_data::person_with_credits(&mut rng, &u.unit, &departments, &standard);
                // ID numbers are a natural key: draw again on the rare collision.
                if seen.insert(p.id_number.as_str().to_owned()) {
                    break (p, credits);
                }
            };
            batch_people.push(p);
            batch_credits.extend(credits.into_iter().map(credit::NewCredit::from));
            if batch_people.len() >= CHUNK {
                total_people += batch_people.len();
                total_credits += batch_credits.len();
                flush(&db, &cipher, &mut batch_people, &mut batch_credits).await?;
                let secs = started.elapsed().as_secs_f64();
                println!("{total_people} people, {total_credits} credits, {secs:.1} s");
            }
        }
    }
    total_people += batch_people.len();
    total_credits += batch_credits.len();
    flush(&db, &cipher, &mut batch_people, &mut batch_credits).await?;
    // Fresh statistics, as autovacuum would gather later: plans need them.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        use sea_orm::ConnectionTrait as _;
        db.execute_unprepared("ANALYZE").await?;
    }
    let secs = started.elapsed().as_secs_f64();
    let recompute = Instant::now();
    // The credits were copied in around the write paths: read them again.
    let stats =
        cme_store::repo::compliance::recompute_year(&db, year, cme_store::repo::compliance::RecomputeFrom::Credits)
            .await?;
    println!(
        "compliance of {year}: {} people, {} compliant, {} not, in {:.1} s",
        stats.people,
        stats.compliant,
        stats.non_compliant,
        recompute.elapsed().as_secs_f64()
    );
    cme_store::repo::compliance::vacuum(&db).await?;
    let submitted = open_cycle_and_submit(&db, year).await?;
    println!("verification of {year}: open, {submitted} compliant people submitted and waiting on an office");
    println!(
        "generated {total_people} people and {total_credits} credits of {year} (seed {seed}) in {secs:.1} s ({:.0} credits/s)",
        total_credits as f64 / secs
    );
    Ok(())
}

/// Accounts to measure with (demo password; `CME_ENV=production` refuses
/// them): `admin`, `bench-prefecture` and `bench-county` (the offices above
/// the first county-level unit), `bench-unit` (that unit) and
/// `bench-province` (科教处).
async fn bench_accounts(db: &impl sea_orm::ConnectionTrait, org: &generate_data::Organisation) -> anyhow::Result<()> {
    use cme_domain::auth::{Role, Scope};
    use cme_domain::org::UnitLevel;
    let hash = cme_api::auth::password::hash(cme_api::auth::DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let unit = org.units.iter().find(|u| u.unit.level == UnitLevel::County).context("a county-level unit")?;
    let prefecture = org
        .regions
        .iter()
        .find(|r| r.id == unit.unit.region_id)
        .and_then(|county| county.parent_id)
        .context("the county's prefecture")?;
    for (username, role, scope) in [
        ("admin", Role::SystemAdmin, Scope::Province),
        ("bench-prefecture", Role::PrefectureOffice, Scope::Region(prefecture)),
        ("bench-county", Role::CountyOffice, Scope::Region(unit.unit.region_id)),
        ("bench-unit", Role::Unit, Scope::Unit(unit.unit.id)),
        ("bench-province", Role::ProvinceWestern, Scope::Province),
    ] {
        cme_store::repo::account::insert(
            db,
            &cme_store::repo::account::NewAccount {
                username: username.to_owned(),
                role,
                scope,
                display_name: username.to_owned(),
                password_hash: Some(hash.clone()),
                must_change_password: false,
                created_by: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Opens the verification of `year` (dates covering today) and puts every
/// compliant person's record in review, set-wise: at the office below the
/// province that reviews last in his chain (a county office for village
/// doctors, the prefecture office for township and county-level units, …),
/// or the province for province-direct units. Each record gets its one
/// transition row (seq 1 = row version 1), as if submitted and passed up.
async fn open_cycle_and_submit(db: &sea_orm::DatabaseConnection, year: i32) -> anyhow::Result<u64> {
    use chrono::Duration;
    use cme_domain::cycle::calendar::{Calendar, CalendarDates};
    use sea_orm::{ConnectionTrait as _, Statement};
    let today = cme_domain::time::today_in_shanghai(chrono::Utc::now());
    let dates = CalendarDates {
        opens_on: chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1).context("date")?,
        data_due: today + Duration::days(60),
        inspection_from: today + Duration::days(100),
        inspection_to: today + Duration::days(130),
        questions_until: today + Duration::days(170),
        closes_on: today + Duration::days(180),
    };
    let calendar = Calendar::parse(year, dates).map_err(|e| anyhow::anyhow!("cycle: {e}"))?;
    cme_store::repo::cycle::put(db, &calendar, "generate", None).await?;
    let backend = db.get_database_backend();
    let now = chrono::Utc::now();
    let mark = |n: usize| if backend == sea_orm::DbBackend::Postgres { format!("${n}") } else { "?".to_owned() };
    // The verification id is the person's: one year is generated.
    let step = "CASE u.level WHEN 'county' THEN 2 WHEN 'township' THEN 2 ELSE 1 END";
    let tier = "CASE u.level WHEN 'village' THEN 'county_office' WHEN 'provincial' THEN \
                (CASE u.medicine WHEN 'tcm' THEN 'province_tcm' ELSE 'province_western' END) \
                ELSE 'prefecture_office' END";
    let insert = format!(
        "INSERT INTO verifications (id, person_id, year, cycle_year, unit_id, unit_level, medicine, county_id, \
         prefecture_id, department_id, list_kind, state, step, current_tier, deemed_compliant, outcome_at_submit, \
         row_version, created_at, updated_at) \
         SELECT c.person_id, c.person_id, {year}, {year}, c.unit_id, u.level, u.medicine, c.county_id, \
         c.prefecture_id, c.department_id, 'normal', 'in_review', {step}, {tier}, {f}, 'compliant', 1, {t1}, {t2} \
         FROM compliance c JOIN units u ON u.id = c.unit_id WHERE c.year = {year} AND c.outcome = 'compliant'",
        f = if backend == sea_orm::DbBackend::Postgres { "false" } else { "0" },
        t1 = mark(1),
        t2 = mark(if backend == sea_orm::DbBackend::Postgres { 1 } else { 2 }),
    );
    let mut values = vec![sea_orm::Value::from(now)];
    if backend != sea_orm::DbBackend::Postgres {
        values.push(sea_orm::Value::from(now));
    }
    let inserted =
        db.execute_raw(Statement::from_sql_and_values(backend, insert, values.clone())).await?.rows_affected();
    let log = format!(
        "INSERT INTO verification_transitions (id, verification_id, seq, event, from_state, from_step, to_state, \
         to_step, actor_tier, actor_id, actor_name, reason, at) \
         SELECT v.id, v.id, 1, 'submit', 'prepared', NULL, 'in_review', v.step, 'unit', NULL, 'generate', NULL, {} \
         FROM verifications v WHERE v.year = {year}",
        mark(1)
    );
    db.execute_raw(Statement::from_sql_and_values(backend, log, vec![sea_orm::Value::from(now)])).await?;
    if backend == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("VACUUM (ANALYZE) verifications").await?;
    }
    Ok(inserted)
}

pub(crate) async fn flush(
    db: &sea_orm::DatabaseConnection,
    cipher: &cme_store::crypto::PiiCipher,
    people: &mut Vec<cme_domain::person::Person>,
    credits: &mut Vec<credit::NewCredit>,
) -> anyhow::Result<()> {
    // People in one transaction; their credits then by COPY on PostgreSQL
    // (multi-row INSERTs elsewhere), which cannot share it. A failed run
    // leaves a partial province: generate into a fresh database again.
    let txn = db.begin().await?;
    person::insert_many(&txn, cipher, people).await?;
    txn.commit().await?;
    credit::copy_in(db, credits).await?;
    people.clear();
    credits.clear();
    Ok(())
}
