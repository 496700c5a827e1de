//! The demo province, built as domain values (pure and deterministic): real
//! regions, units of every level, ~300 people, credits for 2019–2021 that
//! leave some compliant and others short for varied reasons.

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use cme_domain::compliance::CreditInput;
use cme_domain::credit::{CourseCompletion, CreditCategory, CreditRecord, CreditSource, CreditState, EntryPath};
use cme_domain::id_card::check_character;
use cme_domain::ids::{CreditId, DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::org::{Department, Medicine, Region, RegionLevel, Unit, UnitLevel};
use cme_domain::person::{Discipline, Gender, Person, PersonStatus, Title, TitleLevel, title_for_year};
use cme_domain::standard::{Profile, Requirement, Standard};
use cme_domain::{Credits, IdCardNumber};
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use crate::yunnan;

/// A unit with its code (units are identified by code in exchanges).
pub use cme_store::repo::unit::UnitRecord as DemoUnit;

/// Everything the demo loads.
#[derive(Default)]
pub struct Province {
    pub regions: Vec<Region>,
    pub units: Vec<DemoUnit>,
    pub departments: Vec<Department>,
    pub people: Vec<Person>,
    pub credits: Vec<CreditRecord>,
    pub completions: Vec<CourseCompletion>,
}

/// A deterministic UUID from the RNG, so the same seed gives the same ids.
pub fn uuid_from(rng: &mut ChaCha8Rng) -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rng.r#gen()).into_uuid()
}

/// A valid ID number in `county` for a person born on `birth`.
pub fn id_number(rng: &mut ChaCha8Rng, county: &str, birth: NaiveDate, gender: Gender) -> IdCardNumber {
    let mut seq: u32 = rng.gen_range(0..500) * 2;
    if gender == Gender::Male {
        seq += 1;
    }
    let first17 = format!("{county}{}{:03}", birth.format("%Y%m%d"), seq % 1000);
    let check = check_character(&first17).unwrap_or('0');
    IdCardNumber::from_trusted(format!("{first17}{check}"))
}

pub fn person_name(rng: &mut ChaCha8Rng) -> String {
    let mut name = (*yunnan::SURNAMES.choose(rng).unwrap_or(&"李")).to_owned();
    for _ in 0..rng.gen_range(1..=2) {
        name.push_str(yunnan::GIVEN.choose(rng).unwrap_or(&"明"));
    }
    name
}

/// A title name for a level and discipline.
pub fn title_name(level: TitleLevel, discipline: Discipline, unit_level: UnitLevel) -> &'static str {
    match (unit_level, discipline, level) {
        (UnitLevel::Village, _, _) => "乡村医生",
        (_, Discipline::Clinical, TitleLevel::Senior) => "副主任医师",
        (_, Discipline::Clinical, TitleLevel::Intermediate) => "主治医师",
        (_, Discipline::Clinical, TitleLevel::Junior) => "医师",
        (_, Discipline::NursingPublicHealth, TitleLevel::Senior) => "副主任护师",
        (_, Discipline::NursingPublicHealth, TitleLevel::Intermediate) => "主管护师",
        (_, Discipline::NursingPublicHealth, TitleLevel::Junior) => "护师",
    }
}

/// How a person-year's credits fall short, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Compliant,
    /// Has more than enough overall, but too little national/provincial I类.
    ShortNationalProvincial,
    /// Two credits short of self-managed.
    ShortSelfManaged,
    /// II类 made up of distance credits over the cap.
    DistanceOverCap,
    /// Some paper credits still await the unit's approval.
    PendingApproval,
    /// Only about half of everything.
    FarShort,
}

impl Scenario {
    pub fn draw(rng: &mut ChaCha8Rng) -> Scenario {
        match rng.gen_range(0..100) {
            0..62 => Scenario::Compliant,
            62..70 => Scenario::ShortNationalProvincial,
            70..78 => Scenario::ShortSelfManaged,
            78..84 => Scenario::DistanceOverCap,
            84..92 => Scenario::PendingApproval,
            _ => Scenario::FarShort,
        }
    }
}

