//! A small province for authorization tests: two prefectures, a county in
//! each, a county hospital in each county (one department, one person), and
//! an account of every tier bound to the "own" side (A). Side B is foreign.

use chrono::NaiveDate;
use cme_domain::IdCardNumber;
use cme_domain::auth::{Role, Scope};
use cme_domain::id_card::check_character;
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::org::{Department, Medicine, Region, RegionLevel, Unit, UnitLevel};
use cme_domain::person::{Discipline, Gender, Person, PersonStatus, Title, TitleLevel};
use cme_store::repo::{account, department, person, region, unit};

use super::TestApp;

/// The demo password of every fixture account.
pub const PASSWORD: &str = "Fixture-pass-2026";

/// One side of the fixture (A is the accounts' own, B is foreign).
pub struct Side {
    pub prefecture: RegionId,
    pub county: RegionId,
    pub unit: UnitId,
    pub department: DepartmentId,
    pub person: PersonId,
    pub person_name: String,
    pub id_number: String,
}

pub struct Fixture {
    /// The province's root region.
    pub province: RegionId,
    pub a: Side,
    pub b: Side,
}

/// Organisations inside side A's jurisdiction that side A's unit and
/// department do not own ([`add_siblings`]): what a same-jurisdiction
/// non-owner acts on.
pub struct Siblings {
    /// A second department (儿科) of side A's unit, with one person.
    pub department: DepartmentId,
    pub department_person: PersonId,
    /// A TCM county hospital in side A's county, with one department.
    pub unit: UnitId,
    pub unit_department: DepartmentId,
}

fn id_number(county: &str, seq: u32) -> String {
    let first = format!("{county}19850612{seq:03}");
    format!("{first}{}", check_character(&first).unwrap_or('0'))
}

async fn side(app: &TestApp, province: RegionId, pref_code: &str, county_code: &str, tag: &str) -> Side {
    let db = &app.db;
    let prefecture = Region {
        id: RegionId::new(),
        parent_id: Some(province),
        level: RegionLevel::Prefecture,
        code: pref_code.to_owned(),
        name: format!("{tag}州"),
    };
    region::insert(db, &prefecture).await.unwrap_or_else(|e| panic!("{e}"));
    let county = Region {
        id: RegionId::new(),
        parent_id: Some(prefecture.id),
        level: RegionLevel::County,
        code: county_code.to_owned(),
        name: format!("{tag}县"),
    };
    region::insert(db, &county).await.unwrap_or_else(|e| panic!("{e}"));
    let u = Unit {
        id: UnitId::new(),
        region_id: county.id,
        name: format!("{tag}县人民医院"),
        level: UnitLevel::County,
        medicine: Medicine::Western,
    };
    unit::insert(db, &u, &format!("U{county_code}")).await.unwrap_or_else(|e| panic!("{e}"));
    let d = Department { id: DepartmentId::new(), unit_id: u.id, name: "内科".to_owned() };
    department::insert(db, &d).await.unwrap_or_else(|e| panic!("{e}"));
    let id_number = id_number(county_code, 11);
    let p = Person {
        id: PersonId::new(),
        unit_id: u.id,
        department_id: Some(d.id),
        name: format!("{tag}医生"),
        gender: Gender::Male,
        id_number: IdCardNumber::from_trusted(id_number.clone()),
        discipline: Discipline::Clinical,
        status: PersonStatus::Normal,
        titles: vec![Title {
            name: "主治医师".to_owned(),
            level: TitleLevel::Intermediate,
            obtained_on: NaiveDate::from_ymd_opt(2015, 9, 1).unwrap_or_default(),
        }],
    };
    person::insert(db, &app.pii, &p).await.unwrap_or_else(|e| panic!("{e}"));
    Side {
        prefecture: prefecture.id,
        county: county.id,
        unit: u.id,
        department: d.id,
        person: p.id,
        person_name: p.name,
        id_number,
    }
}

/// The accounts: (username, role) bound to side A (province roles to the province).
pub const ACCOUNTS: &[(&str, Role)] = &[
    ("admin", Role::SystemAdmin),
    ("kjc", Role::ProvinceWestern),
    ("zyc", Role::ProvinceTcm),
    ("pref-a", Role::PrefectureOffice),
    ("county-a", Role::CountyOffice),
    ("unit-a", Role::Unit),
    ("dept-a", Role::Department),
];

