//! The organisation tree: regions, units and departments.

use crate::ids::{DepartmentId, RegionId, UnitId};

string_enum! {
    /// The tier of a region in the administrative tree.
    pub enum RegionLevel {
        Province => ("province", "省"),
        Prefecture => ("prefecture", "州市"),
        County => ("county", "县市区"),
    }
}

string_enum! {
    /// A unit's level (单位级别), which selects its row of the standard and
    /// its review chain.
    pub enum UnitLevel {
        Provincial => ("provincial", "省级机构"),
        Prefecture => ("prefecture", "州市级"),
        County => ("county", "县级"),
        Township => ("township", "乡镇/社区"),
        Village => ("village", "乡村医生"),
    }
}

string_enum! {
    /// Western medicine, or TCM (中医, 中西医结合, 民族医): reviewed by separate
    /// province offices.
    pub enum Medicine {
        Western => ("western", "西医"),
        Tcm => ("tcm", "中医"),
    }
}

/// A node of the region tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: RegionId,
    pub parent_id: Option<RegionId>,
    pub level: RegionLevel,
    /// The GB/T 2260 code, e.g. `530000` for the province.
    pub code: String,
    pub name: String,
}

impl RegionLevel {
    /// The level a child of this level must have.
    pub fn child_level(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::Province => Some(RegionLevel::Prefecture),
            RegionLevel::Prefecture => Some(RegionLevel::County),
            RegionLevel::County => None,
        }
    }
}

/// An institution (单位).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    /// The region that administers it: the province for province-direct units.
    pub region_id: RegionId,
    pub name: String,
    pub level: UnitLevel,
    pub medicine: Medicine,
}

/// A department (科室) inside a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: DepartmentId,
    pub unit_id: UnitId,
    pub name: String,
}

/// Whether a unit of `level` may hang under a region of `region`.
///
/// Province-direct units hang under the province; prefecture units under a
/// prefecture; county, township and village units under a county.
pub fn unit_fits_region(level: UnitLevel, region: RegionLevel) -> bool {
    matches!(
        (level, region),
        (UnitLevel::Provincial, RegionLevel::Province)
            | (UnitLevel::Prefecture, RegionLevel::Prefecture)
            | (UnitLevel::County | UnitLevel::Township | UnitLevel::Village, RegionLevel::County)
    )
}

/// The characters of a 统一社会信用代码 (GB 32100-2015): digits and the
/// capitals without I, O, S, V and Z, each worth its position.
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weight of each of the first 17 characters: 3^i mod 31.
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The check character (the 18th) of a 统一社会信用代码 whose first 17
/// characters are `first17` (GB 32100-2015 §4.4: 31 − Σ(value × weight)
/// mod 31, where 31 reads as 0); `None` when `first17` is not 17 characters
/// of the code's alphabet.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    let mut n = 0;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        let value = USCC_CHARS.find(c)?;
        sum += u32::try_from(value).ok()? * w;
        n += 1;
    }
    if n != 17 || first17.chars().count() != 17 {
        return None;
    }
    let check = (31 - sum % 31) % 31;
    USCC_CHARS.chars().nth(usize::try_from(check).ok()?)
}

/// A unit's registration code, as an office types it when opening the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitCode {
    /// 统一社会信用代码: 18 characters with its check character.
    Uscc(String),
    /// 医疗机构执业许可证登记号 (a village clinic often has no USCC): the
    /// 9-character organisation code, the 6-digit region code (Yunnan's
    /// start with 53) and 5 to 8 characters of category and ownership codes.
    Licence(String),
}

impl UnitCode {
    /// Reads a code (spaces and case ignored); the error says what is wrong, in Chinese.
    pub fn parse(text: &str) -> Result<UnitCode, &'static str> {
        let code: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
        if code.is_empty() {
            return Err("请填写统一社会信用代码或医疗机构执业许可证登记号");
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("代码只能包含数字和字母");
        }
        let n = code.chars().count();
        if n == 18 && !looks_like_licence(&code) {
            let first17: String = code.chars().take(17).collect();
            return match uscc_check_char(&first17) {
                None => Err("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）"),
                Some(check) if code.ends_with(check) => Ok(UnitCode::Uscc(code)),
                Some(_) => Err("统一社会信用代码校验位不正确，请核对"),
            };
        }
        if looks_like_licence(&code) {
            return Ok(UnitCode::Licence(code));
        }
        Err("代码须为 18 位统一社会信用代码，或医疗机构执业许可证登记号")
    }

    pub fn as_str(&self) -> &str {
        match self {
            UnitCode::Uscc(c) | UnitCode::Licence(c) => c,
        }
    }

    /// The kind of code, in words.
    pub fn label(&self) -> &'static str {
        match self {
            UnitCode::Uscc(_) => "统一社会信用代码",
            UnitCode::Licence(_) => "医疗机构执业许可证登记号",
        }
    }
}

/// The format of a 医疗机构执业许可证登记号: 9 characters of organisation
/// code, a Yunnan region code (53 and four digits), 5 to 8 more characters.
fn looks_like_licence(code: &str) -> bool {
    let chars: Vec<char> = code.chars().collect();
    (20..=23).contains(&chars.len())
        && chars[..9].iter().all(char::is_ascii_alphanumeric)
        && chars[9..11] == ['5', '3']
        && chars[11..15].iter().all(char::is_ascii_digit)
        && chars[15..].iter().all(char::is_ascii_alphanumeric)
}

