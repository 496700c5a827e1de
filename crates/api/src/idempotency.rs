//! `Idempotency-Key` for every POST under `/api/v1` but the credential
//! exchanges (one middleware).
//!
//! A key belongs to the authenticated caller (the bearer token's subject,
//! decoded as the auth module does); the request's fingerprint is a keyed
//! hash of method, path, query and body. The first request with a key runs
//! and its answer is kept for 24 hours; a retry with the same request gets
//! that answer again with `Idempotency-Replayed: true`; the same key with
//! another request is 422 `idempotency_key_reused`; a retry while the first
//! still runs is 409 `idempotency_in_progress`. Answers of 5xx and 429 are
//! not kept (a retry runs afresh).
//!
//! Nothing secret is stored: not the request (only its keyed hash), and not
//! an answer that holds a token, a password, a client secret or a full ID
//! number, or that its handler marked `NoStore`. Such an answer is withheld: a retry is 409
//! `idempotency_replay_withheld` instead of running twice. Requests without
//! a valid token (sign-in) pass through untouched.

use std::sync::atomic::{AtomicI64, Ordering};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage as _, HttpResponse, ResponseError as _, web};
use cme_store::repo::idempotency::{self, Claim, StoredAnswer};
use futures_util::StreamExt as _;

use crate::AppState;
use crate::auth::tokens::{AUD_ACCESS, AUD_CLIENT};
use crate::error::{ApiError, ErrorCode};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// The response header that marks a replay.
pub const REPLAYED: &str = "idempotency-replayed";
/// The largest body a keyed request may have (the import files are 5 MiB).
const MAX_BODY: usize = 8 << 20;
/// Expired keys are swept at most this often (seconds), by the next request.
const PRUNE_EVERY_SECS: i64 = 600;
static LAST_PRUNE: AtomicI64 = AtomicI64::new(0);

/// The exchanges of credentials (sign-in, token refresh and sign-out, an
/// outside system's token): they authenticate by their body, not as a
/// signed-in caller, and take no `Idempotency-Key`.
const CREDENTIAL_EXCHANGES: &[&str] = &[
    "/api/v1/auth/login",
    "/api/v1/auth/trainee/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/token",
];

/// Whether a POST to `path` honours `Idempotency-Key` (for a signed-in
/// caller): every one under `/api/v1` but the credential exchanges. The
/// OpenAPI document declares the header from this too.
pub fn honours_key(path: &str) -> bool {
    path.starts_with("/api/v1/") && !CREDENTIAL_EXCHANGES.contains(&path)
}

/// Paths whose answers carry secrets (tokens, one-time passwords, client
/// secrets, a full ID number): their answers are never kept.
fn secret_bearing(path: &str) -> bool {
    path.starts_with("/api/v1/auth/")
        || path.starts_with("/api/v1/accounts")
        || path.starts_with("/api/v1/api-clients")
        || path.ends_with("/reveal-id-number")
}

/// Whether a text holds something that parses as a full resident ID number.
pub fn holds_id_number(body: &[u8]) -> bool {
    let today = crate::clock::today();
    let n = body.len();
    let mut i = 0;
    while i + 18 <= n {
        let starts = body[i].is_ascii_digit() && (i == 0 || !body[i - 1].is_ascii_digit());
        if starts {
            let digits = body[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            let candidate = match digits {
                17 if matches!(body.get(i + 17), Some(b'X' | b'x')) => Some(&body[i..i + 18]),
                18 => Some(&body[i..i + 18]),
                _ => None,
            };
            if let Some(c) = candidate
                && std::str::from_utf8(c).is_ok_and(|t| cme_domain::IdCardNumber::parse(t, today).is_ok())
            {
                return true;
            }
            i += digits.max(1);
        } else {
            i += 1;
        }
    }
    false
}

/// The caller a key belongs to: `account:<id>` or `client:<id>`, from a
/// valid bearer token; `None` without one.
fn caller_of(req: &ServiceRequest, state: &AppState) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let claims = state.auth.keys.verify(token.trim(), &[AUD_ACCESS, AUD_CLIENT]).ok()?;
    let kind = if claims.aud == AUD_CLIENT { "client" } else { "account" };
    Some(format!("{kind}:{}", claims.sub))
}

fn problem(req: ServiceRequest, e: &ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(e.error_response())
}

/// The middleware (`actix_web::middleware::from_fn(idempotency::middleware)`).
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let keyed = req.method() == Method::POST && honours_key(req.path());
    let key = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(key), Some(state), true) = (key, state, keyed) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(caller) = caller_of(&req, &state) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(problem(req, &ApiError::field("Idempotency-Key", "须为 1–255 个可见 ASCII 字符")));
    }
    // The body, to fingerprint it and hand it on unchanged.
    let body = match read_body(&mut req).await? {
        Ok(body) => body,
        Err(e) => return Ok(problem(req, &e)),
    };
    let fingerprint = state.pii.fingerprint(&[
        req.method().as_str().as_bytes(),
        req.path().as_bytes(),
        req.query_string().as_bytes(),
        &body,
    ]);
    req.set_payload(Payload::from(body));
    prune_now_and_then(&state).await;

    let id = match idempotency::claim(&state.db, &caller, &key, &fingerprint).await {
        Ok(Claim::Fresh(id)) => id,
        Ok(Claim::Replay(answer)) => return Ok(replay(req, answer)),
        Ok(Claim::InProgress) => {
            let e = ApiError::Conflict {
                code: ErrorCode::IdempotencyInProgress,
                detail: "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试".to_owned(),
            };
            return Ok(problem(req, &e));
        }
        Ok(Claim::Mismatch) => return Ok(problem(req, &ApiError::IdempotencyKeyReused)),
        Err(e) => return Ok(problem(req, &ApiError::from(e))),
    };
    let withheld_path = secret_bearing(req.path());
    let res = match leased(&state, id, next.call(req)).await {
        Ok(res) => res,
        Err(e) => {
            release(&state, id).await;
            return Err(e);
        }
    };
    Ok(keep(&state, id, res, withheld_path).await)
}

