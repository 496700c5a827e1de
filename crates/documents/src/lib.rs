//! placeholder
pub mod table;
