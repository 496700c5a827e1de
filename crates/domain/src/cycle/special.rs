//! Special personnel (特殊人员, SPEC §6): further study, rural service and
//! residency of at least half a year, and the front line, deemed compliant.

use chrono::{Datelike as _, Months, NaiveDate};

use crate::standard::FIRST_YEAR;

string_enum! {
    /// Why a person is on the special list (SPEC §6).
    pub enum SpecialReason {
        /// Further study away (进修) of at least half a year.
        FurtherStudy => ("further_study", "进修"),
        /// Rural service (下乡) of at least half a year.
        RuralService => ("rural_service", "下乡"),
        /// Standardised residency training (规培) of at least half a year.
        Residency => ("residency", "规培"),
        /// Sent abroad on medical aid (援外) or to the province's epidemic
        /// front line: deemed compliant for the year (视为合格, notice-2021 六(五)).
        FrontLine => ("front_line", "援外或抗疫一线"),
    }
}

impl SpecialReason {
    /// Whether the reason demands a period of at least half a year
    /// ("进修、下乡半年以上的人员", notice-2017; SPEC §6 extends it to 规培).
    pub fn needs_half_year(self) -> bool {
        !matches!(self, SpecialReason::FrontLine)
    }

    /// What the unit uploads as evidence, as the upload form names it.
    pub fn evidence_label(self) -> &'static str {
        match self {
            SpecialReason::FurtherStudy => "进修证明（派出文件或进修单位出具的证明）",
            SpecialReason::RuralService => "下乡派出文件（派出单位或卫生健康行政部门的文件）",
            SpecialReason::Residency => "规培证明（培训基地出具的在培证明）",
            SpecialReason::FrontLine => "派遣通知（上级卫生健康行政部门或单位的派遣通知）",
        }
    }

    /// Whether a claim needs at least one evidence file: always.
    ///
    /// Notice-2021 六(五) demands the dispatch notice (派遣通知) of front-line
    /// workers; SPEC §6 keeps every special decision "with its evidence", so
    /// the system asks the same of further study, rural service and residency,
    /// which the notices leave unstated.
    pub fn requires_evidence(self) -> bool {
        true
    }
}

/// A checked special-personnel claim for one person-year: the reason and the
/// period away (whole days, both inclusive).
///
/// "Half a year" is made exact as: the period ends no earlier than six
/// calendar months after it starts, less one day (`period_to >= period_from +
/// 6 months - 1 day`): 1 Jan – 30 Jun and 1 Mar – 31 Aug qualify. When the
/// start day does not exist six months later, chrono's month arithmetic
/// takes that month's last day: from 31 Aug the period must reach 27 Feb (28
/// Feb − 1 day).
///
/// The period must overlap the claimed year; it need not lie inside it
/// (a residency from July to the next June covers two years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialClaim {
    reason: SpecialReason,
    period_from: NaiveDate,
    period_to: NaiveDate,
    year: i32,
}

/// Why a special claim is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SpecialError {
    #[error("结束日期（{period_to}）须晚于开始日期（{period_from}）")]
    EndNotAfterStart { period_from: NaiveDate, period_to: NaiveDate },
    #[error("{year} 年度早于 {FIRST_YEAR} 年度，不进行学分验证")]
    YearTooEarly { year: i32 },
    #[error("期间 {period_from} 至 {period_to} 与 {year} 年度没有重叠")]
    NotInYear { year: i32, period_from: NaiveDate, period_to: NaiveDate },
    #[error(
        "{}须满半年：{period_from} 开始的须到 {earliest_end} 或以后结束，所填结束日期为 {period_to}",
        .reason.label()
    )]
    TooShort { reason: SpecialReason, period_from: NaiveDate, period_to: NaiveDate, earliest_end: NaiveDate },
}

/// The earliest last day of a half-year period starting on `from`, or `None`
/// past the end of the calendar.
pub fn half_year_end(from: NaiveDate) -> Option<NaiveDate> {
    from.checked_add_months(Months::new(6)).and_then(|d| d.pred_opt())
}

impl SpecialClaim {
    /// Checks a claim of `reason` for `year` over `period_from ..= period_to`.
    pub fn parse(
        reason: SpecialReason,
        period_from: NaiveDate,
        period_to: NaiveDate,
        year: i32,
    ) -> Result<SpecialClaim, SpecialError> {
        if period_to <= period_from {
            return Err(SpecialError::EndNotAfterStart { period_from, period_to });
        }
        if year < FIRST_YEAR {
            return Err(SpecialError::YearTooEarly { year });
        }
        if period_from.year() > year || period_to.year() < year {
            return Err(SpecialError::NotInYear { year, period_from, period_to });
        }
        if reason.needs_half_year() {
            let too_short = |earliest_end| SpecialError::TooShort { reason, period_from, period_to, earliest_end };
            // Six months past chrono's last date: no period can be that long.
            let earliest_end = half_year_end(period_from).ok_or(too_short(NaiveDate::MAX))?;
            if period_to < earliest_end {
                return Err(too_short(earliest_end));
            }
        }
        Ok(SpecialClaim { reason, period_from, period_to, year })
    }

    pub fn reason(&self) -> SpecialReason {
        self.reason
    }

    pub fn period_from(&self) -> NaiveDate {
        self.period_from
    }

