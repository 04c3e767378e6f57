//! API errors and the one mapping from error to HTTP status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::report::{ReportError, TrackerError};
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
    /// A route that exists, asked with a method it does not answer (`POST /search`).
    MethodNotAllowed,
    /// A missing or wrong admin token. Says nothing more.
    Unauthorized,
    /// A config change that does not validate; the message names the file and key.
    InvalidConfig(String),
    /// An upload or proposal that parsed but cannot be used: every problem is listed.
    Rejected {
        code: &'static str,
        message: String,
        problems: Vec<String>,
    },
    /// A client asking faster than its rate limit; it may try again after this many seconds.
    RateLimited {
        retry_after_secs: u64,
    },
    /// The request was not answered in time.
    Timeout,
    /// The request body is over `limits.max_body_bytes`.
    TooLarge,
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

    /// A body that could not be read as JSON: too large, or not the expected JSON.
    pub fn from_json_rejection(
        code: &'static str,
        rejection: axum::extract::rejection::JsonRejection,
    ) -> ApiError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::TooLarge;
        }
        ApiError::bad_request(code, rejection.body_text())
    }

    /// The HTTP status answered for this error, as JSON or as the search page.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::NoIndex => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::InvalidConfig(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Rejected { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
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

impl From<ReportError> for ApiError {
    fn from(err: ReportError) -> ApiError {
        match err {
            ReportError::BackwardsRange { .. } => {
                ApiError::bad_request("bad_date", err.to_string())
            }
            ReportError::UnknownReport(_) => ApiError::NotFound,
            ReportError::NoIndex => ApiError::NoIndex,
            ReportError::Tracker(tracker) => tracker.into(),
            ReportError::Db(_) | ReportError::Index(_) | ReportError::Csv(_) => {
                ApiError::Internal(err.to_string())
            }
        }
    }
}

impl From<TrackerError> for ApiError {
    fn from(err: TrackerError) -> ApiError {
        let problems = match &err {
            TrackerError::BadRows { problems, .. } => {
                problems.iter().map(ToString::to_string).collect()
            }
            TrackerError::Db(_) | TrackerError::Folder { .. } => {
                return ApiError::Internal(err.to_string());
            }
            _ => vec![err.to_string()],
        };
        ApiError::Rejected {
            code: "bad_tracker",
            message: err.to_string(),
            problems,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut problems: Option<Vec<String>> = None;
        let mut retry_after: Option<u64> = None;
        let (code, message) = match self {
            ApiError::RateLimited { retry_after_secs } => {
                retry_after = Some(retry_after_secs);
                (
                    "rate_limited",
                    "too many searches at once: please wait a moment and try again".to_string(),
                )
            }
            ApiError::Timeout => (
                "timeout",
                "this took too long to answer: please try again".to_string(),
            ),
            ApiError::TooLarge => (
                "too_large",
                "the request body is larger than this server accepts".to_string(),
            ),
            ApiError::BadRequest { code, message } => (code, message),
            ApiError::NoIndex => (
                "no_index",
                "the search index has not been built yet: run `offer-search crawl`".to_string(),
            ),
            ApiError::NotFound => ("not_found", "no such page".to_string()),
            ApiError::MethodNotAllowed => (
                "method_not_allowed",
                "this route does not answer that method".to_string(),
            ),
            ApiError::Unauthorized => ("unauthorized", "unauthorized".to_string()),
            ApiError::InvalidConfig(message) => ("invalid_config", message),
            ApiError::Rejected {
                code,
                message,
                problems: listed,
            } => {
                problems = Some(listed);
                (code, message)
            }
            ApiError::Conflict { code, message } => (code, message),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    "internal",
                    "something went wrong on our side; please try again".to_string(),
                )
            }
        };
        let mut error = json!({ "code": code, "message": message });
        if let Some(problems) = problems {
            error["problems"] = json!(problems);
        }
        let body = json!({ "error": error });
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            let value = axum::http::HeaderValue::from(seconds.max(1));
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
