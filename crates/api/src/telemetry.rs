//! The logs: [`subscriber`] builds the one pipeline of the binary and of the
//! tests, and [`RedactingRootSpan`] the request log's one span per request
//! (tracing-actix-web), so that no secret and no ID number reaches either.
//!
//! The routes take ID numbers in bodies only, and bodies are never logged;
//! what follows are the walls behind that, for what a client puts in a URL
//! anyway. The request span has the fields of tracing-actix-web's default
//! (OpenTelemetry's names) but its `http.target` is redacted: the values of
//! secret query parameters (`id_number`, `token`, `password`, `secret`,
//! `code`, ...), path segments that are secret route parameters
//! (`/public/certificates/{token}`) or secret SPA paths (`/v/{token}`), and
//! anything that looks like an ID number. No request header but the user
//! agent is recorded, so never `Authorization`. Error texts recorded at the
//! end are redacted the same way. Dependencies that echo a request's path
//! at DEBUG are held at INFO, and every line written passes through
//! [`redact_line`] last.

use std::borrow::Cow;
use std::io;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, Version};
use actix_web::{Error, HttpMessage as _, ResponseError};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;

/// What a redacted value is logged as.
pub const REDACTED: &str = "[redacted]";

/// Query parameters and route parameters whose values are secret, by a part
/// of their (lower-case) name.
const SECRET_NAMES: &[&str] = &[
    "id_number",
    "idnumber",
    "id_card",
    "idcard",
    "token",
    "ticket",
    "password",
    "passwd",
    "secret",
    "code",
    "captcha",
    "key",
];

/// Paths of the SPA whose rest is a secret: the certificate QR code's
/// `/v/{token}`. (API routes are found by their route parameters' names.)
const SECRET_PATH_PREFIXES: &[&str] = &["/v/"];

/// Digits that make a value look like an ID number (15 for the old
/// first-generation numbers, 18 for today's).
const ID_LIKE_DIGITS: usize = 15;

/// Dependencies that log a request's raw path at DEBUG (actix's extractors
/// on a failure, actix-files on a miss): never below INFO, whatever the
/// filter says.
const PATH_ECHOING_TARGETS: &[&str] = &["actix_web::types", "actix_files"];

/// The log pipeline: `filter` (`RUST_LOG`'s syntax), one line per event and
/// per request span's close, as text or JSON, into `writer` through
/// [`redact_line`].
pub fn subscriber<W>(filter: EnvFilter, json: bool, ansi: bool, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    // As permissive as `filter` elsewhere, so that the stack's level hint
    // (the most verbose of its filters) stays the filter's own.
    let most = filter.max_level_hint().unwrap_or(LevelFilter::TRACE);
    let quiet = Targets::new()
        .with_default(most)
        .with_targets(PATH_ECHOING_TARGETS.iter().map(|t| (*t, most.min(LevelFilter::INFO))));
    let fmt = tracing_subscriber::fmt::layer()
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(ansi && !json)
        .with_writer(Redacting(writer));
    let registry = tracing_subscriber::registry().with(filter).with(quiet);
    if json { Box::new(registry.with(fmt.json())) } else { Box::new(registry.with(fmt)) }
}

/// A [`MakeWriter`] whose writers pass each line through [`redact_line`].
struct Redacting<M>(M);

impl<'w, M: MakeWriter<'w>> MakeWriter<'w> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'w self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }

    fn make_writer_for(&'w self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        RedactingWriter(self.0.make_writer_for(meta))
    }
}

/// Takes one formatted event (or span close) per `write`, as the fmt layer
/// writes them.
struct RedactingWriter<W>(W);

