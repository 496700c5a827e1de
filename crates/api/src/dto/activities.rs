//! CME activities, their sign-in code, sign-ins and attendance rosters.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{Amount, CreditClass, CreditKind, CreditSource};

/// A credit amount in a request: a JSON number (`2.5`) or a decimal string
/// (`"2.5"`), greater than 0, with at most one decimal. Held exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountIn(pub cme_domain::Credits);

impl<'de> Deserialize<'de> for AmountIn {
    /// The literal text decides: `2.50000000001` is refused, not rounded.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use cme_domain::credits::JsonLiteral;
        let (JsonLiteral::Number(text) | JsonLiteral::Text(text)) = JsonLiteral::read(d)?;
        cme_domain::Credits::parse_single(&text).map(AmountIn).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

impl utoipa::PartialSchema for AmountIn {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number).exclusive_minimum(Some(0)).maximum(Some(25)))
            .item(ObjectBuilder::new().schema_type(Type::String).pattern(Some(r"^[0-9]+(\.[0-9])?$")))
            .description(Some(
                "Credits: a number or a decimal string, > 0, at most 25, at most one decimal, as written",
            ))
            .examples([serde_json::json!(2.5), serde_json::json!("2.5")])
            .into()
    }
}

impl ToSchema for AmountIn {}

/// A new activity. Its owner is the caller's organisation.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "急危重症救治新进展学习班", "organiser": "云南省第一人民医院",
    "kind": "project", "source": "provincial", "amount": "2.5",
    "starts_on": "2026-05-08", "ends_on": "2026-05-10"}))]
pub struct NewActivityRequest {
    #[validate(length(min = 1, max = 200, message = "活动名称须为 1–200 个字符"))]
    pub name: String,
    /// The organiser as printed on the credit (主办单位).
    #[validate(length(min = 1, max = 200, message = "主办单位须为 1–200 个字符"))]
    pub organiser: String,
    /// `project` (项目学分) or `self_managed` (自管学分, units only).
    pub kind: CreditKind,
    /// Required for project activities; must be absent for self-managed ones.
    #[serde(default)]
    pub source: Option<CreditSource>,
    /// Credits each attendee gets.
    pub amount: AmountIn,
    /// First day (Asia/Shanghai); its year is the credit year.
    pub starts_on: NaiveDate,
    /// Last day, inclusive.
    pub ends_on: NaiveDate,
}

/// Who owns an activity: an office's region or a unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityOwnerDto {
    /// `region` (an office; the province's root region for the province
    /// offices) or `unit`.
    pub kind: String,
    pub id: Uuid,
}

/// A CME activity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityDto {
    pub id: Uuid,
    /// The serial, e.g. `HD2026-000123`; it is the credits' certificate number.
    pub code: String,
    pub name: String,
    pub organiser: String,
    pub kind: CreditKind,
    /// `null` for self-managed activities.
    pub source: Option<CreditSource>,
    /// Derived from the source; `null` for self-managed.
    pub class: Option<CreditClass>,
    pub amount: Amount,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The credit year (the year of `starts_on`).
    pub year: i32,
    pub owner: ActivityOwnerDto,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    /// Whether it takes sign-ins today (not cancelled, today within its dates).
    pub running: bool,
    /// People credited so far (sign-ins and roster).
    pub sign_in_count: u64,
    /// Whether the caller's organisation created it, and so may cancel it,
    /// show its sign-in code and post its rosters (the offices above only
    /// see it).
    pub owned: bool,
}

