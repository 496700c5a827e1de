//! The one place the handlers read the calendar from the clock.

use chrono::{NaiveDate, Utc};

/// Today in Asia/Shanghai (北京时间), the calendar of the people who use the
/// system ([`cme_domain::time::today_in_shanghai`] of the current instant).
pub fn today() -> NaiveDate {
    cme_domain::time::today_in_shanghai(Utc::now())
}
