//! Submission windows (截止时间设置, SPEC §5): the span in which units of a
//! tier may submit, set by each office for the units below it inside its
//! parent's window, defaulting to the cycle's own. Times are inclusive to
//! the second and shown in Shanghai time ([`crate::time`]).

use std::fmt;

use chrono::{DateTime, SubsecRound as _, Utc};

use crate::cycle::calendar::Calendar;
use crate::org::UnitLevel;
use crate::time::{fmt_local, local_day_end, local_day_start};

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

string_enum! {
    /// Where a moment stands against a window (the SPA tells it by the
    /// browser's clock with the same rule, [`Window::status`]).
    pub enum WindowStatus {
        NotStarted => ("not_started", "未开始"),
        Open => ("open", "上报中"),
        Closed => ("closed", "已截止"),
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
        match self.status(now) {
            WindowStatus::NotStarted => Err(WindowError::NotYetOpen { window: *self }),
            WindowStatus::Open => Ok(()),
            WindowStatus::Closed => Err(WindowError::Closed { window: *self }),
        }
    }

    /// Whether `now` is before, inside (both ends inclusive, to the second)
    /// or after the window.
    pub fn status(&self, now: DateTime<Utc>) -> WindowStatus {
        if now < self.starts_at {
            WindowStatus::NotStarted
        } else if now.trunc_subsecs(0) > self.ends_at {
            WindowStatus::Closed
        } else {
            WindowStatus::Open
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::testing::{day, sh};
    use proptest::prelude::*;

    fn cal(year: i32) -> Calendar {
        Calendar::defaults(year).unwrap_or_else(|e| panic!("{e}"))
    }

    fn window(tier: WindowTier, from: DateTime<Utc>, to: DateTime<Utc>) -> Window {
        Window::new(tier, from, to).unwrap_or_else(|e| panic!("{e}"))
    }

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

    proptest! {
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
    }
}
