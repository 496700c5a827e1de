//! The store against real databases: SQLite always, PostgreSQL when
//! `TEST_DATABASE_URL` is set. Each test gets a fresh migrated database.

use crate::common::{cipher, date, person as new_person, title, tree, unit_in};
use chrono::Utc;
use cme_domain::Credits;
use cme_domain::compliance::{CourseStatus, ShortfallCode};
use cme_domain::credit::{CreditCategory, CreditRecord, CreditSource, CreditState, EntryPath};
use cme_domain::ids::{CreditId, DepartmentId, PersonId};
use cme_domain::org::{Department, UnitLevel};
use cme_domain::person::{PersonStatus, TitleLevel};
use cme_domain::review::{Event, State, Tier, TransitionError};
use cme_domain::standard::StandardError;
use cme_store::entity::{credits, people};
use cme_store::repo::verification::{self, NewVerification};
use cme_store::repo::{course, credit, department, evaluation, person, standard};
use cme_store::{ConnectionTrait, DatabaseConnection, DbBackend, StoreError, both_backends, migrate};
use migration::{Migrator, MigratorTrait};
use sea_orm::{EntityTrait, Statement};

fn conflict_name(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Conflict { constraint }) => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

// ---------------------------------------------------------------- migrations

both_backends!(migrations_apply_and_are_idempotent, |db| async move {
    assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty());
    migrate(&db).await.unwrap();
    migrate(&db).await.unwrap();
    assert_eq!(Migrator::get_applied_migrations(&db).await.unwrap().len(), Migrator::migrations().len());
    // The schema is usable.
    tree(&db).await;
});

/// Two instances starting together on an empty PostgreSQL database (a
/// deploy of two replicas): both come up migrated. Without the advisory
/// lock, the second applies the first migration beside the first and fails
/// on its tables.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_one_at_a_time() {
    let Some(url) = cme_store::testing::postgres_admin_url() else {
        eprintln!("skipped: {} is not set", cme_store::testing::TEST_DATABASE_URL);
        return;
    };
    let (db, _guard) = cme_store::testing::fresh_postgres(&url).await.unwrap();
    Migrator::down(&db, None).await.unwrap();
    assert!(Migrator::get_applied_migrations(&db).await.unwrap().is_empty());
    let name = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT current_database() AS name"))
        .await
        .unwrap()
        .and_then(|r| r.try_get::<String>("", "name").ok())
        .unwrap();
    let other = cme_store::connect(&cme_store::testing::with_database(&url, &name)).await.unwrap();
    let (a, b) = tokio::join!(migrate(&db), migrate(&other));
    a.unwrap();
    b.unwrap();
    assert!(cme_store::migrations_applied(&other).await.unwrap());
    assert_eq!(Migrator::get_applied_migrations(&db).await.unwrap().len(), Migrator::migrations().len());
    other.close().await.unwrap();
}

both_backends!(the_organisation_tree_round_trips, |db| async move {
    use cme_store::repo::{region, unit};
    let t = tree(&db).await;
    assert_eq!(region::children(&db, t.province.id).await.unwrap(), vec![t.prefecture.clone()]);
    assert_eq!(region::children(&db, t.prefecture.id).await.unwrap(), vec![t.county.clone()]);
    assert_eq!(region::list(&db).await.unwrap(), vec![t.province.clone(), t.prefecture.clone(), t.county.clone()]);
    assert_eq!(region::get(&db, t.county.id).await.unwrap(), t.county);
    assert_eq!(region::find_by_code(&db, "530100").await.unwrap(), Some(t.prefecture.clone()));
    let dup = cme_domain::org::Region { id: cme_domain::ids::RegionId::new(), ..t.county.clone() };
    assert_eq!(conflict_name(region::insert(&db, &dup).await), "uq_regions_code");
    let h = unit_in(&db, &t.province, UnitLevel::Provincial, "U5300000001").await;
    let c = unit_in(&db, &t.county, UnitLevel::Village, "U5301020001").await;
    let listed = unit::list_by_region(&db, t.province.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((&listed[0].unit, listed[0].code.as_str()), (&h, "U5300000001"));
    assert_eq!(unit::get(&db, c.id).await.unwrap().unit, c);
    assert_eq!(unit::find_by_code(&db, "U5301020001").await.unwrap().map(|u| u.unit), Some(c));
    assert!(matches!(region::get(&db, cme_domain::ids::RegionId::new()).await, Err(StoreError::NotFound)));
});

// ---------------------------------------------------------------- people

/// Every column of the row, as text that would show the plaintext or its hex.
async fn raw_people_rows(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "SELECT people::text AS row FROM people",
        _ => {
            "SELECT hex(id) || '|' || hex(unit_id) || '|' || coalesce(hex(department_id), '') || '|' || name || '|' \
             || gender || '|' || hex(id_number_cipher) || '|' || hex(id_number_hmac) || '|' || id_number_masked \
             || '|' || discipline || '|' || status || '|' || coalesce(hex(phone_cipher), '') || '|' || row_version \
             || '|' || created_at || '|' || updated_at AS row FROM people"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "row").unwrap()).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

both_backends!(id_numbers_are_stored_only_encrypted, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let cipher = cipher();
    let p = new_person(u.id, 7, vec![title(TitleLevel::Junior, date(2015, 7, 1))]);
    person::insert(&db, &cipher, &p).await.unwrap();
    let plain = p.id_number.as_str().to_owned();

    let rows = raw_people_rows(&db).await;
    assert_eq!(rows.len(), 1);
    let row = rows[0].to_lowercase();
    assert!(!row.contains(&plain.to_lowercase()), "plaintext in {row}");
    assert!(!row.contains(&hex(plain.as_bytes())), "hex plaintext in {row}");
    assert!(!row.contains(&plain[6..14]), "birth date in {row}");

    let stored = people::Entity::find_by_id(p.id.0).one(&db).await.unwrap().unwrap();
    assert_eq!(stored.id_number_masked, p.id_number.masked());
    assert!(stored.id_number_masked.contains("**********"));
    assert_eq!(stored.id_number_hmac.len(), 32);
    assert!(!stored.id_number_cipher.windows(plain.len()).any(|w| w == plain.as_bytes()));

    // Read back through the HMAC index, decrypted; lower-case x is the same number.
    let found = person::find_by_id_number(&db, &cipher, &p.id_number).await.unwrap().unwrap();
    assert_eq!(found, p);
    assert_eq!(person::get(&db, &cipher, p.id).await.unwrap(), p);
    // Another key neither finds nor decrypts it.
    let other = crate::common::cipher();
    assert_eq!(person::find_by_id_number(&db, &other, &p.id_number).await.unwrap(), None);
    assert!(matches!(person::get(&db, &other, p.id).await, Err(StoreError::Corrupt(_))));
    assert_eq!(person::find_by_id_number(&db, &cipher, &crate::common::id_number(8)).await.unwrap(), None);
});

