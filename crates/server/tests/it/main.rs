//! The crate's integration tests as one binary (one link of the app,
//! not one per file); each file is a module.
#![expect(clippy::expect_used, reason = "a failing test stops loudly")]

mod binary;
mod deployment;
mod numbers_crash;