/// Splits `total` into record amounts from 0.5 credits up to `max_halves`
/// half-credits.
fn split(rng: &mut ChaCha8Rng, total: Credits, max_halves: u32) -> Vec<Credits> {
    let mut left = total.tenths();
    let mut out = Vec::new();
    while left > 0 {
        let take = (rng.gen_range(1..=max_halves) * 5).min(left);
        out.push(Credits::from_tenths(take));
        left -= take;
    }
    out
}

/// The credits (category, amount, valid) of one person-year for a scenario.
/// `record_halves` is the largest record in half-credits (the generator uses
/// smaller records than the demo, to reach ~25 records a person).
pub fn credits_for(
    rng: &mut ChaCha8Rng,
    req: &Requirement,
    scenario: Scenario,
    record_halves: u32,
) -> Vec<CreditInput> {
    let w = |v: Option<Credits>| v.unwrap_or_default();
    let mut national = w(req.i_national_min);
    let mut provincial = w(req.i_provincial_min);
    let np = w(req.i_national_provincial_min);
    if national + provincial < np {
        let gap = np.saturating_sub(national + provincial);
        let half = Credits::from_tenths(gap.tenths() / 10 * 5);
        national += half;
        provincial += gap.saturating_sub(half);
    }
    let i_min = w(req.i_subtotal_min);
    let mut distance_i = Credits::ZERO;
    if national + provincial < i_min {
        let gap = i_min.saturating_sub(national + provincial);
        let room = req.i_distance_cap.map_or(gap, |cap| cap.min(gap));
        distance_i = Credits::from_tenths(rng.gen_range(0..=room.tenths() / 10) * 10).min(room);
        provincial += gap.saturating_sub(distance_i);
    }
    let mut prefecture = w(req.ii_subtotal_min);
    let mut distance_ii = Credits::ZERO;
    let mut self_managed = w(req.self_managed_min);
    // Some people earn a little more than needed.
    if rng.gen_bool(0.4) {
        prefecture += Credits::whole(rng.gen_range(1..=3));
    }
    let mut pending = false;
    match scenario {
        Scenario::Compliant => {}
        Scenario::ShortNationalProvincial if np > Credits::ZERO || national > Credits::ZERO => {
            let cut = Credits::whole(3).min(national + provincial);
            let from_national = cut.min(national);
            national = national.saturating_sub(from_national);
            provincial = provincial.saturating_sub(cut.saturating_sub(from_national));
            prefecture += cut + Credits::whole(2);
        }
        Scenario::ShortNationalProvincial | Scenario::ShortSelfManaged => {
            self_managed = self_managed.saturating_sub(Credits::whole(2));
            if self_managed.is_zero() {
                prefecture = prefecture.saturating_sub(Credits::whole(3));
            }
        }
        Scenario::DistanceOverCap => {
            let moved = Credits::whole(4).min(prefecture);
            prefecture = prefecture.saturating_sub(moved);
            distance_ii = moved;
            if req.ii_distance_cap.is_none() {
                // Where distance II is uncapped, the distance I cap bites instead.
                distance_i += Credits::whole(6);
                provincial = provincial.saturating_sub(Credits::whole(4));
            }
        }
        Scenario::PendingApproval => pending = true,
        Scenario::FarShort => {
            for v in [&mut national, &mut provincial, &mut prefecture, &mut self_managed, &mut distance_i] {
                *v = Credits::from_tenths(v.tenths() / 20 * 10);
            }
        }
    }
    let mut out = Vec::new();
    let mut push = |rng: &mut ChaCha8Rng, category, total, max: u32| {
        for amount in split(rng, total, max.min(record_halves)) {
            out.push(CreditInput { category, amount, valid: true });
        }
    };
    push(rng, CreditCategory::Project(CreditSource::National), national, 10);
    push(rng, CreditCategory::Project(CreditSource::Provincial), provincial, 8);
    push(rng, CreditCategory::Project(CreditSource::DistanceI), distance_i, 4);
    push(rng, CreditCategory::Project(CreditSource::Prefecture), prefecture, 6);
    push(rng, CreditCategory::Project(CreditSource::DistanceIi), distance_ii, 4);
    push(rng, CreditCategory::SelfManaged, self_managed, 4);
    if pending {
        // The department's last reports have not been approved yet.
        let n = out.len();
        for c in out.iter_mut().skip(n.saturating_sub(3)) {
            c.valid = false;
        }
    }
    out
}