both_backends!(a_duplicate_id_number_is_a_named_conflict, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let cipher = cipher();
    person::insert(&db, &cipher, &new_person(u.id, 1, vec![])).await.unwrap();
    let twin = new_person(u.id, 1, vec![title(TitleLevel::Senior, date(2010, 1, 1))]);
    assert_eq!(conflict_name(person::insert(&db, &cipher, &twin).await), "uq_people_id_number_hmac");
    // The failed insert left nothing behind, titles included.
    assert_eq!(person::list_by_unit(&db, &cipher, u.id).await.unwrap().len(), 1);
    assert!(person::titles(&db, twin.id).await.unwrap().is_empty());

    // Other named constraints.
    let again = cme_domain::org::Unit { id: cme_domain::ids::UnitId::new(), ..u.clone() };
    assert_eq!(conflict_name(cme_store::repo::unit::insert(&db, &again, "U5301020001").await), "uq_units_code");
    let dept = Department { id: DepartmentId::new(), unit_id: u.id, name: "内科".into() };
    department::insert(&db, &dept).await.unwrap();
    let dup = Department { id: DepartmentId::new(), ..dept.clone() };
    assert_eq!(conflict_name(department::insert(&db, &dup).await), "uq_departments_unit_id_name");
    let orphan = new_person(cme_domain::ids::UnitId::new(), 2, vec![]);
    let fk = conflict_name(person::insert(&db, &cipher, &orphan).await);
    match db.get_database_backend() {
        DbBackend::Postgres => assert_eq!(fk, "fk_people_unit"),
        _ => assert_eq!(fk, "foreign_key"),
    }
});

both_backends!(people_titles_and_status_history, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let cipher = cipher();
    let dept = Department { id: DepartmentId::new(), unit_id: u.id, name: "外科".into() };
    department::insert(&db, &dept).await.unwrap();
    let mut p = new_person(u.id, 3, vec![title(TitleLevel::Junior, date(2012, 7, 1))]);
    p.department_id = Some(dept.id);
    person::insert(&db, &cipher, &p).await.unwrap();
    assert_eq!(department::list_by_unit(&db, u.id).await.unwrap(), vec![dept]);

    let v1 = person::row_version(&db, p.id).await.unwrap();
    person::add_title(&db, p.id, &title(TitleLevel::Intermediate, date(2019, 12, 1))).await.unwrap();
    assert_eq!(person::get(&db, &cipher, p.id).await.unwrap().titles.len(), 2);
    let from =
        person::change_status(&db, p.id, PersonStatus::Exempt, Some("长期病假"), Some("unit-admin")).await.unwrap();
    assert_eq!(from, PersonStatus::Normal);
    person::change_status(&db, p.id, PersonStatus::Exempt, None, None).await.unwrap();
    person::change_status(&db, p.id, PersonStatus::Normal, None, None).await.unwrap();
    let history = person::status_history(&db, p.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].from, history[0].to), (Some(PersonStatus::Normal), PersonStatus::Exempt));
    assert_eq!(history[0].reason.as_deref(), Some("长期病假"));
    assert_eq!(history[1].to, PersonStatus::Normal);
    assert_eq!(person::row_version(&db, p.id).await.unwrap(), v1 + 3);
    assert!(matches!(person::get(&db, &cipher, PersonId::new()).await, Err(StoreError::NotFound)));
});

both_backends!(people_load_in_bulk, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::Township, "U5301020002").await;
    let cipher = cipher();
    // More than one statement's worth on either backend.
    let people_: Vec<_> =
        (0..5_000).map(|i| new_person(u.id, i, vec![title(TitleLevel::Junior, date(2015, 1, 1))])).collect();
    // Distinct ID numbers need distinct sequence/birth-day pairs.
    let people_: Vec<_> = people_
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            let first = format!("5301021985{:02}{:02}{:03}", 1 + (i / 28_000) % 12, 1 + (i / 1000) % 28, i % 1000);
            let full = format!("{first}{}", cme_domain::id_card::check_character(&first).unwrap());
            p.id_number = cme_domain::IdCardNumber::parse(&full, date(2026, 1, 1)).unwrap();
            p
        })
        .collect();
    assert_eq!(person::insert_many(&db, &cipher, &people_).await.unwrap(), 5_000);
    let listed = person::list_by_unit(&db, &cipher, u.id).await.unwrap();
    assert_eq!(listed.len(), 5_000);
    assert!(listed.iter().all(|p| p.titles.len() == 1));
    let last = &people_[4_999];
    assert_eq!(person::find_by_id_number(&db, &cipher, &last.id_number).await.unwrap().as_ref(), Some(last));
});

