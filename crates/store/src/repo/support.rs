//! The help desk (技术支持服务): one entry per office, keyed by its region.
//! A small table (one row per office, about 150), read whole for the
//! public page.

use chrono::{DateTime, Utc};
use cme_domain::org::Region;
use cme_domain::support::{Contact, SupportEntry};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait as _};
use serde::{Deserialize, Serialize};

use super::now;
use crate::StoreError;
use crate::entity::support_contacts;

/// One office's entry as stored, with its region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportRow {
    pub region: Region,
    pub entry: SupportEntry,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub row_version: i32,
}

#[derive(Serialize, Deserialize)]
struct StoredContact {
    name: String,
    phone: String,
}

fn to_row(m: support_contacts::Model, region: Region) -> Result<SupportRow, StoreError> {
    let contacts: Vec<StoredContact> = serde_json::from_str(&m.contacts).map_err(StoreError::corrupt)?;
    let qq_groups: Vec<String> = serde_json::from_str(&m.qq_groups).map_err(StoreError::corrupt)?;
    Ok(SupportRow {
        region,
        entry: SupportEntry {
            phone: m.phone,
            hours: m.hours,
            contacts: contacts.into_iter().map(|c| Contact { name: c.name, phone: c.phone }).collect(),
            qq_groups,
            note: m.note,
        },
        updated_by: m.updated_by,
        updated_at: m.updated_at,
        row_version: m.row_version,
    })
}

/// Every entry, by region code.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<SupportRow>, StoreError> {
    let regions: std::collections::HashMap<_, _> =
        super::region::list(db).await?.into_iter().map(|r| (r.id.0, r)).collect();
    let mut rows = Vec::new();
    for m in support_contacts::Entity::find().all(db).await? {
        if let Some(region) = regions.get(&m.id).cloned() {
            rows.push(to_row(m, region)?);
        }
    }
    // GB/T 2260 codes put the province (530000) first and each prefecture
    // (530100) before its counties (530102…).
    rows.sort_by(|a, b| a.region.code.cmp(&b.region.code));
    Ok(rows)
}

/// The entry of `region`, if it has one.
pub async fn get(db: &impl ConnectionTrait, region: &Region) -> Result<Option<SupportRow>, StoreError> {
    support_contacts::Entity::find_by_id(region.id.0).one(db).await?.map(|m| to_row(m, region.clone())).transpose()
}

/// Writes the entry of `region` whole (created on first write), by `by`.
pub async fn put(
    db: &impl ConnectionTrait,
    region: &Region,
    entry: &SupportEntry,
    by: &str,
) -> Result<SupportRow, StoreError> {
    let old = support_contacts::Entity::find_by_id(region.id.0).one(db).await?;
    let contacts: Vec<StoredContact> =
        entry.contacts.iter().map(|c| StoredContact { name: c.name.clone(), phone: c.phone.clone() }).collect();
    let model = support_contacts::ActiveModel {
        id: Set(region.id.0),
        phone: Set(entry.phone.clone()),
        hours: Set(entry.hours.clone()),
        contacts: Set(serde_json::to_string(&contacts).map_err(StoreError::corrupt)?),
        qq_groups: Set(serde_json::to_string(&entry.qq_groups).map_err(StoreError::corrupt)?),
        note: Set(entry.note.clone()),
        updated_by: Set(by.to_owned()),
        updated_at: Set(now()),
        row_version: Set(old.as_ref().map_or(1, |o| o.row_version + 1)),
    };
    let saved = match old {
        Some(_) => support_contacts::Entity::update(model).exec(db).await?,
        None => support_contacts::Entity::insert(model).exec_with_returning(db).await?,
    };
    to_row(saved, region.clone())
}
