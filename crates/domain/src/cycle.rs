//! The annual verification cycle (SPEC §5, §6): its calendar, the submission
//! windows each office sets for the tiers below it, which years each list may
//! carry, special personnel and their evidence, who may go on the normal
//! list, certificate numbers and the cycle's figures.
//!
//! Times: people read and set dates and times in Asia/Shanghai; everything is
//! stored in UTC. A calendar date such as `data_due` means the whole day in
//! Shanghai ([`crate::time`]).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike as _, Months, NaiveDate, SubsecRound as _, Utc};

use crate::compliance::{Outcome, Shortfall};
use crate::org::UnitLevel;
use crate::review::ListKind;
use crate::standard::FIRST_YEAR;
use crate::time::{fmt_local, local_day_end, local_day_start};

// ---------------------------------------------------------------------------
// The calendar
// ---------------------------------------------------------------------------

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
    /// throughout; submissions are gated by [`Window`], everything by
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

// ---------------------------------------------------------------------------
// Submission windows (截止时间设置)
// ---------------------------------------------------------------------------

string_enum! {
    /// The three submission windows an office sets for the units below it
    /// (截止时间设置 in notice-2017, attachment 3).
    pub enum WindowTier {
        /// Provincial, prefecture and county units.
        CountyAndAbove => ("county_and_above", "县级以上学分验证上报"),
        /// Township hospitals and community health centres.
        Township => ("township", "乡镇级学分验证上报"),
        /// Village doctors.
        Village => ("village", "村级学分验证上报"),
    }
}

impl WindowTier {
    /// The window that governs a unit of `level`.
    pub fn of(level: UnitLevel) -> WindowTier {
        match level {
            UnitLevel::Provincial | UnitLevel::Prefecture | UnitLevel::County => WindowTier::CountyAndAbove,
            UnitLevel::Township => WindowTier::Township,
            UnitLevel::Village => WindowTier::Village,
        }
    }
}

/// A submission window of one tier: submissions are accepted from
/// `starts_at` to `ends_at`, both inclusive, to the second (the notices'
/// settings are given to the second; sub-seconds are dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    tier: WindowTier,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// Why a window is refused, or a submission outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("截止时间（{}）须晚于开始时间（{}）（北京时间）", fmt_local(*.ends_at), fmt_local(*.starts_at))]
    EndNotAfterStart { starts_at: DateTime<Utc>, ends_at: DateTime<Utc> },
    #[error("不在上报时间内：{window}（北京时间），尚未开始")]
    NotYetOpen { window: Window },
    #[error("不在上报时间内：{window}（北京时间），已经截止")]
    Closed { window: Window },
    /// An office's window does not lie inside its parent's window of the same tier.
    #[error(
        "{}须在上级单位设置的 {} 之内，所设为 {}（北京时间）",
        .window.tier.label(), .parent.span(), .window.span()
    )]
    OutsideParent { window: Window, parent: Window },
    /// A window compared with a parent's window of another tier (a caller's mistake).
    #[error("{}不能与上级单位的{}比较", .window.tier.label(), .parent.tier.label())]
    TierMismatch { window: Window, parent: Window },
}

impl Window {
    /// A window of `tier` from `starts_at` to `ends_at` (inclusive, to the
    /// second); refused unless it ends after it starts.
    pub fn new(tier: WindowTier, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<Window, WindowError> {
        let (starts_at, ends_at) = (starts_at.trunc_subsecs(0), ends_at.trunc_subsecs(0));
        if ends_at <= starts_at {
            return Err(WindowError::EndNotAfterStart { starts_at, ends_at });
        }
        Ok(Window { tier, starts_at, ends_at })
    }

    /// The window that applies where no office set one: from the cycle's
    /// opening day 00:00:00 to its `data_due` day 23:59:59, Shanghai time
    /// (the day the notices want the data at the province). An office that
    /// wants longer, as the province's 2016 setting in notice-2017's
    /// screenshot (to 30 Jun), sets its window explicitly.
    pub fn cycle_default(tier: WindowTier, cycle: &Calendar) -> Window {
        Window { tier, starts_at: local_day_start(cycle.opens_on()), ends_at: local_day_end(cycle.data_due()) }
    }

    /// The tier of units the window governs.
    pub fn tier(&self) -> WindowTier {
        self.tier
    }

    /// The first second at which a submission is accepted.
    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    /// The last second at which a submission is accepted.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.ends_at
    }