fn activity(rng: &mut ChaCha8Rng, category: CreditCategory) -> &'static str {
    let list = match category {
        CreditCategory::Project(CreditSource::National) => yunnan::NATIONAL_ACTIVITIES,
        CreditCategory::Project(CreditSource::Provincial) => yunnan::PROVINCIAL_ACTIVITIES,
        CreditCategory::Project(CreditSource::Prefecture) => yunnan::PREFECTURE_ACTIVITIES,
        CreditCategory::Project(CreditSource::DistanceI | CreditSource::DistanceIi) => yunnan::DISTANCE_ACTIVITIES,
        CreditCategory::SelfManaged => yunnan::SELF_MANAGED_ACTIVITIES,
    };
    list.choose(rng).copied().unwrap_or("继续医学教育活动")
}

/// Turns one person-year's inputs into stored records.
pub fn records(
    rng: &mut ChaCha8Rng,
    person_id: PersonId,
    year: i32,
    inputs: &[CreditInput],
    created_at: DateTime<Utc>,
) -> Vec<CreditRecord> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (entry_path, state) = if !c.valid {
                (EntryPath::PaperDepartment, CreditState::Pending)
            } else {
                match (c.category, rng.gen_range(0..10)) {
                    (CreditCategory::SelfManaged, 0..6) => (EntryPath::PaperUnit, CreditState::Valid),
                    (CreditCategory::SelfManaged, _) => (EntryPath::PaperDepartment, CreditState::Valid),
                    (_, 0..6) => (EntryPath::Electronic, CreditState::Valid),
                    (_, 6..9) => (EntryPath::PaperUnit, CreditState::Valid),
                    _ => (EntryPath::PaperDepartment, CreditState::Valid),
                }
            };
            let earned_on = NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), rng.gen_range(1..=28));
            CreditRecord {
                id: CreditId(uuid_from(rng)),
                person_id,
                year,
                category: c.category,
                amount: c.amount,
                entry_path,
                state,
                activity_name: activity(rng, c.category).to_owned(),
                organiser: None,
                earned_on,
                certificate_no: (entry_path != EntryPath::Electronic)
                    // Distinct within the person-year, as paper certificates are.
                    .then(|| format!("{year}-{:04}{:02}", rng.gen_range(0..10_000), i % 100)),
                reverses: None,
                note: None,
                created_at,
            }
        })
        .collect()
}

struct UnitPlan {
    name: &'static str,
    region_code: &'static str,
    level: UnitLevel,
    medicine: Medicine,
    people: usize,
}