/// The name a fixture account goes by: a person's name, never its login,
/// so a test can tell the two apart.
pub fn display_name(username: &str) -> String {
    match username {
        "admin" => "管理员王五".to_owned(),
        "kjc" => "科教处李明".to_owned(),
        "zyc" => "中医处赵芳".to_owned(),
        "pref-a" => "州市办周强".to_owned(),
        "county-a" => "县办吴敏".to_owned(),
        "unit-a" => "科教科郑丽".to_owned(),
        "dept-a" => "内科秘书陈红".to_owned(),
        other => format!("经办人{other}"),
    }
}

pub async fn load(app: &TestApp) -> Fixture {
    let province = Region {
        id: RegionId::new(),
        parent_id: None,
        level: RegionLevel::Province,
        code: "530000".to_owned(),
        name: "云南省".to_owned(),
    };
    region::insert(&app.db, &province).await.unwrap_or_else(|e| panic!("{e}"));
    let a = side(app, province.id, "530100", "530125", "甲").await;
    let b = side(app, province.id, "530300", "530381", "乙").await;
    let hash = cme_api::auth::password::hash(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    for (username, role) in ACCOUNTS {
        let scope = match role {
            Role::PrefectureOffice => Scope::Region(a.prefecture),
            Role::CountyOffice => Scope::Region(a.county),
            Role::Unit => Scope::Unit(a.unit),
            Role::Department => Scope::Department(a.unit, a.department),
            _ => Scope::Province,
        };
        account::insert(
            &app.db,
            &account::NewAccount {
                username: (*username).to_owned(),
                role: *role,
                scope,
                display_name: display_name(username),
                password_hash: Some(hash.clone()),
                must_change_password: false,
                created_by: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }
    Fixture { province: province.id, a, b }
}

/// Department accounts to act on: `dept-a-target` (side A) and `dept-b`
/// (side B, foreign to every account above).
pub async fn add_target_accounts(app: &TestApp, f: &Fixture) {
    let hash = cme_api::auth::password::hash(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    for (username, side) in [("dept-a-target", &f.a), ("dept-b", &f.b)] {
        account::insert(
            &app.db,
            &account::NewAccount {
                username: username.to_owned(),
                role: Role::Department,
                scope: Scope::Department(side.unit, side.department),
                display_name: display_name(username),
                password_hash: Some(hash.clone()),
                must_change_password: false,
                created_by: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Adds side A's [`Siblings`]: a second department (儿科, one person) in its
/// unit, and a TCM county hospital (中医医院, one department) in its county.
pub async fn add_siblings(app: &TestApp, f: &Fixture) -> Siblings {
    let db = &app.db;
    let d = Department { id: DepartmentId::new(), unit_id: f.a.unit, name: "儿科".to_owned() };
    department::insert(db, &d).await.unwrap_or_else(|e| panic!("{e}"));
    let p = Person {
        id: PersonId::new(),
        unit_id: f.a.unit,
        department_id: Some(d.id),
        name: "甲儿科医生".to_owned(),
        gender: Gender::Female,
        id_number: IdCardNumber::from_trusted(id_number("530125", 12)),
        discipline: Discipline::Clinical,
        status: PersonStatus::Normal,
        titles: vec![Title {
            name: "主治医师".to_owned(),
            level: TitleLevel::Intermediate,
            obtained_on: NaiveDate::from_ymd_opt(2015, 9, 1).unwrap_or_default(),
        }],
    };
    person::insert(db, &app.pii, &p).await.unwrap_or_else(|e| panic!("{e}"));
    let u = Unit {
        id: UnitId::new(),
        region_id: f.a.county,
        name: "甲县中医医院".to_owned(),
        level: UnitLevel::County,
        medicine: Medicine::Tcm,
    };
    unit::insert(db, &u, "U530125Z").await.unwrap_or_else(|e| panic!("{e}"));
    let ud = Department { id: DepartmentId::new(), unit_id: u.id, name: "针灸科".to_owned() };
    department::insert(db, &ud).await.unwrap_or_else(|e| panic!("{e}"));
    Siblings { department: d.id, department_person: p.id, unit: u.id, unit_department: ud.id }
}

/// An account of `role` bound to `scope`, with the fixture password.
pub async fn add_account(app: &TestApp, username: &str, role: Role, scope: Scope) {
    let hash = cme_api::auth::password::hash(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    account::insert(
        &app.db,
        &account::NewAccount {
            username: username.to_owned(),
            role,
            scope,
            display_name: display_name(username),
            password_hash: Some(hash),
            must_change_password: false,
            created_by: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// A unit of `level` and `medicine` in `region`, with one department (内科)
/// and a unit account named `username`.
pub async fn add_unit(
    app: &TestApp,
    region_id: RegionId,
    name: &str,
    level: UnitLevel,
    medicine: Medicine,
    code: &str,
    username: &str,
) -> (UnitId, DepartmentId) {
    let u = Unit { id: UnitId::new(), region_id, name: name.to_owned(), level, medicine };
    unit::insert(&app.db, &u, code).await.unwrap_or_else(|e| panic!("{e}"));
    let d = Department { id: DepartmentId::new(), unit_id: u.id, name: "内科".to_owned() };
    department::insert(&app.db, &d).await.unwrap_or_else(|e| panic!("{e}"));
    add_account(app, username, Role::Unit, Scope::Unit(u.id)).await;
    (u.id, d.id)
}

/// A person (an attending physician since 2015) in a unit's department;
/// `seq` makes the ID number unique within the fixture.
pub async fn add_person(app: &TestApp, unit_id: UnitId, department: DepartmentId, seq: u32, name: &str) -> PersonId {
    let p = Person {
        id: PersonId::new(),
        unit_id,
        department_id: Some(department),
        name: name.to_owned(),
        gender: Gender::Female,
        id_number: IdCardNumber::from_trusted(id_number("530102", seq)),
        discipline: Discipline::Clinical,
        status: PersonStatus::Normal,
        titles: vec![Title {
            name: "主治医师".to_owned(),
            level: TitleLevel::Intermediate,
            obtained_on: NaiveDate::from_ymd_opt(2015, 9, 1).unwrap_or_default(),
        }],
    };
    person::insert(&app.db, &app.pii, &p).await.unwrap_or_else(|e| panic!("{e}"));
    p.id
}

/// Makes a person-year compliant: the year's course and, from every
/// source, as many credits as any standard asks in total (30); stores the
/// verdict.
pub async fn make_compliant(app: &TestApp, person: PersonId, year: i32) {
    use cme_domain::credit::{CreditCategory, CreditSource};
    complete_course(app, person, year).await;
    for category in [
        CreditCategory::Project(CreditSource::National),
        CreditCategory::Project(CreditSource::Provincial),
        CreditCategory::Project(CreditSource::Prefecture),
        CreditCategory::SelfManaged,
    ] {
        add_credit(app, person, year, category, 30).await;
    }
}

/// Stores the (non-compliant, without credits) verdict of a person-year.
pub async fn store_verdict(app: &TestApp, person: PersonId, year: i32) {
    cme_store::repo::compliance::refresh(&app.db, person, year).await.unwrap_or_else(|e| panic!("{e}"));
}

/// Records one valid paper credit of `whole` credits in `category`.
pub async fn add_credit(
    app: &TestApp,
    person: PersonId,
    year: i32,
    category: cme_domain::credit::CreditCategory,
    whole: u32,
) {
    use cme_domain::credit::{CreditRecord, CreditState, EntryPath};
    let id = uuid::Uuid::now_v7();
    let record = CreditRecord {
        id: cme_domain::ids::CreditId(id),
        person_id: person,
        year,
        category,
        amount: cme_domain::Credits::whole(whole),
        entry_path: EntryPath::PaperUnit,
        state: CreditState::Valid,
        activity_name: "培训".to_owned(),
        organiser: None,
        earned_on: NaiveDate::from_ymd_opt(year, 3, 1),
        certificate_no: Some(format!("V-{id}")),
        reverses: None,
        note: None,
        created_at: chrono::Utc::now(),
    };
    let new = cme_store::repo::credit::NewCredit {
        record,
        activity_id: None,
        created_by: Some("fixture".to_owned()),
        department_id: None,
    };
    cme_store::repo::credit::record(&app.db, &new).await.unwrap_or_else(|e| panic!("{e}"));
}

/// Records the year's mandatory course as done.
pub async fn complete_course(app: &TestApp, person: PersonId, year: i32) {
    let done = NaiveDate::from_ymd_opt(year, 10, 1).unwrap_or_default();
    cme_store::repo::course::record_completion(&app.db, person, year, done, "fixture")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The fixture's ID number of the person added with `seq`.
/// The ID number of side A's second-department (儿科) person ([`add_siblings`]).
pub fn sibling_id_number() -> String {
    id_number("530125", 12)
}

pub fn id_number_of(seq: u32) -> String {
    id_number("530102", seq)
}
