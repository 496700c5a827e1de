//! Accounts: who signs in, with which role, bound to which organisation.
//!
//! The organisation is the account's jurisdiction ([`Scope`]); it is stored
//! in four nullable columns: the province is all null, a region office has
//! `region_id`, a unit `unit_id`, a department `unit_id` + `department_id`,
//! a trainee `unit_id` + `person_id` (`ck_accounts_scope_shape`).
//! Usernames are stored lower-case, so `uq_accounts_username` makes them
//! unique regardless of case. Passwords arrive already hashed (argon2id, by
//! the API, off the async workers); the store never sees a plaintext one.

use chrono::{DateTime, Utc};
use cme_domain::auth::{Actor, Role, Scope, manages, scope_fits};
use cme_domain::ids::{DepartmentId, PersonId, RegionId, UnitId};
use cme_domain::person::Person;
use sea_orm::prelude::Expr;
use sea_orm::sea_query::ExprTrait as _;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::{Page, now, page_limit, paginate, refresh, scope};
use crate::Constraint;
use crate::StoreError;
use crate::entity::{accounts, departments, people};

/// A stored account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    /// Lower-case.
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub display_name: String,
    /// Set for a new account or after a reset: the next sign-in must change it.
    pub must_change_password: bool,
    pub disabled: bool,
    /// False until a password is set (a trainee before his first sign-in).
    pub has_password: bool,
    /// When the password last changed: access tokens issued before are stale.
    pub password_changed_at: Option<DateTime<Utc>>,
    /// The optimistic lock (and ETag): bumped by every change.
    pub row_version: i32,
    pub created_at: DateTime<Utc>,
}

impl Account {
    /// The account as the caller of a request.
    pub fn actor(&self) -> Actor {
        Actor { id: self.id, name: self.username.clone(), role: self.role, scope: self.scope, granted: None }
    }
}

/// What to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    pub display_name: String,
    /// An argon2id PHC string, or `None` for no password yet.
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub created_by: Option<Uuid>,
}

/// The stored (lower-case, trimmed) form of a username.
pub fn normalise_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// The organisation columns of a scope: (region, unit, department, person).
fn columns(scope: &Scope) -> (Option<Uuid>, Option<Uuid>, Option<Uuid>, Option<Uuid>) {
    match *scope {
        Scope::Province => (None, None, None, None),
        Scope::Region(r) => (Some(r.0), None, None, None),
        Scope::Unit(u) => (None, Some(u.0), None, None),
        Scope::Department(u, d) => (None, Some(u.0), Some(d.0), None),
        Scope::Person(u, p) => (None, Some(u.0), None, Some(p.0)),
    }
}

/// The scope stored in an account's (or client's) organisation columns.
pub(crate) fn scope_of(
    region: Option<Uuid>,
    unit: Option<Uuid>,
    department: Option<Uuid>,
    person: Option<Uuid>,
) -> Result<Scope, StoreError> {
    Ok(match (region, unit, department, person) {
        (None, None, None, None) => Scope::Province,
        (Some(r), None, None, None) => Scope::Region(RegionId(r)),
        (None, Some(u), None, None) => Scope::Unit(UnitId(u)),
        (None, Some(u), Some(d), None) => Scope::Department(UnitId(u), DepartmentId(d)),
        (None, Some(u), None, Some(p)) => Scope::Person(UnitId(u), PersonId(p)),
        other => return Err(StoreError::corrupt(format!("organisation columns {other:?}"))),
    })
}

fn to_domain(m: accounts::Model) -> Result<(Account, Option<String>), StoreError> {
    let account = Account {
        id: m.id,
        username: m.username,
        role: m.role,
        scope: scope_of(m.region_id, m.unit_id, m.department_id, m.person_id)?,
        display_name: m.display_name,
        must_change_password: m.must_change_password,
        disabled: m.disabled_at.is_some(),
        has_password: m.password_hash.is_some(),
        password_changed_at: m.password_changed_at,
        row_version: m.row_version,
        created_at: m.created_at,
    };
    Ok((account, m.password_hash))
}

fn account_of(m: accounts::Model) -> Result<Account, StoreError> {
    to_domain(m).map(|(a, _)| a)
}

/// Checks that the role may be bound to the scope, and that a department or
/// person named in it belongs to the unit named with it.
async fn check_scope(db: &impl ConnectionTrait, role: Role, scope: &Scope) -> Result<(), StoreError> {
    let fits = scope_fits(role, scope)
        && match *scope {
            Scope::Department(u, d) => departments::Entity::find_by_id(d.0)
                .filter(departments::Column::UnitId.eq(u.0))
                .one(db)
                .await?
                .is_some(),
            Scope::Person(u, p) => {
                people::Entity::find_by_id(p.0).filter(people::Column::UnitId.eq(u.0)).one(db).await?.is_some()
            }
            _ => true,
        };
    if fits { Ok(()) } else { Err(StoreError::ScopeMismatch { role, scope: *scope }) }
}

