//! Credit records (学分) and mandatory-course completion.

use chrono::{DateTime, NaiveDate, Utc};

use crate::Credits;
use crate::ids::{CreditId, PersonId};

string_enum! {
    /// Project credits and self-managed credits never stand in for each other.
    pub enum CreditKind {
        Project => ("project", "项目学分"),
        SelfManaged => ("self_managed", "自管学分"),
    }
}

string_enum! {
    /// The class of a project credit.
    pub enum CreditClass {
        I => ("i", "I类"),
        Ii => ("ii", "II类"),
    }
}

string_enum! {
    /// Where a project credit comes from; the source decides its class.
    pub enum CreditSource {
        National => ("national", "国家级 I类"),
        Provincial => ("provincial", "省级 I类"),
        DistanceI => ("distance_i", "远程 I类"),
        Prefecture => ("prefecture", "州市级 II类"),
        DistanceIi => ("distance_ii", "远程 II类"),
    }
}

string_enum! {
    /// How a record entered the system.
    pub enum EntryPath {
        /// Issued by a CME activity through its QR code (电子学分).
        Electronic => ("electronic", "电子学分"),
        /// A paper certificate typed in by the unit's CME office (向导录入).
        PaperUnit => ("paper_unit", "单位录入纸质证书"),
        /// A paper certificate typed in by a department and reported to the unit.
        PaperDepartment => ("paper_department", "科室录入纸质证书"),
        /// Decided on paper by an office (纸质验证).
        PaperVerification => ("paper_verification", "纸质验证"),
    }
}

string_enum! {
    /// Whether a record counts.
    pub enum CreditState {
        /// Typed in by a department and not yet reported to the unit.
        Draft => ("draft", "科室草稿"),
        /// Counts.
        Valid => ("valid", "有效"),
        /// Entered by a department, awaiting the unit's decision.
        Pending => ("pending", "待审核"),
        /// Rejected by the unit.
        Rejected => ("rejected", "审核不通过"),
        /// Cancelled by a later reversing entry; kept for the history.
        Reversed => ("reversed", "已冲销"),
        /// The reversing entry itself (it names the record it cancels and
        /// carries the reason); it never counts.
        Reversal => ("reversal", "冲销记录"),
    }
}

impl CreditSource {
    pub fn class(self) -> CreditClass {
        match self {
            CreditSource::National | CreditSource::Provincial | CreditSource::DistanceI => CreditClass::I,
            CreditSource::Prefecture | CreditSource::DistanceIi => CreditClass::Ii,
        }
    }
}

/// What a credit is, as far as the standard cares: a project credit always
/// has a source, a self-managed one never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CreditCategory {
    Project(CreditSource),
    SelfManaged,
}

impl CreditCategory {
    pub fn kind(self) -> CreditKind {
        match self {
            CreditCategory::Project(_) => CreditKind::Project,
            CreditCategory::SelfManaged => CreditKind::SelfManaged,
        }
    }

    pub fn source(self) -> Option<CreditSource> {
        match self {
            CreditCategory::Project(s) => Some(s),
            CreditCategory::SelfManaged => None,
        }
    }

    /// Builds a category from its stored parts; a project credit needs a
    /// source and a self-managed one must not have one.
    pub fn from_parts(kind: CreditKind, source: Option<CreditSource>) -> Option<Self> {
        match (kind, source) {
            (CreditKind::Project, Some(s)) => Some(CreditCategory::Project(s)),
            (CreditKind::SelfManaged, None) => Some(CreditCategory::SelfManaged),
            _ => None,
        }
    }
}

/// A stored credit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRecord {
    pub id: CreditId,
    pub person_id: PersonId,
    /// The year the credit was earned in, which is the year it counts for.
    pub year: i32,
    pub category: CreditCategory,
    pub amount: Credits,
    pub entry_path: EntryPath,
    pub state: CreditState,
    pub activity_name: String,
    pub organiser: Option<String>,
    pub earned_on: Option<NaiveDate>,
    /// The paper certificate's or the activity's serial number.
    pub certificate_no: Option<String>,
    /// For a reversing entry: the record it cancels.
    pub reverses: Option<CreditId>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A person's completion of a year's mandatory all-staff course (公需科目).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseCompletion {
    pub person_id: PersonId,
    pub year: i32,
    pub completed_on: NaiveDate,
}
