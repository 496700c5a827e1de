//! Route handlers, one module per resource.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod auth;
pub mod certificates;
pub mod compliance;
pub mod courses;
pub mod credits;
pub mod cycles;
pub mod health;
pub mod notifications;
pub mod org;
pub mod people;
pub mod spot_checks;
pub mod standards;
pub mod support;
pub mod title_corrections;
pub mod transfers;
pub mod units;
pub mod verifications;
pub mod workbench;