const UNITS: &[UnitPlan] = &[
    UnitPlan {
        name: "云南省第一人民医院",
        region_code: "530000",
        level: UnitLevel::Provincial,
        medicine: Medicine::Western,
        people: 30,
    },
    UnitPlan {
        name: "云南省第二人民医院",
        region_code: "530000",
        level: UnitLevel::Provincial,
        medicine: Medicine::Western,
        people: 22,
    },
    UnitPlan {
        name: "云南省中医医院",
        region_code: "530000",
        level: UnitLevel::Provincial,
        medicine: Medicine::Tcm,
        people: 22,
    },
    UnitPlan {
        name: "云南省疾病预防控制中心",
        region_code: "530000",
        level: UnitLevel::Provincial,
        medicine: Medicine::Western,
        people: 12,
    },
    UnitPlan {
        name: "昆明市第一人民医院",
        region_code: "530100",
        level: UnitLevel::Prefecture,
        medicine: Medicine::Western,
        people: 20,
    },
    UnitPlan {
        name: "昆明市中医医院",
        region_code: "530100",
        level: UnitLevel::Prefecture,
        medicine: Medicine::Tcm,
        people: 14,
    },
    UnitPlan {
        name: "曲靖市第一人民医院",
        region_code: "530300",
        level: UnitLevel::Prefecture,
        medicine: Medicine::Western,
        people: 16,
    },
    UnitPlan {
        name: "玉溪市人民医院",
        region_code: "530400",
        level: UnitLevel::Prefecture,
        medicine: Medicine::Western,
        people: 12,
    },
    UnitPlan {
        name: "大理白族自治州人民医院",
        region_code: "532900",
        level: UnitLevel::Prefecture,
        medicine: Medicine::Western,
        people: 14,
    },
    UnitPlan {
        name: "大理白族自治州中医医院",
        region_code: "532900",
        level: UnitLevel::Prefecture,
        medicine: Medicine::Tcm,
        people: 8,
    },
    UnitPlan {
        name: "宜良县第一人民医院",
        region_code: "530125",
        level: UnitLevel::County,
        medicine: Medicine::Western,
        people: 14,
    },
    UnitPlan {
        name: "宜良县中医医院",
        region_code: "530125",
        level: UnitLevel::County,
        medicine: Medicine::Tcm,
        people: 8,
    },
    UnitPlan {
        name: "宣威市人民医院",
        region_code: "530381",
        level: UnitLevel::County,
        medicine: Medicine::Western,
        people: 14,
    },
    UnitPlan {
        name: "祥云县人民医院",
        region_code: "532923",
        level: UnitLevel::County,
        medicine: Medicine::Western,
        people: 12,
    },
    UnitPlan {
        name: "安宁市中医医院",
        region_code: "530181",
        level: UnitLevel::County,
        medicine: Medicine::Tcm,
        people: 8,
    },
    UnitPlan {
        name: "通海县人民医院",
        region_code: "530423",
        level: UnitLevel::County,
        medicine: Medicine::Western,
        people: 10,
    },
    UnitPlan {
        name: "宜良县狗街镇卫生院",
        region_code: "530125",
        level: UnitLevel::Township,
        medicine: Medicine::Western,
        people: 8,
    },
    UnitPlan {
        name: "五华区普吉街道社区卫生服务中心",
        region_code: "530102",
        level: UnitLevel::Township,
        medicine: Medicine::Western,
        people: 8,
    },
    UnitPlan {
        name: "宣威市板桥街道卫生院",
        region_code: "530381",
        level: UnitLevel::Township,
        medicine: Medicine::Western,
        people: 8,
    },
    UnitPlan {
        name: "祥云县刘厂镇卫生院",
        region_code: "532923",
        level: UnitLevel::Township,
        medicine: Medicine::Western,
        people: 7,
    },
    UnitPlan {
        name: "宜良县狗街镇小哨村卫生室",
        region_code: "530125",
        level: UnitLevel::Village,
        medicine: Medicine::Western,
        people: 3,
    },
    UnitPlan {
        name: "祥云县刘厂镇大营村卫生室",
        region_code: "532923",
        level: UnitLevel::Village,
        medicine: Medicine::Western,
        people: 3,
    },
    UnitPlan {
        name: "宣威市板桥街道龙潭村卫生室",
        region_code: "530381",
        level: UnitLevel::Village,
        medicine: Medicine::Western,
        people: 2,
    },
];

const HOSPITAL_DEPARTMENTS: &[&str] = &["内科", "外科", "妇产科", "儿科", "急诊科", "检验科", "放射科", "护理部"];
const TOWNSHIP_DEPARTMENTS: &[&str] = &["全科", "公共卫生科", "护理组"];

/// The region tree: the province, 16 prefectures, the real counties we know.
pub fn regions(rng: &mut ChaCha8Rng) -> Vec<Region> {
    let province = Region {
        id: RegionId(uuid_from(rng)),
        parent_id: None,
        level: RegionLevel::Province,
        code: yunnan::PROVINCE.0.to_owned(),
        name: yunnan::PROVINCE.1.to_owned(),
    };
    let mut out = vec![province.clone()];
    for (code, name) in yunnan::PREFECTURES {
        out.push(Region {
            id: RegionId(uuid_from(rng)),
            parent_id: Some(province.id),
            level: RegionLevel::Prefecture,
            code: (*code).to_owned(),
            name: (*name).to_owned(),
        });
    }
    for (code, name) in yunnan::COUNTIES {
        let parent = out.iter().find(|r| r.code == yunnan::prefecture_of(code)).map(|r| r.id);
        out.push(Region {
            id: RegionId(uuid_from(rng)),
            parent_id: parent,
            level: RegionLevel::County,
            code: (*code).to_owned(),
            name: (*name).to_owned(),
        });
    }
    out
}

