//! The HTTP API (axum): `/search` and `/health`.
//!
//! Handlers are thin: they validate parameters, call a function free of HTTP types on a
//! blocking thread, and turn the outcome into JSON. [`error::ApiError`] is the one place that
//! picks a status code.

mod admin;
mod browse;
mod error;
mod health;
pub mod metrics;
mod search;
mod suggest;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::config::Config;
use crate::config::live::LiveConfig;
use crate::search::live::LiveIndex;

/// Shared services behind every request. Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    pub index: LiveIndex,
    pub config: LiveConfig,
    /// Bearer token for `/admin/...`; `None` turns the admin routes off.
    pub admin_token: Option<Arc<str>>,
}

impl AppState {
    pub fn new(index: LiveIndex, config: Config) -> AppState {
        AppState {
            index,
            config: LiveConfig::new(config),
            admin_token: None,
        }
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
        .route("/suggest", get(suggest::suggest))
        .route("/browse", get(browse::browse))
        .route("/metrics", get(metrics::metrics))
        .route("/health", get(health::health));
    if state.admin_token.is_some() {
        let admin = Router::new()
            .route("/admin/reload", post(admin::reload))
            .route_layer(from_fn_with_state(state.clone(), admin::require_token));
        app = app.merge(admin);
    }
    metrics::init();
    app.fallback(error::not_found)
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
