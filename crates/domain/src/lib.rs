//! The pure rules of the Yunnan CME credit system.
//!
//! Nothing here does I/O: no async, no database, no HTTP. Every other crate
//! parses its input into these types and asks them for decisions.

#[macro_use]
mod macros;

pub mod activity;
pub mod audit;
pub mod auth;
pub mod certificate;
pub mod collation;
pub mod compliance;
pub mod credit;
pub mod credits;
pub mod cycle;
pub mod id_card;
pub mod ids;
pub mod keys;
pub mod notification;
pub mod org;
pub mod person;
pub mod report;
pub mod review;
pub mod roster;
pub mod sign_in_code;
pub mod spot_check;
pub mod standard;
pub mod support;
pub mod time;
pub mod title_correction;
pub mod titles;
pub mod transfer;

pub use credits::Credits;
pub use id_card::IdCardNumber;

/// A stored or received name that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("取值不在允许范围内（{kind}）")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}
