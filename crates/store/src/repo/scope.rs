//! Jurisdiction (辖区): the one place where reads are scoped.
//!
//! Every function here turns a [`Scope`] into a sea-orm [`Condition`] on one
//! table (regions, units, departments, people, accounts, API clients, the
//! audit log). Repositories add it to their queries, so a row outside the
//! caller's jurisdiction is never read: a list omits it and a `get_scoped`
//! answers `NotFound`, exactly as for a row that does not exist.
//!
//! The region tree is province → prefecture → county (`RegionLevel` has
//! three values), so "a region and everything below it" is the region, its
//! children and its grandchildren, and its ancestors are at most two levels
//! up: no recursive query is needed.

use cme_domain::auth::Scope;
use cme_domain::ids::{RegionId, UnitId};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, QueryFilter as _};

use crate::StoreError;
use crate::entity::{accounts, api_clients, audit_log, departments, people, regions, units};

/// A condition no row satisfies.
fn nothing() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

/// `SELECT id FROM regions WHERE id = r OR parent_id = r OR parent_id IN
/// (children of r)`: the region and every region below it.
pub fn region_and_below(region: RegionId) -> SelectStatement {
    let children = Query::select()
        .column(regions::Column::Id)
        .from(regions::Entity)
        .and_where(Expr::col(regions::Column::ParentId).eq(region.0))
        .take();
    Query::select()
        .column(regions::Column::Id)
        .from(regions::Entity)
        .cond_where(
            Condition::any()
                .add(Expr::col(regions::Column::Id).eq(region.0))
                .add(Expr::col(regions::Column::ParentId).eq(region.0))
                .add(Expr::col(regions::Column::ParentId).in_subquery(children)),
        )
        .take()
}

/// The ids of the units administered by a region or any region below it.
pub fn units_in_region(region: RegionId) -> SelectStatement {
    Query::select()
        .column(units::Column::Id)
        .from(units::Entity)
        .and_where(Expr::col(units::Column::RegionId).in_subquery(region_and_below(region)))
        .take()
}

/// The parents of the regions `ids` selects.
fn parents_of(ids: SelectStatement) -> SelectStatement {
    Query::select()
        .column(regions::Column::ParentId)
        .from(regions::Entity)
        .and_where(Expr::col(regions::Column::Id).in_subquery(ids))
        .take()
}

/// Regions `ids` selects, and their ancestors (for display: breadcrumbs).
fn with_ancestors(ids: SelectStatement) -> Condition {
    let parents = parents_of(ids.clone());
    let grandparents = parents_of(parents.clone());
    Condition::any()
        .add(regions::Column::Id.in_subquery(ids))
        .add(regions::Column::Id.in_subquery(parents))
        .add(regions::Column::Id.in_subquery(grandparents))
}

fn region_of_unit(unit: UnitId) -> SelectStatement {
    Query::select()
        .column(units::Column::RegionId)
        .from(units::Entity)
        .and_where(Expr::col(units::Column::Id).eq(unit.0))
        .take()
}

/// Regions visible in a scope: the province sees all; an office its region,
/// everything below and the chain above (for display); a unit, department
/// or trainee the unit's region and the chain above.
pub fn regions(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => {
            let own = Query::select()
                .column(regions::Column::Id)
                .from(regions::Entity)
                .and_where(Expr::col(regions::Column::Id).eq(r.0))
                .take();
            Condition::any().add(regions::Column::Id.in_subquery(region_and_below(r))).add(with_ancestors(own))
        }
        Scope::Unit(u) | Scope::Department(u, _) | Scope::Person(u, _) => with_ancestors(region_of_unit(u)),
    }
}

/// Units visible in a scope: all, those of the region and below, or the
/// scope's own unit.
pub fn units(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => Condition::all().add(units::Column::RegionId.in_subquery(region_and_below(r))),
        Scope::Unit(u) | Scope::Department(u, _) | Scope::Person(u, _) => {
            Condition::all().add(units::Column::Id.eq(u.0))
        }
    }
}