    /// Whether a submission at `now` is inside the window.
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        self.check(now).is_ok()
    }

    /// Accepts a submission at `now`, or says in Chinese why not, naming the
    /// window in Shanghai time, e.g. `不在上报时间内：乡镇级学分验证上报
    /// 2022-01-01 00:00 至 2022-02-15 23:59（北京时间），已经截止`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), WindowError> {
        if now < self.starts_at {
            Err(WindowError::NotYetOpen { window: *self })
        } else if now.trunc_subsecs(0) > self.ends_at {
            Err(WindowError::Closed { window: *self })
        } else {
            Ok(())
        }
    }

    /// Checks that this window, set by an office for the units below it,
    /// lies inside `parent`, the window of the same tier that the office's
    /// own parent set for it (an office can only narrow what it was given).
    pub fn validate_inside(&self, parent: &Window) -> Result<(), WindowError> {
        if self.tier != parent.tier {
            return Err(WindowError::TierMismatch { window: *self, parent: *parent });
        }
        if self.starts_at < parent.starts_at || self.ends_at > parent.ends_at {
            return Err(WindowError::OutsideParent { window: *self, parent: *parent });
        }
        Ok(())
    }

    /// `2022-01-01 00:00 至 2022-02-15 23:59`, Shanghai time.
    fn span(&self) -> String {
        format!("{} 至 {}", fmt_local(self.starts_at), fmt_local(self.ends_at))
    }
}

/// `乡镇级学分验证上报 2022-01-01 00:00 至 2022-02-15 23:59`, Shanghai time.
impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.tier.label(), self.span())
    }
}

/// The window of `tier` that governs a unit, given the windows of that tier
/// set along its path of offices, from the province down (province →
/// prefecture → county; `None` where an office set none).
///
/// The most specific (last) window set applies; with none set, the cycle's
/// own ([`Window::cycle_default`]). Windows of another tier in `set` are
/// ignored. Nesting is checked when a window is set
/// ([`Window::validate_inside`]), not here.
pub fn effective_window(tier: WindowTier, cycle: &Calendar, set: &[Option<Window>]) -> Window {
    set.iter().rev().flatten().find(|w| w.tier == tier).copied().unwrap_or_else(|| Window::cycle_default(tier, cycle))
}

// ---------------------------------------------------------------------------
// Lists and years
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Special personnel (特殊人员)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Evidence files
// ---------------------------------------------------------------------------

/// The largest evidence file accepted: 10 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

string_enum! {
    /// The kinds of evidence file accepted: scans and photos of documents.
    pub enum EvidenceKind {
        Pdf => ("pdf", "PDF 文件"),
        Png => ("png", "PNG 图片"),
        Jpeg => ("jpeg", "JPEG 图片"),
    }
}

impl EvidenceKind {
    /// Recognises a file by its first bytes (its magic number).
    pub fn sniff(bytes: &[u8]) -> Option<EvidenceKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(EvidenceKind::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(EvidenceKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(EvidenceKind::Jpeg)
        } else {
            None
        }
    }

    /// The media type to serve the file with.
    pub fn content_type(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "application/pdf",
            EvidenceKind::Png => "image/png",
            EvidenceKind::Jpeg => "image/jpeg",
        }
    }

    /// The kind a declared media type names, ignoring case and parameters
    /// (`image/JPEG; charset=binary`); also the common non-standard
    /// `image/jpg` and `image/pjpeg`.
    pub fn from_content_type(declared: &str) -> Option<EvidenceKind> {
        let essence = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/pdf" => Some(EvidenceKind::Pdf),
            "image/png" => Some(EvidenceKind::Png),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(EvidenceKind::Jpeg),
            _ => None,
        }
    }
}

/// Why an evidence file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("证明材料文件为空")]
    Empty,
    #[error("证明材料文件大小为 {}，超过 10 MB 的上限", mebibytes(*.size))]
    TooLarge { size: usize },
    #[error("证明材料须为 PDF、PNG 或 JPEG 文件，所传文件的内容不是其中任何一种")]
    UnknownType,
    #[error("不接受的文件类型“{declared}”，证明材料须为 PDF、PNG 或 JPEG 文件")]
    UnsupportedDeclaredType { declared: String },
    #[error("文件声明为{}，内容却是{}，请检查文件后重新上传", .declared.label(), .actual.label())]
    Mismatch { declared: EvidenceKind, actual: EvidenceKind },
}

