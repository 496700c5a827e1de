//! Who acted, as people read it: records keep the account's login (or an
//! API client's id) or the account's id; people read the account's name and
//! its organisation, "张三（宣威市人民医院）". Read at the time of reading,
//! so a renamed account or unit reads with its present name.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _};
use uuid::Uuid;

use crate::entity::{accounts, api_clients, departments, regions, units};
use crate::error::StoreError;
use cme_domain::auth::Role;

/// The most names resolved by one call (a page of a list at most).
pub const MAX_NAMES: usize = 500;

/// What a person reads for one account or client: its name and, unless
/// the name already says it (an office account named after its office), its
/// organisation.
fn label(name: &str, organisation: Option<&str>) -> String {
    match organisation {
        Some(o) if !o.is_empty() && !name.contains(o) && !o.contains(name) => format!("{name}（{o}）"),
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_account_named_after_its_office_is_not_named_twice() {
        assert_eq!(super::label("张敏", Some("宜良县第一人民医院")), "张敏（宜良县第一人民医院）");
        assert_eq!(super::label("宜良县第一人民医院内科", Some("宜良县第一人民医院内科")), "宜良县第一人民医院内科");
        assert_eq!(super::label("张敏", None), "张敏");
    }
}

/// Names of units, departments and regions, looked up once per call.
#[derive(Default)]
struct Places {
    units: HashMap<Uuid, String>,
    departments: HashMap<Uuid, String>,
    regions: HashMap<Uuid, String>,
}

impl Places {
    async fn load(
        db: &impl ConnectionTrait,
        unit_ids: HashSet<Uuid>,
        department_ids: HashSet<Uuid>,
        region_ids: HashSet<Uuid>,
    ) -> Result<Places, StoreError> {
        let mut p = Places::default();
        if !unit_ids.is_empty() {
            for u in units::Entity::find().filter(units::Column::Id.is_in(unit_ids)).all(db).await? {
                p.units.insert(u.id, u.name);
            }
        }
        if !department_ids.is_empty() {
            for d in departments::Entity::find().filter(departments::Column::Id.is_in(department_ids)).all(db).await? {
                p.departments.insert(d.id, d.name);
            }
        }
        if !region_ids.is_empty() {
            for r in regions::Entity::find().filter(regions::Column::Id.is_in(region_ids)).all(db).await? {
                p.regions.insert(r.id, r.name);
            }
        }
        Ok(p)
    }

    /// The organisation an account or client belongs to, in words: its
    /// unit (and department), its region, or for the province its role.
    fn of(&self, role: Role, unit: Option<Uuid>, department: Option<Uuid>, region: Option<Uuid>) -> String {
        let unit = unit.and_then(|u| self.units.get(&u));
        let department = department.and_then(|d| self.departments.get(&d));
        match (unit, department, region.and_then(|r| self.regions.get(&r))) {
            (Some(u), Some(d), _) => format!("{u}{d}"),
            (Some(u), None, _) => u.clone(),
            (None, _, Some(r)) => r.clone(),
            _ => role.label().to_owned(),
        }
    }
}

/// One account or client read: its id, its login and its words.
struct Named {
    id: Uuid,
    login: String,
    words: String,
}

/// Reads the organisations of `accounts` and `clients` and words them.
async fn name(
    db: &impl ConnectionTrait,
    accounts: Vec<accounts::Model>,
    clients: Vec<api_clients::Model>,
) -> Result<Vec<Named>, StoreError> {
    let places = Places::load(
        db,
        accounts.iter().filter_map(|a| a.unit_id).chain(clients.iter().filter_map(|c| c.unit_id)).collect(),
        accounts.iter().filter_map(|a| a.department_id).collect(),
        accounts.iter().filter_map(|a| a.region_id).chain(clients.iter().filter_map(|c| c.region_id)).collect(),
    )
    .await?;
    let accounts = accounts.into_iter().map(|a| {
        let org = places.of(a.role, a.unit_id, a.department_id, a.region_id);
        Named { id: a.id, words: label(&a.display_name, Some(&org)), login: a.username }
    });
    let clients = clients.into_iter().map(|c| {
        let org = places.of(c.role, c.unit_id, None, c.region_id);
        Named { id: c.id, words: label(&format!("接口客户端“{}”", c.name), Some(&org)), login: c.client_id }
    });
    Ok(accounts.chain(clients).collect())
}

/// The words for each of `logins` (account usernames or API client ids)
/// that names an account or a client; unknown ones are left out.
pub async fn by_logins(db: &impl ConnectionTrait, logins: &[String]) -> Result<HashMap<String, String>, StoreError> {
    let wanted: HashSet<&String> = logins.iter().take(MAX_NAMES).collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let accounts =
        accounts::Entity::find().filter(accounts::Column::Username.is_in(wanted.iter().copied())).all(db).await?;
    let clients =
        api_clients::Entity::find().filter(api_clients::Column::ClientId.is_in(wanted.iter().copied())).all(db).await?;
    Ok(name(db, accounts, clients).await?.into_iter().map(|n| (n.login, n.words)).collect())
}

/// The words for each of `ids` (account or API client ids).
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, StoreError> {
    let wanted: HashSet<Uuid> = ids.iter().copied().take(MAX_NAMES).collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let accounts = accounts::Entity::find().filter(accounts::Column::Id.is_in(wanted.clone())).all(db).await?;
    let clients = api_clients::Entity::find().filter(api_clients::Column::Id.is_in(wanted)).all(db).await?;
    Ok(name(db, accounts, clients).await?.into_iter().map(|n| (n.id, n.words)).collect())
}

/// The ids of the accounts whose name holds `text` (or whose login is
/// `text`), for the audit log's "who" filter; at most [`MAX_NAMES`].
pub async fn ids_named(db: &impl ConnectionTrait, text: &str) -> Result<Vec<Uuid>, StoreError> {
    use sea_orm::{Condition, QuerySelect as _};
    let rows = accounts::Entity::find()
        .filter(
            Condition::any().add(accounts::Column::DisplayName.contains(text)).add(accounts::Column::Username.eq(text)),
        )
        .limit(MAX_NAMES as u64)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|a| a.id).collect())
}
