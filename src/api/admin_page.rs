//! `GET /admin/`: the admin page, with its script and stylesheet, served by us.
//!
//! The page holds no data and needs no token to load: it asks for the admin token in a
//! form, keeps it in the tab's `sessionStorage` (never in a URL) and sends it as a bearer
//! header with each call to the `/admin/...` endpoints. Everything it shows is inserted as
//! text, never as markup, because report rows hold what strangers typed into the search
//! box. The content security policy allows only our own script and stylesheet.

use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderName, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("admin_page/index.html");
const SCRIPT: &str = include_str!("admin_page/admin.js");
const STYLESHEET: &str = include_str!("admin_page/admin.css");

const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                      connect-src 'self'; img-src 'self' data:; form-action 'self'; \
                      base-uri 'none'; frame-ancestors 'none'";

fn with_headers(content_type: &'static str, body: &'static str) -> Response {
    let headers: [(HeaderName, HeaderValue); 6] = [
        (CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY)),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    (headers, body).into_response()
}

pub async fn page() -> Response {
    with_headers("text/html; charset=utf-8", PAGE)
}

pub async fn script() -> Response {
    with_headers("text/javascript; charset=utf-8", SCRIPT)
}

pub async fn stylesheet() -> Response {
    with_headers("text/css; charset=utf-8", STYLESHEET)
}
