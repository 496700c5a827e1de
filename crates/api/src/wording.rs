//! What people are told when a library refuses a request: serde's,
//! validator's and actix's messages are English and name Rust types
//! ("invalid type: string, expected u32"); these functions say the same in
//! Chinese. A message that already holds Chinese (our own types' parse
//! errors) passes through unchanged.

use std::borrow::Cow;

/// Whether `text` holds a Chinese character (CJK Unified Ideographs).
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A serde (JSON, query string or form) error message, in Chinese. The
/// rejected value is never repeated: it may be personal data.
pub fn serde_message(message: &str) -> Cow<'static, str> {
    if has_chinese(message) {
        // Our own types' parse errors: keep only the message, never the
        // position serde_json appends.
        return Cow::Owned(message.split(" at line ").next().unwrap_or(message).to_owned());
    }
    let message = message.trim();
    if message.starts_with("missing field") {
        return Cow::Borrowed("缺少必填项");
    }
    if message.starts_with("unknown field") {
        return Cow::Borrowed("不认识的字段");
    }
    if message.starts_with("duplicate field") {
        return Cow::Borrowed("字段重复");
    }
    if message.starts_with("unknown variant") {
        return Cow::Borrowed("取值不在允许范围内");
    }
    if message.starts_with("invalid length") {
        return Cow::Borrowed("数量不对");
    }
    if let Some(expected) = message.split_once(", expected ").map(|(_, e)| e)
        && (message.starts_with("invalid type") || message.starts_with("invalid value"))
    {
        return Cow::Owned(format!("应为{}", expected_text(expected)));
    }
    if message.starts_with("invalid digit") || message.starts_with("cannot parse integer") {
        return Cow::Borrowed("应为整数");
    }
    if message.starts_with("number too large") || message.starts_with("number too small") {
        return Cow::Borrowed("数值超出范围");
    }
    if message.starts_with("invalid float") {
        return Cow::Borrowed("应为数字");
    }
    if message.starts_with("provided string was not `true` or `false`") {
        return Cow::Borrowed("应为 true 或 false");
    }
    if message.contains("UUID") || message.starts_with("invalid character: expected an optional prefix of `urn:uuid:`")
    {
        return Cow::Borrowed("应为有效的标识");
    }
    if message.starts_with("input contains invalid characters")
        || message.starts_with("premature end of input")
        || message.starts_with("input is out of range")
        || message.starts_with("input is not enough")
        || message.starts_with("trailing input")
        || message.starts_with("no possible date and time")
        || message.starts_with("bad or unsupported format")
    {
        return Cow::Borrowed("日期或时间格式不对，应为如 2021-03-01 的格式");
    }
    if message.starts_with("EOF while parsing") {
        return Cow::Borrowed("请求内容不完整，不是完整的 JSON");
    }
    Cow::Borrowed("格式不对，不是合法的 JSON 或取值不合要求")
}

/// What serde's "expected …" names, in words.
fn expected_text(expected: &str) -> &'static str {
    let e = expected.trim();
    let integer = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize"];
    if integer.iter().any(|t| e == *t || e.starts_with(&format!("{t} "))) || e.contains("integer") {
        return "整数";
    }
    if e == "f32" || e == "f64" || e.contains("number") || e.contains("decimal") {
        return "数字";
    }
    if e.contains("bool") {
        return "true 或 false";
    }
    if e.contains("UUID") {
        return "有效的标识";
    }
    if e.contains("date") || e.contains("time") {
        return "日期或时间（如 2021-03-01）";
    }
    if e.contains("sequence") || e.contains("array") || e.contains("tuple") {
        return "列表";
    }
    if e.contains("string") || e.contains("char") {
        return "文本";
    }
    if e.starts_with("struct") || e.contains("map") || e.starts_with("enum") {
        return "对象";
    }
    "其他类型的值"
}

/// A validator failure without a message of its own: its code and limits
/// in words.
pub fn validator_message(error: &validator::ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    let param = |name: &str| error.params.get(name).map(|v| v.to_string().trim_matches('"').to_owned());
    match (error.code.as_ref(), param("min"), param("max"), param("equal")) {
        ("length", _, _, Some(n)) => format!("长度须为 {n}"),
        ("length", Some(min), Some(max), _) if min == "1" => format!("不能为空，且不能超过 {max} 个字符（项）"),
        ("length", Some(min), Some(max), _) => format!("长度须在 {min} 至 {max} 之间"),
        ("length", Some(min), None, _) if min == "1" => "不能为空".to_owned(),
        ("length", Some(min), None, _) => format!("长度不能少于 {min}"),
        ("length", None, Some(max), _) => format!("不能超过 {max} 个字符（项）"),
        ("range", Some(min), Some(max), _) => format!("须在 {min} 至 {max} 之间"),
        ("range", Some(min), None, _) => format!("不能小于 {min}"),
        ("range", None, Some(max), _) => format!("不能大于 {max}"),
        ("email", ..) => "不是有效的电子邮箱地址".to_owned(),
        ("url", ..) => "不是有效的网址".to_owned(),
        ("required", ..) => "缺少必填项".to_owned(),
        ("regex", ..) => "格式不对".to_owned(),
        _ => "取值不合要求".to_owned(),
    }
}

/// An actix path-segment parse failure ("can not parse \"x\" to a u32").
pub fn path_message(message: &str) -> &'static str {
    if message.contains("UUID") || message.contains("Uuid") {
        "地址中的标识格式不对"
    } else if message.contains(" to a ") || message.contains(" to an ") {
        "地址中的参数格式不对"
    } else {
        "地址格式不对"
    }
}

/// A body that broke off or could not be read.
pub fn payload_message(_message: &str) -> &'static str {
    "请求内容未能完整读取，请重试"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_chinese_and_never_repeat_the_value() {
        for m in [
            "missing field `name`",
            "unknown field `x`, expected one of `a`, `b`",
            "invalid type: string \"530102199001011234\", expected u32",
            "invalid value: integer `-1`, expected u16",
            "unknown variant `zz`, expected one of `i`, `ii`",
            "invalid length 0, expected fewer elements in array",
            "expected value at line 1 column 1",
            "EOF while parsing an object at line 1 column 5",
            "invalid digit found in string",
            "premature end of input",
            "UUID parsing failed: invalid character",
            "something nobody foresaw",
        ] {
            let out = serde_message(m);
            assert!(has_chinese(&out), "{m} -> {out}");
            assert!(!out.contains("5301"), "{out}");
        }
        assert_eq!(serde_message("invalid type: string \"x\", expected u32"), "应为整数");
        assert_eq!(serde_message("身份证号须为 18 位 at line 1 column 9"), "身份证号须为 18 位");
    }

    #[test]
    fn validator_codes_become_words_with_their_limits() {
        let mut e = validator::ValidationError::new("length");
        e.add_param("max".into(), &50);
        assert_eq!(validator_message(&e), "不能超过 50 个字符（项）");
        let mut e = validator::ValidationError::new("range");
        e.add_param("min".into(), &2015);
        e.add_param("max".into(), &2100);
        assert_eq!(validator_message(&e), "须在 2015 至 2100 之间");
        let e = validator::ValidationError::new("made_up");
        assert!(has_chinese(&validator_message(&e)));
    }
}
