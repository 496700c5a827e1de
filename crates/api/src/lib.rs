//! The HTTP API of the CME credit system (actix-web + utoipa).
//!
//! [`Application::build`] builds the one app that `cme serve` runs and every
//! test drives over real HTTP.

pub mod dto;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod routes;
mod spa;

use std::net::TcpListener;
use std::path::PathBuf;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpResponse, HttpServer, web};
use sea_orm::DatabaseConnection;
use utoipa_actix_web::AppExt as _;
use utoipa_swagger_ui::SwaggerUi;

/// Shared state of every handler.
pub struct AppState {
    pub db: DatabaseConnection,
}

/// What the HTTP layer needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `host:port`; port 0 picks a free one (tests).
    pub bind: String,
    /// The built SPA (`frontend/dist`), served at `/` when present.
    pub static_dir: Option<PathBuf>,
}

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
}

/// Registers every API route under `/api/v1`. The route table and the
/// OpenAPI document are built from the same calls.
fn api_routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Error = actix_web::Error,
            InitError = (),
        >,
{
    app.service(
        utoipa_actix_web::scope("/api/v1")
            .service(routes::health::health)
            .service(routes::compliance::evaluate)
            .service(routes::standards::list_standards)
            .service(routes::standards::get_standard)
            // Not an operation of its own document.
            .route("/openapi.json", web::get().to(openapi_json))
            .default_service(web::to(spa::api_not_found)),
    )
}

/// The OpenAPI document as JSON.
async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// The OpenAPI document, built from the route table.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = api_routes(App::new().into_utoipa_app().openapi(openapi::base())).split_for_parts();
    doc
}

impl Application {
    /// Binds the listener and builds the app.
    pub async fn build(settings: Settings, db: DatabaseConnection) -> std::io::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState { db });
        let doc = web::Data::new(openapi());
        let static_dir = settings.static_dir.filter(|d| d.join("index.html").is_file());
        if static_dir.is_none() {
            tracing::warn!("no built SPA found; serving the API only");
        }
        let server = HttpServer::new(move || {
            let (app, api_doc) = api_routes(
                App::new()
                    .into_utoipa_app()
                    .openapi(openapi::base())
                    .app_data(state.clone())
                    .app_data(doc.clone())
                    .app_data(web::PathConfig::default().error_handler(error::path_error))
                    .app_data(web::QueryConfig::default().error_handler(error::query_error)),
            )
            .split_for_parts();
            app.wrap(tracing_actix_web::TracingLogger::default())
                .wrap(Compress::default())
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer"))
                        .add(("X-Frame-Options", "DENY")),
                )
                .service(web::redirect("/api/docs", "/api/docs/"))
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", api_doc))
                .service(web::scope("/api").default_service(web::to(spa::api_not_found)))
                .configure(spa::configure(static_dir.clone()))
        })
        .listen(listener)?
        // SIGTERM: stop accepting, let in-flight requests finish within 30 s.
        .shutdown_timeout(30)
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until SIGTERM/SIGINT (graceful) or an error.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
