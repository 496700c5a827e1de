//! People found by ID number in bulk (attendance rosters, imports), through
//! the HMAC index: nothing is decrypted.

use std::collections::{HashMap, HashSet};

use cme_domain::IdCardNumber;
use cme_domain::auth::Scope;
use cme_domain::ids::{PersonId, UnitId};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use uuid::Uuid;

use super::scope;
use crate::StoreError;
use crate::crypto::PiiCipher;
use crate::entity::people;

/// A person found by ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub id: PersonId,
    pub unit_id: UnitId,
    /// Whether the person lies inside the scope asked about.
    pub in_scope: bool,
}

/// The people with these ID numbers, keyed by the number's text, each
/// marked as inside `within` or not. Numbers of nobody are absent.
pub async fn find_many(
    db: &impl ConnectionTrait,
    cipher: &PiiCipher,
    numbers: &[IdCardNumber],
    within: &Scope,
) -> Result<HashMap<String, Found>, StoreError> {
    let mut out = HashMap::new();
    for chunk in numbers.chunks(1_000) {
        let by_hmac: HashMap<Vec<u8>, &str> = chunk.iter().map(|n| (cipher.index(n.as_str()), n.as_str())).collect();
        let rows: Vec<(Uuid, Uuid, Vec<u8>)> = people::Entity::find()
            .select_only()
            .columns([people::Column::Id, people::Column::UnitId, people::Column::IdNumberHmac])
            .filter(people::Column::IdNumberHmac.is_in(by_hmac.keys().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            continue;
        }
        let inside: HashSet<Uuid> = people::Entity::find()
            .select_only()
            .column(people::Column::Id)
            .filter(people::Column::Id.is_in(rows.iter().map(|r| r.0)))
            .filter(scope::people(within))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for (id, unit_id, hmac) in rows {
            if let Some(number) = by_hmac.get(&hmac) {
                out.insert(
                    (*number).to_owned(),
                    Found { id: PersonId(id), unit_id: UnitId(unit_id), in_scope: inside.contains(&id) },
                );
            }
        }
    }
    Ok(out)
}
