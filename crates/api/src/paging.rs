//! Query parameters every list shares: the keyset page and enum filters.

use uuid::Uuid;

use crate::error::ApiError;

/// The page size when none is asked for.
pub const DEFAULT_LIMIT: u64 = 50;
/// The largest page.
pub const MAX_LIMIT: u64 = 200;

/// Parses an optional enum filter, naming the field when it is unknown.
pub fn filter<T: std::str::FromStr>(field: &str, value: Option<&str>) -> Result<Option<T>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<T>().map_err(|_| ApiError::field(field, format!("未知的取值: {v}"))))
        .transpose()
}

/// The keyset cursor (the last id of the previous page) and the page size.
pub fn page(after: Option<&str>, limit: Option<u64>) -> Result<(Option<Uuid>, u64), ApiError> {
    let after = after
        .filter(|a| !a.is_empty())
        .map(|a| Uuid::parse_str(a).map_err(|_| ApiError::field("after", "无效的游标")))
        .transpose()?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field("limit", "每页 1–200 条"));
    }
    Ok((after, limit))
}