impl ActivityDto {
    /// An activity with its `sign_in_count`, running or not at `now`; `owned`:
    /// the caller's organisation created it.
    pub fn new(a: &cme_domain::activity::Activity, sign_in_count: u64, now: DateTime<Utc>, owned: bool) -> Self {
        let (kind, id) = match a.owner {
            cme_domain::activity::ActivityOwner::Region(r) => ("region", r.0),
            cme_domain::activity::ActivityOwner::Unit(u) => ("unit", u.0),
        };
        ActivityDto {
            id: a.id.0,
            code: a.code.clone(),
            name: a.name.clone(),
            organiser: a.organiser.clone(),
            kind: a.category.kind().into(),
            source: a.category.source().map(Into::into),
            class: a.category.source().map(|s| s.class().into()),
            amount: Amount(a.amount),
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            year: a.year(),
            owner: ActivityOwnerDto { kind: kind.to_owned(), id },
            created_by: a.created_by.clone(),
            created_at: a.created_at,
            cancelled_at: a.cancelled.as_ref().map(|c| c.at),
            cancel_reason: a.cancelled.as_ref().map(|c| c.reason.clone()),
            running: a.running_on(cme_domain::time::today_in_shanghai(now)).is_ok(),
            sign_in_count,
            owned,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<ActivityDto>,
    /// Pass as `after` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct ActivityQuery {
    /// The credit year.
    pub year: Option<i32>,
    /// A part of the activity's name.
    pub name: Option<String>,
    /// The `next_cursor` of the previous page (pages run newest first).
    pub after: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelActivityRequest {
    /// Why (kept with the activity and in the audit log).
    #[validate(length(min = 2, max = 200, message = "请填写取消原因（2–200 个字符）"))]
    pub reason: String,
}

/// The sign-in code to show as a QR code on the event's screen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignInCodeDto {
    /// The signed code (48 characters, base64url).
    pub code: String,
    /// The SPA route a phone opens: `/m/sign-in?code=…` (put the site's
    /// origin in front for the QR code).
    pub url: String,
    /// When this code's minute began.
    pub window_started_at: DateTime<Utc>,
    /// When this code stops being accepted (the end of the next minute).
    pub expires_at: DateTime<Utc>,
    /// Fetch a new code this often (60).
    pub rotates_every_seconds: i64,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The code read from the QR code (or typed in).
    #[validate(length(min = 1, max = 200, message = "请填写签到码"))]
    pub code: String,
}

/// The credit a sign-in issued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignInResult {
    pub credit_id: Uuid,
    pub activity_id: Uuid,
    pub activity_code: String,
    pub activity_name: String,
    pub organiser: String,
    pub kind: CreditKind,
    pub source: Option<CreditSource>,
    pub amount: Amount,
    /// The credit year.
    pub year: i32,
    pub earned_on: NaiveDate,
}

/// An attendance roster as JSON (the CSV form is one ID number a line,
/// optionally under a header `身份证号`).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterRequest {
    #[validate(length(min = 1, max = 10000, message = "名单须有 1–10000 个身份证号"))]
    pub id_numbers: Vec<String>,
}

wire_enum!(
    /// What happened to one roster row: credited 已记入学分, invalid_id_number 身份证号无效,
    /// unknown_person 查无此人, out_of_jurisdiction 不在管辖范围 (of the organiser),
    /// already_signed_in 已签到, duplicate_row 重复行 (the same person on an earlier row),
    /// locked 年度已锁定 (by a submitted verification).
    RosterOutcome => cme_domain::activity::RosterOutcome {
        Credited = "credited", InvalidIdNumber = "invalid_id_number", UnknownPerson = "unknown_person",
        OutOfJurisdiction = "out_of_jurisdiction", AlreadySignedIn = "already_signed_in", DuplicateRow = "duplicate_row",
        Locked = "locked",
    }
);

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterRowReport {
    /// The row: the line of a CSV file (the header is line 1), the 1-based
    /// position in `id_numbers` for JSON.
    pub row: usize,
    /// The ID number, masked.
    pub id_number_masked: String,
    pub outcome: RosterOutcome,
    /// The outcome in Chinese.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterReport {
    pub activity_id: Uuid,
    pub rows: usize,
    /// Rows that got the credit (all in one transaction).
    pub credited: usize,
    pub results: Vec<RosterRowReport>,
}

#[cfg(test)]
mod tests {
    use super::RosterOutcome;

    #[test]
    fn roster_outcomes_are_the_domain_names() {
        for (wire, v) in RosterOutcome::WIRE {
            assert_eq!(serde_json::to_value(v).ok(), Some(serde_json::json!(wire)));
            assert_eq!(cme_domain::activity::RosterOutcome::from(*v).as_str(), *wire);
        }
    }
}