/// `10.1 MB`: mebibytes, rounded up to a tenth, so a file over the limit
/// never reads as exactly at it.
fn mebibytes(size: usize) -> String {
    const MIB: u128 = 1024 * 1024;
    let tenths = (size as u128 * 10).div_ceil(MIB);
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

/// Checks an uploaded evidence file: not empty, at most
/// [`MAX_EVIDENCE_BYTES`], a PDF, PNG or JPEG by its content, and declared
/// as what it is (a misnamed file is refused rather than stored under the
/// wrong type).
pub fn check_evidence(declared_content_type: &str, bytes: &[u8]) -> Result<EvidenceKind, EvidenceError> {
    if bytes.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(EvidenceError::TooLarge { size: bytes.len() });
    }
    let actual = EvidenceKind::sniff(bytes).ok_or(EvidenceError::UnknownType)?;
    let declared = EvidenceKind::from_content_type(declared_content_type).ok_or_else(|| {
        // Echo at most a short prefix of what the client sent.
        EvidenceError::UnsupportedDeclaredType { declared: declared_content_type.trim().chars().take(64).collect() }
    })?;
    if declared != actual {
        return Err(EvidenceError::Mismatch { declared, actual });
    }
    Ok(actual)
}

// ---------------------------------------------------------------------------
// Eligibility for the normal list
// ---------------------------------------------------------------------------

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
/// ([`SpecialClaim::deemed_compliant`]) is compliant whatever his credits,
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

// ---------------------------------------------------------------------------
// Certificate numbers
// ---------------------------------------------------------------------------

/// A certificate number (证书编号): `{year}-{office_code}-{seq:06}`, e.g.
/// `2021-530000-000123`.
///
/// - `year`: the verified year, four digits, from [`FIRST_YEAR`];
/// - `office_code`: the six-digit GB/T 2260 region code of the office that
///   gave the final review and issued the number (`530000` for the province);
/// - `seq`: from 1, zero-padded to six digits, wider past 999999 (then with
///   no leading zero, so every number has one spelling).
///
/// A number is unique per office and year, and each office's sequence of a
/// year has no gaps: the store guarantees both when it issues numbers; the
/// domain only formats and parses them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateNumber {
    year: i32,
    office_code: String,
    seq: u32,
}

/// Why a text or parts are not a certificate number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CertificateNumberError {
    #[error("证书编号格式应为 年度-发证机关代码-序号，如 2021-530000-000123")]
    Malformed,
    #[error("证书编号的年度须在 {FIRST_YEAR} 至 9999 之间")]
    YearOutOfRange,
    #[error("发证机关代码须为 6 位数字")]
    BadOfficeCode,
    #[error("证书编号的序号须从 1 开始")]
    ZeroSequence,
}

impl CertificateNumber {
    /// The `seq`-th number issued by the office of region `office_code` for
    /// `year`.
    pub fn new(year: i32, office_code: &str, seq: u32) -> Result<CertificateNumber, CertificateNumberError> {
        if !(FIRST_YEAR..=9999).contains(&year) {
            return Err(CertificateNumberError::YearOutOfRange);
        }
        if office_code.len() != 6 || !office_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CertificateNumberError::BadOfficeCode);
        }
        if seq == 0 {
            return Err(CertificateNumberError::ZeroSequence);
        }
        Ok(CertificateNumber { year, office_code: office_code.to_owned(), seq })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn office_code(&self) -> &str {
        &self.office_code
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:06}", self.year, self.office_code, self.seq)
    }
}

/// Parses the spelling [`Display`](fmt::Display) gives, ignoring surrounding
/// whitespace (people type numbers into the public verification page).
impl FromStr for CertificateNumber {
    type Err = CertificateNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let mut parts = s.trim().split('-');
        let (Some(year), Some(office_code), Some(seq), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CertificateNumberError::Malformed);
        };
        let canonical_seq = seq.len() == 6 || (seq.len() > 6 && !seq.starts_with('0'));
        if year.len() != 4 || !digits(year) || !digits(seq) || !canonical_seq {
            return Err(CertificateNumberError::Malformed);
        }
        let year = year.parse().map_err(|_| CertificateNumberError::Malformed)?;
        let seq = seq.parse().map_err(|_| CertificateNumberError::Malformed)?;
        CertificateNumber::new(year, office_code, seq)
    }
}

