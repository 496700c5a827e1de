//! The office an account acts as: its tier in the review chain, the records
//! it sees, its region, and the opened cycle it works in. Every route of
//! the annual verification, certificates, spot checks and title
//! corrections starts here.

use cme_domain::auth::{Actor, Scope, review_tier};
use cme_domain::org::{Region, RegionLevel};
use cme_domain::review::Tier;
use cme_store::repo::verification::{OfficeScope, VerificationRecord};
use cme_store::repo::{cycle, region};

use crate::AppState;
use crate::error::ApiError;

/// The tier an account acts as.
pub fn tier_of(actor: &Actor) -> Result<Tier, ApiError> {
    review_tier(actor.role).ok_or_else(|| ApiError::Forbidden("该账号不参与学分验证".into()))
}

/// The records an actor sees: an office its region's, a unit its own, a
/// department those it prepared.
pub async fn office_scope(state: &AppState, actor: &Actor) -> Result<OfficeScope, ApiError> {
    Ok(match actor.scope {
        Scope::Province => OfficeScope::Province,
        Scope::Region(r) => match region::get(&state.db, r).await?.level {
            RegionLevel::Province => OfficeScope::Province,
            RegionLevel::Prefecture => OfficeScope::Prefecture(r),
            RegionLevel::County => OfficeScope::County(r),
        },
        Scope::Unit(u) => OfficeScope::Unit(u),
        Scope::Department(u, d) => OfficeScope::Department(u, d),
        Scope::Person(..) => return Err(ApiError::Forbidden("学员不能查看验证名单".into())),
    })
}

/// Whether a verification record lies in what an office sees.
pub fn in_scope(scope: OfficeScope, r: &VerificationRecord) -> bool {
    match scope {
        OfficeScope::Province => true,
        OfficeScope::Prefecture(p) => r.prefecture_id == Some(p),
        OfficeScope::County(c) => r.county_id == Some(c),
        OfficeScope::Unit(u) => r.unit_id == u,
        OfficeScope::Department(u, d) => r.unit_id == u && r.department_id == Some(d),
    }
}

/// The region of an office: its own, or the province's for a province office.
pub async fn office_region(state: &AppState, actor: &Actor) -> Result<Option<Region>, ApiError> {
    Ok(match actor.scope {
        Scope::Province => region::list(&state.db).await?.into_iter().find(|r| r.level == RegionLevel::Province),
        Scope::Region(r) => Some(region::get(&state.db, r).await?),
        _ => None,
    })
}

/// The name of the office an account acts for, as a printed report names
/// who made it: the province's office (科教处 or 中医处), a prefecture's or a
/// county's committee office, or the unit (and department) itself.
pub async fn office_name(state: &AppState, actor: &Actor) -> Result<String, ApiError> {
    use cme_domain::auth::Role;
    const OFFICE: &str = "继续医学教育委员会办公室";
    Ok(match (actor.role, actor.scope) {
        (Role::ProvinceWestern, _) => format!("云南省{OFFICE}（科教处）"),
        (Role::ProvinceTcm, _) => format!("云南省{OFFICE}（中医处）"),
        (_, Scope::Province) => format!("云南省{OFFICE}"),
        (_, Scope::Region(r)) => format!("{}{OFFICE}", region::get(&state.db, r).await?.name),
        (_, scope) => crate::me::organisation(state, &scope).await?.name,
    })
}

/// The opened cycle of `year`, or 404 naming it.
pub async fn opened_cycle(state: &AppState, year: i32) -> Result<cycle::CycleRecord, ApiError> {
    cycle::get(&state.db, year).await?.ok_or_else(|| ApiError::NotFound(format!("{year} 年度的学分验证尚未开启")))
}

/// Transfers are a unit's business, not a department's.
pub fn no_department(actor: &Actor) -> Result<(), ApiError> {
    if matches!(actor.scope, Scope::Department(..)) {
        return Err(ApiError::Forbidden("人员调动须由单位办理".to_owned()));
    }
    Ok(())
}