// ---------------------------------------------------------------- credits

fn record(person: PersonId, year: i32, category: CreditCategory, tenths: u32) -> CreditRecord {
    let id = CreditId::new();
    CreditRecord {
        id,
        person_id: person,
        year,
        category,
        amount: Credits::from_tenths(tenths),
        entry_path: EntryPath::PaperUnit,
        state: CreditState::Valid,
        activity_name: "心血管疾病诊疗新进展".into(),
        organiser: Some("云南省第一人民医院".into()),
        earned_on: Some(date(year, 5, 20)),
        // A paper certificate is entered once: each record has its own number.
        certificate_no: Some(format!("2021-{}", id.0.simple())),
        reverses: None,
        note: None,
        created_at: cme_store_now(),
    }
}

/// Microsecond precision, as both backends store it.
fn cme_store_now() -> chrono::DateTime<Utc> {
    use chrono::SubsecRound as _;
    Utc::now().trunc_subsecs(6)
}

both_backends!(credits_round_trip_exactly, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let cipher = cipher();
    let p = new_person(u.id, 1, vec![]);
    person::insert(&db, &cipher, &p).await.unwrap();

    let half = record(p.id, 2021, CreditCategory::Project(CreditSource::National), 5);
    credit::insert(&db, &half.clone().into()).await.unwrap();
    let raw = credits::Entity::find_by_id(half.id.0).one(&db).await.unwrap().unwrap();
    assert_eq!(raw.amount_tenths, 5);
    assert_eq!(raw.class.map(cme_domain::credit::CreditClass::as_str), Some("i"));
    assert_eq!(credit::get(&db, half.id).await.unwrap(), half);
    assert_eq!(credit::get(&db, half.id).await.unwrap().amount.to_string(), "0.5");

    let mut all = vec![half.clone()];
    for (i, category) in [
        CreditCategory::Project(CreditSource::Provincial),
        CreditCategory::Project(CreditSource::DistanceI),
        CreditCategory::Project(CreditSource::Prefecture),
        CreditCategory::Project(CreditSource::DistanceIi),
        CreditCategory::SelfManaged,
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = record(p.id, 2021, category, 25 + i as u32);
        r.created_at += chrono::Duration::seconds(i as i64 + 1);
        r.organiser = None;
        r.earned_on = None;
        credit::insert(&db, &r.clone().into()).await.unwrap();
        all.push(r);
    }
    // A reversing entry of the half credit.
    let mut reversal = record(p.id, 2021, half.category, 5);
    reversal.reverses = Some(half.id);
    reversal.created_at += chrono::Duration::seconds(60);
    credit::insert(&db, &reversal.clone().into()).await.unwrap();
    credit::set_state(&db, half.id, CreditState::Valid, CreditState::Reversed).await.unwrap();
    assert!(matches!(
        credit::set_state(&db, half.id, CreditState::Valid, CreditState::Reversed).await,
        Err(StoreError::StaleVersion)
    ));
    all[0].state = CreditState::Reversed;
    all.push(reversal);
    assert_eq!(credit::list_for_person_year(&db, p.id, 2021).await.unwrap(), all);
    assert!(credit::list_for_person_year(&db, p.id, 2020).await.unwrap().is_empty());

    // The database refuses a zero amount by its named check.
    let zero = record(p.id, 2021, CreditCategory::SelfManaged, 0);
    assert_eq!(conflict_name(credit::insert(&db, &zero.into()).await), "ck_credits_amount_positive");
});

both_backends!(credits_load_in_bulk, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let cipher = cipher();
    let p = new_person(u.id, 1, vec![]);
    person::insert(&db, &cipher, &p).await.unwrap();
    let many: Vec<_> = (0..7_000).map(|i| record(p.id, 2020, CreditCategory::SelfManaged, 1 + i % 50).into()).collect();
    assert_eq!(credit::insert_many(&db, &many).await.unwrap(), 7_000);
    let back = credit::list_for_person_year(&db, p.id, 2020).await.unwrap();
    assert_eq!(back.len(), 7_000);
    let total: Credits = back.iter().map(|c| c.amount).sum();
    let expected: u32 = (0..7_000).map(|i| 1 + i % 50).sum();
    assert_eq!(total, Credits::from_tenths(expected));
});

both_backends!(credits_copy_in_with_awkward_text, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let p = new_person(u.id, 1, vec![]);
    person::insert(&db, &cipher(), &p).await.unwrap();
    let mut many: Vec<credit::NewCredit> = Vec::new();
    for i in 0..25_000u32 {
        let mut r = record(p.id, 2019, CreditCategory::Project(CreditSource::DistanceIi), 1 + i % 30);
        r.created_at = Utc::now(); // nanoseconds: stored to the microsecond
        r.note = (i % 2 == 0).then(|| format!("第{i}条, \"引号\"\n换行,\\N"));
        r.organiser = (i % 3 == 0).then(String::new);
        many.push(credit::NewCredit {
            record: r,
            activity_id: Some(uuid::Uuid::now_v7()),
            created_by: Some("gen".into()),
            department_id: None,
        });
    }
    assert_eq!(credit::copy_in(&db, &many).await.unwrap(), 25_000);
    let back = credit::list_for_person_year(&db, p.id, 2019).await.unwrap();
    assert_eq!(back.len(), 25_000);
    for i in [0usize, 1, 3, 24_999] {
        let want = &many[i].record;
        let got = back.iter().find(|c| c.id == want.id).unwrap();
        assert_eq!(got.note, want.note);
        assert_eq!(got.organiser, want.organiser);
        assert_eq!(got.amount, want.amount);
        assert_eq!(got.created_at, chrono::SubsecRound::trunc_subsecs(want.created_at, 6));
    }
});

// ---------------------------------------------------------------- standards and evaluation

