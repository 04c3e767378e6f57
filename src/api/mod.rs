//! The HTTP API (axum): `/search`, `/health`, and `/admin/...` behind a token.
//!
//! Handlers are thin: they validate parameters, call a function free of HTTP types on a
//! blocking thread, and turn the outcome into JSON. [`error::ApiError`] is the one place that
//! picks a status code.

mod admin;
mod error;
mod health;
mod search;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::config::Config;
use crate::config::live::LiveConfig;
use crate::recrawl::Recrawler;
use crate::search::live::LiveIndex;

/// Shared services behind every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub index: LiveIndex,
    pub config: LiveConfig,
    /// Bearer token for `/admin/...`; `None` turns the admin routes off.
    pub admin_token: Option<Arc<str>>,
    /// Runs crawls of the served data folder (admin requests and the schedule).
    pub recrawler: Recrawler,
}

impl AppState {
    pub fn new(index: LiveIndex, config: Config) -> AppState {
        let config = LiveConfig::new(config);
        let recrawler = Recrawler::new(index.data().clone(), config.clone(), None);
        AppState {
            index,
            config,
            admin_token: None,
            recrawler,
        }
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

/// Builds the router over `state`; tests drive it in-process.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .route("/search", get(search::search))
        .route("/health", get(health::health));
    if state.admin_token.is_some() {
        let admin = Router::new()
            .route("/admin/reload", post(admin::reload))
            .route("/admin/recrawl", post(admin::recrawl))
            .route("/admin/crawl", get(admin::crawl_status))
            .route("/admin/links", get(admin::broken_links))
            .route_layer(from_fn_with_state(state.clone(), admin::require_token));
        app = app.merge(admin);
    }
    app.fallback(error::not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
