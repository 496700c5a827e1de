//! The standard as data.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Amount, Discipline, TitleLevel, UnitLevel};

/// A year's mandatory all-staff course (公需科目).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MandatoryCourse {
    pub name: String,
    /// The last day it may be completed.
    pub deadline: NaiveDate,
}

/// What one row demands; `null` means no constraint. Values are minimums
/// except the two caps.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequirementDto {
    pub total: Amount,
    pub i_national_min: Option<Amount>,
    pub i_provincial_min: Option<Amount>,
    pub i_national_provincial_min: Option<Amount>,
    /// At most this much distance I类 counts.
    pub i_distance_cap: Option<Amount>,
    pub i_subtotal_min: Option<Amount>,
    pub ii_subtotal_min: Option<Amount>,
    /// At most this much distance II类 counts.
    pub ii_distance_cap: Option<Amount>,
    pub self_managed_min: Option<Amount>,
}

/// One row of the standard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardRowDto {
    pub discipline: Discipline,
    pub unit_level: UnitLevel,
    /// `null`: any title.
    pub title_level: Option<TitleLevel>,
    pub requirement: RequirementDto,
}

/// A year's standard in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardDto {
    pub year: i32,
    pub version: u32,
    pub mandatory_course: Option<MandatoryCourse>,
    pub rows: Vec<StandardRowDto>,
}

/// A year's standard, without its rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandardSummary {
    pub year: i32,
    pub version: u32,
    pub mandatory_course: Option<MandatoryCourse>,
}

impl From<&cme_domain::standard::MandatoryCourse> for MandatoryCourse {
    fn from(c: &cme_domain::standard::MandatoryCourse) -> Self {
        MandatoryCourse { name: c.name.clone(), deadline: c.deadline }
    }
}

impl From<&cme_domain::standard::Requirement> for RequirementDto {
    fn from(r: &cme_domain::standard::Requirement) -> Self {
        RequirementDto {
            total: Amount(r.total),
            i_national_min: r.i_national_min.map(Amount),
            i_provincial_min: r.i_provincial_min.map(Amount),
            i_national_provincial_min: r.i_national_provincial_min.map(Amount),
            i_distance_cap: r.i_distance_cap.map(Amount),
            i_subtotal_min: r.i_subtotal_min.map(Amount),
            ii_subtotal_min: r.ii_subtotal_min.map(Amount),
            ii_distance_cap: r.ii_distance_cap.map(Amount),
            self_managed_min: r.self_managed_min.map(Amount),
        }
    }
}

impl From<&cme_domain::standard::Standard> for StandardDto {
    fn from(s: &cme_domain::standard::Standard) -> Self {
        StandardDto {
            year: s.year,
            version: s.version,
            mandatory_course: s.mandatory_course.as_ref().map(Into::into),
            rows: s
                .rows
                .iter()
                .map(|r| StandardRowDto {
                    discipline: r.discipline.into(),
                    unit_level: r.unit_level.into(),
                    title_level: r.title_level.map(Into::into),
                    requirement: (&r.requirement).into(),
                })
                .collect(),
        }
    }
}

impl From<&cme_domain::standard::Standard> for StandardSummary {
    fn from(s: &cme_domain::standard::Standard) -> Self {
        StandardSummary {
            year: s.year,
            version: s.version,
            mandatory_course: s.mandatory_course.as_ref().map(Into::into),
        }
    }
}
