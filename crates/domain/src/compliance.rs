//! The compliance evaluation (达标判定): a pure function of a standard row and
//! a person-year's credits.
//!
//! The rules under the standard's table, made exact (SPEC §4):
//! 1. project and self-managed credits never stand in for each other;
//! 2. I类 beyond the I subtotal counts toward II类, never the reverse;
//! 3. a cap limits how much of a source counts at all; the excess counts nowhere;
//! 4. compliant = every minimum met, the counted total met, and the year's
//!    mandatory course completed when the year names one.

use serde::Serialize;

use crate::Credits;
use crate::credit::{CreditCategory, CreditRecord, CreditSource, CreditState};
use crate::standard::Requirement;

/// What the evaluation needs of one credit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditInput {
    pub category: CreditCategory,
    pub amount: Credits,
    /// Only valid records count (pending, rejected and reversed ones do not).
    pub valid: bool,
}

/// What the evaluation sees of a stored record: the compliance engine reads
/// credits, a credit record knows nothing of the engine.
impl From<&CreditRecord> for CreditInput {
    fn from(r: &CreditRecord) -> Self {
        CreditInput { category: r.category, amount: r.amount, valid: r.state == CreditState::Valid }
    }
}

/// The year's mandatory course, as it concerns one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseStatus {
    NotRequired,
    Completed,
    Missing,
}

impl CourseStatus {
    pub fn new(required: bool, completed: bool) -> Self {
        match (required, completed) {
            (false, _) => CourseStatus::NotRequired,
            (true, true) => CourseStatus::Completed,
            (true, false) => CourseStatus::Missing,
        }
    }
}

string_enum! {
    /// A machine-readable reason for non-compliance (不达标原因).
    pub enum ShortfallCode {
        INational => ("i_national", "I类国家级学分"),
        IProvincial => ("i_provincial", "I类省级学分"),
        INationalProvincial => ("i_national_provincial", "I类国家级和省级学分"),
        ISubtotal => ("i_subtotal", "I类学分"),
        IiSubtotal => ("ii_subtotal", "II类学分"),
        SelfManaged => ("self_managed", "自管学分"),
        Total => ("total", "总学分"),
        MandatoryCourse => ("mandatory_course", "全员培训"),
    }
}

/// One unmet requirement and how much is missing (zero for the course).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub code: ShortfallCode,
    pub missing: Credits,
}

impl Shortfall {
    /// The reason in Chinese, e.g. "II类学分差 2.5 分" or
    /// "未完成全员培训《卫生健康行业生物安全》".
    pub fn message(&self, course_name: Option<&str>) -> String {
        match self.code {
            ShortfallCode::MandatoryCourse => match course_name {
                Some(name) => format!("未完成全员培训《{name}》"),
                None => "未完成全员培训".to_owned(),
            },
            code => format!("{}差 {} 分", code.label(), self.missing),
        }
    }
}

/// The counted amount of every bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Buckets {
    pub i_national: Credits,
    pub i_provincial: Credits,
    pub i_national_provincial: Credits,
    /// Distance I类 that counts (after its cap).
    pub i_distance: Credits,
    /// All counted I类.
    pub i_subtotal: Credits,
    /// The part of the I subtotal beyond its minimum, counted toward II类.
    pub i_surplus_to_ii: Credits,
    pub ii_prefecture: Credits,
    /// Distance II类 that counts (after its cap).
    pub ii_distance: Credits,
    /// II类 credits plus the I surplus.
    pub ii_subtotal: Credits,
    pub self_managed: Credits,
    /// Everything that counts, each credit once.
    pub total: Credits,
}

/// The verdict for a person-year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub compliant: bool,
    pub buckets: Buckets,
    pub shortfalls: Vec<Shortfall>,
}

string_enum! {
    /// Why (part of) a credit counts nowhere.
    pub enum NotCountedReason {
        OverCap => ("over_cap", "超出上限"),
        NotValid => ("not_valid", "未生效"),
    }
}

/// Where one credit counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub counted_i: Credits,
    pub counted_ii: Credits,
    pub counted_self_managed: Credits,
    pub not_counted: Credits,
    pub not_counted_reason: Option<NotCountedReason>,
}

string_enum! {
    /// The stored verdict of a person-year, as the compliance queries show it.
    pub enum Outcome {
        Compliant => ("compliant", "达标"),
        NonCompliant => ("non_compliant", "不达标"),
        /// Exempt or cancelled people are kept but not counted (SPEC §4).
        NotCounted => ("not_counted", "不计达标"),
        /// No standard row applies (e.g. a county-level worker without a title).
        Undetermined => ("undetermined", "无法判定"),
    }
}