// ---------------------------------------------------------------------------
// Cycle figures
// ---------------------------------------------------------------------------

/// The pass rate the province demands of an institution inspected on site:
/// one under 95% re-verifies until it reaches it (notice-2021 六(三)).
pub const INSPECTION_PASS_PERCENT: u32 = 95;

/// An exact share `passed / total` (`total > 0`, `passed <= total`).
///
/// Compared and stored exactly; shown rounded half up to a thousandth
/// ([`PassRate::per_mille`], [`PassRate::percent`]): 3/7 shows 42.9%. A rate
/// just under a threshold can show as the threshold (1899/2000 shows 95.0%
/// and does not meet 95%); decisions use [`PassRate::at_least_percent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PassRate {
    passed: u32,
    total: u32,
}

impl PassRate {
    /// `None` when nobody was counted or the counts contradict each other.
    pub fn new(passed: u32, total: u32) -> Option<PassRate> {
        (total > 0 && passed <= total).then_some(PassRate { passed, total })
    }

    pub fn passed(self) -> u32 {
        self.passed
    }

    pub fn total(self) -> u32 {
        self.total
    }

    /// Thousandths, rounded half up: 950 for 94.96%, 429 for 3/7.
    pub fn per_mille(self) -> u32 {
        per_mille(u64::from(self.passed), u64::from(self.total)).unwrap_or(0)
    }

    /// Whether the rate is at least `percent`%, exactly.
    pub fn at_least_percent(self, percent: u32) -> bool {
        u64::from(self.passed) * 100 >= u64::from(percent) * u64::from(self.total)
    }

    /// Whether an inspected institution passes ([`INSPECTION_PASS_PERCENT`]).
    pub fn meets_inspection(self) -> bool {
        self.at_least_percent(INSPECTION_PASS_PERCENT)
    }

    /// The rate for display, one decimal, rounded half up: `42.9%` for 3/7.
    pub fn percent(self) -> String {
        let pm = self.per_mille();
        format!("{}.{}%", pm / 10, pm % 10)
    }
}

/// `part / whole` in thousandths, rounded half up (the one rounding of every
/// rate the system shows: the API, the XLSX and the SPA agree); `None` when
/// `whole` is 0.
pub fn per_mille(part: u64, whole: u64) -> Option<u32> {
    let pm = part.checked_mul(2000)?.checked_add(whole)?.checked_div(whole.checked_mul(2)?)?;
    Some(u32::try_from(pm).unwrap_or(u32::MAX))
}

impl PartialOrd for PassRate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By value; equal values are ordered by their counts (1/2 before 2/4), so
/// that the order agrees with `==`, which compares the counts.
impl Ord for PassRate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let lhs = u64::from(self.passed) * u64::from(other.total);
        let rhs = u64::from(other.passed) * u64::from(self.total);
        lhs.cmp(&rhs).then_with(|| self.total.cmp(&other.total))
    }
}

/// Where a cycle (or one office's or unit's part of it) stands.
///
/// `to_verify` and `submitted` are totals; `returned`, `approved` and
/// `certified` count the submitted records by their current state (so
/// `approved` excludes those since certified).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CycleCounts {
    /// People due for verification of the year.
    pub to_verify: u32,
    /// Records submitted at least once (whatever their state now).
    pub submitted: u32,
    /// Sent back and not yet resubmitted.
    pub returned: u32,
    /// Passed the final review, awaiting a certificate number.
    pub approved: u32,
    /// With a certificate number.
    pub certified: u32,
}

impl CycleCounts {
    /// Passed the final review so far (approved or certified).
    pub fn passed(&self) -> u32 {
        self.approved.saturating_add(self.certified)
    }

    /// Still with a reviewing office.
    pub fn in_review(&self) -> u32 {
        self.submitted.saturating_sub(self.returned).saturating_sub(self.passed())
    }

    /// The share of submitted records that passed the final review; `None`
    /// with nothing submitted (or contradictory counts).
    pub fn pass_rate(&self) -> Option<PassRate> {
        PassRate::new(self.passed(), self.submitted)
    }

    /// People due but not submitted, as the deadline approaches.
    pub fn missing_before_deadline(&self) -> u32 {
        self.to_verify.saturating_sub(self.submitted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credits;
    use crate::compliance::ShortfallCode;
    use crate::time::SHANGHAI;
    use chrono::{NaiveTime, TimeZone as _};
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("bad test date {y}-{m}-{d}"))
    }

