//! The credit standard (学分验证标准) as versioned data.
//!
//! The province office edits the standard; the system ships the one of
//! notice-2017 attachment 1 (also in force for 2021) as the default for every
//! year from 2015. Values are minimums unless named `cap`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Credits;
use crate::org::UnitLevel;
use crate::person::{Discipline, TitleLevel};

/// The first year certificates (and so standards) exist for.
pub const FIRST_YEAR: i32 = 2015;

string_enum! {
    /// A stored version of a year's standard: the one in force, or the
    /// office's unpublished edit of it.
    pub enum StandardStatus {
        Draft => ("draft", "草稿"),
        Published => ("published", "已发布"),
    }
}

/// What one row of the standard demands. `None` means no constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// The total of counted credits.
    pub total: Credits,
    /// I类 from national projects.
    pub i_national_min: Option<Credits>,
    /// I类 from provincial projects.
    pub i_provincial_min: Option<Credits>,
    /// I类 national and provincial together.
    pub i_national_provincial_min: Option<Credits>,
    /// At most this much distance-learning I类 counts at all.
    pub i_distance_cap: Option<Credits>,
    /// All counted I类.
    pub i_subtotal_min: Option<Credits>,
    /// II类, filled by II类 credits and by I类 beyond the I subtotal.
    pub ii_subtotal_min: Option<Credits>,
    /// At most this much distance-learning II类 counts at all.
    pub ii_distance_cap: Option<Credits>,
    /// Self-managed credits.
    pub self_managed_min: Option<Credits>,
}

string_enum! {
    /// The numbers of a [`Requirement`], named as its fields, in the order of
    /// the notice's table (a test keeps the two in step).
    pub enum Limit {
        Total => ("total", "总学分 ≥"),
        INationalMin => ("i_national_min", "I类国家级 ≥"),
        IProvincialMin => ("i_provincial_min", "I类省级 ≥"),
        INationalProvincialMin => ("i_national_provincial_min", "I类国家级+省级 ≥"),
        IDistanceCap => ("i_distance_cap", "I类远程 ≤（计入上限）"),
        ISubtotalMin => ("i_subtotal_min", "I类小计 ≥"),
        IiSubtotalMin => ("ii_subtotal_min", "II类小计 ≥"),
        IiDistanceCap => ("ii_distance_cap", "II类远程 ≤（计入上限）"),
        SelfManagedMin => ("self_managed_min", "自管学分 ≥"),
    }
}

/// One row: the requirement for a discipline, unit level and title level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardRow {
    pub discipline: Discipline,
    pub unit_level: UnitLevel,
    /// `None`: any title (township and village rows).
    pub title_level: Option<TitleLevel>,
    pub requirement: Requirement,
}

/// A year's mandatory all-staff course (公需科目 / 全员培训).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MandatoryCourse {
    pub name: String,
    /// The last day it may be completed (the province may extend it).
    pub deadline: NaiveDate,
}

/// The standard in force for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub year: i32,
    /// Bumped by every published edit of the year's standard.
    pub version: u32,
    pub mandatory_course: Option<MandatoryCourse>,
    pub rows: Vec<StandardRow>,
}

/// The profile that selects a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub unit_level: UnitLevel,
    /// Ignored for township and village units.
    pub title_level: Option<TitleLevel>,
    pub discipline: Discipline,
}

/// A row's title level as people read it (none: every title).
fn title_text(title: Option<TitleLevel>) -> &'static str {
    title.map_or("不限职称", TitleLevel::label)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StandardError {
    #[error("{}的人员须填写职称级别", .0.label())]
    TitleRequired(UnitLevel),
    #[error("{year} 年度的学分验证标准中没有适用于该人员的条目")]
    NoRow { year: i32 },
    #[error("学分验证标准中“{}／{}／{}”的条目重复", .discipline.label(), .unit_level.label(), title_text(*.title))]
    DuplicateRow { discipline: Discipline, unit_level: UnitLevel, title: Option<TitleLevel> },
    #[error("学分验证标准缺少“{}／{}／{}”的条目", .discipline.label(), .unit_level.label(), title_text(*.title))]
    MissingRow { discipline: Discipline, unit_level: UnitLevel, title: Option<TitleLevel> },
    #[error("{FIRST_YEAR} 年度以前没有学分验证标准")]
    TooEarly,
}

impl UnitLevel {
    /// Township and village standards do not depend on the title.
    pub fn title_matters(self) -> bool {
        !matches!(self, UnitLevel::Township | UnitLevel::Village)
    }
}

impl Standard {
    /// The requirement for a profile.
    pub fn requirement(&self, profile: Profile) -> Result<&StandardRow, StandardError> {
        let title = if profile.unit_level.title_matters() {
            Some(profile.title_level.ok_or(StandardError::TitleRequired(profile.unit_level))?)
        } else {
            None
        };
        self.rows
            .iter()
            .find(|r| {
                r.discipline == profile.discipline
                    && r.unit_level == profile.unit_level
                    && (r.title_level.is_none() || r.title_level == title)
            })
            .ok_or(StandardError::NoRow { year: self.year })
    }

