//! The crate's integration tests as one binary (one link of the app,
//! not one per file); each file is a module.
#![expect(clippy::unwrap_used, reason = "a failing test stops loudly")]

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod auth;
mod store;
mod upkeep;
