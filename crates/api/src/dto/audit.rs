//! The audit log as people read it: who (a name and an organisation), what
//! (in words), on what, and the change in words; the stored codes stay
//! beside them for programs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use cme_domain::audit::{action_label, target_label};
use cme_store::repo::audit::AuditRecord;

use crate::dto::Role;

/// Logins to put into words.
#[derive(Debug, Clone, Deserialize, ToSchema, validator::Validate)]
pub struct ActorNamesRequest {
    #[validate(length(max = 500, message = "一次最多 500 个"))]
    pub logins: Vec<String>,
}

/// Each known login's words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorNames {
    pub names: std::collections::BTreeMap<String, String>,
}

/// One entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who, in words: "张三（宣威市人民医院）"; "未登录的访问者" when no
    /// account was known (a failed sign-in, a public look-up).
    pub actor: String,
    /// The stored login or client id (for programs; not shown to people).
    pub actor_name: String,
    pub actor_role: Option<Role>,
    pub ip: Option<String>,
    /// The stored action code (`auth.login.success`), for programs.
    pub action: String,
    /// The action in words (登录).
    pub action_label: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// What was acted on, in words: its kind and, for a person or an
    /// account, the name ("人员 张三").
    pub target_label: Option<String>,
    /// The stored change, as JSON (for programs).
    pub detail: serde_json::Value,
    /// The change in words ("原因：材料不全；人数：3"); ids are left out.
    pub summary: String,
}

/// A page of entries, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryDto>,
    pub next_cursor: Option<String>,
}

/// Which entries: every part optional; days are Beijing days, inclusive.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Who: part of an account's name, or its login.
    pub actor: Option<String>,
    /// What: one action code (see `action` of an entry).
    pub action: Option<String>,
    /// On what: one target kind (`person`, `account`, `verification` …).
    pub target_type: Option<String>,
    /// From this day.
    pub from: Option<NaiveDate>,
    /// Up to and including this day.
    pub to: Option<NaiveDate>,
    pub after: Option<String>,
    pub limit: Option<u64>,
}

/// The names an entry's words need, read once per page.
#[derive(Debug, Default)]
pub struct AuditNames {
    /// Accounts and clients, by id.
    pub actors: HashMap<Uuid, String>,
    /// People, by id.
    pub people: HashMap<Uuid, String>,
}

impl AuditEntryDto {
    pub fn read(r: AuditRecord, names: &AuditNames) -> Self {
        let actor = match r.actor_id.and_then(|id| names.actors.get(&id)) {
            Some(words) => words.clone(),
            None if r.actor_id.is_some() => "已不存在的账号".to_owned(),
            None => "未登录的访问者".to_owned(),
        };
        let target_label = r.target_type.as_deref().map(|kind| {
            let named = r.target_id.as_deref().and_then(|id| id.parse::<Uuid>().ok()).and_then(|id| match kind {
                "person" => names.people.get(&id),
                "account" | "api_client" => names.actors.get(&id),
                _ => None,
            });
            match named {
                Some(name) => format!("{} {name}", target_label(kind)),
                None => target_label(kind).to_owned(),
            }
        });
        AuditEntryDto {
            seq: r.seq,
            at: r.at,
            actor,
            actor_name: r.actor_name,
            actor_role: r.actor_role.map(Into::into),
            ip: r.ip,
            action_label: action_label(&r.action).to_owned(),
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            target_label,
            summary: summary(&r.detail),
            detail: r.detail,
        }
    }
}

/// The words of a detail key; keys without words are left out of the
/// summary (they hold ids or internals).
fn key_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "reason" => "原因",
        "year" => "年度",
        "name" | "display_name" => "名称",
        "rows" => "行数",
        "people" | "records" => "人数",
        "ids" => "记录数",
        "code" => "编号",
        "number" => "证书编号",
        "level" => "级别",
        "role" => "角色",
        "status" => "状态",
        "from" => "原值",
        "to" => "新值",
        "before" => "修改前",
        "after" => "修改后",
        "old_title" => "原职称",
        "new_title" => "新职称",
        "note" => "备注",
        "file_name" => "文件名",
        "credits" | "from_credits" => "学分",
        "credited" => "记入学分人数",
        "created" => "新增",
        "written" => "写入",
        "result" => "结果",
        "results" => "结果数",
        "obtained_on" => "取得日期",
        "completed_on" => "完成日期",
        "starts_at" => "开始时间",
        "ends_at" => "截止时间",
        "mode" => "方式",
        "source" => "来源",
        "kind" => "类别",
        "size" => "大小（字节）",
        "scopes" => "授权",
        "changes" => "修改项",
        "bad_cells" => "有误的单元格",
        "approve" => "通过",
        "version" => "版本",
        "path" => "验证方式",
        _ => return None,
    })
}

/// A stored value in words; ids and nested objects are not words.
fn value_words(key: &str, v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(if *b { "是" } else { "否" }.to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if s.parse::<Uuid>().is_ok() => None,
        Value::String(s) if key == "role" => {
            Some(cme_domain::auth::Role::parse(s).map_or(s.clone(), |r| r.label().to_owned()))
        }
        Value::String(s) if key == "path" => {
            Some(cme_domain::cycle::paper::VerificationPath::parse(s).map_or(s.clone(), |p| p.label().to_owned()))
        }
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => {
            let words: Vec<String> = items.iter().filter_map(|i| value_words(key, i)).collect();
            if words.len() == items.len() && !words.is_empty() && words.len() <= 5 {
                Some(words.join("、"))
            } else {
                Some(format!("{} 项", items.len()))
            }
        }
        Value::Object(map) => {
            let n = map.len();
            (n > 0).then(|| format!("{n} 项"))
        }
    }
}

/// The stored change in words: "原因：材料不全；记录数：3".
pub fn summary(detail: &serde_json::Value) -> String {
    let Some(map) = detail.as_object() else { return String::new() };
    map.iter()
        .filter_map(|(k, v)| Some(format!("{}：{}", key_label(k)?, value_words(k, v)?)))
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_has_words_and_no_ids() {
        let id = Uuid::now_v7();
        let d = serde_json::json!({"reason": "材料不全", "ids": [id, id, id], "person_id": id, "role": "unit", "approve": true});
        let s = summary(&d);
        assert!(s.contains("原因：材料不全"), "{s}");
        assert!(s.contains("记录数：3 项"), "{s}");
        assert!(s.contains("角色：单位"), "{s}");
        assert!(!s.contains(&id.to_string()), "{s}");
        assert!(!s.contains("person_id"), "{s}");
        let paper = summary(&serde_json::json!({"list": "normal", "path": "paper", "year": 2021}));
        assert_eq!(paper, "验证方式：纸质验证；年度：2021");
    }
}
