//! Who may do what, where: roles, jurisdictions and the one policy table.
//!
//! Every account is bound to an organisation, which is its jurisdiction
//! (辖区). The API resolves a request to an [`Actor`]; every read is scoped
//! by the actor's [`Scope`] in the store, every action is allowed or not by
//! [`allows`], and a change to an object by [`may_act_on`]: seeing an object
//! is not owning it ([`ownership`]). Nothing else decides.

use uuid::Uuid;

use crate::ids::{DepartmentId, PersonId, RegionId, UnitId};
use crate::org::{Medicine, UnitLevel};
use crate::review::{Tier, province_office};

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
    /// What kind of organisation a [`Scope`] is.
    pub enum ScopeKind {
        Province => ("province", "全省"),
        Region => ("region", "行政区划"),
        Unit => ("unit", "单位"),
        Department => ("department", "科室"),
        Person => ("person", "本人"),
    }
}

impl Scope {
    pub fn kind(self) -> ScopeKind {
        match self {
            Scope::Province => ScopeKind::Province,
            Scope::Region(_) => ScopeKind::Region,
            Scope::Unit(_) => ScopeKind::Unit,
            Scope::Department(..) => ScopeKind::Department,
            Scope::Person(..) => ScopeKind::Person,
        }
    }
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
        /// Keep one's office's help-desk entry (技术支持服务); the province keeps any.
        EditSupport => ("edit_support", "技术支持维护"),
        /// Open (开通), rename, move, merge and close the units of one's
        /// jurisdiction, one by one or from a file (单位维护).
        ManageUnits => ("manage_units", "单位维护"),
        /// Add, rename and close one's own unit's departments (科室维护).
        ManageDepartments => ("manage_departments", "科室维护"),
    }
}

/// The policy table: which role may take which operation. One place, read by
/// the API's guard and by the authorization matrix test.
///
/// The system administrator (系统管理员) administers the system, not the
/// units' business (separation of duties): accounts and API clients, the
/// audit log, the year's cycle and submission windows at the province, the
/// credit standard and the recomputation it calls for, and read-only views
/// (the hierarchy, masked, and the reports). It enters no people, credits,
/// activities, course completions or verification lists, decides nothing
/// for a unit, prints no certificates and reveals no ID numbers.
pub fn allows(role: Role, op: Operation) -> bool {
    use Operation::*;
    use Role::*;
    match op {
        ReadSelf => true,
        ReadHierarchy => !matches!(role, Trainee),
        RevealIdNumber => matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit),
        ManageAccounts => {
            matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ManageApiClients => {
            matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ReadAudit => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice),
        ManagePeople => matches!(role, Unit | Department | ApiClient),
        EnterCredits => matches!(role, Unit | Department),
        ReviewCredits => matches!(role, Unit),
        ManageActivities => matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit),
        ClaimActivity => matches!(role, Trainee),
        RecomputeCompliance => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm),
        ManageCycle | EditStandards => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm),
        SetWindows => matches!(role, SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice),
        SubmitVerifications => matches!(role, Unit | Department),
        ReviewVerifications | IssueCertificateNumbers => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice)
        }
        ManageSeal | RevokeCertificates | EditSupport => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice)
        }
        PrintCertificates => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit | Department)
        }
        SpotCheck => matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice),
        RequestTitleCorrection => matches!(role, Unit | Trainee),
        ReviewTitleCorrections => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit)
        }
        ReadReports => matches!(
            role,
            SystemAdmin | ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit | Department
        ),
        RecordCourse => {
            matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice | Unit | ApiClient)
        }
        ManageUnits => matches!(role, ProvinceWestern | ProvinceTcm | PrefectureOffice | CountyOffice),
        ManageDepartments => matches!(role, Unit),
    }
}