both_backends!(standards_seed_once, |db| async move {
    assert_eq!(standard::seed_defaults(&db, 2026).await.unwrap(), 12);
    assert_eq!(standard::seed_defaults(&db, 2026).await.unwrap(), 0);
    assert_eq!(standard::seed_defaults(&db, 2027).await.unwrap(), 1);
    let all = standard::list_published(&db).await.unwrap();
    assert_eq!(all.iter().map(|s| s.year).collect::<Vec<_>>(), (2015..=2027).collect::<Vec<_>>());
    let s2021 = standard::get_published(&db, 2021).await.unwrap().unwrap();
    assert_eq!(s2021, cme_domain::standard::default_standard(2021).unwrap());
    assert_eq!(s2021.mandatory_course.map(|c| c.name).as_deref(), Some("卫生健康行业生物安全"));
    assert!(standard::get_published(&db, 2014).await.unwrap().is_none());
});

both_backends!(evaluation_uses_the_title_held_on_31_december, |db| async move {
    standard::seed_defaults(&db, 2022).await.unwrap();
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let cipher = cipher();
    // Junior until the last day of 2021; senior from the first of 2022.
    let p = new_person(
        u.id,
        1,
        vec![
            title(TitleLevel::Junior, date(2012, 7, 1)),
            title(TitleLevel::Intermediate, date(2021, 12, 31)),
            title(TitleLevel::Senior, date(2022, 1, 1)),
        ],
    );
    person::insert(&db, &cipher, &p).await.unwrap();
    // County junior needs 15 II + 5 self-managed = 20; intermediate needs 25
    // with 10 I类 national+provincial.
    let credits_ = vec![
        record(p.id, 2021, CreditCategory::Project(CreditSource::Prefecture), 150),
        record(p.id, 2021, CreditCategory::SelfManaged, 50),
    ];
    credit::insert_many(&db, &credits_.iter().cloned().map(Into::into).collect::<Vec<_>>()).await.unwrap();

    let e = evaluation::evaluate_person_year(&db, p.id, 2021).await.unwrap();
    assert_eq!(e.title.as_ref().map(|t| t.level), Some(TitleLevel::Intermediate));
    assert_eq!(e.row.title_level, Some(TitleLevel::Intermediate));
    assert_eq!(e.row.requirement.total, Credits::whole(25));
    assert!(!e.evaluation.compliant);
    let codes: Vec<_> = e.evaluation.shortfalls.iter().map(|s| s.code).collect();
    assert!(codes.contains(&ShortfallCode::INationalProvincial));
    assert!(codes.contains(&ShortfallCode::MandatoryCourse));
    assert_eq!(e.course, CourseStatus::Missing);
    assert_eq!(e.credits, credits_);
    assert_eq!(e.allocation.len(), 2);
    assert_eq!(e.evaluation.buckets.total, Credits::whole(20));

    // 2020: still junior, no mandatory course; the same credits in 2020 comply.
    credit::insert_many(
        &db,
        &credits_
            .iter()
            .map(|c| {
                let id = CreditId::new();
                CreditRecord { id, year: 2020, certificate_no: Some(format!("2020-{}", id.0.simple())), ..c.clone() }
                    .into()
            })
            .collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    let e2020 = evaluation::evaluate_person_year(&db, p.id, 2020).await.unwrap();
    assert_eq!(e2020.profile.title_level, Some(TitleLevel::Junior));
    assert!(e2020.evaluation.compliant, "{:?}", e2020.evaluation.shortfalls);
    assert_eq!(e2020.course, CourseStatus::NotRequired);

    // Completing the course removes that reason.
    assert!(course::record_completion(&db, p.id, 2021, date(2022, 2, 1), "manual").await.unwrap());
    assert!(!course::record_completion(&db, p.id, 2021, date(2022, 2, 2), "import").await.unwrap());
    assert_eq!(course::get(&db, p.id, 2021).await.unwrap().map(|c| c.completed_on), Some(date(2022, 2, 1)));
    let e = evaluation::evaluate_person_year(&db, p.id, 2021).await.unwrap();
    assert_eq!(e.course, CourseStatus::Completed);
    assert!(!e.evaluation.shortfalls.iter().any(|s| s.code == ShortfallCode::MandatoryCourse));

    // No standard before 2015 or after 2022.
    for year in [2011, 2023] {
        assert!(matches!(
            evaluation::evaluate_person_year(&db, p.id, year).await,
            Err(StoreError::Standard(StandardError::NoRow { year: y })) if y == year
        ));
    }
    // A county worker without a title has no row of the standard.
    let untitled = new_person(u.id, 2, vec![title(TitleLevel::Junior, date(2022, 3, 1))]);
    person::insert(&db, &cipher, &untitled).await.unwrap();
    assert!(matches!(
        evaluation::evaluate_person_year(&db, untitled.id, 2021).await,
        Err(StoreError::Standard(StandardError::TitleRequired(UnitLevel::County)))
    ));
    assert!(evaluation::evaluate_person_year(&db, untitled.id, 2022).await.is_ok());
    assert!(matches!(evaluation::evaluate_person_year(&db, PersonId::new(), 2021).await, Err(StoreError::NotFound)));
});

// ---------------------------------------------------------------- verification

struct Setup {
    county_code: String,
    county: cme_domain::ids::RegionId,
    person: PersonId,
}

/// The setup county's office numbers every record it may number.
async fn county_numbers(db: &DatabaseConnection, s: &Setup, by: &verification::Acting<'_>) -> verification::IssueStats {
    let scope = verification::OfficeScope::County(s.county);
    verification::issue_numbers(
        db,
        (s.county, &s.county_code),
        "测试县继续医学教育委员会",
        scope,
        None,
        None,
        None,
        by,
        1000,
        &cme_store::repo::audit::AuditEntry::new(cme_domain::audit::AuditAction::VerificationNumbers),
    )
    .await
    .unwrap()
}

async fn setup(db: &DatabaseConnection, level: UnitLevel) -> Setup {
    let t = tree(db).await;
    let u = unit_in(db, &t.county, level, "U5301020009").await;
    let p = new_person(u.id, 1, vec![]);
    person::insert(db, &cipher(), &p).await.unwrap();
    Setup { county_code: t.county.code, county: t.county.id, person: p.id }
}

fn new_verification(person: PersonId) -> NewVerification {
    NewVerification::normal(person, 2021)
}

fn acting(tier: Tier, id: Option<uuid::Uuid>, name: &str) -> verification::Acting<'_> {
    verification::Acting { tier, id, name }
}

