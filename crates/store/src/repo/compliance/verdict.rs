//! A person-year's verdict as stored: the one evaluation both the
//! write-through refresh and the yearly recomputation call, and the row it
//! becomes.

use chrono::Utc;
use cme_domain::Credits;
use cme_domain::compliance::{CourseStatus, Evaluation, Outcome, Shortfall, evaluate};
use cme_domain::ids::PersonId;
use cme_domain::person::{Discipline, PersonStatus, TitleLevel};
use cme_domain::standard::{Profile, Standard};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::inputs::Inputs;
use crate::entity::compliance;

/// A shortfall as stored (JSON in `compliance.shortfalls`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StoredShortfall {
    pub(super) code: String,
    pub(super) missing_tenths: u32,
}

/// The verdict of one person-year, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub person_id: PersonId,
    pub year: i32,
    pub outcome: Outcome,
    pub counted_i: Credits,
    pub counted_ii: Credits,
    pub self_managed: Credits,
    pub total: Credits,
    pub shortfalls: Vec<Shortfall>,
    /// Why a verdict is undetermined.
    pub note: Option<String>,
    pub standard_version: Option<u32>,
}

impl Verdict {
    pub(super) fn from_evaluation(
        person_id: PersonId,
        year: i32,
        status: PersonStatus,
        e: &Evaluation,
        version: u32,
    ) -> Verdict {
        let outcome = match (status, e.compliant) {
            (PersonStatus::Normal, true) => Outcome::Compliant,
            (PersonStatus::Normal, false) => Outcome::NonCompliant,
            _ => Outcome::NotCounted,
        };
        Verdict {
            person_id,
            year,
            outcome,
            counted_i: e.buckets.i_subtotal,
            counted_ii: e.buckets.ii_subtotal,
            self_managed: e.buckets.self_managed,
            total: e.buckets.total,
            shortfalls: e.shortfalls.clone(),
            note: None,
            standard_version: Some(version),
        }
    }

    pub(super) fn undetermined(person_id: PersonId, year: i32, status: PersonStatus, why: String) -> Verdict {
        Verdict {
            person_id,
            year,
            outcome: if status == PersonStatus::Normal { Outcome::Undetermined } else { Outcome::NotCounted },
            counted_i: Credits::ZERO,
            counted_ii: Credits::ZERO,
            self_managed: Credits::ZERO,
            total: Credits::ZERO,
            shortfalls: Vec::new(),
            note: Some(why),
            standard_version: None,
        }
    }

    pub(super) fn shortfalls_json(&self) -> String {
        let stored: Vec<StoredShortfall> = self
            .shortfalls
            .iter()
            .map(|s| StoredShortfall { code: s.code.as_str().to_owned(), missing_tenths: s.missing.tenths() })
            .collect();
        serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
    }
}

pub(super) fn tenths(c: Credits) -> i32 {
    i32::try_from(c.tenths()).unwrap_or(i32::MAX)
}

pub(super) fn credits_of(tenths: i64) -> Credits {
    Credits::from_tenths(u32::try_from(tenths.max(0)).unwrap_or(u32::MAX))
}

/// The verdict of `inputs` under the year's published standard (the one
/// evaluation of both [`refresh`] and [`recompute_year`]).
pub(super) fn verdict_of(standard: Option<&Standard>, i: &Inputs) -> Verdict {
    let Some(standard) = standard else {
        return Verdict::undetermined(i.person_id, i.year, i.status, format!("{} 年度没有已发布的验证标准", i.year));
    };
    let profile = Profile { unit_level: i.unit_level, title_level: i.title_level, discipline: i.discipline };
    match standard.requirement(profile) {
        Err(why) => Verdict::undetermined(i.person_id, i.year, i.status, why.to_string()),
        Ok(row) => {
            let course = CourseStatus::new(standard.mandatory_course.is_some(), i.course_done);
            let e = evaluate(&row.requirement, course, &i.sums.inputs());
            Verdict::from_evaluation(i.person_id, i.year, i.status, &e, standard.version)
        }
    }
}

