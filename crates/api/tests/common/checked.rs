//! The test suites' HTTP client: reqwest's, except that every problem+json
//! answer any test provokes is read before the test sees it, and the test
//! fails if a person would read something without Chinese in it (the
//! `title`, the `detail` or a field's `message`). So every error the API test
//! suites provoke is checked, not a chosen sample.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many problem documents this test binary has checked.
pub static CHECKED: AtomicUsize = AtomicUsize::new(0);

/// Whether `text` holds a Chinese character.
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// What in a problem document is not Chinese (empty when all is).
pub fn english_in(problem: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["title", "detail"] {
        let text = problem[key].as_str().unwrap_or_default();
        if !has_chinese(text) {
            out.push(format!("{key}: {text:?}"));
        }
    }
    for e in problem["errors"].as_array().into_iter().flatten() {
        let text = e["message"].as_str().unwrap_or_default();
        if !has_chinese(text) {
            out.push(format!("errors[{}]: {text:?}", e["field"]));
        }
    }
    out
}

#[derive(Clone, Default)]
pub struct Client(reqwest::Client);

impl Client {
    pub fn new() -> Self {
        Client(reqwest::Client::new())
    }

    pub fn get(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.request(reqwest::Method::GET, url)
    }

    pub fn post(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.request(reqwest::Method::POST, url)
    }

    pub fn put(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.request(reqwest::Method::PUT, url)
    }

    pub fn patch(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.request(reqwest::Method::PATCH, url)
    }

    pub fn delete(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.request(reqwest::Method::DELETE, url)
    }

    pub fn head(&self, url: impl reqwest::IntoUrl) -> RequestBuilder {
        self.request(reqwest::Method::HEAD, url)
    }

    pub fn request(&self, method: reqwest::Method, url: impl reqwest::IntoUrl) -> RequestBuilder {
        let label = format!("{method} {}", url.as_str());
        RequestBuilder { inner: self.0.request(method, url), label }
    }
}

/// reqwest's builder, whose `send` checks a problem answer's wording.
pub struct RequestBuilder {
    inner: reqwest::RequestBuilder,
    label: String,
}

impl RequestBuilder {
    fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        RequestBuilder { inner: f(self.inner), label: self.label }
    }

    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        reqwest::header::HeaderName: TryFrom<K>,
        <reqwest::header::HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        reqwest::header::HeaderValue: TryFrom<V>,
        <reqwest::header::HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|b| b.header(key, value))
    }

    pub fn headers(self, headers: reqwest::header::HeaderMap) -> Self {
        self.map(|b| b.headers(headers))
    }

    pub fn bearer_auth(self, token: impl std::fmt::Display) -> Self {
        self.map(|b| b.bearer_auth(token))
    }

    pub fn basic_auth(self, user: impl std::fmt::Display, password: Option<impl std::fmt::Display>) -> Self {
        self.map(|b| b.basic_auth(user, password))
    }

    pub fn json<T: serde::Serialize + ?Sized>(self, json: &T) -> Self {
        self.map(|b| b.json(json))
    }

    pub fn form<T: serde::Serialize + ?Sized>(self, form: &T) -> Self {
        self.map(|b| b.form(form))
    }

    pub fn query<T: serde::Serialize + ?Sized>(self, query: &T) -> Self {
        self.map(|b| b.query(query))
    }

    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.map(|b| b.body(body))
    }

    pub fn multipart(self, form: reqwest::multipart::Form) -> Self {
        self.map(|b| b.multipart(form))
    }

    pub fn timeout(self, timeout: std::time::Duration) -> Self {
        self.map(|b| b.timeout(timeout))
    }

    /// Sends; a problem+json answer must speak Chinese (else the test fails,
    /// naming the request and the words), and is handed on unchanged.
    pub async fn send(self) -> reqwest::Result<reqwest::Response> {
        let res = self.inner.send().await?;
        let problem = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/problem+json"));
        if !problem {
            return Ok(res);
        }
        let status = res.status();
        let version = res.version();
        let headers = res.headers().clone();
        let bytes = res.bytes().await?;
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let english = english_in(&doc);
        assert!(
            english.is_empty(),
            "{} answered {status} with words a person cannot read: {english:?}\n{doc}",
            self.label
        );
        CHECKED.fetch_add(1, Ordering::Relaxed);
        let mut rebuilt = http::Response::new(bytes);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }
}
