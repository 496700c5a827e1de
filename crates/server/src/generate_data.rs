//! The synthetic province of `cme generate`: deterministic for a seed, with
//! proportions like Yunnan's (16 prefectures, ~129 counties, ~25,000
//! institutions of which most are village clinics, ~400,000 people).

use chrono::{NaiveDate, TimeZone as _, Utc};
use cme_domain::credit::CreditRecord;
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::org::{Department, Medicine, Region, RegionLevel, Unit, UnitLevel};
use cme_domain::person::{Discipline, Gender, Person, PersonStatus, Title, TitleLevel, title_for_year};
use cme_domain::standard::{Profile, Standard};
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use crate::demo_data::{self, DemoUnit, Scenario, uuid_from};
use crate::yunnan;

/// Share of people and of units by unit level (people, units).
const LEVELS: &[(UnitLevel, f64, f64)] = &[
    (UnitLevel::Provincial, 0.10, 0.0024),
    (UnitLevel::Prefecture, 0.16, 0.019),
    (UnitLevel::County, 0.34, 0.104),
    (UnitLevel::Township, 0.24, 0.094),
    (UnitLevel::Village, 0.16, 0.7806),
];

/// The organisation: regions, units and departments.
pub struct Organisation {
    pub regions: Vec<Region>,
    pub units: Vec<DemoUnit>,
    pub departments: Vec<Department>,
    /// For each unit, how many people it gets.
    pub headcount: Vec<usize>,
}

/// Regions: the real tree where we know it, numbered counties elsewhere, ~129 in all.
fn regions(rng: &mut ChaCha8Rng) -> Vec<Region> {
    let mut out = demo_data::regions(rng);
    let known: Vec<String> = yunnan::COUNTIES.iter().map(|(c, _)| yunnan::prefecture_of(c)).collect();
    let prefectures: Vec<Region> =
        out.iter().filter(|r| r.level == RegionLevel::Prefecture && !known.contains(&r.code)).cloned().collect();
    for p in prefectures {
        for n in 1..=7 {
            out.push(Region {
                id: RegionId(uuid_from(rng)),
                parent_id: Some(p.id),
                level: RegionLevel::County,
                code: format!("{}{:02}", &p.code[..4], 20 + n),
                name: format!("{}第{}县", p.name, n),
            });
        }
    }
    out
}

pub fn organisation(rng: &mut ChaCha8Rng, people: usize) -> Organisation {
    let regions = regions(rng);
    let province = regions[0].id;
    let prefectures: Vec<RegionId> =
        regions.iter().filter(|r| r.level == RegionLevel::Prefecture).map(|r| r.id).collect();
    let counties: Vec<(RegionId, String)> =
        regions.iter().filter(|r| r.level == RegionLevel::County).map(|r| (r.id, r.name.clone())).collect();
    let total_units = (people / 16).max(LEVELS.len());
    let mut units = Vec::new();
    let mut departments = Vec::new();
    let mut headcount = Vec::new();
    for &(level, people_share, unit_share) in LEVELS {
        let n_units = ((total_units as f64 * unit_share).round() as usize).max(1);
        let n_people = (people as f64 * people_share).round() as usize;
        for i in 0..n_units {
            let (region_id, place) = match level {
                UnitLevel::Provincial => (province, "云南省".to_owned()),
                UnitLevel::Prefecture => (*prefectures.choose(rng).unwrap_or(&province), "州市".to_owned()),
                _ => counties.choose(rng).cloned().unwrap_or((province, String::new())),
            };
            let medicine =
                if rng.gen_bool(0.15) && level != UnitLevel::Village { Medicine::Tcm } else { Medicine::Western };
            let kind = match (level, medicine) {
                (UnitLevel::Village, _) => "村卫生室",
                (UnitLevel::Township, _) => "乡镇卫生院",
                (_, Medicine::Tcm) => "中医医院",
                _ => "人民医院",
            };
            let unit = Unit {
                id: UnitId(uuid_from(rng)),
                region_id,
                name: format!("{place}第{}{kind}", i + 1),
                level,
                medicine,
            };
            // Spread the level's people over its units, the remainder to the first ones.
            let count = n_people / n_units + usize::from(i < n_people % n_units);
            let department_count = match level {
                UnitLevel::Village => 0,
                UnitLevel::Township => 3,
                _ => 8,
            };
            for d in 0..department_count {
                departments.push(Department {
                    id: DepartmentId(uuid_from(rng)),
                    unit_id: unit.id,
                    name: format!("第{}科室", d + 1),
                });
            }
            units.push(DemoUnit::open(unit, format!("G-{}-{:06}", level.as_str(), i + 1)));
            headcount.push(count);
        }
    }
    Organisation { regions, units, departments, headcount }
}

