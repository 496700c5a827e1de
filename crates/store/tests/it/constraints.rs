//! The constraint catalogue (`cme_store::Constraint`) against the live
//! schema that the migrations build, both ways: every catalogued name
//! exists, every `uq_*` and `ck_*` in the schema is catalogued, and each
//! unique one covers exactly the columns the catalogue says (SQLite reports
//! a violation by those columns alone).

use std::collections::BTreeSet;

use cme_store::{Constraint, ConstraintKind, DatabaseConnection, DbBackend, both_backends};
use sea_orm::{FromQueryResult, JsonValue, Statement};

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<JsonValue> {
    let stmt = Statement::from_string(db.get_database_backend(), sql.to_owned());
    JsonValue::find_by_statement(stmt).all(db).await.unwrap()
}

fn text(v: &JsonValue, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

#[derive(FromQueryResult)]
struct IndexRow {
    name: String,
    unique: i64,
}

#[derive(FromQueryResult)]
struct PkRow {
    name: String,
    pk: i64,
}

#[derive(FromQueryResult)]
struct ColumnRow {
    seqno: i64,
    name: Option<String>,
}

/// Every constraint and index name of the schema, and each unique index
/// (constraint or partial index) as its table and columns.
async fn live(db: &DatabaseConnection) -> (BTreeSet<String>, BTreeSet<(String, Vec<String>)>) {
    let mut names = BTreeSet::new();
    let mut uniques = BTreeSet::new();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            for r in rows(db, "SELECT conname::text AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()").await {
                names.insert(text(&r, "name"));
            }
            let sql = "SELECT t.relname::text AS tbl, i.relname::text AS name, \
                       array_to_string(ARRAY(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord) \
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS cols \
                       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
                       JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND x.indisunique";
            for r in rows(db, sql).await {
                names.insert(text(&r, "name"));
                uniques.insert((text(&r, "tbl"), text(&r, "cols").split(',').map(str::to_owned).collect()));
            }
        }
        _ => {
            let objects = rows(db, "SELECT type, name, tbl_name, COALESCE(sql, '') AS sql FROM sqlite_master").await;
            for o in &objects {
                let sql = text(o, "sql");
                if text(o, "type") == "index" {
                    names.insert(text(o, "name"));
                }
                // `CONSTRAINT "name"` (or unquoted) inside CREATE TABLE.
                let mut rest = sql.as_str();
                while let Some(i) = rest.find("CONSTRAINT ") {
                    rest = &rest[i + "CONSTRAINT ".len()..];
                    let name: String = rest
                        .trim_start_matches('"')
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                }
            }
            for t in objects.iter().filter(|o| text(o, "type") == "table") {
                let table = text(t, "name");
                let sql = format!("PRAGMA index_list('{table}')");
                let list =
                    IndexRow::find_by_statement(Statement::from_string(DbBackend::Sqlite, sql)).all(db).await.unwrap();
                // The primary key is unique too (a rowid alias has no index).
                let sql = format!("PRAGMA table_info('{table}')");
                let mut key: Vec<PkRow> =
                    PkRow::find_by_statement(Statement::from_string(DbBackend::Sqlite, sql)).all(db).await.unwrap();
                key.retain(|c| c.pk > 0);
                key.sort_by_key(|c| c.pk);
                uniques.insert((table.clone(), key.into_iter().map(|c| c.name).collect()));
                for idx in list.into_iter().filter(|i| i.unique == 1) {
                    let sql = format!("PRAGMA index_info('{}')", idx.name);
                    let mut cols = ColumnRow::find_by_statement(Statement::from_string(DbBackend::Sqlite, sql))
                        .all(db)
                        .await
                        .unwrap();
                    cols.sort_by_key(|c| c.seqno);
                    uniques.insert((table.clone(), cols.into_iter().map(|c| c.name.unwrap_or_default()).collect()));
                }
            }
        }
    }
    (names, uniques)
}

both_backends!(the_constraint_catalogue_matches_the_live_schema, |db| async move {
    let (names, uniques) = live(&db).await;
    for c in Constraint::ALL {
        assert!(names.contains(c.name()), "{} is catalogued but not in the schema", c.name());
        if let Some((table, columns)) = c.columns() {
            let want = (table.to_owned(), columns.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
            assert!(uniques.contains(&want), "{} is not a unique index on {table} {columns:?}", c.name());
        }
    }
    for name in names.iter().filter(|n| n.starts_with("uq_") || n.starts_with("ck_")) {
        assert!(Constraint::from_name(name).is_some(), "{name} is in the schema but not in the catalogue");
    }
    assert!(Constraint::ALL.iter().any(|c| c.kind() == ConstraintKind::Check));
});
