//! Who may do what, where: roles, jurisdictions and the one policy table.
//!
//! Every account is bound to an organisation, which is its jurisdiction
//! (辖区). The API resolves a request to an [`Actor`]; every read is scoped
//! by the actor's [`Scope`] in the store, and every action is allowed or not
//! by [`allows`]. Nothing else decides.

use uuid::Uuid;

use crate::ids::{DepartmentId, PersonId, RegionId, UnitId};
use crate::review::Tier;

string_enum! {
    /// The role of an account (or of an outside system's client).
    pub enum Role {
        SystemAdmin => ("system_admin", "系统管理员"),
        ProvinceWestern => ("province_western", "省继教委办公室(科教处)"),
        ProvinceTcm => ("province_tcm", "省继教委办公室(中医处)"),
        PrefectureOffice => ("prefecture_office", "州市继教委办公室"),
        CountyOffice => ("county_office", "县市区继教委办公室"),
        Unit => ("unit", "单位"),
        Department => ("department", "科室"),
        Trainee => ("trainee", "学员"),
        /// An outside system (a hospital's HR system, a phone app's back end).
        ApiClient => ("api_client", "外部系统"),
    }
}

/// The organisation an account is bound to: what it may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The whole province (province offices, the system administrator).
    Province,
    /// A prefecture or county office: its region and everything below.
    Region(RegionId),
    /// A unit's CME office: its own staff.
    Unit(UnitId),
    /// A department: its own staff.
    Department(UnitId, DepartmentId),
    /// A trainee: himself.
    Person(UnitId, PersonId),
}

string_enum! {
    /// Every action the policy table rules on.
    pub enum Operation {
        /// Read regions, units, departments and people (masked) in scope.
        ReadHierarchy => ("read_hierarchy", "查看机构人员"),
        /// See a full ID number (audited).
        RevealIdNumber => ("reveal_id_number", "查看完整身份证号"),
        /// Create, edit, disable and reset accounts of the tier below.
        ManageAccounts => ("manage_accounts", "管理下级账号"),
        /// Create and revoke API clients of one's own organisation.
        ManageApiClients => ("manage_api_clients", "管理接口客户端"),
        /// Read the audit log of one's jurisdiction.
        ReadAudit => ("read_audit", "查看审计日志"),
        /// Read one's own account and compliance.
        ReadSelf => ("read_self", "查看本人信息"),
        /// Create, edit, transfer and import health workers; keep their
        /// status and title (状态/职称维护).
        ManagePeople => ("manage_people", "人员维护"),
        /// Type in paper credits (a unit's are valid at once, a department's
        /// wait for its report and the unit's decision).
        EnterCredits => ("enter_credits", "录入学分"),
        /// Approve or reject a department's reported credits; reverse a credit.
        ReviewCredits => ("review_credits", "审核学分"),
        /// Create CME activities, show their sign-in code, upload rosters.
        ManageActivities => ("manage_activities", "管理继教活动"),
        /// Claim an activity's credit by scanning its code (trainees).
        ClaimActivity => ("claim_activity", "扫码签到"),
        /// Record completions of the year's mandatory course (公需科目).
        RecordCourse => ("record_course", "登记公需科目"),
        /// Recompute the stored compliance of a whole year (after a standard changes).
        RecomputeCompliance => ("recompute_compliance", "重算达标情况"),
        /// Open a year's verification and set its dates (the province).
        ManageCycle => ("manage_cycle", "验证周期设置"),
        /// Set the submission windows of the tiers below one's office (截止时间设置).
        SetWindows => ("set_windows", "截止时间设置"),
        /// Put people on the verification lists and submit them (验证信息上报);
        /// a department prepares its staff's for the unit.
        SubmitVerifications => ("submit_verifications", "验证信息上报"),
        /// Approve or return the records waiting on one's office (审核).
        ReviewVerifications => ("review_verifications", "验证审核"),
        /// Generate certificate numbers as a chain's final office (生成证书编号).
        IssueCertificateNumbers => ("issue_certificate_numbers", "生成证书编号"),
        /// Upload and retire one's office's seal image (电子印章).
        ManageSeal => ("manage_seal", "电子印章管理"),
        /// Print certificates of one's staff, in batches or one by one (证书打印).
        PrintCertificates => ("print_certificates", "证书打印"),
        /// Revoke a certificate one's office issued, with a reason.
        RevokeCertificates => ("revoke_certificates", "撤销证书"),
        /// Draw spot checks and on-site inspections, record their results (抽验).
        SpotCheck => ("spot_check", "抽验"),
        /// Request a title correction (职称信息更正) for oneself or one's staff.
        RequestTitleCorrection => ("request_title_correction", "申请职称更正"),
        /// Approve or reject the title corrections waiting on one's tier.
        ReviewTitleCorrections => ("review_title_corrections", "审核职称更正"),
        /// Edit, preview and publish the credit standard (学分验证标准维护).
        EditStandards => ("edit_standards", "学分标准维护"),
        /// Read the reports of one's jurisdiction (统计报表).
        ReadReports => ("read_reports", "统计报表"),
    }
}