    pub fn period_to(&self) -> NaiveDate {
        self.period_to
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    /// Whether the person is compliant for the year whatever his credits
    /// (视为合格): front-line workers only. The others are reviewed like
    /// everyone else.
    pub fn deemed_compliant(&self) -> bool {
        self.reason == SpecialReason::FrontLine
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::testing::day;
    use proptest::prelude::*;

    #[test]
    fn special_claims_table() {
        use SpecialReason::*;
        let ok = "ok";
        let table = [
            // Half a year: from + 6 months - 1 day.
            (FurtherStudy, day(2021, 1, 1), day(2021, 6, 30), ok),
            (FurtherStudy, day(2021, 1, 1), day(2021, 6, 29), "too_short"),
            (RuralService, day(2021, 3, 1), day(2021, 8, 31), ok),
            (RuralService, day(2021, 3, 1), day(2021, 8, 30), "too_short"),
            // From the 31st of August six months is the end of February.
            (Residency, day(2021, 8, 31), day(2022, 2, 27), ok),
            (Residency, day(2021, 8, 31), day(2022, 2, 26), "too_short"),
            // A period straddling the year counts for it.
            (Residency, day(2020, 9, 1), day(2021, 8, 31), ok),
            (Residency, day(2021, 9, 1), day(2022, 8, 31), ok),
            (FurtherStudy, day(2020, 1, 1), day(2020, 12, 31), "not_in_year"),
            (FurtherStudy, day(2022, 1, 1), day(2022, 12, 31), "not_in_year"),
            // The front line needs no minimum, only an overlap.
            (FrontLine, day(2021, 12, 20), day(2022, 1, 10), ok),
            (FrontLine, day(2021, 5, 1), day(2021, 5, 2), ok),
            (FrontLine, day(2020, 5, 1), day(2020, 8, 1), "not_in_year"),
            (FrontLine, day(2021, 5, 1), day(2021, 5, 1), "end"),
            (FurtherStudy, day(2021, 6, 1), day(2021, 1, 1), "end"),
        ];
        for (reason, from, to, want) in table {
            let got = match SpecialClaim::parse(reason, from, to, 2021) {
                Ok(c) => {
                    assert_eq!((c.reason(), c.period_from(), c.period_to(), c.year()), (reason, from, to, 2021));
                    ok
                }
                Err(SpecialError::TooShort { .. }) => "too_short",
                Err(SpecialError::NotInYear { .. }) => "not_in_year",
                Err(SpecialError::EndNotAfterStart { .. }) => "end",
                Err(SpecialError::YearTooEarly { .. }) => "too_early",
            };
            assert_eq!(got, want, "{reason} {from} {to}");
        }
        assert_eq!(
            SpecialClaim::parse(FrontLine, day(2014, 2, 1), day(2014, 3, 1), 2014),
            Err(SpecialError::YearTooEarly { year: 2014 })
        );
        assert_eq!(
            SpecialClaim::parse(FurtherStudy, day(2021, 3, 1), day(2021, 7, 31), 2021).map_err(|e| e.to_string()),
            Err("进修须满半年：2021-03-01 开始的须到 2021-08-31 或以后结束，所填结束日期为 2021-07-31".to_owned())
        );
        assert!(
            SpecialClaim::parse(
                FurtherStudy,
                NaiveDate::MAX - chrono::Days::new(10),
                NaiveDate::MAX,
                NaiveDate::MAX.year()
            )
            .is_err()
        );
    }

    #[test]
    fn only_the_front_line_is_deemed_compliant_and_all_need_evidence() {
        for &reason in SpecialReason::ALL {
            let claim = SpecialClaim::parse(reason, day(2021, 1, 1), day(2021, 12, 31), 2021)
                .unwrap_or_else(|e| panic!("{reason}: {e}"));
            assert_eq!(claim.deemed_compliant(), reason == SpecialReason::FrontLine);
            assert_eq!(reason.needs_half_year(), reason != SpecialReason::FrontLine);
            assert!(reason.requires_evidence());
            assert!(!reason.evidence_label().is_empty());
        }
        assert!(SpecialReason::FrontLine.evidence_label().contains("派遣通知"));
        assert_eq!(SpecialReason::parse("residency"), Some(SpecialReason::Residency));
        assert_eq!(SpecialReason::Residency.label(), "规培");
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (2015i32..=2035, 1u32..=366).prop_map(|(y, o)| {
            NaiveDate::from_yo_opt(y, o).or_else(|| NaiveDate::from_yo_opt(y, 365)).unwrap_or_else(|| unreachable!())
        })
    }

    proptest! {
        #[test]
        fn half_a_year_is_exactly_the_boundary(from in any_date(), reason in prop::sample::select(SpecialReason::ALL.to_vec())) {
            let end = half_year_end(from).unwrap_or_else(|| unreachable!());
            let year = from.year();
            let at = SpecialClaim::parse(reason, from, end, year);
            prop_assert!(at.is_ok(), "{:?}", at);
            if let Some(before) = end.pred_opt().filter(|d| *d > from) {
                let short = SpecialClaim::parse(reason, from, before, year);
                prop_assert_eq!(short.is_ok(), !reason.needs_half_year(), "{:?}", short);
            }
        }
    }
}
