//! The figures of a cycle (SPEC §10): exact pass rates and the one rounding
//! every shown rate uses, where a cycle stands, and the statistics fold that
//! turns the stored tallies (compliance outcomes and verification states, by
//! unit, county or prefecture) into the report's rows and total.

use std::collections::BTreeMap;

use crate::compliance::Outcome;
use crate::review::StateKind;

string_enum! {
    /// What a row of the statistics stands for (统计口径): a unit, or the
    /// county or prefecture its units lie in.
    pub enum Grouping {
        Unit => ("unit", "单位"),
        County => ("county", "县市区"),
        Prefecture => ("prefecture", "州市"),
    }
}

/// An exact share `passed / total` (`total > 0`, `passed <= total`).
///
/// Compared and stored exactly; shown rounded half up to a thousandth
/// ([`PassRate::per_mille`], [`PassRate::percent`]): 3/7 shows 42.9%. A rate
/// just under a threshold can show as the threshold (1899/2000 shows 95.0%
/// and does not meet 95%); decisions use [`PassRate::at_least_percent`]
/// (as the inspection's does: [`crate::spot_check::institution_outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PassRate {
    passed: u32,
    total: u32,
}

impl PassRate {
    /// `None` when nobody was counted or the counts contradict each other.
    pub fn new(passed: u32, total: u32) -> Option<PassRate> {
        (total > 0 && passed <= total).then_some(PassRate { passed, total })
    }

    pub fn passed(self) -> u32 {
        self.passed
    }

    pub fn total(self) -> u32 {
        self.total
    }

    /// Thousandths, rounded half up: 950 for 94.96%, 429 for 3/7.
    pub fn per_mille(self) -> u32 {
        per_mille(u64::from(self.passed), u64::from(self.total)).unwrap_or(0)
    }

    /// Whether the rate is at least `percent`%, exactly.
    pub fn at_least_percent(self, percent: u32) -> bool {
        u64::from(self.passed) * 100 >= u64::from(percent) * u64::from(self.total)
    }

    /// The rate for display, one decimal, rounded half up: `42.9%` for 3/7.
    pub fn percent(self) -> String {
        let pm = self.per_mille();
        format!("{}.{}%", pm / 10, pm % 10)
    }
}

/// `part / whole` in thousandths, rounded half up (the one rounding of every
/// rate the system shows: the API, the XLSX and the SPA agree); `None` when
/// `whole` is 0.
pub fn per_mille(part: u64, whole: u64) -> Option<u32> {
    let pm = part.checked_mul(2000)?.checked_add(whole)?.checked_div(whole.checked_mul(2)?)?;
    Some(u32::try_from(pm).unwrap_or(u32::MAX))
}

impl PartialOrd for PassRate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By value; equal values are ordered by their counts (1/2 before 2/4), so
/// that the order agrees with `==`, which compares the counts.
impl Ord for PassRate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let lhs = u64::from(self.passed) * u64::from(other.total);
        let rhs = u64::from(other.passed) * u64::from(self.total);
        lhs.cmp(&rhs).then_with(|| self.total.cmp(&other.total))
    }
}

/// Where a cycle (or one office's or unit's part of it) stands.
///
/// `to_verify` and `submitted` are totals; `returned`, `approved` and
/// `certified` count the submitted records by their current state (so
/// `approved` excludes those since certified).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CycleCounts {
    /// People due for verification of the year.
    pub to_verify: u32,
    /// Records submitted at least once (whatever their state now).
    pub submitted: u32,
    /// Sent back and not yet resubmitted.
    pub returned: u32,
    /// Passed the final review, awaiting a certificate number.
    pub approved: u32,
    /// With a certificate number.
    pub certified: u32,
}

impl CycleCounts {
    /// Passed the final review so far (approved or certified).
    pub fn passed(&self) -> u32 {
        self.approved.saturating_add(self.certified)
    }

    /// Still with a reviewing office.
    pub fn in_review(&self) -> u32 {
        self.submitted.saturating_sub(self.returned).saturating_sub(self.passed())
    }

    /// The share of submitted records that passed the final review; `None`
    /// with nothing submitted (or contradictory counts).
    pub fn pass_rate(&self) -> Option<PassRate> {
        PassRate::new(self.passed(), self.submitted)
    }

