//! Serving the built SPA, with `index.html` for client-side routes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, guard, web};

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

/// The encodings a built asset may have beside it (`index-3f9a.js.br`,
/// `.gz`: `frontend/vite.config.ts` writes them at build time, brotli at
/// quality 11), best first. Compressing once at build beats compressing
/// each response: brotli 11 makes the scripts about 30 % smaller than the
/// on-the-fly gzip, and costs the server nothing per request.
const PRECOMPRESSED: [(&str, ContentEncoding); 2] = [("br", ContentEncoding::Brotli), ("gz", ContentEncoding::Gzip)];

/// Whether `accept` (an `Accept-Encoding` value) takes `coding`, not at q=0.
fn accepts(accept: &str, coding: &str) -> bool {
    accept.split(',').any(|part| {
        let mut params = part.split(';').map(str::trim);
        params.next().is_some_and(|c| c.eq_ignore_ascii_case(coding))
            && params.all(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()).is_none_or(|q| q > 0.0))
    })
}

/// A built asset, as its pre-compressed sibling when the browser takes one
/// and it exists; `None` when there is no such asset.
async fn precompressed(dir: &Path, req: &HttpRequest) -> Option<HttpResponse> {
    let name = req.match_info().get("name")?;
    // Vite's names only: no directories, no dot files.
    if name.starts_with('.') || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) {
        return None;
    }
    let plain = dir.join("assets").join(name);
    let mime = actix_files::file_extension_to_mime(name.rsplit_once('.').map_or("", |(_, ext)| ext));
    let accept = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    for (suffix, encoding) in PRECOMPRESSED {
        if !accepts(accept, encoding.as_str()) {
            continue;
        }
        let Ok(file) = NamedFile::open_async(dir.join("assets").join(format!("{name}.{suffix}"))).await else {
            continue;
        };
        let mut res = file
            .set_content_type(mime.clone())
            .set_content_encoding(encoding)
            .disable_content_disposition()
            .into_response(req);
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        return Some(res);
    }
    let file = NamedFile::open_async(&plain).await.ok()?;
    let mut res = file.prefer_utf8(true).disable_content_disposition().into_response(req);
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Some(res)
}

/// `index.html`, for a client-side route (or a missing asset: revalidated,
/// never kept, see [`caching`]).
async fn index_html(index: &Path, req: &HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    Ok(NamedFile::open_async(index).await?.into_response(req))
}

pub fn configure(static_dir: Option<PathBuf>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| match static_dir {
        Some(dir) => {
            let dir = Arc::new(dir);
            let assets = dir.clone();
            cfg.service(web::resource("/assets/{name}").guard(guard::Any(guard::Get()).or(guard::Head())).to(
                move |req: HttpRequest| {
                    let dir = assets.clone();
                    async move {
                        match precompressed(&dir, &req).await {
                            Some(res) => Ok(res),
                            None => index_html(&dir.join("index.html"), &req).await,
                        }
                    }
                },
            ));
            let index = dir.join("index.html");
            cfg.service(Files::new("/", dir.as_path()).index_file("index.html").prefer_utf8(true).default_handler(
                fn_service(move |req: ServiceRequest| {
                    let index = index.clone();
                    async move {
                        let (req, _) = req.into_parts();
                        let res = index_html(&index, &req).await?;
                        Ok(ServiceResponse::new(req, res))
                    }
                }),
            ));
        }
        None => {
            cfg.default_service(web::to(|| async {
                HttpResponse::Ok().content_type("text/html; charset=utf-8").body(NOT_BUILT)
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("brotli", "br"));
    }
}
