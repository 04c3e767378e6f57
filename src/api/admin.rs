//! `/admin/...`: operations for the site's admins, behind a bearer token.
//!
//! With no token configured the admin routes do not exist at all. A wrong or missing token
//! gets a bare 401; the token itself is never logged.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};
use crate::recrawl::{StartError, Trigger};
use crate::state::CrawlState;

/// Lets a request through only with `Authorization: Bearer <token>`.
pub async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = state.admin_token.as_deref() else {
        return ApiError::NotFound.into_response();
    };
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("");
    let matches: bool = presented.as_bytes().ct_eq(expected.as_bytes()).into();
    if !matches {
        tracing::warn!(path = %request.uri().path(), "admin request refused: bad or missing token");
        return ApiError::Unauthorized.into_response();
    }
    next.run(request).await
}

/// `POST /admin/reload`: read `index-config/` again now.
pub async fn reload(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let live = state.config.clone();
    let outcome = tokio::task::spawn_blocking(move || live.reload())
        .await
        .map_err(|err| ApiError::Internal(format!("reload task failed: {err}")))?;
    match outcome {
        Ok(()) => Ok(Json(json!({ "status": "reloaded" }))),
        Err(err) => Err(ApiError::InvalidConfig(err.to_string())),
    }
}

/// `POST /admin/recrawl`: start a crawl now. `202` with the start time, or `409` when a
/// crawl (this server's or one started from the command line) holds the data folder.
pub async fn recrawl(State(state): State<AppState>) -> Result<(StatusCode, Json<Value>), ApiError> {
    match state.recrawler.start(Trigger::Admin) {
        Ok(running) => {
            let body = json!({
                "status": "started",
                "started_at": running.started_at,
                "progress": "/admin/crawl",
            });
            Ok((StatusCode::ACCEPTED, Json(body)))
        }
        Err(StartError::Running(_)) => Err(ApiError::Conflict {
            code: "crawl_running",
            message: "a crawl is already running on this data folder; see GET /admin/crawl"
                .to_string(),
        }),
        Err(StartError::Store(err)) => Err(ApiError::Internal(err.to_string())),
    }
}

/// `GET /admin/crawl`: what the recrawler is doing and the last crawl's report.
pub async fn crawl_status(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let status = state.recrawler.status();
    let recrawler = state.recrawler.clone();
    let last_report = tokio::task::spawn_blocking(move || recrawler.last_report())
        .await
        .map_err(|err| ApiError::Internal(format!("crawl report task failed: {err}")))?
        .map_err(|err| ApiError::Internal(err.to_string()))?;
    let body = json!({
        "status": if status.running.is_some() { "running" } else { "idle" },
        "running": status.running,
        "last_finished_at": status.last_finished_at,
        "last_error": status.last_error,
        "next_scheduled_at": status.next_scheduled_at,
        "last_report": last_report,
    });
    Ok(Json(body))
}

/// `GET /admin/links`: broken links by the page carrying them, internal (answered 4xx in
/// the last crawl) and external (found broken by the last link check).
pub async fn broken_links(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let data = state.recrawler.data().clone();
    let report = tokio::task::spawn_blocking(move || CrawlState::open(&data)?.broken_links())
        .await
        .map_err(|err| ApiError::Internal(format!("link report task failed: {err}")))?
        .map_err(|err| ApiError::Internal(err.to_string()))?;
    let broken_links: usize = report.pages.values().map(Vec::len).sum();
    let body = json!({
        "pages_with_broken_links": report.pages.len(),
        "broken_links": broken_links,
        "external_checked_at": report.external_checked_at,
        "pages": report.pages,
    });
    Ok(Json(body))
}
