//! The lists of a cycle (SPEC §5, §6): normal, make-up (补验) and special
//! personnel; which years each may carry, and who may go on the normal list.

use crate::compliance::{Outcome, Shortfall};
use crate::standard::FIRST_YEAR;

string_enum! {
    /// The list a person-year is submitted on.
    pub enum ListKind {
        /// The normal list of the cycle's year.
        Normal => ("normal", "正常验证"),
        /// Make-up verification (补验) of one of the two previous years.
        MakeUp => ("make_up", "补验"),
        /// Special personnel (特殊人员): further study, rural service, residency, front line.
        Special => ("special", "特殊人员"),
    }
}

/// How many years back a make-up verification (补验) may reach: in the cycle
/// of `Y`, `Y-1` and `Y-2` (both notices).
pub const MAKE_UP_YEARS: i32 = 2;

/// Why a person-year cannot go on a list of a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ListYearError {
    #[error("{year} 年度早于 {FIRST_YEAR} 年度，不进行学分验证")]
    TooEarly { year: i32 },
    /// The normal and special lists carry the cycle's own year only.
    #[error("{}", wrong_year_message(*.cycle_year, *.list, *.year))]
    NotCycleYear { cycle_year: i32, list: ListKind, year: i32 },
    /// Make-up reaches `Y-1` and `Y-2` only.
    #[error("{}", make_up_message(*.cycle_year, *.year))]
    NotMakeUpYear { cycle_year: i32, year: i32 },
}

fn make_up_years(cycle_year: i32) -> impl Iterator<Item = i32> {
    (cycle_year.saturating_sub(MAKE_UP_YEARS)..cycle_year).filter(|y| *y >= FIRST_YEAR)
}

fn wrong_year_message(cycle_year: i32, list: ListKind, year: i32) -> String {
    let hint = if make_up_years(cycle_year).any(|y| y == year) { "，请列入补验名单" } else { "" };
    format!("{cycle_year} 年度验证的{}名单只能上报 {cycle_year} 年度，{year} 年度不能列入{hint}", list.label())
}

fn make_up_message(cycle_year: i32, year: i32) -> String {
    let allowed: Vec<String> = make_up_years(cycle_year).map(|y| y.to_string()).collect();
    let hint = if year == cycle_year { "，请列入正常验证名单" } else { "" };
    if allowed.is_empty() {
        format!("{cycle_year} 年度验证没有可补验的年度，{year} 年度不能补验{hint}")
    } else {
        format!("{cycle_year} 年度验证只能补验 {} 年度，{year} 年度不能补验{hint}", allowed.join("、"))
    }
}

/// Whether a person-year of `year` may go on `list` in the cycle of
/// `cycle_year`: the normal and special lists carry `Y`; the make-up list
/// (补验) `Y-1` and `Y-2` ("2019 年度以前获取的学分原则上不予补验" in 2021's
/// cycle). No year before [`FIRST_YEAR`] is verified at all.
pub fn check_list_year(cycle_year: i32, list: ListKind, year: i32) -> Result<(), ListYearError> {
    if cycle_year < FIRST_YEAR {
        return Err(ListYearError::TooEarly { year: cycle_year });
    }
    if year < FIRST_YEAR {
        return Err(ListYearError::TooEarly { year });
    }
    match list {
        ListKind::Normal | ListKind::Special if year != cycle_year => {
            Err(ListYearError::NotCycleYear { cycle_year, list, year })
        }
        ListKind::MakeUp if !make_up_years(cycle_year).any(|y| y == year) => {
            Err(ListYearError::NotMakeUpYear { cycle_year, year })
        }
        _ => Ok(()),
    }
}

/// Why a person-year cannot go on the normal list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotEligible {
    /// Not compliant; the reasons as the compliance query shows them.
    #[error("不达标，不能列入验证名单（正常验证和补验只收达标人员）{}", reasons(.shortfalls))]
    NonCompliant { shortfalls: Vec<Shortfall> },
    #[error("免验或已注销人员不计达标，不能列入验证名单")]
    NotCounted,
    #[error("无法判定是否达标（如缺少职称信息），请先补全人员信息")]
    Undetermined,
}

fn reasons(shortfalls: &[Shortfall]) -> String {
    if shortfalls.is_empty() {
        return String::new();
    }
    let reasons: Vec<String> = shortfalls.iter().map(|s| s.message(None)).collect();
    format!("：{}", reasons.join("；"))
}

