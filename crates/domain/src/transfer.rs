//! Transfers of a health worker between units (人员调动): the sending unit
//! asks, the receiving unit accepts or rejects, the sender may withdraw
//! while nobody has decided. The record stays as the person's history.

typed_id!(
    /// One transfer request.
    TransferId
);

string_enum! {
    /// Where a transfer stands.
    pub enum TransferState {
        /// Asked by the sending unit, awaiting the receiving unit.
        Pending => ("pending", "待接收"),
        /// The receiving unit took the person in.
        Accepted => ("accepted", "已接收"),
        /// The receiving unit refused (with a reason).
        Rejected => ("rejected", "已拒收"),
        /// The sending unit withdrew the request.
        Cancelled => ("cancelled", "已撤回"),
    }
}

string_enum! {
    /// A decision on a pending transfer.
    pub enum TransferDecision {
        Accept => ("accept", "接收"),
        Reject => ("reject", "拒收"),
        Cancel => ("cancel", "撤回"),
    }
}

/// A decision on a transfer that is no longer pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("该调动申请{}，不能再{}", .state.label(), .decision.label())]
pub struct TransferClosed {
    pub state: TransferState,
    pub decision: TransferDecision,
}

impl TransferState {
    /// Only a pending transfer is open; the others are history.
    pub fn is_open(self) -> bool {
        self == TransferState::Pending
    }

    /// The state a decision leads to.
    pub fn decide(self, decision: TransferDecision) -> Result<TransferState, TransferClosed> {
        if !self.is_open() {
            return Err(TransferClosed { state: self, decision });
        }
        Ok(match decision {
            TransferDecision::Accept => TransferState::Accepted,
            TransferDecision::Reject => TransferState::Rejected,
            TransferDecision::Cancel => TransferState::Cancelled,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pending_transfer_can_be_decided() {
        for state in TransferState::ALL {
            for decision in TransferDecision::ALL {
                let got = state.decide(*decision);
                if *state == TransferState::Pending {
                    assert!(got.is_ok_and(|s| !s.is_open()));
                } else {
                    assert_eq!(got, Err(TransferClosed { state: *state, decision: *decision }));
                }
            }
        }
        assert_eq!(TransferState::Pending.decide(TransferDecision::Accept), Ok(TransferState::Accepted));
    }
}