    /// A UTC instant from Shanghai wall-clock time.
    fn sh(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        let t = NaiveTime::from_hms_opt(h, mi, s).unwrap_or_else(|| panic!("bad test time"));
        SHANGHAI
            .from_local_datetime(&day(y, mo, d).and_time(t))
            .single()
            .map_or_else(|| panic!("no time"), |t| t.to_utc())
    }

    fn cal(year: i32) -> Calendar {
        Calendar::defaults(year).unwrap_or_else(|e| panic!("{e}"))
    }

    fn window(tier: WindowTier, from: DateTime<Utc>, to: DateTime<Utc>) -> Window {
        Window::new(tier, from, to).unwrap_or_else(|e| panic!("{e}"))
    }

    // --- calendar ---

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

    // --- windows ---

    #[test]
    fn every_unit_level_has_its_window_tier() {
        let table = [
            (UnitLevel::Provincial, WindowTier::CountyAndAbove),
            (UnitLevel::Prefecture, WindowTier::CountyAndAbove),
            (UnitLevel::County, WindowTier::CountyAndAbove),
            (UnitLevel::Township, WindowTier::Township),
            (UnitLevel::Village, WindowTier::Village),
        ];
        assert_eq!(table.len(), UnitLevel::ALL.len());
        for (level, tier) in table {
            assert_eq!(WindowTier::of(level), tier, "{level}");
        }
        assert_eq!(WindowTier::Village.label(), "村级学分验证上报");
    }

    #[test]
    fn a_window_accepts_its_own_seconds_only() {
        let w = window(WindowTier::Township, sh(2022, 1, 1, 0, 0, 0), local_day_end(day(2022, 2, 15)));
        let table = [
            (sh(2021, 12, 31, 23, 59, 59), Some("not_yet")),
            (sh(2022, 1, 1, 0, 0, 0), None),
            (sh(2022, 2, 15, 23, 59, 59), None),
            (sh(2022, 2, 15, 23, 59, 59) + chrono::TimeDelta::milliseconds(999), None),
            (sh(2022, 2, 16, 0, 0, 0), Some("closed")),
        ];
        for (now, want) in table {
            let got = match w.check(now) {
                Ok(()) => None,
                Err(WindowError::NotYetOpen { window }) if window == w => Some("not_yet"),
                Err(WindowError::Closed { window }) if window == w => Some("closed"),
                Err(e) => panic!("{e}"),
            };
            assert_eq!(got, want, "{now}");
            assert_eq!(w.contains(now), want.is_none());
        }
        let closed = w.check(sh(2022, 3, 1, 9, 0, 0)).map_err(|e| e.to_string());
        assert_eq!(
            closed,
            Err("不在上报时间内：乡镇级学分验证上报 2022-01-01 00:00 至 2022-02-15 23:59（北京时间），已经截止"
                .to_owned())
        );
        let early = w.check(sh(2021, 12, 1, 9, 0, 0)).map_err(|e| e.to_string());
        assert_eq!(
            early,
            Err("不在上报时间内：乡镇级学分验证上报 2022-01-01 00:00 至 2022-02-15 23:59（北京时间），尚未开始"
                .to_owned())
        );
    }

    #[test]
    fn a_window_ends_after_it_starts() {
        let t = sh(2022, 1, 1, 0, 0, 0);
        assert!(matches!(Window::new(WindowTier::Village, t, t), Err(WindowError::EndNotAfterStart { .. })));
        assert!(matches!(
            Window::new(WindowTier::Village, t, t - chrono::TimeDelta::hours(1)),
            Err(WindowError::EndNotAfterStart { .. })
        ));
        // Sub-seconds are dropped, so half a second is no window at all.
        assert!(Window::new(WindowTier::Village, t, t + chrono::TimeDelta::milliseconds(500)).is_err());
        assert!(Window::new(WindowTier::Village, t, t + chrono::TimeDelta::seconds(1)).is_ok());
        assert_eq!(
            Window::new(WindowTier::Village, t, t).map_err(|e| e.to_string()),
            Err("截止时间（2022-01-01 00:00）须晚于开始时间（2022-01-01 00:00）（北京时间）".to_owned())
        );
    }

