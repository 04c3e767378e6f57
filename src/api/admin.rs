//! `/admin/...`: operations for the site's admins, behind a bearer token.
//!
//! With no token configured the admin routes do not exist at all. A wrong or missing token
//! gets a bare 401; the token itself is never logged.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};

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