both_backends!(a_village_record_walks_its_chain_to_a_certificate, |db| async move {
    let s = setup(&db, UnitLevel::Village).await;
    let v = verification::create(&db, &new_verification(s.person), &acting(Tier::Unit, None, "卫生室")).await.unwrap();
    assert_eq!((v.state, v.row_version, v.unit_level), (State::Prepared, 1, UnitLevel::Village));
    assert_eq!(v.current_tier, Some(Tier::Unit));
    let county = Some(uuid::Uuid::now_v7());
    let steps = [
        (Event::Submit, Tier::Unit, State::InReview { step: 1 }, Some(Tier::CountyOffice)),
        (Event::Return, Tier::CountyOffice, State::Returned, Some(Tier::Unit)),
        (Event::Submit, Tier::Unit, State::InReview { step: 1 }, Some(Tier::CountyOffice)),
        (Event::Approve, Tier::CountyOffice, State::Approved, Some(Tier::CountyOffice)),
    ];
    for (event, tier, want, next) in steps {
        let reason = (event == Event::Return).then_some("缺少II类学分证明");
        let got = verification::apply(&db, v.id, event, &acting(tier, county, "五华区继教办"), reason).await.unwrap();
        assert_eq!((got.state, got.current_tier), (want, next), "{event}");
    }
    // Numbers are issued by the final office only, through issue_numbers.
    let by = acting(Tier::CountyOffice, county, "五华区继教办");
    let r = verification::apply(&db, v.id, Event::IssueNumber, &by, None).await;
    assert!(r.is_err(), "{r:?}");
    let stats = county_numbers(&db, &s, &by).await;
    assert_eq!(stats.issued, 1);
    let done = verification::get(&db, v.id).await.unwrap();
    assert_eq!((done.state, done.current_tier, done.row_version), (State::Certified, None, 6));
    let number = done.certificate_no.clone().unwrap();
    assert_eq!(number, format!("2021-{}-000001", s.county_code));
    assert!(done.issued_at.is_some());
    assert_eq!(verification::find(&db, s.person, 2021).await.unwrap(), Some(done));

    let h = verification::history(&db, v.id).await.unwrap();
    assert_eq!(h.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=6).collect::<Vec<_>>());
    assert_eq!(h[0].event, "prepare");
    assert_eq!((h[0].from, h[0].to), (None, State::Prepared));
    let events: Vec<_> = h[1..].iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, ["submit", "return", "submit", "approve", "issue_number"]);
    assert_eq!(h[2].reason.as_deref(), Some("缺少II类学分证明"));
    assert_eq!((h[2].from, h[2].to), (Some(State::InReview { step: 1 }), State::Returned));
    assert_eq!(h[4].actor_tier, Tier::CountyOffice);
    assert_eq!(h[4].actor_id, county);

    // One record per person-year.
    let twice = verification::create(&db, &new_verification(s.person), &acting(Tier::Unit, None, "卫生室")).await;
    assert_eq!(conflict_name(twice), "uq_verifications_person_id_year");
});

both_backends!(a_paper_record_keeps_its_path_to_its_certificate_and_is_counted_apart, |db| async move {
    use cme_domain::cycle::paper::VerificationPath;
    use cme_domain::review::StateKind;
    let s = setup(&db, UnitLevel::Village).await;
    let paper = NewVerification { path: VerificationPath::Paper, ..new_verification(s.person) };
    let v = verification::create(&db, &paper, &acting(Tier::Unit, None, "卫生室")).await.unwrap();
    assert_eq!(v.path, VerificationPath::Paper);
    let county = Some(uuid::Uuid::now_v7());
    let by = acting(Tier::CountyOffice, county, "五华区继教办");
    verification::apply(&db, v.id, Event::Submit, &acting(Tier::Unit, None, "卫生室"), None).await.unwrap();
    // The queue filters by path.
    let scope = verification::OfficeScope::County(s.county);
    let filter = |path| verification::QueueFilter { cycle_year: 2021, path: Some(path), ..Default::default() };
    assert_eq!(verification::count(&db, scope, &filter(VerificationPath::Paper)).await.unwrap(), 1);
    assert_eq!(verification::count(&db, scope, &filter(VerificationPath::Electronic)).await.unwrap(), 0);
    verification::apply(&db, v.id, Event::Approve, &by, None).await.unwrap();
    assert_eq!(county_numbers(&db, &s, &by).await.issued, 1);
    let done = verification::get(&db, v.id).await.unwrap();
    assert_eq!((done.state, done.path), (State::Certified, VerificationPath::Paper));
    let certs = cme_store::repo::certificate::of_person(&db, s.person).await.unwrap();
    assert_eq!(certs.iter().map(|c| c.path).collect::<Vec<_>>(), [VerificationPath::Paper]);
    let counts = verification::paper_counts_by(&db, scope, 2021, verification::Grouping::County, None).await.unwrap();
    assert_eq!(counts, [(Some(s.county.0), StateKind::Certified, 1)]);
});

