//! The catalogue of professional titles (职称) and their levels, as data.
//!
//! A unit types a title by its name; the level that selects the standard
//! (SPEC §2) follows from the name. The series are the health technical
//! series of the national title system: medicine, TCM, nursing, pharmacy
//! (Western and TCM), technicians and public health, plus the village
//! doctor's qualification (乡村医生), which is not a graded title: village
//! units' standard does not depend on the title, and it is kept as junior.

use crate::person::TitleLevel;

string_enum! {
    /// The series a title belongs to (for grouping in a picker).
    pub enum TitleSeries {
        Medicine => ("medicine", "医疗"),
        Tcm => ("tcm", "中医"),
        Nursing => ("nursing", "护理"),
        Pharmacy => ("pharmacy", "药学"),
        TcmPharmacy => ("tcm_pharmacy", "中药学"),
        Technician => ("technician", "医技"),
        PublicHealth => ("public_health", "公共卫生"),
        Village => ("village", "乡村医生"),
    }
}

/// One known title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownTitle {
    pub name: &'static str,
    pub level: TitleLevel,
    pub series: TitleSeries,
}

macro_rules! titles {
    ($($series:ident: $($name:literal => $level:ident),+;)+) => {
        &[$($(KnownTitle { name: $name, level: TitleLevel::$level, series: TitleSeries::$series }),+),+]
    };
}

/// Every known title, by series, highest first. A name appears once: the
/// public-health series shares 主任医师, 副主任医师, 医师 and 医士 with
/// medicine, and only adds 主管医师.
pub const CATALOGUE: &[KnownTitle] = titles! {
    Medicine: "主任医师" => Senior, "副主任医师" => Senior, "主治医师" => Intermediate, "医师" => Junior, "医士" => Junior;
    Tcm: "主任中医师" => Senior, "副主任中医师" => Senior, "主治中医师" => Intermediate, "中医师" => Junior,
        "中医士" => Junior;
    Nursing: "主任护师" => Senior, "副主任护师" => Senior, "主管护师" => Intermediate, "护师" => Junior, "护士" => Junior;
    Pharmacy: "主任药师" => Senior, "副主任药师" => Senior, "主管药师" => Intermediate, "药师" => Junior, "药士" => Junior;
    TcmPharmacy: "主任中药师" => Senior, "副主任中药师" => Senior, "主管中药师" => Intermediate, "中药师" => Junior,
        "中药士" => Junior;
    Technician: "主任技师" => Senior, "副主任技师" => Senior, "主管技师" => Intermediate, "技师" => Junior,
        "技士" => Junior;
    PublicHealth: "主管医师" => Intermediate;
    Village: "乡村医生" => Junior;
};

/// The known title of this name (surrounding blanks ignored).
pub fn lookup(name: &str) -> Option<&'static KnownTitle> {
    let name = name.trim();
    CATALOGUE.iter().find(|t| t.name == name)
}

/// Why a title cannot be taken as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    #[error("职称名称不在职称目录中")]
    Unknown,
    #[error("职称“{name}”属于{}，不是{}", .expected.label(), .given.label())]
    WrongLevel { name: &'static str, expected: TitleLevel, given: TitleLevel },
}

/// The level of a title: from the catalogue when the name is known (a
/// given level must then agree); an unknown name needs its level given
/// (outside systems may hold titles the catalogue lacks) unless `strict`.
pub fn level_of(name: &str, given: Option<TitleLevel>, strict: bool) -> Result<TitleLevel, TitleError> {
    match (lookup(name), given) {
        (Some(known), Some(level)) if level != known.level => {
            Err(TitleError::WrongLevel { name: known.name, expected: known.level, given: level })
        }
        (Some(known), _) => Ok(known.level),
        (None, Some(level)) if !strict => Ok(level),
        (None, _) => Err(TitleError::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_levels_follow_the_name() {
        let mut names: Vec<&str> = CATALOGUE.iter().map(|t| t.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a title name appears twice");
        assert_eq!(lookup(" 主治医师 ").map(|t| t.level), Some(TitleLevel::Intermediate));
        assert_eq!(lookup("副主任护师").map(|t| t.level), Some(TitleLevel::Senior));
        assert_eq!(lookup("乡村医生").map(|t| t.series), Some(TitleSeries::Village));
        assert_eq!(lookup("主治大夫"), None);
    }

    #[test]
    fn a_given_level_must_agree_with_the_catalogue() {
        assert_eq!(level_of("主任医师", None, true), Ok(TitleLevel::Senior));
        assert_eq!(level_of("主任医师", Some(TitleLevel::Senior), true), Ok(TitleLevel::Senior));
        assert!(matches!(level_of("主任医师", Some(TitleLevel::Junior), false), Err(TitleError::WrongLevel { .. })));
        assert_eq!(level_of("高级营养师", Some(TitleLevel::Senior), false), Ok(TitleLevel::Senior));
        assert_eq!(level_of("高级营养师", Some(TitleLevel::Senior), true), Err(TitleError::Unknown));
        assert_eq!(level_of("高级营养师", None, false), Err(TitleError::Unknown));
    }
}
