//! The verification cycle of each year (SPEC §5): its calendar, set by the
//! province, and the submission windows each office sets for the tiers of
//! units below it.

use chrono::{DateTime, Utc};
use cme_domain::cycle::calendar::{Calendar, CalendarDates};
use cme_domain::cycle::window::{Window, WindowTier, effective_window};
use cme_domain::ids::{RegionId, UnitId};
use cme_domain::org::Region;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use uuid::Uuid;

use super::{now, region};
use crate::StoreError;
use crate::entity::{cycles, submission_windows, units};

/// A stored cycle: its calendar and who set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleRecord {
    pub calendar: Calendar,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub row_version: i32,
}

fn to_domain(m: cycles::Model) -> Result<CycleRecord, StoreError> {
    let dates = CalendarDates {
        opens_on: m.opens_on,
        data_due: m.data_due,
        inspection_from: m.inspection_from,
        inspection_to: m.inspection_to,
        questions_until: m.questions_until,
        closes_on: m.closes_on,
    };
    Ok(CycleRecord {
        calendar: Calendar::parse(m.year, dates).map_err(|e| StoreError::corrupt(format!("cycle {}: {e}", m.year)))?,
        opened_by: m.opened_by,
        opened_at: m.opened_at,
        updated_by: m.updated_by,
        updated_at: m.updated_at,
        row_version: m.row_version,
    })
}

/// The cycle of `year`, if the province opened it.
pub async fn get(db: &impl ConnectionTrait, year: i32) -> Result<Option<CycleRecord>, StoreError> {
    cycles::Entity::find_by_id(year).one(db).await?.map(to_domain).transpose()
}

/// Every opened cycle, latest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<CycleRecord>, StoreError> {
    cycles::Entity::find().order_by_desc(cycles::Column::Year).all(db).await?.into_iter().map(to_domain).collect()
}

