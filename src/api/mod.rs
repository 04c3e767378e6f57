//! The HTTP API (axum): `/search`, `/suggest`, `/browse`, `/health`, `/openapi.json`, click
//! logging (`/click`, `/events`), `/metrics`, the admin surface behind a token (reports,
//! tracker import, rule tester, recrawls, crawl status, broken links and the admin page), the
//! search page at `/` and the A to Z page at `/a-z`.
//!
//! Handlers are thin: they validate parameters, call a function free of HTTP types on a
//! blocking thread, and turn the outcome into JSON. [`error::ApiError`] is the one place that
//! picks a status code.

mod admin;
mod admin_page;
mod browse;
pub mod cache;
mod cors;
mod error;
mod events;
mod health;
pub mod limits;
pub mod metrics;
mod openapi;
mod page;
mod pool;
mod reports;
mod rules;
mod search;
mod suggest;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::ApiError;

use crate::analytics::Analytics;
use crate::analytics::popular::PopularQueries;
use crate::config::Config;
use crate::config::live::LiveConfig;
use crate::recrawl::Recrawler;
use crate::report::{LinkChecks, NoLinkChecks};
use crate::search::live::LiveIndex;

/// Shared services behind every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub index: LiveIndex,
    pub config: LiveConfig,
    /// Bearer token for `/admin/...`; `None` turns the admin routes off.
    pub admin_token: Option<Arc<str>>,
    /// Where searches and clicks are logged; [`Analytics::disabled`] unless set.
    pub analytics: Analytics,
    /// Where the links report reads broken links from.
    pub link_checks: Arc<dyn LinkChecks>,
    /// Popular past queries, offered by `/suggest` beside titles.
    pub popular: PopularQueries,
    /// Runs crawls of the served data folder (admin requests and the schedule).
    pub recrawler: Recrawler,
    /// The threads searches run on.
    pub searches: pool::SearchPool,
    /// Recent answers of `/search`, for repeated searches.
    pub results: cache::ResultCache,
}

impl AppState {
    pub fn new(index: LiveIndex, config: Config) -> AppState {
        let results = cache::ResultCache::new(config.api.cache);
        let config = LiveConfig::new(config);
        let recrawler = Recrawler::new(index.data().clone(), config.clone(), None);
        AppState {
            index,
            config,
            admin_token: None,
            analytics: Analytics::disabled(),
            link_checks: Arc::new(NoLinkChecks),
            popular: PopularQueries::default(),
            recrawler,
            searches: pool::SearchPool::for_this_machine(),
            results,
        }
    }

    pub fn with_analytics(mut self, analytics: Analytics) -> AppState {
        self.analytics = analytics;
        self
    }

    pub fn with_link_checks(mut self, link_checks: Arc<dyn LinkChecks>) -> AppState {
        self.link_checks = link_checks;
        self
    }

    /// Runs the document worker of crawls from `program` instead of this executable
    /// (tests run the router inside a test binary).
    pub fn with_worker_program(mut self, program: PathBuf) -> AppState {
        self.recrawler = Recrawler::new(
            self.index.data().clone(),
            self.config.clone(),
            Some(program),
        );
        self
    }

    pub fn with_admin_token(mut self, token: Option<String>) -> AppState {
        self.admin_token = token.filter(|token| !token.is_empty()).map(Arc::from);
        self
    }
}

/// The public JSON API, each route with its OpenAPI description.
fn public_api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(search::search))
        .routes(routes!(suggest::suggest))
        .routes(routes!(browse::browse))
        .routes(routes!(health::health))
        .routes(routes!(events::click))
        .routes(routes!(events::events))
        .routes(routes!(metrics::metrics))
        .routes(routes!(openapi::document))
}

/// Builds the router over `state`; tests drive it in-process.
pub fn router(state: AppState) -> Router {
    let (api, _description) = public_api().split_for_parts();
    let mut app = api
        .route("/", get(page::search_page))
        .route("/a-z", get(page::atoz_page))
        .route("/assets/{file}", get(page::asset));
    if state.admin_token.is_some() {
        let admin = Router::new()
            .route("/admin/reload", post(admin::reload))
            .route("/admin/reports/{name}", get(reports::report))
            .route("/admin/review/tracker", post(reports::import_tracker))
            .route("/admin/analytics/status", get(reports::analytics_status))
            .route("/admin/rules/test", post(rules::test_rules))
            .route("/admin/recrawl", post(admin::recrawl))
            .route("/admin/crawl", get(admin::crawl_status))
            .route("/admin/links", get(admin::broken_links))
            .route_layer(from_fn_with_state(state.clone(), admin::require_token));
        // The page itself holds no data: it asks for the token and sends it with each call.
        let page = Router::new()
            .route("/admin", get(admin_page::page))
            .route("/admin/", get(admin_page::page))
            .route("/admin/assets/admin.js", get(admin_page::script))
            .route("/admin/assets/admin.css", get(admin_page::stylesheet));
        app = app.merge(admin).merge(page);
    }
    metrics::init();
    let settings = state.config.load().api.limits;
    let limits = limits::Limits::new(&settings);
    app.fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            limits,
            limits::enforce,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(
            settings.max_body_bytes,
        ))
        .layer(cors::layer(state.config.clone()))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
