//! After the numbers: certificates (SPEC §8), spot checks and on-site
//! inspections (SPEC §5), and title corrections (SPEC §7). The pure rules:
//! who may act, what a status is, how a sample is drawn (reproducibly from a
//! seed), when an institution is sent back.

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::org::{Medicine, UnitLevel};
use crate::review::{ReviewChain, Tier, province_office};

/// Certificates exist for 2015 and later (SPEC §8).
pub const FIRST_CERTIFICATE_YEAR: i32 = 2015;

/// An institution passes an inspection at 95% (SPEC §5).
pub const PASS_THRESHOLD_PERMILLE: u32 = 950;

/// At most this many years in one multi-year proof.
pub const MAX_PROOF_YEARS: usize = 5;

string_enum! {
    /// What a certificate (one version of it) is worth today.
    pub enum CertificateStatus {
        Valid => ("valid", "有效"),
        /// A later version with the same number replaced it (title correction).
        Superseded => ("superseded", "已被更正后的新版本取代"),
        /// An office revoked it, with a reason.
        Revoked => ("revoked", "已撤销"),
        /// Its institution's year was sent back by an inspection.
        Held => ("held", "暂停使用（单位复验中）"),
    }
}

/// The status from the facts: a revocation outweighs a newer version, which
/// outweighs a hold.
pub fn status(revoked: bool, superseded: bool, held: bool) -> CertificateStatus {
    if revoked {
        CertificateStatus::Revoked
    } else if superseded {
        CertificateStatus::Superseded
    } else if held {
        CertificateStatus::Held
    } else {
        CertificateStatus::Valid
    }
}

/// Who asks for a certificate's PDF (single, batch, multi-year proof).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printer {
    /// A county, prefecture or province office (the offices that stamp).
    Office,
    /// A unit's CME office (单位版).
    Unit,
    /// A department (科室版).
    Department,
    /// The holder himself (学员中心).
    Trainee,
    /// An outside system (HR, a phone app's back end).
    ApiClient,
}

/// Why a certificate does not leave the system as a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintRefusal {
    /// It is not valid today (superseded, revoked or held): a PDF would
    /// contradict the public verification page.
    NotValid(CertificateStatus),
    /// Its office had no electronic seal: notice-2017 lets only the unit
    /// print it (and the committee stamp it by hand); 科室版 and 学员中心
    /// cannot.
    Unsealed,
}

impl PrintRefusal {
    /// The stable problem code.
    pub fn code(self) -> &'static str {
        match self {
            PrintRefusal::NotValid(CertificateStatus::Revoked) => "certificate_revoked",
            PrintRefusal::NotValid(CertificateStatus::Held) => "certificate_held",
            PrintRefusal::NotValid(_) => "certificate_superseded",
            PrintRefusal::Unsealed => "certificate_unsealed",
        }
    }

    /// What the person asking is told (the revocation's reason when there is one).
    pub fn detail(self, revoke_reason: Option<&str>) -> String {
        match self {
            PrintRefusal::NotValid(CertificateStatus::Revoked) => match revoke_reason {
                Some(r) if !r.trim().is_empty() => format!("该证书已撤销（原因：{}），不能打印", r.trim()),
                _ => "该证书已撤销，不能打印".to_owned(),
            },
            PrintRefusal::NotValid(CertificateStatus::Held) => {
                "该证书暂停使用：所在单位该年度经抽验退回重新验证，复验通过前不能打印".to_owned()
            }
            PrintRefusal::NotValid(_) => "该证书已被更正后的新版本取代，请打印最新版本".to_owned(),
            PrintRefusal::Unsealed => "颁发该证书的继续医学教育委员会尚未上传电子印章：此证书只能由所在单位统一打印，\
                 并到继续医学教育委员会加盖印章后方可使用（科室、学员中心不能打印）"
                .to_owned(),
        }
    }
}

/// Whether a certificate may leave the system as a PDF, for everyone and
/// every route (single, batch, multi-year proof, phone apps): only a valid
/// certificate prints, so a PDF never disagrees with the public page; one
/// without its office's seal prints only for the unit and the offices.
pub fn may_print(status: CertificateStatus, sealed: bool, printer: Printer) -> Result<(), PrintRefusal> {
    if status != CertificateStatus::Valid {
        return Err(PrintRefusal::NotValid(status));
    }
    if !sealed && !matches!(printer, Printer::Unit | Printer::Office) {
        return Err(PrintRefusal::Unsealed);
    }
    Ok(())
}

/// The verdict a certificate prints: a special-list person (SPEC §6)
/// deemed compliant (front line) or approved although his credits fall
/// short prints 视为合格 with the special reason, never a bare 合格.
pub fn verdict(
    special: Option<crate::cycle::SpecialReason>,
    deemed_compliant: bool,
    credits_compliant: bool,
) -> String {
    match special {
        Some(reason) if deemed_compliant || !credits_compliant => format!("视为合格（特殊人员：{}）", reason.label()),
        _ if deemed_compliant => "视为合格".to_owned(),
        _ => "合格".to_owned(),
    }
}

/// The issuing committee printed on a certificate of `office` in region
/// `region_name`: the province's two offices issue for the province.
pub fn issuer(office: Tier, region_name: &str) -> String {
    match office {
        Tier::ProvinceWestern | Tier::ProvinceTcm => "云南省继续医学教育委员会".to_owned(),
        _ => format!("{region_name}继续医学教育委员会"),
    }
}

