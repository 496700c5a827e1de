//! Reminders (SPEC §12): what the system tells a unit, an office, a worker
//! by itself, and through which channels.
//!
//! Each reminder is built here from its facts (names of organisations and
//! people, counts, dates), so its words are written once; it carries a
//! `dedupe_key` that makes raising it twice a no-op (the store inserts it
//! with ON CONFLICT DO NOTHING): an event's key names the event, a scan's
//! names the window or office and the day, so a scan run by every instance,
//! every hour, raises each reminder once a day.

use chrono::{Duration, NaiveDate};

string_enum! {
    /// What a reminder is about (each can be switched off per channel).
    pub enum NotificationKind {
        WindowClosing => ("window_closing", "上报截止提醒"),
        RecordsReturned => ("records_returned", "验证记录被退回"),
        ReportsWaiting => ("reports_waiting", "科室学分上报待审批"),
        TransfersWaiting => ("transfers_waiting", "人员调动待处理"),
        QueueGrown => ("queue_grown", "待审核记录增加"),
        TitleCorrectionDecided => ("title_correction_decided", "职称更正已审核"),
        SpotCheckOutcome => ("spot_check_outcome", "抽验结果"),
        CertificateIssued => ("certificate_issued", "证书已生成"),
    }
}

string_enum! {
    /// Where a reminder is delivered.
    pub enum Channel {
        InApp => ("in_app", "站内提醒"),
        /// The province's SMS or WeChat gateway, called by URL.
        Webhook => ("webhook", "短信/微信"),
        Email => ("email", "电子邮件"),
    }
}

string_enum! {
    /// Where an outside delivery stands.
    pub enum DeliveryState {
        Pending => ("pending", "待发送"),
        Sent => ("sent", "已发送"),
        /// Given up after [`MAX_ATTEMPTS`].
        Failed => ("failed", "发送失败"),
    }
}

/// Attempts before an outside delivery is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// How long to wait after failed attempt `attempt` (1-based): 30 s, 1 min,
/// 2 min … doubling, at most 6 hours.
pub fn retry_delay(attempt: u32) -> Duration {
    let exp = attempt.saturating_sub(1).min(16);
    let secs = 30_i64.saturating_mul(1_i64 << exp);
    Duration::seconds(secs.min(6 * 3600))
}

/// Whether a channel is on for a kind when the account has not chosen:
/// in the system always; outside only where the account asked.
pub fn default_on(channel: Channel) -> bool {
    channel == Channel::InApp
}

/// A reminder, ready to be stored for one or more recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// The SPA path that shows what it is about.
    pub link: String,
    /// Raising a reminder with the same key for the same recipient again
    /// does nothing.
    pub dedupe_key: String,
}

/// A unit's window closes in `days_left` days with people not yet submitted.
pub fn window_closing(
    unit_name: &str,
    year: i32,
    closes_on: NaiveDate,
    days_left: i64,
    not_submitted: u64,
    window_key: &str,
    today: NaiveDate,
) -> Reminder {
    let when = if days_left <= 0 { "今天".to_owned() } else { format!("{days_left} 天后") };
    Reminder {
        kind: NotificationKind::WindowClosing,
        title: format!("{year}年度验证上报{when}截止"),
        body: format!(
            "{unit_name}的{year}年度验证上报将于{}截止，尚有 {not_submitted} 人未上报。",
            closes_on.format("%Y年%m月%d日")
        ),
        link: "/verification-submit".to_owned(),
        dedupe_key: format!("window_closing:{window_key}:{today}"),
    }
}

/// An office returned `count` records of a unit.
pub fn records_returned(office_name: &str, count: usize, reason: Option<&str>, event_key: &str) -> Reminder {
    let because = reason.map(|r| format!("退回原因：{r}")).unwrap_or_default();
    Reminder {
        kind: NotificationKind::RecordsReturned,
        title: format!("{count} 条验证记录被退回"),
        body: format!("{office_name}退回了 {count} 条验证记录，请修改后重新上报。{because}"),
        link: "/verification-submit".to_owned(),
        dedupe_key: format!("records_returned:{event_key}"),
    }
}

/// Department reports wait on a unit.
pub fn reports_waiting(unit_name: &str, count: u64, today: NaiveDate) -> Reminder {
    Reminder {
        kind: NotificationKind::ReportsWaiting,
        title: format!("{count} 份科室学分上报待审批"),
        body: format!("{unit_name}有 {count} 份科室上报的学分等待审批。"),
        link: "/credit-reports".to_owned(),
        dedupe_key: format!("reports_waiting:{today}"),
    }
}

