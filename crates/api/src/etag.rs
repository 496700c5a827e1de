//! Entity tags of people and the `If-Match` precondition (RFC 9110 §13.1.1).
//!
//! A person's tag is `"<id>.<row_version>"`: strong, bumped by every change,
//! and never valid for another person. Edits require `If-Match` (428
//! without it); a tag that is not current is 412.

use actix_web::HttpRequest;
use actix_web::http::header::{ETAG, IF_MATCH};
use cme_domain::ids::PersonId;

use crate::error::ApiError;

/// The `ETag` of a person at a row version.
pub fn person_etag(person: PersonId, version: i32) -> String {
    format!("\"{}.{version}\"", person.0.simple())
}

/// The header pair to add to a response.
pub fn header(person: PersonId, version: i32) -> (actix_web::http::header::HeaderName, String) {
    (ETAG, person_etag(person, version))
}

/// Checks `If-Match` against the person's current version and returns the
/// version to guard the write with. Without the header: 428 when
/// `required`, else the current version. `*` matches any current version.
/// Weak tags never match (strong comparison).
pub fn check_if_match(req: &HttpRequest, person: PersonId, current: i32, required: bool) -> Result<i32, ApiError> {
    if_match(req, &person_etag(person, current), required).map(|()| current)
}

/// Checks `If-Match` against the current tag `want` of any resource: 428
/// without the header when `required`, 412 when no listed tag (nor `*`)
/// matches.
pub fn if_match(req: &HttpRequest, want: &str, required: bool) -> Result<(), ApiError> {
    let values: Vec<&str> = req.headers().get_all(IF_MATCH).filter_map(|v| v.to_str().ok()).collect();
    if values.is_empty() {
        return if required { Err(ApiError::PreconditionRequired) } else { Ok(()) };
    }
    let matches = values.iter().flat_map(|v| v.split(',')).map(str::trim).any(|tag| tag == "*" || tag == want);
    if matches { Ok(()) } else { Err(ApiError::PreconditionFailed) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use uuid::Uuid;

    #[test]
    fn if_match_is_required_strong_and_per_person() {
        let p = PersonId(Uuid::nil());
        let other = PersonId(Uuid::max());
        let plain = TestRequest::default().to_http_request();
        assert!(matches!(check_if_match(&plain, p, 3, true), Err(ApiError::PreconditionRequired)));
        assert!(matches!(check_if_match(&plain, p, 3, false), Ok(3)));
        let with = |tag: String| TestRequest::default().insert_header((IF_MATCH, tag)).to_http_request();
        assert!(matches!(check_if_match(&with(person_etag(p, 3)), p, 3, true), Ok(3)));
        assert!(matches!(check_if_match(&with(person_etag(p, 2)), p, 3, true), Err(ApiError::PreconditionFailed)));
        assert!(matches!(check_if_match(&with(person_etag(other, 3)), p, 3, true), Err(ApiError::PreconditionFailed)));
        assert!(check_if_match(&with(format!("W/{}", person_etag(p, 3))), p, 3, true).is_err());
        assert!(matches!(check_if_match(&with(format!("\"x\", {}", person_etag(p, 3))), p, 3, true), Ok(3)));
        assert!(matches!(check_if_match(&with("*".into()), p, 7, true), Ok(7)));
    }
}
