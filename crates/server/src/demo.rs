//! `cme demo`: loads the demo province in one transaction.

use std::time::Instant;

use anyhow::Context as _;
use cme_store::crypto::PiiCipher;
use cme_store::repo::{course, credit, department, person, region, unit};
use sea_orm::{ConnectionTrait, TransactionTrait as _};

use crate::config::Config;
use crate::demo_data::{self, Province};
use crate::serve;

pub async fn run(config: &Config, if_empty: bool) -> anyhow::Result<()> {
    let db = serve::open(config).await?;
    let cipher = serve::cipher(config)?;
    if !region::list(&db).await?.is_empty() {
        if if_empty {
            tracing::info!("the database already holds data; demo not loaded");
            return Ok(());
        }
        anyhow::bail!("the database already holds regions: load the demo into an empty database");
    }
    let mut standards = Vec::new();
    for year in 2019..=2021 {
        standards.push(
            cme_store::repo::standard::get_published(&db, year)
                .await?
                .with_context(|| format!("no standard for {year}"))?,
        );
    }
    let started = Instant::now();
    let province = demo_data::build(&standards);
    let txn = db.begin().await?;
    load(&txn, &cipher, &province).await?;
    txn.commit().await?;
    tracing::info!(
        regions = province.regions.len(),
        units = province.units.len(),
        people = province.people.len(),
        credits = province.credits.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo province loaded"
    );
    Ok(())
}

/// Inserts a built province (in the caller's transaction).
pub async fn load(db: &impl ConnectionTrait, cipher: &PiiCipher, p: &Province) -> anyhow::Result<()> {
    for r in &p.regions {
        region::insert(db, r).await?;
    }
    unit::insert_many(db, &p.units).await?;
    for d in &p.departments {
        department::insert(db, d).await?;
    }
    person::insert_many(db, cipher, &p.people).await?;
    let credits: Vec<credit::NewCredit> = p.credits.iter().cloned().map(Into::into).collect();
    credit::insert_many(db, &credits).await?;
    for c in &p.completions {
        course::record_completion(db, c.person_id, c.year, c.completed_on, "demo").await?;
    }
    Ok(())
}