impl<W: io::Write> io::Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact_line(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// The root span builder of the app's `TracingLogger`.
pub struct RedactingRootSpan;

impl RootSpanBuilder for RedactingRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let pattern = request.match_pattern();
        let route = pattern.as_deref().unwrap_or("default");
        let target = redact_target(request.path(), request.query_string(), pattern.as_deref());
        let method = request.method().as_str();
        let user_agent = request.headers().get("user-agent").and_then(|h| h.to_str().ok()).unwrap_or("");
        let request_id = request.extensions().get::<RequestId>().copied();
        let info = request.connection_info();
        tracing::info_span!(
            "HTTP request",
            http.method = %method,
            http.route = %route,
            http.flavor = %flavor(request.version()),
            http.scheme = %info.scheme(),
            http.host = %info.host(),
            // Forwarded headers believed only from CME_TRUSTED_PROXIES.
            http.client_ip = %crate::auth::client_ip(request.request()),
            http.user_agent = %redact_text(user_agent),
            http.target = %target,
            http.status_code = Empty,
            otel.name = %format!("{method} {route}"),
            otel.kind = "server",
            otel.status_code = Empty,
            request_id = %request_id.map(|r| r.to_string()).unwrap_or_default(),
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        match outcome {
            Ok(response) => match response.response().error() {
                Some(error) => record_error(&span, response.status(), error.as_response_error()),
                None => {
                    span.record("http.status_code", i64::from(response.status().as_u16()));
                    span.record("otel.status_code", "OK");
                }
            },
            Err(error) => {
                let error = error.as_response_error();
                record_error(&span, error.status_code(), error);
            }
        }
    }
}

fn record_error(span: &Span, status: StatusCode, error: &dyn ResponseError) {
    span.record("exception.message", tracing::field::display(redact_text(&error.to_string())));
    span.record("exception.details", tracing::field::display(redact_text(&format!("{error:?}"))));
    span.record("http.status_code", i64::from(status.as_u16()));
    span.record("otel.status_code", if status.is_client_error() { "OK" } else { "ERROR" });
}

fn flavor(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "0.9",
        Version::HTTP_10 => "1.0",
        Version::HTTP_11 => "1.1",
        Version::HTTP_2 => "2.0",
        Version::HTTP_3 => "3.0",
        _ => "unknown",
    }
}

fn secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('-', "_");
    SECRET_NAMES.iter().any(|s| name.contains(s))
}

/// The request's path and query as the log may show them.
pub fn redact_target(path: &str, query: &str, pattern: Option<&str>) -> String {
    let mut out = redact_path(path, pattern);
    if !query.is_empty() {
        out.push('?');
        out.push_str(&redact_query(query));
    }
    out
}

fn redact_path(path: &str, pattern: Option<&str>) -> String {
    if let Some(prefix) = SECRET_PATH_PREFIXES.iter().find(|p| path.starts_with(*p) && path.len() > p.len()) {
        return format!("{prefix}{REDACTED}");
    }
    let pattern: Vec<&str> = pattern.map(|p| p.split('/').collect()).unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    let aligned = pattern.len() == segments.len();
    segments
        .iter()
        .enumerate()
        .map(|(i, segment)| {
            let secret_param = aligned
                && pattern[i]
                    .strip_prefix('{')
                    .and_then(|p| p.strip_suffix('}'))
                    .is_some_and(|p| secret_name(p.split(':').next().unwrap_or(p)));
            if secret_param || looks_like_id_number(&percent_decoded(segment)) { REDACTED } else { segment }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn percent_decoded(segment: &str) -> Cow<'_, str> {
    match form_urlencoded::parse(format!("k={segment}").as_bytes()).next() {
        Some((_, v)) => Cow::Owned(v.into_owned()),
        None => Cow::Borrowed(segment),
    }
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let (raw_key, _) = pair.split_once('=').unwrap_or((pair, ""));
            let Some((key, value)) = form_urlencoded::parse(pair.as_bytes()).next() else {
                return pair.to_owned();
            };
            if looks_like_id_number(&key) {
                REDACTED.to_owned()
            } else if secret_name(&key) || looks_like_id_number(&value) {
                format!("{raw_key}={REDACTED}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether a text holds what looks like an ID number: at least 15 digits in
/// a row, or with single spaces between them (a `+` in a query). Dashes
/// break a run: a certificate number (`2021-530000-000123`) is no secret.
pub fn looks_like_id_number(text: &str) -> bool {
    id_like_spans(text).next().is_some()
}

/// The byte ranges of the ID-number-like runs of a text.
fn id_like_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            let mut digits = 0;
            let mut end = i;
            while i < bytes.len() {
                if bytes[i].is_ascii_digit() {
                    digits += 1;
                    i += 1;
                    end = i;
                } else if bytes[i] == b' ' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                } else {
                    break;
                }
            }
            if digits >= ID_LIKE_DIGITS {
                // The check character of an 18-character number.
                if matches!(bytes.get(end), Some(b'X' | b'x')) {
                    end += 1;
                    i = end;
                }
                return Some((start, end));
            }
        }
        None
    })
}

