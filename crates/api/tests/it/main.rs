//! The crate's integration tests as one binary (one link of the app,
//! not one per file); each file is a module.
//!
//! Apart, in binaries of their own: `pii` (it installs a process-wide
//! TRACE log capture that would record every test here), `untrusted_files`
//! (it bounds the process's peak memory, which other tests would raise)
//! and `openapi` (`UPDATE_OPENAPI=1 cargo test -p cme-api --test openapi`
//! regenerates the document).
#![cfg(test)] // always set here; said on the crate, clippy's allow-unwrap-in-tests covers the helpers too

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod activities;
mod api;
mod auth;
mod authorization;
mod busy;
mod calculator;
mod certificates;
mod credits;
mod instances;
mod notifications;
mod ops;
mod paper;
mod people;
mod reports;
mod support;
mod units;
mod verification;
