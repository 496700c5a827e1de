//! Title correction (职称信息更正, SPEC §7): a person whose certificate
//! names the wrong title asks, with evidence, for the title he held; the
//! unit and each office above approve in turn and the province (科教处 or
//! 中医处) decides. The correction is allowed only if that year's credits
//! meet the new title's standard (the store asks the compliance engine
//! before the last approval); the certificate is then reissued.
//!
//! The workflow follows [`crate::review`]: the chain as a table
//! ([`correction_chain`]), the machine as data ([`RULES`]) read by one
//! [`transition`], and a test of every (chain, state, event, actor) against
//! an expectation written apart from it.

use crate::org::{Medicine, UnitLevel};
use crate::review::{Tier, province_office};

string_enum! {
    /// Where a title correction stands.
    pub enum CorrectionState {
        InReview => ("in_review", "审核中"),
        Approved => ("approved", "已批准"),
        Rejected => ("rejected", "已驳回"),
    }
}

string_enum! {
    /// What happens to a title correction.
    pub enum CorrectionEvent {
        Request => ("request", "提出申请"),
        Approve => ("approve", "审核通过"),
        Reject => ("reject", "驳回"),
    }
}

/// Who reviews a title correction (SPEC §7): the unit, then each office
/// above it; the province (科教处 or 中医处) decides.
pub fn correction_chain(level: UnitLevel, medicine: Medicine) -> Vec<Tier> {
    let province = province_office(medicine);
    match level {
        UnitLevel::Provincial => vec![Tier::Unit, province],
        UnitLevel::Prefecture => vec![Tier::Unit, Tier::PrefectureOffice, province],
        UnitLevel::County | UnitLevel::Township | UnitLevel::Village => {
            vec![Tier::Unit, Tier::CountyOffice, Tier::PrefectureOffice, province]
        }
    }
}

/// Why a title-correction step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionError {
    /// The request was approved or rejected already.
    #[error("该更正申请已{0}，不能再{1}")]
    Finished(&'static str, &'static str),
    /// The request waits on another tier (or the event is not a decision).
    #[error("该更正申请当前由{waiting}审核，{actor}不能操作")]
    NotYourStep { waiting: &'static str, actor: &'static str },
    #[error("驳回必须说明原因")]
    ReasonRequired,
}

/// Where an accepted event takes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goes {
    /// Up the chain: to the next step, or approved after the last one.
    Up,
    /// To a final state.
    End(CorrectionState),
}

/// One row of the machine: `event` on a request in `from`, fired by the
/// tier of the chain step the request waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub event: CorrectionEvent,
    pub from: CorrectionState,
    /// Whether the actor must say why.
    pub needs_reason: bool,
    pub goes: Goes,
}

/// The machine as data. Only a request in review moves, and only by the
/// tier it waits on. `Request` has no row: a request is made by the person
/// or his unit when none is open (the store's `request`), not by an event on
/// an existing one.
pub const RULES: [Rule; 2] = [
    Rule { event: CorrectionEvent::Approve, from: CorrectionState::InReview, needs_reason: false, goes: Goes::Up },
    Rule {
        event: CorrectionEvent::Reject,
        from: CorrectionState::InReview,
        needs_reason: true,
        goes: Goes::End(CorrectionState::Rejected),
    },
];

/// An accepted step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: CorrectionState,
    pub to: CorrectionState,
    /// The chain step the request then waits at; `None` once decided.
    pub step: Option<u8>,
    pub event: CorrectionEvent,
}

