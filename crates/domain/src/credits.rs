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
    #[error("须为数字")]
    NotANumber,
    #[error("最多保留一位小数")]
    TooPrecise,
    #[error("须大于 0")]
    NotPositive,
    #[error("不能超过 1000")]
    TooLarge,
    #[error("单条学分不能超过 25 分")]
    AboveSingleMax,
}

impl CreditsError {
    /// What a person is told (the field is named beside it).
    pub fn message(&self) -> &'static str {
        match self {
            CreditsError::NotANumber => "须为数字，如 2 或 2.5",
            CreditsError::TooPrecise => "最多一位小数",
            CreditsError::NotPositive => "须大于 0",
            CreditsError::TooLarge => "不能超过 1000 分",
            CreditsError::AboveSingleMax => "单项学分不能超过 25 分",
        }
    }
}

impl Credits {
    pub const ZERO: Credits = Credits(0);
    /// The largest amount any stored figure may carry (a standard's total,
    /// an imported sum): a bound against overflow, not a rule of the notices.
    pub const MAX_RECORD: Credits = Credits(10_000);
    /// The most one credit record (a paper certificate, an activity) may
    /// award: 25, the national ceiling per CME project (全国继续医学教育委员会
    /// 《继续医学教育学分授予与管理办法》: 每个项目所授学分数最多不超过 25 学分).
    /// A whole year's requirement is 25 too, so a larger single record is a
    /// typing error (250 for 25.0), never a real certificate.
    pub const MAX_SINGLE: Credits = Credits(250);

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

    /// Like [`Credits::parse_positive`], with 0 allowed (`0`, `0.0`, `00`).
    pub fn parse_non_negative(text: &str) -> Result<Credits, CreditsError> {
        match Credits::parse_positive(text) {
            Err(CreditsError::NotPositive) if !text.trim().starts_with('-') => Ok(Credits::ZERO),
            other => other,
        }
    }

    /// Parses the amount of a single credit record: positive, one decimal,
    /// at most [`Credits::MAX_SINGLE`].
    pub fn parse_single(text: &str) -> Result<Credits, CreditsError> {
        let c = Credits::parse_positive(text)?;
        if c > Credits::MAX_SINGLE {
            return Err(CreditsError::AboveSingleMax);
        }
        Ok(c)
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

/// A JSON amount as it was written. serde_json reads a number as an f64,
/// which turns `2.50000000000000001` into 2.5 and would accept it; the
/// literal text refuses it. Needs serde_json's `raw_value` feature, and
/// works from a `serde_json::Value` too (its text is then the f64's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonLiteral {
    /// A JSON number, e.g. `2.5`.
    Number(String),
    /// A JSON string, e.g. `"2.5"`.
    Text(String),
}

impl JsonLiteral {
    /// Reads the next JSON value's literal text; anything but a number or a
    /// string is refused.
    pub fn read<'de, D: serde::Deserializer<'de>>(d: D) -> Result<JsonLiteral, D::Error> {
        use serde::Deserialize as _;
        use serde::de::Error as _;
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'"') => serde_json::from_str::<String>(text).map(JsonLiteral::Text).map_err(D::Error::custom),
            Some(b'-' | b'0'..=b'9') => Ok(JsonLiteral::Number(text.to_owned())),
            _ => Err(D::Error::custom(CreditsError::NotANumber.message())),
        }
    }
}

impl<'de> serde::Deserialize<'de> for JsonLiteral {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        JsonLiteral::read(d)
    }
}

/// Reads a JSON number as written and parses it with `parse` (one of
/// [`Credits::parse_positive`], [`Credits::parse_non_negative`],
/// [`Credits::parse_single`]); a refusal carries the reason in Chinese.
pub fn deserialize_number<'de, D: serde::Deserializer<'de>>(
    d: D,
    parse: fn(&str) -> Result<Credits, CreditsError>,
) -> Result<Credits, D::Error> {
    use serde::de::Error as _;
    let JsonLiteral::Number(text) = JsonLiteral::read(d)? else {
        return Err(D::Error::custom(CreditsError::NotANumber.message()));
    };
    parse(&text).map_err(|e| D::Error::custom(e.message()))
}

impl<'de> serde::Deserialize<'de> for Credits {
    /// Accepts any non-negative JSON number with at most one decimal, as
    /// written (0 allowed: standards use it for "counts nothing").
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_number(d, Credits::parse_non_negative)
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
    fn a_single_record_is_at_most_25() {
        assert_eq!(Credits::parse_single("25"), Ok(Credits::whole(25)));
        assert_eq!(Credits::parse_single("25.1"), Err(CreditsError::AboveSingleMax));
        assert_eq!(Credits::parse_single("250"), Err(CreditsError::AboveSingleMax));
        assert_eq!(Credits::parse_single("2.55"), Err(CreditsError::TooPrecise));
    }

    /// The literal text decides, not the f64 serde_json would make of it.
    #[test]
    fn json_amounts_are_read_as_written() {
        let ok: Result<Credits, _> = serde_json::from_str("2.5");
        assert_eq!(ok.ok(), Some(Credits::from_tenths(25)));
        for rounded in ["2.50000000000000001", "2.50000000001", "2.55"] {
            let r: Result<Credits, _> = serde_json::from_str(rounded);
            assert!(r.is_err(), "{rounded} must be refused, not rounded");
        }
        for zero in ["0", "0.0"] {
            assert_eq!(serde_json::from_str::<Credits>(zero).ok(), Some(Credits::ZERO));
        }
        assert!(serde_json::from_str::<Credits>("\"2.5\"").is_err());
        assert!(serde_json::from_str::<Credits>("-0.5").is_err());
        // Through a Value (a stored JSON column) the text is the f64's.
        let v = serde_json::json!({"a": 7.5});
        assert_eq!(serde_json::from_value::<Credits>(v["a"].clone()).ok(), Some(Credits::from_tenths(75)));
        assert_eq!(serde_json::from_str::<JsonLiteral>("\"2.5\"").ok(), Some(JsonLiteral::Text("2.5".to_owned())));
    }

    #[test]
    fn displays_without_trailing_zero() {
        assert_eq!(Credits::from_tenths(25).to_string(), "2.5");
        assert_eq!(Credits::whole(25).to_string(), "25");
        assert_eq!(serde_json::to_string(&Credits::from_tenths(75)).ok().as_deref(), Some("7.5"));
        assert_eq!(serde_json::to_string(&Credits::whole(3)).ok().as_deref(), Some("3"));
    }
}
