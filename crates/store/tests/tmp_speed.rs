#![expect(clippy::unwrap_used, reason = "tests")]
mod common;
use cme_domain::Credits;
use cme_domain::credit::*;
use cme_domain::ids::*;
use cme_domain::org::UnitLevel;
use cme_store::repo::{credit, person};
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speed() {
    let (db, _g) = cme_store::testing::fresh_database().await.unwrap();
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U1").await;
    let c = cipher();
    let people: Vec<_> = (0..20_000u32)
        .map(|i| {
            let mut p = person(u.id, i, vec![title(cme_domain::person::TitleLevel::Junior, date(2015, 1, 1))]);
            let first = format!("5301021985{:02}{:02}{:03}", 1 + (i / 28_000) % 12, 1 + (i / 1000) % 28, i % 1000);
            let full = format!("{first}{}", cme_domain::id_card::check_character(&first).unwrap());
            p.id_number = cme_domain::IdCardNumber::from_trusted(full);
            p
        })
        .collect();
    let t0 = std::time::Instant::now();
    person::insert_many(&db, &c, &people).await.unwrap();
    eprintln!("20k people: {:?}", t0.elapsed());
    let now = chrono::Utc::now();
    let credits: Vec<credit::NewCredit> = (0..200_000usize)
        .map(|i| {
            CreditRecord {
                id: CreditId::new(),
                person_id: people[i % 20_000].id,
                year: 2021,
                category: CreditCategory::Project(CreditSource::Prefecture),
                amount: Credits::from_tenths(10),
                entry_path: EntryPath::Electronic,
                state: CreditState::Valid,
                activity_name: "x活动".into(),
                organiser: Some("org".into()),
                earned_on: None,
                certificate_no: None,
                reverses: None,
                note: None,
                created_at: now,
            }
            .into()
        })
        .collect();
    let t0 = std::time::Instant::now();
    credit::insert_many(&db, &credits).await.unwrap();
    eprintln!("200k credits: {:?}", t0.elapsed());
}