/// Opens a cycle or changes its dates. `expected` is the row version the
/// caller read (None to open: `Conflict` if it is already open); a stale
/// version is `StaleVersion`.
pub async fn put(
    db: &impl ConnectionTrait,
    calendar: &Calendar,
    by: &str,
    expected: Option<i32>,
) -> Result<CycleRecord, StoreError> {
    let at = now();
    let d = calendar.dates();
    match expected {
        None => {
            let res = cycles::Entity::insert(cycles::ActiveModel {
                year: Set(calendar.year()),
                opens_on: Set(d.opens_on),
                data_due: Set(d.data_due),
                inspection_from: Set(d.inspection_from),
                inspection_to: Set(d.inspection_to),
                questions_until: Set(d.questions_until),
                closes_on: Set(d.closes_on),
                opened_by: Set(by.to_owned()),
                opened_at: Set(at),
                updated_by: Set(by.to_owned()),
                updated_at: Set(at),
                row_version: Set(1),
            })
            .on_conflict(OnConflict::column(cycles::Column::Year).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
            if res == 0 {
                return Err(StoreError::Conflict { constraint: "pk_cycles".into() });
            }
        }
        Some(version) => {
            let res = cycles::Entity::update_many()
                .set(cycles::ActiveModel {
                    opens_on: Set(d.opens_on),
                    data_due: Set(d.data_due),
                    inspection_from: Set(d.inspection_from),
                    inspection_to: Set(d.inspection_to),
                    questions_until: Set(d.questions_until),
                    closes_on: Set(d.closes_on),
                    updated_by: Set(by.to_owned()),
                    updated_at: Set(at),
                    row_version: Set(version + 1),
                    ..Default::default()
                })
                .filter(cycles::Column::Year.eq(calendar.year()))
                .filter(cycles::Column::RowVersion.eq(version))
                .exec(db)
                .await?;
            if res.rows_affected == 0 {
                get(db, calendar.year()).await?.ok_or(StoreError::NotFound)?;
                return Err(StoreError::StaleVersion);
            }
        }
    }
    get(db, calendar.year()).await?.ok_or(StoreError::NotFound)
}

/// A window as stored, with who set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowRecord {
    pub year: i32,
    pub region_id: RegionId,
    pub window: Window,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

fn window_of(m: submission_windows::Model) -> Result<WindowRecord, StoreError> {
    let tier: WindowTier = m.tier;
    Ok(WindowRecord {
        year: m.year,
        region_id: RegionId(m.region_id),
        window: Window::new(tier, m.starts_at, m.ends_at).map_err(StoreError::corrupt)?,
        set_by: m.set_by,
        set_at: m.set_at,
    })
}

/// The windows set by the offices of `regions` for `year`.
pub async fn windows_of(
    db: &impl ConnectionTrait,
    year: i32,
    regions: &[RegionId],
) -> Result<Vec<WindowRecord>, StoreError> {
    submission_windows::Entity::find()
        .filter(submission_windows::Column::Year.eq(year))
        .filter(submission_windows::Column::RegionId.is_in(regions.iter().map(|r| r.0)))
        .all(db)
        .await?
        .into_iter()
        .map(window_of)
        .collect()
}

/// A region and the regions above it, from the province down.
pub async fn path_of(db: &impl ConnectionTrait, region_id: RegionId) -> Result<Vec<Region>, StoreError> {
    let mut path = vec![region::get(db, region_id).await?];
    while let Some(parent) = path.last().and_then(|r| r.parent_id) {
        if path.len() > 8 {
            return Err(StoreError::corrupt("region tree deeper than 8"));
        }
        path.push(region::get(db, parent).await?);
    }
    path.reverse();
    Ok(path)
}

/// The window in force for `tier` at the end of `path` (province first):
/// the one set by the nearest office, else the cycle's own.
pub async fn effective(
    db: &impl ConnectionTrait,
    cycle: &Calendar,
    tier: WindowTier,
    path: &[Region],
) -> Result<Window, StoreError> {
    let ids: Vec<RegionId> = path.iter().map(|r| r.id).collect();
    let set = windows_of(db, cycle.year(), &ids).await?;
    let along: Vec<Option<Window>> = ids
        .iter()
        .map(|id| set.iter().find(|w| w.region_id == *id && w.window.tier() == tier).map(|w| w.window))
        .collect();
    Ok(effective_window(tier, cycle, &along))
}

/// The window in force for a unit's submissions of cycle `cycle`.
pub async fn effective_for_unit(
    db: &impl ConnectionTrait,
    cycle: &Calendar,
    unit: UnitId,
) -> Result<Window, StoreError> {
    let u = units::Entity::find_by_id(unit.0).one(db).await?.ok_or(StoreError::NotFound)?;
    let tier = WindowTier::of(u.level);
    let path = path_of(db, RegionId(u.region_id)).await?;
    effective(db, cycle, tier, &path).await
}

/// Sets (or replaces) the window the office of `region` gives one tier of
/// the units below it. The caller checks it lies inside the parent's.
pub async fn set_window(
    db: &impl ConnectionTrait,
    year: i32,
    region_id: RegionId,
    window: &Window,
    by: &str,
) -> Result<WindowRecord, StoreError> {
    let at = now();
    submission_windows::Entity::insert(submission_windows::ActiveModel {
        id: Set(Uuid::now_v7()),
        year: Set(year),
        region_id: Set(region_id.0),
        tier: Set(window.tier()),
        starts_at: Set(window.starts_at()),
        ends_at: Set(window.ends_at()),
        set_by: Set(by.to_owned()),
        set_at: Set(at),
    })
    .on_conflict(
        OnConflict::columns([
            submission_windows::Column::Year,
            submission_windows::Column::RegionId,
            submission_windows::Column::Tier,
        ])
        .update_columns([
            submission_windows::Column::StartsAt,
            submission_windows::Column::EndsAt,
            submission_windows::Column::SetBy,
            submission_windows::Column::SetAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(WindowRecord { year, region_id, window: *window, set_by: by.to_owned(), set_at: at })
}