/// One stored row (all but `computed_at`), as written and as read back: a
/// recomputation writes only the rows whose value changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredRow {
    pub(super) person_id: Uuid,
    pub(super) year: i32,
    pub(super) unit_id: Uuid,
    pub(super) department_id: Option<Uuid>,
    pub(super) county_id: Option<Uuid>,
    pub(super) prefecture_id: Option<Uuid>,
    pub(super) discipline: Discipline,
    pub(super) title_level: Option<TitleLevel>,
    pub(super) course_done: bool,
    pub(super) sums: [i32; 6],
    pub(super) outcome: Outcome,
    pub(super) i_tenths: i32,
    pub(super) ii_tenths: i32,
    pub(super) self_tenths: i32,
    pub(super) total_tenths: i32,
    pub(super) shortfalls: String,
    pub(super) note: Option<String>,
    pub(super) standard_version: Option<i32>,
}

impl StoredRow {
    pub(super) fn new(i: &Inputs, v: &Verdict) -> StoredRow {
        let s = &i.sums;
        StoredRow {
            person_id: i.person_id.0,
            year: i.year,
            unit_id: i.unit_id,
            department_id: i.department_id,
            county_id: i.county_id,
            prefecture_id: i.prefecture_id,
            discipline: i.discipline,
            title_level: i.title_level,
            course_done: i.course_done,
            sums: [
                tenths(s.national),
                tenths(s.provincial),
                tenths(s.distance_i),
                tenths(s.prefecture),
                tenths(s.distance_ii),
                tenths(s.self_managed),
            ],
            outcome: v.outcome,
            i_tenths: tenths(v.counted_i),
            ii_tenths: tenths(v.counted_ii),
            self_tenths: tenths(v.self_managed),
            total_tenths: tenths(v.total),
            shortfalls: v.shortfalls_json(),
            note: v.note.clone(),
            standard_version: v.standard_version.and_then(|x| i32::try_from(x).ok()),
        }
    }

    pub(super) fn active(&self, now: chrono::DateTime<Utc>) -> compliance::ActiveModel {
        compliance::ActiveModel {
            person_id: Set(self.person_id),
            year: Set(self.year),
            unit_id: Set(self.unit_id),
            department_id: Set(self.department_id),
            county_id: Set(self.county_id),
            prefecture_id: Set(self.prefecture_id),
            discipline: Set(self.discipline),
            title_level: Set(self.title_level),
            course_done: Set(self.course_done),
            sum_national: Set(self.sums[0]),
            sum_provincial: Set(self.sums[1]),
            sum_distance_i: Set(self.sums[2]),
            sum_prefecture: Set(self.sums[3]),
            sum_distance_ii: Set(self.sums[4]),
            sum_self_managed: Set(self.sums[5]),
            outcome: Set(self.outcome),
            i_tenths: Set(self.i_tenths),
            ii_tenths: Set(self.ii_tenths),
            self_tenths: Set(self.self_tenths),
            total_tenths: Set(self.total_tenths),
            shortfalls: Set(self.shortfalls.clone()),
            note: Set(self.note.clone()),
            standard_version: Set(self.standard_version),
            computed_at: Set(now),
        }
    }
}

/// Every column but the key, replaced on conflict.
pub(super) const UPDATED: [compliance::Column; 22] = [
    compliance::Column::UnitId,
    compliance::Column::DepartmentId,
    compliance::Column::CountyId,
    compliance::Column::PrefectureId,
    compliance::Column::Discipline,
    compliance::Column::TitleLevel,
    compliance::Column::CourseDone,
    compliance::Column::SumNational,
    compliance::Column::SumProvincial,
    compliance::Column::SumDistanceI,
    compliance::Column::SumPrefecture,
    compliance::Column::SumDistanceIi,
    compliance::Column::SumSelfManaged,
    compliance::Column::Outcome,
    compliance::Column::ITenths,
    compliance::Column::IiTenths,
    compliance::Column::SelfTenths,
    compliance::Column::TotalTenths,
    compliance::Column::Shortfalls,
    compliance::Column::Note,
    compliance::Column::StandardVersion,
    compliance::Column::ComputedAt,
];

pub(super) fn upsert() -> OnConflict {
    OnConflict::columns([compliance::Column::PersonId, compliance::Column::Year]).update_columns(UPDATED).to_owned()
}
