//! The help desk (技术支持服务, notice-2017 附件 4): who a worker or an office
//! calls when the system does not do what they need. Each office keeps its
//! own entry (its line, its people and their phones, its QQ groups); the
//! province's entry carries the province office's line (办公室座机) and the
//! contacts for the units it keeps directly (省直单位).

/// The most contacts one entry lists.
pub const MAX_CONTACTS: usize = 10;
/// The most QQ groups one entry lists.
pub const MAX_QQ_GROUPS: usize = 10;
/// The longest person's name, service hours and note, in characters.
pub const MAX_NAME: usize = 20;
pub const MAX_HOURS: usize = 50;
pub const MAX_NOTE: usize = 200;

/// A person to call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub phone: String,
}

/// One office's help-desk entry, as checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportEntry {
    /// The office's line (办公室座机), e.g. 0871-63575660.
    pub phone: Option<String>,
    /// When the line answers, e.g. 工作日 9:00–17:30.
    pub hours: Option<String>,
    pub contacts: Vec<Contact>,
    /// QQ group numbers (技术服务 QQ 群).
    pub qq_groups: Vec<String>,
    pub note: Option<String>,
}

/// A field of an entry that is not acceptable: its path (`contacts[1].phone`)
/// and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}：{reason}")]
pub struct SupportError {
    pub field: String,
    pub reason: String,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> SupportError {
    SupportError { field: field.into(), reason: reason.into() }
}

/// A telephone number as people write them: a mobile (15287105524), a
/// landline with its area code (0871-63575660, 087163575660), an extension
/// (0871-63575660-8012) or a short service number (12320). Digits and
/// single hyphens only, 5 to 18 digits.
pub fn check_phone(field: &str, phone: &str) -> Result<String, SupportError> {
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let well_formed = !phone.is_empty()
        && phone.chars().all(|c| c.is_ascii_digit() || c == '-')
        && !phone.starts_with('-')
        && !phone.ends_with('-')
        && !phone.contains("--");
    if !well_formed || !(5..=18).contains(&digits) {
        return Err(invalid(field, "电话号码格式不正确（如 0871-63575660 或 13800000000）"));
    }
    if phone.starts_with('1') && !phone.contains('-') && digits != 11 && digits > 5 {
        return Err(invalid(field, "手机号码应为 11 位"));
    }
    Ok(phone.to_owned())
}

/// A QQ group number: 5 to 11 digits, not starting with 0.
pub fn check_qq_group(field: &str, group: &str) -> Result<String, SupportError> {
    let group = group.trim();
    if !(5..=11).contains(&group.len()) || !group.chars().all(|c| c.is_ascii_digit()) || group.starts_with('0') {
        return Err(invalid(field, "QQ 群号应为 5 至 11 位数字"));
    }
    Ok(group.to_owned())
}

fn optional_text(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>, SupportError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.chars().count() > max => Err(invalid(field, format!("不能超过 {max} 个字"))),
        Some(t) => Ok(Some(t.to_owned())),
    }
}

/// What an office sends for its entry, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawEntry<'a> {
    pub phone: Option<&'a str>,
    pub hours: Option<&'a str>,
    pub contacts: Vec<(&'a str, &'a str)>,
    pub qq_groups: Vec<&'a str>,
    pub note: Option<&'a str>,
}

/// Checks an entry field by field; the first fault names its field.
pub fn parse(raw: &RawEntry<'_>) -> Result<SupportEntry, SupportError> {
    let phone = match raw.phone.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(check_phone("phone", p)?),
        None => None,
    };
    if raw.contacts.len() > MAX_CONTACTS {
        return Err(invalid("contacts", format!("联系人最多 {MAX_CONTACTS} 位")));
    }
    let mut contacts = Vec::with_capacity(raw.contacts.len());
    for (i, (name, phone)) in raw.contacts.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid(format!("contacts[{i}].name"), "请填写联系人姓名"));
        }
        if name.chars().count() > MAX_NAME {
            return Err(invalid(format!("contacts[{i}].name"), format!("姓名不能超过 {MAX_NAME} 个字")));
        }
        let phone = check_phone(&format!("contacts[{i}].phone"), phone)?;
        contacts.push(Contact { name: name.to_owned(), phone });
    }
    if raw.qq_groups.len() > MAX_QQ_GROUPS {
        return Err(invalid("qq_groups", format!("QQ 群最多 {MAX_QQ_GROUPS} 个")));
    }
    let mut qq_groups = Vec::with_capacity(raw.qq_groups.len());
    for (i, g) in raw.qq_groups.iter().enumerate() {
        let g = check_qq_group(&format!("qq_groups[{i}]"), g)?;
        if qq_groups.contains(&g) {
            return Err(invalid(format!("qq_groups[{i}]"), "QQ 群号重复"));
        }
        qq_groups.push(g);
    }
    Ok(SupportEntry {
        phone,
        hours: optional_text("hours", raw.hours, MAX_HOURS)?,
        contacts,
        qq_groups,
        note: optional_text("note", raw.note, MAX_NOTE)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in ["0871-63575660", "087163575660", "15287105524", "0871-63575660-8012", "12320", "400-6123456"] {
            assert_eq!(check_phone("p", ok).as_deref(), Ok(ok), "{ok}");
        }
        assert_eq!(check_phone("p", " 13698775159 ").as_deref(), Ok("13698775159"));
        for bad in ["", "abc", "0871--635", "-0871635756", "1528710552", "152871055245", "1234", "0871 63575660"] {
            let e = check_phone("contacts[0].phone", bad).unwrap_err();
            assert_eq!(e.field, "contacts[0].phone", "{bad}");
        }
    }

    #[test]
    fn qq_groups() {
        assert!(check_qq_group("g", "158413552").is_ok());
        assert!(check_qq_group("g", "12345").is_ok());
        for bad in ["1234", "012345", "123456789012", "15841a552"] {
            assert!(check_qq_group("g", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entries_name_the_failing_field() {
        let raw = RawEntry {
            phone: Some("0871-63575660"),
            hours: Some(" 工作日 9:00–17:30 "),
            contacts: vec![("李耿", "15287105524"), ("刘永贵", "13887683197")],
            qq_groups: vec!["158413552"],
            note: Some(""),
        };
        let e = parse(&raw).unwrap();
        assert_eq!(e.hours.as_deref(), Some("工作日 9:00–17:30"));
        assert_eq!(e.note, None);
        assert_eq!(e.contacts[1], Contact { name: "刘永贵".into(), phone: "13887683197".into() });

        let bad = RawEntry { contacts: vec![("李耿", "15287105524"), (" ", "13887683197")], ..raw.clone() };
        assert_eq!(parse(&bad).unwrap_err().field, "contacts[1].name");
        let bad = RawEntry { qq_groups: vec!["158413552", "158413552"], ..raw.clone() };
        assert_eq!(parse(&bad).unwrap_err().field, "qq_groups[1]");
        let long = "很".repeat(MAX_NOTE + 1);
        let bad = RawEntry { note: Some(&long), ..raw.clone() };
        assert_eq!(parse(&bad).unwrap_err().field, "note");
        let many = vec![("某", "12320"); MAX_CONTACTS + 1];
        let bad = RawEntry { contacts: many, ..raw };
        assert_eq!(parse(&bad).unwrap_err().field, "contacts");
    }
}
