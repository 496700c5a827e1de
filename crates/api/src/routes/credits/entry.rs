//! The wizard's rules for one paper certificate, shared by the wizard
//! (`enter_credit`) and the grid ([`super::batch`]): the entry checked, the
//! record it makes, its audit entry, the duplicate refused.

use chrono::{Datelike as _, Utc};
use cme_domain::audit::{AuditAction, AuditTarget};
use cme_domain::auth::{Actor, Scope};
use cme_domain::credit::{CreditCategory, CreditRecord, CreditState, EntryPath};
use cme_domain::ids::{CreditId, PersonId, UnitId};
use cme_store::repo::credit::NewCredit;
use cme_store::repo::{audit, credit};
use sea_orm::ConnectionTrait;
use serde_json::json;
use uuid::Uuid;

use crate::clock::today;
use crate::dto::credits::CreditEntryRequest;
use crate::error::{ApiError, ErrorCode};

/// The record of a paper certificate that `actor` entered for a person,
/// checked by [`check_entry`]: by a unit's CME office valid at once, by a
/// department a draft of the department (科室草稿).
pub(super) fn paper_credit(
    actor: &Actor,
    person_id: PersonId,
    body: CreditEntryRequest,
    category: CreditCategory,
    certificate_no: String,
) -> NewCredit {
    let (entry_path, credit_state, department_id) = match actor.scope {
        Scope::Department(_, d) => (EntryPath::PaperDepartment, CreditState::Draft, Some(d)),
        _ => (EntryPath::PaperUnit, CreditState::Valid, None),
    };
    let record = CreditRecord {
        id: CreditId(Uuid::now_v7()),
        person_id,
        year: body.year,
        category,
        amount: body.amount.0,
        entry_path,
        state: credit_state,
        activity_name: body.activity_name.trim().to_owned(),
        organiser: body.organiser.map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()),
        earned_on: Some(body.earned_on),
        certificate_no: Some(certificate_no),
        reverses: None,
        note: body.note.filter(|n| !n.trim().is_empty()),
        created_at: Utc::now(),
    };
    NewCredit { record, activity_id: None, created_by: Some(actor.name.clone()), department_id }
}

/// The audit entry of a paper certificate entered (`credit.enter`).
pub(super) fn entered(actor: &Actor, ip: &str, record: &CreditRecord, unit: UnitId) -> audit::AuditEntry {
    audit::AuditEntry::by(actor, AuditAction::CreditEnter)
        .ip(Some(ip))
        .target(AuditTarget::Credit, record.id.0)
        .place(None, Some(unit))
        .detail(json!({
            "person_id": record.person_id.0, "year": record.year, "amount": record.amount.to_string(),
            "category": record.category.source().map_or("self_managed", |s| s.as_str()),
            "state": record.state.as_str(), "certificate_no": record.certificate_no,
        }))
}

/// A paper certificate's entry, checked: its category (a project credit
/// names its source level, a self-managed one none), its date (in the year,
/// not in the future) and its number (trimmed, required).
pub(super) fn check_entry(body: &CreditEntryRequest) -> Result<(CreditCategory, String), ApiError> {
    let category = CreditCategory::from_parts(body.kind.into(), body.source.map(Into::into)).ok_or_else(|| {
        ApiError::field(
            "source",
            if body.source.is_none() {
                "项目学分须选择来源级别"
            } else {
                "自管学分不能选择来源级别"
            },
        )
    })?;
    if body.earned_on.year() != body.year {
        return Err(ApiError::field("earned_on", format!("日期须在 {} 年内", body.year)));
    }
    if body.earned_on > today() {
        return Err(ApiError::field("earned_on", "日期不能晚于今天"));
    }
    let certificate_no = body.certificate_no.trim().to_owned();
    if certificate_no.is_empty() {
        return Err(ApiError::field("certificate_no", "请填写证书编号"));
    }
    Ok((category, certificate_no))
}

/// The same paper certificate is entered once for a person (while live).
pub(super) async fn refuse_duplicate_certificate(
    txn: &impl ConnectionTrait,
    person_id: PersonId,
    certificate_no: &str,
) -> Result<(), ApiError> {
    if let Some(existing) = credit::find_live_certificate(txn, person_id, certificate_no).await? {
        return Err(ApiError::Conflict {
            code: ErrorCode::DuplicateCertificate,
            detail: format!(
                "证书编号 {certificate_no} 已录入（{}，{}，{}），同一纸质证书不能重复录入",
                existing.activity_name,
                existing.amount,
                existing.state.label()
            ),
        });
    }
    Ok(())
}
