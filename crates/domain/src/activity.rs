//! CME activities (继教活动, SPEC §9): an office's or a unit's event that
//! issues electronic credits to the trainees who sign in with its rotating
//! code (see [`crate::sign_in_code`]) or who are on its attendance roster.

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};

use crate::Credits;
use crate::credit::{CreditCategory, CreditRecord, CreditState, EntryPath};
use crate::ids::{ActivityId, CreditId, PersonId, RegionId, UnitId};
use crate::standard::FIRST_YEAR;

/// Who organises an activity, which also decides who may see it and whom
/// its roster may credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityOwner {
    /// An office: the province (its root region), a prefecture or a county.
    Region(RegionId),
    /// A unit's CME office.
    Unit(UnitId),
}

/// Why and when an activity was cancelled (activities are never deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// A CME activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: ActivityId,
    /// The human serial, e.g. `HD2026-000123` (see [`activity_code`]).
    pub code: String,
    pub name: String,
    /// The organiser as printed on certificates (free text).
    pub organiser: String,
    /// What each attendee's credit is: a project credit of a source, or a
    /// unit's self-managed credit.
    pub category: CreditCategory,
    /// Credits for each attendee.
    pub amount: Credits,
    /// First and last day, in Asia/Shanghai, inclusive.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub owner: ActivityOwner,
    /// The account name that created it.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub cancelled: Option<Cancellation>,
}

/// Why an activity cannot be created as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    #[error("结束日期早于开始日期")]
    EndsBeforeStart,
    #[error("一次活动最长 {MAX_DAYS} 天")]
    TooLong,
    #[error("{FIRST_YEAR} 年以前的活动不予登记")]
    TooEarly,
    #[error("只有单位可以举办自管活动")]
    SelfManagedNeedsUnit,
}

/// Why an activity does not take sign-ins today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotRunning {
    #[error("该活动已取消")]
    Cancelled,
    #[error("该活动尚未开始")]
    NotStarted,
    #[error("该活动已结束")]
    Ended,
}

string_enum! {
    /// What became of one line of an attendance roster (签到名单).
    pub enum RosterOutcome {
        /// The credit was recorded.
        Credited => ("credited", "已记入学分"),
        /// Not a valid ID number (length, characters, date or check digit).
        InvalidIdNumber => ("invalid_id_number", "身份证号无效"),
        /// Nobody has this ID number.
        UnknownPerson => ("unknown_person", "查无此人"),
        /// The person is outside the organiser's jurisdiction.
        OutOfJurisdiction => ("out_of_jurisdiction", "不在管辖范围"),
        /// The person already holds this activity's credit.
        AlreadySignedIn => ("already_signed_in", "已签到"),
        /// The same person appears on an earlier line.
        DuplicateRow => ("duplicate_row", "重复行"),
        /// The person's credits of the year are locked by a submitted verification.
        Locked => ("locked", "年度已锁定"),
    }
}

/// The longest activity (a distance-learning course may run for months).
pub const MAX_DAYS: i64 = 366;

/// The human serial of the `seq`-th activity of `year`: `HD2026-000123`.
pub fn activity_code(year: i32, seq: u32) -> String {
    format!("HD{year}-{seq:06}")
}

