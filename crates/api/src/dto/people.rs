//! Personnel upkeep (人员维护): creating and editing people, titles and
//! status, transfers between units, file imports and HR-system upserts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::org::{PersonDetail, TitleDto};
use super::{Discipline, Gender, PersonStatus, TitleLevel, TitleSeries, TransferState};
use crate::error::FieldError;

/// `Some(None)` for an explicit `null`, `None` for an absent field.
fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A title obtained (职称): the level follows from the name for a title of
/// the catalogue (`GET /title-catalogue`); a name the catalogue lacks needs
/// its level.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
pub struct NewTitle {
    #[validate(length(min = 1, max = 50, message = "请填写职称名称"))]
    pub name: String,
    pub level: Option<TitleLevel>,
    pub obtained_on: NaiveDate,
    /// Why (kept in the audit log), e.g. 晋升.
    #[validate(length(max = 200))]
    #[serde(default)]
    pub reason: Option<String>,
}

/// A new person (人员新增).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct NewPersonRequest {
    #[validate(length(min = 1, max = 50, message = "姓名须为 1–50 个字符"))]
    pub name: String,
    pub gender: Gender,
    /// The 18-character resident ID number (GB 11643).
    pub id_number: String,
    /// Default: the caller's unit (required for office-wide callers).
    pub unit_id: Option<Uuid>,
    /// A department of the unit; a department's account may only use its own
    /// (and it is the default for it).
    pub department_id: Option<Uuid>,
    pub discipline: Discipline,
    /// Default `normal`.
    pub status: Option<PersonStatus>,
    /// Stored encrypted, shown masked.
    #[validate(length(max = 30))]
    pub phone: Option<String>,
    /// The title held now, with the day it was obtained.
    #[validate(nested)]
    pub title: Option<NewTitle>,
}

/// An edit of a person (人员修改); absent fields stay as they are. Needs
/// `If-Match`.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
pub struct PersonPatch {
    #[validate(length(min = 1, max = 50, message = "姓名须为 1–50 个字符"))]
    pub name: Option<String>,
    pub gender: Option<Gender>,
    /// `null` takes the person out of any department.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub department_id: Option<Option<Uuid>>,
    pub discipline: Option<Discipline>,
    /// `null` removes the phone number.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub phone: Option<Option<String>>,
    /// Why (kept in the audit log).
    #[validate(length(max = 200))]
    pub reason: Option<String>,
}

/// A status change (状态维护). Needs `If-Match`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct StatusChangeRequest {
    pub status: PersonStatus,
    #[validate(length(min = 2, max = 200, message = "请说明变更原因"))]
    pub reason: String,
    /// The day it takes effect (default: today).
    pub effective_on: Option<NaiveDate>,
}

/// A known title of the catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogueTitle {
    pub name: String,
    pub level: TitleLevel,
    pub series: TitleSeries,
    pub series_label: String,
}

/// A transfer request (调出申请) by the person's current unit.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct TransferRequest {
    /// The receiving unit, by id …
    pub to_unit_id: Option<Uuid>,
    /// … or by its registration code (a unit cannot list units outside its
    /// jurisdiction, but knows the receiving unit's code from the paperwork).
    #[validate(length(max = 40))]
    pub to_unit_code: Option<String>,
    #[validate(length(min = 2, max = 200, message = "请说明调动原因"))]
    pub reason: String,
}

/// The receiving unit takes the person in.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
pub struct AcceptTransfer {
    /// A department of the receiving unit (optional).
    pub department_id: Option<Uuid>,
}

/// A refusal (by the receiving unit) or a withdrawal (by the sender).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct TransferReason {
    #[validate(length(min = 2, max = 200, message = "请说明原因"))]
    pub reason: String,
}

/// A unit named in a transfer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
}

/// The transferred person as both units may see him: masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferPerson {
    pub id: Uuid,
    pub name: String,
    pub gender: Gender,
    pub id_number_masked: String,
    pub discipline: Discipline,
    pub status: PersonStatus,
    /// The title held today.
    pub title: Option<TitleDto>,
}

/// A transfer (人员调动) and its state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferDto {
    pub id: Uuid,
    pub state: TransferState,
    pub person: TransferPerson,
    pub from_unit: UnitRef,
    pub from_department_id: Option<Uuid>,
    pub to_unit: UnitRef,
    /// Chosen by the receiving unit when it accepts.
    pub to_department_id: Option<Uuid>,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The refusal's or withdrawal's reason.
    pub decision_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransferPage {
    pub items: Vec<TransferDto>,
    /// Pass as `after` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct TransferQuery {
    /// `incoming` (into the caller's units, 调入; the default) or `outgoing` (调出).
    pub direction: Option<String>,
    /// pending, accepted, rejected or cancelled.
    pub state: Option<String>,
    pub after: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

/// One person from an HR system, keyed by ID number (upsert).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
pub struct PersonUpsert {
    /// The natural key: the 18-character resident ID number.
    pub id_number: String,
    #[validate(length(min = 1, max = 50, message = "姓名须为 1–50 个字符"))]
    pub name: String,
    pub gender: Gender,
    /// Default: the caller's unit. An existing person must already be in
    /// it: moving between units is a transfer.
    pub unit_id: Option<Uuid>,
    /// The department, by id …
    pub department_id: Option<Uuid>,
    /// … or by its name in the unit.
    #[validate(length(max = 100))]
    pub department_name: Option<String>,
    pub discipline: Discipline,
    /// Default `normal` for a new person; for an existing one, a different
    /// status is a status change in the history.
    pub status: Option<PersonStatus>,
    #[validate(length(max = 30))]
    pub phone: Option<String>,
    /// The title held now; added to the history unless held already.
    #[validate(nested)]
    pub title: Option<NewTitle>,
}

/// What an upsert did (named apart from the compliance verdict, `Outcome`:
/// utoipa keys schemas by type name, and two types of one name collide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
    Failed,
}

