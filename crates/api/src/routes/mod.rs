//! Route handlers, one module per resource.

pub mod accounts;
pub mod auth;
pub mod compliance;
pub mod health;
pub mod org;
pub mod people;
pub mod people_import;
pub mod people_sync;
pub mod standards;
pub mod transfers;
