//! Spot checks (抽验) and on-site inspections (现场抽验), SPEC §5.
//!
//! A check is drawn once, in one transaction: its seed, its parameters, the
//! number of candidates, each institution's finalised and sampled counts,
//! and the sampled records are stored, so anyone can see (and the domain's
//! `draw_sample` can reproduce) what was drawn. Results are recorded per
//! person; closing the check computes each institution's pass rate, sends
//! an institution under 95% back to its unit (every finalised record of
//! that year is re-verified, and its certificates of the year are held),
//! and releases the hold of an institution that now passes.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use cme_domain::ids::{PersonId, RegionId, UnitId};
use cme_domain::org::{Medicine, UnitLevel};
use cme_domain::review::{Tier, review_chain};
use cme_domain::spot_check::{
    CheckStatus, InstitutionOutcome, ItemResult, SampleSpec, SpotCheckKind, draw_institutions, draw_sample,
    institution_outcome, may_check, pass_permille,
};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::now;
use super::verification::{Acting, OfficeScope, finalised, reverify_unit_year};
use crate::entity::{certificate_holds, people, spot_check_items, spot_check_units, spot_checks, units};
use crate::{Refusal, StoreError, batch_rows};

/// What to draw.
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub kind: SpotCheckKind,
    pub year: i32,
    pub office: Tier,
    pub region: RegionId,
    pub scope: OfficeScope,
    pub seed: u64,
    pub spec: SampleSpec,
    /// On-site: how many institutions to draw.
    pub institutions: Option<u32>,
    /// Re-inspect one institution (on-site), instead of drawing.
    pub only_unit: Option<UnitId>,
    pub note: Option<String>,
}

/// A check with its institutions and sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub id: Uuid,
    pub kind: SpotCheckKind,
    pub year: i32,
    pub office: Tier,
    pub region_id: RegionId,
    pub seed: u64,
    pub rate_permille: u32,
    pub per_unit_min: u32,
    pub institutions: Option<u32>,
    pub only_unit: Option<UnitId>,
    pub candidates: u32,
    pub closed: bool,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub row_version: i32,
    pub units: Vec<CheckUnit>,
    pub items: Vec<CheckItem>,
}

/// One institution of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckUnit {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub finalised: u32,
    pub sampled: u32,
    pub passed: Option<u32>,
    pub failed: Option<u32>,
    pub pass_permille: Option<u32>,
    pub outcome: Option<InstitutionOutcome>,
}

/// One sampled person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckItem {
    pub id: Uuid,
    pub verification_id: Uuid,
    pub unit_id: UnitId,
    pub person_id: PersonId,
    pub name: String,
    pub id_masked: String,
    pub result: ItemResult,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<DateTime<Utc>>,
}

fn refused(code: Refusal, detail: impl Into<String>) -> StoreError {
    StoreError::Refused { code, detail: detail.into() }
}

