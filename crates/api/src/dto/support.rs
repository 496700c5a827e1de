//! The help desk (技术支持服务): the public page's entries and an office's edit.

use chrono::{DateTime, Utc};
use cme_store::repo::support::SupportRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::RegionLevel;

/// A person to call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDto {
    /// 姓名.
    pub name: String,
    /// 电话, e.g. 15287105524 or 0871-63575660.
    pub phone: String,
}

/// One office's entry as the public page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupportEntryDto {
    pub region_id: Uuid,
    pub level: RegionLevel,
    /// Whom the entry serves, in words: 省直单位 for the province's entry,
    /// else the region's name (昆明市, 宜良县).
    pub area: String,
    /// The office's line (办公室座机).
    pub phone: Option<String>,
    /// When the line answers.
    pub hours: Option<String>,
    pub contacts: Vec<ContactDto>,
    /// 技术服务 QQ 群.
    pub qq_groups: Vec<String>,
    pub note: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub row_version: i32,
}

impl From<SupportRow> for SupportEntryDto {
    fn from(r: SupportRow) -> Self {
        let area = if r.region.level == cme_domain::org::RegionLevel::Province {
            "省直单位".to_owned()
        } else {
            r.region.name.clone()
        };
        SupportEntryDto {
            region_id: r.region.id.0,
            level: r.region.level.into(),
            area,
            phone: r.entry.phone,
            hours: r.entry.hours,
            contacts: r.entry.contacts.into_iter().map(|c| ContactDto { name: c.name, phone: c.phone }).collect(),
            qq_groups: r.entry.qq_groups,
            note: r.entry.note,
            updated_at: r.updated_at,
            row_version: r.row_version,
        }
    }
}

/// The help desk: the province office's line, then every office's entry
/// (省直单位 first, then by region code: each prefecture before its counties).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupportDeskDto {
    /// The province office's line (办公室座机), from the province's entry.
    pub office_phone: Option<String>,
    pub office_hours: Option<String>,
    pub entries: Vec<SupportEntryDto>,
}

/// An office's entry as it writes it, whole. Empty lists and blank texts
/// clear a field.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SupportEntryRequest {
    pub phone: Option<String>,
    pub hours: Option<String>,
    #[serde(default)]
    pub contacts: Vec<ContactDto>,
    #[serde(default)]
    pub qq_groups: Vec<String>,
    pub note: Option<String>,
}

/// The caller office's own entry, for its edit page: its region, and the
/// entry (`None` before the first write).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MySupportEntryDto {
    pub region_id: Uuid,
    pub region_name: String,
    pub entry: Option<SupportEntryDto>,
}
