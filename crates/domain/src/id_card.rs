//! Resident identity card numbers (居民身份证号码, GB 11643-1999).

use chrono::NaiveDate;

/// A checked 18-character resident ID number, stored upper-case.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdCardNumber(String);

/// Why a text is not a valid ID number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdCardError {
    #[error("须为 18 位")]
    Length,
    #[error("须为 17 位数字加 1 位数字或 X")]
    Characters,
    #[error("前两位不是有效的省份代码")]
    Province,
    #[error("出生日期不存在")]
    BirthDate,
    #[error("校验位不正确")]
    CheckDigit,
}

/// Province-level codes in use (GB/T 2260 first two digits).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

impl IdCardNumber {
    /// Parses and checks an ID number. `today` bounds the birth date, since
    /// the domain has no clock of its own.
    pub fn parse(text: &str, today: NaiveDate) -> Result<Self, IdCardError> {
        let upper = text.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() != 18 {
            return Err(IdCardError::Length);
        }
        if !bytes[..17].iter().all(u8::is_ascii_digit) || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
            return Err(IdCardError::Characters);
        }
        let digit = |i: usize| u32::from(bytes[i] - b'0');
        let province = (digit(0) * 10 + digit(1)) as u8;
        if !PROVINCES.contains(&province) {
            return Err(IdCardError::Province);
        }
        let num = |from: usize, to: usize| (from..to).fold(0u32, |acc, i| acc * 10 + digit(i));
        NaiveDate::from_ymd_opt(num(6, 10) as i32, num(10, 12), num(12, 14))
            .filter(|d| *d <= today && d.year_ce().1 >= 1900)
            .ok_or(IdCardError::BirthDate)?;
        let sum: u32 = (0..17).map(|i| digit(i) * WEIGHTS[i]).sum();
        if CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(IdCardError::CheckDigit);
        }
        Ok(IdCardNumber(upper))
    }

    /// Wraps a number that was checked before it was stored.
    pub fn from_trusted(text: String) -> Self {
        IdCardNumber(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in the number.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let s = &self.0;
        NaiveDate::parse_from_str(s.get(6..14)?, "%Y%m%d").ok()
    }

    /// Odd sequence numbers are men, even ones women.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes().get(16).is_some_and(|b| (b - b'0') % 2 == 1)
    }

    /// The number with its middle hidden, e.g. `5301**********123X`.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

/// Masks any stored ID text the same way: first 4 and last 4 characters kept.
pub fn mask_id_number(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..4].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 8));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// The check character for 17 leading digits (used to generate test data).
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(char::from(CHECK[(sum % 11) as usize]))
}

impl std::fmt::Debug for IdCardNumber {
    /// Never prints the full number, so a stray `{:?}` cannot leak it to a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdCardNumber({})", self.masked())
    }
}

use chrono::Datelike as _;

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    #[test]
    fn accepts_the_standard_example_and_lowercase_x() {
        assert!(IdCardNumber::parse("11010519491231002X", today()).is_ok());
        let id = IdCardNumber::parse("11010519491231002x", today());
        assert_eq!(id.map(|i| i.as_str().to_owned()), Ok("11010519491231002X".to_owned()));
    }

    #[test]
    fn rejects_bad_numbers() {
        assert_eq!(IdCardNumber::parse("110101202311012171", today()), Err(IdCardError::CheckDigit));
        assert_eq!(IdCardNumber::parse("1101051949123100", today()), Err(IdCardError::Length));
        assert_eq!(IdCardNumber::parse("99010519491231002X", today()), Err(IdCardError::Province));
        assert_eq!(IdCardNumber::parse("11010519491331002X", today()), Err(IdCardError::BirthDate));
        assert_eq!(IdCardNumber::parse("1101051949123100AX", today()), Err(IdCardError::Characters));
        // A birth date in the future, with a correct check character.
        let future = format!("53010220300101001{}", check_character("53010220300101001").unwrap_or('0'));
        assert_eq!(IdCardNumber::parse(&future, today()), Err(IdCardError::BirthDate));
    }

    #[test]
    fn generated_check_characters_validate() {
        let first = "53010219850612003";
        let full = format!("{first}{}", check_character(first).unwrap_or('?'));
        let id = IdCardNumber::parse(&full, today());
        assert!(id.is_ok());
        let id = id.unwrap_or_else(|_| IdCardNumber::from_trusted(String::new()));
        assert!(id.is_male());
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1985, 6, 12));
    }

    #[test]
    fn masks_and_never_debug_prints_in_full() {
        let id = IdCardNumber::from_trusted("11010519491231002X".into());
        assert_eq!(id.masked(), "1101**********002X");
        assert!(!format!("{id:?}").contains("19491231"));
    }
}
