//! Who the signed-in caller is (`Me`): its account, role, organisation,
//! operations and, for a trainee, his workplace. Answered by `GET /me` and
//! with every token pair (sign-in, refresh), so that a page resuming a
//! session on a slow link does not wait one more round trip for it.

use cme_domain::auth::{Actor, Operation, Role, Scope, manages};
use cme_store::repo::{account, department, person, region, unit};

use crate::AppState;
use crate::dto::auth::{Me, OrganisationRef, Workplace};
use crate::error::ApiError;

/// The caller as `GET /me` describes it.
pub async fn me(
    state: &AppState,
    actor: &Actor,
    account: Option<&account::Account>,
    must_change_password: bool,
) -> Result<Me, ApiError> {
    let display_name = account.map_or_else(|| actor.name.clone(), |a| a.display_name.clone());
    Ok(Me {
        id: actor.id,
        username: actor.name.clone(),
        display_name,
        role: actor.role.into(),
        role_label: actor.role.label().to_owned(),
        organisation: organisation(state, &actor.scope).await?,
        must_change_password,
        permissions: Operation::ALL.iter().filter(|op| actor.may(**op)).map(|op| (*op).into()).collect(),
        manageable_roles: Role::ALL
            .iter()
            // Trainee accounts are managed but never created: a first sign-in makes them.
            .filter(|r| actor.may(Operation::ManageAccounts) && manages(actor.role, **r) && **r != Role::Trainee)
            .map(|r| (*r).into())
            .collect(),
        workplace: workplace(state, &actor.scope).await?,
    })
}

/// The name of the organisation a scope stands for (cached a minute).
pub async fn organisation(state: &AppState, scope: &Scope) -> Result<OrganisationRef, ApiError> {
    let kind = scope.kind().into();
    let id = match scope {
        Scope::Province => None,
        Scope::Region(r) => Some(r.0),
        Scope::Unit(u) => Some(u.0),
        Scope::Department(_, d) => Some(d.0),
        Scope::Person(_, p) => Some(p.0),
    };
    if let Some(id) = id
        && let Some(name) = state.auth.names.get(id)
    {
        return Ok(OrganisationRef { kind, id: Some(id), name });
    }
    let name = organisation_name(state, scope).await?;
    if let Some(id) = id {
        state.auth.names.put(id, name.clone());
    }
    Ok(OrganisationRef { kind, id, name })
}

async fn organisation_name(state: &AppState, scope: &Scope) -> Result<String, ApiError> {
    Ok(match scope {
        Scope::Province => "云南省".into(),
        Scope::Region(r) => region::get(&state.db, *r).await?.name,
        Scope::Unit(u) => unit::get(&state.db, *u).await?.unit.name,
        Scope::Department(u, d) => {
            let unit = unit::get(&state.db, *u).await?;
            let dep = department::get(&state.db, *d).await?;
            format!("{} {}", unit.unit.name, dep.name)
        }
        Scope::Person(_, p) => person::get(&state.db, &state.pii, *p).await?.name,
    })
}

/// A trainee's unit and department, by name.
async fn workplace(state: &AppState, scope: &Scope) -> Result<Option<Workplace>, ApiError> {
    let Scope::Person(unit, person) = scope else { return Ok(None) };
    let department = cme_store::repo::person::roster(&state.db, cme_store::repo::person::RosterOf::People(&[*person]))
        .await?
        .pop()
        .and_then(|r| r.department);
    Ok(Some(Workplace { unit: cme_store::repo::unit::get(&state.db, *unit).await?.unit.name, department }))
}
