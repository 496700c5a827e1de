//! What a certificate prints, decided once at issue and kept with it (so it
//! prints the same forever): the verdict, the issuing committee; and the
//! holder's name as the public verification page shows it.

use crate::cycle::special::SpecialReason;
use crate::review::Tier;

/// The verdict a certificate prints: a special-list person (SPEC §6)
/// deemed compliant (front line) or approved although his credits fall
/// short prints 视为合格 with the special reason, never a bare 合格.
pub fn verdict(special: Option<SpecialReason>, deemed_compliant: bool, credits_compliant: bool) -> String {
    match special {
        Some(reason) if deemed_compliant || !credits_compliant => format!("视为合格（特殊人员：{}）", reason.label()),
        _ if deemed_compliant => "视为合格".to_owned(),
        _ => "合格".to_owned(),
    }
}

/// The issuing committee printed on a certificate of `office` in region
/// `region_name`: the province's two offices issue for the province.
pub fn issuer(office: Tier, region_name: &str) -> String {
    match office {
        Tier::ProvinceWestern | Tier::ProvinceTcm => "云南省继续医学教育委员会".to_owned(),
        _ => format!("{region_name}继续医学教育委员会"),
    }
}

/// Which offices issue certificates (the final offices of the chains).
pub fn issues_certificates(office: Tier) -> bool {
    matches!(office, Tier::CountyOffice | Tier::PrefectureOffice | Tier::ProvinceWestern | Tier::ProvinceTcm)
}

/// A name as the public may see it: the first character, stars for the
/// middle, and the last character of a name of three or more (张*, 李*明,
/// 欧**娜).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_verdict_of_special_personnel() {
        assert_eq!(verdict(None, false, true), "合格");
        assert_eq!(verdict(Some(SpecialReason::FurtherStudy), false, true), "合格");
        assert_eq!(verdict(Some(SpecialReason::FurtherStudy), false, false), "视为合格（特殊人员：进修）");
        assert_eq!(verdict(Some(SpecialReason::FrontLine), true, true), "视为合格（特殊人员：援外或抗疫一线）");
    }

    #[test]
    fn issuers() {
        assert_eq!(issuer(Tier::ProvinceTcm, "云南省"), "云南省继续医学教育委员会");
        assert_eq!(issuer(Tier::PrefectureOffice, "昆明市"), "昆明市继续医学教育委员会");
        assert!(!issues_certificates(Tier::Unit));
    }

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("李小明"), "李*明");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("王"), "*");
    }
}
