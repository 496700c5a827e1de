//! Route handlers, one module per resource.

pub mod accounts;
pub mod activities;
pub mod auth;
pub mod certificates;
pub mod compliance;
pub mod courses;
pub mod credits;
pub mod cycles;
pub mod documents;
pub mod health;
pub mod org;
pub mod people;
pub mod people_import;
pub mod people_sync;
pub mod spot_checks;
pub mod standards;
pub mod title_corrections;
pub mod transfers;
pub mod verifications;