    /// People due but not submitted, as the deadline approaches.
    pub fn missing_before_deadline(&self) -> u32 {
        self.to_verify.saturating_sub(self.submitted)
    }
}

/// The figures of one group of the statistics (a unit, a county, a
/// prefecture) or of all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Where the group's verification stands.
    pub counts: CycleCounts,
    /// People the compliance engine found compliant (达标).
    pub compliant: u64,
    /// The records verified on paper (纸质验证), counted as in `counts`
    /// (which includes them); `to_verify` stays 0.
    pub paper: CycleCounts,
}

impl Figures {
    /// Counts `n` person-years the compliance engine found `outcome`: all but
    /// those not counted (exempt, deregistered) are due for verification.
    pub fn add_outcome(&mut self, outcome: Outcome, n: u64) {
        if outcome != Outcome::NotCounted {
            self.counts.to_verify = self.counts.to_verify.saturating_add(saturate(n));
        }
        if outcome == Outcome::Compliant {
            self.compliant = self.compliant.saturating_add(n);
        }
    }

    /// Counts `n` verification records in `state`: all but the prepared ones
    /// were submitted; the returned, approved and certified are also counted
    /// apart.
    pub fn add_state(&mut self, state: StateKind, n: u64) {
        count_state(&mut self.counts, state, n);
    }

    /// Counts `n` records verified on paper in `state` (already counted by
    /// [`Figures::add_state`] with the others).
    pub fn add_paper_state(&mut self, state: StateKind, n: u64) {
        count_state(&mut self.paper, state, n);
    }

    /// Adds another group's figures (for the total).
    pub fn add(&mut self, other: &Figures) {
        add_counts(&mut self.counts, &other.counts);
        add_counts(&mut self.paper, &other.paper);
        self.compliant = self.compliant.saturating_add(other.compliant);
    }
}

/// Counts `n` records in `state` into `c`: all but the prepared ones were
/// submitted; the returned, approved and certified are also counted apart.
fn count_state(c: &mut CycleCounts, state: StateKind, n: u64) {
    let n = saturate(n);
    let apart = match state {
        StateKind::Prepared => return,
        StateKind::InReview => None,
        StateKind::Returned => Some(&mut c.returned),
        StateKind::Approved => Some(&mut c.approved),
        StateKind::Certified => Some(&mut c.certified),
    };
    if let Some(apart) = apart {
        *apart = apart.saturating_add(n);
    }
    c.submitted = c.submitted.saturating_add(n);
}

fn add_counts(c: &mut CycleCounts, o: &CycleCounts) {
    c.to_verify = c.to_verify.saturating_add(o.to_verify);
    c.submitted = c.submitted.saturating_add(o.submitted);
    c.returned = c.returned.saturating_add(o.returned);
    c.approved = c.approved.saturating_add(o.approved);
    c.certified = c.certified.saturating_add(o.certified);
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The statistics of a cycle (SPEC §10): the figures of each group and
/// their total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statistics<K> {
    pub groups: BTreeMap<K, Figures>,
    pub total: Figures,
}

/// Folds a cycle's two tallies, both by group `K`, into the statistics:
/// `outcomes`, the person-years of each compliance outcome (from the
/// compliance engine's stored verdicts), and `states`, the verification
/// records in each state. A group appears if either tally names it.
pub fn statistics<K: Ord>(
    outcomes: impl IntoIterator<Item = (K, Outcome, u64)>,
    states: impl IntoIterator<Item = (K, StateKind, u64)>,
) -> Statistics<K> {
    let mut groups: BTreeMap<K, Figures> = BTreeMap::new();
    for (key, outcome, n) in outcomes {
        groups.entry(key).or_default().add_outcome(outcome, n);
    }
    for (key, state, n) in states {
        groups.entry(key).or_default().add_state(state, n);
    }
    let mut total = Figures::default();
    for figures in groups.values() {
        total.add(figures);
    }
    Statistics { groups, total }
}

