//! The standard as data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

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

/// A limit of a draft row: a JSON number ≥ 0 with at most one decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[schema(value_type = f64, example = 10)]
#[serde(transparent)]
pub struct Limit(pub cme_domain::Credits);

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        cme_domain::credits::deserialize_number(d, cme_domain::Credits::parse_non_negative).map(Limit)
    }
}

/// What one draft row demands; `null`: no constraint.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequirementInput {
    pub total: Limit,
    pub i_national_min: Option<Limit>,
    pub i_provincial_min: Option<Limit>,
    pub i_national_provincial_min: Option<Limit>,
    pub i_distance_cap: Option<Limit>,
    pub i_subtotal_min: Option<Limit>,
    pub ii_subtotal_min: Option<Limit>,
    pub ii_distance_cap: Option<Limit>,
    pub self_managed_min: Option<Limit>,
}

/// One draft row.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StandardRowInput {
    pub discipline: Discipline,
    pub unit_level: UnitLevel,
    pub title_level: Option<TitleLevel>,
    pub requirement: RequirementInput,
}

/// The draft's mandatory course.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MandatoryCourseInput {
    pub name: String,
    pub deadline: NaiveDate,
}

/// A draft of a year's next standard: every profile must have exactly one row.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct DraftInput {
    pub mandatory_course: Option<MandatoryCourseInput>,
    pub rows: Vec<StandardRowInput>,
}

impl DraftInput {
    pub fn to_domain(&self, year: i32) -> cme_domain::standard::Standard {
        use cme_domain::standard::{MandatoryCourse as M, Requirement, StandardRow};
        let c = |l: Option<Limit>| l.map(|l| l.0);
        cme_domain::standard::Standard {
            year,
            version: 0,
            mandatory_course: self
                .mandatory_course
                .as_ref()
                .map(|m| M { name: m.name.trim().to_owned(), deadline: m.deadline }),
            rows: self
                .rows
                .iter()
                .map(|r| StandardRow {
                    discipline: r.discipline.into(),
                    unit_level: r.unit_level.into(),
                    title_level: r.title_level.map(Into::into),
                    requirement: Requirement {
                        total: r.requirement.total.0,
                        i_national_min: c(r.requirement.i_national_min),
                        i_provincial_min: c(r.requirement.i_provincial_min),
                        i_national_provincial_min: c(r.requirement.i_national_provincial_min),
                        i_distance_cap: c(r.requirement.i_distance_cap),
                        i_subtotal_min: c(r.requirement.i_subtotal_min),
                        ii_subtotal_min: c(r.requirement.ii_subtotal_min),
                        ii_distance_cap: c(r.requirement.ii_distance_cap),
                        self_managed_min: c(r.requirement.self_managed_min),
                    },
                })
                .collect(),
        }
    }
}

/// The year whose people a preview counts.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct PreviewQuery {
    /// Default: the last closed verification year (or the year before the draft's).
    pub on_year: Option<i32>,
}

/// One line of a preview.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewRow {
    /// The prefecture (by_prefecture) or null.
    pub prefecture_id: Option<Uuid>,
    pub name: String,
    /// The title level (by_title) or null.
    pub title_level: Option<TitleLevel>,
    /// People counted for compliance.
    pub people: u64,
    pub compliant_now: u64,
    pub compliant_draft: u64,
    /// Per mille, rounded down.
    pub rate_now_permille: u32,
    pub rate_draft_permille: u32,
}

impl PreviewRow {
    /// A row named `name`, nothing counted yet.
    fn named(name: String) -> Self {
        PreviewRow {
            prefecture_id: None,
            name,
            title_level: None,
            people: 0,
            compliant_now: 0,
            compliant_draft: 0,
            rate_now_permille: 0,
            rate_draft_permille: 0,
        }
    }

    fn add(&mut self, c: &cme_store::repo::compliance::PreviewCell) {
        self.people += c.people;
        self.compliant_now += c.compliant_now;
        self.compliant_draft += c.compliant_draft;
    }

    /// The row with its rates.
    fn finish(mut self) -> Self {
        let rate = |n, of| cme_domain::report::per_mille(n, of).unwrap_or(0);
        self.rate_now_permille = rate(self.compliant_now, self.people);
        self.rate_draft_permille = rate(self.compliant_draft, self.people);
        self
    }
}

/// How a draft would change who passes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewDto {
    /// The draft's year.
    pub year: i32,
    /// The year whose people were counted.
    pub on_year: i32,
    pub total: PreviewRow,
    pub by_prefecture: Vec<PreviewRow>,
    pub by_title: Vec<PreviewRow>,
}

impl PreviewDto {
    /// The preview's cells of the draft of `year` applied to `on_year`'s
    /// people, summed for the province, per prefecture (by name, from
    /// `names`) and per title level, each with its rates now and under the
    /// draft.
    pub fn new(
        year: i32,
        on_year: i32,
        cells: &[cme_store::repo::compliance::PreviewCell],
        names: &std::collections::HashMap<Uuid, String>,
    ) -> Self {
        use std::collections::BTreeMap;
        let mut total = PreviewRow::named("全省".to_owned());
        let mut by_pref: BTreeMap<Option<Uuid>, PreviewRow> = BTreeMap::new();
        let mut by_title: BTreeMap<Option<&'static str>, PreviewRow> = BTreeMap::new();
        for c in cells {
            total.add(c);
            by_pref
                .entry(c.prefecture_id)
                .or_insert_with(|| PreviewRow {
                    prefecture_id: c.prefecture_id,
                    ..PreviewRow::named(
                        c.prefecture_id.and_then(|p| names.get(&p).cloned()).unwrap_or_else(|| "省直".to_owned()),
                    )
                })
                .add(c);
            by_title
                .entry(c.title_level.map(cme_domain::person::TitleLevel::as_str))
                .or_insert_with(|| PreviewRow {
                    title_level: c.title_level.map(Into::into),
                    ..PreviewRow::named(c.title_level.map_or("不分职称（乡镇、村级）", |t| t.label()).to_owned())
                })
                .add(c);
        }
        let mut by_prefecture: Vec<PreviewRow> = by_pref.into_values().map(PreviewRow::finish).collect();
        by_prefecture.sort_by(|a, b| a.name.cmp(&b.name));
        PreviewDto {
            year,
            on_year,
            total: total.finish(),
            by_prefecture,
            by_title: by_title.into_values().map(PreviewRow::finish).collect(),
        }
    }
}

/// What publishing did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishResult {
    pub standard: StandardDto,
    /// People of the year recomputed, compliant, verdicts rewritten.
    pub people: u64,
    pub compliant: u64,
    pub written: u64,
    pub millis: u64,
}
