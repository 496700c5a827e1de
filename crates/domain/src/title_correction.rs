//! Title correction (职称信息更正, SPEC §7): a person whose certificate
//! names the wrong title asks, with evidence, for the title he held; the
//! unit and each office above approve in turn and the province (科教处 or
//! 中医处) decides. The correction is allowed only if that year's credits
//! meet the new title's standard (the store asks the compliance engine
//! before the last approval); the certificate is then reissued.

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
    #[error("该更正申请已{0}，不能再{1}")]
    Finished(&'static str, &'static str),
    #[error("该更正申请当前由{waiting}审核，{actor}不能操作")]
    NotYourStep { waiting: &'static str, actor: &'static str },
    #[error("驳回必须说明原因")]
    ReasonRequired,
    #[error("更正后该年度学分不达标，不能批准：{0}")]
    NotCompliant(String),
}

/// One step of a title correction: `actor` approves or rejects the request
/// waiting at `step` of `chain`. The last approval approves the request;
/// a rejection ends it (the person may apply again).
pub fn correction_step(
    chain: &[Tier],
    state: CorrectionState,
    step: u8,
    event: CorrectionEvent,
    actor: Tier,
    reason: Option<&str>,
) -> Result<(CorrectionState, Option<u8>), CorrectionError> {
    if state != CorrectionState::InReview {
        return Err(CorrectionError::Finished(state.label(), event.label()));
    }
    let waiting = chain.get(usize::from(step)).copied().unwrap_or(Tier::SystemAdmin);
    if waiting != actor || event == CorrectionEvent::Request {
        return Err(CorrectionError::NotYourStep { waiting: waiting.label(), actor: actor.label() });
    }
    match event {
        CorrectionEvent::Reject => {
            if reason.is_none_or(|r| r.trim().is_empty()) {
                return Err(CorrectionError::ReasonRequired);
            }
            Ok((CorrectionState::Rejected, None))
        }
        _ if usize::from(step) + 1 >= chain.len() => Ok((CorrectionState::Approved, None)),
        _ => Ok((CorrectionState::InReview, Some(step + 1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correction_chains_end_at_the_province() {
        assert_eq!(
            correction_chain(UnitLevel::Village, Medicine::Tcm),
            vec![Tier::Unit, Tier::CountyOffice, Tier::PrefectureOffice, Tier::ProvinceTcm]
        );
        assert_eq!(correction_chain(UnitLevel::Provincial, Medicine::Western), vec![Tier::Unit, Tier::ProvinceWestern]);
        let chain = correction_chain(UnitLevel::Prefecture, Medicine::Western);
        let s = CorrectionState::InReview;
        assert_eq!(correction_step(&chain, s, 0, CorrectionEvent::Approve, Tier::Unit, None), Ok((s, Some(1))));
        assert!(matches!(
            correction_step(&chain, s, 1, CorrectionEvent::Approve, Tier::Unit, None),
            Err(CorrectionError::NotYourStep { .. })
        ));
        assert_eq!(
            correction_step(&chain, s, 2, CorrectionEvent::Approve, Tier::ProvinceWestern, None),
            Ok((CorrectionState::Approved, None))
        );
        assert_eq!(
            correction_step(&chain, s, 1, CorrectionEvent::Reject, Tier::PrefectureOffice, Some(" ")),
            Err(CorrectionError::ReasonRequired)
        );
        assert_eq!(
            correction_step(&chain, s, 1, CorrectionEvent::Reject, Tier::PrefectureOffice, Some("证明不全")),
            Ok((CorrectionState::Rejected, None))
        );
        assert!(matches!(
            correction_step(
                &chain,
                CorrectionState::Approved,
                2,
                CorrectionEvent::Approve,
                Tier::ProvinceWestern,
                None
            ),
            Err(CorrectionError::Finished(..))
        ));
    }
}
