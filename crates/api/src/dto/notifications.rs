//! Reminders (the bell) and the choices of which to receive, where.

use chrono::{DateTime, Utc};
use cme_store::repo::notification::{Notification, Preference, Preferences};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

wire_enum!(
    /// 提醒类别: window_closing 上报截止提醒, records_returned 验证记录被退回,
    /// reports_waiting 科室学分上报待审批, transfers_waiting 人员调动待处理,
    /// queue_grown 待审核记录增加, title_correction_decided 职称更正已审核,
    /// spot_check_outcome 抽验结果, certificate_issued 证书已生成.
    NotificationKind => cme_domain::notification::NotificationKind {
        WindowClosing = "window_closing",
        RecordsReturned = "records_returned",
        ReportsWaiting = "reports_waiting",
        TransfersWaiting = "transfers_waiting",
        QueueGrown = "queue_grown",
        TitleCorrectionDecided = "title_correction_decided",
        SpotCheckOutcome = "spot_check_outcome",
        CertificateIssued = "certificate_issued",
    }
);

/// One reminder.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: Uuid,
    pub kind: NotificationKind,
    /// In Chinese, naming organisations and people.
    pub title: String,
    pub body: String,
    /// The page of the SPA that shows what it is about.
    pub link: String,
    pub created_at: DateTime<Utc>,
    /// `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        NotificationDto {
            id: n.id,
            kind: n.kind.into(),
            title: n.title,
            body: n.body,
            link: n.link,
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// A page of the caller's reminders, newest first, with the unread count.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationDto>,
    /// Pass as `after` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
    /// How many of the caller's reminders are unread (the bell's badge).
    pub unread: u64,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct NotificationQuery {
    /// `true`: unread ones only.
    pub unread: Option<bool>,
    pub after: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<u64>,
}

/// How many reminders were marked read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadAllResult {
    pub marked: u64,
}

/// One kind's channels.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PreferenceDto {
    pub kind: NotificationKind,
    /// 站内提醒 (the bell).
    pub in_app: bool,
    /// 短信/微信, through the province's gateway.
    pub webhook: bool,
    /// 电子邮件, to `email`.
    pub email: bool,
}

impl From<Preference> for PreferenceDto {
    fn from(p: Preference) -> Self {
        PreferenceDto { kind: p.kind.into(), in_app: p.in_app, webhook: p.webhook, email: p.email }
    }
}

/// The caller's choices: every kind, where email goes, and which outside
/// channels the province has connected.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreferencesDto {
    pub kinds: Vec<PreferenceDto>,
    pub email: Option<String>,
    /// Whether an SMS/WeChat gateway is connected.
    pub webhook_available: bool,
    /// Whether an email server is connected.
    pub email_available: bool,
}

impl PreferencesDto {
    pub fn new(p: Preferences, webhook_available: bool, email_available: bool) -> Self {
        PreferencesDto {
            kinds: p.kinds.into_iter().map(PreferenceDto::from).collect(),
            email: p.email,
            webhook_available,
            email_available,
        }
    }
}

/// New choices: the kinds given are replaced, the others kept.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
pub struct PreferencesUpdate {
    #[validate(length(max = 20, message = "提醒类别过多"))]
    pub kinds: Vec<PreferenceDto>,
    /// Where email reminders go; `null` or empty: nowhere.
    #[validate(email(message = "请输入有效的电子邮件地址"), length(max = 254, message = "电子邮件地址过长"))]
    pub email: Option<String>,
}
