//! Answers that carry a secret (tokens, a one-time password, an API
//! client's secret, a revealed ID number, a sign-in code, a captcha) are
//! kept by no cache: a handler returns [`NoStore`] around its answer, the one
//! place that says so. The idempotency middleware keeps no copy of such an
//! answer either.

use actix_web::http::header::{CACHE_CONTROL, HeaderValue, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, Responder};

/// An answer with `Cache-Control: no-store` (and, for HTTP/1.0 caches and
/// as RFC 6749 §5.1 asks of token answers, `Pragma: no-cache`).
pub struct NoStore<R>(pub R);

impl<R: Responder> Responder for NoStore<R> {
    type Body = R::Body;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse<Self::Body> {
        let mut res = self.0.respond_to(req);
        let headers = res.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        res.extensions_mut().insert(Secret);
        res
    }
}

/// The mark a [`NoStore`] answer carries for the middleware.
#[derive(Debug, Clone, Copy)]
struct Secret;

/// Whether an answer came from [`NoStore`].
pub fn is_secret<B>(res: &HttpResponse<B>) -> bool {
    res.extensions().get::<Secret>().is_some()
}