/// The organisation an object belongs to: the one that created it, or whose
/// staff or business it is. Reads follow jurisdiction ([`Scope`]); changes
/// follow ownership ([`ownership`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A region's office (the province's offices own through the province's
    /// root region): whichever office account of the region acts.
    Region(RegionId),
    /// One office of a region, where the object names it: at the province,
    /// 科教处 and 中医处 share the region, and a spot check, a certificate or a
    /// seal is the one office's that made it.
    Office(RegionId, Tier),
    Unit(UnitId),
    Department(UnitId, DepartmentId),
    /// A health worker himself (his own title correction).
    Person(UnitId, PersonId),
}

impl Owner {
    /// The organisation bound to `scope` as an owner (an account's, an API
    /// client's); `root` is the province's root region.
    pub fn of_scope(scope: Scope, root: RegionId) -> Self {
        match scope {
            Scope::Province => Self::Region(root),
            Scope::Region(r) => Self::Region(r),
            Scope::Unit(u) => Self::Unit(u),
            Scope::Department(u, d) => Self::Department(u, d),
            Scope::Person(u, p) => Self::Person(u, p),
        }
    }

    /// Whose a worker's records are: his department's when he has one (it
    /// enters and reports them), else his unit's. The same for what a
    /// department or a unit uploads (evidence).
    pub fn of_person(unit: UnitId, department: Option<DepartmentId>) -> Self {
        department.map_or(Self::Unit(unit), |d| Self::Department(unit, d))
    }

    /// The organisation the owner's work goes to for review, where the
    /// policy names one: a department's and a worker's unit (科室学分上报,
    /// the unit's first review). Offices review units through the review
    /// chain ([`crate::review`]), which names the tier awaited.
    pub fn reviewer(self) -> Option<Self> {
        match self {
            Self::Department(u, _) | Self::Person(u, _) => Some(Self::Unit(u)),
            Self::Region(_) | Self::Office(..) | Self::Unit(_) => None,
        }
    }

    /// The region an office owner sits in.
    fn region(self) -> Option<RegionId> {
        match self {
            Self::Region(r) | Self::Office(r, _) => Some(r),
            _ => None,
        }
    }
}

/// Who, among those allowed an operation and able to see its object, may
/// take it on that object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The owning organisation alone: an office's activity, spot check,
    /// certificate, seal, windows or API client; a unit's transfer.
    OwnerOnly,
    /// The owner, or the organisation its work goes to for review
    /// ([`Owner::reviewer`]): a department's people, credits and reports
    /// (and its unit), a worker's own title correction (and his unit).
    OwnerOrReviewer,
    /// The owning office, or the province's offices for any: an office's
    /// help-desk entry (the province keeps the directory whole).
    OwnerOrProvince,
    /// Anyone allowed the operation whose jurisdiction holds the object:
    /// reads, the accounts of the tier below ([`manages`]), the mandatory
    /// course's completions, province-wide settings, and the review
    /// decisions, where the review chain names the office awaited.
    Jurisdiction,
}

/// The ownership table: for each operation, who may take it on an object.
pub fn ownership(op: Operation) -> Ownership {
    use Operation::*;
    use Ownership::*;
    match op {
        ManageApiClients | ManageActivities | SetWindows | ManageSeal | RevokeCertificates | SpotCheck
        | ManageDepartments => OwnerOnly,
        ManagePeople | EnterCredits | ReviewCredits | SubmitVerifications | RequestTitleCorrection => OwnerOrReviewer,
        EditSupport => OwnerOrProvince,
        ReadSelf
        | ReadHierarchy
        | RevealIdNumber
        | ReadAudit
        | ReadReports
        | PrintCertificates
        | ClaimActivity
        | ManageAccounts
        | RecordCourse
        | RecomputeCompliance
        | ManageCycle
        | EditStandards
        | ReviewVerifications
        | IssueCertificateNumbers
        | ReviewTitleCorrections
        | ManageUnits => Jurisdiction,
    }
}