/// The inputs of [`evaluate`] built from per-source sums of valid credits
/// (the verdict depends on the sums only; the order of records matters only
/// to [`allocate`]). Used by the set-based recomputation of a whole year.
pub fn inputs_from_sums(
    national: Credits,
    provincial: Credits,
    distance_i: Credits,
    prefecture: Credits,
    distance_ii: Credits,
    self_managed: Credits,
) -> [CreditInput; 6] {
    let input = |category, amount| CreditInput { category, amount, valid: true };
    [
        input(CreditCategory::Project(CreditSource::National), national),
        input(CreditCategory::Project(CreditSource::Provincial), provincial),
        input(CreditCategory::Project(CreditSource::DistanceI), distance_i),
        input(CreditCategory::Project(CreditSource::Prefecture), prefecture),
        input(CreditCategory::Project(CreditSource::DistanceIi), distance_ii),
        input(CreditCategory::SelfManaged, self_managed),
    ]
}

/// Raw sums of valid credits by source: all the verdict depends on besides
/// the requirement and the course (stored with each verdict so that a
/// year's recomputation reapplies the standard without the credit rows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceSums {
    pub national: Credits,
    pub provincial: Credits,
    pub distance_i: Credits,
    pub prefecture: Credits,
    pub distance_ii: Credits,
    pub self_managed: Credits,
}

impl SourceSums {
    /// The inputs of [`evaluate`] these sums stand for.
    pub fn inputs(&self) -> [CreditInput; 6] {
        inputs_from_sums(
            self.national,
            self.provincial,
            self.distance_i,
            self.prefecture,
            self.distance_ii,
            self.self_managed,
        )
    }
}

/// The valid credits of `credits` summed by source.
pub fn source_sums(credits: &[CreditInput]) -> SourceSums {
    let mut s = SourceSums::default();
    for c in credits.iter().filter(|c| c.valid) {
        let slot = match c.category {
            CreditCategory::Project(CreditSource::National) => &mut s.national,
            CreditCategory::Project(CreditSource::Provincial) => &mut s.provincial,
            CreditCategory::Project(CreditSource::DistanceI) => &mut s.distance_i,
            CreditCategory::Project(CreditSource::Prefecture) => &mut s.prefecture,
            CreditCategory::Project(CreditSource::DistanceIi) => &mut s.distance_ii,
            CreditCategory::SelfManaged => &mut s.self_managed,
        };
        *slot += c.amount;
    }
    s
}

fn capped(amount: Credits, cap: Option<Credits>) -> Credits {
    cap.map_or(amount, |cap| amount.min(cap))
}

/// Evaluates a person-year: the verdict, the buckets and every shortfall.
///
/// This is the hot path (400,000 people a year): it allocates only when
/// there are shortfalls to report.
pub fn evaluate(req: &Requirement, course: CourseStatus, credits: &[CreditInput]) -> Evaluation {
    let s = source_sums(credits);
    let i_distance = capped(s.distance_i, req.i_distance_cap);
    let ii_distance = capped(s.distance_ii, req.ii_distance_cap);
    let i_national_provincial = s.national + s.provincial;
    let i_subtotal = i_national_provincial + i_distance;
    let i_surplus_to_ii = i_subtotal.saturating_sub(req.i_subtotal_min.unwrap_or_default());
    let ii_own = s.prefecture + ii_distance;
    let buckets = Buckets {
        i_national: s.national,
        i_provincial: s.provincial,
        i_national_provincial,
        i_distance,
        i_subtotal,
        i_surplus_to_ii,
        ii_prefecture: s.prefecture,
        ii_distance,
        ii_subtotal: ii_own + i_surplus_to_ii,
        self_managed: s.self_managed,
        total: i_subtotal + ii_own + s.self_managed,
    };

    let checks = [
        (ShortfallCode::INational, req.i_national_min, buckets.i_national),
        (ShortfallCode::IProvincial, req.i_provincial_min, buckets.i_provincial),
        (ShortfallCode::INationalProvincial, req.i_national_provincial_min, buckets.i_national_provincial),
        (ShortfallCode::ISubtotal, req.i_subtotal_min, buckets.i_subtotal),
        (ShortfallCode::IiSubtotal, req.ii_subtotal_min, buckets.ii_subtotal),
        (ShortfallCode::SelfManaged, req.self_managed_min, buckets.self_managed),
        (ShortfallCode::Total, Some(req.total), buckets.total),
    ];
    let mut shortfalls = Vec::new();
    for (code, min, have) in checks {
        if let Some(min) = min
            && have < min
        {
            shortfalls.push(Shortfall { code, missing: min.saturating_sub(have) });
        }
    }
    if course == CourseStatus::Missing {
        shortfalls.push(Shortfall { code: ShortfallCode::MandatoryCourse, missing: Credits::ZERO });
    }
    Evaluation { compliant: shortfalls.is_empty(), buckets, shortfalls }
}

