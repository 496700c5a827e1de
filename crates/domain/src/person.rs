//! Health workers (卫生技术人员), their titles and status.

use chrono::NaiveDate;

use crate::IdCardNumber;
use crate::ids::{DepartmentId, PersonId, UnitId};

string_enum! {
    /// Which table of the standard applies.
    pub enum Discipline {
        Clinical => ("clinical", "临床、检验、放射等类"),
        NursingPublicHealth => ("nursing_public_health", "护理、公卫类"),
    }
}

string_enum! {
    /// The level of a professional title (职称级别).
    pub enum TitleLevel {
        Senior => ("senior", "高级"),
        Intermediate => ("intermediate", "中级"),
        Junior => ("junior", "初级"),
    }
}

string_enum! {
    /// Whether a person is counted in verification.
    pub enum PersonStatus {
        /// Must be verified every year.
        Normal => ("normal", "正常"),
        /// Kept, not counted (e.g. long leave).
        Exempt => ("exempt", "不计达标"),
        /// Retired or left; history kept.
        Cancelled => ("cancelled", "注销"),
    }
}

string_enum! {
    pub enum Gender {
        Male => ("male", "男"),
        Female => ("female", "女"),
    }
}

/// One professional title a person obtained, with the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// The title's name, e.g. 主治医师.
    pub name: String,
    pub level: TitleLevel,
    pub obtained_on: NaiveDate,
}

/// A health worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub unit_id: UnitId,
    pub department_id: Option<DepartmentId>,
    pub name: String,
    pub gender: Gender,
    pub id_number: IdCardNumber,
    pub discipline: Discipline,
    pub status: PersonStatus,
    /// Every title held, in any order.
    pub titles: Vec<Title>,
}

/// The title held on `date`: the latest obtained on or before it.
pub fn title_on(titles: &[Title], date: NaiveDate) -> Option<&Title> {
    titles.iter().filter(|t| t.obtained_on <= date).max_by_key(|t| t.obtained_on)
}

/// The title that selects the standard of `year`: the one held on 31 December.
pub fn title_for_year(titles: &[Title], year: i32) -> Option<&Title> {
    NaiveDate::from_ymd_opt(year, 12, 31).and_then(|d| title_on(titles, d))
}

impl Person {
    /// Only `normal` people are evaluated and verified.
    pub fn is_evaluated(&self) -> bool {
        self.status == PersonStatus::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(level: TitleLevel, y: i32, m: u32, d: u32) -> Title {
        Title { name: level.label().into(), level, obtained_on: NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default() }
    }

    #[test]
    fn the_title_on_31_december_selects_the_standard() {
        let titles = vec![
            t(TitleLevel::Junior, 2012, 7, 1),
            t(TitleLevel::Intermediate, 2019, 12, 31),
            t(TitleLevel::Senior, 2022, 1, 1),
        ];
        assert_eq!(title_for_year(&titles, 2018).map(|t| t.level), Some(TitleLevel::Junior));
        assert_eq!(title_for_year(&titles, 2019).map(|t| t.level), Some(TitleLevel::Intermediate));
        assert_eq!(title_for_year(&titles, 2021).map(|t| t.level), Some(TitleLevel::Intermediate));
        assert_eq!(title_for_year(&titles, 2022).map(|t| t.level), Some(TitleLevel::Senior));
        assert_eq!(title_for_year(&titles, 2011), None);
    }
}
