//! Unit upkeep (单位维护) and departments (科室维护): opening a unit with its
//! CME office account, renaming, moving, merging and closing, and imports.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::org::UnitDto;
use super::{Medicine, UnitLevel};

/// A unit to open (开通) under a region of the caller's jurisdiction.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct OpenUnitRequest {
    /// 2–60 characters.
    pub name: String,
    pub level: UnitLevel,
    pub medicine: Medicine,
    /// The region that administers it: a county for county, township and
    /// village units, a prefecture for prefecture units, the province for
    /// province-direct ones.
    pub region_id: Uuid,
    /// 统一社会信用代码 (18 characters, GB 32100-2015 check character) or
    /// 医疗机构执业许可证登记号.
    pub code: String,
    /// The CME office account's sign-in name; by default the code in lower case.
    #[validate(length(max = 64))]
    pub username: Option<String>,
}

/// A unit opened, with its CME office account and that account's one-time
/// password (shown this once, never stored in plain text; the first sign-in
/// must change it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpenedUnit {
    pub unit: UnitDto,
    pub username: String,
    pub initial_password: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct RenameRequest {
    /// 2–60 characters.
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct MoveUnitRequest {
    /// The region that administers the unit from now on.
    pub region_id: Uuid,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct MergeUnitRequest {
    /// The unit that survives and receives the people and the records.
    pub into_unit_id: Uuid,
}

/// What a merge moved.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MergeResult {
    /// The merged unit, now closed with `merged_into`.
    pub unit: UnitDto,
    pub into: UnitDto,
    pub people: u64,
    pub departments: u64,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct UnitCloseRequest {
    /// Why (kept in the audit log).
    #[validate(length(min = 2, max = 500, message = "请填写撤销原因（2–500 字）"))]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct UnitImportQuery {
    /// `true`: check every row as an import would, write nothing (200).
    #[serde(default)]
    pub dry_run: bool,
}

/// One row of an import, as read and checked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitImportRow {
    /// The sheet's row number.
    pub row: usize,
    pub name: String,
    pub level: UnitLevel,
    pub medicine: Medicine,
    pub region_id: Uuid,
    pub region_name: String,
    pub code: String,
    pub username: String,
}

/// An import checked (a dry run: `units` empty) or written (each unit with
/// its account's one-time password, shown this once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitImportResult {
    pub rows: usize,
    pub saved: bool,
    pub checked: Vec<UnitImportRow>,
    pub units: Vec<OpenedUnit>,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct DepartmentRequest {
    /// 2–60 characters, unique within the unit.
    pub name: String,
}
