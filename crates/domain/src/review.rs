//! Review chains (SPEC §5) and the verification state machine.
//!
//! Each person-year verification moves up the review chain of its unit: the
//! unit's first review (初审), then one to three offices, the last of which
//! gives the final review (最终复验) and issues the certificate number. The
//! chain depends on the unit's level and on Western or TCM medicine.

use serde::Serialize;

use crate::org::{Medicine, UnitLevel};

string_enum! {
    /// Who acts: the tiers of SPEC §1 that take part in verification.
    pub enum Tier {
        Department => ("department", "科室"),
        Unit => ("unit", "单位"),
        CountyOffice => ("county_office", "县市区继教委办公室"),
        PrefectureOffice => ("prefecture_office", "州市继教委办公室"),
        ProvinceWestern => ("province_western", "省继教委办公室(科教处)"),
        ProvinceTcm => ("province_tcm", "省继教委办公室(中医处)"),
        SystemAdmin => ("system_admin", "系统管理员"),
        Trainee => ("trainee", "学员"),
    }
}

string_enum! {
    /// The name of a review step.
    pub enum Stage {
        FirstReview => ("first_review", "初审"),
        SecondReview => ("second_review", "再审核"),
        Recheck => ("recheck", "复核"),
        FinalReview => ("final_review", "最终复验"),
    }
}

/// One step of a chain: which tier reviews, under which name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    pub stage: Stage,
    pub tier: Tier,
}

/// The chain of a unit: step 0 is the unit's own first review; the last step
/// is the final review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewChain {
    pub steps: Vec<Step>,
    /// Who spot-checks (抽验) results finalised by this chain.
    pub spot_check_by: Option<Tier>,
}

/// The province office for a unit's medicine.
pub fn province_office(medicine: Medicine) -> Tier {
    match medicine {
        Medicine::Western => Tier::ProvinceWestern,
        Medicine::Tcm => Tier::ProvinceTcm,
    }
}

/// The review chain of a unit (SPEC §5 table).
pub fn review_chain(level: UnitLevel, medicine: Medicine) -> ReviewChain {
    use Stage::*;
    use Tier::*;
    let province = province_office(medicine);
    let step = |stage, tier| Step { stage, tier };
    let (steps, spot_check_by) = match level {
        UnitLevel::Provincial => (vec![step(FirstReview, Unit), step(FinalReview, province)], None),
        UnitLevel::Prefecture => {
            (vec![step(FirstReview, Unit), step(SecondReview, PrefectureOffice), step(FinalReview, province)], None)
        }
        UnitLevel::County => (
            vec![
                step(FirstReview, Unit),
                step(SecondReview, CountyOffice),
                step(Recheck, PrefectureOffice),
                step(FinalReview, province),
            ],
            None,
        ),
        UnitLevel::Township => (
            vec![step(FirstReview, Unit), step(SecondReview, CountyOffice), step(FinalReview, PrefectureOffice)],
            Some(province),
        ),
        UnitLevel::Village => (vec![step(FirstReview, Unit), step(FinalReview, CountyOffice)], Some(PrefectureOffice)),
    };
    ReviewChain { steps, spot_check_by }
}

impl ReviewChain {
    /// The office that gives the final review and issues certificate numbers.
    pub fn final_tier(&self) -> Tier {
        self.steps.last().map_or(Tier::Unit, |s| s.tier)
    }

    /// The index of the last step.
    pub fn last_step(&self) -> u8 {
        u8::try_from(self.steps.len().saturating_sub(1)).unwrap_or(u8::MAX)
    }
}

/// Where a person-year verification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Put on a list (by the unit, or by a department for the unit), not yet
    /// passed by the unit's first review.
    Prepared,
    /// Awaiting the office of chain step `step` (1 ..= last).
    InReview { step: u8 },
    /// Sent back to the unit with a reason; the unit fixes and resubmits.
    Returned,
    /// Passed the final review; awaiting its certificate number.
    Approved,
    /// A certificate number has been issued.
    Certified,
}

