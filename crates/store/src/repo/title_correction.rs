//! Title corrections (职称信息更正, SPEC §7): a person's certificate shows a
//! title that does not match the date a title was actually obtained. The
//! person (or his unit) applies with documents; the unit and each office
//! above approve; the province decides. The engine's verdict under the new
//! title is computed when the request is made and again at the decision:
//! the correction is allowed only if that year meets the new title's
//! standard. On approval the title is recorded, the year's verdict is
//! recomputed and the certificate is reissued as a new version with the
//! same number, in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use cme_domain::compliance::Outcome;
use cme_domain::ids::{PersonId, RegionId, UnitId};
use cme_domain::org::{Medicine, UnitLevel};
use cme_domain::person::{Title, TitleLevel};
use cme_domain::review::Tier;
use cme_domain::title_correction::{CorrectionEvent, CorrectionState, correction_chain, transition};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::verification::Acting;
use super::{certificate, compliance, now};
use crate::entity::{
    people, person_titles, title_correction_evidence, title_correction_transitions, title_corrections, units,
};
use crate::{Refusal, StoreError};

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub id: Uuid,
    pub person_id: PersonId,
    pub person_name: String,
    pub year: i32,
    pub unit_id: UnitId,
    pub unit_level: UnitLevel,
    pub medicine: Medicine,
    pub county_id: Option<RegionId>,
    pub prefecture_id: Option<RegionId>,
    pub certificate_id: Option<Uuid>,
    pub old_title: String,
    pub new_title: String,
    pub new_level: TitleLevel,
    pub obtained_on: NaiveDate,
    pub reason: String,
    pub outcome_preview: Outcome,
    pub state: CorrectionState,
    pub step: Option<u8>,
    pub current_tier: Option<Tier>,
    pub new_certificate_id: Option<Uuid>,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub row_version: i32,
    pub evidence: Vec<Uuid>,
    pub log: Vec<LogEntry>,
}

impl Correction {
    pub fn chain(&self) -> Vec<Tier> {
        correction_chain(self.unit_level, self.medicine)
    }
}

/// One line of a correction's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: i32,
    pub event: CorrectionEvent,
    pub from: Option<CorrectionState>,
    pub to: CorrectionState,
    pub actor_tier: Tier,
    pub actor_name: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

fn refused(code: Refusal, detail: impl Into<String>) -> StoreError {
    StoreError::Refused { code, detail: detail.into() }
}

/// What a person asks for.
#[derive(Debug, Clone)]
pub struct NewCorrection {
    pub person_id: PersonId,
    pub year: i32,
    pub new_title: String,
    pub new_level: TitleLevel,
    pub obtained_on: NaiveDate,
    pub reason: String,
    pub evidence: Vec<Uuid>,
}