/// One person and the credits of `standard`'s year.
pub fn person_with_credits(
    rng: &mut ChaCha8Rng,
    unit: &Unit,
    departments: &[DepartmentId],
    standard: &Standard,
) -> (Person, Vec<CreditRecord>) {
    let discipline = if unit.level == UnitLevel::Village || rng.gen_bool(0.55) {
        Discipline::Clinical
    } else {
        Discipline::NursingPublicHealth
    };
    let gender = if rng.gen_bool(0.6) { Gender::Female } else { Gender::Male };
    let birth = NaiveDate::from_ymd_opt(rng.gen_range(1966..=1999), rng.gen_range(1..=12), rng.gen_range(1..=28))
        .unwrap_or_default();
    let level = match (unit.level, rng.gen_range(0..100)) {
        (UnitLevel::Village | UnitLevel::Township, _) => TitleLevel::Junior,
        (_, 0..15) => TitleLevel::Senior,
        (_, 15..50) => TitleLevel::Intermediate,
        _ => TitleLevel::Junior,
    };
    let mut titles = vec![Title {
        name: demo_data::title_name(TitleLevel::Junior, discipline, unit.level).to_owned(),
        level: TitleLevel::Junior,
        obtained_on: NaiveDate::from_ymd_opt(rng.gen_range(2000..=2015), 9, 1).unwrap_or_default(),
    }];
    if level != TitleLevel::Junior {
        titles.push(Title {
            name: demo_data::title_name(level, discipline, unit.level).to_owned(),
            level,
            obtained_on: NaiveDate::from_ymd_opt(rng.gen_range(2016..=2023), rng.gen_range(1..=12), 1)
                .unwrap_or_default(),
        });
    }
    let status = match rng.gen_range(0..100) {
        0..94 => PersonStatus::Normal,
        94..97 => PersonStatus::Exempt,
        _ => PersonStatus::Cancelled,
    };
    let county = format!("53{:04}", rng.gen_range(0..30) * 100 + rng.gen_range(1..30));
    let person = Person {
        id: PersonId(uuid_from(rng)),
        unit_id: unit.id,
        department_id: departments.choose(rng).copied(),
        name: demo_data::person_name(rng),
        gender,
        id_number: demo_data::id_number(rng, &county, birth, gender),
        discipline,
        status,
        titles,
    };
    let created_at = Utc.with_ymd_and_hms(standard.year + 1, 1, 2, 2, 0, 0).single().unwrap_or_default();
    let credits = title_for_year(&person.titles, standard.year)
        .and_then(|t| {
            let profile = Profile { unit_level: unit.level, title_level: Some(t.level), discipline };
            standard.requirement(profile).ok()
        })
        .map(|row| {
            let scenario = Scenario::draw(rng);
            // Records of 0.5 or 1 credit: about 25 records a person.
            let inputs = demo_data::credits_for(rng, &row.requirement, scenario, 2);
            demo_data::records(rng, person.id, standard.year, &inputs, created_at)
        })
        .unwrap_or_default();
    (person, credits)
}

/// A fresh RNG for the seed.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cme_domain::standard::default_standard;

    #[test]
    fn the_same_seed_gives_the_same_province() {
        let standard = default_standard(2025).unwrap_or_else(|_| unreachable!());
        let run = |seed| {
            let mut rng = rng(seed);
            let org = organisation(&mut rng, 4_000);
            let unit = &org.units[0].unit;
            let (p, c) = person_with_credits(&mut rng, unit, &[], &standard);
            (org.units.len(), org.regions.len(), p.id_number.as_str().to_owned(), c.len())
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7).2, run(8).2);
    }

    #[test]
    fn proportions_look_like_yunnan() {
        let mut rng = rng(1);
        let org = organisation(&mut rng, 400_000);
        let counties = org.regions.iter().filter(|r| r.level == RegionLevel::County).count();
        assert!((120..=140).contains(&counties), "{counties}");
        assert!((24_000..=26_000).contains(&org.units.len()), "{}", org.units.len());
        assert_eq!(org.headcount.iter().sum::<usize>(), 400_000);
        let villages = org.units.iter().filter(|u| u.unit.level == UnitLevel::Village).count();
        assert!(villages * 10 > org.units.len() * 7);
        // About 25 credit records a person.
        let standard = default_standard(2025).unwrap_or_else(|_| unreachable!());
        // Sample every 200th person, so each level weighs as its headcount.
        let mut owners = Vec::new();
        for (u, n) in org.units.iter().zip(&org.headcount) {
            owners.extend(std::iter::repeat_n(&u.unit, *n));
        }
        let records: usize =
            owners.iter().step_by(200).map(|unit| person_with_credits(&mut rng, unit, &[], &standard).1.len()).sum();
        let mean = records as f64 / owners.iter().step_by(200).count() as f64;
        assert!((18.0..=32.0).contains(&mean), "{mean}");
    }
}
