//! CME activities: creation with a per-year serial code, scoped reads,
//! cancellation, and who has signed in.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use cme_domain::Credits;
use cme_domain::activity::{Activity, ActivityOwner, Cancellation, activity_code};
use cme_domain::auth::Scope;
use cme_domain::credit::{CreditCategory, CreditSource};
use cme_domain::ids::{ActivityId, PersonId, RegionId, UnitId};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::{Page, contains_pattern, now, page_limit, paginate, scope};
use crate::Constraint;
use crate::StoreError;
use crate::entity::{activities, credits};

/// An activity to create; the store gives it its id, code and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    pub name: String,
    pub organiser: String,
    pub category: CreditCategory,
    pub amount: Credits,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub owner: ActivityOwner,
    pub created_by: Option<String>,
}

fn to_domain(m: activities::Model) -> Result<Activity, StoreError> {
    let kind = m.kind;
    let source = m.source;
    let category = CreditCategory::from_parts(kind, source).ok_or_else(|| {
        StoreError::corrupt(format!("activity {} has kind {} and source {:?}", m.id, m.kind, m.source))
    })?;
    let owner = match (m.region_id, m.unit_id) {
        (Some(r), None) => ActivityOwner::Region(RegionId(r)),
        (None, Some(u)) => ActivityOwner::Unit(UnitId(u)),
        _ => return Err(StoreError::corrupt(format!("activity {} has no single owner", m.id))),
    };
    let tenths = u32::try_from(m.amount_tenths)
        .map_err(|_| StoreError::corrupt(format!("activity {} has amount {}", m.id, m.amount_tenths)))?;
    let cancelled = match (m.cancelled_at, m.cancel_reason) {
        (Some(at), reason) => Some(Cancellation { at, reason: reason.unwrap_or_default() }),
        (None, _) => None,
    };
    Ok(Activity {
        id: ActivityId(m.id),
        code: m.code,
        name: m.name,
        organiser: m.organiser,
        category,
        amount: Credits::from_tenths(tenths),
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        owner,
        created_by: m.created_by,
        created_at: m.created_at,
        cancelled,
    })
}

/// The organisation a new activity of an actor in `scope` belongs to: the
/// province's root region for the province offices, the office's region, or
/// the unit. `None` for departments and trainees, who organise none.
pub async fn owner_for(db: &impl ConnectionTrait, scope: &Scope) -> Result<Option<ActivityOwner>, StoreError> {
    Ok(match *scope {
        Scope::Province => Some(ActivityOwner::Region(super::region::root(db).await?)),
        Scope::Region(r) => Some(ActivityOwner::Region(r)),
        Scope::Unit(u) => Some(ActivityOwner::Unit(u)),
        Scope::Department(..) | Scope::Person(..) => None,
    })
}

/// The jurisdiction of an activity's owner: whom its roster may credit (a
/// unit's staff; the people of an office's region, everyone for the
/// province's root region).
pub fn owner_scope(owner: ActivityOwner) -> Scope {
    match owner {
        ActivityOwner::Region(r) => Scope::Region(r),
        ActivityOwner::Unit(u) => Scope::Unit(u),
    }
}

/// Activities visible in a scope: its own and those of the organisations
/// below it (an office: its region's, the regions' below and their units';
/// a unit: its own).
fn visible(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => Condition::any()
            .add(activities::Column::RegionId.in_subquery(scope::region_and_below(r)))
            .add(activities::Column::UnitId.in_subquery(scope::units_in_region(r))),
        Scope::Unit(u) => Condition::all().add(activities::Column::UnitId.eq(u.0)),
        Scope::Department(..) | Scope::Person(..) => Condition::all().add(Expr::cust("1 = 0")),
    }
}

