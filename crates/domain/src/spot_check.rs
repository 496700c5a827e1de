//! Spot checks (抽验) and on-site inspections (现场抽验, SPEC §5): who may
//! draw one over which records, how a sample is drawn (stratified by unit,
//! reproducibly from a seed), and when an institution is sent back.

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::report::{PassRate, per_mille};
use crate::review::{ReviewChain, Tier};

string_enum! {
    /// A spot check of records (抽验) or an on-site inspection (现场抽验).
    pub enum SpotCheckKind {
        Sample => ("sample", "抽验"),
        OnSite => ("on_site", "现场抽验"),
    }
}

string_enum! {
    /// Whether a check still takes results, or has decided.
    pub enum CheckStatus {
        Open => ("open", "进行中"),
        Closed => ("closed", "已结束"),
    }
}

string_enum! {
    /// The result recorded for one sampled person.
    pub enum ItemResult {
        Pending => ("pending", "待检查"),
        Pass => ("pass", "合格"),
        Fail => ("fail", "不合格"),
    }
}

string_enum! {
    /// What a closed check decided for an institution.
    pub enum InstitutionOutcome {
        Passed => ("passed", "通过"),
        SentBack => ("sent_back", "合格率低于95%，退回单位重新验证"),
    }
}

/// Whether `office` may draw a check of `kind` over records of `chain`: a
/// spot check by the office the chain names for it (the province for
/// township records, the prefecture for village doctors); an on-site
/// inspection by the province, over any institution.
pub fn may_check(chain: &ReviewChain, office: Tier, kind: SpotCheckKind) -> bool {
    match kind {
        SpotCheckKind::Sample => chain.spot_check_by == Some(office),
        SpotCheckKind::OnSite => matches!(office, Tier::ProvinceWestern | Tier::ProvinceTcm),
    }
}

/// How much of each stratum to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleSpec {
    /// The share of each unit's records, in per mille (1–1000), rounded up.
    pub rate_permille: u32,
    /// At least this many of each unit (or all it has).
    pub per_unit_min: u32,
}

/// The sample size of a stratum of `finalised` records.
pub fn sample_size(finalised: usize, spec: SampleSpec) -> usize {
    let by_rate = (finalised * spec.rate_permille as usize).div_ceil(1000);
    by_rate.max(spec.per_unit_min as usize).min(finalised)
}

/// Draws a sample stratified by unit, reproducibly: the same seed over the
/// same candidates draws the same sample, whatever order they came in.
pub fn draw_sample<K: Ord + Copy, T: Ord + Copy>(
    seed: u64,
    strata: &BTreeMap<K, Vec<T>>,
    spec: SampleSpec,
) -> BTreeMap<K, Vec<T>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    strata
        .iter()
        .map(|(k, items)| {
            let mut items = items.clone();
            items.sort_unstable();
            items.dedup();
            let n = sample_size(items.len(), spec);
            let (chosen, _) = items.partial_shuffle(&mut rng, n);
            let mut chosen = chosen.to_vec();
            chosen.sort_unstable();
            (*k, chosen)
        })
        .collect()
}

/// Draws `k` institutions of `units` at random, reproducibly from `seed`.
pub fn draw_institutions<K: Ord + Copy>(seed: u64, units: &[K], k: usize) -> Vec<K> {
    let mut units = units.to_vec();
    units.sort_unstable();
    units.dedup();
    // A different stream from the samples' drawn with the same seed.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9E37_79B9_7F4A_7C15);
    let n = k.min(units.len());
    let (chosen, _) = units.partial_shuffle(&mut rng, n);
    let mut chosen = chosen.to_vec();
    chosen.sort_unstable();
    chosen
}

/// A fresh random seed, for callers without one (positive, so it prints
/// and stores the same everywhere).
pub fn new_seed(rng: &mut impl Rng) -> u64 {
    rng.r#gen::<u64>() >> 1
}

/// The share of its sample an inspected institution must pass: one under
/// 95% is sent back and re-verifies until it reaches it (SPEC §5,
/// notice-2021 六(三)).
pub const INSPECTION_PASS_PERCENT: u32 = 95;

/// The pass rate in per mille, rounded half up as every shown rate is (the
/// outcome is decided exactly by [`institution_outcome`]).
pub fn pass_permille(passed: u32, sampled: u32) -> u32 {
    per_mille(u64::from(passed), u64::from(sampled)).unwrap_or(1000)
}