/// Builds the whole demo province. `standards` are the years 2019–2021.
pub fn build(standards: &[Standard]) -> Province {
    let mut rng = ChaCha8Rng::seed_from_u64(20_211_231);
    let mut p = Province { regions: regions(&mut rng), ..Province::default() };
    let created_at = Utc.with_ymd_and_hms(2022, 1, 5, 1, 0, 0).single().unwrap_or_default();
    for (n, plan) in UNITS.iter().enumerate() {
        let Some(region) = p.regions.iter().find(|r| r.code == plan.region_code) else { continue };
        let unit = Unit {
            id: UnitId(uuid_from(&mut rng)),
            region_id: region.id,
            name: plan.name.to_owned(),
            level: plan.level,
            medicine: plan.medicine,
        };
        let department_names = match plan.level {
            UnitLevel::Village => &[][..],
            UnitLevel::Township => TOWNSHIP_DEPARTMENTS,
            _ => HOSPITAL_DEPARTMENTS,
        };
        let departments: Vec<Department> = department_names
            .iter()
            .map(|name| Department {
                id: DepartmentId(uuid_from(&mut rng)),
                unit_id: unit.id,
                name: (*name).to_owned(),
            })
            .collect();
        // Province- and prefecture-level staff mostly come from Kunming and
        // the prefecture seat; county staff from their county.
        let birthplace = match plan.level {
            UnitLevel::Provincial => "530102".to_owned(),
            UnitLevel::Prefecture => format!("{}02", &plan.region_code[..4]),
            _ => plan.region_code.to_owned(),
        };
        for _ in 0..plan.people {
            let person = person(&mut rng, &unit, &departments, &birthplace);
            for standard in standards {
                let year = standard.year;
                let Some(title) = title_for_year(&person.titles, year) else { continue };
                let profile =
                    Profile { unit_level: unit.level, title_level: Some(title.level), discipline: person.discipline };
                let Ok(row) = standard.requirement(profile) else { continue };
                let scenario = Scenario::draw(&mut rng);
                let inputs = credits_for(&mut rng, &row.requirement, scenario, 10);
                p.credits.extend(records(&mut rng, person.id, year, &inputs, created_at));
                if standard.mandatory_course.is_some() && rng.gen_bool(0.9) {
                    p.completions.push(CourseCompletion {
                        person_id: person.id,
                        year,
                        completed_on: NaiveDate::from_ymd_opt(year, rng.gen_range(6..=12), rng.gen_range(1..=28))
                            .unwrap_or_default(),
                    });
                }
            }
            p.people.push(person);
        }
        p.departments.extend(departments);
        p.units.push(DemoUnit::open(unit, format!("U{}{:04}", plan.region_code, n + 1)));
    }
    p
}

fn person(rng: &mut ChaCha8Rng, unit: &Unit, departments: &[Department], birthplace: &str) -> Person {
    let discipline = if unit.level == UnitLevel::Village || rng.gen_bool(0.55) {
        Discipline::Clinical
    } else {
        Discipline::NursingPublicHealth
    };
    let female_share = if discipline == Discipline::NursingPublicHealth { 0.9 } else { 0.45 };
    let gender = if rng.gen_bool(female_share) { Gender::Female } else { Gender::Male };
    let birth = NaiveDate::from_ymd_opt(rng.gen_range(1966..=1997), rng.gen_range(1..=12), rng.gen_range(1..=28))
        .unwrap_or_default();
    let first_title = NaiveDate::from_ymd_opt(birth.year() + 24, 9, 1).unwrap_or_default();
    let mut titles = vec![Title {
        name: title_name(TitleLevel::Junior, discipline, unit.level).to_owned(),
        level: TitleLevel::Junior,
        obtained_on: first_title,
    }];
    if unit.level != UnitLevel::Village {
        let roll = rng.gen_range(0..100);
        // Promotions fall in 2015–2021, so the title held on 31 December changes over the demo's years.
        if roll < 55 {
            let year = rng.gen_range(2008..=2021).max(first_title.year() + 5);
            let on = NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), 1).unwrap_or_default();
            titles.push(Title {
                name: title_name(TitleLevel::Intermediate, discipline, unit.level).to_owned(),
                level: TitleLevel::Intermediate,
                obtained_on: on,
            });
            if roll < 18 {
                let on = NaiveDate::from_ymd_opt(year + rng.gen_range(5..=9), 12, 1).unwrap_or_default();
                titles.push(Title {
                    name: title_name(TitleLevel::Senior, discipline, unit.level).to_owned(),
                    level: TitleLevel::Senior,
                    obtained_on: on,
                });
            }
        }
    }
    let status = match rng.gen_range(0..100) {
        0..91 => PersonStatus::Normal,
        91..96 => PersonStatus::Exempt,
        _ => PersonStatus::Cancelled,
    };
    Person {
        id: PersonId(uuid_from(rng)),
        unit_id: unit.id,
        department_id: departments.choose(rng).map(|d| d.id),
        name: person_name(rng),
        gender,
        id_number: id_number(rng, birthplace, birth, gender),
        discipline,
        status,
        titles,
    }
}

