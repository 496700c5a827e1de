//! The crate's integration tests as one binary (one link of the app,
//! not one per file); each file is a module.
//!
//! `cfg(test)` is always set here (an integration test is built with
//! `--test`); said on the crate, it lets clippy's `allow-unwrap-in-tests`
//! (clippy.toml) cover the helpers too, not only the `#[test]` functions.
#![cfg(test)]

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod auth;
mod constraints;
mod store;
mod units;
mod upkeep;
