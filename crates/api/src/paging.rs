//! Query parameters every list shares: the keyset page ([`Paging`], one extractor) and
//! enum filters.

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

/// The keyset page a list is asked for, read from its query string by one
/// extractor: `after` (the previous page's `next_cursor`, a `C`) and
/// `limit` (1–200, default 50); a bad one is 422 naming the field. The
/// list's query type documents both for OpenAPI (and rejects a `limit` that
/// is not a number, 400, before this runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging<C = Uuid> {
    pub after: Option<C>,
    pub limit: u64,
}

impl<C: std::str::FromStr> Paging<C> {
    /// Reads and checks `after` and `limit` of a query string.
    pub fn from_query(query: &str) -> Result<Self, ApiError> {
        #[derive(serde::Deserialize)]
        struct Raw {
            after: Option<String>,
            limit: Option<String>,
        }
        let raw = actix_web::web::Query::<Raw>::from_query(query)
            .map(actix_web::web::Query::into_inner)
            .unwrap_or(Raw { after: None, limit: None });
        let after = raw
            .after
            .filter(|a| !a.is_empty())
            .map(|a| a.parse::<C>().map_err(|_| ApiError::field("after", "无效的游标")))
            .transpose()?;
        let limit = match raw.limit.filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(l) => l.parse::<u64>().map_err(|_| ApiError::field("limit", "每页 1–200 条"))?,
        };
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::field("limit", "每页 1–200 条"));
        }
        Ok(Paging { after, limit })
    }
}

impl<C: std::str::FromStr + 'static> actix_web::FromRequest for Paging<C> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Self::from_query(req.query_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_checked_once() {
        let p = Paging::<Uuid>::from_query("name=x&limit=20").ok();
        assert_eq!(p, Some(Paging { after: None, limit: 20 }));
        let id = Uuid::new_v4();
        assert_eq!(
            Paging::<Uuid>::from_query(&format!("after={id}")).ok(),
            Some(Paging { after: Some(id), limit: 50 })
        );
        assert_eq!(Paging::<i64>::from_query("after=42&limit=200").ok(), Some(Paging { after: Some(42), limit: 200 }));
        for bad in ["limit=0", "limit=201", "after=nope", "limit=x"] {
            assert!(Paging::<Uuid>::from_query(bad).is_err(), "{bad}");
        }
        assert!(Paging::<Uuid>::from_query("after=&limit=").is_ok(), "empty means not given");
    }
}
