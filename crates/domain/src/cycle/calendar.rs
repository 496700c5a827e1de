//! The calendar of a year's verification (SPEC §5): when the province opens
//! it, when data is due, the on-site inspection, questions, the close; and
//! the phase a day falls in. Every date is a whole day in Shanghai
//! ([`crate::time`]).

use chrono::{Datelike as _, NaiveDate};

use crate::standard::FIRST_YEAR;

/// The last year a cycle can verify: its calendar runs in the next year,
/// and a date is written with four digits of year (RFC 3339, and the API).
pub const LAST_YEAR: i32 = 9998;

string_enum! {
    /// A date of the cycle calendar, named as the API names its fields.
    pub enum CalendarField {
        OpensOn => ("opens_on", "验证开始日期"),
        DataDue => ("data_due", "数据上报截止日期"),
        InspectionFrom => ("inspection_from", "现场抽验开始日期"),
        InspectionTo => ("inspection_to", "现场抽验结束日期"),
        QuestionsUntil => ("questions_until", "疑问反馈截止日期"),
        ClosesOn => ("closes_on", "验证结束日期"),
    }
}

string_enum! {
    /// Where the cycle stands on a given day. A phase names what the
    /// calendar schedules then; it gates nothing by itself (offices review
    /// throughout; submissions are gated by [`Window`](crate::cycle::window::Window), everything by
    /// [`Calendar::is_closed`]).
    pub enum Phase {
        /// Before the province opens the cycle.
        NotOpen => ("not_open", "未开始"),
        /// Units submit; data must reach the province by `data_due`.
        Submission => ("submission", "数据上报"),
        /// Offices review what was submitted, before the on-site inspection.
        Review => ("review", "审验"),
        /// The province inspects institutions on site (现场抽验).
        Inspection => ("inspection", "现场抽验"),
        /// After the inspection, questions are still accepted.
        Questions => ("questions", "疑问反馈"),
        /// Questions are no longer accepted; the work is being finished.
        WindingUp => ("winding_up", "收尾"),
        /// Everything is closed; nothing more is accepted.
        Closed => ("closed", "已结束"),
    }
}

/// The dates of a cycle as an office enters them, before they are checked
/// ([`Calendar::parse`]). Every date is a whole day in Shanghai, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDates {
    /// The province opens the cycle (验证开始).
    pub opens_on: NaiveDate,
    /// The last day units' data may reach the province office (数据上报截止).
    pub data_due: NaiveDate,
    /// The first day of the province's on-site inspection (现场抽验).
    pub inspection_from: NaiveDate,
    /// The last day of the on-site inspection.
    pub inspection_to: NaiveDate,
    /// The last day questions are accepted (疑问反馈).
    pub questions_until: NaiveDate,
    /// The last day anything is accepted (验证结束).
    pub closes_on: NaiveDate,
}

impl CalendarDates {
    fn get(&self, field: CalendarField) -> NaiveDate {
        match field {
            CalendarField::OpensOn => self.opens_on,
            CalendarField::DataDue => self.data_due,
            CalendarField::InspectionFrom => self.inspection_from,
            CalendarField::InspectionTo => self.inspection_to,
            CalendarField::QuestionsUntil => self.questions_until,
            CalendarField::ClosesOn => self.closes_on,
        }
    }
}

/// The calendar of the verification of year `Y` (credits earned 1 Jan – 31
/// Dec of `Y`), checked: it opens after `Y` ends, and every date is on or
/// after the one before it, in the order of [`CalendarField::ALL`].
///
/// Every date is a whole day in Shanghai and inclusive: `data_due` is the
/// last day data may reach the province, `closes_on` the last day anything
/// is accepted (the notices: "6月30日所有验证工作全部结束，之后将不再受理").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    year: i32,
    dates: CalendarDates,
}