fn u32_of(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn i32_of(v: impl TryInto<i32>) -> i32 {
    v.try_into().unwrap_or(i32::MAX)
}

/// The (level, medicine) pairs whose records `office` may check with `kind`.
fn checkable(office: Tier, kind: SpotCheckKind) -> Vec<(UnitLevel, Medicine)> {
    let mut out = Vec::new();
    for level in UnitLevel::ALL {
        for medicine in Medicine::ALL {
            if may_check(&review_chain(*level, *medicine), office, kind) {
                out.push((*level, *medicine));
            }
        }
    }
    out
}

/// Draws a check and stores it with its sample, in one transaction.
pub async fn draw<C>(db: &C, new: &NewCheck, by: &str) -> Result<Check, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let kinds = checkable(new.office, new.kind);
    if kinds.is_empty() {
        return Err(refused(
            Refusal::NotYourCheck,
            format!(
                "{}不负责{}（抽验由审核链指定的上级办公室进行，现场抽验由省继教委办公室进行）",
                new.office.label(),
                new.kind.label()
            ),
        ));
    }
    let txn = db.begin().await?;
    let all = finalised(&txn, new.scope, new.year, Some(&kinds), new.only_unit).await?;
    let mut strata: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    let mut person_of: HashMap<Uuid, Uuid> = HashMap::with_capacity(all.len());
    for (v, u, p) in &all {
        strata.entry(*u).or_default().push(*v);
        person_of.insert(*v, *p);
    }
    if strata.is_empty() {
        return Err(refused(Refusal::NothingToCheck, format!("{}年度没有可抽验的已完成验证记录", new.year)));
    }
    if new.kind == SpotCheckKind::OnSite && new.only_unit.is_none() {
        let k = new.institutions.unwrap_or(1) as usize;
        let units: Vec<Uuid> = strata.keys().copied().collect();
        let chosen: std::collections::HashSet<Uuid> = draw_institutions(new.seed, &units, k).into_iter().collect();
        strata.retain(|u, _| chosen.contains(u));
    }
    let sample = draw_sample(new.seed, &strata, new.spec);
    let id = Uuid::new_v4();
    let at = now();
    spot_checks::Entity::insert(spot_checks::ActiveModel {
        id: Set(id),
        kind: Set(new.kind),
        year: Set(new.year),
        office: Set(new.office),
        region_id: Set(new.region.0),
        seed: Set(i64::try_from(new.seed).map_err(StoreError::corrupt)?),
        rate_permille: Set(i32_of(new.spec.rate_permille)),
        per_unit_min: Set(i32_of(new.spec.per_unit_min)),
        institutions: Set(new.institutions.map(i32_of)),
        only_unit_id: Set(new.only_unit.map(|u| u.0)),
        candidates: Set(i32_of(all.len())),
        status: Set(CheckStatus::Open),
        note: Set(new.note.clone()),
        created_by: Set(by.to_owned()),
        created_at: Set(at),
        closed_by: Set(None),
        closed_at: Set(None),
        row_version: Set(1),
    })
    .exec_without_returning(&txn)
    .await?;
    let unit_rows: Vec<spot_check_units::ActiveModel> = sample
        .iter()
        .map(|(u, chosen)| spot_check_units::ActiveModel {
            spot_check_id: Set(id),
            unit_id: Set(*u),
            finalised: Set(i32_of(strata.get(u).map_or(0, Vec::len))),
            sampled: Set(i32_of(chosen.len())),
            passed: Set(None),
            failed: Set(None),
            pass_permille: Set(None),
            outcome: Set(None),
        })
        .collect();
    let backend = txn.get_database_backend();
    for chunk in unit_rows.chunks(batch_rows(backend, 8)) {
        spot_check_units::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    let items: Vec<spot_check_items::ActiveModel> = sample
        .iter()
        .flat_map(|(u, chosen)| chosen.iter().map(move |v| (*u, *v)))
        .map(|(u, v)| spot_check_items::ActiveModel {
            id: Set(Uuid::new_v4()),
            spot_check_id: Set(id),
            verification_id: Set(v),
            unit_id: Set(u),
            person_id: Set(person_of.get(&v).copied().unwrap_or_default()),
            result: Set(ItemResult::Pending),
            note: Set(None),
            recorded_by: Set(None),
            recorded_at: Set(None),
        })
        .collect();
    for chunk in items.chunks(batch_rows(backend, 9)) {
        spot_check_items::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    get(db, id).await
}

/// A check with its institutions and sample.
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Check, StoreError> {
    let c = spot_checks::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)?;
    let unit_rows =
        spot_check_units::Entity::find().filter(spot_check_units::Column::SpotCheckId.eq(id)).all(db).await?;
    let item_rows = spot_check_items::Entity::find()
        .filter(spot_check_items::Column::SpotCheckId.eq(id))
        .order_by_asc(spot_check_items::Column::UnitId)
        .order_by_asc(spot_check_items::Column::Id)
        .all(db)
        .await?;
    let unit_ids: Vec<Uuid> = unit_rows.iter().map(|u| u.unit_id).collect();
    let names: HashMap<Uuid, String> = units::Entity::find()
        .select_only()
        .columns([units::Column::Id, units::Column::Name])
        .filter(units::Column::Id.is_in(unit_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut persons: HashMap<Uuid, (String, String)> = HashMap::new();
    for chunk in item_rows.chunks(5000) {
        let ids: Vec<Uuid> = chunk.iter().map(|i| i.person_id).collect();
        for (id, name, masked) in people::Entity::find()
            .select_only()
            .columns([people::Column::Id, people::Column::Name, people::Column::IdNumberMasked])
            .filter(people::Column::Id.is_in(ids))
            .into_tuple::<(Uuid, String, String)>()
            .all(db)
            .await?
        {
            persons.insert(id, (name, masked));
        }
    }
    let mut units_out: Vec<CheckUnit> = unit_rows
        .into_iter()
        .map(|u| {
            Ok(CheckUnit {
                unit_id: UnitId(u.unit_id),
                unit_name: names.get(&u.unit_id).cloned().unwrap_or_default(),
                finalised: u32_of(u.finalised),
                sampled: u32_of(u.sampled),
                passed: u.passed.map(u32_of),
                failed: u.failed.map(u32_of),
                pass_permille: u.pass_permille.map(u32_of),
                outcome: u.outcome,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    units_out.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
    let items = item_rows
        .into_iter()
        .map(|i| {
            let (name, masked) = persons.get(&i.person_id).cloned().unwrap_or_default();
            Ok(CheckItem {
                id: i.id,
                verification_id: i.verification_id,
                unit_id: UnitId(i.unit_id),
                person_id: PersonId(i.person_id),
                name,
                id_masked: masked,
                result: i.result,
                note: i.note,
                recorded_by: i.recorded_by,
                recorded_at: i.recorded_at,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Check {
        id: c.id,
        kind: c.kind,
        year: c.year,
        office: c.office,
        region_id: RegionId(c.region_id),
        seed: u64::try_from(c.seed).map_err(StoreError::corrupt)?,
        rate_permille: u32_of(c.rate_permille),
        per_unit_min: u32_of(c.per_unit_min),
        institutions: c.institutions.map(u32_of),
        only_unit: c.only_unit_id.map(UnitId),
        candidates: u32_of(c.candidates),
        closed: c.status == CheckStatus::Closed,
        note: c.note,
        created_by: c.created_by,
        created_at: c.created_at,
        closed_by: c.closed_by,
        closed_at: c.closed_at,
        row_version: c.row_version,
        units: units_out,
        items,
    })
}

/// A check's headline, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSummary {
    pub id: Uuid,
    pub kind: SpotCheckKind,
    pub year: i32,
    pub office: Tier,
    pub seed: u64,
    pub candidates: u32,
    pub closed: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The checks an office drew (the province sees every one).
pub async fn list(
    db: &impl ConnectionTrait,
    region: Option<RegionId>,
    year: Option<i32>,
) -> Result<Vec<CheckSummary>, StoreError> {
    let mut q = spot_checks::Entity::find();
    if let Some(r) = region {
        q = q.filter(spot_checks::Column::RegionId.eq(r.0));
    }
    if let Some(y) = year {
        q = q.filter(spot_checks::Column::Year.eq(y));
    }
    q.order_by_desc(spot_checks::Column::CreatedAt)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            Ok(CheckSummary {
                id: c.id,
                kind: c.kind,
                year: c.year,
                office: c.office,
                seed: u64::try_from(c.seed).map_err(StoreError::corrupt)?,
                candidates: u32_of(c.candidates),
                closed: c.status == CheckStatus::Closed,
                created_by: c.created_by,
                created_at: c.created_at,
            })
        })
        .collect()
}

/// One result to record.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub item_id: Uuid,
    pub result: ItemResult,
    pub note: Option<String>,
}

/// Records results of an open check, all or nothing; an item not of this
/// check is `NotFound`.
pub async fn record<C>(db: &C, id: Uuid, results: &[Recorded], by: &str) -> Result<Check, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let c = spot_checks::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if c.status == CheckStatus::Closed {
        return Err(refused(Refusal::CheckClosed, "该抽验已结束，不能再登记结果"));
    }
    let at = now();
    for r in results {
        if r.result == ItemResult::Fail && r.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(refused(Refusal::ReasonRequired, "不合格须说明原因"));
        }
        let res = spot_check_items::Entity::update_many()
            .col_expr(spot_check_items::Column::Result, Expr::value(r.result))
            .col_expr(spot_check_items::Column::Note, Expr::value(r.note.clone()))
            .col_expr(spot_check_items::Column::RecordedBy, Expr::value(by))
            .col_expr(spot_check_items::Column::RecordedAt, Expr::value(at))
            .filter(spot_check_items::Column::Id.eq(r.item_id))
            .filter(spot_check_items::Column::SpotCheckId.eq(id))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::NotFound);
        }
    }
    spot_checks::Entity::update_many()
        .col_expr(spot_checks::Column::RowVersion, Expr::col(spot_checks::Column::RowVersion).add(1))
        .filter(spot_checks::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    get(db, id).await
}

/// What closing a check did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Closed {
    /// Institutions sent back, and how many records each had re-verified.
    pub sent_back: Vec<(UnitId, usize)>,
    /// Institutions whose earlier hold this check released.
    pub released: Vec<UnitId>,
}

/// Closes a check: every sampled person must have a result. Computes each
/// institution's pass rate; under 95% its year goes back to the unit and
/// its certificates of the year are held; at 95% or more a hold of that
/// year is released. One transaction.
pub async fn close<C>(db: &C, id: Uuid, row_version: i32, by: &Acting<'_>) -> Result<(Check, Closed), StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let c = spot_checks::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if c.status == CheckStatus::Closed {
        return Err(refused(Refusal::CheckClosed, "该抽验已结束"));
    }
    if c.row_version != row_version {
        return Err(StoreError::StaleVersion);
    }
    let items = spot_check_items::Entity::find().filter(spot_check_items::Column::SpotCheckId.eq(id)).all(&txn).await?;
    let pending = items.iter().filter(|i| i.result == ItemResult::Pending).count();
    if pending > 0 {
        return Err(refused(Refusal::ResultsMissing, format!("尚有 {pending} 人未登记抽验结果，不能结束")));
    }
    let mut tally: BTreeMap<Uuid, (u32, u32)> = BTreeMap::new();
    for i in &items {
        let e = tally.entry(i.unit_id).or_default();
        if i.result == ItemResult::Pass {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let at = now();
    let mut out = Closed::default();
    let kind: SpotCheckKind = c.kind;
    for (unit, (passed, failed)) in &tally {
        let sampled = passed + failed;
        let permille = pass_permille(*passed, sampled);
        let outcome = institution_outcome(*passed, sampled);
        spot_check_units::Entity::update_many()
            .col_expr(spot_check_units::Column::Passed, Expr::value(i32_of(*passed)))
            .col_expr(spot_check_units::Column::Failed, Expr::value(i32_of(*failed)))
            .col_expr(spot_check_units::Column::PassPermille, Expr::value(i32_of(permille)))
            .col_expr(spot_check_units::Column::Outcome, Expr::value(outcome))
            .filter(spot_check_units::Column::SpotCheckId.eq(id))
            .filter(spot_check_units::Column::UnitId.eq(*unit))
            .exec(&txn)
            .await?;
        match outcome {
            InstitutionOutcome::SentBack => {
                let reason = format!(
                    "{}合格率 {}.{}%（{passed}/{sampled}），低于95%，全部退回单位重新验证",
                    kind.label(),
                    permille / 10,
                    permille % 10
                );
                let moved = reverify_unit_year(&txn, UnitId(*unit), c.year, by, &reason).await?;
                let already = certificate_holds::Entity::find()
                    .filter(certificate_holds::Column::UnitId.eq(*unit))
                    .filter(certificate_holds::Column::Year.eq(c.year))
                    .filter(certificate_holds::Column::ReleasedAt.is_null())
                    .one(&txn)
                    .await?;
                if already.is_none() {
                    certificate_holds::Entity::insert(certificate_holds::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        unit_id: Set(*unit),
                        year: Set(c.year),
                        spot_check_id: Set(id),
                        reason: Set(reason),
                        held_by: Set(by.name.to_owned()),
                        held_at: Set(at),
                        released_by_check: Set(None),
                        released_by: Set(None),
                        released_at: Set(None),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                }
                out.sent_back.push((UnitId(*unit), moved));
            }
            InstitutionOutcome::Passed => {
                let res = certificate_holds::Entity::update_many()
                    .col_expr(certificate_holds::Column::ReleasedAt, Expr::value(at))
                    .col_expr(certificate_holds::Column::ReleasedBy, Expr::value(by.name))
                    .col_expr(certificate_holds::Column::ReleasedByCheck, Expr::value(id))
                    .filter(certificate_holds::Column::UnitId.eq(*unit))
                    .filter(certificate_holds::Column::Year.eq(c.year))
                    .filter(certificate_holds::Column::ReleasedAt.is_null())
                    .exec(&txn)
                    .await?;
                if res.rows_affected > 0 {
                    out.released.push(UnitId(*unit));
                }
            }
        }
    }
    spot_checks::Entity::update_many()
        .col_expr(spot_checks::Column::Status, Expr::value(CheckStatus::Closed))
        .col_expr(spot_checks::Column::ClosedBy, Expr::value(by.name))
        .col_expr(spot_checks::Column::ClosedAt, Expr::value(at))
        .col_expr(spot_checks::Column::RowVersion, Expr::col(spot_checks::Column::RowVersion).add(1))
        .filter(spot_checks::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok((get(db, id).await?, out))
}

/// An institution's holds (current and past).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub unit_id: UnitId,
    pub year: i32,
    pub spot_check_id: Uuid,
    pub reason: String,
    pub held_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
    pub released_by_check: Option<Uuid>,
}

/// The holds of a unit.
pub async fn holds_of(db: &impl ConnectionTrait, unit: UnitId) -> Result<Vec<Hold>, StoreError> {
    Ok(certificate_holds::Entity::find()
        .filter(certificate_holds::Column::UnitId.eq(unit.0))
        .order_by_desc(certificate_holds::Column::HeldAt)
        .all(db)
        .await?
        .into_iter()
        .map(|h| Hold {
            unit_id: UnitId(h.unit_id),
            year: h.year,
            spot_check_id: h.spot_check_id,
            reason: h.reason,
            held_at: h.held_at,
            released_at: h.released_at,
            released_by_check: h.released_by_check,
        })
        .collect())
}
