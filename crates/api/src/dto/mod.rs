//! Wire types. Never an entity: requests and responses are their own types,
//! converted to and from the domain.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod compliance;
pub mod courses;
pub mod health;
pub mod org;
pub mod people;
pub mod standard;
pub mod support;
pub mod units;

/// Mirrors a domain enum as a wire enum with an OpenAPI schema and the same
/// snake_case names, with conversions both ways.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident => $domain:path { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $variant ),+
        }

        impl $name {
            /// The wire names, checked against the domain's in a test.
            #[cfg(test)]
            pub const WIRE: &'static [(&'static str, $name)] = &[$(($wire, $name::$variant)),+];
        }

        impl From<$name> for $domain {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => <$domain>::$variant),+ }
            }
        }

        impl From<$domain> for $name {
            fn from(v: $domain) -> Self {
                match v { $(<$domain>::$variant => $name::$variant),+ }
            }
        }
    };
}

wire_enum!(
    /// 单位级别: provincial 省级机构, prefecture 州市级, county 县级, township 乡镇/社区, village 乡村医生.
    UnitLevel => cme_domain::org::UnitLevel {
        Provincial = "provincial", Prefecture = "prefecture", County = "county", Township = "township", Village = "village",
    }
);
wire_enum!(
    /// 职称级别: senior 高级, intermediate 中级, junior 初级.
    TitleLevel => cme_domain::person::TitleLevel { Senior = "senior", Intermediate = "intermediate", Junior = "junior" }
);
wire_enum!(
    /// 专业类别: clinical 临床、检验、放射等类; nursing_public_health 护理、公卫类.
    Discipline => cme_domain::person::Discipline { Clinical = "clinical", NursingPublicHealth = "nursing_public_health" }
);
wire_enum!(
    /// project 项目学分 or self_managed 自管学分.
    CreditKind => cme_domain::credit::CreditKind { Project = "project", SelfManaged = "self_managed" }
);
wire_enum!(
    /// Source of a project credit: I类 national, provincial, distance_i; II类 prefecture, distance_ii.
    CreditSource => cme_domain::credit::CreditSource {
        National = "national", Provincial = "provincial", DistanceI = "distance_i", Prefecture = "prefecture", DistanceIi = "distance_ii",
    }
);
wire_enum!(
    /// A machine-readable reason for non-compliance.
    ShortfallCode => cme_domain::compliance::ShortfallCode {
        INational = "i_national", IProvincial = "i_provincial", INationalProvincial = "i_national_provincial",
        ISubtotal = "i_subtotal", IiSubtotal = "ii_subtotal", SelfManaged = "self_managed", Total = "total",
        MandatoryCourse = "mandatory_course",
    }
);
wire_enum!(
    /// Why (part of) a credit counts nowhere: over_cap 超出上限, not_valid 未生效.
    NotCountedReason => cme_domain::compliance::NotCountedReason { OverCap = "over_cap", NotValid = "not_valid" }
);

