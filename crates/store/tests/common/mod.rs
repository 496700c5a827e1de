//! Fixtures shared by the store's tests: a small region tree, units and
//! people with valid ID numbers.

use chrono::NaiveDate;
use cme_domain::IdCardNumber;
use cme_domain::id_card::check_character;
use cme_domain::ids::{PersonId, RegionId, UnitId};
use cme_domain::org::{Medicine, Region, RegionLevel, Unit, UnitLevel};
use cme_domain::person::{Discipline, Gender, Person, PersonStatus, Title, TitleLevel};
use cme_store::repo::{region, unit};
use cme_store::{DatabaseConnection, PiiCipher};

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A valid ID number of a person born in Kunming's Wuhua district, with a
/// distinct sequence number.
pub fn id_number(seq: u32) -> IdCardNumber {
    let first = format!("530102198506{:02}{:03}", 1 + seq % 28, seq % 1000);
    let full = format!("{first}{}", check_character(&first).unwrap());
    IdCardNumber::parse(&full, date(2026, 1, 1)).unwrap()
}

/// The province, a prefecture and a county.
pub struct Tree {
    pub province: Region,
    pub prefecture: Region,
    pub county: Region,
}

pub async fn tree(db: &DatabaseConnection) -> Tree {
    let province = Region {
        id: RegionId::new(),
        parent_id: None,
        level: RegionLevel::Province,
        code: "530000".into(),
        name: "云南省".into(),
    };
    let prefecture = Region {
        id: RegionId::new(),
        parent_id: Some(province.id),
        level: RegionLevel::Prefecture,
        code: "530100".into(),
        name: "昆明市".into(),
    };
    let county = Region {
        id: RegionId::new(),
        parent_id: Some(prefecture.id),
        level: RegionLevel::County,
        code: "530102".into(),
        name: "五华区".into(),
    };
    for r in [&province, &prefecture, &county] {
        region::insert(db, r).await.unwrap();
    }
    Tree { province, prefecture, county }
}

pub async fn unit_in(db: &DatabaseConnection, region: &Region, level: UnitLevel, code: &str) -> Unit {
    let u = Unit {
        id: UnitId::new(),
        region_id: region.id,
        name: format!("{}单位{code}", level.label()),
        level,
        medicine: Medicine::Western,
    };
    unit::insert(db, &u, code).await.unwrap();
    u
}

pub fn person(unit: UnitId, seq: u32, titles: Vec<Title>) -> Person {
    Person {
        id: PersonId::new(),
        unit_id: unit,
        department_id: None,
        name: format!("张{seq}"),
        gender: Gender::Female,
        id_number: id_number(seq),
        discipline: Discipline::Clinical,
        status: PersonStatus::Normal,
        titles,
    }
}

pub fn title(level: TitleLevel, obtained_on: NaiveDate) -> Title {
    Title { name: level.label().into(), level, obtained_on }
}

pub fn cipher() -> PiiCipher {
    PiiCipher::generate().0
}
