//! 工作台: what waits on an office, its deadlines, and the progress of the
//! offices or units below it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::verification::{CyclePhase, Grouping, ListKind, StatsRow, WindowTier};

/// Which cycle the workbench shows.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WorkbenchQuery {
    /// The year verified; by default the year of the open cycle (else the latest opened).
    pub cycle_year: Option<i32>,
}

/// A kind of work waiting on the caller; the SPA links each to its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// 待审核: records waiting on the caller's tier, per list.
    ReviewRecords,
    /// 待生成证书编号: records approved by the final tier, without a number yet.
    AwaitingNumbers,
    /// 退回待修改: the unit's records returned to it.
    ReturnedRecords,
    /// 待上报: the unit's records prepared but not yet submitted.
    PreparedRecords,
    /// 未上报: people to verify of the unit who have no record submitted.
    NotSubmitted,
    /// 科室学分上报待审核: department reports with records still to decide.
    CreditReports,
    /// 待接收调入: transfers into the caller's units waiting to be accepted.
    Transfers,
    /// 职称更正待审核: title corrections waiting on the caller's tier.
    TitleCorrections,
}

/// One kind of work, with how much of it waits.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkbenchTask {
    pub kind: TaskKind,
    /// The list the records are on (review_records only).
    pub list: Option<ListKind>,
    /// e.g. "正常验证名单待审核".
    pub label: String,
    pub count: u64,
}

/// A deadline the caller works to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkbenchDeadline {
    /// e.g. "本单位上报截止", "乡镇级单位上报截止", "数据报送省级截止".
    pub label: String,
    /// The tier of units the window is for (absent for the cycle's own dates).
    pub tier: Option<WindowTier>,
    /// Whether it is the caller's own (its window, or those it set) rather than its parent's.
    pub own: bool,
    pub ends_at: DateTime<Utc>,
    /// e.g. "2022-02-15 23:59（北京时间）".
    pub ends_label: String,
    /// Whole days from today (Beijing time) to the last day; negative once past.
    pub days_left: i64,
}

/// The cycle the workbench shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkbenchCycle {
    /// The year verified.
    pub year: i32,
    pub phase: CyclePhase,
    pub phase_label: String,
    pub deadlines: Vec<WorkbenchDeadline>,
}

/// The caller's workbench, in one answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Workbench {
    /// Absent while no cycle has been opened.
    pub cycle: Option<WorkbenchCycle>,
    /// What waits on the caller, kinds with nothing waiting included (count 0).
    pub tasks: Vec<WorkbenchTask>,
    /// How `below` is grouped (absent for a unit or department).
    pub below_by: Option<Grouping>,
    /// The prefectures, counties or units below the caller, least progress
    /// first (approved over people to verify).
    pub below: Vec<StatsRow>,
    /// The caller's whole jurisdiction (absent without a cycle).
    pub total: Option<StatsRow>,
    /// When `below` and `total` were computed (they are shared for up to 30 s).
    pub figures_at: Option<DateTime<Utc>>,
}