wire_enum!(
    /// compliant 达标, non_compliant 不达标, not_counted 不计达标 (exempt/cancelled), undetermined 无法判定.
    Outcome => cme_domain::compliance::Outcome {
        Compliant = "compliant", NonCompliant = "non_compliant", NotCounted = "not_counted", Undetermined = "undetermined",
    }
);
wire_enum!(
    /// 中医/西医: western 西医, tcm 中医.
    Medicine => cme_domain::org::Medicine { Western = "western", Tcm = "tcm" }
);
pub mod activities;
pub mod certificate;
pub mod credits;
pub mod notifications;
pub mod verification;
pub mod workbench;
wire_enum!(
    /// 性别: male 男, female 女.
    Gender => cme_domain::person::Gender { Male = "male", Female = "female" }
);
wire_enum!(
    /// 人员状态: normal 正常, exempt 不计达标, cancelled 注销.
    PersonStatus => cme_domain::person::PersonStatus { Normal = "normal", Exempt = "exempt", Cancelled = "cancelled" }
);
wire_enum!(
    /// What an account's organisation is: province 全省, region 行政区划 (a prefecture or county office),
    /// unit 单位, department 科室, person 本人 (a trainee).
    ScopeKind => cme_domain::auth::ScopeKind {
        Province = "province", Region = "region", Unit = "unit", Department = "department", Person = "person",
    }
);
wire_enum!(
    /// 行政区划级别: province 省, prefecture 州市, county 县市区.
    RegionLevel => cme_domain::org::RegionLevel { Province = "province", Prefecture = "prefecture", County = "county" }
);
wire_enum!(
    /// 职称系列: medicine 医疗, tcm 中医, nursing 护理, pharmacy 药学, tcm_pharmacy 中药学, technician 医技,
    /// public_health 公共卫生, village 乡村医生.
    TitleSeries => cme_domain::titles::TitleSeries {
        Medicine = "medicine", Tcm = "tcm", Nursing = "nursing", Pharmacy = "pharmacy", TcmPharmacy = "tcm_pharmacy",
        Technician = "technician", PublicHealth = "public_health", Village = "village",
    }
);
wire_enum!(
    /// 学分类别: i I类, ii II类 (a project credit's class, from its source).
    CreditClass => cme_domain::credit::CreditClass { I = "i", Ii = "ii" }
);
wire_enum!(
    /// 账号角色: system_admin 系统管理员, province_western 省继教委办公室(科教处), province_tcm 省继教委办公室(中医处),
    /// prefecture_office 州市继教委办公室, county_office 县市区继教委办公室, unit 单位, department 科室, trainee 学员,
    /// api_client 外部系统.
    Role => cme_domain::auth::Role {
        SystemAdmin = "system_admin", ProvinceWestern = "province_western", ProvinceTcm = "province_tcm",
        PrefectureOffice = "prefecture_office", CountyOffice = "county_office", Unit = "unit", Department = "department",
        Trainee = "trainee", ApiClient = "api_client",
    }
);
wire_enum!(
    /// 操作权限 (the policy table's operations; an outside system's scopes): read_hierarchy 查看机构人员,
    /// reveal_id_number 查看完整身份证号, manage_accounts 管理下级账号, manage_api_clients 管理接口客户端,
    /// read_audit 查看审计日志, read_self 查看本人信息, manage_people 人员维护, enter_credits 录入学分,
    /// review_credits 审核学分, manage_activities 管理继教活动, claim_activity 扫码签到, record_course 登记公需科目,
    /// recompute_compliance 重算达标情况, manage_cycle 验证周期设置, set_windows 截止时间设置,
    /// submit_verifications 验证信息上报, review_verifications 验证审核, issue_certificate_numbers 生成证书编号,
    /// manage_seal 电子印章管理, print_certificates 证书打印, revoke_certificates 撤销证书, spot_check 抽验,
    /// request_title_correction 申请职称更正, review_title_corrections 审核职称更正, edit_standards 学分标准维护,
    /// read_reports 统计报表, edit_support 技术支持维护, manage_units 单位维护, manage_departments 科室维护.
    Operation => cme_domain::auth::Operation {
        ReadHierarchy = "read_hierarchy", RevealIdNumber = "reveal_id_number", ManageAccounts = "manage_accounts",
        ManageApiClients = "manage_api_clients", ReadAudit = "read_audit", ReadSelf = "read_self",
        ManagePeople = "manage_people", EnterCredits = "enter_credits", ReviewCredits = "review_credits",
        ManageActivities = "manage_activities", ClaimActivity = "claim_activity", RecordCourse = "record_course",
        RecomputeCompliance = "recompute_compliance", ManageCycle = "manage_cycle", SetWindows = "set_windows",
        SubmitVerifications = "submit_verifications", ReviewVerifications = "review_verifications",
        IssueCertificateNumbers = "issue_certificate_numbers", ManageSeal = "manage_seal",
        PrintCertificates = "print_certificates", RevokeCertificates = "revoke_certificates", SpotCheck = "spot_check",
        RequestTitleCorrection = "request_title_correction", ReviewTitleCorrections = "review_title_corrections",
        EditStandards = "edit_standards", ReadReports = "read_reports", EditSupport = "edit_support",
        ManageUnits = "manage_units", ManageDepartments = "manage_departments",
    }
);
wire_enum!(
    /// 调动状态: pending 待接收, accepted 已接收, rejected 已拒收, cancelled 已撤回.
    TransferState => cme_domain::transfer::TransferState {
        Pending = "pending", Accepted = "accepted", Rejected = "rejected", Cancelled = "cancelled",
    }
);

/// A credit amount: a positive JSON number with at most one decimal, as
/// written (`2.50000000001` is refused, not rounded; an answer's amounts
/// may be 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(value_type = f64, example = 2.5)]
#[serde(transparent)]
pub struct Amount(pub cme_domain::Credits);