/// Creates an account. A username taken in any case is
/// `Conflict { uq_accounts_username }`; a scope that does not fit the role is
/// `ScopeMismatch`. Whether the creator may create it (`manages`,
/// `scope::encloses`) is the caller's to check.
pub async fn insert(db: &impl ConnectionTrait, new: &NewAccount) -> Result<Account, StoreError> {
    check_scope(db, new.role, &new.scope).await?;
    let (region, unit, department, person) = columns(&new.scope);
    let at = now();
    let id = Uuid::now_v7();
    accounts::Entity::insert(accounts::ActiveModel {
        id: Set(id),
        username: Set(normalise_username(&new.username)),
        password_hash: Set(new.password_hash.clone()),
        role: Set(new.role),
        region_id: Set(region),
        unit_id: Set(unit),
        department_id: Set(department),
        person_id: Set(person),
        display_name: Set(new.display_name.clone()),
        must_change_password: Set(new.must_change_password),
        disabled_at: Set(None),
        password_changed_at: Set(new.password_hash.as_ref().map(|_| at)),
        created_at: Set(at),
        created_by: Set(new.created_by),
        updated_at: Set(at),
        row_version: Set(1),
    })
    .exec_without_returning(db)
    .await?;
    get(db, id).await
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Account, StoreError> {
    accounts::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound).and_then(account_of)
}

/// The account with this username in any case, with its password hash.
pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<(Account, Option<String>)>, StoreError> {
    accounts::Entity::find()
        .filter(accounts::Column::Username.eq(normalise_username(username)))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// The trainee account of a person, with its password hash, if there is one.
pub async fn find_for_person(
    db: &impl ConnectionTrait,
    person: PersonId,
) -> Result<Option<(Account, Option<String>)>, StoreError> {
    accounts::Entity::find().filter(accounts::Column::PersonId.eq(person.0)).one(db).await?.map(to_domain).transpose()
}

/// The username of a person's trainee account. Trainees sign in by ID
/// number and name, never by this name, and it must not reveal the ID
/// number, so it is derived from the person's id.
pub fn trainee_username(person: PersonId) -> String {
    format!("trainee-{}", person.0.simple())
}

/// The person's trainee account, created without a password when missing
/// (idempotent: concurrent calls end with one account). When the person has
/// moved to another unit since, the account follows him there.
pub async fn create_trainee_account<C>(db: &C, person: &Person) -> Result<Account, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let scope = Scope::Person(person.unit_id, person.id);
    if let Some((account, _)) = find_for_person(db, person.id).await? {
        if account.scope == scope {
            return Ok(account);
        }
        let (_, unit, _, _) = columns(&scope);
        accounts::Entity::update_many()
            .col_expr(accounts::Column::UnitId, Expr::value(unit))
            .col_expr(accounts::Column::RowVersion, Expr::col(accounts::Column::RowVersion).add(1))
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now()))
            .filter(accounts::Column::Id.eq(account.id))
            .exec(db)
            .await?;
        return get(db, account.id).await;
    }
    let new = NewAccount {
        username: trainee_username(person.id),
        role: Role::Trainee,
        scope,
        display_name: person.name.clone(),
        password_hash: None,
        must_change_password: false,
        created_by: None,
    };
    // A savepoint, so that losing the race does not abort a caller's transaction.
    let txn = db.begin().await?;
    match insert(&txn, &new).await {
        Ok(account) => {
            txn.commit().await?;
            Ok(account)
        }
        Err(StoreError::Conflict { constraint })
            if constraint == Constraint::AccountsPerson.name() || constraint == Constraint::AccountsUsername.name() =>
        {
            txn.rollback().await?;
            find_for_person(db, person.id).await?.map(|(a, _)| a).ok_or(StoreError::NotFound)
        }
        Err(e) => Err(e),
    }
}

