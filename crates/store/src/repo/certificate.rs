//! Certificates as issued (SPEC §8): one row per version, each a frozen
//! snapshot of what it prints, so a certificate prints the same forever.
//!
//! A certificate is made when its number is generated (in the number run's
//! transaction, see [`super::verification::issue_numbers`]); a reissue (a
//! title correction, or a record re-verified after an inspection) adds a
//! version with the same number and supersedes the previous one; an office
//! revokes one with a reason. Its status today also depends on holds: an
//! institution's year sent back by an inspection holds its certificates
//! until a later inspection passes it.

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use cme_domain::certificate::number::token;
use cme_domain::certificate::snapshot::verdict;
use cme_domain::certificate::status::{CertificateStatus, FIRST_CERTIFICATE_YEAR, LookupMethod, status};
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::person::{Gender, Title, title_for_year};
use cme_domain::review::Tier;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::now;
use crate::entity::{
    certificate_holds, certificate_lookups, certificates, compliance, departments, people, person_titles, seals, units,
};
use crate::{StoreError, batch_rows};

/// One version of a certificate, with what it is worth today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub id: Uuid,
    pub verification_id: Uuid,
    pub person_id: PersonId,
    pub unit_id: UnitId,
    pub year: i32,
    pub number: String,
    pub version: i32,
    pub name: String,
    pub gender: String,
    pub id_masked: String,
    pub unit_name: String,
    /// 科室 as printed; `None` for a person without one.
    pub department_name: Option<String>,
    pub title_name: String,
    pub class1_tenths: i32,
    pub class2_tenths: i32,
    pub self_managed_tenths: i32,
    pub total_tenths: i32,
    pub verdict: String,
    pub issuer: String,
    pub issued_by_region: RegionId,
    pub issued_by_office: Tier,
    pub seal_id: Option<Uuid>,
    pub qr_token: String,
    pub check_code: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub superseded_by: Option<Uuid>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    pub row_version: i32,
    /// The institution's year is held by an inspection.
    pub held: bool,
    /// How the year was verified: electronic, or on paper (纸质验证).
    pub path: cme_domain::cycle::paper::VerificationPath,
}

impl Certificate {
    pub fn status(&self) -> CertificateStatus {
        status(self.revoked_at.is_some(), self.superseded_at.is_some(), self.held)
    }

    fn from_model(m: certificates::Model, held: bool) -> Result<Certificate, StoreError> {
        Ok(Certificate {
            id: m.id,
            verification_id: m.verification_id,
            person_id: PersonId(m.person_id),
            unit_id: UnitId(m.unit_id),
            year: m.year,
            number: m.number,
            version: m.version,
            name: m.name,
            gender: m.gender,
            id_masked: m.id_masked,
            unit_name: m.unit_name,
            department_name: m.department_name,
            title_name: m.title_name,
            class1_tenths: m.class1_tenths,
            class2_tenths: m.class2_tenths,
            self_managed_tenths: m.self_managed_tenths,
            total_tenths: m.total_tenths,
            verdict: m.verdict,
            issuer: m.issuer,
            issued_by_region: RegionId(m.issued_by_region),
            issued_by_office: m.issued_by_office,
            seal_id: m.seal_id,
            qr_token: m.qr_token,
            check_code: m.check_code,
            issued_by: m.issued_by,
            issued_at: m.issued_at,
            superseded_at: m.superseded_at,
            superseded_by: m.superseded_by,
            revoked_at: m.revoked_at,
            revoked_by: m.revoked_by,
            revoke_reason: m.revoke_reason,
            row_version: m.row_version,
            held,
            path: m.path,
        })
    }
}

/// A fresh QR token (26 Crockford characters, 128 random bits) and check
/// code (8 characters, 40 random bits).
fn fresh_codes() -> (String, String) {
    (token(Uuid::new_v4().as_bytes(), 26), token(&Uuid::new_v4().as_bytes()[..5], 8))
}