both_backends!(a_forbidden_actor_is_refused_and_nothing_is_written, |db| async move {
    let s = setup(&db, UnitLevel::County).await;
    let v = verification::create(&db, &new_verification(s.person), &acting(Tier::Unit, None, "县医院")).await.unwrap();
    let v = verification::apply(&db, v.id, Event::Submit, &acting(Tier::Unit, None, "县医院"), None).await.unwrap();
    // The province cannot act while the county office reviews.
    let r = verification::apply(&db, v.id, Event::Approve, &acting(Tier::ProvinceWestern, None, "科教处"), None).await;
    assert!(matches!(r, Err(StoreError::Transition(TransitionError::Forbidden { .. }))), "{r:?}");
    let r = verification::apply(&db, v.id, Event::Return, &acting(Tier::CountyOffice, None, "县继教办"), None).await;
    assert!(matches!(r, Err(StoreError::Transition(TransitionError::ReasonRequired(Event::Return)))), "{r:?}");
    assert_eq!(verification::get(&db, v.id).await.unwrap(), v);
    assert_eq!(verification::history(&db, v.id).await.unwrap().len(), 2);
});

both_backends!(concurrent_applies_on_one_version_let_exactly_one_win, |db| async move {
    let s = setup(&db, UnitLevel::Township).await;
    let v = verification::create(&db, &new_verification(s.person), &acting(Tier::Unit, None, "卫生院")).await.unwrap();
    let v = verification::apply(&db, v.id, Event::Submit, &acting(Tier::Unit, None, "卫生院"), None).await.unwrap();
    // Two county reviewers read the same version and both act.
    let (a, b) = (v.clone(), v.clone());
    let (db1, db2) = (db.clone(), db.clone());
    let approve = tokio::spawn(async move {
        verification::apply_to(&db1, &a, Event::Approve, &acting(Tier::CountyOffice, None, "甲"), None).await
    });
    let ret = tokio::spawn(async move {
        verification::apply_to(&db2, &b, Event::Return, &acting(Tier::CountyOffice, None, "乙"), Some("材料不全")).await
    });
    let results = [approve.await.unwrap(), ret.await.unwrap()];
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let stale = results.iter().filter(|r| matches!(r, Err(StoreError::StaleVersion))).count();
    assert_eq!((wins, stale), (1, 1), "{results:?}");
    let now = verification::get(&db, v.id).await.unwrap();
    assert_eq!(now.row_version, v.row_version + 1);
    let h = verification::history(&db, v.id).await.unwrap();
    assert_eq!(h.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    // A stale copy stays stale.
    let late = verification::apply_to(&db, &v, Event::Approve, &acting(Tier::CountyOffice, None, "丙"), None).await;
    assert!(matches!(late, Err(StoreError::StaleVersion)), "{late:?}");
});

both_backends!(batches_move_together_and_numbers_run_without_gaps, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::Village, "U5301020009").await;
    let cipher = cipher();
    let people_: Vec<_> = (1..=30).map(|i| new_person(u.id, i, vec![])).collect();
    person::insert_many(&db, &cipher, &people_).await.unwrap();
    let unit = acting(Tier::Unit, None, "卫生室");
    let new: Vec<_> = people_.iter().map(|p| NewVerification::normal(p.id, 2021)).collect();
    let txn = sea_orm::TransactionTrait::begin(&db).await.unwrap();
    let ids = verification::prepare_many(&txn, &new, &unit).await.unwrap();
    sea_orm::TransactionSession::commit(txn).await.unwrap();
    let records = verification::get_many(&db, &ids).await.unwrap();
    assert_eq!(records.len(), 30);
    let txn = sea_orm::TransactionTrait::begin(&db).await.unwrap();
    verification::apply_many(&txn, &records, Event::Submit, &unit, None).await.unwrap();
    sea_orm::TransactionSession::commit(txn).await.unwrap();
    // A batch with one stale record writes nothing.
    let fresh = verification::get_many(&db, &ids).await.unwrap();
    let mut mixed = fresh.clone();
    mixed[29] = records[29].clone();
    let county = acting(Tier::CountyOffice, None, "五华区继教办");
    let txn = sea_orm::TransactionTrait::begin(&db).await.unwrap();
    let r = verification::apply_many(&txn, &mixed, Event::Approve, &county, None).await;
    assert!(matches!(r, Err(StoreError::Transition(_)) | Err(StoreError::StaleVersion)), "{r:?}");
    drop(txn);
    assert_eq!(
        verification::get_many(&db, &ids).await.unwrap().iter().filter(|r| r.state == State::Approved).count(),
        0
    );
    let txn = sea_orm::TransactionTrait::begin(&db).await.unwrap();
    verification::apply_many(&txn, &fresh, Event::Approve, &county, None).await.unwrap();
    sea_orm::TransactionSession::commit(txn).await.unwrap();
    // Two issuers at once, in chunks of 7: every number once, 1..=30.
    let scope = verification::OfficeScope::County(t.county.id);
    let (db1, db2) = (db.clone(), db.clone());
    let (c1, c2) = (t.county.clone(), t.county.clone());
    let one = tokio::spawn(async move {
        let by = acting(Tier::CountyOffice, None, "甲");
        verification::issue_numbers(&db1, (c1.id, &c1.code), "测试", scope, None, None, None, &by, 7, &numbers_audit())
            .await
    });
    let two = tokio::spawn(async move {
        let by = acting(Tier::CountyOffice, None, "乙");
        verification::issue_numbers(&db2, (c2.id, &c2.code), "测试", scope, None, None, None, &by, 7, &numbers_audit())
            .await
    });
    let (a, b) = (one.await.unwrap(), two.await.unwrap());
    let issued: usize = [&a, &b].iter().filter_map(|r| r.as_ref().ok()).map(|s| s.issued).sum();
    // A loser of a race stops with StaleVersion: run again to finish.
    let by = acting(Tier::CountyOffice, None, "丙");
    let rest = verification::issue_numbers(
        &db,
        (t.county.id, &t.county.code),
        "测试",
        scope,
        None,
        None,
        None,
        &by,
        7,
        &numbers_audit(),
    )
    .await
    .unwrap();
    assert_eq!(issued + rest.issued, 30, "{a:?} {b:?}");
    // Every committed chunk wrote its own audit entry: the entries add up
    // to the numbers issued, whoever stopped where.
    let entries =
        cme_store::repo::audit::list(&db, &cme_domain::auth::Scope::Province, &Default::default(), None, 1000)
            .await
            .unwrap()
            .items;
    let runs: Vec<&serde_json::Value> =
        entries.iter().filter(|e| e.action == "verification.numbers").map(|e| &e.detail).collect();
    assert!(runs.len() >= 5, "30 records in chunks of 7: {runs:?}");
    assert_eq!(runs.iter().map(|d| d["issued"].as_u64().unwrap_or(0)).sum::<u64>(), 30);
    let mut numbers: Vec<String> =
        verification::get_many(&db, &ids).await.unwrap().into_iter().map(|r| r.certificate_no.unwrap()).collect();
    numbers.sort();
    let want: Vec<String> = (1..=30).map(|i| format!("2021-{}-{i:06}", t.county.code)).collect();
    assert_eq!(numbers, want);
});