string_enum! {
    /// A state without its step: the name a state is stored, counted and
    /// filtered by.
    pub enum StateKind {
        Prepared => ("prepared", "待上报"),
        InReview => ("in_review", "审核中"),
        Returned => ("returned", "已退回"),
        Approved => ("approved", "已通过"),
        Certified => ("certified", "已发证书编号"),
    }
}

impl State {
    /// The state without its step.
    pub fn kind(self) -> StateKind {
        match self {
            State::Prepared => StateKind::Prepared,
            State::InReview { .. } => StateKind::InReview,
            State::Returned => StateKind::Returned,
            State::Approved => StateKind::Approved,
            State::Certified => StateKind::Certified,
        }
    }

    /// The stored name of the state (the step is stored beside it).
    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }

    /// Rebuilds a state from its stored kind and step.
    pub fn from_parts(kind: StateKind, step: Option<u8>) -> Option<State> {
        Some(match (kind, step) {
            (StateKind::Prepared, _) => State::Prepared,
            (StateKind::InReview, Some(step)) if step >= 1 => State::InReview { step },
            (StateKind::InReview, _) => return None,
            (StateKind::Returned, _) => State::Returned,
            (StateKind::Approved, _) => State::Approved,
            (StateKind::Certified, _) => State::Certified,
        })
    }

    pub fn step(self) -> Option<u8> {
        match self {
            State::InReview { step } => Some(step),
            _ => None,
        }
    }

    /// Every state a chain can be in.
    pub fn all(chain: &ReviewChain) -> Vec<State> {
        let mut v = vec![State::Prepared, State::Returned, State::Approved, State::Certified];
        v.extend((1..=chain.last_step()).map(|step| State::InReview { step }));
        v
    }
}

string_enum! {
    /// What an actor does to a verification.
    pub enum Event {
        /// The unit's first review passes the record up (初审上报).
        Submit => ("submit", "初审上报"),
        /// The unit takes back a record no office has acted on yet.
        Withdraw => ("withdraw", "撤回"),
        /// The reviewing office passes the record up, or finally approves it.
        Approve => ("approve", "审核通过"),
        /// The reviewing office sends the record back to the unit.
        Return => ("return", "退回"),
        /// The final office issues the certificate number (生成证书编号).
        IssueNumber => ("issue_number", "生成证书编号"),
        /// A spot check or on-site inspection sends a finished record back.
        Reverify => ("reverify", "重新验证"),
    }
}

impl Event {
    /// Events that must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Event::Return | Event::Reverify)
    }
}

/// The label of a stored state name (`InvalidState` keeps the name).
fn state_label(name: &str) -> &'static str {
    name.parse::<StateKind>().map_or("处于其他状态", |k| match k {
        StateKind::Prepared => "待上报",
        StateKind::InReview => "正在审核",
        StateKind::Returned => "已退回",
        StateKind::Approved => "已通过",
        StateKind::Certified => "已发证书编号",
    })
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The event does not apply in this state (a stale view, or a race lost).
    #[error("该验证记录当前{}，不能{}", state_label(.from), .event.label())]
    InvalidState { from: &'static str, event: Event },
    /// The event applies, but not for this tier.
    #[error("当前环节{}不能{}", .actor.label(), .event.label())]
    Forbidden { actor: Tier, event: Event },
    #[error("{}须填写原因", .0.label())]
    ReasonRequired(Event),
}

/// An accepted transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
    pub event: Event,
}

/// Which tier may create a record on a list (put a person on it).
pub fn may_prepare(actor: Tier) -> bool {
    matches!(actor, Tier::Unit | Tier::Department)
}

