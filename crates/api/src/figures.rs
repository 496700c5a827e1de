//! An office's figures of a cycle (people to verify, compliant, submitted,
//! approved, certified per unit, county or prefecture), and the outcome
//! counts of a jurisdiction-wide compliance list, shared by everyone of the
//! office who opens the workbench, the statistics or the list.
//!
//! A province's figures aggregate every record and verdict of the cycle
//! (150–490 ms of database time at 400,000 people), its list's counts all
//! 400,000 verdicts; the workbench is every staff member's landing page, the
//! statistics a dashboard refreshed all day. So these answers are computed
//! at most once per [`FRESH`] per key and instance, and no request waits for
//! that after the first: an answer older than [`FRESH`] is still served, and
//! one computation refreshes it in the background (stale-while-revalidate).
//! Only an answer older than [`MAX_AGE`] (nobody asked for it meanwhile) is
//! computed again while the request waits; concurrent misses of one key wait
//! for a single computation. Every answer says when it was computed
//! (`figures_at`, `counts_at`).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cme_domain::auth::{Actor, Scope};
use cme_domain::compliance::Outcome;
use cme_domain::person::Discipline;
use cme_domain::report;
use cme_store::repo::compliance::{self as stored, ComplianceFilter};
use cme_store::repo::region;
use cme_store::repo::verification::{self as verifications, Grouping, OfficeScope};
use moka::sync::Cache;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use uuid::Uuid;

use crate::AppState;
use crate::dto::verification::StatsRow;
use crate::error::ApiError;

/// How long an answer is served as it is; after that it is still served
/// while one computation refreshes it in the background.
pub const FRESH: Duration = Duration::from_secs(30);
/// The oldest answer ever served: older ones are computed again while the
/// request waits (an answer nobody asked for in two minutes).
pub const MAX_AGE: Duration = Duration::from_secs(120);
/// Offices: one province, 16 prefectures, 129 counties, a few years, a few
/// groupings and filters each.
const MAX_ENTRIES: u64 = 4_000;

/// The figures of a jurisdiction: one row per group below it, and the total.
#[derive(Debug, Clone)]
pub struct Figures {
    pub rows: Vec<StatsRow>,
    pub total: StatsRow,
    pub computed_at: DateTime<Utc>,
}

/// What a jurisdiction's figures are keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FiguresKey {
    pub scope: OfficeScope,
    pub year: i32,
    pub group: Grouping,
    pub discipline: Option<Discipline>,
}

/// The outcome counts of a compliance query, and when they were counted.
#[derive(Debug, Clone)]
pub struct Counts {
    pub counts: HashMap<Outcome, u64>,
    pub computed_at: DateTime<Utc>,
}

/// The shared answers of an instance.
#[derive(Default)]
pub struct FiguresCache {
    pub figures: Shared<FiguresKey, Figures>,
    /// Keyed by the caller's scope and the query's filters.
    pub counts: Shared<(Scope, ComplianceFilter), Counts>,
}

/// A value and when it was computed.
struct Stamped<V> {
    value: Arc<V>,
    at: Instant,
}

impl<V> Clone for Stamped<V> {
    fn clone(&self) -> Self {
        Stamped { value: Arc::clone(&self.value), at: self.at }
    }
}

/// One key's answer: the latest value, whether a background refresh is
/// running, and the lock the requests that must wait compute under.
struct Slot<V> {
    current: RwLock<Option<Stamped<V>>>,
    refreshing: AtomicBool,
    computing: tokio::sync::Mutex<()>,
}

impl<V> Default for Slot<V> {
    fn default() -> Self {
        Slot { current: RwLock::new(None), refreshing: AtomicBool::new(false), computing: tokio::sync::Mutex::new(()) }
    }
}

impl<V> Slot<V> {
    fn current(&self) -> Option<Stamped<V>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn set(&self, value: V) -> Arc<V> {
        let value = Arc::new(value);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) =
            Some(Stamped { value: Arc::clone(&value), at: Instant::now() });
        value
    }
}