/// The policy table: which role may take which operation. One place, read by
/// the API's guard and by the authorization matrix test.
pub fn allows(role: Role, op: Operation) -> bool {
    use Operation::*;
    use Role::*;
    match op {
        ReadSelf => true,
        ReadHierarchy => !matches!(role, Trainee),
        RevealIdNumber => {
            matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ManageAccounts => {
            matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ManageApiClients => {
            matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ReadAudit => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice),
        ManagePeople => matches!(role, SystemAdmin | Unit | Department | ApiClient),
        EnterCredits => matches!(role, SystemAdmin | Unit | Department),
        ReviewCredits => matches!(role, SystemAdmin | Unit),
        ManageActivities => {
            matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ClaimActivity => matches!(role, Trainee),
        RecomputeCompliance => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm),
        ManageCycle | EditStandards => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm),
        SetWindows => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice),
        SubmitVerifications => matches!(role, SystemAdmin | Unit | Department),
        ReviewVerifications | IssueCertificateNumbers => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice)
        }
        ManageSeal | RevokeCertificates => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice)
        }
        PrintCertificates => matches!(
            role,
            SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit | Department
        ),
        SpotCheck => matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice),
        RequestTitleCorrection => matches!(role, Unit | Trainee),
        ReviewTitleCorrections => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ReadReports => matches!(
            role,
            SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit | Department
        ),
        RecordCourse => matches!(
            role,
            SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit | ApiClient
        ),
    }
}

/// Which roles an account of `manager` may create and manage (the tier
/// directly below; the system administrator manages the province offices
/// and may act for any tier).
pub fn manages(manager: Role, target: Role) -> bool {
    use Role::*;
    match manager {
        SystemAdmin => !matches!(target, ApiClient),
        ProvinceWestern | ProvinceTcm => matches!(target, PrefectureOffice | Unit),
        PrefectureOffice => matches!(target, CountyOffice | Unit),
        CountyOffice => matches!(target, Unit),
        // A unit disables and resets its workers' trainee-centre accounts
        // (it never creates them: a worker's first sign-in does).
        Unit => matches!(target, Department | Trainee),
        Department | Trainee | ApiClient => false,
    }
}

/// The review tier a role acts as in the verification workflow.
pub fn review_tier(role: Role) -> Option<Tier> {
    Some(match role {
        Role::ProvinceWestern => Tier::ProvinceWestern,
        Role::ProvinceTcm => Tier::ProvinceTcm,
        Role::PrefectureOffice => Tier::PrefectureOffice,
        Role::CountyOffice => Tier::CountyOffice,
        Role::Unit => Tier::Unit,
        Role::Department => Tier::Department,
        Role::Trainee => Tier::Trainee,
        Role::SystemAdmin | Role::ApiClient => return None,
    })
}

/// The scope kind a role's account must be bound to.
pub fn scope_fits(role: Role, scope: &Scope) -> bool {
    use Role::*;
    matches!(
        (role, scope),
        (SystemAdmin | ProvinceWestern | ProvinceTcm, Scope::Province)
            | (PrefectureOffice | CountyOffice, Scope::Region(_))
            | (Unit, Scope::Unit(_))
            | (Department, Scope::Department(..))
            | (Trainee, Scope::Person(..))
            | (ApiClient, Scope::Province | Scope::Region(_) | Scope::Unit(_))
    )
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account's (or API client's) id.
    pub id: Uuid,
    /// The username or client id, for the audit log.
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    /// For API clients: the operations granted (a subset of what the role
    /// allows). `None` for people, who get everything their role allows.
    pub granted: Option<Vec<Operation>>,
}

impl Actor {
    /// Whether the actor may take `op` at all (its role and, for clients, its grant).
    pub fn may(&self, op: Operation) -> bool {
        allows(self.role, op) && self.granted.as_ref().is_none_or(|g| g.contains(&op))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tier_manages_only_the_tier_below() {
        assert!(manages(Role::ProvinceWestern, Role::PrefectureOffice));
        assert!(manages(Role::PrefectureOffice, Role::CountyOffice));
        assert!(manages(Role::CountyOffice, Role::Unit));
        assert!(manages(Role::Unit, Role::Department));
        assert!(!manages(Role::CountyOffice, Role::PrefectureOffice));
        assert!(!manages(Role::Unit, Role::Unit));
        assert!(!manages(Role::Department, Role::Department));
        assert!(manages(Role::Unit, Role::Trainee), "a unit can disable or reset a worker's account");
        assert!(!manages(Role::CountyOffice, Role::Trainee));
    }

    #[test]
    fn clients_get_no_more_than_their_grant() {
        let client = Actor {
            id: Uuid::nil(),
            name: "his".into(),
            role: Role::ApiClient,
            scope: Scope::Unit(UnitId(Uuid::nil())),
            granted: Some(vec![Operation::ReadHierarchy]),
        };
        assert!(client.may(Operation::ReadHierarchy));
        assert!(!client.may(Operation::RevealIdNumber));
        assert!(!client.may(Operation::ManageAccounts));
    }

    #[test]
    fn trainees_read_only_themselves() {
        assert!(allows(Role::Trainee, Operation::ReadSelf));
        assert!(!allows(Role::Trainee, Operation::ReadHierarchy));
        assert!(!allows(Role::Department, Operation::RevealIdNumber));
    }
}
