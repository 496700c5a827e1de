//! How a certificate is named: its number (证书编号), unique per office and
//! year, and the random QR token and short verification code (Crockford
//! base32) that find it on the public verification page.

use std::fmt;
use std::str::FromStr;

use crate::standard::FIRST_YEAR;

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

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `len` Crockford base32 characters from `bytes` (5 bits each; `bytes` must
/// hold at least `5 × len` bits). Unambiguous to read aloud and to type: no
/// I, L, O or U.
pub fn token(bytes: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut it = bytes.iter();
    while out.len() < len {
        if bits < 5 {
            match it.next() {
                Some(b) => {
                    acc = ((acc << 8) | u32::from(*b)) & 0xFFFF;
                    bits += 8;
                }
                // The last bits, padded with zeros.
                None if bits > 0 => {
                    out.push(char::from(CROCKFORD[((acc << (5 - bits)) & 31) as usize]));
                    break;
                }
                None => break,
            }
        }
        bits -= 5;
        out.push(char::from(CROCKFORD[((acc >> bits) & 31) as usize]));
    }
    out
}

/// A code as typed by a person: upper case, without spaces or dashes, with
/// the letters Crockford reads as digits (O → 0, I and L → 1).
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    #[test]
    fn tokens_are_crockford() {
        assert_eq!(token(&[0xFF; 5], 8), "ZZZZZZZZ");
        assert_eq!(token(&[0; 5], 8), "00000000");
        assert_eq!(token(&[0b0000_1000, 0b0100_0000], 4), "1100");
        assert_eq!(normalise_code(" abcd-efoil "), "ABCDEF011");
        assert_eq!(token(&[0xFF; 16], 26).len(), 26, "128 bits make 26 characters");
        assert_eq!(token(&[0xFF; 16], 26).chars().last(), Some('W'), "the last 3 bits, padded");
        let t = token(&[0x5A; 17], 26);
        assert_eq!(t.len(), 26);
        assert!(t.chars().all(|c| CROCKFORD.contains(&(c as u8))));
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
    }
}