/// Why a calendar is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{year} 年度早于 {FIRST_YEAR} 年度，不进行学分验证")]
    YearTooEarly { year: i32 },
    #[error("{year} 年度超出可设置的范围")]
    YearOutOfRange { year: i32 },
    /// A date past year 9999, which no written date (RFC 3339) can hold.
    #[error("{}（{date}）超出可设置的范围", .field.label())]
    DateOutOfRange { field: CalendarField, date: NaiveDate },
    /// The cycle of `Y` cannot open before the credits of `Y` are complete.
    #[error("{year} 年度验证的验证开始日期（{opens_on}）须在 {year} 年度结束之后")]
    OpensDuringYear { year: i32, opens_on: NaiveDate },
    /// `field` is earlier than `after`, the date before it.
    #[error("{}（{date}）不能早于{}（{after_date}）", .field.label(), .after.label())]
    OutOfOrder { field: CalendarField, date: NaiveDate, after: CalendarField, after_date: NaiveDate },
}

impl Calendar {
    /// The calendar of the notices (SPEC §5) for year `year`: open 1 Jan
    /// `Y+1`; data to the province by 1 Mar; on-site inspection 10 Apr –
    /// 10 May; questions until 20 Jun; closed after 30 Jun.
    pub fn defaults(year: i32) -> Result<Calendar, CalendarError> {
        let next = year.checked_add(1).ok_or(CalendarError::YearOutOfRange { year })?;
        let day = |month, day| NaiveDate::from_ymd_opt(next, month, day).ok_or(CalendarError::YearOutOfRange { year });
        let dates = CalendarDates {
            opens_on: day(1, 1)?,
            data_due: day(3, 1)?,
            inspection_from: day(4, 10)?,
            inspection_to: day(5, 10)?,
            questions_until: day(6, 20)?,
            closes_on: day(6, 30)?,
        };
        Calendar::parse(year, dates)
    }

    /// Checks an office's calendar for `year`. The error names the first
    /// offending field.
    pub fn parse(year: i32, dates: CalendarDates) -> Result<Calendar, CalendarError> {
        if year < FIRST_YEAR {
            return Err(CalendarError::YearTooEarly { year });
        }
        // The calendar runs in the next year, and every date is written
        // with four digits of year.
        if year > LAST_YEAR {
            return Err(CalendarError::YearOutOfRange { year });
        }
        if let Some(field) = CalendarField::ALL.iter().copied().find(|f| dates.get(*f).year() > LAST_YEAR + 1) {
            return Err(CalendarError::DateOutOfRange { field, date: dates.get(field) });
        }
        let year_end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(CalendarError::YearOutOfRange { year })?;
        if dates.opens_on <= year_end {
            return Err(CalendarError::OpensDuringYear { year, opens_on: dates.opens_on });
        }
        for pair in CalendarField::ALL.windows(2) {
            if let [after, field] = *pair
                && dates.get(field) < dates.get(after)
            {
                return Err(CalendarError::OutOfOrder {
                    field,
                    date: dates.get(field),
                    after,
                    after_date: dates.get(after),
                });
            }
        }
        Ok(Calendar { year, dates })
    }

    /// The verified year `Y`.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// All the dates, e.g. to show or store them.
    pub fn dates(&self) -> CalendarDates {
        self.dates
    }

    /// One date by its field name.
    pub fn date(&self, field: CalendarField) -> NaiveDate {
        self.dates.get(field)
    }

    pub fn opens_on(&self) -> NaiveDate {
        self.dates.opens_on
    }

    pub fn data_due(&self) -> NaiveDate {
        self.dates.data_due
    }

    pub fn inspection_from(&self) -> NaiveDate {
        self.dates.inspection_from
    }

    pub fn inspection_to(&self) -> NaiveDate {
        self.dates.inspection_to
    }

    pub fn questions_until(&self) -> NaiveDate {
        self.dates.questions_until
    }

    pub fn closes_on(&self) -> NaiveDate {
        self.dates.closes_on
    }

    /// Whether nothing more is accepted on `on` (a Shanghai date: pass
    /// [`crate::time::today_in_shanghai`]): true from the day after
    /// `closes_on`.
    pub fn is_closed(&self, on: NaiveDate) -> bool {
        on > self.dates.closes_on
    }

    /// Whether questions (疑问反馈) are accepted on `on`: from opening to
    /// `questions_until`, inclusive.
    pub fn accepts_questions(&self, on: NaiveDate) -> bool {
        self.dates.opens_on <= on && on <= self.dates.questions_until
    }