/// A text with every ID-number-like run replaced by [`REDACTED`].
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let mut spans = id_like_spans(text).peekable();
    if spans.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&text[last..start]);
        out.push_str(REDACTED);
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// A log line with every ID-number-like run replaced: by `[redacted]` inside
/// a quoted string, by `"[redacted]"` outside one, so that a JSON line
/// stays JSON.
pub fn redact_line(line: &str) -> Cow<'_, str> {
    let mut spans = id_like_spans(line).peekable();
    if spans.peek().is_none() {
        return Cow::Borrowed(line);
    }
    let bytes = line.as_bytes();
    let (mut out, mut last, mut quoted, mut escaped) = (String::with_capacity(line.len()), 0, false, false);
    for (start, end) in spans {
        for &b in &bytes[last..start] {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => quoted = !quoted,
                _ => {}
            }
        }
        out.push_str(&line[last..start]);
        out.push_str(if quoted { REDACTED } else { "\"[redacted]\"" });
        last = end;
    }
    out.push_str(&line[last..]);
    Cow::Owned(out)
}

/// The header that carries a request's id on every answer.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The largest problem document that gets its request id written in (they
/// are a few hundred bytes; a validation problem of a 2,000-row import more).
const PROBLEM_BODY_LIMIT: usize = 256 * 1024;