/// Which offices issue certificates (the final offices of the chains).
pub fn issues_certificates(office: Tier) -> bool {
    matches!(office, Tier::CountyOffice | Tier::PrefectureOffice | Tier::ProvinceWestern | Tier::ProvinceTcm)
}

/// A name as the public may see it: the first character, stars for the
/// middle, and the last character of a name of three or more (张*, 李*明,
/// 欧**娜).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `len` Crockford base32 characters from `bytes` (5 bits each; `bytes` must
/// hold at least `5 × len` bits). Unambiguous to read aloud and to type: no
/// I, L, O or U.
pub fn token(bytes: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut it = bytes.iter();
    while out.len() < len {
        if bits < 5 {
            match it.next() {
                Some(b) => {
                    acc = ((acc << 8) | u32::from(*b)) & 0xFFFF;
                    bits += 8;
                }
                // The last bits, padded with zeros.
                None if bits > 0 => {
                    out.push(char::from(CROCKFORD[((acc << (5 - bits)) & 31) as usize]));
                    break;
                }
                None => break,
            }
        }
        bits -= 5;
        out.push(char::from(CROCKFORD[((acc >> bits) & 31) as usize]));
    }
    out
}

/// A code as typed by a person: upper case, without spaces or dashes, with
/// the letters Crockford reads as digits (O → 0, I and L → 1).
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

string_enum! {
    /// A spot check of records (抽验) or an on-site inspection (现场抽验).
    pub enum SpotCheckKind {
        Sample => ("sample", "抽验"),
        OnSite => ("on_site", "现场抽验"),
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

/// The pass rate in per mille, rounded half up as every shown rate is (the
/// outcome is decided exactly by [`institution_outcome`]).
pub fn pass_permille(passed: u32, sampled: u32) -> u32 {
    crate::cycle::per_mille(u64::from(passed), u64::from(sampled)).unwrap_or(1000)
}

/// An institution passes with at least 95% of its sample passing: exactly,
/// without rounding (19 of 20 passes; 18 of 19 does not).
pub fn institution_outcome(passed: u32, sampled: u32) -> InstitutionOutcome {
    if u64::from(passed) * 1000 >= u64::from(PASS_THRESHOLD_PERMILLE) * u64::from(sampled) {
        InstitutionOutcome::Passed
    } else {
        InstitutionOutcome::SentBack
    }
}

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
    use crate::review::review_chain;
    use proptest::prelude::*;

    #[test]
    fn certificate_printing_is_decided_by_status_seal_and_printer() {
        use CertificateStatus::*;
        let printers = [Printer::Office, Printer::Unit, Printer::Department, Printer::Trainee, Printer::ApiClient];
        for printer in printers {
            for sealed in [true, false] {
                for s in [Superseded, Revoked, Held] {
                    assert_eq!(may_print(s, sealed, printer), Err(PrintRefusal::NotValid(s)), "{s:?} {printer:?}");
                }
                let expected = if sealed || matches!(printer, Printer::Unit | Printer::Office) {
                    Ok(())
                } else {
                    Err(PrintRefusal::Unsealed)
                };
                assert_eq!(may_print(Valid, sealed, printer), expected, "{printer:?} sealed={sealed}");
            }
        }
        assert_eq!(PrintRefusal::NotValid(Revoked).code(), "certificate_revoked");
        assert_eq!(PrintRefusal::NotValid(Held).code(), "certificate_held");
        assert_eq!(PrintRefusal::Unsealed.code(), "certificate_unsealed");
        assert!(PrintRefusal::NotValid(Revoked).detail(Some("材料造假")).contains("材料造假"));
    }

    #[test]
    fn certificate_verdict_of_special_personnel() {
        use crate::cycle::SpecialReason;
        assert_eq!(verdict(None, false, true), "合格");
        assert_eq!(verdict(Some(SpecialReason::FurtherStudy), false, true), "合格");
        assert_eq!(verdict(Some(SpecialReason::FurtherStudy), false, false), "视为合格（特殊人员：进修）");
        assert_eq!(verdict(Some(SpecialReason::FrontLine), true, true), "视为合格（特殊人员：援外或抗疫一线）");
    }

    #[test]
    fn status_precedence() {
        assert_eq!(status(false, false, false), CertificateStatus::Valid);
        assert_eq!(status(false, false, true), CertificateStatus::Held);
        assert_eq!(status(false, true, true), CertificateStatus::Superseded);
        assert_eq!(status(true, true, true), CertificateStatus::Revoked);
    }

    #[test]
    fn issuers() {
        assert_eq!(issuer(Tier::ProvinceTcm, "云南省"), "云南省继续医学教育委员会");
        assert_eq!(issuer(Tier::PrefectureOffice, "昆明市"), "昆明市继续医学教育委员会");
        assert!(!issues_certificates(Tier::Unit));
    }

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("李小明"), "李*明");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("王"), "*");
    }

    #[test]
    fn tokens_are_crockford() {
        assert_eq!(token(&[0xFF; 5], 8), "ZZZZZZZZ");
        assert_eq!(token(&[0; 5], 8), "00000000");
        assert_eq!(token(&[0b0000_1000, 0b0100_0000], 4), "1100");
        assert_eq!(normalise_code(" abcd-efoil "), "ABCDEF011");
        assert_eq!(token(&[0xFF; 16], 26).len(), 26, "128 bits make 26 characters");
        assert_eq!(token(&[0xFF; 16], 26).chars().last(), Some('W'), "the last 3 bits, padded");
        let t = token(&[0x5A; 17], 26);
        assert_eq!(t.len(), 26);
        assert!(t.chars().all(|c| CROCKFORD.contains(&(c as u8))));
    }

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