    /// The phase on `on` (a Shanghai date). A day shared by two phases (the
    /// dates may coincide) belongs to the earlier one.
    pub fn phase(&self, on: NaiveDate) -> Phase {
        let d = &self.dates;
        if on < d.opens_on {
            Phase::NotOpen
        } else if on <= d.data_due {
            Phase::Submission
        } else if on < d.inspection_from {
            Phase::Review
        } else if on <= d.inspection_to {
            Phase::Inspection
        } else if on <= d.questions_until {
            Phase::Questions
        } else if on <= d.closes_on {
            Phase::WindingUp
        } else {
            Phase::Closed
        }
    }
}

/// Whether year `year` is still being earned on `on` (a Shanghai date): its
/// verification has not opened, so no verdict is final (进行中, never
/// 不达标). `cycle` is the province's calendar of `year`, if set; without
/// one, the notices' own (it opens on 1 January of the next year).
pub fn year_in_progress(year: i32, cycle: Option<&Calendar>, on: NaiveDate) -> bool {
    match cycle {
        Some(c) => c.phase(on) == Phase::NotOpen,
        None => Calendar::defaults(year).is_ok_and(|c| c.phase(on) == Phase::NotOpen),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::testing::day;

    #[test]
    fn a_year_is_in_progress_until_its_verification_opens() {
        assert!(year_in_progress(2026, None, day(2026, 12, 31)));
        assert!(!year_in_progress(2026, None, day(2027, 1, 1)));
        assert!(!year_in_progress(2025, None, day(2026, 12, 7)));
        // The province's calendar decides when it sets one.
        let late = Calendar::parse(
            2026,
            CalendarDates { opens_on: day(2027, 1, 15), ..Calendar::defaults(2026).unwrap().dates() },
        )
        .unwrap();
        assert!(year_in_progress(2026, Some(&late), day(2027, 1, 14)));
        assert!(!year_in_progress(2026, Some(&late), day(2027, 1, 15)));
    }
    use proptest::prelude::*;

    fn cal(year: i32) -> Calendar {
        Calendar::defaults(year).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn default_calendar_follows_the_notices() {
        let c = cal(2021);
        assert_eq!(c.year(), 2021);
        let want = [
            (CalendarField::OpensOn, day(2022, 1, 1)),
            (CalendarField::DataDue, day(2022, 3, 1)),
            (CalendarField::InspectionFrom, day(2022, 4, 10)),
            (CalendarField::InspectionTo, day(2022, 5, 10)),
            (CalendarField::QuestionsUntil, day(2022, 6, 20)),
            (CalendarField::ClosesOn, day(2022, 6, 30)),
        ];
        for (field, date) in want {
            assert_eq!(c.date(field), date, "{field}");
        }
        assert_eq!((c.opens_on(), c.data_due(), c.closes_on()), (day(2022, 1, 1), day(2022, 3, 1), day(2022, 6, 30)));
        assert_eq!((c.inspection_from(), c.inspection_to()), (day(2022, 4, 10), day(2022, 5, 10)));
        assert_eq!(c.questions_until(), day(2022, 6, 20));
        // 2017's notice: the same days, a year earlier.
        assert_eq!(cal(2017).data_due(), day(2018, 3, 1));
        assert_eq!(Calendar::parse(2021, c.dates()), Ok(c));
    }

    #[test]
    fn phases_of_the_2021_cycle() {
        let c = cal(2021);
        let table = [
            (day(2021, 12, 31), Phase::NotOpen),
            (day(2022, 1, 1), Phase::Submission),
            (day(2022, 3, 1), Phase::Submission),
            (day(2022, 3, 2), Phase::Review),
            (day(2022, 4, 9), Phase::Review),
            (day(2022, 4, 10), Phase::Inspection),
            (day(2022, 5, 10), Phase::Inspection),
            (day(2022, 5, 11), Phase::Questions),
            (day(2022, 6, 20), Phase::Questions),
            (day(2022, 6, 21), Phase::WindingUp),
            (day(2022, 6, 30), Phase::WindingUp),
            (day(2022, 7, 1), Phase::Closed),
            (day(2030, 1, 1), Phase::Closed),
        ];
        for (on, phase) in table {
            assert_eq!(c.phase(on), phase, "{on}");
            assert_eq!(c.is_closed(on), phase == Phase::Closed, "{on}");
        }
        assert!(c.accepts_questions(day(2022, 6, 20)));
        assert!(!c.accepts_questions(day(2022, 6, 21)));
        assert!(!c.accepts_questions(day(2021, 12, 31)));
        assert_eq!(Phase::Inspection.label(), "现场抽验");
    }

    #[test]
    fn calendars_out_of_order_name_the_field() {
        let base = cal(2021).dates();
        let with = |f: fn(&mut CalendarDates)| {
            let mut d = base;
            f(&mut d);
            Calendar::parse(2021, d)
        };
        let field = |r: Result<Calendar, CalendarError>| match r {
            Err(CalendarError::OutOfOrder { field, after, .. }) => Some((field.as_str(), after.as_str())),
            _ => None,
        };
        type Edit = fn(&mut CalendarDates);
        let table: [(Edit, (&str, &str)); 5] = [
            (|d| d.data_due = day(2021, 12, 31), ("data_due", "opens_on")),
            (|d| d.inspection_from = day(2022, 2, 1), ("inspection_from", "data_due")),
            (|d| d.inspection_to = day(2022, 4, 9), ("inspection_to", "inspection_from")),
            (|d| d.questions_until = day(2022, 5, 1), ("questions_until", "inspection_to")),
            (|d| d.closes_on = day(2022, 6, 19), ("closes_on", "questions_until")),
        ];
        for (change, want) in table {
            assert_eq!(field(with(change)), Some(want));
        }
        let mut d = base;
        d.opens_on = day(2022, 3, 5);
        let err = Calendar::parse(2021, d);
        assert_eq!(field(err), Some(("data_due", "opens_on")));
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("数据上报截止日期（2022-03-01）不能早于验证开始日期（2022-03-05）".to_owned())
        );
        // Equal dates are in order: a one-day inspection, questions ending with it.
        assert!(with(|d| d.inspection_to = d.inspection_from).is_ok());
        assert!(with(|d| d.closes_on = d.questions_until).is_ok());
    }

    #[test]
    fn calendars_open_after_their_year_from_2015() {
        let mut d = cal(2021).dates();
        d.opens_on = day(2021, 12, 31);
        assert_eq!(
            Calendar::parse(2021, d),
            Err(CalendarError::OpensDuringYear { year: 2021, opens_on: day(2021, 12, 31) })
        );
        assert_eq!(Calendar::defaults(2014), Err(CalendarError::YearTooEarly { year: 2014 }));
        assert_eq!(
            Calendar::defaults(2014).map_err(|e| e.to_string()),
            Err("2014 年度早于 2015 年度，不进行学分验证".to_owned())
        );
        assert!(Calendar::defaults(2015).is_ok());
        assert_eq!(Calendar::defaults(i32::MAX), Err(CalendarError::YearOutOfRange { year: i32::MAX }));
        // Its dates, in the next year, must still be written with four digits.
        assert!(Calendar::defaults(LAST_YEAR).is_ok());
        assert_eq!(Calendar::defaults(LAST_YEAR + 1), Err(CalendarError::YearOutOfRange { year: LAST_YEAR + 1 }));
        let mut d = Calendar::defaults(2021).map(|c| c.dates()).unwrap_or_else(|e| panic!("{e}"));
        d.closes_on = day(10_000, 1, 1);
        assert_eq!(
            Calendar::parse(2021, d),
            Err(CalendarError::DateOutOfRange { field: CalendarField::ClosesOn, date: day(10_000, 1, 1) })
        );
    }

    proptest! {
        #[test]
        fn phases_never_go_back(year in 2015i32..2100, a in 0u64..400, b in 0u64..400) {
            let c = cal(year);
            let start = day(year + 1, 1, 1) - chrono::Days::new(20);
            let (a, b) = (start + chrono::Days::new(a.min(b)), start + chrono::Days::new(a.max(b)));
            prop_assert!(c.phase(a) <= c.phase(b));
            prop_assert_eq!(c.is_closed(a), c.phase(a) == Phase::Closed);
        }
    }
}
