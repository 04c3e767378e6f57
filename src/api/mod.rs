//! The HTTP API (axum): `/search` and `/health`.
//!
//! Handlers are thin: they validate parameters, call a function free of HTTP types on a
//! blocking thread, and turn the outcome into JSON. [`error::ApiError`] is the one place that
//! picks a status code.

mod error;
mod health;
mod search;

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::routing::get;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::config::Config;
use crate::search::live::LiveIndex;

/// Shared services behind every request. Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    pub index: LiveIndex,
    pub config: Arc<ArcSwap<Config>>,
}

impl AppState {
    pub fn new(index: LiveIndex, config: Config) -> AppState {
        AppState {
            index,
            config: Arc::new(ArcSwap::from_pointee(config)),
        }
    }
}

/// Builds the router over `state`; tests drive it in-process.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/search", get(search::search))
        .route("/health", get(health::health))
        .fallback(error::not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