/// Where each credit counted, in input order.
///
/// Caps are consumed in input order. Within I类, national credits fill the I
/// subtotal first, then provincial, then distance; whatever lies beyond the
/// subtotal's minimum is shown as counted toward II类. The columns add up to
/// the buckets of [`evaluate`].
pub fn allocate(req: &Requirement, credits: &[CreditInput]) -> Vec<Allocation> {
    let mut out = vec![Allocation::default(); credits.len()];
    let mut i_cap_left = req.i_distance_cap;
    let mut ii_cap_left = req.ii_distance_cap;
    // Amount of each I credit that counts (after the distance cap).
    let mut i_counted: Vec<(usize, Credits)> = Vec::new();

    for (idx, c) in credits.iter().enumerate() {
        let a = &mut out[idx];
        if !c.valid {
            a.not_counted = c.amount;
            a.not_counted_reason = Some(NotCountedReason::NotValid);
            continue;
        }
        let take_cap = |left: &mut Option<Credits>, a: &mut Allocation| -> Credits {
            match left {
                None => c.amount,
                Some(l) => {
                    let counted = c.amount.min(*l);
                    *l = l.saturating_sub(counted);
                    let over = c.amount.saturating_sub(counted);
                    if !over.is_zero() {
                        a.not_counted = over;
                        a.not_counted_reason = Some(NotCountedReason::OverCap);
                    }
                    counted
                }
            }
        };
        match c.category {
            CreditCategory::SelfManaged => a.counted_self_managed = c.amount,
            CreditCategory::Project(CreditSource::Prefecture) => a.counted_ii = c.amount,
            CreditCategory::Project(CreditSource::DistanceIi) => a.counted_ii = take_cap(&mut ii_cap_left, a),
            CreditCategory::Project(CreditSource::DistanceI) => {
                let counted = take_cap(&mut i_cap_left, a);
                i_counted.push((idx, counted));
            }
            CreditCategory::Project(CreditSource::National | CreditSource::Provincial) => {
                i_counted.push((idx, c.amount));
            }
        }
    }

    let rank = |idx: usize| match credits[idx].category {
        CreditCategory::Project(CreditSource::National) => 0,
        CreditCategory::Project(CreditSource::Provincial) => 1,
        _ => 2,
    };
    i_counted.sort_by_key(|&(idx, _)| (rank(idx), idx));
    let mut i_room = req.i_subtotal_min.unwrap_or_default();
    for (idx, amount) in i_counted {
        let in_i = amount.min(i_room);
        i_room = i_room.saturating_sub(in_i);
        out[idx].counted_i = in_i;
        out[idx].counted_ii = amount.saturating_sub(in_i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::UnitLevel;
    use crate::person::{Discipline, TitleLevel};
    use crate::standard::{Profile, default_standard};
    use CreditSource::*;

    fn req(unit_level: UnitLevel, title_level: Option<TitleLevel>, discipline: Discipline) -> Requirement {
        default_standard(2021)
            .ok()
            .and_then(|s| s.requirement(Profile { unit_level, title_level, discipline }).ok().map(|r| r.requirement))
            .unwrap_or_else(|| unreachable!("the default standard covers every profile"))
    }

    fn p(source: CreditSource, whole: u32) -> CreditInput {
        CreditInput { category: CreditCategory::Project(source), amount: Credits::whole(whole), valid: true }
    }

    fn s(tenths: u32) -> CreditInput {
        CreditInput { category: CreditCategory::SelfManaged, amount: Credits::from_tenths(tenths), valid: true }
    }

    fn codes(e: &Evaluation) -> Vec<(&'static str, String)> {
        e.shortfalls.iter().map(|s| (s.code.as_str(), s.missing.to_string())).collect()
    }

    #[test]
    fn county_senior_clinical_compliant() {
        let r = req(UnitLevel::County, Some(TitleLevel::Senior), Discipline::Clinical);
        let e = evaluate(&r, CourseStatus::Completed, &[p(National, 10), p(Provincial, 5), p(Prefecture, 5), s(50)]);
        assert!(e.compliant, "{:?}", e.shortfalls);
        assert_eq!(e.buckets.total, Credits::whole(25));
    }

    #[test]
    fn shortfalls_name_every_gap_with_its_amount() {
        let r = req(UnitLevel::County, Some(TitleLevel::Senior), Discipline::Clinical);
        let e = evaluate(&r, CourseStatus::Missing, &[p(National, 3), p(Prefecture, 2), s(25)]);
        assert!(!e.compliant);
        assert_eq!(
            codes(&e),
            vec![
                ("i_national_provincial", "2".into()),
                ("i_subtotal", "12".into()),
                ("ii_subtotal", "3".into()),
                ("self_managed", "2.5".into()),
                ("total", "17.5".into()),
                ("mandatory_course", "0".into()),
            ]
        );
        assert_eq!(e.shortfalls[2].message(None), "II类学分差 3 分");
        assert_eq!(e.shortfalls[5].message(Some("卫生健康行业生物安全")), "未完成全员培训《卫生健康行业生物安全》");
    }

    #[test]
    fn distance_over_the_cap_counts_nowhere() {
        // Provincial senior clinical: distance I ≤ 5, distance II ≤ 0.
        let r = req(UnitLevel::Provincial, Some(TitleLevel::Senior), Discipline::Clinical);
        let credits = [p(National, 5), p(Provincial, 5), p(DistanceI, 8), p(DistanceIi, 4), p(Prefecture, 5), s(50)];
        let e = evaluate(&r, CourseStatus::NotRequired, &credits);
        assert_eq!(e.buckets.i_distance, Credits::whole(5));
        assert_eq!(e.buckets.ii_distance, Credits::ZERO);
        assert_eq!(e.buckets.total, Credits::whole(25));
        assert!(e.compliant, "{:?}", e.shortfalls);
        let a = allocate(&r, &credits);
        assert_eq!(a[2].not_counted, Credits::whole(3));
        assert_eq!(a[2].not_counted_reason, Some(NotCountedReason::OverCap));
        assert_eq!(a[3].not_counted, Credits::whole(4));
    }

    #[test]
    fn surplus_i_fills_ii_for_a_county_junior() {
        // County junior: no I required, II 15: I credits count as II.
        let r = req(UnitLevel::County, Some(TitleLevel::Junior), Discipline::Clinical);
        let credits = [p(National, 10), p(Prefecture, 5), s(50)];
        let e = evaluate(&r, CourseStatus::Completed, &credits);
        assert!(e.compliant, "{:?}", e.shortfalls);
        assert_eq!(e.buckets.i_surplus_to_ii, Credits::whole(10));
        assert_eq!(e.buckets.ii_subtotal, Credits::whole(15));
        let a = allocate(&r, &credits);
        assert_eq!((a[0].counted_i, a[0].counted_ii), (Credits::ZERO, Credits::whole(10)));
    }

    #[test]
    fn ii_never_fills_i_and_self_managed_never_fills_project() {
        let r = req(UnitLevel::Prefecture, Some(TitleLevel::Junior), Discipline::Clinical);
        let e = evaluate(&r, CourseStatus::NotRequired, &[p(Prefecture, 15), s(100)]);
        assert_eq!(codes(&e), vec![("i_national_provincial", "5".into()), ("i_subtotal", "5".into())]);
    }

    #[test]
    fn invalid_records_do_not_count() {
        let r = req(UnitLevel::Village, None, Discipline::Clinical);
        let mut pending = p(Prefecture, 10);
        pending.valid = false;
        let e = evaluate(&r, CourseStatus::NotRequired, &[pending]);
        assert_eq!(codes(&e), vec![("ii_subtotal", "10".into()), ("total", "10".into())]);
        assert_eq!(allocate(&r, &[pending])[0].not_counted_reason, Some(NotCountedReason::NotValid));
    }

    #[test]
    fn nursing_provincial_senior_needs_12_i_and_8_ii() {
        let r = req(UnitLevel::Provincial, Some(TitleLevel::Senior), Discipline::NursingPublicHealth);
        let e = evaluate(&r, CourseStatus::NotRequired, &[p(National, 5), p(Provincial, 7), p(Prefecture, 8), s(50)]);
        assert!(e.compliant, "{:?}", e.shortfalls);
        let e = evaluate(&r, CourseStatus::NotRequired, &[p(National, 4), p(Provincial, 8), p(Prefecture, 8), s(50)]);
        assert_eq!(codes(&e), vec![("i_national", "1".into())]);
    }

    #[test]
    fn allocation_adds_up_to_the_buckets() {
        let r = req(UnitLevel::Prefecture, Some(TitleLevel::Senior), Discipline::Clinical);
        let credits = [p(DistanceI, 7), p(National, 8), p(Provincial, 6), p(Prefecture, 3), s(55)];
        let e = evaluate(&r, CourseStatus::NotRequired, &credits);
        let a = allocate(&r, &credits);
        let sum_i: Credits = a.iter().map(|x| x.counted_i).sum();
        let sum_ii: Credits = a.iter().map(|x| x.counted_ii).sum();
        assert_eq!(sum_i + e.buckets.i_surplus_to_ii, e.buckets.i_subtotal);
        assert_eq!(sum_ii, e.buckets.ii_subtotal);
        assert_eq!(sum_i + sum_ii + a[4].counted_self_managed, e.buckets.total);
    }
}