/// The answer to one upsert. The response carries the person's `ETag`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UpsertResponse {
    pub outcome: UpsertOutcome,
    pub person: PersonDetail,
}

/// A person looked up by ID number (人事系统查询): the number travels in
/// the body, never in a URL.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id_number": "53010219800101001X"}))]
pub struct PersonLookup {
    /// The 18-character resident ID number.
    pub id_number: String,
}

/// How a batch writes.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct BatchParams {
    /// `true`: all rows or none. One failing row fails the batch (422 with
    /// every failing row named `rows[i].field`) and nothing is written.
    /// Default `false`: the valid rows are written, the failing ones reported.
    #[serde(default)]
    pub atomic: bool,
}

/// Up to 1,000 people in one request.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct BatchRequest {
    /// Each row as for `/people/upsert`; a row that does not parse fails
    /// alone, named `rows[i].field`.
    #[validate(length(min = 1, max = 1000, message = "每批 1–1000 行"))]
    #[schema(value_type = Vec<PersonUpsert>)]
    pub rows: Vec<serde_json::Value>,
}

/// One row's outcome.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchRowResult {
    /// The row's index in `rows` (from 0).
    pub index: usize,
    pub outcome: UpsertOutcome,
    pub person_id: Option<Uuid>,
    /// Why a row failed, by field (`rows[3].id_number`).
    pub errors: Vec<FieldError>,
}

/// Every row's outcome; the valid rows were written in one transaction.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchResponse {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub results: Vec<BatchRowResult>,
}

/// How an import treats bad rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Validate only; write nothing.
    Check,
    /// Write only if every row is valid, else nothing.
    All,
    /// Write the valid rows, skip the bad ones.
    ValidOnly,
}

/// The shape of the domain's `string_enum!` (an option of the API alone, so
/// no domain type): the SPA's labels are generated from it. The wire names
/// come from serde's `rename_all`; a test checks `as_str` agrees.
impl ImportMode {
    pub const ALL: &'static [ImportMode] = &[ImportMode::Check, ImportMode::All, ImportMode::ValidOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Check => "check",
            ImportMode::All => "all",
            ImportMode::ValidOnly => "valid_only",
        }
    }

    /// The option as the import form offers it.
    pub fn label(self) -> &'static str {
        match self {
            ImportMode::Check => "仅校验，不写入",
            ImportMode::All => "全部导入（有错误则不写入）",
            ImportMode::ValidOnly => "仅导入正确的行",
        }
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// The unit to import into (default: the caller's unit).
    pub unit_id: Option<Uuid>,
    /// check (default), all or valid_only.
    pub mode: Option<ImportMode>,
}

/// A file upload (`multipart/form-data`, field `file`).
// It documents the body for OpenAPI only: the handler reads the multipart
// stream itself.
#[derive(ToSchema)]
pub struct ImportUpload {
    /// The XLSX or CSV file (UTF-8 or GBK), at most 5 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct TemplateQuery {
    /// xlsx (default) or csv.
    pub format: Option<String>,
}

/// One bad cell of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportError {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The column's header, e.g. 身份证号 (empty for the row as a whole).
    pub column: String,
    /// The column's wire name, e.g. `id_number`.
    pub field: String,
    pub reason: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub mode: ImportMode,
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    pub valid_rows: usize,
    pub errors: Vec<ImportError>,
    /// People created.
    pub created: usize,
    /// Whether anything was written.
    pub written: bool,
}

impl From<cme_store::repo::transfer::TransferView> for TransferDto {
    fn from(v: cme_store::repo::transfer::TransferView) -> Self {
        let t = v.transfer;
        Self {
            id: t.id.0,
            state: t.state.into(),
            person: TransferPerson {
                id: t.person_id.0,
                name: v.person_name,
                gender: v.gender.into(),
                id_number_masked: v.id_number_masked,
                discipline: v.discipline.into(),
                status: v.status.into(),
                title: v.title.as_ref().map(TitleDto::from),
            },
            from_unit: UnitRef { id: t.from_unit_id.0, name: v.from_unit_name },
            from_department_id: t.from_department_id.map(|d| d.0),
            to_unit: UnitRef { id: t.to_unit_id.0, name: v.to_unit_name },
            to_department_id: t.to_department_id.map(|d| d.0),
            reason: t.reason,
            requested_by: t.requested_by,
            requested_at: t.requested_at,
            decided_by: t.decided_by,
            decided_at: t.decided_at,
            decision_reason: t.decision_reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ImportMode;

    #[test]
    fn import_modes_are_named_as_serialised_and_documented() {
        crate::dto::assert_named_as_serialised_and_documented(ImportMode::ALL, ImportMode::as_str);
    }
}
