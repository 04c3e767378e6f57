//! Cross-origin reads of the API, for the origins named in `api.toml` only.
//!
//! The allowed origins are looked up in the live config on each request, so a change to
//! `cors_origins` applies without a restart. Reads (`GET`, `HEAD`) and `POST` with a JSON
//! body (for `/events`) are allowed; no credentials and no request header but
//! `Content-Type`, so a browser never lets another site send the admin token.

use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, request};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::live::LiveConfig;

/// How long a browser may cache a preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(10 * 60);

/// A [`CorsLayer`] answering only the origins in the config in force.
pub fn layer(config: LiveConfig) -> CorsLayer {
    let allowed = move |origin: &HeaderValue, _parts: &request::Parts| -> bool {
        let rules = config.load();
        rules
            .api
            .cors_origins
            .iter()
            .any(|allowed| allowed.as_bytes() == origin.as_bytes())
    };
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(allowed))
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([CONTENT_TYPE])
        .max_age(PREFLIGHT_MAX_AGE)
}
