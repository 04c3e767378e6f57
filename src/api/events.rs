//! `GET /click` and `POST /events`: result clicks, logged, and for `/click` redirected.
//!
//! Only URLs that are in the index are accepted, so `/click` can never send a visitor to a
//! site of someone else's choosing. Nothing about the visitor is read: not the address, a
//! cookie or the user agent.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, HeaderName};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, AppState};
use crate::search::MAX_WINDOW;

/// The `click_url` of a result: `/click` with the query, the 1-based rank and the URL.
pub fn click_url(query: &str, rank: usize, url: &str) -> String {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", query)
        .append_pair("rank", &rank.to_string())
        .append_pair("url", url)
        .finish();
    format!("/click?{encoded}")
}

/// `GET /click?q=...&rank=N&url=...`: logs the click and answers `303 See Other` to `url`.
/// A `HEAD` request (a link checker, a preview) is answered the same but not logged.
#[utoipa::path(
    get,
    path = "/click",
    tag = "analytics",
    params(super::openapi::ClickParams),
    responses(
        (status = 303, description = "Logged; redirects to `url`"),
        (status = 400, description = "`url` is missing or not in the index, or `rank` is not \
            1 to 1000", body = super::openapi::ErrorBody),
        (status = 429, description = "This client has sent more than `limits.rate_per_second` \
            requests a second; `Retry-After` says when to try again",
            body = super::openapi::ErrorBody),
        (status = 503, description = "No index has been built yet",
            body = super::openapi::ErrorBody),
    )
)]
pub async fn click(
    State(state): State<AppState>,
    method: Method,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) =
        params.map_err(|err| ApiError::bad_request("bad_query_string", err.body_text()))?;
    let url = params.get("url").map(|url| url.trim()).unwrap_or("");
    let rank = match params.get("rank") {
        Some(text) => Some(parse_rank(text)?),
        None => None,
    };
    let query = params.get("q").map(String::as_str).unwrap_or("");
    ensure_indexed(&state, url).await?;

    if method != Method::HEAD && state.config.load().insight.analytics.enabled {
        state.analytics.record_click(query, rank, url);
    }
    // Not cached, so that every click reaches us; not for search engines to follow.
    let headers = [
        (CACHE_CONTROL, "no-store"),
        (HeaderName::from_static("x-robots-tag"), "noindex, nofollow"),
    ];
    Ok((headers, Redirect::to(url)).into_response())
}

/// A click reported by a front-end that links results directly.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    query: String,
    rank: Option<u32>,
    /// Missing is refused after the type, so that `{"type": "view"}` hears about its type.
    #[serde(default)]
    url: String,
}

/// `POST /events` with `{"type": "click", "query", "rank", "url"}`: `202 Accepted`.
#[utoipa::path(
    post,
    path = "/events",
    tag = "analytics",
    request_body = EventBody,
    responses(
        (status = 202, description = "Logged", body = super::openapi::Accepted),
        (status = 400, description = "Not a click event, or its `url` is not in the index",
            body = super::openapi::ErrorBody),
        (status = 413, description = "The body is larger than `limits.max_body_bytes`",
            body = super::openapi::ErrorBody),
        (status = 503, description = "No index has been built yet",
            body = super::openapi::ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    body: Result<Json<EventBody>, JsonRejection>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let Json(event) = body.map_err(|err| ApiError::from_json_rejection("bad_event", err))?;
    if event.kind != "click" {
        return Err(ApiError::bad_request(
            "bad_event",
            format!(
                "unknown event type `{}`: allowed is click",
                clip(&event.kind)
            ),
        ));
    }
    if let Some(rank) = event.rank {
        check_rank(rank)?;
    }
    let url = event.url.trim();
    ensure_indexed(&state, url).await?;

    if state.config.load().insight.analytics.enabled {
        state.analytics.record_click(&event.query, event.rank, url);
    }
    Ok((StatusCode::ACCEPTED, Json(json!({ "status": "accepted" }))))
}

fn parse_rank(text: &str) -> Result<u32, ApiError> {
    let rank: u32 = text.trim().parse().map_err(|_| {
        ApiError::bad_request(
            "bad_rank",
            format!("`rank` must be a whole number, not `{}`", clip(text)),
        )
    })?;
    check_rank(rank)?;
    Ok(rank)
}

fn check_rank(rank: u32) -> Result<(), ApiError> {
    if rank == 0 || rank as usize > MAX_WINDOW {
        return Err(ApiError::bad_request(
            "bad_rank",
            format!("`rank` must be between 1 and {MAX_WINDOW}, not {rank}"),
        ));
    }
    Ok(())
}

/// Refuses a URL that is not a page or document of the served index.
async fn ensure_indexed(state: &AppState, url: &str) -> Result<(), ApiError> {
    if url.is_empty() {
        return Err(ApiError::bad_request(
            "bad_url",
            "`url` must name a search result",
        ));
    }
    let Some(engine) = state.index.engine() else {
        return Err(ApiError::NoIndex);
    };
    let target = url.to_string();
    let indexed = tokio::task::spawn_blocking(move || engine.contains_url(&target))
        .await
        .map_err(|err| ApiError::Internal(format!("index lookup task failed: {err}")))??;
    if !indexed {
        return Err(ApiError::bad_request(
            "unknown_url",
            format!("`{}` is not a page or document of this site", clip(url)),
        ));
    }
    Ok(())
}

/// Echoes at most a few characters of bad input back in an error message.
fn clip(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn click_urls_encode_every_part() {
        let url = click_url("a&b c", 3, "http://site/x?y=1&z=2");
        assert_eq!(
            url,
            "/click?q=a%26b+c&rank=3&url=http%3A%2F%2Fsite%2Fx%3Fy%3D1%26z%3D2"
        );
    }

    #[test]
    fn ranks_are_positive_and_bounded() {
        assert_eq!(parse_rank(" 2 ").ok(), Some(2));
        assert!(parse_rank("0").is_err());
        assert!(parse_rank("-1").is_err());
        assert!(parse_rank("5000").is_err());
    }
}