/// Departments visible in a scope: those of visible units; a department
/// sees itself, a trainee his own department.
pub fn departments(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => Condition::all().add(departments::Column::UnitId.in_subquery(units_in_region(r))),
        Scope::Unit(u) => Condition::all().add(departments::Column::UnitId.eq(u.0)),
        Scope::Department(u, d) => {
            Condition::all().add(departments::Column::UnitId.eq(u.0)).add(departments::Column::Id.eq(d.0))
        }
        Scope::Person(u, p) => {
            let own = Query::select()
                .column(people::Column::DepartmentId)
                .from(people::Entity)
                .and_where(Expr::col(people::Column::Id).eq(p.0))
                .take();
            Condition::all().add(departments::Column::UnitId.eq(u.0)).add(departments::Column::Id.in_subquery(own))
        }
    }
}

/// People visible in a scope: a region's units' staff, a unit's staff, a
/// department's staff, a trainee himself.
pub fn people(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => Condition::all().add(people::Column::UnitId.in_subquery(units_in_region(r))),
        Scope::Unit(u) => Condition::all().add(people::Column::UnitId.eq(u.0)),
        Scope::Department(u, d) => {
            Condition::all().add(people::Column::UnitId.eq(u.0)).add(people::Column::DepartmentId.eq(d.0))
        }
        Scope::Person(u, p) => Condition::all().add(people::Column::UnitId.eq(u.0)).add(people::Column::Id.eq(p.0)),
    }
}

/// A region's level never changes, so it is read once per process.
static REGION_LEVELS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<RegionId, String>>> =
    std::sync::LazyLock::new(Default::default);

async fn region_level(db: &impl ConnectionTrait, region: RegionId) -> Result<Option<String>, StoreError> {
    use sea_orm::QuerySelect as _;
    if let Some(level) = REGION_LEVELS.lock().ok().and_then(|m| m.get(&region).cloned()) {
        return Ok(Some(level));
    }
    let level: Option<String> =
        regions::Entity::find_by_id(region.0).select_only().column(regions::Column::Level).into_tuple().one(db).await?;
    if let (Some(l), Ok(mut m)) = (&level, REGION_LEVELS.lock()) {
        m.insert(region, l.clone());
    }
    Ok(level)
}

/// [`people`], with a county or prefecture matched on the person's copied
/// `county_id` / `prefecture_id`: a page then comes off `(county_id, id)` or
/// `(prefecture_id, id)` instead of every person of hundreds of units.
pub async fn people_resolved(db: &impl ConnectionTrait, scope: &Scope) -> Result<Condition, StoreError> {
    match *scope {
        Scope::Region(r) => {
            let level = region_level(db, r).await?;
            Ok(match level.as_deref() {
                Some("county") => Condition::all().add(people::Column::CountyId.eq(r.0)),
                Some("prefecture") => Condition::all().add(people::Column::PrefectureId.eq(r.0)),
                _ => people(scope),
            })
        }
        _ => Ok(people(scope)),
    }
}

/// Stored verdicts (`compliance`) visible in a scope, matched on the place
/// copied into each row: a page and its outcome counts then come off one
/// index, `(year, unit|county|prefecture, person_id)`.
pub async fn compliance_resolved(db: &impl ConnectionTrait, scope: &Scope) -> Result<Condition, StoreError> {
    use crate::entity::compliance::Column as C;
    Ok(match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => match region_level(db, r).await?.as_deref() {
            Some("county") => Condition::all().add(C::CountyId.eq(r.0)),
            Some("prefecture") => Condition::all().add(C::PrefectureId.eq(r.0)),
            Some(_) => Condition::all(),
            None => nothing(),
        },
        Scope::Unit(u) => Condition::all().add(C::UnitId.eq(u.0)),
        Scope::Department(u, d) => Condition::all().add(C::UnitId.eq(u.0)).add(C::DepartmentId.eq(d.0)),
        Scope::Person(u, p) => Condition::all().add(C::UnitId.eq(u.0)).add(C::PersonId.eq(p.0)),
    })
}

