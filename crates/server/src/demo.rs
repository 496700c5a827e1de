//! `cme demo`: loads the demo province in one transaction.

use std::time::Instant;

use anyhow::Context as _;
use cme_domain::auth::{Role, Scope};
use cme_domain::credit::CreditState;
use cme_domain::ids::{CreditId, DepartmentId, PersonId, UnitId};
use cme_store::crypto::PiiCipher;
use cme_store::repo::{account, course, credit, department, person, region, unit};
use sea_orm::{ConnectionTrait, TransactionTrait as _};

use crate::config::Config;
use crate::demo_data::{self, Province};
use crate::setup;

/// The demo accounts: (username, role, display name, organisation). All sign
/// in with [`cme_api::auth::DEMO_PASSWORD`], which production refuses.
pub const DEMO_ACCOUNTS: &[(&str, Role, &str, DemoOrg)] = &[
    ("admin", Role::SystemAdmin, "系统管理员", DemoOrg::Province),
    ("kjc", Role::ProvinceWestern, "省卫生健康委科教处", DemoOrg::Province),
    ("zyc", Role::ProvinceTcm, "省卫生健康委中医处", DemoOrg::Province),
    ("km", Role::PrefectureOffice, "昆明市继教委办公室", DemoOrg::Region("530100")),
    ("dl", Role::PrefectureOffice, "大理州继教委办公室", DemoOrg::Region("532900")),
    ("yiliang", Role::CountyOffice, "宜良县继教委办公室", DemoOrg::Region("530125")),
    ("xuanwei", Role::CountyOffice, "宣威市继教委办公室", DemoOrg::Region("530381")),
    ("ylyy", Role::Unit, "宜良县第一人民医院科教科", DemoOrg::Unit("宜良县第一人民医院")),
    ("xwyy", Role::Unit, "宣威市人民医院科教科", DemoOrg::Unit("宣威市人民医院")),
    ("ylyy-nk", Role::Department, "宜良县第一人民医院内科", DemoOrg::Department("宜良县第一人民医院", "内科")),
    ("ylzyy", Role::Unit, "宜良县中医医院科教科", DemoOrg::Unit("宜良县中医医院")),
    ("gjwsy", Role::Unit, "宜良县狗街镇卫生院", DemoOrg::Unit("宜良县狗街镇卫生院")),
    ("xscws", Role::Unit, "宜良县狗街镇小哨村卫生室", DemoOrg::Unit("宜良县狗街镇小哨村卫生室")),
];