    /// Checks that every profile has exactly one row, so an edited standard
    /// can never leave a worker without a rule.
    pub fn validate(&self) -> Result<(), StandardError> {
        if self.year < FIRST_YEAR {
            return Err(StandardError::TooEarly);
        }
        for &discipline in Discipline::ALL {
            for &unit_level in UnitLevel::ALL {
                let titles: Vec<Option<TitleLevel>> = if unit_level.title_matters() {
                    TitleLevel::ALL.iter().copied().map(Some).collect()
                } else {
                    vec![None]
                };
                for title in titles {
                    let n = self
                        .rows
                        .iter()
                        .filter(|r| {
                            r.discipline == discipline
                                && r.unit_level == unit_level
                                && (r.title_level.is_none() || r.title_level == title)
                        })
                        .count();
                    match n {
                        1 => {}
                        0 => return Err(StandardError::MissingRow { discipline, unit_level, title }),
                        _ => return Err(StandardError::DuplicateRow { discipline, unit_level, title }),
                    }
                }
            }
        }
        Ok(())
    }
}

/// The mandatory course a year's notice names, if any.
pub fn default_mandatory_course(year: i32) -> Option<MandatoryCourse> {
    let (name, deadline) = match year {
        // notice-2017 §六(四): the online course was extended to 28 February 2018.
        2017 => ("人感染H7N9禽流感和艾滋病防治新进展", NaiveDate::from_ymd_opt(2018, 2, 28)),
        // notice-2021 §六(四): extended to 1 March 2022.
        2021 => ("卫生健康行业生物安全", NaiveDate::from_ymd_opt(2022, 3, 1)),
        _ => return None,
    };
    Some(MandatoryCourse { name: name.to_owned(), deadline: deadline? })
}

/// The shipped standard for `year` (notice-2017 attachment 1), version 1.
pub fn default_standard(year: i32) -> Result<Standard, StandardError> {
    if year < FIRST_YEAR {
        return Err(StandardError::TooEarly);
    }
    Ok(Standard { year, version: 1, mandatory_course: default_mandatory_course(year), rows: default_rows() })
}

/// The shipped standards from 2015 through `last_year`.
pub fn default_standards(last_year: i32) -> Vec<Standard> {
    (FIRST_YEAR..=last_year).filter_map(|y| default_standard(y).ok()).collect()
}

fn c(v: Option<u32>) -> Option<Credits> {
    v.map(Credits::whole)
}