/// Files a request: the year must have a valid certificate, no other request
/// of the year may be open, and the engine must find the year compliant
/// under the new title (otherwise nothing is filed and the refusal says
/// what is missing).
pub async fn request<C>(db: &C, new: &NewCorrection, by: &Acting<'_>) -> Result<Correction, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let cert = certificate::current_of(&txn, new.person_id, new.year).await?.ok_or_else(|| {
        refused(Refusal::NoCertificate, format!("{}年度没有学分验证合格证书，无需更正证书上的职称", new.year))
    })?;
    if cert.revoked_at.is_some() {
        return Err(refused(Refusal::CertificateRevoked, "该年度证书已撤销，不能更正"));
    }
    let open = title_corrections::Entity::find()
        .filter(title_corrections::Column::PersonId.eq(new.person_id.0))
        .filter(title_corrections::Column::Year.eq(new.year))
        .filter(title_corrections::Column::State.eq(CorrectionState::InReview))
        .one(&txn)
        .await?;
    if open.is_some() {
        return Err(refused(Refusal::AlreadyOpen, format!("{}年度已有一份职称更正申请在审核中", new.year)));
    }
    let verdict = compliance::verdict_with_title(&txn, new.person_id, new.year, new.new_level).await?;
    if verdict.outcome != Outcome::Compliant {
        return Err(refused(Refusal::NotCompliant, not_compliant_detail(&verdict)));
    }
    let p = people::Entity::find_by_id(new.person_id.0).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let (level, medicine): (UnitLevel, Medicine) = units::Entity::find_by_id(p.unit_id)
        .select_only()
        .columns([units::Column::Level, units::Column::Medicine])
        .into_tuple()
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let id = Uuid::new_v4();
    let at = now();
    title_corrections::Entity::insert(title_corrections::ActiveModel {
        id: Set(id),
        person_id: Set(new.person_id.0),
        year: Set(new.year),
        unit_id: Set(p.unit_id),
        unit_level: Set(level),
        medicine: Set(medicine),
        county_id: Set(p.county_id),
        prefecture_id: Set(p.prefecture_id),
        certificate_id: Set(Some(cert.id)),
        old_title: Set(cert.title_name.clone()),
        new_title: Set(new.new_title.clone()),
        new_level: Set(new.new_level),
        obtained_on: Set(new.obtained_on),
        reason: Set(new.reason.clone()),
        outcome_preview: Set(verdict.outcome),
        state: Set(CorrectionState::InReview),
        step: Set(Some(0)),
        current_tier: Set(Some(Tier::Unit)),
        new_certificate_id: Set(None),
        requested_by: Set(by.name.to_owned()),
        requested_at: Set(at),
        updated_at: Set(at),
        row_version: Set(1),
    })
    .exec_without_returning(&txn)
    .await?;
    for e in &new.evidence {
        title_correction_evidence::Entity::insert(title_correction_evidence::ActiveModel {
            correction_id: Set(id),
            evidence_id: Set(*e),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    log(&txn, id, 1, CorrectionEvent::Request, None, CorrectionState::InReview, by, Some(&new.reason), at).await?;
    txn.commit().await?;
    get(db, id).await
}

fn not_compliant_detail(v: &compliance::Verdict) -> String {
    let missing: Vec<String> = v.shortfalls.iter().map(|s| s.message(None)).collect();
    if missing.is_empty() {
        "按更正后的职称，该年度学分不达标，不能更正".to_owned()
    } else {
        format!("按更正后的职称，该年度学分不达标：{}", missing.join("；"))
    }
}

#[expect(clippy::too_many_arguments, reason = "one log row")]
async fn log(
    db: &impl ConnectionTrait,
    id: Uuid,
    seq: i32,
    event: CorrectionEvent,
    from: Option<CorrectionState>,
    to: CorrectionState,
    by: &Acting<'_>,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    title_correction_transitions::Entity::insert(title_correction_transitions::ActiveModel {
        id: Set(Uuid::new_v4()),
        correction_id: Set(id),
        seq: Set(seq),
        event: Set(event),
        from_state: Set(from),
        to_state: Set(to),
        actor_tier: Set(by.tier),
        actor_id: Set(by.id),
        actor_name: Set(by.name.to_owned()),
        reason: Set(reason.map(str::to_owned)),
        at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Approves or rejects the request at `by.tier`'s step, as seen at
/// `row_version`. The province's approval re-checks the standard, records
/// the title, recomputes the year and reissues the certificate.
pub async fn decide<C>(
    db: &C,
    id: Uuid,
    row_version: i32,
    event: CorrectionEvent,
    by: &Acting<'_>,
    reason: Option<&str>,
) -> Result<Correction, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let c = get(&txn, id).await?;
    if c.row_version != row_version {
        return Err(StoreError::StaleVersion);
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let chain = c.chain();
    let decided = transition(&chain, c.state, c.step.unwrap_or(0), event, by.tier, reason)
        .map_err(|e| refused(Refusal::CorrectionRefused, e.to_string()))?;
    let (to, step) = (decided.to, decided.step);
    let at = now();
    let mut new_certificate = None;
    if to == CorrectionState::Approved {
        let verdict = compliance::verdict_with_title(&txn, c.person_id, c.year, c.new_level).await?;
        if verdict.outcome != Outcome::Compliant {
            return Err(refused(Refusal::NotCompliant, not_compliant_detail(&verdict)));
        }
        let title = Title { name: c.new_title.clone(), level: c.new_level, obtained_on: c.obtained_on };
        person_titles::Entity::insert(person_titles::ActiveModel {
            id: Set(Uuid::new_v4()),
            person_id: Set(c.person_id.0),
            name: Set(title.name.clone()),
            level: Set(title.level),
            obtained_on: Set(title.obtained_on),
            created_at: Set(at),
        })
        .exec_without_returning(&txn)
        .await?;
        people::Entity::update_many()
            .col_expr(people::Column::RowVersion, Expr::col(people::Column::RowVersion).add(1))
            .col_expr(people::Column::UpdatedAt, Expr::value(at))
            .filter(people::Column::Id.eq(c.person_id.0))
            .exec(&txn)
            .await?;
        compliance::refresh_person(&txn, c.person_id).await?;
        let old = certificate::current_of(&txn, c.person_id, c.year).await?.ok_or(StoreError::NotFound)?;
        let reissued = certificate::reissue_with_title(&txn, &old, &c.new_title, by.name).await?;
        new_certificate = Some(reissued.id);
    }
    let res = title_corrections::Entity::update_many()
        .col_expr(title_corrections::Column::State, Expr::value(to))
        .col_expr(title_corrections::Column::Step, Expr::value(step.map(i16::from)))
        .col_expr(
            title_corrections::Column::CurrentTier,
            Expr::value(step.and_then(|s| chain.get(usize::from(s))).map(|t| t.as_str().to_owned())),
        )
        .col_expr(title_corrections::Column::NewCertificateId, Expr::value(new_certificate))
        .col_expr(title_corrections::Column::UpdatedAt, Expr::value(at))
        .col_expr(title_corrections::Column::RowVersion, Expr::col(title_corrections::Column::RowVersion).add(1))
        .filter(title_corrections::Column::Id.eq(id))
        .filter(title_corrections::Column::RowVersion.eq(row_version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::StaleVersion);
    }
    log(&txn, id, row_version + 1, event, Some(c.state), to, by, reason, at).await?;
    txn.commit().await?;
    get(db, id).await
}

fn from_model(m: title_corrections::Model, name: String) -> Result<Correction, StoreError> {
    Ok(Correction {
        id: m.id,
        person_id: PersonId(m.person_id),
        person_name: name,
        year: m.year,
        unit_id: UnitId(m.unit_id),
        unit_level: m.unit_level,
        medicine: m.medicine,
        county_id: m.county_id.map(RegionId),
        prefecture_id: m.prefecture_id.map(RegionId),
        certificate_id: m.certificate_id,
        old_title: m.old_title,
        new_title: m.new_title,
        new_level: m.new_level,
        obtained_on: m.obtained_on,
        reason: m.reason,
        outcome_preview: m.outcome_preview,
        state: m.state,
        step: m.step.and_then(|s| u8::try_from(s).ok()),
        current_tier: m.current_tier,
        new_certificate_id: m.new_certificate_id,
        requested_by: m.requested_by,
        requested_at: m.requested_at,
        row_version: m.row_version,
        evidence: Vec::new(),
        log: Vec::new(),
    })
}

/// One request with its documents and log.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Correction, StoreError> {
    let m = title_corrections::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    let name: String = people::Entity::find_by_id(m.person_id)
        .select_only()
        .column(people::Column::Name)
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let mut c = from_model(m, name)?;
    c.evidence = title_correction_evidence::Entity::find()
        .filter(title_correction_evidence::Column::CorrectionId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.evidence_id)
        .collect();
    c.log = title_correction_transitions::Entity::find()
        .filter(title_correction_transitions::Column::CorrectionId.eq(id))
        .order_by_asc(title_correction_transitions::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            Ok(LogEntry {
                seq: t.seq,
                event: t.event,
                from: t.from_state,
                to: t.to_state,
                actor_tier: t.actor_tier,
                actor_name: t.actor_name,
                reason: t.reason,
                at: t.at,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(c)
}

/// Whose requests to list.
#[derive(Debug, Clone, Copy)]
pub enum CorrectionScope {
    Person(PersonId),
    Unit(UnitId),
    County(RegionId),
    Prefecture(RegionId),
    Province,
}

impl From<super::verification::OfficeScope> for CorrectionScope {
    /// An office's requests are those of the records it sees (a department: its unit's).
    fn from(scope: super::verification::OfficeScope) -> Self {
        use super::verification::OfficeScope;
        match scope {
            OfficeScope::Province => CorrectionScope::Province,
            OfficeScope::Prefecture(r) => CorrectionScope::Prefecture(r),
            OfficeScope::County(r) => CorrectionScope::County(r),
            OfficeScope::Unit(u) | OfficeScope::Department(u, _) => CorrectionScope::Unit(u),
        }
    }
}

fn condition_of(scope: CorrectionScope) -> Condition {
    match scope {
        CorrectionScope::Person(p) => Condition::all().add(title_corrections::Column::PersonId.eq(p.0)),
        CorrectionScope::Unit(u) => Condition::all().add(title_corrections::Column::UnitId.eq(u.0)),
        CorrectionScope::County(r) => Condition::all().add(title_corrections::Column::CountyId.eq(r.0)),
        CorrectionScope::Prefecture(r) => Condition::all().add(title_corrections::Column::PrefectureId.eq(r.0)),
        CorrectionScope::Province => Condition::all(),
    }
}

/// How many requests in `scope` wait on `tier` (the workbench's 职称更正待审核).
pub async fn count_waiting(db: &impl ConnectionTrait, scope: CorrectionScope, tier: Tier) -> Result<u64, StoreError> {
    Ok(title_corrections::Entity::find()
        .filter(condition_of(scope))
        .filter(title_corrections::Column::CurrentTier.eq(tier))
        .count(db)
        .await?)
}

/// Requests in `scope`, newest first; with `waiting_on`, only those waiting
/// on that tier.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: CorrectionScope,
    waiting_on: Option<Tier>,
) -> Result<Vec<Correction>, StoreError> {
    let mut q = title_corrections::Entity::find().filter(condition_of(scope));
    if let Some(t) = waiting_on {
        q = q.filter(title_corrections::Column::CurrentTier.eq(t));
    }
    let rows = q.order_by_desc(title_corrections::Column::RequestedAt).limit(500).all(db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
    let names: std::collections::HashMap<Uuid, String> = people::Entity::find()
        .select_only()
        .columns([people::Column::Id, people::Column::Name])
        .filter(people::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    rows.into_iter()
        .map(|m| {
            let n = names.get(&m.person_id).cloned().unwrap_or_default();
            from_model(m, n)
        })
        .collect()
}

/// The requests a document backs: (person, unit, county, prefecture).
pub async fn linked_to(
    db: &impl ConnectionTrait,
    evidence_id: Uuid,
) -> Result<Vec<(PersonId, UnitId, Option<RegionId>, Option<RegionId>)>, StoreError> {
    let ids: Vec<Uuid> = title_correction_evidence::Entity::find()
        .filter(title_correction_evidence::Column::EvidenceId.eq(evidence_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.correction_id)
        .collect();
    Ok(title_corrections::Entity::find()
        .filter(title_corrections::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (PersonId(c.person_id), UnitId(c.unit_id), c.county_id.map(RegionId), c.prefecture_id.map(RegionId)))
        .collect())
}