/// An institution passes with at least [`INSPECTION_PASS_PERCENT`] of its
/// sample passing: exactly, without rounding (19 of 20 passes; 18 of 19 does
/// not). An empty sample passes.
pub fn institution_outcome(passed: u32, sampled: u32) -> InstitutionOutcome {
    if PassRate::new(passed, sampled).is_none_or(|r| r.at_least_percent(INSPECTION_PASS_PERCENT)) {
        InstitutionOutcome::Passed
    } else {
        InstitutionOutcome::SentBack
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{Medicine, UnitLevel};
    use crate::review::review_chain;
    use proptest::prelude::*;

    #[test]
    fn sample_sizes() {
        let spec = SampleSpec { rate_permille: 100, per_unit_min: 2 };
        assert_eq!(sample_size(0, spec), 0);
        assert_eq!(sample_size(1, spec), 1);
        assert_eq!(sample_size(15, spec), 2);
        assert_eq!(sample_size(21, spec), 3);
        assert_eq!(sample_size(1000, spec), 100);
        assert_eq!(sample_size(7, SampleSpec { rate_permille: 1000, per_unit_min: 0 }), 7);
    }

    #[test]
    fn the_threshold_is_exact() {
        assert_eq!(institution_outcome(19, 20), InstitutionOutcome::Passed);
        assert_eq!(institution_outcome(18, 19), InstitutionOutcome::SentBack);
        assert_eq!(institution_outcome(0, 0), InstitutionOutcome::Passed);
        assert_eq!(pass_permille(18, 19), 947);
        assert_eq!(pass_permille(19, 20), 950);
        // Shown rounded half up.
        assert_eq!((pass_permille(3, 7), pass_permille(2, 11)), (429, 182));
        // Shown rounded, decided exactly: 1899 of 2000 shows 95.0% and is sent back.
        assert_eq!((pass_permille(1899, 2000), institution_outcome(1899, 2000)), (950, InstitutionOutcome::SentBack));
    }

    #[test]
    fn who_checks() {
        let township = review_chain(UnitLevel::Township, Medicine::Western);
        assert!(may_check(&township, Tier::ProvinceWestern, SpotCheckKind::Sample));
        assert!(!may_check(&township, Tier::PrefectureOffice, SpotCheckKind::Sample));
        let village = review_chain(UnitLevel::Village, Medicine::Western);
        assert!(may_check(&village, Tier::PrefectureOffice, SpotCheckKind::Sample));
        let county = review_chain(UnitLevel::County, Medicine::Tcm);
        assert!(!may_check(&county, Tier::ProvinceTcm, SpotCheckKind::Sample));
        assert!(may_check(&county, Tier::ProvinceWestern, SpotCheckKind::OnSite));
        assert!(!may_check(&county, Tier::PrefectureOffice, SpotCheckKind::OnSite));
    }

    proptest! {
        /// Same seed, same candidates in any order: the same sample; every
        /// stratum gets its size; nothing drawn is foreign or repeated.
        #[test]
        fn samples_are_reproducible_and_sized(
            seed in any::<u64>(),
            sizes in proptest::collection::vec(0usize..60, 1..8),
            rate in 1u32..=1000,
            min in 0u32..5,
        ) {
            let spec = SampleSpec { rate_permille: rate, per_unit_min: min };
            let strata: BTreeMap<u32, Vec<u32>> = sizes
                .iter()
                .enumerate()
                .map(|(k, n)| (k as u32, (0..*n as u32).map(|i| i * 7 + k as u32 * 1000).collect()))
                .collect();
            let reversed: BTreeMap<u32, Vec<u32>> =
                strata.iter().map(|(k, v)| (*k, v.iter().rev().copied().collect())).collect();
            let a = draw_sample(seed, &strata, spec);
            let b = draw_sample(seed, &reversed, spec);
            prop_assert_eq!(&a, &b);
            for (k, chosen) in &a {
                let pool = &strata[k];
                prop_assert_eq!(chosen.len(), sample_size(pool.len(), spec));
                prop_assert!(chosen.iter().all(|c| pool.contains(c)));
                prop_assert!(chosen.windows(2).all(|w| w[0] < w[1]));
            }
        }

        #[test]
        fn institutions_are_reproducible(seed in any::<u64>(), n in 0usize..40, k in 0usize..10) {
            let units: Vec<u32> = (0..n as u32).collect();
            let mut shuffled = units.clone();
            shuffled.reverse();
            let a = draw_institutions(seed, &units, k);
            prop_assert_eq!(&a, &draw_institutions(seed, &shuffled, k));
            prop_assert_eq!(a.len(), k.min(n));
        }
    }
}