/// The state machine: whether `actor` may fire `event` on a record in
/// `from`, and where it goes. Jurisdiction (is this the office above this
/// unit?) is checked by the caller; this decides by tier and step.
pub fn transition(
    chain: &ReviewChain,
    from: State,
    event: Event,
    actor: Tier,
    reason: Option<&str>,
) -> Result<Transition, TransitionError> {
    let last = chain.last_step();
    let step_tier = |step: u8| chain.steps.get(usize::from(step)).map(|s| s.tier);
    let invalid = TransitionError::InvalidState { from: from.as_str(), event };
    let forbidden = TransitionError::Forbidden { actor, event };
    let require = |ok: bool| if ok { Ok(()) } else { Err(forbidden.clone()) };

    let to = match (event, from) {
        (Event::Submit, State::Prepared | State::Returned) => {
            require(actor == Tier::Unit)?;
            State::InReview { step: 1 }
        }
        (Event::Withdraw, State::InReview { step: 1 }) => {
            require(actor == Tier::Unit)?;
            State::Prepared
        }
        (Event::Approve, State::InReview { step }) => {
            require(step_tier(step) == Some(actor))?;
            if step >= last { State::Approved } else { State::InReview { step: step + 1 } }
        }
        (Event::Return, State::InReview { step }) => {
            require(step_tier(step) == Some(actor))?;
            State::Returned
        }
        (Event::IssueNumber, State::Approved) => {
            require(actor == chain.final_tier())?;
            State::Certified
        }
        (Event::Reverify, State::Approved | State::Certified) => {
            // The final office, the office that spot-checks the chain, or the
            // province, which inspects any institution on site.
            require(
                actor == chain.final_tier()
                    || Some(actor) == chain.spot_check_by
                    || matches!(actor, Tier::ProvinceWestern | Tier::ProvinceTcm),
            )?;
            State::Returned
        }
        _ => return Err(invalid),
    };
    if event.needs_reason() && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(TransitionError::ReasonRequired(event));
    }
    Ok(Transition { from, to, event })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Tier::*;

    #[test]
    fn chains_follow_the_notices() {
        let tiers = |l, m| review_chain(l, m).steps.iter().map(|s| s.tier).collect::<Vec<_>>();
        assert_eq!(tiers(UnitLevel::Provincial, Medicine::Western), vec![Unit, ProvinceWestern]);
        assert_eq!(tiers(UnitLevel::Provincial, Medicine::Tcm), vec![Unit, ProvinceTcm]);
        assert_eq!(tiers(UnitLevel::Prefecture, Medicine::Western), vec![Unit, PrefectureOffice, ProvinceWestern]);
        assert_eq!(tiers(UnitLevel::County, Medicine::Tcm), vec![Unit, CountyOffice, PrefectureOffice, ProvinceTcm]);
        assert_eq!(tiers(UnitLevel::Township, Medicine::Western), vec![Unit, CountyOffice, PrefectureOffice]);
        assert_eq!(tiers(UnitLevel::Village, Medicine::Tcm), vec![Unit, CountyOffice]);
        assert_eq!(review_chain(UnitLevel::Township, Medicine::Western).spot_check_by, Some(ProvinceWestern));
        assert_eq!(review_chain(UnitLevel::Village, Medicine::Western).spot_check_by, Some(PrefectureOffice));
        assert_eq!(review_chain(UnitLevel::County, Medicine::Western).steps[2].stage, Stage::Recheck);
    }

    /// The expected outcome of every (chain, state, event, actor), written
    /// out independently of `transition`'s match.
    fn expected(chain: &ReviewChain, from: State, event: Event, actor: Tier) -> Result<State, &'static str> {
        let last = chain.steps.len() as u8 - 1;
        let final_tier = chain.steps[last as usize].tier;
        let applies = match event {
            Event::Submit => matches!(from, State::Prepared | State::Returned),
            Event::Withdraw => from == State::InReview { step: 1 },
            Event::Approve | Event::Return => matches!(from, State::InReview { .. }),
            Event::IssueNumber => from == State::Approved,
            Event::Reverify => matches!(from, State::Approved | State::Certified),
        };
        if !applies {
            return Err("invalid");
        }
        let allowed = match event {
            Event::Submit | Event::Withdraw => actor == Unit,
            Event::Approve | Event::Return => from.step().is_some_and(|s| chain.steps[s as usize].tier == actor),
            Event::IssueNumber => actor == final_tier,
            Event::Reverify => {
                actor == final_tier
                    || Some(actor) == chain.spot_check_by
                    || matches!(actor, ProvinceWestern | ProvinceTcm)
            }
        };
        if !allowed {
            return Err("forbidden");
        }
        Ok(match (event, from) {
            (Event::Submit, _) => State::InReview { step: 1 },
            (Event::Withdraw, _) => State::Prepared,
            (Event::Approve, State::InReview { step }) if step == last => State::Approved,
            (Event::Approve, State::InReview { step }) => State::InReview { step: step + 1 },
            (Event::IssueNumber, _) => State::Certified,
            _ => State::Returned,
        })
    }

    #[test]
    fn every_state_event_and_actor_of_every_chain() {
        let mut checked = 0;
        for &level in UnitLevel::ALL {
            for &medicine in Medicine::ALL {
                let chain = review_chain(level, medicine);
                for from in State::all(&chain) {
                    for &event in Event::ALL {
                        for &actor in Tier::ALL {
                            let got = transition(&chain, from, event, actor, Some("材料不全"));
                            let want = expected(&chain, from, event, actor);
                            match (&got, want) {
                                (Ok(t), Ok(to)) => assert_eq!(t.to, to),
                                (Err(TransitionError::InvalidState { .. }), Err("invalid")) => {}
                                (Err(TransitionError::Forbidden { .. }), Err("forbidden")) => {}
                                _ => panic!("{level} {medicine} {from:?} {event} {actor}: got {got:?}, want {want:?}"),
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
        // 10 chains; every (state, event, actor) of each.
        assert!(checked > 2_000, "{checked}");
    }

    #[test]
    fn return_and_reverify_need_a_reason() {
        let chain = review_chain(UnitLevel::Village, Medicine::Western);
        let r = transition(&chain, State::InReview { step: 1 }, Event::Return, CountyOffice, Some("  "));
        assert_eq!(r, Err(TransitionError::ReasonRequired(Event::Return)));
        let r = transition(&chain, State::Certified, Event::Reverify, PrefectureOffice, None);
        assert_eq!(r, Err(TransitionError::ReasonRequired(Event::Reverify)));
    }

    #[test]
    fn a_county_hospital_walks_four_steps() {
        let chain = review_chain(UnitLevel::County, Medicine::Western);
        let mut s = State::Prepared;
        for (event, actor) in [
            (Event::Submit, Unit),
            (Event::Approve, CountyOffice),
            (Event::Approve, PrefectureOffice),
            (Event::Approve, ProvinceWestern),
            (Event::IssueNumber, ProvinceWestern),
        ] {
            s = transition(&chain, s, event, actor, None).map(|t| t.to).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(s, State::Certified);
        // Nothing skips a tier: the province cannot act while the county reviews.
        let r = transition(&chain, State::InReview { step: 1 }, Event::Approve, ProvinceWestern, None);
        assert!(matches!(r, Err(TransitionError::Forbidden { .. })));
    }

    #[test]
    fn stored_states_round_trip() {
        let chain = review_chain(UnitLevel::County, Medicine::Tcm);
        for s in State::all(&chain) {
            assert_eq!(State::from_parts(s.kind(), s.step()), Some(s));
        }
        assert_eq!(State::from_parts(StateKind::InReview, None), None);
        for &kind in StateKind::ALL {
            assert!(State::all(&chain).iter().any(|s| s.kind() == kind), "{kind}");
        }
    }
}
