//! `ValidJson<T>`: a JSON body whose every failure names the field.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt as _;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError};
use crate::wording;

/// The largest JSON body accepted.
const MAX_BODY: usize = 1 << 20;

/// A deserialised and validated JSON body.
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType("请求须为 application/json".to_owned()).into());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::Malformed {
                    detail: wording::payload_message(&e.to_string()).to_owned(),
                    errors: Vec::new(),
                })?;
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(ApiError::PayloadTooLarge(format!("请求不能超过 {} KB", MAX_BODY / 1024)).into());
                }
                body.extend_from_slice(&chunk);
            }
            let value: T = parse(&body)?;
            value.validate().map_err(|e| validation_problem(&e))?;
            Ok(ValidJson(value))
        })
    }
}

/// Deserialises with the path of the failing field.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // serde reports a missing field at its parent; name the field itself.
        let field = match message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            Some(missing) if path == "." => missing.to_owned(),
            Some(missing) => format!("{path}.{missing}"),
            None if path == "." => "body".to_owned(),
            None => path,
        };
        let message = wording::serde_message(&message).into_owned();
        let error = FieldError { field, message };
        let detail = format!("{}: {}", error.field, error.message);
        if inner.is_syntax() || inner.is_eof() {
            ApiError::Malformed { detail, errors: vec![error] }
        } else {
            ApiError::Invalid { detail, errors: vec![error] }
        }
    })
}

/// Deserialises one element of a larger request (a batch row) with the
/// path of the failing field under `prefix`, e.g. `rows[3].gender`.
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value, prefix: &str) -> Result<T, Vec<FieldError>> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = match message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            Some(missing) if path == "." => format!("{prefix}.{missing}"),
            Some(missing) => format!("{prefix}.{path}.{missing}"),
            None if path == "." => prefix.to_owned(),
            None => format!("{prefix}.{path}"),
        };
        vec![FieldError { field, message: wording::serde_message(&message).into_owned() }]
    })
}

/// Validator's errors as fields under `prefix` (empty for none).
pub fn field_errors(errors: &ValidationErrors, prefix: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    flatten(errors, prefix, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

/// Flattens validator's nested errors into `a.b[2].c` paths.
pub fn validation_problem(errors: &ValidationErrors) -> ApiError {
    let mut out = Vec::new();
    flatten(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    let detail = out.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
    ApiError::Invalid { detail, errors: out }
}

fn flatten(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = wording::validator_message(e);
                    out.push(FieldError { field: path.clone(), message });
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}