/// What a number run hands over for each record it certified.
#[derive(Debug, Clone)]
pub(crate) struct Certified {
    pub verification_id: Uuid,
    pub person_id: Uuid,
    pub unit_id: Uuid,
    pub year: i32,
    pub number: String,
    pub deemed_compliant: bool,
    /// The special-list reason of the record, if it came on that list.
    pub special: Option<cme_domain::cycle::special::SpecialReason>,
    /// The record's path (a paper verification's certificate says so).
    pub path: cme_domain::cycle::paper::VerificationPath,
}

/// Who issues: the office (its region and tier) and the committee printed.
#[derive(Debug, Clone, Copy)]
pub struct Issuer<'a> {
    pub region: RegionId,
    pub office: Tier,
    pub name: &'a str,
    pub by: &'a str,
}

/// Makes the certificates of records just numbered (or re-numbered after a
/// re-verification: a new version of the same number, superseding the
/// last), in the caller's transaction. Years before 2015 get none.
pub(crate) async fn create_for(
    db: &impl ConnectionTrait,
    records: &[Certified],
    issuer: Issuer<'_>,
) -> Result<usize, StoreError> {
    let records: Vec<&Certified> = records.iter().filter(|r| r.year >= FIRST_CERTIFICATE_YEAR).collect();
    if records.is_empty() {
        return Ok(0);
    }
    let person_ids: Vec<Uuid> = records.iter().map(|r| r.person_id).collect();
    let persons: HashMap<Uuid, (String, String, String, Option<Uuid>)> = people::Entity::find()
        .select_only()
        .columns([
            people::Column::Id,
            people::Column::Name,
            people::Column::Gender,
            people::Column::IdNumberMasked,
            people::Column::DepartmentId,
        ])
        .filter(people::Column::Id.is_in(person_ids.clone()))
        .into_tuple::<(Uuid, String, String, String, Option<Uuid>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, n, g, m, d)| (id, (n, g, m, d)))
        .collect();
    let unit_ids: Vec<Uuid> = records.iter().map(|r| r.unit_id).collect::<HashSet<_>>().into_iter().collect();
    let unit_names: HashMap<Uuid, String> = units::Entity::find()
        .select_only()
        .columns([units::Column::Id, units::Column::Name])
        .filter(units::Column::Id.is_in(unit_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    // The department each holder works in when the certificate is issued.
    let department_ids: Vec<Uuid> = persons.values().filter_map(|p| p.3).collect::<HashSet<_>>().into_iter().collect();
    let department_names: HashMap<Uuid, String> = if department_ids.is_empty() {
        HashMap::new()
    } else {
        departments::Entity::find()
            .select_only()
            .columns([departments::Column::Id, departments::Column::Name])
            .filter(departments::Column::Id.is_in(department_ids))
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let mut titles: HashMap<Uuid, Vec<Title>> = HashMap::new();
    for t in
        person_titles::Entity::find().filter(person_titles::Column::PersonId.is_in(person_ids.clone())).all(db).await?
    {
        titles.entry(t.person_id).or_default().push(Title { name: t.name, level: t.level, obtained_on: t.obtained_on });
    }
    let mut sums: HashMap<(Uuid, i32), [i32; 4]> = HashMap::new();
    let mut compliant: HashSet<(Uuid, i32)> = HashSet::new();
    for c in compliance::Entity::find()
        .select_only()
        .columns([
            compliance::Column::PersonId,
            compliance::Column::Year,
            compliance::Column::ITenths,
            compliance::Column::IiTenths,
            compliance::Column::SelfTenths,
            compliance::Column::TotalTenths,
            compliance::Column::Outcome,
        ])
        .filter(compliance::Column::PersonId.is_in(person_ids.clone()))
        .into_tuple::<(Uuid, i32, i32, i32, i32, i32, String)>()
        .all(db)
        .await?
    {
        sums.insert((c.0, c.1), [c.2, c.3, c.4, c.5]);
        if c.6 == cme_domain::compliance::Outcome::Compliant.as_str() {
            compliant.insert((c.0, c.1));
        }
    }
    // The current versions of these records, to supersede on a reissue.
    let verification_ids: Vec<Uuid> = records.iter().map(|r| r.verification_id).collect();
    let current: HashMap<Uuid, (Uuid, i32)> = certificates::Entity::find()
        .select_only()
        .columns([certificates::Column::VerificationId, certificates::Column::Id, certificates::Column::Version])
        .filter(certificates::Column::VerificationId.is_in(verification_ids))
        .filter(certificates::Column::SupersededAt.is_null())
        .into_tuple::<(Uuid, Uuid, i32)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(v, id, version)| (v, (id, version)))
        .collect();
    let seal = active_seal_id(db, issuer.region, issuer.office).await?;
    let at = now();
    let mut rows = Vec::with_capacity(records.len());
    let mut superseded: Vec<(Uuid, Uuid)> = Vec::new();
    for r in &records {
        let (name, gender, masked, department) = persons.get(&r.person_id).cloned().ok_or(StoreError::NotFound)?;
        let gender = gender.parse::<Gender>().map(|g| g.label().to_owned()).unwrap_or(gender);
        let title = titles
            .get(&r.person_id)
            .and_then(|t| title_for_year(t, r.year))
            .map_or_else(|| "—".to_owned(), |t| t.name.clone());
        let [c1, c2, cs, ct] = sums.get(&(r.person_id, r.year)).copied().unwrap_or_default();
        let id = Uuid::new_v4();
        let version = match current.get(&r.verification_id) {
            Some((old, v)) => {
                superseded.push((*old, id));
                v + 1
            }
            None => 1,
        };
        let (qr, check) = fresh_codes();
        rows.push(certificates::ActiveModel {
            id: Set(id),
            verification_id: Set(r.verification_id),
            person_id: Set(r.person_id),
            unit_id: Set(r.unit_id),
            year: Set(r.year),
            number: Set(r.number.clone()),
            version: Set(version),
            name: Set(name),
            gender: Set(gender),
            id_masked: Set(masked),
            unit_name: Set(unit_names.get(&r.unit_id).cloned().unwrap_or_default()),
            department_name: Set(department.and_then(|d| department_names.get(&d).cloned())),
            title_name: Set(title),
            class1_tenths: Set(c1),
            class2_tenths: Set(c2),
            self_managed_tenths: Set(cs),
            total_tenths: Set(ct),
            verdict: Set(verdict(r.special, r.deemed_compliant, compliant.contains(&(r.person_id, r.year)))),
            issuer: Set(issuer.name.to_owned()),
            issued_by_region: Set(issuer.region.0),
            issued_by_office: Set(issuer.office),
            seal_id: Set(seal),
            qr_token: Set(qr),
            check_code: Set(check),
            issued_by: Set(issuer.by.to_owned()),
            issued_at: Set(at),
            superseded_at: Set(None),
            superseded_by: Set(None),
            revoked_at: Set(None),
            revoked_by: Set(None),
            revoke_reason: Set(None),
            row_version: Set(1),
            path: Set(r.path),
        });
    }
    supersede(db, &superseded, at).await?;
    let n = rows.len();
    for chunk in rows.chunks(batch_rows(db.get_database_backend(), 32)) {
        certificates::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(n)
}

async fn supersede(db: &impl ConnectionTrait, pairs: &[(Uuid, Uuid)], at: DateTime<Utc>) -> Result<(), StoreError> {
    for (old, new) in pairs {
        certificates::Entity::update_many()
            .col_expr(certificates::Column::SupersededAt, Expr::value(at))
            .col_expr(certificates::Column::SupersededBy, Expr::value(*new))
            .col_expr(certificates::Column::RowVersion, Expr::col(certificates::Column::RowVersion).add(1))
            .filter(certificates::Column::Id.eq(*old))
            .filter(certificates::Column::SupersededAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Reissues one certificate after a title correction: a new version with
/// the same number and the new title (and the year's credits as they stand
/// now), superseding `old`. Returns the new version.
pub async fn reissue_with_title(
    db: &impl ConnectionTrait,
    old: &Certificate,
    title_name: &str,
    by: &str,
) -> Result<Certificate, StoreError> {
    let at = now();
    let sums: Option<(i32, i32, i32, i32)> = compliance::Entity::find()
        .select_only()
        .columns([
            compliance::Column::ITenths,
            compliance::Column::IiTenths,
            compliance::Column::SelfTenths,
            compliance::Column::TotalTenths,
        ])
        .filter(compliance::Column::PersonId.eq(old.person_id.0))
        .filter(compliance::Column::Year.eq(old.year))
        .into_tuple()
        .one(db)
        .await?;
    let (c1, c2, cs, ct) =
        sums.unwrap_or((old.class1_tenths, old.class2_tenths, old.self_managed_tenths, old.total_tenths));
    let seal = active_seal_id(db, old.issued_by_region, old.issued_by_office).await?.or(old.seal_id);
    let (qr, check) = fresh_codes();
    let id = Uuid::new_v4();
    let model = certificates::ActiveModel {
        id: Set(id),
        verification_id: Set(old.verification_id),
        person_id: Set(old.person_id.0),
        unit_id: Set(old.unit_id.0),
        year: Set(old.year),
        number: Set(old.number.clone()),
        version: Set(old.version + 1),
        name: Set(old.name.clone()),
        gender: Set(old.gender.clone()),
        id_masked: Set(old.id_masked.clone()),
        unit_name: Set(old.unit_name.clone()),
        department_name: Set(old.department_name.clone()),
        title_name: Set(title_name.to_owned()),
        class1_tenths: Set(c1),
        class2_tenths: Set(c2),
        self_managed_tenths: Set(cs),
        total_tenths: Set(ct),
        verdict: Set(old.verdict.clone()),
        issuer: Set(old.issuer.clone()),
        issued_by_region: Set(old.issued_by_region.0),
        issued_by_office: Set(old.issued_by_office),
        seal_id: Set(seal),
        qr_token: Set(qr),
        check_code: Set(check),
        issued_by: Set(by.to_owned()),
        issued_at: Set(at),
        superseded_at: Set(None),
        superseded_by: Set(None),
        revoked_at: Set(None),
        revoked_by: Set(None),
        revoke_reason: Set(None),
        row_version: Set(1),
        path: Set(old.path),
    };
    let res = certificates::Entity::update_many()
        .col_expr(certificates::Column::SupersededAt, Expr::value(at))
        .col_expr(certificates::Column::SupersededBy, Expr::value(id))
        .col_expr(certificates::Column::RowVersion, Expr::col(certificates::Column::RowVersion).add(1))
        .filter(certificates::Column::Id.eq(old.id))
        .filter(certificates::Column::SupersededAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::StaleVersion);
    }
    certificates::Entity::insert(model).exec_without_returning(db).await?;
    get(db, id).await
}

/// Revokes one version (an office's decision, with its reason). A version
/// already revoked, or changed since `row_version`, is `StaleVersion`.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: Uuid,
    row_version: i32,
    by: &str,
    reason: &str,
) -> Result<Certificate, StoreError> {
    let res = certificates::Entity::update_many()
        .col_expr(certificates::Column::RevokedAt, Expr::value(now()))
        .col_expr(certificates::Column::RevokedBy, Expr::value(by))
        .col_expr(certificates::Column::RevokeReason, Expr::value(reason))
        .col_expr(certificates::Column::RowVersion, Expr::col(certificates::Column::RowVersion).add(1))
        .filter(certificates::Column::Id.eq(id))
        .filter(certificates::Column::RowVersion.eq(row_version))
        .filter(certificates::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::StaleVersion);
    }
    get(db, id).await
}

async fn with_holds(db: &impl ConnectionTrait, rows: Vec<certificates::Model>) -> Result<Vec<Certificate>, StoreError> {
    let pairs: HashSet<(Uuid, i32)> = rows.iter().map(|r| (r.unit_id, r.year)).collect();
    let held = held_pairs(db, &pairs).await?;
    rows.into_iter()
        .map(|m| {
            let h = held.contains(&(m.unit_id, m.year));
            Certificate::from_model(m, h)
        })
        .collect()
}

/// The (unit, year) pairs of `pairs` held by an inspection now.
pub async fn held_pairs(
    db: &impl ConnectionTrait,
    pairs: &HashSet<(Uuid, i32)>,
) -> Result<HashSet<(Uuid, i32)>, StoreError> {
    if pairs.is_empty() {
        return Ok(HashSet::new());
    }
    let unit_ids: Vec<Uuid> = pairs.iter().map(|p| p.0).collect::<HashSet<_>>().into_iter().collect();
    let mut held = HashSet::new();
    for chunk in unit_ids.chunks(5000) {
        let rows: Vec<(Uuid, i32)> = certificate_holds::Entity::find()
            .select_only()
            .columns([certificate_holds::Column::UnitId, certificate_holds::Column::Year])
            .filter(certificate_holds::Column::UnitId.is_in(chunk.to_vec()))
            .filter(certificate_holds::Column::ReleasedAt.is_null())
            .into_tuple()
            .all(db)
            .await?;
        held.extend(rows.into_iter().filter(|p| pairs.contains(p)));
    }
    Ok(held)
}

/// One version by id.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Certificate, StoreError> {
    let m = certificates::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    with_holds(db, vec![m]).await?.pop().ok_or(StoreError::NotFound)
}

/// The version a QR code names.
pub async fn by_qr_token(db: &impl ConnectionTrait, qr_token: &str) -> Result<Option<Certificate>, StoreError> {
    let Some(m) = certificates::Entity::find().filter(certificates::Column::QrToken.eq(qr_token)).one(db).await? else {
        return Ok(None);
    };
    Ok(with_holds(db, vec![m]).await?.pop())
}

/// The version a number and its printed check code name.
pub async fn by_number_and_code(
    db: &impl ConnectionTrait,
    number: &str,
    check_code: &str,
) -> Result<Option<Certificate>, StoreError> {
    let Some(m) = certificates::Entity::find()
        .filter(certificates::Column::Number.eq(number))
        .filter(certificates::Column::CheckCode.eq(check_code))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(with_holds(db, vec![m]).await?.pop())
}

/// Every version of a person's certificates, newest year and version first.
pub async fn of_person(db: &impl ConnectionTrait, person: PersonId) -> Result<Vec<Certificate>, StoreError> {
    let rows = certificates::Entity::find()
        .filter(certificates::Column::PersonId.eq(person.0))
        .order_by_desc(certificates::Column::Year)
        .order_by_desc(certificates::Column::Version)
        .all(db)
        .await?;
    with_holds(db, rows).await
}

/// The current version of a person's certificate of `year`.
pub async fn current_of(
    db: &impl ConnectionTrait,
    person: PersonId,
    year: i32,
) -> Result<Option<Certificate>, StoreError> {
    let Some(m) = certificates::Entity::find()
        .filter(certificates::Column::PersonId.eq(person.0))
        .filter(certificates::Column::Year.eq(year))
        .filter(certificates::Column::SupersededAt.is_null())
        .order_by_desc(certificates::Column::Version)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(with_holds(db, vec![m]).await?.pop())
}

/// What to print: current versions of a year, of one unit (optionally one
/// department, chosen people, a name or an ID number's keyed hash) or of a
/// region (county or prefecture), ordered by department and name.
#[derive(Debug, Clone, Default)]
pub struct PrintFilter {
    pub year: i32,
    pub unit: Option<UnitId>,
    pub department: Option<DepartmentId>,
    pub county: Option<RegionId>,
    pub prefecture: Option<RegionId>,
    pub people: Option<Vec<PersonId>>,
    pub name: Option<String>,
    pub id_hmac: Option<Vec<u8>>,
    /// Only versions issued by this office (an office's revocation list).
    pub issued_by: Option<(RegionId, Tier)>,
}

/// The current certificates matching `f`, at most `limit`, after `after`
/// (the last id of the previous page, in (name, id) order).
pub async fn list(
    db: &impl ConnectionTrait,
    f: &PrintFilter,
    limit: u64,
    after: Option<(String, Uuid)>,
) -> Result<Vec<Certificate>, StoreError> {
    let mut q = certificates::Entity::find()
        .filter(certificates::Column::Year.eq(f.year))
        .filter(certificates::Column::SupersededAt.is_null());
    if let Some(u) = f.unit {
        q = q.filter(certificates::Column::UnitId.eq(u.0));
    }
    let needs_people = f.department.is_some() || f.county.is_some() || f.prefecture.is_some() || f.id_hmac.is_some();
    if needs_people {
        let mut sub = Condition::all();
        if let Some(d) = f.department {
            sub = sub.add(people::Column::DepartmentId.eq(d.0));
        }
        if let Some(c) = f.county {
            sub = sub.add(people::Column::CountyId.eq(c.0));
        }
        if let Some(p) = f.prefecture {
            sub = sub.add(people::Column::PrefectureId.eq(p.0));
        }
        if let Some(h) = &f.id_hmac {
            sub = sub.add(people::Column::IdNumberHmac.eq(h.clone()));
        }
        use sea_orm::QueryTrait as _;
        let ids = people::Entity::find().select_only().column(people::Column::Id).filter(sub).into_query();
        q = q.filter(certificates::Column::PersonId.in_subquery(ids));
    }
    if let Some(ps) = &f.people {
        q = q.filter(certificates::Column::PersonId.is_in(ps.iter().map(|p| p.0)));
    }
    if let Some(n) = f.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        q = q.filter(certificates::Column::Name.contains(n));
    }
    if let Some((region, office)) = f.issued_by {
        q = q
            .filter(certificates::Column::IssuedByRegion.eq(region.0))
            .filter(certificates::Column::IssuedByOffice.eq(office));
    }
    if let Some((name, id)) = after {
        q = q.filter(
            Condition::any()
                .add(certificates::Column::Name.gt(name.clone()))
                .add(Condition::all().add(certificates::Column::Name.eq(name)).add(certificates::Column::Id.gt(id))),
        );
    }
    let rows =
        q.order_by_asc(certificates::Column::Name).order_by_asc(certificates::Column::Id).limit(limit).all(db).await?;
    with_holds(db, rows).await
}

