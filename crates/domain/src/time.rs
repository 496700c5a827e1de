//! The Shanghai day (北京时间): the one calendar of the people who use the
//! system and of every deadline in the notices.
//!
//! Instants are stored in UTC; a calendar date such as a cycle's `data_due`
//! or an activity's last day means the whole day in Shanghai, 00:00:00 to
//! 23:59:59 ([`local_day_start`], [`local_day_end`]). "Today" is the
//! Shanghai day of the current instant, which the caller passes in: the
//! domain reads no clock.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone as _, Utc};

/// Shanghai's offset from UTC in seconds: +08:00 all year (China keeps no
/// daylight saving time).
pub const SHANGHAI_OFFSET_SECONDS: i32 = 8 * 3600;

/// Asia/Shanghai as a fixed offset, the time every deadline of the notices
/// is given in.
pub const SHANGHAI: FixedOffset = match FixedOffset::east_opt(SHANGHAI_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("+08:00 is a valid offset"),
};

/// The calendar day in Shanghai at `at` (an issue date, the day of a deadline).
pub fn date_in_shanghai(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&SHANGHAI).date_naive()
}

/// Today in Shanghai, `now` being the current instant: the day every "today"
/// of the system means (the year new staff's credits count for, whether an
/// activity takes sign-ins, the age of an ID number, a cycle's phase).
pub fn today_in_shanghai(now: DateTime<Utc>) -> NaiveDate {
    date_in_shanghai(now)
}

/// The first instant of `day` in Shanghai (00:00:00 local), in UTC.
///
/// Saturates at the earliest representable instant for chrono's very first
/// date, whose local midnight lies before it.
pub fn local_day_start(day: NaiveDate) -> DateTime<Utc> {
    local(day, NaiveTime::MIN)
}

/// The last second of `day` in Shanghai (23:59:59 local), in UTC.
///
/// Deadlines are inclusive to the second (see `cycle::window::Window::check`).
pub fn local_day_end(day: NaiveDate) -> DateTime<Utc> {
    local(day, LAST_SECOND)
}

const LAST_SECOND: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(time) => time,
    None => panic!("23:59:59 is a valid time"),
};

fn local(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    SHANGHAI.from_local_datetime(&day.and_time(time)).single().map_or(DateTime::<Utc>::MIN_UTC, |t| t.to_utc())
}

/// `at` as people read it: Shanghai time to the minute, `2022-03-01 00:00`.
pub fn fmt_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&SHANGHAI).format("%Y-%m-%d %H:%M").to_string()
}

/// `day` in the official form of a document's date (公文日期), every digit a
/// Chinese numeral: 2022-03-01 → 二〇二二年三月一日, 2021-12-31 →
/// 二〇二一年十二月三十一日. The year reads digit by digit with 〇 for zero;
/// month and day read as numbers (十, 十一, 二十, 三十一).
pub fn official_date(day: NaiveDate) -> String {
    use chrono::Datelike as _;
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    fn number(n: u32) -> String {
        let (tens, ones) = (n / 10, n % 10);
        let mut out = String::new();
        if tens > 1 {
            out.push(DIGITS[tens as usize]);
        }
        if tens > 0 {
            out.push('十');
        }
        if ones > 0 || tens == 0 {
            out.push(DIGITS[ones as usize]);
        }
        out
    }
    let year: String =
        day.year().to_string().chars().map(|c| c.to_digit(10).map_or(c, |d| DIGITS[d as usize])).collect();
    format!("{year}年{}月{}日", number(day.month()), number(day.day()))
}

/// Dates and Shanghai wall-clock instants for the tests of every module.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A date, in a test's own words.
    pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("bad test date {y}-{m}-{d}"))
    }

    /// A UTC instant from Shanghai wall-clock time.
    pub(crate) fn sh(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        let t = NaiveTime::from_hms_opt(h, mi, s).unwrap_or_else(|| panic!("bad test time"));
        SHANGHAI
            .from_local_datetime(&day(y, mo, d).and_time(t))
            .single()
            .map_or_else(|| panic!("no time"), |t| t.to_utc())
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{day, sh};
    use super::*;

    #[test]
    fn official_dates_read_in_chinese_numerals() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(official_date(d(2022, 3, 1)), "二〇二二年三月一日");
        assert_eq!(official_date(d(2021, 12, 31)), "二〇二一年十二月三十一日");
        assert_eq!(official_date(d(2020, 10, 10)), "二〇二〇年十月十日");
        assert_eq!(official_date(d(2019, 11, 20)), "二〇一九年十一月二十日");
        assert_eq!(official_date(d(2008, 1, 19)), "二〇〇八年一月十九日");
        assert_eq!(official_date(d(2030, 2, 28)), "二〇三〇年二月二十八日");
    }

    #[test]
    fn shanghai_days_in_utc() {
        assert_eq!(SHANGHAI.local_minus_utc(), 8 * 3600);
        assert_eq!(local_day_start(day(2022, 3, 1)).to_rfc3339(), "2022-02-28T16:00:00+00:00");
        assert_eq!(local_day_end(day(2022, 3, 1)).to_rfc3339(), "2022-03-01T15:59:59+00:00");
        assert_eq!(fmt_local(local_day_start(day(2022, 3, 1))), "2022-03-01 00:00");
        assert_eq!(fmt_local(local_day_end(day(2022, 3, 1))), "2022-03-01 23:59");
        // 20:00 UTC on 28 Feb is already 1 Mar in Shanghai.
        assert_eq!(date_in_shanghai(sh(2022, 3, 1, 4, 0, 0)), day(2022, 3, 1));
        assert_eq!(date_in_shanghai(local_day_start(day(2022, 3, 1))), day(2022, 3, 1));
        assert_eq!(date_in_shanghai(local_day_end(day(2022, 3, 1))), day(2022, 3, 1));
        assert_eq!(local_day_start(NaiveDate::MIN), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn the_day_is_shanghai_s() {
        let late_utc = DateTime::parse_from_rfc3339("2026-05-01T16:30:00Z").map(|t| t.to_utc()).unwrap_or_default();
        assert_eq!(today_in_shanghai(late_utc), day(2026, 5, 2));
        let early_utc = DateTime::parse_from_rfc3339("2026-05-01T15:59:59Z").map(|t| t.to_utc()).unwrap_or_default();
        assert_eq!(today_in_shanghai(early_utc), day(2026, 5, 1));
    }
}
