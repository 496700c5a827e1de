//! Evidence files (special personnel's dispatch notices, study certificates):
//! the metadata; the bytes are behind the API's storage interface.

use chrono::{DateTime, Utc};
use cme_domain::ids::{DepartmentId, UnitId};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};
use uuid::Uuid;

use super::now;
use crate::StoreError;
use crate::entity::{evidence_files, verification_evidence};

/// A stored file's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub id: Uuid,
    pub unit_id: UnitId,
    /// The department that uploaded it (none: the unit, or a trainee).
    pub department_id: Option<DepartmentId>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

fn to_domain(m: evidence_files::Model) -> Evidence {
    Evidence {
        id: m.id,
        unit_id: UnitId(m.unit_id),
        department_id: m.department_id.map(DepartmentId),
        file_name: m.file_name,
        content_type: m.content_type,
        size_bytes: m.size_bytes,
        sha256: m.sha256,
        storage_key: m.storage_key,
        uploaded_by: m.uploaded_by,
        uploaded_at: m.uploaded_at,
    }
}

/// What to record of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence<'a> {
    pub unit_id: UnitId,
    pub department_id: Option<DepartmentId>,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub uploaded_by: &'a str,
}

pub async fn insert(db: &impl ConnectionTrait, new: &NewEvidence<'_>) -> Result<Evidence, StoreError> {
    let id = Uuid::now_v7();
    evidence_files::Entity::insert(evidence_files::ActiveModel {
        id: Set(id),
        unit_id: Set(new.unit_id.0),
        department_id: Set(new.department_id.map(|d| d.0)),
        file_name: Set(new.file_name.to_owned()),
        content_type: Set(new.content_type.to_owned()),
        size_bytes: Set(new.size_bytes),
        sha256: Set(new.sha256.to_owned()),
        storage_key: Set(new.sha256.to_owned()),
        uploaded_by: Set(new.uploaded_by.to_owned()),
        uploaded_at: Set(now()),
    })
    .exec_without_returning(db)
    .await?;
    get(db, id).await
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Evidence, StoreError> {
    evidence_files::Entity::find_by_id(id).one(db).await?.map(to_domain).ok_or(StoreError::NotFound)
}

/// Files by id (missing ones absent).
pub async fn get_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Evidence>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(evidence_files::Entity::find()
        .filter(evidence_files::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

/// Whether a verification links the file (so its reviewers may read it).
pub async fn linked(db: &impl ConnectionTrait, evidence: Uuid) -> Result<Vec<Uuid>, StoreError> {
    use sea_orm::QuerySelect as _;
    Ok(verification_evidence::Entity::find()
        .select_only()
        .column(verification_evidence::Column::VerificationId)
        .filter(verification_evidence::Column::EvidenceId.eq(evidence))
        .into_tuple()
        .all(db)
        .await?)
}