/// Bumps the row version and `updated_at` and applies `changes`; NotFound
/// when the account does not exist.
async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    changes: Vec<(accounts::Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<(), StoreError> {
    let mut query = accounts::Entity::update_many()
        .col_expr(accounts::Column::RowVersion, Expr::col(accounts::Column::RowVersion).add(1))
        .col_expr(accounts::Column::UpdatedAt, Expr::value(now()))
        .filter(accounts::Column::Id.eq(id));
    for (column, value) in changes {
        query = query.col_expr(column, value);
    }
    if query.exec(db).await?.rows_affected == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Sets a new password hash (a reset sets `must_change`; the owner's own
/// change clears it) and ends every session of the account: all its refresh
/// tokens are revoked in the same transaction.
pub async fn set_password<C>(db: &C, id: Uuid, password_hash: &str, must_change: bool) -> Result<Account, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    update(
        &txn,
        id,
        vec![
            (accounts::Column::PasswordHash, Expr::value(password_hash)),
            (accounts::Column::MustChangePassword, Expr::value(must_change)),
            (accounts::Column::PasswordChangedAt, Expr::value(now())),
        ],
    )
    .await?;
    refresh::revoke_all(&txn, id).await?;
    let account = get(&txn, id).await?;
    txn.commit().await?;
    Ok(account)
}

/// Disables (or re-enables) an account. Disabling ends every session: all
/// its refresh tokens are revoked in the same transaction.
pub async fn set_disabled<C>(db: &C, id: Uuid, disabled: bool) -> Result<Account, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let current = get(&txn, id).await?;
    if current.disabled != disabled {
        let at: Option<DateTime<Utc>> = disabled.then(now);
        update(&txn, id, vec![(accounts::Column::DisabledAt, Expr::value(at))]).await?;
    }
    if disabled {
        refresh::revoke_all(&txn, id).await?;
    }
    let account = get(&txn, id).await?;
    txn.commit().await?;
    Ok(account)
}

/// Renames an account's display name.
pub async fn set_display_name(db: &impl ConnectionTrait, id: Uuid, display_name: &str) -> Result<Account, StoreError> {
    update(db, id, vec![(accounts::Column::DisplayName, Expr::value(display_name))]).await?;
    get(db, id).await
}

/// The condition "an account `actor` manages": bound inside the actor's
/// jurisdiction, with a role the actor's role manages. `None` when the
/// actor manages no role at all.
fn managed_by(actor: &Actor) -> Option<sea_orm::Condition> {
    let roles: Vec<&str> = Role::ALL.iter().filter(|r| manages(actor.role, **r)).map(|r| r.as_str()).collect();
    if roles.is_empty() {
        return None;
    }
    Some(sea_orm::Condition::all().add(scope::accounts(&actor.scope)).add(accounts::Column::Role.is_in(roles)))
}

/// The accounts `actor` manages, by id (creation order), one page after the
/// cursor `after`; at most [`MAX_PAGE`](super::MAX_PAGE) per page.
pub async fn list_managed_by(
    db: &impl ConnectionTrait,
    actor: &Actor,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<Account>, StoreError> {
    let Some(condition) = managed_by(actor) else {
        return Ok(Page { items: Vec::new(), next: None });
    };
    let limit = page_limit(limit);
    let mut query = accounts::Entity::find().filter(condition);
    if let Some(after) = after {
        query = query.filter(accounts::Column::Id.gt(after));
    }
    let rows = query.order_by_asc(accounts::Column::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = paginate(rows, limit, |m| m.id);
    Ok(Page { items: rows.into_iter().map(account_of).collect::<Result<_, _>>()?, next })
}

/// An account `actor` manages; `NotFound` for any other, existing or not.
pub async fn get_managed(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<Account, StoreError> {
    let condition = managed_by(actor).ok_or(StoreError::NotFound)?;
    accounts::Entity::find_by_id(id).filter(condition).one(db).await?.ok_or(StoreError::NotFound).and_then(account_of)
}

/// Inserts the CME office accounts of newly opened units in multi-row
/// statements (an import opens up to 2,000 at once). Each `NewAccount` must
/// be a `Role::Unit` bound to `Scope::Unit` of a unit inserted before;
/// a taken username is `Conflict { uq_accounts_username }`. Answers the ids,
/// in order.
pub async fn insert_unit_offices(db: &impl ConnectionTrait, new: &[NewAccount]) -> Result<Vec<Uuid>, StoreError> {
    let at = now();
    let mut rows = Vec::with_capacity(new.len());
    let mut ids = Vec::with_capacity(new.len());
    for n in new {
        if !(n.role == Role::Unit && matches!(n.scope, Scope::Unit(_))) {
            return Err(StoreError::ScopeMismatch { role: n.role, scope: n.scope });
        }
        let (region, unit, department, person) = columns(&n.scope);
        let id = Uuid::now_v7();
        ids.push(id);
        rows.push(accounts::ActiveModel {
            id: Set(id),
            username: Set(normalise_username(&n.username)),
            password_hash: Set(n.password_hash.clone()),
            role: Set(n.role),
            region_id: Set(region),
            unit_id: Set(unit),
            department_id: Set(department),
            person_id: Set(person),
            display_name: Set(n.display_name.clone()),
            must_change_password: Set(n.must_change_password),
            disabled_at: Set(None),
            password_changed_at: Set(n.password_hash.as_ref().map(|_| at)),
            created_at: Set(at),
            created_by: Set(n.created_by),
            updated_at: Set(at),
            row_version: Set(1),
        });
    }
    let per = crate::batch_rows(db.get_database_backend(), 16);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(per).collect();
        accounts::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(ids)
}

/// The usernames among `names` (normalised) that accounts already hold.
pub async fn usernames_taken(db: &impl ConnectionTrait, names: &[String]) -> Result<Vec<String>, StoreError> {
    let mut taken = Vec::new();
    for chunk in names.chunks(1_000) {
        let rows: Vec<String> = accounts::Entity::find()
            .select_only()
            .column(accounts::Column::Username)
            .filter(accounts::Column::Username.is_in(chunk.iter().map(|n| normalise_username(n))))
            .into_tuple()
            .all(db)
            .await?;
        taken.extend(rows);
    }
    Ok(taken)
}