/// A unit's or department's name as typed: trimmed, 2 to 60 characters.
pub fn parse_name(text: &str) -> Result<String, &'static str> {
    let name = text.trim();
    match name.chars().count() {
        0 => Err("请填写名称"),
        1 => Err("名称至少 2 个字"),
        61.. => Err("名称最多 60 个字"),
        _ => Ok(name.to_owned()),
    }
}

/// What still lives in a unit (or a department) that is to be closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Occupancy {
    /// People of status normal (在职).
    pub normal_staff: u64,
    /// Verification records not yet final (prepared, in review, returned).
    pub open_verifications: u64,
    /// Transfers in or out still waiting on the receiving unit.
    pub pending_transfers: u64,
    /// Department credit reports still waiting on the unit.
    pub open_reports: u64,
}

/// Why a unit (or a department) cannot be closed yet, in Chinese; `None`
/// when nothing lives in it any more.
pub fn close_refusal(o: Occupancy) -> Option<String> {
    let mut why = Vec::new();
    if o.normal_staff > 0 {
        why.push(format!("{} 名在职人员", o.normal_staff));
    }
    if o.open_verifications > 0 {
        why.push(format!("{} 条未完成的验证记录", o.open_verifications));
    }
    if o.pending_transfers > 0 {
        why.push(format!("{} 条待接收的人员调动", o.pending_transfers));
    }
    if o.open_reports > 0 {
        why.push(format!("{} 批待审核的科室学分上报", o.open_reports));
    }
    (!why.is_empty()).then(|| format!("尚有{}，不能撤销：请先调出或注销人员、办结记录", why.join("、")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_hang_under_the_right_tier() {
        assert!(unit_fits_region(UnitLevel::Provincial, RegionLevel::Province));
        assert!(unit_fits_region(UnitLevel::Village, RegionLevel::County));
        assert!(!unit_fits_region(UnitLevel::County, RegionLevel::Prefecture));
        assert!(!unit_fits_region(UnitLevel::Prefecture, RegionLevel::Province));
    }

    #[test]
    fn the_uscc_check_character_is_gb_32100() {
        // Codes published by their holders, and one character changed.
        let table = [
            ("9144030071526726X", Some('G')),
            ("91110108551385082", Some('Q')),
            ("91330100799655058", Some('B')),
            ("12530000431200060", Some('U')),
            ("00000000000000000", Some('0')),
            ("9144030071526726", None),
            ("914403007152672OX", None),
        ];
        for (first17, check) in table {
            assert_eq!(uscc_check_char(first17), check, "{first17}");
        }
        assert_eq!(UnitCode::parse("9144030071526726XG"), Ok(UnitCode::Uscc("9144030071526726XG".into())));
        assert_eq!(UnitCode::parse(" 91110108551385082q "), Ok(UnitCode::Uscc("91110108551385082Q".into())));
        assert_eq!(UnitCode::parse("9144030071526726XH"), Err("统一社会信用代码校验位不正确，请核对"));
        assert!(UnitCode::parse("914403007152672IXG").is_err());
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse("12345").is_err());
    }

    #[test]
    fn licence_numbers_are_read_by_their_format() {
        let ok = "MA6K1234X530102D12345";
        assert_eq!(UnitCode::parse(ok), Ok(UnitCode::Licence(ok.into())));
        assert_eq!(UnitCode::parse("MA6K1234X-530102-D12345").map(|c| c.label()), Ok("医疗机构执业许可证登记号"));
        // Not Yunnan's region code, or too short.
        assert!(UnitCode::parse("MA6K1234X440102D12345").is_err());
        assert!(UnitCode::parse("MA6K1234X530102D").is_err());
    }

    #[test]
    fn names_and_refusals_to_close_speak_chinese() {
        assert_eq!(parse_name("  勐海县勐遮镇曼恩村卫生室 "), Ok("勐海县勐遮镇曼恩村卫生室".into()));
        assert!(parse_name("村").is_err());
        assert!(parse_name(&"卫".repeat(61)).is_err());
        assert_eq!(close_refusal(Occupancy::default()), None);
        let o = Occupancy { normal_staff: 3, open_verifications: 2, ..Occupancy::default() };
        let why = close_refusal(o).unwrap_or_default();
        assert!(why.contains("3 名在职人员") && why.contains("2 条未完成的验证记录"), "{why}");
        let o = Occupancy { pending_transfers: 1, ..Occupancy::default() };
        assert!(close_refusal(o).is_some_and(|w| !w.contains("在职") && w.contains("1 条待接收的人员调动")));
    }

    #[test]
    fn names_round_trip() {
        for level in UnitLevel::ALL {
            assert_eq!(UnitLevel::parse(level.as_str()), Some(*level));
        }
        assert_eq!("tcm".parse::<Medicine>(), Ok(Medicine::Tcm));
        assert!("herbal".parse::<Medicine>().is_err());
    }
}