/// Answers shared per key: see the module's comment.
pub struct Shared<K, V> {
    entries: Cache<K, Arc<Slot<V>>>,
}

impl<K: Hash + Eq + Send + Sync + 'static, V: Send + Sync + 'static> Default for Shared<K, V> {
    fn default() -> Self {
        // A key nobody asked for in MAX_AGE is dropped (its answer would not be served anyway).
        Shared { entries: Cache::builder().max_capacity(MAX_ENTRIES).time_to_idle(MAX_AGE).build() }
    }
}

impl<K: Hash + Eq + Clone + Send + Sync + 'static, V: Send + Sync + 'static> Shared<K, V> {
    /// The answer of `key`: a fresh one as it is; a stale one as it is, with
    /// one background computation by `compute` started if none runs; none or
    /// one older than [`MAX_AGE`]: computed now, once for all who ask at
    /// once (a failure is not kept).
    pub async fn get_or_compute<F, Fut>(&self, key: K, compute: F) -> Result<Arc<V>, ApiError>
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = Result<V, ApiError>> + 'static,
    {
        let slot = self.entries.get_with(key, || Arc::new(Slot::default()));
        if let Some(s) = slot.current() {
            let age = s.at.elapsed();
            if age < FRESH {
                return Ok(s.value);
            }
            if age < MAX_AGE {
                if !slot.refreshing.swap(true, Ordering::AcqRel) {
                    let slot = Arc::clone(&slot);
                    actix_web::rt::spawn(async move {
                        match compute().await {
                            Ok(v) => {
                                slot.set(v);
                            }
                            Err(e) => tracing::warn!(error = %e, "refreshing shared figures failed"),
                        }
                        slot.refreshing.store(false, Ordering::Release);
                    });
                }
                return Ok(s.value);
            }
        }
        let _computing = slot.computing.lock().await;
        // Someone else may have computed it while this request waited.
        if let Some(s) = slot.current()
            && s.at.elapsed() < FRESH
        {
            return Ok(s.value);
        }
        Ok(slot.set(compute().await?))
    }
}

/// Whether an office's figures and list counts are shared ([`FRESH`]) rather
/// than read live: those of the province and of a prefecture, which count
/// hundreds of thousands of rows. A county's and a unit's are cheap and read
/// live, so that what its staff just did shows at once.
pub fn shared_at(scope: OfficeScope) -> bool {
    matches!(scope, OfficeScope::Province | OfficeScope::Prefecture(_))
}

/// The outcome counts of a compliance query: shared when `shared` (see
/// [`shared_at`]), else counted now.
pub async fn compliance_counts(
    state: &actix_web::web::Data<AppState>,
    actor: &Actor,
    filter: &ComplianceFilter,
    shared: bool,
) -> Result<Arc<Counts>, ApiError> {
    let count = {
        let (state, actor_scope, filter) = (state.clone(), actor.scope, filter.clone());
        move || async move {
            let counts = stored::counts(&state.db, &actor_scope, &filter).await?;
            Ok(Counts { counts, computed_at: Utc::now() })
        }
    };
    if shared {
        state.figures.counts.get_or_compute((actor.scope, filter.clone()), count).await
    } else {
        Ok(Arc::new(count().await?))
    }
}

/// An office's figures of a cycle: shared when `shared` (see [`shared_at`]),
/// else computed now.
pub async fn figures_of(
    state: &actix_web::web::Data<AppState>,
    actor: &Actor,
    key: FiguresKey,
    shared: bool,
) -> Result<Arc<Figures>, ApiError> {
    let compute = {
        let (state, actor) = (state.clone(), actor.clone());
        move || async move { compute(&state, &actor, key.scope, key.year, key.group, key.discipline).await }
    };
    if shared { state.figures.figures.get_or_compute(key, compute).await } else { Ok(Arc::new(compute().await?)) }
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