/// Checks what a new activity says about itself.
pub fn check_new(
    category: CreditCategory,
    owner: ActivityOwner,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<(), ActivityError> {
    if ends_on < starts_on {
        return Err(ActivityError::EndsBeforeStart);
    }
    if (ends_on - starts_on).num_days() >= MAX_DAYS {
        return Err(ActivityError::TooLong);
    }
    if starts_on.year() < FIRST_YEAR {
        return Err(ActivityError::TooEarly);
    }
    if category == CreditCategory::SelfManaged && !matches!(owner, ActivityOwner::Unit(_)) {
        return Err(ActivityError::SelfManagedNeedsUnit);
    }
    Ok(())
}

impl Activity {
    /// The credit year: the year the activity starts in.
    pub fn year(&self) -> i32 {
        self.starts_on.year()
    }

    /// Whether the activity takes sign-ins on `today` (Asia/Shanghai): not
    /// cancelled and between its first and last day, inclusive.
    pub fn running_on(&self, today: NaiveDate) -> Result<(), NotRunning> {
        if self.cancelled.is_some() {
            Err(NotRunning::Cancelled)
        } else if today < self.starts_on {
            Err(NotRunning::NotStarted)
        } else if today > self.ends_on {
            Err(NotRunning::Ended)
        } else {
            Ok(())
        }
    }

    /// The electronic credit the activity issues to an attendee: valid at
    /// once, counting for the activity's year, the activity's code as its
    /// serial number.
    pub fn credit_for(
        &self,
        person: PersonId,
        earned_on: NaiveDate,
        at: DateTime<Utc>,
        note: Option<String>,
    ) -> CreditRecord {
        CreditRecord {
            id: CreditId::new(),
            person_id: person,
            year: self.year(),
            category: self.category,
            amount: self.amount,
            entry_path: EntryPath::Electronic,
            state: CreditState::Valid,
            activity_name: self.name.clone(),
            organiser: Some(self.organiser.clone()),
            earned_on: Some(earned_on),
            certificate_no: Some(self.code.clone()),
            reverses: None,
            note,
            created_at: at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::CreditSource;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn activity(starts_on: NaiveDate, ends_on: NaiveDate) -> Activity {
        Activity {
            id: ActivityId::new(),
            code: activity_code(2026, 1),
            name: "急诊新进展".into(),
            organiser: "省人民医院".into(),
            category: CreditCategory::Project(CreditSource::Provincial),
            amount: Credits::whole(2),
            starts_on,
            ends_on,
            owner: ActivityOwner::Unit(UnitId::new()),
            created_by: None,
            created_at: Utc::now(),
            cancelled: None,
        }
    }

    #[test]
    fn codes_are_zero_padded_per_year() {
        assert_eq!(activity_code(2026, 123), "HD2026-000123");
        assert_eq!(activity_code(2027, 1), "HD2027-000001");
    }

    #[test]
    fn runs_on_its_days_inclusive_unless_cancelled() {
        let mut a = activity(d(2026, 5, 1), d(2026, 5, 3));
        assert_eq!(a.running_on(d(2026, 4, 30)), Err(NotRunning::NotStarted));
        assert_eq!(a.running_on(d(2026, 5, 1)), Ok(()));
        assert_eq!(a.running_on(d(2026, 5, 3)), Ok(()));
        assert_eq!(a.running_on(d(2026, 5, 4)), Err(NotRunning::Ended));
        a.cancelled = Some(Cancellation { at: Utc::now(), reason: "改期".into() });
        assert_eq!(a.running_on(d(2026, 5, 2)), Err(NotRunning::Cancelled));
        assert_eq!(a.year(), 2026);
    }

    #[test]
    fn the_credit_carries_the_activity() {
        let a = activity(d(2026, 12, 31), d(2027, 1, 1));
        let person = PersonId::new();
        let c = a.credit_for(person, d(2027, 1, 1), Utc::now(), None);
        assert_eq!((c.person_id, c.year, c.amount, c.category), (person, 2026, a.amount, a.category));
        assert_eq!((c.entry_path, c.state), (EntryPath::Electronic, CreditState::Valid));
        assert_eq!(c.certificate_no.as_deref(), Some(a.code.as_str()));
        assert_eq!(c.organiser.as_deref(), Some("省人民医院"));
        assert_eq!(c.earned_on, Some(d(2027, 1, 1)));
    }

    #[test]
    fn new_activities_are_checked() {
        let unit = ActivityOwner::Unit(UnitId::new());
        let office = ActivityOwner::Region(RegionId::new());
        let project = CreditCategory::Project(CreditSource::National);
        assert_eq!(check_new(project, office, d(2026, 5, 1), d(2026, 5, 1)), Ok(()));
        assert_eq!(check_new(project, office, d(2026, 5, 2), d(2026, 5, 1)), Err(ActivityError::EndsBeforeStart));
        assert_eq!(check_new(project, office, d(2026, 1, 1), d(2027, 1, 2)), Err(ActivityError::TooLong));
        assert_eq!(check_new(project, office, d(2014, 5, 1), d(2014, 5, 1)), Err(ActivityError::TooEarly));
        assert_eq!(
            check_new(CreditCategory::SelfManaged, office, d(2026, 5, 1), d(2026, 5, 1)),
            Err(ActivityError::SelfManagedNeedsUnit)
        );
        assert_eq!(check_new(CreditCategory::SelfManaged, unit, d(2026, 5, 1), d(2026, 5, 1)), Ok(()));
    }
}