/// Whether the province's two offices split an operation's objects by the
/// medicine of their unit (SPEC §1: 中医处 answers for TCM, integrated and
/// ethnic-medicine institutions, 科教处 for the others): the accounts of a
/// unit and of those in it, and the units themselves (opening, upkeep). Review decisions split the same way through
/// their chains ([`crate::review::province_office`]).
pub fn split_by_medicine(op: Operation) -> bool {
    matches!(op, Operation::ManageAccounts | Operation::ManageUnits)
}

/// The object of an operation, as the ownership rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Object {
    pub owner: Owner,
    /// The medicine of the unit the object belongs to (none above units).
    pub medicine: Option<Medicine>,
}

impl Object {
    pub fn owned_by(owner: Owner) -> Self {
        Self { owner, medicine: None }
    }

    /// An object of a unit of `medicine` (or of a department or a worker in it).
    pub fn in_unit(owner: Owner, medicine: Medicine) -> Self {
        Self { owner, medicine: Some(medicine) }
    }
}

/// Why the ownership rule refuses an object the actor can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The role may not take the operation at all.
    Role,
    /// Only the owner may.
    NotOwner,
    /// Only the owner or its reviewer may.
    NotOwnerOrReviewer,
    /// The other province office answers for the object's unit.
    OtherMedicine(Tier),
}

impl Actor {
    /// The organisation the actor acts for, as an owner of objects; `root`
    /// is the province's root region (the province's offices own through it).
    pub fn organisation(&self, root: RegionId) -> Owner {
        Owner::of_scope(self.scope, root)
    }

    /// Whether the actor is `owner`: acts for that organisation and, for an
    /// office owner, is that office. `org` is [`Actor::organisation`].
    pub fn is(&self, org: Owner, owner: Owner) -> bool {
        match owner {
            Owner::Office(_, tier) => org.region() == owner.region() && review_tier(self.role) == Some(tier),
            _ => org == owner,
        }
    }
}

/// The ownership rule, the second half of the one policy: whether `actor`
/// (acting for `org`, see [`Actor::organisation`]) may take `op` on
/// `object`, which it can already see (a scoped read answered 404
/// otherwise). The API answers a refusal with 403.
pub fn may_act_on(actor: &Actor, org: Owner, op: Operation, object: &Object) -> Result<(), Refusal> {
    if !actor.may(op) {
        return Err(Refusal::Role);
    }
    let owner = object.owner;
    match ownership(op) {
        Ownership::Jurisdiction => {}
        Ownership::OwnerOnly if !actor.is(org, owner) => return Err(Refusal::NotOwner),
        Ownership::OwnerOrReviewer if !actor.is(org, owner) && owner.reviewer().is_none_or(|r| !actor.is(org, r)) => {
            return Err(Refusal::NotOwnerOrReviewer);
        }
        Ownership::OwnerOrProvince if !actor.is(org, owner) && actor.scope != Scope::Province => {
            return Err(Refusal::NotOwner);
        }
        Ownership::OwnerOnly | Ownership::OwnerOrReviewer | Ownership::OwnerOrProvince => {}
    }
    if split_by_medicine(op)
        && let (Some(medicine), Some(tier @ (Tier::ProvinceWestern | Tier::ProvinceTcm))) =
            (object.medicine, review_tier(actor.role))
        && province_office(medicine) != tier
    {
        return Err(Refusal::OtherMedicine(province_office(medicine)));
    }
    Ok(())
}

/// Which roles an account of `manager` may create and manage (the tier
/// directly below; the system administrator manages the province offices
/// and the accounts of every tier, which is its job, not the units'
/// business). At the province, [`may_act_on`] further splits the units'
/// accounts by medicine.
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
    /// The operations granted, a subset of what the role allows: an API
    /// client's grant, or what a unit's level leaves its accounts (see
    /// [`withheld_at`]). `None`: everything the role allows.
    pub granted: Option<Vec<Operation>>,
}

impl Actor {
    /// Whether the actor may take `op` at all (its role and, for clients, its grant).
    pub fn may(&self, op: Operation) -> bool {
        allows(self.role, op) && self.granted.as_ref().is_none_or(|g| g.contains(&op))
    }