/// Our reading of the flattened attachment table (SPEC §4); every row's
/// minimum subtotals add up to its total.
fn default_rows() -> Vec<StandardRow> {
    use Discipline::{Clinical, NursingPublicHealth};
    use TitleLevel::{Intermediate, Junior, Senior};
    use UnitLevel::{County, Prefecture, Provincial, Township, Village};
    const N: Option<u32> = None;
    // (unit level, title, total, national, provincial, national+provincial,
    //  distance I cap, I subtotal, II subtotal, distance II cap, self-managed)
    type Clin = (
        UnitLevel,
        Option<TitleLevel>,
        u32,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
    );
    let clinical: [Clin; 11] = [
        (Provincial, Some(Senior), 25, Some(5), Some(5), N, Some(5), Some(15), Some(5), Some(0), Some(5)),
        (Provincial, Some(Intermediate), 25, N, N, Some(10), Some(5), Some(15), Some(5), Some(0), Some(5)),
        (Provincial, Some(Junior), 25, N, N, Some(10), N, Some(10), Some(10), N, Some(5)),
        (Prefecture, Some(Senior), 25, N, N, Some(10), Some(5), Some(15), Some(5), Some(0), Some(5)),
        (Prefecture, Some(Intermediate), 25, N, N, Some(5), Some(10), Some(15), Some(5), N, Some(5)),
        (Prefecture, Some(Junior), 20, N, N, Some(5), N, Some(5), Some(10), N, Some(5)),
        (County, Some(Senior), 25, N, N, Some(5), Some(10), Some(15), Some(5), N, Some(5)),
        (County, Some(Intermediate), 25, N, N, Some(10), N, Some(10), Some(10), N, Some(5)),
        (County, Some(Junior), 20, N, N, N, N, Some(0), Some(15), N, Some(5)),
        (Township, None, 15, N, N, N, N, Some(0), Some(12), N, Some(3)),
        (Village, None, 10, N, N, N, N, Some(0), Some(10), N, Some(0)),
    ];
    // Nursing and public health has no separate provincial column.
    let nursing: [Clin; 11] = [
        (Provincial, Some(Senior), 25, Some(5), N, N, Some(5), Some(12), Some(8), Some(0), Some(5)),
        (Provincial, Some(Intermediate), 25, Some(5), N, N, Some(5), Some(10), Some(10), Some(0), Some(5)),
        (Provincial, Some(Junior), 25, Some(5), N, Some(10), N, Some(10), Some(10), N, Some(5)),
        (Prefecture, Some(Senior), 25, Some(5), N, N, Some(5), Some(10), Some(10), Some(0), Some(5)),
        (Prefecture, Some(Intermediate), 25, Some(5), N, Some(10), N, Some(10), Some(10), N, Some(5)),
        (Prefecture, Some(Junior), 20, Some(5), N, Some(5), N, Some(5), Some(10), N, Some(5)),
        (County, Some(Senior), 25, Some(5), N, Some(10), N, Some(10), Some(10), N, Some(5)),
        (County, Some(Intermediate), 25, Some(5), N, Some(10), N, Some(10), Some(10), N, Some(5)),
        (County, Some(Junior), 20, N, N, N, N, Some(0), Some(15), N, Some(5)),
        (Township, None, 15, N, N, N, N, Some(0), Some(12), N, Some(3)),
        (Village, None, 10, N, N, N, N, Some(0), Some(10), N, Some(0)),
    ];
    let row = |discipline, r: Clin| StandardRow {
        discipline,
        unit_level: r.0,
        title_level: r.1,
        requirement: Requirement {
            total: Credits::whole(r.2),
            i_national_min: c(r.3),
            i_provincial_min: c(r.4),
            i_national_provincial_min: c(r.5),
            i_distance_cap: c(r.6),
            i_subtotal_min: c(r.7),
            ii_subtotal_min: c(r.8),
            ii_distance_cap: c(r.9),
            self_managed_min: c(r.10),
        },
    };
    clinical
        .into_iter()
        .map(|r| row(Clinical, r))
        .chain(nursing.into_iter().map(|r| row(NursingPublicHealth, r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_the_requirement_fields_in_order() {
        // A struct serialises its fields in declaration order.
        let text = serde_json::to_string(&default_standards(2026)[0].rows[0].requirement).unwrap_or_default();
        let fields = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text).unwrap_or_default();
        assert_eq!(fields.len(), Limit::ALL.len(), "{text}");
        let at: Vec<Option<usize>> = Limit::ALL.iter().map(|l| text.find(&format!("\"{}\":", l.as_str()))).collect();
        assert!(at.iter().all(Option::is_some), "{text}");
        assert!(at.is_sorted(), "{text}");
    }

    #[test]
    fn the_default_standard_covers_every_profile_once() {
        for s in default_standards(2026) {
            assert_eq!(s.validate(), Ok(()), "year {}", s.year);
        }
        assert_eq!(default_standards(2026).len(), 12);
    }

    #[test]
    fn every_row_s_subtotals_add_up_to_its_total() {
        for row in default_rows() {
            let r = row.requirement;
            let sum = r.i_subtotal_min.unwrap_or_default()
                + r.ii_subtotal_min.unwrap_or_default()
                + r.self_managed_min.unwrap_or_default();
            assert_eq!(sum, r.total, "{row:?}");
        }
    }

    #[test]
    fn section_four_totals_hold() {
        let s = default_standard(2021).unwrap_or_else(|_| unreachable!());
        let total = |unit_level, title_level, discipline| {
            s.requirement(Profile { unit_level, title_level, discipline }).map(|r| r.requirement.total)
        };
        use Discipline::*;
        use TitleLevel::*;
        use UnitLevel::*;
        for d in [Clinical, NursingPublicHealth] {
            for t in [Senior, Intermediate, Junior] {
                assert_eq!(total(Provincial, Some(t), d), Ok(Credits::whole(25)));
            }
            for l in [Prefecture, County] {
                assert_eq!(total(l, Some(Senior), d), Ok(Credits::whole(25)));
                assert_eq!(total(l, Some(Intermediate), d), Ok(Credits::whole(25)));
                assert_eq!(total(l, Some(Junior), d), Ok(Credits::whole(20)));
            }
            assert_eq!(total(Township, None, d), Ok(Credits::whole(15)));
            assert_eq!(total(Village, Some(Senior), d), Ok(Credits::whole(10)));
        }
        assert_eq!(total(County, None, Clinical), Err(StandardError::TitleRequired(County)));
    }

    #[test]
    fn mandatory_course_only_in_2017_and_2021() {
        let with: Vec<i32> =
            default_standards(2026).iter().filter(|s| s.mandatory_course.is_some()).map(|s| s.year).collect();
        assert_eq!(with, vec![2017, 2021]);
        assert_eq!(default_mandatory_course(2021).map(|c| c.name), Some("卫生健康行业生物安全".to_owned()));
        assert_eq!(default_standard(2014), Err(StandardError::TooEarly));
    }

    #[test]
    fn an_edited_standard_with_a_gap_is_refused() {
        let mut s = default_standard(2022).unwrap_or_else(|_| unreachable!());
        s.rows.retain(|r| r.unit_level != UnitLevel::Village || r.discipline != Discipline::Clinical);
        assert!(matches!(s.validate(), Err(StandardError::MissingRow { unit_level: UnitLevel::Village, .. })));
        let mut s = default_standard(2022).unwrap_or_else(|_| unreachable!());
        let dup = s.rows[0].clone();
        s.rows.push(dup);
        assert!(matches!(s.validate(), Err(StandardError::DuplicateRow { .. })));
    }
}
