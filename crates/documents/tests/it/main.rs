//! The crate's integration tests as one binary (one link of the app,
//! not one per file); each file is a module.
#![cfg(test)] // always set here; said on the crate, clippy's allow-unwrap-in-tests covers the helpers too

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod certificate_pdf;
mod fonts;
mod layout;
mod paper_certificate;
mod qr;
mod registration_pdf;
mod report_pdf;
mod xlsx;
