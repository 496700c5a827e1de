//! Certificates (学分验证合格证书, SPEC §8): issued by the final office of a
//! review chain once a person-year is approved, one per person and year.
//!
//! - [`number`]: how a certificate is named: its number (证书编号) and the
//!   random QR token and short code that find it;
//! - [`status`]: what a certificate is worth today, and who may print it;
//! - [`snapshot`]: what it prints, frozen at issue: the verdict, the
//!   issuing committee, the name as the public may see it.

pub mod number;
pub mod snapshot;
pub mod status;