/// Puts the request's id (the one of its log lines, `request_id`) on the
/// answer as `X-Request-Id`, and into a problem+json body as `request_id`,
/// so that a user's screenshot or a balancer's log leads to the log lines.
///
/// The id is always generated here (tracing-actix-web's [`RequestId`], a
/// UUID): an incoming `X-Request-Id` is not taken, since a client could
/// choose it and make its requests' lines look like another's. A balancer
/// logs the answer's header instead (HAProxy: `http-response capture`).
///
/// Runs inside [`tracing_actix_web::TracingLogger`], which makes the id.
pub async fn request_id(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, Error> {
    let id = req.extensions().get::<RequestId>().map(ToString::to_string);
    // (The request cannot be kept to answer an inner error here: a clone
    // taken before routing breaks it. Every layer inside answers its errors.)
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(id) = id else { return Ok(res) };
    let mut res = with_problem_request_id(res, &id).await;
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&id) {
        res.headers_mut().insert(actix_web::http::header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(res)
}

/// A problem+json answer with `request_id` added to its body; any other
/// answer as it was.
async fn with_problem_request_id(
    res: ServiceResponse<actix_web::body::BoxBody>,
    id: &str,
) -> ServiceResponse<actix_web::body::BoxBody> {
    let problem = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    // Only a body held in memory, of a known and bounded size (a stream is left alone).
    let small =
        matches!(res.response().body().size(), actix_web::body::BodySize::Sized(n) if n <= PROBLEM_BODY_LIMIT as u64);
    if !problem || !small {
        return res;
    }
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let bytes = match actix_web::body::to_bytes_limited(body, PROBLEM_BODY_LIMIT).await {
        Ok(Ok(bytes)) => bytes,
        // An in-memory body does not fail; were it to, the answer stays a problem without a body.
        _ => {
            tracing::warn!("problem body unreadable");
            return ServiceResponse::new(req, res.set_body(actix_web::body::BoxBody::new(())));
        }
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut o)) => {
            o.insert("request_id".to_owned(), serde_json::Value::String(id.to_owned()));
            serde_json::to_vec(&o).map_or(bytes, actix_web::web::Bytes::from)
        }
        _ => bytes,
    };
    let mut res = res.set_body(actix_web::body::BoxBody::new(body));
    // The length changed; actix sets it again from the body.
    res.headers_mut().remove(actix_web::http::header::CONTENT_LENGTH);
    ServiceResponse::new(req, res)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "11010519491231002X";

    #[test]
    fn secret_query_values_are_redacted() {
        let t = redact_target("/api/v1/certificates", &format!("year=2021&id_number={ID}&limit=50"), None);
        assert_eq!(t, "/api/v1/certificates?year=2021&id_number=[redacted]&limit=50");
        for name in
            ["token", "access_token", "ticket", "password", "client_secret", "code", "captcha_answer", "ID-Number"]
        {
            let t = redact_target("/x", &format!("{name}=abc&a=1"), None);
            assert_eq!(t, format!("/x?{name}=[redacted]&a=1"), "{name}");
        }
        // Not secret: kept as sent.
        let t = redact_target("/x", "name=%E5%BC%A0&after=0196f0e2-7c1d-7a53-9a3e-123456789012", None);
        assert_eq!(t, "/x?name=%E5%BC%A0&after=0196f0e2-7c1d-7a53-9a3e-123456789012");
    }

    #[test]
    fn anything_like_an_id_number_is_redacted_under_any_name_or_encoding() {
        for query in [
            format!("q={ID}"),
            "q=110105194912310".to_owned(),
            "q=110105+19491231+002X".to_owned(),
            "q=%31%31%30%31%30%35%31%39%34%39%31%32%33%31%30%30%32%58".to_owned(),
        ] {
            let t = redact_target("/x", &query, None);
            assert_eq!(t, "/x?q=[redacted]", "{query}");
        }
        assert_eq!(redact_target("/x", &format!("{ID}=1"), None), "/x?[redacted]");
        // A short number, a date or a certificate number is not an ID number.
        let q = "year=2021&d=2021-05-01&number=2021-530000-000123";
        assert_eq!(redact_target("/x", q, None), format!("/x?{q}"));
    }

    #[test]
    fn secret_paths_are_redacted() {
        let token = "01HZY3C7Q8R9S0T1V2W3X4Y5Z6";
        assert_eq!(redact_target(&format!("/v/{token}"), "", None), "/v/[redacted]");
        let p = redact_target(
            &format!("/api/v1/public/certificates/{token}"),
            "",
            Some("/api/v1/public/certificates/{token}"),
        );
        assert_eq!(p, "/api/v1/public/certificates/[redacted]");
        // An id is not a secret.
        let id = "0196f0e2-7c1d-7a53-9a3e-123456789012";
        let p = redact_target(&format!("/api/v1/people/{id}"), "", Some("/api/v1/people/{id}"));
        assert_eq!(p, format!("/api/v1/people/{id}"));
        // An ID number where an id belongs.
        let p =
            redact_target(&format!("/api/v1/people/{ID}/certificates"), "", Some("/api/v1/people/{id}/certificates"));
        assert_eq!(p, "/api/v1/people/[redacted]/certificates");
        assert_eq!(redact_target("/v/", "", None), "/v/");
    }

    #[test]
    fn the_pipeline_is_no_more_verbose_than_its_filter() {
        for (directives, hint) in
            [("info,sqlx=warn", LevelFilter::INFO), ("warn", LevelFilter::WARN), ("trace", LevelFilter::TRACE)]
        {
            let s = subscriber(EnvFilter::new(directives), false, false, std::io::sink);
            assert_eq!(s.max_level_hint(), Some(hint), "{directives}");
        }
    }

    #[test]
    fn log_lines_stay_json() {
        let line = format!("{{\"n\":{ID},\"m\":\"path \\\"/x/{ID}\\\"\"}}");
        assert_eq!(redact_line(&line), "{\"n\":\"[redacted]\",\"m\":\"path \\\"/x/[redacted]\\\"\"}");
        let text = format!("Request path: \"/api/v1/people/{ID}\" n={ID}");
        assert_eq!(redact_line(&text), "Request path: \"/api/v1/people/[redacted]\" n=\"[redacted]\"");
    }

    #[test]
    fn texts_keep_all_but_the_number() {
        assert_eq!(redact_text(&format!("can not parse \"{ID}\" to a i32")), "can not parse \"[redacted]\" to a i32");
        assert_eq!(redact_text("year 2021, 12 rows"), "year 2021, 12 rows");
        assert_eq!(redact_text(&format!("{ID} {ID}")), "[redacted] [redacted]");
        assert_eq!(redact_text(&format!("{ID},{ID}")), "[redacted],[redacted]");
    }
}