/// Transfers wait on a unit (people to receive).
pub fn transfers_waiting(unit_name: &str, count: u64, today: NaiveDate) -> Reminder {
    Reminder {
        kind: NotificationKind::TransfersWaiting,
        title: format!("{count} 项人员调动待处理"),
        body: format!("有 {count} 名人员申请调入{unit_name}，等待接收或拒收。"),
        link: "/staff".to_owned(),
        dedupe_key: format!("transfers_waiting:{today}"),
    }
}

/// An office's review queue grew since it was last told.
pub fn queue_grown(office_name: &str, waiting: u64, grown_by: u64, today: NaiveDate) -> Reminder {
    Reminder {
        kind: NotificationKind::QueueGrown,
        title: format!("待审核记录增加到 {waiting} 条"),
        body: format!("{office_name}的待审核验证记录比昨天多了 {grown_by} 条，共 {waiting} 条等待审核。"),
        link: "/verification-review".to_owned(),
        dedupe_key: format!("queue_grown:{today}"),
    }
}

/// A worker's title correction was decided.
pub fn title_correction_decided(
    person_name: &str,
    new_title: &str,
    approved: bool,
    office_name: &str,
    event_key: &str,
) -> Reminder {
    let (verb, tail) = if approved { ("通过", "职称已更正") } else { ("退回", "请查看原因") };
    Reminder {
        kind: NotificationKind::TitleCorrectionDecided,
        title: format!("职称更正已{verb}"),
        body: format!("{person_name}申请更正为“{new_title}”的职称，{office_name}已{verb}，{tail}。"),
        link: "/title-corrections".to_owned(),
        dedupe_key: format!("title_correction:{event_key}"),
    }
}

/// A spot check decided for an institution.
pub fn spot_check_outcome(unit_name: &str, year: i32, outcome: &str, event_key: &str) -> Reminder {
    Reminder {
        kind: NotificationKind::SpotCheckOutcome,
        title: format!("{year}年度抽验结果"),
        body: format!("{unit_name}的{year}年度抽验已结束：{outcome}。"),
        link: "/spot-checks".to_owned(),
        dedupe_key: format!("spot_check:{event_key}"),
    }
}

/// A worker's certificate was issued (numbered).
pub fn certificate_issued(person_name: &str, year: i32, number: &str) -> Reminder {
    Reminder {
        kind: NotificationKind::CertificateIssued,
        title: format!("{year}年度学分验证证书已生成"),
        body: format!("{person_name}的{year}年度学分验证已通过，证书编号 {number}。"),
        link: "/my-certificates".to_owned(),
        dedupe_key: format!("certificate_issued:{number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn retries_back_off_exponentially_and_stop_growing() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(3), Duration::seconds(120));
        assert_eq!(retry_delay(20), Duration::hours(6));
        assert_eq!(retry_delay(u32::MAX), Duration::hours(6));
    }

    #[test]
    fn a_scan_reminder_is_keyed_by_its_window_and_day() {
        let a = window_closing("昆明市第一人民医院", 2026, day(2026, 12, 12), 5, 37, "w1", day(2026, 12, 7));
        let b = window_closing("昆明市第一人民医院", 2026, day(2026, 12, 12), 5, 36, "w1", day(2026, 12, 7));
        let c = window_closing("昆明市第一人民医院", 2026, day(2026, 12, 12), 4, 36, "w1", day(2026, 12, 8));
        assert_eq!(a.dedupe_key, b.dedupe_key);
        assert_ne!(a.dedupe_key, c.dedupe_key);
        assert_eq!(a.title, "2026年度验证上报5 天后截止");
        assert!(a.body.contains("尚有 37 人未上报"), "{}", a.body);
        assert!(a.body.contains("2026年12月12日"), "{}", a.body);
    }

    #[test]
    fn words_name_organisations_and_people() {
        let r = records_returned("五华区继教委办公室", 4, Some("学分不足"), "e1");
        assert_eq!(r.title, "4 条验证记录被退回");
        assert!(r.body.starts_with("五华区继教委办公室退回了 4 条"));
        assert!(r.body.contains("学分不足"));
        let t = title_correction_decided("张三", "主治医师", false, "五华区继教委办公室", "e2");
        assert!(t.body.contains("张三") && t.title.contains("退回"));
        let c = certificate_issued("李四", 2026, "2026-5301-000001");
        assert!(c.body.contains("李四"));
        for k in NotificationKind::ALL {
            assert!(k.label().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        }
    }

    #[test]
    fn only_in_app_is_on_by_default() {
        assert!(default_on(Channel::InApp));
        assert!(!default_on(Channel::Webhook));
        assert!(!default_on(Channel::Email));
    }
}
