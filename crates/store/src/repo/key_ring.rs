//! The key ring (`key_ring`): keys that outlive a rotation of the data key,
//! sealed under it (see the migration `m20261207_000030_key_ring`), and the
//! re-encryption of personal data from one data key to the next.

use sea_orm::prelude::Expr;
use sea_orm::sea_query::{Alias, ExprTrait as _, OnConflict, Query};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    TransactionSession as _, TransactionTrait,
};
use uuid::Uuid;

use super::now;
use crate::StoreError;
use crate::crypto::{Field, PiiCipher};
use crate::entity::people;

/// The ring entry of the audit chain's key.
pub const AUDIT_CHAIN: &str = "audit_chain";
/// The ring entry of the access-token secret (sign-in codes derive from it).
pub const ACCESS_TOKENS: &str = "access_tokens";
/// Present while a rotation is under way: the fingerprint of the new key.
pub const REKEY_TARGET: &str = "rekey_target";

fn table() -> Alias {
    Alias::new("key_ring")
}

/// The value of ring entry `id`, if there is one.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let stmt = Query::select()
        .column(Alias::new("value"))
        .from(table())
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    let row = db.query_one_raw(db.get_database_backend().build(&stmt)).await?;
    Ok(row.map(|r| r.try_get::<Vec<u8>>("", "value")).transpose()?)
}

/// Sets ring entry `id` to `value`.
pub async fn put(db: &impl ConnectionTrait, id: &str, value: &[u8]) -> Result<(), StoreError> {
    let mut stmt = Query::insert();
    stmt.into_table(table()).columns([Alias::new("id"), Alias::new("value"), Alias::new("updated_at")]);
    stmt.values([id.into(), value.to_vec().into(), now().into()]).map_err(StoreError::corrupt)?;
    stmt.on_conflict(
        OnConflict::column(Alias::new("id")).update_columns([Alias::new("value"), Alias::new("updated_at")]).to_owned(),
    );
    db.execute(&stmt).await?;
    Ok(())
}

/// Removes ring entry `id` (none is fine).
pub async fn remove(db: &impl ConnectionTrait, id: &str) -> Result<(), StoreError> {
    let stmt = Query::delete().from_table(table()).and_where(Expr::col(Alias::new("id")).eq(id)).to_owned();
    db.execute(&stmt).await?;
    Ok(())
}

/// What one batch of [`rekey_people`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RekeyBatch {
    /// Rows re-encrypted and re-indexed under the new key.
    pub moved: u64,
    /// Rows that already opened under the new key (an earlier, interrupted run).
    pub already: u64,
    /// The last person of the batch: the next batch starts after it
    /// (`None`: there were no more people).
    pub last: Option<Uuid>,
}

/// Moves up to `limit` people after `after` (in id order) from `old` to
/// `new` in one transaction: the ID number and the phone re-encrypted, the
/// blind index recomputed. Idempotent: a row whose ID number already opens
/// under `new` is left alone (AES-GCM authenticates, so a wrong key never
/// "opens" a ciphertext), so a run interrupted anywhere can simply be
/// started again.
pub async fn rekey_people<C>(
    db: &C,
    old: &PiiCipher,
    new: &PiiCipher,
    after: Option<Uuid>,
    limit: u64,
) -> Result<RekeyBatch, StoreError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db.begin().await?;
    let mut query = people::Entity::find()
        .select_only()
        .columns([people::Column::Id, people::Column::IdNumberCipher, people::Column::PhoneCipher])
        .order_by_asc(people::Column::Id)
        .limit(limit);
    if let Some(after) = after {
        query = query.filter(people::Column::Id.gt(after));
    }
    let rows: Vec<(Uuid, Vec<u8>, Option<Vec<u8>>)> = query.into_tuple().all(&txn).await?;
    let mut batch = RekeyBatch { last: rows.last().map(|r| r.0), ..RekeyBatch::default() };
    for (id, id_cipher, phone_cipher) in rows {
        if new.decrypt(Field::IdNumber, &id_cipher).is_ok() {
            batch.already += 1;
            continue;
        }
        let id_number = old
            .decrypt(Field::IdNumber, &id_cipher)
            .map_err(|_| StoreError::corrupt(format!("person {id}: the ID number opens under neither key")))?;
        let phone = phone_cipher
            .as_deref()
            .map(|c| old.decrypt(Field::Phone, c).or_else(|_| new.decrypt(Field::Phone, c)))
            .transpose()
            .map_err(|_| StoreError::corrupt(format!("person {id}: the phone opens under neither key")))?;
        let stmt = Query::update()
            .table(people::Entity)
            .value(people::Column::IdNumberCipher, new.encrypt(Field::IdNumber, &id_number)?)
            .value(people::Column::IdNumberHmac, new.index(&id_number))
            .value(people::Column::PhoneCipher, phone.map(|p| new.encrypt(Field::Phone, &p)).transpose()?)
            .and_where(Expr::col(people::Column::Id).eq(id))
            .to_owned();
        txn.execute(&stmt).await?;
        batch.moved += 1;
    }
    txn.commit().await?;
    Ok(batch)
}