/// Where a demo account belongs, by code or name.
pub enum DemoOrg {
    Province,
    Region(&'static str),
    Unit(&'static str),
    Department(&'static str, &'static str),
}

/// Creates the demo accounts (without a forced password change).
async fn load_accounts(db: &impl ConnectionTrait, p: &Province) -> anyhow::Result<()> {
    let hash = cme_api::auth::password::hash(cme_api::auth::DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for (username, role, display_name, org) in DEMO_ACCOUNTS {
        let unit_named = |name: &str| p.units.iter().find(|u| u.unit.name == name).map(|u| u.unit.id);
        let scope = match org {
            DemoOrg::Province => Scope::Province,
            DemoOrg::Region(code) => {
                Scope::Region(p.regions.iter().find(|r| r.code == *code).map(|r| r.id).context("demo region")?)
            }
            DemoOrg::Unit(name) => Scope::Unit(unit_named(name).context("demo unit")?),
            DemoOrg::Department(unit, dep) => {
                let unit = unit_named(unit).context("demo unit")?;
                let d =
                    p.departments.iter().find(|d| d.unit_id == unit && d.name == *dep).context("demo department")?;
                Scope::Department(unit, d.id)
            }
        };
        account::insert(
            db,
            &account::NewAccount {
                username: (*username).to_owned(),
                role: *role,
                scope,
                display_name: (*display_name).to_owned(),
                password_hash: Some(hash.clone()),
                must_change_password: false,
                created_by: None,
            },
        )
        .await?;
    }
    Ok(())
}

pub async fn run(config: &Config, if_empty: bool, queue_people: u32, certified_people: u32) -> anyhow::Result<()> {
    let db = setup::open_for_batch(config).await?;
    let cipher = setup::keys(config, &db).await?.pii;
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
    for year in 2019..=2021 {
        cme_store::repo::compliance::recompute_year(&db, year, cme_store::repo::compliance::RecomputeFrom::Credits)
            .await?;
    }
    open_demo_cycle(&db).await?;
    // Before the queue: the queue submits every compliant person not yet submitted.
    if certified_people > 0 {
        let issued = crate::demo_queue::certify(&db, &cipher, 2021, certified_people).await?;
        tracing::info!(issued, "certificates issued for printing (宣威市人民医院, account xwyy)");
    }
    if queue_people > 0 {
        let waiting = crate::demo_queue::load(&db, &cipher, 2021, queue_people).await?;
        tracing::info!(generated = queue_people, waiting, "a county's queue generated (宣威市人民医院)");
    }
    // The day's reminders of the demo as it stands (reports waiting on a
    // unit, queues grown, certificates issued), so the bell is not empty.
    let reminders = cme_api::notify::scan(&db, &cme_api::notify::Delivery::default(), chrono::Utc::now()).await?;
    tracing::info!(reminders, "the day's reminders raised");
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

/// The demo's verification of 2021 is open whenever the demo is loaded:
/// its dates run from 1 Jan 2022 to half a year after today (the notices'
/// spacing kept), so units can submit and offices review at once.
async fn open_demo_cycle(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    use chrono::Duration;
    use cme_domain::cycle::calendar::{Calendar, CalendarDates};
    let today = cme_domain::time::today_in_shanghai(chrono::Utc::now());
    let dates = CalendarDates {
        opens_on: chrono::NaiveDate::from_ymd_opt(2022, 1, 1).context("date")?,
        data_due: today + Duration::days(60),
        inspection_from: today + Duration::days(100),
        inspection_to: today + Duration::days(130),
        questions_until: today + Duration::days(170),
        closes_on: today + Duration::days(180),
    };
    let calendar = Calendar::parse(2021, dates).map_err(|e| anyhow::anyhow!("demo cycle: {e}"))?;
    cme_store::repo::cycle::put(db, &calendar, "demo", None).await?;
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
    // Credits awaiting the unit's decision went up in a department report:
    // they are loaded as the department's drafts and reported, per department.
    let homes: std::collections::HashMap<PersonId, (UnitId, Option<DepartmentId>)> =
        p.people.iter().map(|x| (x.id, (x.unit_id, x.department_id))).collect();
    let mut reports: std::collections::BTreeMap<(uuid::Uuid, uuid::Uuid), Vec<CreditId>> = Default::default();
    let credits: Vec<credit::NewCredit> = p
        .credits
        .iter()
        .cloned()
        .map(|mut c| {
            let home = homes.get(&c.person_id).copied();
            match home {
                Some((unit, Some(department))) if c.state == CreditState::Pending => {
                    c.state = CreditState::Draft;
                    reports.entry((unit.0, department.0)).or_default().push(c.id);
                    credit::NewCredit {
                        record: c,
                        activity_id: None,
                        created_by: Some("demo".to_owned()),
                        department_id: Some(department),
                    }
                }
                _ => c.into(),
            }
        })
        .collect();
    credit::insert_many(db, &credits).await?;
    for ((unit, department), ids) in reports {
        cme_store::repo::credit_report::submit(
            db,
            UnitId(unit),
            DepartmentId(department),
            &ids,
            Some("演示数据：待单位审核的科室上报"),
            "demo",
        )
        .await?;
    }
    for c in &p.completions {
        course::record_completion(db, c.person_id, c.year, c.completed_on, "demo").await?;
    }
    load_accounts(db, p).await?;
    load_support(db, p).await?;
    Ok(())
}

/// The help desk of notice-2017 附件 4, for the regions the demo has.
async fn load_support(db: &impl ConnectionTrait, p: &Province) -> anyhow::Result<()> {
    for (code, contact, qq) in crate::yunnan::SUPPORT {
        let Some(region) = p.regions.iter().find(|r| r.code == *code) else { continue };
        let province = region.level == cme_domain::org::RegionLevel::Province;
        let entry = cme_domain::support::SupportEntry {
            phone: province.then(|| crate::yunnan::SUPPORT_OFFICE_PHONE.to_owned()),
            hours: province.then(|| "工作日 9:00–12:00，14:30–17:30".to_owned()),
            contacts: contact
                .iter()
                .map(|(name, phone)| cme_domain::support::Contact {
                    name: (*name).to_owned(),
                    phone: (*phone).to_owned(),
                })
                .collect(),
            qq_groups: vec![(*qq).to_owned()],
            note: None,
        };
        cme_store::repo::support::put(db, region, &entry, "demo").await?;
    }
    Ok(())
}
