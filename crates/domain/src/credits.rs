//! Exact credit amounts.
//!
//! The notices give credits with at most one decimal (0.5 is common). They are
//! held as integer tenths: exact, cheap to add, and what the database stores.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign};

/// A non-negative amount of credits, in tenths of a credit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Credits(u32);

/// Why a text is not a credit amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditsError {
    #[error("must be a number")]
    NotANumber,
    #[error("must have at most one decimal")]
    TooPrecise,
    #[error("must be greater than 0")]
    NotPositive,
    #[error("must be at most 1000")]
    TooLarge,
}

impl Credits {
    pub const ZERO: Credits = Credits(0);
    /// The largest amount a single record may carry.
    pub const MAX_RECORD: Credits = Credits(10_000);

    pub const fn from_tenths(tenths: u32) -> Self {
        Credits(tenths)
    }

    pub const fn whole(credits: u32) -> Self {
        Credits(credits * 10)
    }

    pub const fn tenths(self) -> u32 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn saturating_sub(self, other: Credits) -> Credits {
        Credits(self.0.saturating_sub(other.0))
    }

    pub fn min(self, other: Credits) -> Credits {
        Credits(self.0.min(other.0))
    }

    /// Parses the decimal text of a positive record amount ("5", "2.5",
    /// "0.5"); rejects two decimals, zero, negatives and exponents.
    pub fn parse_positive(text: &str) -> Result<Credits, CreditsError> {
        let text = text.trim();
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        if text.starts_with('-') {
            return Err(CreditsError::NotPositive);
        }
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CreditsError::NotANumber);
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CreditsError::NotANumber);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 1 {
            return Err(CreditsError::TooPrecise);
        }
        let int: u64 = int
            .trim_start_matches('0')
            .parse()
            .or_else(|_| if int.bytes().all(|b| b == b'0') { Ok(0) } else { Err(CreditsError::TooLarge) })?;
        let tenth: u64 = frac.parse().unwrap_or(0);
        let tenths = int.checked_mul(10).and_then(|v| v.checked_add(tenth)).ok_or(CreditsError::TooLarge)?;
        if tenths == 0 {
            return Err(CreditsError::NotPositive);
        }
        if tenths > u64::from(Credits::MAX_RECORD.0) {
            return Err(CreditsError::TooLarge);
        }
        Ok(Credits(u32::try_from(tenths).map_err(|_| CreditsError::TooLarge)?))
    }

    /// The amount as a JSON number: an integer when whole, else one decimal.
    pub fn to_json(self) -> serde_json::Value {
        if self.0.is_multiple_of(10) {
            serde_json::Value::from(self.0 / 10)
        } else {
            serde_json::Value::from(f64::from(self.0) / 10.0)
        }
    }
}

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, self.0 % 10)
        }
    }
}

impl Add for Credits {
    type Output = Credits;
    fn add(self, rhs: Credits) -> Credits {
        Credits(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Credits {
    fn add_assign(&mut self, rhs: Credits) {
        *self = *self + rhs;
    }
}

impl Sum for Credits {
    fn sum<I: Iterator<Item = Credits>>(iter: I) -> Credits {
        iter.fold(Credits::ZERO, Add::add)
    }
}

impl serde::Serialize for Credits {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Credits {
    /// Accepts any non-negative JSON number with at most one decimal (0 allowed:
    /// standards use it for "counts nothing").
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let text = n.to_string();
        if text == "0" || text == "0.0" {
            return Ok(Credits::ZERO);
        }
        Credits::parse_positive(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_tenths() {
        assert_eq!(Credits::parse_positive("5"), Ok(Credits::from_tenths(50)));
        assert_eq!(Credits::parse_positive("2.5"), Ok(Credits::from_tenths(25)));
        assert_eq!(Credits::parse_positive("0.5"), Ok(Credits::from_tenths(5)));
        assert_eq!(Credits::parse_positive("3.0"), Ok(Credits::from_tenths(30)));
        assert_eq!(Credits::parse_positive("0.10"), Ok(Credits::from_tenths(1)));
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(Credits::parse_positive("2.55"), Err(CreditsError::TooPrecise));
        assert_eq!(Credits::parse_positive("0"), Err(CreditsError::NotPositive));
        assert_eq!(Credits::parse_positive("-1"), Err(CreditsError::NotPositive));
        assert_eq!(Credits::parse_positive("1e2"), Err(CreditsError::NotANumber));
        assert_eq!(Credits::parse_positive("abc"), Err(CreditsError::NotANumber));
        assert_eq!(Credits::parse_positive("100000"), Err(CreditsError::TooLarge));
    }

    #[test]
    fn displays_without_trailing_zero() {
        assert_eq!(Credits::from_tenths(25).to_string(), "2.5");
        assert_eq!(Credits::whole(25).to_string(), "25");
        assert_eq!(serde_json::to_string(&Credits::from_tenths(75)).ok().as_deref(), Some("7.5"));
        assert_eq!(serde_json::to_string(&Credits::whole(3)).ok().as_deref(), Some("3"));
    }
}