/// Creates an activity with the next serial of its year (`HD2026-000124`).
/// Two creations racing for a serial: the loser takes the next one. Serials
/// may have gaps (a rolled-back creation), never duplicates.
pub async fn insert<C>(db: &C, new: &NewActivity) -> Result<Activity, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let year = chrono::Datelike::year(&new.starts_on);
    let amount = i32::try_from(new.amount.tenths()).map_err(|_| StoreError::corrupt("amount out of range"))?;
    let (region_id, unit_id) = match new.owner {
        ActivityOwner::Region(r) => (Some(r.0), None),
        ActivityOwner::Unit(u) => (None, Some(u.0)),
    };
    let mut attempts = 0;
    loop {
        // A savepoint inside the caller's transaction: a lost race rolls back
        // only this attempt.
        let txn = db.begin().await?;
        let last: Option<Option<i32>> = activities::Entity::find()
            .filter(activities::Column::Year.eq(year))
            .select_only()
            .expr(Expr::col(activities::Column::Seq).max())
            .into_tuple()
            .one(&txn)
            .await?;
        let seq = last.flatten().unwrap_or(0) + 1;
        let id = Uuid::now_v7();
        let code = activity_code(year, u32::try_from(seq).map_err(StoreError::corrupt)?);
        let row = activities::ActiveModel {
            id: Set(id),
            code: Set(code),
            seq: Set(seq),
            name: Set(new.name.clone()),
            organiser: Set(new.organiser.clone()),
            kind: Set(new.category.kind()),
            source: Set(new.category.source()),
            class: Set(new.category.source().map(CreditSource::class)),
            amount_tenths: Set(amount),
            starts_on: Set(new.starts_on),
            ends_on: Set(new.ends_on),
            year: Set(year),
            region_id: Set(region_id),
            unit_id: Set(unit_id),
            created_by: Set(new.created_by.clone()),
            created_at: Set(now()),
            cancelled_at: Set(None),
            cancel_reason: Set(None),
        };
        match activities::Entity::insert(row).exec_without_returning(&txn).await.map_err(StoreError::from) {
            Ok(_) => {
                let created = get(&txn, ActivityId(id)).await?;
                txn.commit().await?;
                return Ok(created);
            }
            Err(StoreError::Conflict { constraint })
                if constraint == Constraint::ActivitiesCode.name() && attempts < 20 =>
            {
                txn.rollback().await?;
                attempts += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// An activity, whoever may see it (a trainee's sign-in names it by code).
pub async fn get(db: &impl ConnectionTrait, id: ActivityId) -> Result<Activity, StoreError> {
    activities::Entity::find_by_id(id.0).one(db).await?.ok_or(StoreError::NotFound).and_then(to_domain)
}

/// An activity visible in `scope`; `NotFound` for any other.
pub async fn get_scoped(db: &impl ConnectionTrait, scope: &Scope, id: ActivityId) -> Result<Activity, StoreError> {
    activities::Entity::find_by_id(id.0)
        .filter(visible(scope))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_domain)
}

/// Filters of an activity list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    pub year: Option<i32>,
    /// A part of the name.
    pub name_contains: Option<String>,
}

/// Activities visible in `scope` that pass `filter`, newest first, one page
/// before the cursor `before` (an id of the previous page's last item).
pub async fn list_scoped(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &ActivityFilter,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Page<Activity>, StoreError> {
    let limit = page_limit(limit);
    let mut query = activities::Entity::find().filter(visible(scope));
    if let Some(year) = filter.year {
        query = query.filter(activities::Column::Year.eq(year));
    }
    if let Some(name) = filter.name_contains.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        query = query.filter(activities::Column::Name.like(contains_pattern(name)));
    }
    if let Some(before) = before {
        query = query.filter(activities::Column::Id.lt(before));
    }
    let rows = query.order_by_desc(activities::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    Ok(Page { items: rows.into_iter().map(to_domain).collect::<Result<_, _>>()?, next })
}

/// Cancels an activity (it is never deleted; credits it issued stay).
/// `false` when it was already cancelled.
pub async fn cancel(
    db: &impl ConnectionTrait,
    id: ActivityId,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let res = activities::Entity::update_many()
        .col_expr(activities::Column::CancelledAt, Expr::value(at))
        .col_expr(activities::Column::CancelReason, Expr::value(reason))
        .filter(activities::Column::Id.eq(id.0))
        .filter(activities::Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected == 1 {
        return Ok(true);
    }
    get(db, id).await?;
    Ok(false)
}

/// How many people each activity has credited (sign-ins and roster),
/// reversing entries not counted.
pub async fn sign_in_counts(
    db: &impl ConnectionTrait,
    ids: &[ActivityId],
) -> Result<HashMap<ActivityId, u64>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = credits::Entity::find()
        .select_only()
        .column(credits::Column::ActivityId)
        .expr(Expr::col(credits::Column::Id).count())
        .filter(credits::Column::ActivityId.is_in(ids.iter().map(|a| a.0)))
        .filter(credits::Column::ReversesId.is_null())
        .group_by(credits::Column::ActivityId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (ActivityId(id), u64::try_from(n).unwrap_or(0))).collect())
}

/// Which of `people` already hold a credit of the activity.
pub async fn signed_in(
    db: &impl ConnectionTrait,
    activity: ActivityId,
    people: &[PersonId],
) -> Result<HashSet<PersonId>, StoreError> {
    let mut out = HashSet::new();
    for chunk in people.chunks(1_000) {
        let ids: Vec<Uuid> = credits::Entity::find()
            .select_only()
            .column(credits::Column::PersonId)
            .filter(credits::Column::ActivityId.eq(activity.0))
            .filter(credits::Column::ReversesId.is_null())
            .filter(credits::Column::PersonId.is_in(chunk.iter().map(|p| p.0)))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(ids.into_iter().map(PersonId));
    }
    Ok(out)
}