// ---------------------------------------------------------------- stored compliance

both_backends!(stored_verdicts_agree_with_a_recomputation_from_the_credits, |db| async move {
    use cme_domain::auth::Scope;
    use cme_domain::compliance::Outcome;
    use cme_store::repo::compliance::{self as stored, ComplianceFilter, RecomputeFrom};
    standard::seed_defaults(&db, 2022).await.unwrap();
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let cipher = cipher();
    let titled = |seq| new_person(u.id, seq, vec![title(TitleLevel::Junior, date(2012, 7, 1))]);
    let (a, b, c) = (titled(1), titled(2), titled(3));
    for p in [&a, &b, &c] {
        person::insert(&db, &cipher, p).await.unwrap();
    }
    // Loaded around the write paths: nothing stored yet.
    let a_credits = [
        record(a.id, 2020, CreditCategory::Project(CreditSource::Prefecture), 150),
        record(a.id, 2020, CreditCategory::SelfManaged, 50),
    ];
    credit::insert_many(&db, &a_credits.iter().cloned().map(Into::into).collect::<Vec<_>>()).await.unwrap();
    credit::insert(&db, &record(b.id, 2020, CreditCategory::SelfManaged, 50).into()).await.unwrap();

    let s = stored::recompute_year(&db, 2020, RecomputeFrom::Credits).await.unwrap();
    assert_eq!((s.people, s.written, s.compliant, s.non_compliant), (3, 3, 1, 2));
    // Nothing changed: a second pass, from either source, writes nothing.
    for from in [RecomputeFrom::Stored, RecomputeFrom::Credits] {
        let again = stored::recompute_year(&db, 2020, from).await.unwrap();
        assert_eq!((again.people, again.written, again.compliant), (3, 0, 1), "{from:?}");
    }
    // One person's refresh stores exactly what the set-wise pass stored.
    stored::refresh(&db, a.id, 2020).await.unwrap();
    stored::refresh(&db, b.id, 2020).await.unwrap();
    assert_eq!(stored::recompute_year(&db, 2020, RecomputeFrom::Credits).await.unwrap().written, 0);

    // A credit loaded around the write paths: the stored sums do not see
    // it, a pass from the credits does.
    credit::insert(&db, &record(b.id, 2020, CreditCategory::Project(CreditSource::Prefecture), 150).into())
        .await
        .unwrap();
    assert_eq!(stored::recompute_year(&db, 2020, RecomputeFrom::Stored).await.unwrap().written, 0);
    let s = stored::recompute_year(&db, 2020, RecomputeFrom::Credits).await.unwrap();
    assert_eq!((s.written, s.compliant), (1, 2));

    // (2020 asks for no mandatory course.) A new title moves the standard (intermediate needs 25 with 10 I类):
    // the person's refresh stores the title with the verdict, and a pass
    // from the stored inputs agrees.
    person::add_title(&db, a.id, &title(TitleLevel::Intermediate, date(2020, 3, 1))).await.unwrap();
    assert_eq!(stored::recompute_year(&db, 2020, RecomputeFrom::Stored).await.unwrap().written, 0);
    let verdicts = stored::years_of(&db, a.id).await.unwrap();
    assert_eq!(verdicts.iter().map(|v| (v.year, v.outcome)).collect::<Vec<_>>(), vec![(2020, Outcome::NonCompliant)]);

    // The list and its counts come off the copied place, in every scope.
    let filter = ComplianceFilter {
        year: 2020,
        discipline: None,
        unit_id: None,
        department_id: None,
        region_id: None,
        outcome: None,
        name_contains: None,
    };
    for scope in [Scope::Province, Scope::Region(t.prefecture.id), Scope::Region(t.county.id), Scope::Unit(u.id)] {
        let page = stored::list(&db, &scope, &filter, None, 50).await.unwrap();
        assert_eq!(page.items.len(), 3, "{scope:?}");
        let counts = stored::counts(&db, &scope, &filter).await.unwrap();
        assert_eq!(counts.get(&Outcome::Compliant), Some(&1), "{scope:?}");
        assert_eq!(counts.get(&Outcome::NonCompliant), Some(&2), "{scope:?}");
    }
    let other = cme_domain::auth::Scope::Region(t.province.id);
    assert_eq!(stored::list(&db, &other, &filter, None, 50).await.unwrap().items.len(), 3);
    let named = ComplianceFilter { name_contains: Some("张2".into()), ..filter.clone() };
    let counts = stored::counts(&db, &Scope::Unit(u.id), &named).await.unwrap();
    assert_eq!(counts.values().sum::<u64>(), 1);
    let page = stored::list(&db, &Scope::Unit(u.id), &named, None, 50).await.unwrap();
    assert_eq!(page.items.iter().map(|r| r.person_id).collect::<Vec<_>>(), vec![b.id]);
    let elsewhere = unit_in(&db, &t.county, UnitLevel::County, "U5301020002").await;
    assert!(stored::list(&db, &Scope::Unit(elsewhere.id), &filter, None, 50).await.unwrap().items.is_empty());

    // A new version of the standard with the same rows: every verdict
    // records it (on PostgreSQL through the verdict-only stage), the
    // outcomes stay, and a second pass finds nothing to write.
    let before = stored::years_of(&db, a.id).await.unwrap();
    let published = standard::get_published(&db, 2020).await.unwrap().unwrap();
    standard::save_draft(&db, &published).await.unwrap();
    let next = standard::publish_draft(&db, 2020).await.unwrap();
    assert_eq!(next.version, published.version + 1);
    let s = stored::recompute_year(&db, 2020, RecomputeFrom::Stored).await.unwrap();
    assert_eq!((s.people, s.written, s.compliant, s.non_compliant), (3, 3, 1, 2));
    let after = stored::years_of(&db, a.id).await.unwrap();
    assert_eq!(after[0].standard_version, Some(next.version));
    assert_eq!((after[0].outcome, &after[0].shortfalls), (before[0].outcome, &before[0].shortfalls));
    assert_eq!(stored::recompute_year(&db, 2020, RecomputeFrom::Stored).await.unwrap().written, 0);
    assert_eq!(stored::recompute_year(&db, 2020, RecomputeFrom::Credits).await.unwrap().written, 0);
    drop(c);
});