impl<'de> serde::Deserialize<'de> for Amount {
    /// Input amounts must be positive, with at most one decimal.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        cme_domain::credits::deserialize_number(d, cme_domain::Credits::parse_positive).map(Amount)
    }
}

/// The amount of one credit record typed in (a paper certificate): a JSON
/// number greater than 0 and at most 25 (the national ceiling per project,
/// [`cme_domain::Credits::MAX_SINGLE`]), with at most one decimal, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(value_type = f64, example = 2.5, exclusive_minimum = 0, maximum = 25)]
pub struct RecordAmount(pub cme_domain::Credits);

impl<'de> serde::Deserialize<'de> for RecordAmount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        cme_domain::credits::deserialize_number(d, cme_domain::Credits::parse_single).map(RecordAmount)
    }
}

/// The format of a statistics report's export.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportFormatQuery {
    /// `xlsx` (default), or `pdf`: A4 to print, with the office, the filters,
    /// the date and a chart.
    pub format: Option<String>,
}

/// A file's bytes as the whole body of a request or an answer (a PDF, an
/// image, a spreadsheet): a binary string, not JSON.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

/// Checks an enum of the API alone (its labels go to the SPA): `as_str`
/// names every value as serde does and as the document lists it.
#[cfg(test)]
fn assert_named_as_serialised_and_documented<T: serde::Serialize + utoipa::PartialSchema + Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
) {
    let doc = serde_json::to_value(T::schema()).unwrap_or_default();
    let documented: Vec<&str> = doc["enum"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
    assert_eq!(documented.len(), all.len(), "{doc}");
    for v in all {
        assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(as_str(*v))));
        assert!(documented.contains(&as_str(*v)), "{} is not documented", as_str(*v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire names are the domain's stored names.
    #[test]
    fn wire_names_match_the_domain() {
        for (wire, v) in UnitLevel::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::org::UnitLevel::from(*v).as_str(), *wire);
        }
        for (wire, v) in CreditSource::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::credit::CreditSource::from(*v).as_str(), *wire);
        }
        for (wire, v) in ShortfallCode::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::compliance::ShortfallCode::from(*v).as_str(), *wire);
        }
        for (wire, v) in Discipline::WIRE {
            assert_eq!(cme_domain::person::Discipline::from(*v).as_str(), *wire);
        }
        for (wire, v) in TitleLevel::WIRE {
            assert_eq!(cme_domain::person::TitleLevel::from(*v).as_str(), *wire);
        }
        for (wire, v) in CreditKind::WIRE {
            assert_eq!(cme_domain::credit::CreditKind::from(*v).as_str(), *wire);
        }
        for (wire, v) in Gender::WIRE {
            assert_eq!(cme_domain::person::Gender::from(*v).as_str(), *wire);
        }
        for (wire, v) in PersonStatus::WIRE {
            assert_eq!(cme_domain::person::PersonStatus::from(*v).as_str(), *wire);
        }
        for (wire, v) in TransferState::WIRE {
            assert_eq!(cme_domain::transfer::TransferState::from(*v).as_str(), *wire);
        }
        for (wire, v) in Medicine::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::org::Medicine::from(*v).as_str(), *wire);
        }
        for (wire, v) in Outcome::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::compliance::Outcome::from(*v).as_str(), *wire);
        }
        for (wire, v) in NotCountedReason::WIRE {
            assert_eq!(cme_domain::compliance::NotCountedReason::from(*v).as_str(), *wire);
        }
        for (wire, v) in ScopeKind::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::auth::ScopeKind::from(*v).as_str(), *wire);
        }
        for (wire, v) in RegionLevel::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::org::RegionLevel::from(*v).as_str(), *wire);
        }
        for (wire, v) in TitleSeries::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::titles::TitleSeries::from(*v).as_str(), *wire);
        }
        for (wire, v) in CreditClass::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::credit::CreditClass::from(*v).as_str(), *wire);
        }
        for (wire, v) in Role::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::auth::Role::from(*v).as_str(), *wire);
        }
        assert_eq!(Role::WIRE.len(), cme_domain::auth::Role::ALL.len());
        for (wire, v) in Operation::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::auth::Operation::from(*v).as_str(), *wire);
        }
        assert_eq!(Operation::WIRE.len(), cme_domain::auth::Operation::ALL.len());
    }
}
