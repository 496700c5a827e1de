//! Repositories: entity rows in, domain types out.

pub mod course;
pub mod credit;
pub mod department;
pub mod evaluation;
pub mod person;
pub mod region;
pub mod standard;
pub mod unit;
pub mod verification;

use std::str::FromStr;

use chrono::{DateTime, SubsecRound as _, Utc};
use cme_domain::UnknownValue;

use crate::StoreError;

/// Parses a stored enum name; anything else is corruption.
pub(crate) fn parse<T: FromStr<Err = UnknownValue>>(text: &str) -> Result<T, StoreError> {
    text.parse::<T>().map_err(StoreError::corrupt)
}

/// Now, at the microsecond precision both backends store.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