    #[test]
    fn an_office_narrows_its_parents_window() {
        let tier = WindowTier::CountyAndAbove;
        let parent = window(tier, sh(2022, 1, 1, 0, 0, 0), sh(2022, 3, 1, 23, 59, 59));
        let table = [
            ((2022, 1, 1, 0, 0, 0), (2022, 3, 1, 23, 59, 59), true),
            ((2022, 1, 10, 0, 0, 0), (2022, 2, 15, 23, 59, 59), true),
            ((2021, 12, 31, 23, 59, 59), (2022, 2, 15, 23, 59, 59), false),
            ((2022, 1, 10, 0, 0, 0), (2022, 3, 2, 0, 0, 0), false),
        ];
        for (from, to, ok) in table {
            let w = window(
                tier,
                sh(from.0, from.1, from.2, from.3, from.4, from.5),
                sh(to.0, to.1, to.2, to.3, to.4, to.5),
            );
            let r = w.validate_inside(&parent);
            assert_eq!(r.is_ok(), ok, "{w}");
            if !ok {
                assert_eq!(r, Err(WindowError::OutsideParent { window: w, parent }));
            }
        }
        let late = window(tier, sh(2022, 1, 10, 0, 0, 0), sh(2022, 3, 15, 18, 0, 0));
        assert_eq!(
            late.validate_inside(&parent).map_err(|e| e.to_string()),
            Err("县级以上学分验证上报须在上级单位设置的 2022-01-01 00:00 至 2022-03-01 23:59 之内，所设为 2022-01-10 00:00 至 2022-03-15 18:00（北京时间）".to_owned())
        );
        let village = window(WindowTier::Village, sh(2022, 1, 10, 0, 0, 0), sh(2022, 2, 1, 0, 0, 0));
        assert!(matches!(village.validate_inside(&parent), Err(WindowError::TierMismatch { .. })));
    }

    #[test]
    fn the_most_specific_window_applies() {
        let c = cal(2021);
        let tier = WindowTier::Township;
        let province = window(tier, sh(2022, 1, 1, 0, 0, 0), sh(2022, 3, 1, 23, 59, 59));
        let prefecture = window(tier, sh(2022, 1, 5, 0, 0, 0), sh(2022, 2, 20, 23, 59, 59));
        let county = window(tier, sh(2022, 1, 10, 0, 0, 0), sh(2022, 2, 15, 23, 59, 59));
        let other_tier = window(WindowTier::Village, sh(2022, 1, 12, 0, 0, 0), sh(2022, 1, 20, 0, 0, 0));
        let default = Window::cycle_default(tier, &c);
        let table: [(&[Option<Window>], Window); 7] = [
            (&[], default),
            (&[None, None, None], default),
            (&[Some(province), None, None], province),
            (&[Some(province), Some(prefecture), None], prefecture),
            (&[Some(province), Some(prefecture), Some(county)], county),
            (&[None, None, Some(county)], county),
            (&[Some(province), Some(prefecture), Some(other_tier)], prefecture),
        ];
        for (set, want) in table {
            assert_eq!(effective_window(tier, &c, set), want, "{set:?}");
        }
        assert_eq!(default.to_string(), "乡镇级学分验证上报 2022-01-01 00:00 至 2022-03-01 23:59");
        assert_eq!(
            (default.starts_at(), default.ends_at()),
            (local_day_start(day(2022, 1, 1)), local_day_end(day(2022, 3, 1)))
        );
        assert_eq!(default.tier(), tier);
    }

    // --- lists and years ---

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

    // --- special personnel ---

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

    // --- evidence ---

    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";

