//! The crate's integration tests as one binary (one link of the app,
//! not one per file); each file is a module.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a failing test stops loudly")]

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod certificate_pdf;
mod fonts;
mod layout;
mod qr;
mod registration_pdf;
mod xlsx;
