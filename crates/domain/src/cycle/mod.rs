//! The annual verification cycle (SPEC §5, §6): its calendar, the submission
//! windows each office sets for the tiers below it, the lists a person-year
//! goes on and who may go on them, special personnel and their evidence, and
//! the path of a verification (electronic or on paper, 纸质验证).
//!
//! The review chains that carry a submission up and its state machine are
//! [`crate::review`]; what comes after the final review, the certificate,
//! is [`crate::certificate`]; the cycle's figures are [`crate::report`].

pub mod calendar;
pub mod evidence;
pub mod list;
pub mod paper;
pub mod special;
pub mod window;
