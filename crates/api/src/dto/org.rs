//! The hierarchy: regions, units, departments, people (ID numbers masked).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{Discipline, Gender, Medicine, PersonStatus, RegionLevel, TitleLevel, UnitLevel};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionDto {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub level: RegionLevel,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitDto {
    pub id: Uuid,
    pub region_id: Uuid,
    pub code: String,
    pub name: String,
    pub level: UnitLevel,
    pub medicine: Medicine,
    /// Closed (撤销 or merged): kept for its history, acting no more.
    pub closed: bool,
    /// The unit it was merged into.
    pub merged_into: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitDto>,
    /// Pass as `after` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentDto {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub name: String,
}

impl From<cme_domain::org::Department> for DepartmentDto {
    fn from(d: cme_domain::org::Department) -> Self {
        DepartmentDto { id: d.id.0, unit_id: d.unit_id.0, name: d.name }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TitleDto {
    pub name: String,
    pub level: TitleLevel,
    pub obtained_on: NaiveDate,
}

/// A person as lists show him: the ID number masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub department_id: Option<Uuid>,
    pub name: String,
    pub gender: Gender,
    /// e.g. `5301**********123X`; the full number only through the audited reveal.
    pub id_number_masked: String,
    pub discipline: Discipline,
    pub status: PersonStatus,
    /// The title held today.
    pub title: Option<TitleDto>,
}

impl From<cme_store::repo::person::PersonSummary> for PersonDto {
    fn from(p: cme_store::repo::person::PersonSummary) -> Self {
        PersonDto {
            id: p.id.0,
            unit_id: p.unit_id.0,
            department_id: p.department_id.map(|d| d.0),
            title: p.title.as_ref().map(TitleDto::from),
            name: p.name,
            gender: p.gender.into(),
            id_number_masked: p.id_number_masked,
            discipline: p.discipline.into(),
            status: p.status.into(),
        }
    }
}

/// A person with his histories. The response carries the person's `ETag`,
/// to send back as `If-Match` with a change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDetail {
    #[serde(flatten)]
    pub person: PersonDto,
    /// Every title held, oldest first (职称历史).
    pub titles: Vec<TitleDto>,
    /// The phone number with its middle hidden, e.g. `138****0000`.
    pub phone_masked: Option<String>,
    /// Every status change, oldest first (状态变更历史).
    pub status_changes: Vec<StatusChangeDto>,
}

impl PersonDetail {
    /// A person's detail as the upkeep pages show it: his titles by date, his
    /// phone masked, his status `history`; listed with the title held on `today`.
    pub fn new(
        rec: &cme_store::repo::person::PersonRecord,
        history: Vec<cme_store::repo::person::StatusChange>,
        today: NaiveDate,
    ) -> Self {
        let mut titles: Vec<&cme_domain::person::Title> = rec.person.titles.iter().collect();
        titles.sort_by_key(|t| t.obtained_on);
        PersonDetail {
            person: PersonDto::of(&rec.person, today),
            titles: titles.into_iter().map(TitleDto::from).collect(),
            phone_masked: rec.phone.as_deref().map(cme_domain::roster::mask_phone),
            status_changes: history
                .into_iter()
                .map(|c| StatusChangeDto {
                    from: c.from.map(Into::into),
                    to: c.to.into(),
                    reason: c.reason,
                    changed_by: c.changed_by,
                    at: c.at,
                    effective_on: c.effective_on,
                })
                .collect(),
        }
    }
}

/// One status change of a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusChangeDto {
    /// Null for the first record.
    pub from: Option<PersonStatus>,
    pub to: PersonStatus,
    pub reason: Option<String>,
    /// The account or client that changed it.
    pub changed_by: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The day it takes effect, as the unit said.
    pub effective_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct RevealRequest {
    /// Why the full number is needed (kept in the audit log).
    #[validate(length(min = 2, max = 200, message = "请说明查看原因"))]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevealedIdNumber {
    pub id_number: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct RegionQuery {
    pub parent_id: Option<Uuid>,
    /// province, prefecture or county.
    pub level: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct UnitQuery {
    pub region_id: Option<Uuid>,
    pub level: Option<String>,
    pub medicine: Option<String>,
    /// A part of the unit's name.
    pub name: Option<String>,
    /// `true`: closed units too (left out by default).
    pub closed: Option<bool>,
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct PersonQuery {
    pub unit_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub status: Option<String>,
    pub discipline: Option<String>,
    /// A part of the person's name.
    pub name: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u64>,
}

impl From<&cme_domain::person::Title> for TitleDto {
    fn from(t: &cme_domain::person::Title) -> Self {
        TitleDto { name: t.name.clone(), level: t.level.into(), obtained_on: t.obtained_on }
    }
}

impl PersonDto {
    /// A person as listed, with the title held on `today`.
    pub fn of(p: &cme_domain::person::Person, today: NaiveDate) -> Self {
        PersonDto {
            id: p.id.0,
            unit_id: p.unit_id.0,
            department_id: p.department_id.map(|d| d.0),
            name: p.name.clone(),
            gender: p.gender.into(),
            id_number_masked: p.id_number.masked(),
            discipline: p.discipline.into(),
            status: p.status.into(),
            title: cme_domain::person::title_on(&p.titles, today).map(TitleDto::from),
        }
    }
}

impl From<cme_domain::org::Region> for RegionDto {
    fn from(r: cme_domain::org::Region) -> Self {
        Self { id: r.id.0, parent_id: r.parent_id.map(|p| p.0), level: r.level.into(), code: r.code, name: r.name }
    }
}

impl From<cme_store::repo::unit::UnitRecord> for UnitDto {
    fn from(u: cme_store::repo::unit::UnitRecord) -> Self {
        Self {
            id: u.unit.id.0,
            region_id: u.unit.region_id.0,
            code: u.code,
            name: u.unit.name,
            level: u.unit.level.into(),
            medicine: u.unit.medicine.into(),
            closed: u.closed_at.is_some(),
            merged_into: u.merged_into.map(|m| m.0),
        }
    }
}