    #[test]
    fn evidence_is_sniffed_by_its_magic_bytes() {
        let table: [(&[u8], Option<EvidenceKind>); 8] = [
            (PDF, Some(EvidenceKind::Pdf)),
            (PNG, Some(EvidenceKind::Png)),
            (JPEG, Some(EvidenceKind::Jpeg)),
            (b"%PDF", None),
            (b"\x89PNG", None),
            (b"\xff\xd8", None),
            (b"GIF89a", None),
            (b"", None),
        ];
        for (bytes, want) in table {
            assert_eq!(EvidenceKind::sniff(bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn evidence_checks() {
        use EvidenceKind::*;
        let big = vec![0u8; MAX_EVIDENCE_BYTES + 1];
        let mut at_limit = vec![0u8; MAX_EVIDENCE_BYTES];
        at_limit[..PDF.len()].copy_from_slice(PDF);
        let table: [(&str, &[u8], Result<EvidenceKind, EvidenceError>); 10] = [
            ("application/pdf", PDF, Ok(Pdf)),
            ("image/png", PNG, Ok(Png)),
            ("image/jpeg", JPEG, Ok(Jpeg)),
            ("IMAGE/JPG ; name=x", JPEG, Ok(Jpeg)),
            ("application/pdf", &at_limit, Ok(Pdf)),
            ("application/pdf", b"", Err(EvidenceError::Empty)),
            ("application/pdf", &big, Err(EvidenceError::TooLarge { size: MAX_EVIDENCE_BYTES + 1 })),
            ("text/plain", b"hello", Err(EvidenceError::UnknownType)),
            (
                "application/octet-stream",
                PDF,
                Err(EvidenceError::UnsupportedDeclaredType { declared: "application/octet-stream".into() }),
            ),
            ("image/png", JPEG, Err(EvidenceError::Mismatch { declared: Png, actual: Jpeg })),
        ];
        for (declared, bytes, want) in table {
            assert_eq!(check_evidence(declared, bytes), want, "{declared}");
        }
        let msg = |declared: &str, bytes: &[u8]| check_evidence(declared, bytes).map_err(|e| e.to_string());
        assert_eq!(msg("application/pdf", &big), Err("证明材料文件大小为 10.1 MB，超过 10 MB 的上限".to_owned()));
        assert_eq!(
            msg("image/png", JPEG),
            Err("文件声明为PNG 图片，内容却是JPEG 图片，请检查文件后重新上传".to_owned())
        );
        assert_eq!(msg("x".repeat(500).as_str(), PDF).map_err(|e| e.chars().count() < 120), Err(true));
        for kind in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::from_content_type(kind.content_type()), Some(*kind));
        }
    }

    // --- eligibility ---

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

    // --- certificate numbers ---

    #[test]
    fn certificate_numbers_format_and_parse() {
        let n = CertificateNumber::new(2021, "530000", 123).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n.to_string(), "2021-530000-000123");
        assert_eq!((n.year(), n.office_code(), n.seq()), (2021, "530000", 123));
        let wide = CertificateNumber::new(2021, "530102", 1_234_567).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(wide.to_string(), "2021-530102-1234567");
        let table = [
            ("2021-530000-000123", Ok(n.clone())),
            (" 2021-530000-000123\n", Ok(n.clone())),
            ("2021-530102-1234567", Ok(wide)),
            ("2021-530000-123", Err(CertificateNumberError::Malformed)),
            ("2021-530000-0001234", Err(CertificateNumberError::Malformed)),
            ("2021530000000123", Err(CertificateNumberError::Malformed)),
            ("2021-530000-000123-1", Err(CertificateNumberError::Malformed)),
            ("21-530000-000123", Err(CertificateNumberError::Malformed)),
            ("2021-53000-000123", Err(CertificateNumberError::BadOfficeCode)),
            ("2021-53000a-000123", Err(CertificateNumberError::BadOfficeCode)),
            ("2021-530000-00012a", Err(CertificateNumberError::Malformed)),
            ("2021-530000-+00123", Err(CertificateNumberError::Malformed)),
            ("2014-530000-000123", Err(CertificateNumberError::YearOutOfRange)),
            ("2021-530000-000000", Err(CertificateNumberError::ZeroSequence)),
            ("2021-530000-9999999999", Err(CertificateNumberError::Malformed)),
            ("", Err(CertificateNumberError::Malformed)),
        ];
        for (text, want) in table {
            assert_eq!(text.parse::<CertificateNumber>(), want, "{text:?}");
        }
        assert_eq!(CertificateNumber::new(10_000, "530000", 1), Err(CertificateNumberError::YearOutOfRange));
    }

    // --- figures ---

    #[test]
    fn pass_rates_are_exact() {
        let rate = |p, t| PassRate::new(p, t).unwrap_or_else(|| panic!("{p}/{t}"));
        let table = [
            (95, 100, 950, "95.0%", true),
            // Shown rounded, decided exactly.
            (1899, 2000, 950, "95.0%", false),
            (1898, 2000, 949, "94.9%", false),
            (19, 20, 950, "95.0%", true),
            (2, 3, 667, "66.7%", false),
            (3, 7, 429, "42.9%", false),
            (2, 11, 182, "18.2%", false),
            // Exactly half a thousandth rounds up: 1/2000 = 0.05%.
            (1, 2000, 1, "0.1%", false),
            (10, 10, 1000, "100.0%", true),
            (0, 7, 0, "0.0%", false),
            (u32::MAX - 1, u32::MAX, 1000, "100.0%", true),
        ];
        for (p, t, per_mille, shown, passes) in table {
            let r = rate(p, t);
            assert_eq!(
                (r.per_mille(), r.percent().as_str(), r.meets_inspection()),
                (per_mille, shown, passes),
                "{p}/{t}"
            );
            assert_eq!((r.passed(), r.total()), (p, t));
        }
        assert_eq!(PassRate::new(1, 0), None);
        assert_eq!(PassRate::new(3, 2), None);
        assert!(rate(1, 2) < rate(2, 3));
        assert_eq!(rate(1, 2).cmp(&rate(2, 4)), std::cmp::Ordering::Less);
    }

    #[test]
    fn cycle_counts() {
        let c = CycleCounts { to_verify: 120, submitted: 100, returned: 5, approved: 30, certified: 60 };
        assert_eq!(c.passed(), 90);
        assert_eq!(c.in_review(), 5);
        assert_eq!(c.missing_before_deadline(), 20);
        assert_eq!(c.pass_rate().map(PassRate::per_mille), Some(900));
        let none = CycleCounts::default();
        assert_eq!((none.pass_rate(), none.missing_before_deadline(), none.in_review()), (None, 0, 0));
        let odd = CycleCounts { to_verify: 1, submitted: 3, returned: 0, approved: 2, certified: 2 };
        assert_eq!((odd.pass_rate(), odd.missing_before_deadline(), odd.in_review()), (None, 0, 0));
    }

    // --- properties ---

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (2015i32..=2035, 1u32..=366).prop_map(|(y, o)| {
            NaiveDate::from_yo_opt(y, o).or_else(|| NaiveDate::from_yo_opt(y, 365)).unwrap_or_else(|| unreachable!())
        })
    }