impl<K: Ord> Statistics<K> {
    /// Adds the paper records (纸质验证) of each group and state, already
    /// counted among `states` by [`statistics`]; a group not yet named is
    /// ignored (every paper record is a record of its group).
    pub fn add_paper(&mut self, paper_states: impl IntoIterator<Item = (K, StateKind, u64)>) {
        for (key, state, n) in paper_states {
            if let Some(g) = self.groups.get_mut(&key) {
                g.add_paper_state(state, n);
                self.total.add_paper_state(state, n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pass_rates_are_exact() {
        let rate = |p, t| PassRate::new(p, t).unwrap_or_else(|| panic!("{p}/{t}"));
        let table = [
            (95, 100, 950, "95.0%", true),
            // Shown rounded, decided exactly.
            (1899, 2000, 950, "95.0%", false),
            (1898, 2000, 949, "94.9%", false),
            (19, 20, 950, "95.0%", true),
            (2, 3, 667, "66.7%", false),
            (3, 7, 429, "42.9%", false),
            (2, 11, 182, "18.2%", false),
            // Exactly half a thousandth rounds up: 1/2000 = 0.05%.
            (1, 2000, 1, "0.1%", false),
            (10, 10, 1000, "100.0%", true),
            (0, 7, 0, "0.0%", false),
            (u32::MAX - 1, u32::MAX, 1000, "100.0%", true),
        ];
        for (p, t, per_mille, shown, passes) in table {
            let r = rate(p, t);
            assert_eq!(
                (r.per_mille(), r.percent().as_str(), r.at_least_percent(95)),
                (per_mille, shown, passes),
                "{p}/{t}"
            );
            assert_eq!((r.passed(), r.total()), (p, t));
        }
        assert_eq!(PassRate::new(1, 0), None);
        assert_eq!(PassRate::new(3, 2), None);
        assert!(rate(1, 2) < rate(2, 3));
        assert_eq!(rate(1, 2).cmp(&rate(2, 4)), std::cmp::Ordering::Less);
    }

    #[test]
    fn cycle_counts() {
        let c = CycleCounts { to_verify: 120, submitted: 100, returned: 5, approved: 30, certified: 60 };
        assert_eq!(c.passed(), 90);
        assert_eq!(c.in_review(), 5);
        assert_eq!(c.missing_before_deadline(), 20);
        assert_eq!(c.pass_rate().map(PassRate::per_mille), Some(900));
        let none = CycleCounts::default();
        assert_eq!((none.pass_rate(), none.missing_before_deadline(), none.in_review()), (None, 0, 0));
        let odd = CycleCounts { to_verify: 1, submitted: 3, returned: 0, approved: 2, certified: 2 };
        assert_eq!((odd.pass_rate(), odd.missing_before_deadline(), odd.in_review()), (None, 0, 0));
    }

    #[test]
    fn each_outcome_and_state_counts_where_it_belongs() {
        use Outcome::*;
        let outcomes = [(Compliant, 1, 1, 0), (NonCompliant, 1, 0, 0), (Undetermined, 1, 0, 0), (NotCounted, 0, 0, 0)];
        for (outcome, to_verify, compliant, submitted) in outcomes {
            let mut f = Figures::default();
            f.add_outcome(outcome, 1);
            assert_eq!(
                (f.counts.to_verify, f.compliant, f.counts.submitted),
                (to_verify, compliant, submitted),
                "{outcome}"
            );
        }
        // (state, submitted, returned, approved, certified)
        let states = [
            (StateKind::Prepared, 0, 0, 0, 0),
            (StateKind::InReview, 1, 0, 0, 0),
            (StateKind::Returned, 1, 1, 0, 0),
            (StateKind::Approved, 1, 0, 1, 0),
            (StateKind::Certified, 1, 0, 0, 1),
        ];
        assert_eq!(states.len(), StateKind::ALL.len());
        for (state, submitted, returned, approved, certified) in states {
            let mut f = Figures::default();
            f.add_state(state, 1);
            let c = f.counts;
            assert_eq!(
                (c.to_verify, c.submitted, c.returned, c.approved, c.certified, f.compliant),
                (0, submitted, returned, approved, certified, 0),
                "{state}"
            );
        }
    }

    #[test]
    fn paper_records_are_counted_apart_and_among_the_others() {
        let states = [("a", StateKind::InReview, 3), ("a", StateKind::Certified, 2), ("b", StateKind::Approved, 1)];
        let mut s = statistics([("a", Outcome::Compliant, 4)], states);
        s.add_paper([("a", StateKind::Certified, 1), ("a", StateKind::Prepared, 1), ("c", StateKind::InReview, 9)]);
        let a = s.groups.get("a").copied().unwrap_or_default();
        assert_eq!((a.counts.submitted, a.counts.certified), (5, 2));
        assert_eq!((a.paper.submitted, a.paper.certified, a.paper.passed(), a.paper.to_verify), (1, 1, 1, 0));
        assert_eq!(s.groups.get("b").map(|b| b.paper), Some(CycleCounts::default()));
        // A group that has no record at all is not made up by the paper tally.
        assert!(!s.groups.contains_key("c"));
        assert_eq!((s.total.paper.submitted, s.total.counts.submitted), (1, 6));
    }

    #[test]
    fn statistics_fold_both_tallies_by_group_and_total() {
        let outcomes = [
            ("a", Outcome::Compliant, 8),
            ("a", Outcome::NonCompliant, 2),
            ("a", Outcome::NotCounted, 5),
            ("b", Outcome::Undetermined, 1),
        ];
        let states = [
            ("a", StateKind::Prepared, 1),
            ("a", StateKind::InReview, 2),
            ("a", StateKind::Returned, 1),
            ("a", StateKind::Approved, 3),
            ("a", StateKind::Certified, 2),
            ("c", StateKind::Certified, 4),
        ];
        let s = statistics(outcomes, states);
        let a = CycleCounts { to_verify: 10, submitted: 8, returned: 1, approved: 3, certified: 2 };
        let b = CycleCounts { to_verify: 1, ..CycleCounts::default() };
        let c = CycleCounts { submitted: 4, certified: 4, ..CycleCounts::default() };
        let want = BTreeMap::from([
            ("a", Figures { counts: a, compliant: 8, ..Figures::default() }),
            ("b", Figures { counts: b, compliant: 0, ..Figures::default() }),
            ("c", Figures { counts: c, compliant: 0, ..Figures::default() }),
        ]);
        assert_eq!(s.groups, want);
        let total = CycleCounts { to_verify: 11, submitted: 12, returned: 1, approved: 3, certified: 6 };
        assert_eq!(s.total, Figures { counts: total, compliant: 8, ..Figures::default() });
        assert_eq!((s.total.counts.passed(), s.total.counts.in_review()), (9, 2));
        assert_eq!(s.total.counts.pass_rate().map(PassRate::per_mille), Some(750));
        let empty = statistics::<u8>([], []);
        assert_eq!((empty.groups.len(), empty.total), (0, Figures::default()));
    }

    proptest! {
        #[test]
        fn shown_rates_are_rounded_and_never_hide_a_pass(total in 1u32..100_000, passed_share in 0u32..=1000) {
            let passed = u32::try_from(u64::from(total) * u64::from(passed_share) / 1000).unwrap_or(total);
            let r = PassRate::new(passed, total).unwrap_or_else(|| unreachable!());
            // Within half a thousandth of the exact share, ties up.
            let (shown, exact) = (i64::from(r.per_mille()) * i64::from(total) * 2, i64::from(passed) * 2000);
            prop_assert!(shown - exact <= i64::from(total) && exact - shown < i64::from(total));
            // A rate that meets the threshold never shows under it.
            prop_assert!(!r.at_least_percent(95) || r.per_mille() >= 950);
        }

        /// The total is the sum of the groups, whatever the order of the tallies.
        #[test]
        fn the_total_is_the_sum_of_the_groups(
            outcomes in proptest::collection::vec((0u8..4, 0usize..4, 0u64..1000), 0..20),
            states in proptest::collection::vec((0u8..4, 0usize..5, 0u64..1000), 0..20),
        ) {
            let outcomes: Vec<_> = outcomes.into_iter().map(|(k, o, n)| (k, Outcome::ALL[o], n)).collect();
            let states: Vec<_> = states.into_iter().map(|(k, s, n)| (k, StateKind::ALL[s], n)).collect();
            let s = statistics(outcomes.clone(), states.clone());
            let r = statistics(outcomes.into_iter().rev(), states.into_iter().rev());
            prop_assert_eq!(&s, &r);
            let mut sum = Figures::default();
            for f in s.groups.values() {
                sum.add(f);
            }
            prop_assert_eq!(sum, s.total);
            prop_assert!(s.total.compliant <= u64::from(s.total.counts.to_verify));
        }
    }
}
