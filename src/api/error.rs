//! API errors and the one mapping from error to HTTP status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::search::SearchError;

/// An error answered to a client as `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub enum ApiError {
    /// A parameter is missing, empty or does not parse.
    BadRequest {
        code: &'static str,
        message: String,
    },
    /// No index has been built yet.
    NoIndex,
    NotFound,
    /// A missing or wrong admin token. Says nothing more.
    Unauthorized,
    /// A config change that does not validate; the message names the file and key.
    InvalidConfig(String),
    /// The request clashes with work in progress (a crawl already running).
    Conflict {
        code: &'static str,
        message: String,
    },
    /// Something failed on our side; the details are logged, not sent.
    Internal(String),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(err: SearchError) -> ApiError {
        match err {
            SearchError::UnknownSection { .. } => {
                ApiError::bad_request("bad_section", err.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            ApiError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            ApiError::NoIndex => (
                StatusCode::SERVICE_UNAVAILABLE,
                "no_index",
                "the search index has not been built yet: run `offer-search crawl`".to_string(),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "no such page".to_string(),
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "unauthorized".to_string(),
            ),
            ApiError::InvalidConfig(message) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_config", message)
            }
            ApiError::Conflict { code, message } => (StatusCode::CONFLICT, code, message),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side; please try again".to_string(),
                )
            }
        };
        let body = json!({ "error": { "code": code, "message": message } });
        (status, Json(body)).into_response()
    }
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound
}