both_backends!(an_emptied_compliance_table_is_rebuilt_from_the_credits, |db| async move {
    use cme_store::repo::compliance as stored;
    standard::seed_defaults(&db, 2022).await.unwrap();
    let t = tree(&db).await;
    let u = unit_in(&db, &t.county, UnitLevel::County, "U5301020001").await;
    let p = new_person(u.id, 1, vec![title(TitleLevel::Junior, date(2012, 7, 1))]);
    person::insert(&db, &cipher(), &p).await.unwrap();
    credit::insert(&db, &record(p.id, 2020, CreditCategory::SelfManaged, 30).into()).await.unwrap();
    credit::insert(&db, &record(p.id, 2021, CreditCategory::SelfManaged, 30).into()).await.unwrap();
    assert_eq!(stored::rebuild_missing_years(&db).await.unwrap(), vec![2020, 2021]);
    assert_eq!(stored::years_of(&db, p.id).await.unwrap().len(), 2);
    assert!(stored::rebuild_missing_years(&db).await.unwrap().is_empty());
});

both_backends!(numbers_make_certificates_with_their_snapshot, |db| async move {
    let s = setup(&db, UnitLevel::Village).await;
    let county = Some(uuid::Uuid::now_v7());
    let by = acting(Tier::CountyOffice, county, "五华区继教办");
    let v = verification::create(&db, &NewVerification::normal(s.person, 2021), &acting(Tier::Unit, None, "卫生室"))
        .await
        .unwrap();
    verification::apply(&db, v.id, Event::Submit, &acting(Tier::Unit, None, "卫生室"), None).await.unwrap();
    verification::apply(&db, v.id, Event::Approve, &by, None).await.unwrap();
    assert!(cme_store::repo::certificate::current_of(&db, s.person, 2021).await.unwrap().is_none());
    let stats = county_numbers(&db, &s, &by).await;
    assert_eq!(stats.issued, 1);
    // The certificate exists from its number on, in the same transaction.
    let c = cme_store::repo::certificate::current_of(&db, s.person, 2021).await.unwrap().unwrap();
    assert_eq!(c.version, 1);
    assert_eq!(c.verification_id, v.id.0);
    assert_eq!(c.number, format!("2021-{}-000001", s.county_code));
    assert_eq!(c.name, "张1");
    assert_eq!(c.gender, "女");
    assert_eq!(c.issuer, "测试县继续医学教育委员会");
    assert_eq!(c.qr_token.len(), 26);
    assert_eq!(c.check_code.len(), 8);
    assert_eq!(c.verdict, "合格");
    assert!(c.seal_id.is_none(), "no seal uploaded: it prints 须加盖印章");
    assert_eq!(c.status(), cme_domain::certificate::status::CertificateStatus::Valid);
    let found = cme_store::repo::certificate::by_qr_token(&db, &c.qr_token).await.unwrap();
    assert_eq!(found.map(|f| f.id), Some(c.id));
});

fn numbers_audit() -> cme_store::repo::audit::AuditEntry {
    cme_store::repo::audit::AuditEntry::new(cme_domain::audit::AuditAction::VerificationNumbers)
}

// ---------------------------------------------------------------- outages

// A write on a hot standby not yet promoted fails with SQLSTATE 25006
// (`read_only_sql_transaction`): an outage the API answers 503, not a 500.
// A read-only transaction is how PostgreSQL says the same on a primary;
// SQLite has none.
both_backends!(a_write_where_the_database_is_read_only_is_an_outage, |db| async move {
    use sea_orm::TransactionTrait as _;
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("SET TRANSACTION READ ONLY").await.unwrap();
    let err = txn.execute_unprepared("UPDATE regions SET name = name").await.unwrap_err();
    let mapped = StoreError::from(err);
    assert!(matches!(mapped, StoreError::Unavailable(_)), "{mapped:?}");
});
