//! An office's figures of a cycle (people to verify, compliant, submitted,
//! approved, certified per unit, county or prefecture), shared for a few
//! seconds by everyone of the office who opens the workbench.
//!
//! A province's figures aggregate every record and verdict of the cycle
//! (150–490 ms of database time at 400,000 people, `tests/bench/province.sh`);
//! the workbench is every staff member's landing page, so it is asked for
//! at every sign-in and refresh. The figures are kept [`TTL`] per
//! (jurisdiction, year); concurrent misses of one key wait for a single
//! computation instead of each running it.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cme_domain::auth::Actor;
use cme_domain::person::Discipline;
use cme_domain::report;
use cme_store::repo::compliance as stored;
use cme_store::repo::region;
use cme_store::repo::verification::{self as verifications, Grouping, OfficeScope};
use moka::sync::Cache;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::AppState;
use crate::dto::verification::StatsRow;
use crate::error::ApiError;

/// How long computed figures are shown before they are computed again (the
/// workbench says when they were computed).
pub const TTL: Duration = Duration::from_secs(30);
/// Offices: one province, 16 prefectures, 129 counties, a few years each.
const MAX_ENTRIES: u64 = 2_000;

/// The figures of a jurisdiction: one row per group below it, and the total.
#[derive(Debug, Clone)]
pub struct Figures {
    pub rows: Vec<StatsRow>,
    pub total: StatsRow,
    pub computed_at: DateTime<Utc>,
}

type Slot = Arc<OnceCell<Arc<Figures>>>;

/// (jurisdiction, cycle year) → its figures, computed once per [`TTL`].
pub struct FiguresCache {
    entries: Cache<(OfficeScope, i32), Slot>,
}

impl Default for FiguresCache {
    fn default() -> Self {
        FiguresCache { entries: Cache::builder().max_capacity(MAX_ENTRIES).time_to_live(TTL).build() }
    }
}

impl FiguresCache {
    /// The figures of `key`: kept ones, or those `compute` gives (one
    /// computation for all who ask at once; a failure is not kept).
    pub async fn get_or_compute<F, Fut>(&self, key: (OfficeScope, i32), compute: F) -> Result<Arc<Figures>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Figures, ApiError>>,
    {
        let slot = self.entries.get_with(key, || Arc::new(OnceCell::new()));
        let figures = slot.get_or_try_init(|| async { compute().await.map(Arc::new) }).await?;
        Ok(Arc::clone(figures))
    }
}

/// The figures of a cycle in the caller's jurisdiction (`scope` for the
/// records, the actor's own scope for the verdicts), one row per group
/// (unit, county or prefecture; "直属单位" for units directly under a higher
/// office), unsorted, and their total.
pub async fn compute(
    state: &AppState,
    actor: &Actor,
    scope: OfficeScope,
    cycle_year: i32,
    group: Grouping,
    discipline: Option<Discipline>,
) -> Result<Figures, ApiError> {
    let tallies = stored::tally_by(&state.db, &actor.scope, cycle_year, group, discipline).await?;
    let counts = verifications::counts_by(&state.db, scope, cycle_year, group, None, discipline).await?;
    let paper = verifications::paper_counts_by(&state.db, scope, cycle_year, group, discipline).await?;
    let mut figures = report::statistics(
        tallies.into_iter().map(|t| (t.key, t.outcome, t.count)),
        counts.into_iter().map(|c| (c.key, c.state, c.count)),
    );
    figures.add_paper(paper);
    let keys: HashSet<Uuid> = figures.groups.keys().flatten().copied().collect();
    let names = group_names(state, group, keys).await?;
    let rows = figures
        .groups
        .iter()
        .map(|(key, f)| {
            let name = key.and_then(|k| names.get(&k).cloned()).unwrap_or_else(|| "直属单位".to_owned());
            StatsRow::new(key.unwrap_or_default(), name, f)
        })
        .collect();
    Ok(Figures {
        rows, total: StatsRow::new(Uuid::nil(), "合计".to_owned(), &figures.total), computed_at: Utc::now()
    })
}

/// The names of the groups `keys`: units, or counties or prefectures.
async fn group_names(
    state: &AppState,
    group: Grouping,
    keys: HashSet<Uuid>,
) -> Result<HashMap<Uuid, String>, ApiError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(match group {
        Grouping::Unit => unit_names(state, keys).await?,
        // One read of the region tree (a few hundred rows), not one per key.
        Grouping::County | Grouping::Prefecture => region::list(&state.db)
            .await?
            .into_iter()
            .filter(|r| keys.contains(&r.id.0))
            .map(|r| (r.id.0, r.name))
            .collect(),
    })
}

/// The names of units `ids`, one query.
pub async fn unit_names(state: &AppState, ids: HashSet<Uuid>) -> Result<HashMap<Uuid, String>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(cme_store::entity::units::Entity::find()
        .select_only()
        .columns([cme_store::entity::units::Column::Id, cme_store::entity::units::Column::Name])
        .filter(cme_store::entity::units::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect())
}