/// Accounts whose organisation lies inside a scope (the scope's own account
/// included): for an office, accounts bound to its region or below, or to a
/// unit there; for a unit, accounts bound to it (its departments' and its
/// trainees' too); for a department, its own; for a trainee, his own.
pub fn accounts(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => Condition::any()
            .add(accounts::Column::RegionId.in_subquery(region_and_below(r)))
            .add(accounts::Column::UnitId.in_subquery(units_in_region(r))),
        Scope::Unit(u) => Condition::all().add(accounts::Column::UnitId.eq(u.0)),
        Scope::Department(u, d) => {
            Condition::all().add(accounts::Column::UnitId.eq(u.0)).add(accounts::Column::DepartmentId.eq(d.0))
        }
        Scope::Person(u, p) => {
            Condition::all().add(accounts::Column::UnitId.eq(u.0)).add(accounts::Column::PersonId.eq(p.0))
        }
    }
}

/// API clients an organisation sees: its own only. A client's credentials
/// are its organisation's business; the offices above a unit neither list
/// nor revoke its clients. Departments and trainees own none.
pub fn api_clients(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => {
            Condition::all().add(api_clients::Column::RegionId.is_null()).add(api_clients::Column::UnitId.is_null())
        }
        Scope::Region(r) => Condition::all().add(api_clients::Column::RegionId.eq(r.0)),
        Scope::Unit(u) => Condition::all().add(api_clients::Column::UnitId.eq(u.0)),
        Scope::Department(..) | Scope::Person(..) => nothing(),
    }
}

/// Audit entries that happened inside a scope: the province reads all; an
/// office the entries placed in its region or below, or at a unit there; a
/// unit its own. Departments and trainees read none (the policy table does
/// not let them read the log at all).
pub fn audit(scope: &Scope) -> Condition {
    match *scope {
        Scope::Province => Condition::all(),
        Scope::Region(r) => Condition::any()
            .add(audit_log::Column::RegionId.in_subquery(region_and_below(r)))
            .add(audit_log::Column::UnitId.in_subquery(units_in_region(r))),
        Scope::Unit(u) => Condition::all().add(audit_log::Column::UnitId.eq(u.0)),
        Scope::Department(..) | Scope::Person(..) => nothing(),
    }
}

/// Whether the organisation `inner` lies inside the jurisdiction `outer`
/// (every scope encloses itself). The API asks this before an account or
/// API client is created for `inner` by an actor of `outer`.
pub async fn encloses(db: &impl ConnectionTrait, outer: &Scope, inner: &Scope) -> Result<bool, StoreError> {
    if outer == inner {
        return Ok(true);
    }
    match (*outer, *inner) {
        (Scope::Province, _) => Ok(true),
        (Scope::Region(r), Scope::Region(i)) => Ok(regions::Entity::find()
            .filter(regions::Column::Id.eq(i.0))
            .filter(regions::Column::Id.in_subquery(region_and_below(r)))
            .one(db)
            .await?
            .is_some()),
        (Scope::Region(r), Scope::Unit(u) | Scope::Department(u, _) | Scope::Person(u, _)) => Ok(units::Entity::find()
            .filter(units::Column::Id.eq(u.0))
            .filter(units::Column::RegionId.in_subquery(region_and_below(r)))
            .one(db)
            .await?
            .is_some()),
        (Scope::Unit(u), Scope::Department(i, _) | Scope::Person(i, _)) => Ok(u == i),
        (Scope::Department(u, d), Scope::Person(i, p)) if u == i => Ok(people::Entity::find()
            .filter(people::Column::Id.eq(p.0))
            .filter(people::Column::DepartmentId.eq(d.0))
            .one(db)
            .await?
            .is_some()),
        _ => Ok(false),
    }
}