use chrono::Datelike as _;

#[cfg(test)]
mod tests {
    use super::*;
    use cme_domain::compliance::{CourseStatus, ShortfallCode, evaluate};
    use cme_domain::standard::default_standard;
    use std::collections::BTreeSet;

    fn demo() -> Province {
        let standards: Vec<Standard> = (2019..=2021).filter_map(|y| default_standard(y).ok()).collect();
        build(&standards)
    }

    #[test]
    fn the_demo_is_a_realistic_province() {
        let p = demo();
        assert_eq!(p.regions.iter().filter(|r| r.level == RegionLevel::Prefecture).count(), 16);
        assert!(p.regions.iter().filter(|r| r.level == RegionLevel::County).count() >= 30);
        let levels: BTreeSet<_> = p.units.iter().map(|u| u.unit.level).collect();
        assert_eq!(levels.len(), 5);
        assert!(p.units.iter().any(|u| u.unit.medicine == Medicine::Tcm));
        assert!((250..=350).contains(&p.people.len()), "{}", p.people.len());
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        for person in &p.people {
            assert!(IdCardNumber::parse(person.id_number.as_str(), today).is_ok(), "{:?}", person.id_number);
        }
        let ids: BTreeSet<_> = p.people.iter().map(|x| x.id_number.as_str().to_owned()).collect();
        assert_eq!(ids.len(), p.people.len(), "ID numbers are unique");
        let statuses: BTreeSet<_> = p.people.iter().map(|x| x.status).collect();
        assert_eq!(statuses.len(), 3);
    }

    #[test]
    fn the_demo_leaves_some_compliant_and_others_short_for_varied_reasons() {
        let p = demo();
        let standard = default_standard(2021).unwrap_or_else(|_| unreachable!());
        let unit_level = |id| p.units.iter().find(|u| u.unit.id == id).map(|u| u.unit.level);
        let (mut compliant, mut short) = (0, 0);
        let mut reasons = BTreeSet::new();
        for person in &p.people {
            let Some(level) = unit_level(person.unit_id) else { continue };
            let Some(title) = title_for_year(&person.titles, 2021) else { continue };
            let profile = Profile { unit_level: level, title_level: Some(title.level), discipline: person.discipline };
            let Ok(row) = standard.requirement(profile) else { continue };
            let inputs: Vec<_> = p
                .credits
                .iter()
                .filter(|c| c.person_id == person.id && c.year == 2021)
                .map(CreditInput::from)
                .collect();
            let done = p.completions.iter().any(|c| c.person_id == person.id && c.year == 2021);
            let e = evaluate(&row.requirement, CourseStatus::new(true, done), &inputs);
            if e.compliant {
                compliant += 1;
            } else {
                short += 1;
                reasons.extend(e.shortfalls.iter().map(|s| s.code));
            }
        }
        assert!(compliant > 100 && short > 50, "{compliant} compliant, {short} short");
        for code in [
            ShortfallCode::SelfManaged,
            ShortfallCode::IiSubtotal,
            ShortfallCode::MandatoryCourse,
            ShortfallCode::Total,
        ] {
            assert!(reasons.contains(&code), "no one is short of {code}: {reasons:?}");
        }
        assert!(reasons.contains(&ShortfallCode::INationalProvincial) || reasons.contains(&ShortfallCode::INational));
    }
}