/// Records one public lookup, in the lookups table (shown to the issuing
/// office) and in the audit chain (`certificate.public_lookup`, placed at the
/// certificate's unit). `client` is a keyed hash of the caller's address,
/// never the address itself.
pub async fn log_lookup<C>(
    db: &C,
    method: LookupMethod,
    number: Option<&str>,
    found: Option<&Certificate>,
    client: &str,
) -> Result<(), StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let mut entry = super::audit::AuditEntry::new(AuditAction::CertificatePublicLookup).detail(serde_json::json!({
        "method": method,
        "number": number,
        "found": found.is_some(),
        "status": found.map(|c| c.status().as_str()),
        "client": client,
    }));
    if let Some(c) = found {
        entry = entry.target(AuditTarget::Certificate, c.id).place(Some(c.issued_by_region), Some(c.unit_id));
    }
    super::audit::append(&txn, &entry).await?;
    certificate_lookups::Entity::insert(certificate_lookups::ActiveModel {
        id: Set(Uuid::new_v4()),
        at: Set(now()),
        method: Set(method),
        number: Set(number.map(str::to_owned)),
        found: Set(found.is_some()),
        certificate_id: Set(found.map(|c| c.id)),
        status: Set(found.map(Certificate::status)),
        client: Set(client.to_owned()),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// How many lookups a certificate had (shown to its office).
pub async fn lookups_of(db: &impl ConnectionTrait, certificate: Uuid) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait as _;
    Ok(certificate_lookups::Entity::find()
        .filter(certificate_lookups::Column::CertificateId.eq(certificate))
        .count(db)
        .await?)
}

/// An office's seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub id: Uuid,
    pub region_id: RegionId,
    pub office: Tier,
    pub png: Vec<u8>,
    pub width: i32,
    pub height: i32,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

fn seal_from(m: seals::Model) -> Result<Seal, StoreError> {
    Ok(Seal {
        id: m.id,
        region_id: RegionId(m.region_id),
        office: m.office,
        png: m.png,
        width: m.width,
        height: m.height,
        sha256: m.sha256,
        uploaded_by: m.uploaded_by,
        uploaded_at: m.uploaded_at,
        retired_at: m.retired_at,
    })
}

async fn active_seal_id(db: &impl ConnectionTrait, region: RegionId, office: Tier) -> Result<Option<Uuid>, StoreError> {
    Ok(seals::Entity::find()
        .select_only()
        .column(seals::Column::Id)
        .filter(seals::Column::RegionId.eq(region.0))
        .filter(seals::Column::Office.eq(office))
        .filter(seals::Column::RetiredAt.is_null())
        .into_tuple::<Uuid>()
        .one(db)
        .await?)
}

/// The office's seal in use, if any.
pub async fn active_seal(
    db: &impl ConnectionTrait,
    region: RegionId,
    office: Tier,
) -> Result<Option<Seal>, StoreError> {
    seals::Entity::find()
        .filter(seals::Column::RegionId.eq(region.0))
        .filter(seals::Column::Office.eq(office))
        .filter(seals::Column::RetiredAt.is_null())
        .one(db)
        .await?
        .map(seal_from)
        .transpose()
}

/// A seal by id (retired ones too: old certificates print with theirs).
pub async fn seal(db: &impl ConnectionTrait, id: Uuid) -> Result<Seal, StoreError> {
    seal_from(seals::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?)
}

/// Stores a new seal for the office and retires the one in use, in the
/// caller's transaction. Certificates issued before keep printing with the
/// seal they were issued with.
pub async fn put_seal(
    db: &impl ConnectionTrait,
    region: RegionId,
    office: Tier,
    png: Vec<u8>,
    (width, height): (u32, u32),
    sha256: String,
    by: &str,
) -> Result<Seal, StoreError> {
    let at = now();
    retire_seal(db, region, office, by).await?;
    let id = Uuid::new_v4();
    seals::Entity::insert(seals::ActiveModel {
        id: Set(id),
        region_id: Set(region.0),
        office: Set(office),
        png: Set(png),
        width: Set(i32::try_from(width).map_err(StoreError::corrupt)?),
        height: Set(i32::try_from(height).map_err(StoreError::corrupt)?),
        sha256: Set(sha256),
        uploaded_by: Set(by.to_owned()),
        uploaded_at: Set(at),
        retired_at: Set(None),
        retired_by: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    seal(db, id).await
}

/// Retires the office's seal in use (new certificates then print with the
/// seal area marked 须加盖印章). Returns whether there was one.
pub async fn retire_seal(
    db: &impl ConnectionTrait,
    region: RegionId,
    office: Tier,
    by: &str,
) -> Result<bool, StoreError> {
    let res = seals::Entity::update_many()
        .col_expr(seals::Column::RetiredAt, Expr::value(now()))
        .col_expr(seals::Column::RetiredBy, Expr::value(by))
        .filter(seals::Column::RegionId.eq(region.0))
        .filter(seals::Column::Office.eq(office))
        .filter(seals::Column::RetiredAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// The certificate versions `ids`, in that order (missing ones left out).
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Certificate>, StoreError> {
    let mut found: HashMap<Uuid, Certificate> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(crate::batch_rows(db.get_database_backend(), 1)) {
        let rows = certificates::Entity::find().filter(certificates::Column::Id.is_in(chunk.to_vec())).all(db).await?;
        found.extend(with_holds(db, rows).await?.into_iter().map(|c| (c.id, c)));
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}
