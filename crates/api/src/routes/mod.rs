//! Route handlers, one module per resource.

pub mod compliance;
pub mod health;
pub mod standards;