    /// The actor of a unit of `level` (or of one of its departments): what
    /// the level withholds is taken away from what it may do.
    pub fn at_unit_level(mut self, level: UnitLevel) -> Actor {
        let withheld = withheld_at(level);
        if withheld.is_empty() {
            return self;
        }
        let granted = Operation::ALL.iter().copied().filter(|op| self.may(*op) && !withheld.contains(op)).collect();
        self.granted = Some(granted);
        self
    }
}

/// What a unit's level withholds from its accounts although their role
/// allows it: a village clinic (乡村医生) organises no CME activities of its
/// own and connects no HR system; its doctors are trained by the township
/// health centre and the county, and their credits are entered on paper.
pub fn withheld_at(level: UnitLevel) -> &'static [Operation] {
    match level {
        UnitLevel::Village => &[Operation::ManageActivities, Operation::ManageApiClients],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_village_clinic_keeps_everything_of_its_role_but_activities_and_api_clients() {
        let unit = Actor {
            id: Uuid::nil(),
            name: "u".into(),
            role: Role::Unit,
            scope: Scope::Unit(UnitId(Uuid::nil())),
            granted: None,
        };
        let village = unit.clone().at_unit_level(UnitLevel::Village);
        for op in Operation::ALL {
            let expected = unit.may(*op) && !matches!(op, Operation::ManageActivities | Operation::ManageApiClients);
            assert_eq!(village.may(*op), expected, "{op}");
        }
        assert!(unit.may(Operation::ManageActivities) && unit.may(Operation::ManageApiClients));
        assert_eq!(unit.clone().at_unit_level(UnitLevel::County).granted, None);
    }

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

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor { id: Uuid::nil(), name: "t".into(), role, scope, granted: None }
    }

    #[test]
    fn the_administrator_runs_the_system_not_the_units_business() {
        use Operation::*;
        let kept = [
            ReadSelf,
            ReadHierarchy,
            ManageAccounts,
            ManageApiClients,
            ReadAudit,
            RecomputeCompliance,
            ManageCycle,
            SetWindows,
            EditStandards,
            ReadReports,
        ];
        for op in Operation::ALL {
            assert_eq!(allows(Role::SystemAdmin, *op), kept.contains(op), "{op:?}");
        }
    }

    #[test]
    fn every_operation_that_changes_an_object_names_its_owners() {
        use Operation::*;
        for op in [ManageActivities, SpotCheck, ManageApiClients, RevokeCertificates, ManageSeal, SetWindows] {
            assert_eq!(ownership(op), Ownership::OwnerOnly, "{op:?}");
        }
        for op in [ManagePeople, EnterCredits, ReviewCredits, SubmitVerifications, RequestTitleCorrection] {
            assert_eq!(ownership(op), Ownership::OwnerOrReviewer, "{op:?}");
        }
    }

    #[test]
    fn an_office_above_an_owner_sees_but_does_not_act() {
        let (root, county, unit, other) = (
            RegionId(Uuid::from_u128(1)),
            RegionId(Uuid::from_u128(2)),
            UnitId(Uuid::from_u128(3)),
            UnitId(Uuid::from_u128(4)),
        );
        let activity = Object::owned_by(Owner::Unit(unit));
        let office = actor(Role::CountyOffice, Scope::Region(county));
        assert_eq!(
            may_act_on(&office, office.organisation(root), Operation::ManageActivities, &activity),
            Err(Refusal::NotOwner)
        );
        let owner = actor(Role::Unit, Scope::Unit(unit));
        assert_eq!(may_act_on(&owner, owner.organisation(root), Operation::ManageActivities, &activity), Ok(()));
        let sibling = actor(Role::Unit, Scope::Unit(other));
        assert!(may_act_on(&sibling, sibling.organisation(root), Operation::ManageActivities, &activity).is_err());
        let own = Object::owned_by(Owner::Region(county));
        assert_eq!(may_act_on(&office, office.organisation(root), Operation::ManageActivities, &own), Ok(()));
    }

    #[test]
    fn a_province_office_owns_what_it_made_not_what_the_other_made() {
        let root = RegionId(Uuid::from_u128(1));
        let check = Object::owned_by(Owner::Office(root, Tier::ProvinceWestern));
        let kjc = actor(Role::ProvinceWestern, Scope::Province);
        let zyc = actor(Role::ProvinceTcm, Scope::Province);
        assert_eq!(may_act_on(&kjc, kjc.organisation(root), Operation::SpotCheck, &check), Ok(()));
        assert_eq!(may_act_on(&zyc, zyc.organisation(root), Operation::SpotCheck, &check), Err(Refusal::NotOwner));
        // An office of a prefecture does not own the province's checks, nor the province its.
        let pref = RegionId(Uuid::from_u128(5));
        let km = actor(Role::PrefectureOffice, Scope::Region(pref));
        assert!(may_act_on(&km, km.organisation(root), Operation::SpotCheck, &check).is_err());
        let theirs = Object::owned_by(Owner::Office(pref, Tier::PrefectureOffice));
        assert_eq!(may_act_on(&km, km.organisation(root), Operation::SpotCheck, &theirs), Ok(()));
        assert!(may_act_on(&kjc, kjc.organisation(root), Operation::SpotCheck, &theirs).is_err());
    }

    #[test]
    fn a_unit_reviews_its_departments_and_a_department_only_itself() {
        let root = RegionId(Uuid::from_u128(1));
        let unit = UnitId(Uuid::from_u128(3));
        let (nk, ek) = (DepartmentId(Uuid::from_u128(6)), DepartmentId(Uuid::from_u128(7)));
        let person = Object::owned_by(Owner::of_person(unit, Some(ek)));
        let u = actor(Role::Unit, Scope::Unit(unit));
        assert_eq!(may_act_on(&u, u.organisation(root), Operation::ManagePeople, &person), Ok(()));
        let d = actor(Role::Department, Scope::Department(unit, ek));
        assert_eq!(may_act_on(&d, d.organisation(root), Operation::ManagePeople, &person), Ok(()));
        let other = actor(Role::Department, Scope::Department(unit, nk));
        assert_eq!(
            may_act_on(&other, other.organisation(root), Operation::ManagePeople, &person),
            Err(Refusal::NotOwnerOrReviewer)
        );
        let admin = actor(Role::SystemAdmin, Scope::Province);
        assert_eq!(may_act_on(&admin, admin.organisation(root), Operation::ManagePeople, &person), Err(Refusal::Role));
    }

    #[test]
    fn each_province_office_manages_the_accounts_of_its_medicine() {
        let root = RegionId(Uuid::from_u128(1));
        let unit = UnitId(Uuid::from_u128(3));
        let western = Object::in_unit(Owner::Unit(unit), Medicine::Western);
        let tcm = Object::in_unit(Owner::Unit(unit), Medicine::Tcm);
        let kjc = actor(Role::ProvinceWestern, Scope::Province);
        let zyc = actor(Role::ProvinceTcm, Scope::Province);
        let admin = actor(Role::SystemAdmin, Scope::Province);
        let op = Operation::ManageAccounts;
        assert_eq!(may_act_on(&kjc, kjc.organisation(root), op, &western), Ok(()));
        assert_eq!(may_act_on(&kjc, kjc.organisation(root), op, &tcm), Err(Refusal::OtherMedicine(Tier::ProvinceTcm)));
        assert_eq!(may_act_on(&zyc, zyc.organisation(root), op, &tcm), Ok(()));
        assert_eq!(
            may_act_on(&zyc, zyc.organisation(root), op, &western),
            Err(Refusal::OtherMedicine(Tier::ProvinceWestern))
        );
        assert_eq!(may_act_on(&admin, admin.organisation(root), op, &tcm), Ok(()));
        let county = actor(Role::CountyOffice, Scope::Region(RegionId(Uuid::from_u128(2))));
        assert_eq!(may_act_on(&county, county.organisation(root), op, &tcm), Ok(()));
    }
}
