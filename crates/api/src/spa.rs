//! Serving the built SPA, with `index.html` for client-side routes.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;

/// Unknown `/api/...` paths answer problem+json, never the SPA: 405 with
/// `Allow` when the path is an operation's under another method (the route
/// table, as the OpenAPI document lists it), else 404.
pub async fn api_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let allowed = req
        .app_data::<web::Data<utoipa::openapi::OpenApi>>()
        .map(|doc| allowed_methods(doc, req.path()))
        .unwrap_or_default();
    if allowed.is_empty() {
        return Err(ApiError::NotFound(format!("没有这个接口: {}", req.path())));
    }
    Err(ApiError::MethodNotAllowed(allowed.join(", ")))
}

/// The methods of the operations whose path template matches `path`.
fn allowed_methods(doc: &utoipa::openapi::OpenApi, path: &str) -> Vec<&'static str> {
    let matches = |template: &str| {
        let (mut t, mut p) = (template.split('/'), path.split('/'));
        loop {
            match (t.next(), p.next()) {
                (None, None) => return true,
                (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') && !p.is_empty() => {}
                (Some(t), Some(p)) if t == p => {}
                _ => return false,
            }
        }
    };
    let mut allowed = Vec::new();
    for item in doc.paths.paths.iter().filter(|(t, _)| matches(t)).map(|(_, item)| item) {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, present) in methods {
            if present && !allowed.contains(&method) {
                allowed.push(method);
            }
        }
    }
    allowed
}

/// How long the browser may keep the SPA's files. Vite names every built
/// asset by its content's hash (`/assets/index-3f9a1c.js`), so an asset
/// never changes: a year, immutable, saves a phone on a slow link every
/// request for it. `index.html` (and every client route, which answers it)
/// names the current assets: revalidated each time (`no-cache`), so a new
/// release is picked up at once. API answers set their own.
pub async fn caching(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
    let asset = req.path().starts_with("/assets/");
    let api = req.path().starts_with("/api/");
    let mut res = next.call(req).await?;
    let ok = res.status().is_success() || res.status() == actix_web::http::StatusCode::NOT_MODIFIED;
    if api || !ok || res.headers().contains_key(CACHE_CONTROL) {
        return Ok(res);
    }
    let html =
        res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("text/html"));
    // A missing asset answers index.html: that must never be kept a year.
    let policy = if html {
        Some("no-cache")
    } else if asset {
        Some("public, max-age=31536000, immutable")
    } else {
        None
    };
    if let Some(policy) = policy {
        res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    Ok(res)
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>云南省继续医学教育学分管理系统</title>\
<p>前端尚未构建 (frontend/dist)。请运行 <code>make run</code>。API 文档: <a href=\"/api/docs/\">/api/docs/</a></p></html>";

pub fn configure(static_dir: Option<PathBuf>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| match static_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            cfg.service(Files::new("/", dir).index_file("index.html").prefer_utf8(true).default_handler(fn_service(
                move |req: ServiceRequest| {
                    let index = index.clone();
                    async move {
                        let (req, _) = req.into_parts();
                        let file = NamedFile::open_async(&index).await?;
                        let res = file.into_response(&req);
                        Ok(ServiceResponse::new(req, res))
                    }
                },
            )));
        }
        None => {
            cfg.default_service(web::to(|| async {
                HttpResponse::Ok().content_type("text/html; charset=utf-8").body(NOT_BUILT)
            }));
        }
    }
}