/// The request's body, at most [`MAX_BODY`] bytes (a larger one is 413).
async fn read_body(req: &mut ServiceRequest) -> Result<Result<web::Bytes, ApiError>, actix_web::Error> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > MAX_BODY {
            return Ok(Err(ApiError::PayloadTooLarge(format!("请求不能超过 {} MB", MAX_BODY >> 20))));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(body.freeze()))
}

/// Runs the request (`call`) under claim `id`. The claim is leased: renewed
/// while the request runs, it lapses within seconds if this process dies,
/// and a retry then runs afresh.
async fn leased<F: std::future::Future>(state: &AppState, id: uuid::Uuid, call: F) -> F::Output {
    tokio::pin!(call);
    let mut tick = actix_web::rt::time::interval(idempotency::RENEW_EVERY);
    tick.tick().await;
    loop {
        tokio::select! {
            answered = &mut call => break answered,
            _ = tick.tick() => {
                if let Err(e) = idempotency::renew(&state.db, id).await {
                    tracing::warn!(error = %e, "an idempotency claim could not be renewed");
                }
            }
        }
    }
}

/// Keeps the answer under claim `id` for retries (withheld when it may hold
/// a secret) and gives it on; a 5xx or 429 is not kept (the claim is
/// released, and a retry runs afresh).
async fn keep<B: MessageBody + 'static>(
    state: &AppState,
    id: uuid::Uuid,
    res: ServiceResponse<B>,
    withheld_path: bool,
) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        release(state, id).await;
        return res.map_into_boxed_body();
    }
    let withheld_answer = crate::no_store::is_secret(res.response());
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(b) => b,
        Err(_) => {
            release(state, id).await;
            let e = ApiError::Internal("the response body could not be read".into());
            return ServiceResponse::new(req, e.error_response());
        }
    };
    let content_type = head.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let answer = StoredAnswer {
        status: status.as_u16(),
        content_type,
        body: bytes.to_vec(),
        withheld: withheld_path || withheld_answer || holds_id_number(&bytes),
    };
    if let Err(e) = idempotency::complete(&state.db, id, &answer).await {
        // The request did its work: answer it; a retry will find the claim
        // unanswered and, after a while, run again.
        tracing::warn!(error = %e, "an idempotency key could not be completed");
    }
    ServiceResponse::new(req, head.set_body(bytes).map_into_boxed_body())
}

fn replay(req: ServiceRequest, answer: StoredAnswer) -> ServiceResponse<BoxBody> {
    if answer.withheld {
        let e = ApiError::Conflict {
            code: ErrorCode::IdempotencyReplayWithheld,
            detail: "该 Idempotency-Key 的请求已处理；其响应含敏感信息，不予重放".to_owned(),
        };
        return problem(req, &e);
    }
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    if let Some(ct) = answer.content_type.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        res.insert_header((CONTENT_TYPE, ct));
    }
    res.insert_header((HeaderName::from_static(REPLAYED), HeaderValue::from_static("true")));
    req.into_response(res.body(answer.body))
}

async fn release(state: &AppState, id: uuid::Uuid) {
    if let Err(e) = idempotency::release(&state.db, id).await {
        tracing::warn!(error = %e, "an idempotency key could not be released");
    }
}

/// Expired keys are deleted lazily, by a keyed request now and then.
async fn prune_now_and_then(state: &AppState) {
    let now = chrono::Utc::now();
    let last = LAST_PRUNE.load(Ordering::Relaxed);
    if now.timestamp() - last < PRUNE_EVERY_SECS
        || LAST_PRUNE.compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed).is_err()
    {
        return;
    }
    if let Err(e) = idempotency::prune(&state.db, now).await {
        tracing::warn!(error = %e, "expired idempotency keys could not be deleted");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_full_id_numbers_but_not_masked_ones_or_uuids() {
        assert!(holds_id_number(br#"{"id_number":"11010519491231002X"}"#));
        assert!(holds_id_number(b"x 11010519491231002x y"));
        assert!(!holds_id_number(br#"{"id_number_masked":"1101**********002X"}"#));
        assert!(!holds_id_number(br#"{"id":"0196f0e2-7c1d-7a53-9a3e-123456789012"}"#));
        // 18 digits that fail the check digit, and a longer run of digits.
        assert!(!holds_id_number(b"110101202311012171"));
        assert!(!holds_id_number(b"1101051949123100201234"));
    }
}