/// One step of a title correction: `actor` fires `event` on the request in
/// `state`, waiting at `step` of `chain` (which names the tier awaited). The
/// last approval approves the request; a rejection ends it (the person may
/// apply again). Jurisdiction (is this the office above this unit?) is
/// checked by the caller; this decides by tier and step.
pub fn transition(
    chain: &[Tier],
    state: CorrectionState,
    step: u8,
    event: CorrectionEvent,
    actor: Tier,
    reason: Option<&str>,
) -> Result<Transition, CorrectionError> {
    if !RULES.iter().any(|r| r.from == state) {
        return Err(CorrectionError::Finished(state.label(), event.label()));
    }
    // A step past the chain (a damaged row) waits on nobody.
    let waiting = chain.get(usize::from(step)).copied();
    let rule = RULES.iter().find(|r| r.event == event && r.from == state);
    let Some(rule) = rule.filter(|_| waiting == Some(actor)) else {
        let waiting = waiting.unwrap_or(Tier::SystemAdmin);
        return Err(CorrectionError::NotYourStep { waiting: waiting.label(), actor: actor.label() });
    };
    if rule.needs_reason && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(CorrectionError::ReasonRequired);
    }
    let (to, step) = match rule.goes {
        Goes::Up if usize::from(step) + 1 >= chain.len() => (CorrectionState::Approved, None),
        Goes::Up => (CorrectionState::InReview, Some(step + 1)),
        Goes::End(to) => (to, None),
    };
    Ok(Transition { from: state, to, step, event })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correction_chains_end_at_the_province() {
        let step = |chain: &[Tier], state, at, event, actor, reason| {
            transition(chain, state, at, event, actor, reason).map(|t| (t.to, t.step))
        };
        assert_eq!(
            correction_chain(UnitLevel::Village, Medicine::Tcm),
            vec![Tier::Unit, Tier::CountyOffice, Tier::PrefectureOffice, Tier::ProvinceTcm]
        );
        assert_eq!(correction_chain(UnitLevel::Provincial, Medicine::Western), vec![Tier::Unit, Tier::ProvinceWestern]);
        let chain = correction_chain(UnitLevel::Prefecture, Medicine::Western);
        let s = CorrectionState::InReview;
        assert_eq!(step(&chain, s, 0, CorrectionEvent::Approve, Tier::Unit, None), Ok((s, Some(1))));
        assert!(matches!(
            step(&chain, s, 1, CorrectionEvent::Approve, Tier::Unit, None),
            Err(CorrectionError::NotYourStep { .. })
        ));
        assert_eq!(
            step(&chain, s, 2, CorrectionEvent::Approve, Tier::ProvinceWestern, None),
            Ok((CorrectionState::Approved, None))
        );
        assert_eq!(
            step(&chain, s, 1, CorrectionEvent::Reject, Tier::PrefectureOffice, Some(" ")),
            Err(CorrectionError::ReasonRequired)
        );
        assert_eq!(
            step(&chain, s, 1, CorrectionEvent::Reject, Tier::PrefectureOffice, Some("证明不全")),
            Ok((CorrectionState::Rejected, None))
        );
        assert!(matches!(
            step(&chain, CorrectionState::Approved, 2, CorrectionEvent::Approve, Tier::ProvinceWestern, None),
            Err(CorrectionError::Finished(..))
        ));
    }

    /// The expected outcome of every (chain, state, step, event, actor,
    /// reason), written out independently of the table and `transition`.
    fn expected(
        chain: &[Tier],
        state: CorrectionState,
        step: u8,
        event: CorrectionEvent,
        actor: Tier,
        reason: Option<&str>,
    ) -> Result<(CorrectionState, Option<u8>), &'static str> {
        if state != CorrectionState::InReview {
            return Err("finished");
        }
        let at = usize::from(step);
        if at >= chain.len() || chain[at] != actor || event == CorrectionEvent::Request {
            return Err("not_your_step");
        }
        let said_why = reason.is_some_and(|r| !r.trim().is_empty());
        match event {
            CorrectionEvent::Reject if !said_why => Err("reason"),
            CorrectionEvent::Reject => Ok((CorrectionState::Rejected, None)),
            _ if at == chain.len() - 1 => Ok((CorrectionState::Approved, None)),
            _ => Ok((CorrectionState::InReview, Some(step + 1))),
        }
    }

    #[test]
    fn every_state_event_and_actor_of_every_chain() {
        let mut checked = 0;
        for &level in UnitLevel::ALL {
            for &medicine in Medicine::ALL {
                let chain = correction_chain(level, medicine);
                assert_eq!(chain.first(), Some(&Tier::Unit), "{level} {medicine}");
                assert_eq!(chain.last(), Some(&province_office(medicine)), "{level} {medicine}");
                // Every step of the chain, one past it, and the final states.
                let len = u8::try_from(chain.len()).unwrap_or(u8::MAX);
                let mut states: Vec<(CorrectionState, u8)> =
                    (0..=len).map(|step| (CorrectionState::InReview, step)).collect();
                states.extend([(CorrectionState::Approved, 0), (CorrectionState::Rejected, 0)]);
                for (state, step) in states {
                    for &event in CorrectionEvent::ALL {
                        for &actor in Tier::ALL {
                            for reason in [None, Some("  "), Some("证明不全")] {
                                let got = transition(&chain, state, step, event, actor, reason);
                                let want = expected(&chain, state, step, event, actor, reason);
                                match (&got, want) {
                                    (Ok(t), Ok((to, next))) => {
                                        assert_eq!((t.from, t.to, t.step, t.event), (state, to, next, event))
                                    }
                                    (Err(CorrectionError::Finished(..)), Err("finished")) => {}
                                    (Err(CorrectionError::NotYourStep { .. }), Err("not_your_step")) => {}
                                    (Err(CorrectionError::ReasonRequired), Err("reason")) => {}
                                    _ => panic!(
                                        "{level} {medicine} {state} step {step} {event} {actor} {reason:?}: got {got:?}, want {want:?}"
                                    ),
                                }
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        // 10 chains; every (state, step, event, actor, reason) of each.
        assert!(checked > 3_000, "{checked}");
    }

    #[test]
    fn refusals_say_why_in_chinese() {
        let chain = correction_chain(UnitLevel::County, Medicine::Western);
        let msg = |state, step, event, actor, reason| {
            transition(&chain, state, step, event, actor, reason).map(|_| ()).map_err(|e| e.to_string())
        };
        assert_eq!(
            msg(CorrectionState::Approved, 3, CorrectionEvent::Reject, Tier::ProvinceWestern, Some("x")),
            Err("该更正申请已已批准，不能再驳回".to_owned())
        );
        assert_eq!(
            msg(CorrectionState::InReview, 1, CorrectionEvent::Approve, Tier::Unit, None),
            Err("该更正申请当前由县市区继教委办公室审核，单位不能操作".to_owned())
        );
        assert_eq!(
            msg(CorrectionState::InReview, 0, CorrectionEvent::Reject, Tier::Unit, None),
            Err("驳回必须说明原因".to_owned())
        );
    }
}
