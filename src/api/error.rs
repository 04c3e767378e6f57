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

    /// The HTTP status answered for this error, as JSON or as the search page.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::NoIndex => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::InvalidConfig(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
        let status = self.status();
        let (code, message) = match self {
            ApiError::BadRequest { code, message } => (code, message),
            ApiError::NoIndex => (
                "no_index",
                "the search index has not been built yet: run `offer-search crawl`".to_string(),
            ),
            ApiError::NotFound => ("not_found", "no such page".to_string()),
            ApiError::Unauthorized => ("unauthorized", "unauthorized".to_string()),
            ApiError::InvalidConfig(message) => ("invalid_config", message),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
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
