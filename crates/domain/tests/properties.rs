//! Property tests of the compliance engine (SPEC §4 rules 1–4).

use cme_domain::Credits;
use cme_domain::compliance::{CourseStatus, CreditInput, ShortfallCode, allocate, evaluate};
use cme_domain::credit::{CreditCategory, CreditSource};
use cme_domain::org::UnitLevel;
use cme_domain::person::{Discipline, TitleLevel};
use cme_domain::standard::{Profile, Requirement, default_standard};
use proptest::prelude::*;

fn category() -> impl Strategy<Value = CreditCategory> {
    prop_oneof![
        Just(CreditCategory::SelfManaged),
        Just(CreditCategory::Project(CreditSource::National)),
        Just(CreditCategory::Project(CreditSource::Provincial)),
        Just(CreditCategory::Project(CreditSource::DistanceI)),
        Just(CreditCategory::Project(CreditSource::Prefecture)),
        Just(CreditCategory::Project(CreditSource::DistanceIi)),
    ]
}

fn credit() -> impl Strategy<Value = CreditInput> {
    (category(), 1u32..=120, prop::bool::weighted(0.9)).prop_map(|(category, tenths, valid)| CreditInput {
        category,
        amount: Credits::from_tenths(tenths),
        valid,
    })
}

fn requirement() -> impl Strategy<Value = Requirement> {
    let levels = prop::sample::select(UnitLevel::ALL.to_vec());
    let titles = prop::sample::select(TitleLevel::ALL.to_vec());
    let disciplines = prop::sample::select(Discipline::ALL.to_vec());
    (levels, titles, disciplines).prop_map(|(unit_level, title, discipline)| {
        let standard = default_standard(2021).unwrap_or_else(|_| unreachable!());
        standard
            .requirement(Profile { unit_level, title_level: Some(title), discipline })
            .map(|r| r.requirement)
            .unwrap_or_else(|_| unreachable!())
    })
}

fn course() -> impl Strategy<Value = CourseStatus> {
    prop_oneof![Just(CourseStatus::NotRequired), Just(CourseStatus::Completed), Just(CourseStatus::Missing)]
}

fn missing(e: &cme_domain::compliance::Evaluation, code: ShortfallCode) -> Credits {
    e.shortfalls.iter().find(|s| s.code == code).map_or(Credits::ZERO, |s| s.missing)
}

const PROJECT_CODES: [ShortfallCode; 5] = [
    ShortfallCode::INational,
    ShortfallCode::IProvincial,
    ShortfallCode::INationalProvincial,
    ShortfallCode::ISubtotal,
    ShortfallCode::IiSubtotal,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn adding_a_credit_never_makes_a_compliant_person_non_compliant(
        req in requirement(), course in course(),
        credits in prop::collection::vec(credit(), 0..30), extra in credit(),
    ) {
        let before = evaluate(&req, course, &credits);
        let mut more = credits.clone();
        more.push(extra);
        let after = evaluate(&req, course, &more);
        if before.compliant {
            prop_assert!(after.compliant, "{:?}", after.shortfalls);
        }
        // Stronger: no shortfall ever grows.
        for s in &after.shortfalls {
            prop_assert!(s.missing <= missing(&before, s.code) || s.code == ShortfallCode::MandatoryCourse);
        }
    }

    #[test]
    fn a_capped_source_never_counts_beyond_its_cap(
        req in requirement(), credits in prop::collection::vec(credit(), 0..30),
    ) {
        let e = evaluate(&req, CourseStatus::NotRequired, &credits);
        if let Some(cap) = req.i_distance_cap { prop_assert!(e.buckets.i_distance <= cap); }
        if let Some(cap) = req.ii_distance_cap { prop_assert!(e.buckets.ii_distance <= cap); }
        // What the allocation counts never exceeds what was entered, per credit.
        for (c, a) in credits.iter().zip(allocate(&req, &credits)) {
            prop_assert_eq!(a.counted_i + a.counted_ii + a.counted_self_managed + a.not_counted, c.amount);
        }
    }

    #[test]
    fn surplus_i_fills_ii_and_never_the_reverse(
        req in requirement(), credits in prop::collection::vec(credit(), 0..30), extra in 1u32..=100,
        i_source in prop::sample::select(vec![CreditSource::National, CreditSource::Provincial]),
        ii_source in prop::sample::select(vec![CreditSource::Prefecture, CreditSource::DistanceIi]),
    ) {
        let base = evaluate(&req, CourseStatus::NotRequired, &credits);
        let amount = Credits::from_tenths(extra);
        // Adding II never lowers an I shortfall.
        let mut with_ii = credits.clone();
        with_ii.push(CreditInput { category: CreditCategory::Project(ii_source), amount, valid: true });
        let e = evaluate(&req, CourseStatus::NotRequired, &with_ii);
        for code in [ShortfallCode::INational, ShortfallCode::IProvincial, ShortfallCode::INationalProvincial, ShortfallCode::ISubtotal] {
            prop_assert_eq!(missing(&e, code), missing(&base, code));
        }
        // Adding I beyond the I subtotal raises the II subtotal by the same amount.
        let mut with_i = credits.clone();
        with_i.push(CreditInput { category: CreditCategory::Project(i_source), amount, valid: true });
        let e = evaluate(&req, CourseStatus::NotRequired, &with_i);
        let min = req.i_subtotal_min.unwrap_or_default();
        if base.buckets.i_subtotal >= min {
            prop_assert_eq!(e.buckets.ii_subtotal, base.buckets.ii_subtotal + amount);
        }
        prop_assert!(e.buckets.ii_subtotal >= base.buckets.ii_subtotal);
    }

    #[test]
    fn project_and_self_managed_never_stand_in_for_each_other(
        req in requirement(), credits in prop::collection::vec(credit(), 0..30), extra in 1u32..=200,
        source in prop::sample::select(CreditSource::ALL.to_vec()),
    ) {
        let base = evaluate(&req, CourseStatus::NotRequired, &credits);
        let amount = Credits::from_tenths(extra);
        let mut with_self = credits.clone();
        with_self.push(CreditInput { category: CreditCategory::SelfManaged, amount, valid: true });
        let e = evaluate(&req, CourseStatus::NotRequired, &with_self);
        for code in PROJECT_CODES {
            prop_assert_eq!(missing(&e, code), missing(&base, code));
        }
        let mut with_project = credits.clone();
        with_project.push(CreditInput { category: CreditCategory::Project(source), amount, valid: true });
        let e = evaluate(&req, CourseStatus::NotRequired, &with_project);
        prop_assert_eq!(missing(&e, ShortfallCode::SelfManaged), missing(&base, ShortfallCode::SelfManaged));
    }
}
