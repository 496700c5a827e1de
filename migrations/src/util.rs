//! Column and constraint builders shared by the migrations.
//!
//! Frozen once a migration that uses them has shipped: a later change adds a
//! new helper rather than altering one, so old migrations keep their meaning.

use sea_orm_migration::prelude::*;

/// A non-null uuid column.
pub fn uuid(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().take()
}

/// A nullable uuid column.
pub fn uuid_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().null().take()
}

/// A non-null text column.
pub fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().take()
}

/// A nullable text column.
pub fn text_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().null().take()
}

/// A non-null 32-bit integer column.
pub fn int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().take()
}

/// A non-null UTC timestamp (`timestamp with time zone` on PostgreSQL).
pub fn timestamp(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().take()
}

/// A nullable UTC timestamp.
pub fn timestamp_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().null().take()
}

/// A non-null binary column (`bytea` / `blob`).
pub fn binary(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).blob().not_null().take()
}

/// A nullable binary column.
pub fn binary_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).blob().null().take()
}

/// The named primary key `pk_<table>` on `id`.
pub fn pk(table: &'static str) -> IndexCreateStatement {
    Index::create().name(format!("pk_{table}")).col("id").take()
}

/// A named foreign key; rows are never deleted, so deletes are restricted.
pub fn fk(name: &'static str, from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Restrict)
        .take()
}

/// A named unique constraint inside `CREATE TABLE`.
pub fn unique(name: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).unique().take();
    for c in columns {
        index.col(*c);
    }
    index
}

/// A named plain index.
pub fn index(name: &'static str, table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).if_not_exists().take();
    for c in columns {
        index.col(*c);
    }
    index
}

/// A non-null boolean column.
pub fn boolean(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).boolean().not_null().take()
}

/// A non-null 64-bit integer column.
pub fn big_int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().take()
}
