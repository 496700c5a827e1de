//! Route handlers, one module per resource.

pub mod accounts;
pub mod auth;
pub mod compliance;
pub mod credits;
pub mod health;
pub mod org;
pub mod standards;