    proptest! {
        #[test]
        fn certificate_numbers_round_trip(year in FIRST_YEAR..=9999, code in "[0-9]{6}", seq in 1u32..) {
            let n = CertificateNumber::new(year, &code, seq).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(n.to_string().parse::<CertificateNumber>(), Ok(n));
        }

        #[test]
        fn parsed_certificate_numbers_have_one_spelling(text in "[0-9]{4}-[0-9]{6}-[0-9]{1,11}") {
            if let Ok(n) = text.parse::<CertificateNumber>() {
                prop_assert_eq!(n.to_string(), text);
            }
        }

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

        #[test]
        fn phases_never_go_back(year in 2015i32..2100, a in 0u64..400, b in 0u64..400) {
            let c = cal(year);
            let start = day(year + 1, 1, 1) - chrono::Days::new(20);
            let (a, b) = (start + chrono::Days::new(a.min(b)), start + chrono::Days::new(a.max(b)));
            prop_assert!(c.phase(a) <= c.phase(b));
            prop_assert_eq!(c.is_closed(a), c.phase(a) == Phase::Closed);
        }

        #[test]
        fn windows_accept_exactly_their_span(
            start in 0i64..1_000_000, len in 1i64..1_000_000, at in -10_000i64..2_100_000, ms in 0i64..1000
        ) {
            let base = sh(2022, 1, 1, 0, 0, 0);
            let secs = chrono::TimeDelta::seconds;
            let w = window(WindowTier::Township, base + secs(start), base + secs(start + len));
            let now = base + secs(at) + chrono::TimeDelta::milliseconds(ms);
            prop_assert_eq!(w.contains(now), start <= at && at <= start + len);
        }

        #[test]
        fn shown_rates_are_rounded_and_never_hide_a_pass(total in 1u32..100_000, passed_share in 0u32..=1000) {
            let passed = u32::try_from(u64::from(total) * u64::from(passed_share) / 1000).unwrap_or(total);
            let r = PassRate::new(passed, total).unwrap_or_else(|| unreachable!());
            // Within half a thousandth of the exact share, ties up.
            let (shown, exact) = (i64::from(r.per_mille()) * i64::from(total) * 2, i64::from(passed) * 2000);
            prop_assert!(shown - exact <= i64::from(total) && exact - shown < i64::from(total));
            // A rate that meets the threshold never shows under it.
            prop_assert!(!r.meets_inspection() || r.per_mille() >= 950);
        }
    }
}
