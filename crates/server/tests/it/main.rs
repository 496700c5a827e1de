//! The crate's integration tests as one binary (one link of the app,
//! not one per file); each file is a module.
#![cfg(test)] // always set here; said on the crate, clippy's allow-unwrap-in-tests covers the helpers too

mod backup;
mod binary;
mod deployment;
mod numbers_crash;