/// Whether a person-year with the stored verdict `outcome` may go on the
/// normal list: only a compliant one. `shortfalls` (the stored reasons) only
/// feed the message.
///
/// Special-list people are not checked here: a front-line worker
/// ([`SpecialClaim::deemed_compliant`](crate::cycle::special::SpecialClaim::deemed_compliant)) is compliant whatever his credits,
/// so callers submitting a special list skip this check for him; the other
/// special reasons go through the offices' special review (特殊人员审验).
pub fn check_normal_eligibility(outcome: Outcome, shortfalls: &[Shortfall]) -> Result<(), NotEligible> {
    match outcome {
        Outcome::Compliant => Ok(()),
        Outcome::NonCompliant => Err(NotEligible::NonCompliant { shortfalls: shortfalls.to_vec() }),
        Outcome::NotCounted => Err(NotEligible::NotCounted),
        Outcome::Undetermined => Err(NotEligible::Undetermined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credits;
    use crate::compliance::ShortfallCode;

    #[test]
    fn which_years_each_list_carries() {
        use ListKind::*;
        let table = [
            (2021, Normal, 2021, true),
            (2021, Normal, 2020, false),
            (2021, Normal, 2022, false),
            (2021, Special, 2021, true),
            (2021, Special, 2020, false),
            (2021, MakeUp, 2021, false),
            (2021, MakeUp, 2020, true),
            (2021, MakeUp, 2019, true),
            (2021, MakeUp, 2018, false),
            (2021, MakeUp, 2022, false),
            (2017, MakeUp, 2015, true),
            (2017, MakeUp, 2014, false),
            (2016, MakeUp, 2015, true),
            (2016, MakeUp, 2014, false),
            (2015, MakeUp, 2014, false),
            (2015, Normal, 2015, true),
            (2014, Normal, 2014, false),
        ];
        for (cycle, list, year, ok) in table {
            assert_eq!(check_list_year(cycle, list, year).is_ok(), ok, "{cycle} {list} {year}");
        }
    }

    #[test]
    fn list_year_messages_say_what_is_allowed() {
        let msg = |cycle, list, year| check_list_year(cycle, list, year).map_err(|e| e.to_string());
        let table = [
            (2021, ListKind::MakeUp, 2018, "2021 年度验证只能补验 2019、2020 年度，2018 年度不能补验"),
            (
                2021,
                ListKind::MakeUp,
                2021,
                "2021 年度验证只能补验 2019、2020 年度，2021 年度不能补验，请列入正常验证名单",
            ),
            (2016, ListKind::MakeUp, 2016, "2016 年度验证只能补验 2015 年度，2016 年度不能补验，请列入正常验证名单"),
            (2015, ListKind::MakeUp, 2015, "2015 年度验证没有可补验的年度，2015 年度不能补验，请列入正常验证名单"),
            (2017, ListKind::MakeUp, 2014, "2014 年度早于 2015 年度，不进行学分验证"),
            (
                2021,
                ListKind::Normal,
                2020,
                "2021 年度验证的正常验证名单只能上报 2021 年度，2020 年度不能列入，请列入补验名单",
            ),
            (2021, ListKind::Special, 2018, "2021 年度验证的特殊人员名单只能上报 2021 年度，2018 年度不能列入"),
        ];
        for (cycle, list, year, want) in table {
            assert_eq!(msg(cycle, list, year), Err(want.to_owned()));
        }
    }

    #[test]
    fn only_compliant_people_go_on_the_normal_list() {
        let shortfalls = [
            Shortfall { code: ShortfallCode::INationalProvincial, missing: Credits::whole(3) },
            Shortfall { code: ShortfallCode::SelfManaged, missing: Credits::from_tenths(25) },
            Shortfall { code: ShortfallCode::MandatoryCourse, missing: Credits::ZERO },
        ];
        assert_eq!(check_normal_eligibility(Outcome::Compliant, &[]), Ok(()));
        let table = [
            (
                Outcome::NonCompliant,
                &shortfalls[..],
                "不达标，不能列入验证名单（正常验证和补验只收达标人员）：I类国家级和省级学分差 3 分；自管学分差 2.5 分；未完成全员培训",
            ),
            (Outcome::NonCompliant, &[][..], "不达标，不能列入验证名单（正常验证和补验只收达标人员）"),
            (Outcome::NotCounted, &[][..], "免验或已注销人员不计达标，不能列入验证名单"),
            (Outcome::Undetermined, &[][..], "无法判定是否达标（如缺少职称信息），请先补全人员信息"),
        ];
        for (outcome, shortfalls, want) in table {
            assert_eq!(check_normal_eligibility(outcome, shortfalls).map_err(|e| e.to_string()), Err(want.to_owned()));
        }
        assert_eq!(
            check_normal_eligibility(Outcome::NonCompliant, &shortfalls[..1]),
            Err(NotEligible::NonCompliant { shortfalls: shortfalls[..1].to_vec() })
        );
    }
}
