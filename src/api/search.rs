//! `GET /search`: ranked results with snippets.
//!
//! Each answered search is handed to analytics (which never blocks it), and each result
//! gets a `click_url` through `/click` so that a front-end's result links count clicks.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use super::cache::Answer;
use super::{ApiError, AppState};
use crate::record::{Audience, Kind};
use crate::search::{DEFAULT_LIMIT, MAX_LIMIT, MAX_WINDOW, SearchRequest, SearchResponse};

#[utoipa::path(
    get,
    path = "/search",
    tag = "search",
    params(super::openapi::SearchParams),
    responses(
        (status = 200, description = "Ranked results, one page of them", body = SearchResponse),
        (status = 400, description = "A parameter is empty, does not parse, or names an \
            unknown kind, section or audience", body = super::openapi::ErrorBody),
        (status = 429, description = "This client has sent more than `limits.rate_per_second` \
            requests a second; `Retry-After` says when to try again",
            body = super::openapi::ErrorBody),
        (status = 503, description = "No index has been built yet",
            body = super::openapi::ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) =
        params.map_err(|err| ApiError::bad_request("bad_query_string", err.body_text()))?;
    let request = parse_request(&params)?;
    let answered = run(&state, request).await?;
    let body = answered.answer.json(answered.took_ms);
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

/// A search's answer, and how long this request took to get it.
pub struct Answered {
    pub answer: Arc<Answer>,
    pub took_ms: f64,
}

/// Runs `request` on the index and rules in force, off the async runtime, unless the same
/// request was answered on them lately (see `cache.rs`).
pub async fn run(state: &AppState, request: SearchRequest) -> Result<Answered, ApiError> {
    let started = Instant::now();
    let Some(engine) = state.index.engine() else {
        return Err(ApiError::NoIndex);
    };
    let config = state.config.load();
    let log_search = config.insight.analytics.enabled;
    let (typed, offset, limit) = (request.query.clone(), request.offset, request.limit);

    let answered = match state.results.get(&engine, &config, &request) {
        Some(answer) => Answered {
            answer,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        },
        None => {
            let (searched_on, searched_with) = (Arc::clone(&engine), Arc::clone(&config));
            let key = request.clone();
            let outcome = state
                .searches
                .run(move || searched_on.search(&request, &searched_with))
                .await
                .map_err(|err| ApiError::Internal(format!("search task failed: {err}")))?;
            let mut response = outcome?;
            for (index, hit) in response.results.iter_mut().enumerate() {
                let rank = offset + index + 1;
                hit.click_url = Some(super::events::click_url(&typed, rank, &hit.url));
                for document in hit.documents.iter_mut().flatten() {
                    document.click_url =
                        Some(super::events::click_url(&typed, rank, &document.url));
                }
            }
            let took_ms = response.took_ms;
            let answer = Answer::new(response).map_err(|err| {
                ApiError::Internal(format!(
                    "cannot write the answer to {typed:?} as JSON: {err}"
                ))
            })?;
            let answer = Arc::new(answer);
            state
                .results
                .put(&engine, &config, key, Arc::clone(&answer));
            Answered { answer, took_ms }
        }
    };
    if log_search {
        state
            .analytics
            .record_search(&typed, answered.answer.response.total, offset, limit);
    }
    Ok(answered)
}

/// Validates the query string into a [`SearchRequest`].
pub fn parse_request(params: &HashMap<String, String>) -> Result<SearchRequest, ApiError> {
    // Control characters (a pasted null byte, say) and the invisible joiners and
    // byte-order mark text pasted from documents carries are as empty as spaces.
    let query = params
        .get("q")
        .map(|q| q.trim_matches(|c: char| c.is_whitespace() || c.is_control() || invisible(c)))
        .unwrap_or("");
    if query.is_empty() {
        return Err(ApiError::bad_request(
            "empty_query",
            "nothing to search for: type a word or two in the q parameter",
        ));
    }
    // Inside the text they separate words, so that the search page shows what was searched.
    let query: String = query
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut request = SearchRequest::new(query);

    if let Some(text) = params.get("limit") {
        let limit = parse_number(text, "limit")?;
        if limit == 0 {
            return Err(ApiError::bad_request(
                "bad_limit",
                "`limit` must be at least 1",
            ));
        }
        request.limit = limit.min(MAX_LIMIT);
    } else {
        request.limit = DEFAULT_LIMIT;
    }
    if let Some(text) = params.get("offset") {
        request.offset = parse_number(text, "offset")?;
    }
    if request.offset.saturating_add(request.limit) > MAX_WINDOW {
        return Err(ApiError::bad_request(
            "bad_offset",
            format!("`offset` + `limit` must not exceed {MAX_WINDOW}"),
        ));
    }
    if let Some(text) = params.get("kind").filter(|text| !text.is_empty()) {
        let kind = Kind::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                "bad_kind",
                format!("unknown kind `{}`: allowed are page, document", clip(text)),
            )
        })?;
        request.kind = Some(kind);
    }
    if let Some(section) = params.get("section").filter(|text| !text.is_empty()) {
        request.section = Some(section.clone());
    }
    if let Some(text) = params.get("explain") {
        request.explain = parse_flag(text, "explain")?;
    }
    if let Some(text) = params.get("group") {
        request.group = parse_flag(text, "group")?;
    }
    if let Some(text) = params.get("audience").filter(|text| !text.is_empty()) {
        request.audience = Audience::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                "bad_audience",
                format!(
                    "unknown audience `{}`: allowed are family, professional",
                    clip(text)
                ),
            )
        })?;
    }
    if let Some(text) = params.get("facets") {
        request.facets = parse_flag(text, "facets")?;
    }
    if let Some(text) = params.get("correct") {
        request.correct = parse_flag(text, "correct")?;
    }
    if let Some(text) = params.get("snippets") {
        request.snippets = parse_flag(text, "snippets")?;
    }
    Ok(request)
}

/// Characters that show nothing: zero-width space, non-joiner and joiner, word joiner and
/// the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// A whole number; one too large to hold counts as the largest (a `limit` is clamped, an
/// `offset` then exceeds the window and says so).
pub(super) fn parse_number(text: &str, name: &'static str) -> Result<usize, ApiError> {
    let digits = text.trim();
    if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Ok(digits.parse::<usize>().unwrap_or(usize::MAX));
    }
    digits.parse::<usize>().map_err(|_| {
        let (code, least) = match name {
            "limit" => ("bad_limit", 1),
            _ => ("bad_offset", 0),
        };
        ApiError::bad_request(
            code,
            format!(
                "`{name}` must be a whole number from {least} up, not `{}`",
                clip(text)
            ),
        )
    })
}

fn parse_flag(text: &str, name: &str) -> Result<bool, ApiError> {
    match text.to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(ApiError::bad_request(
            "bad_flag",
            format!(
                "`{name}` must be true, false, yes, no, 1 or 0, not `{}`",
                clip(text)
            ),
        )),
    }
}

/// Echoes at most a few characters of bad input back in an error message.
fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn limit_is_clamped_and_validated() {
        let request = parse_request(&params(&[("q", "x"), ("limit", "500")])).ok();
        assert_eq!(request.map(|r| r.limit), Some(MAX_LIMIT));
        assert!(parse_request(&params(&[("q", "x"), ("limit", "-1")])).is_err());
        assert!(parse_request(&params(&[("q", "x"), ("limit", "0")])).is_err());
        assert!(parse_request(&params(&[("q", "x"), ("offset", "99999")])).is_err());
        assert!(parse_request(&params(&[("q", "  ")])).is_err());
        assert!(parse_request(&params(&[("q", "x"), ("kind", "pdf")])).is_err());
        assert!(parse_request(&params(&[("q", "x"), ("group", "false")])).is_ok());
    }

    #[test]
    fn control_characters_inside_the_query_separate_words() {
        let request = parse_request(&params(&[("q", "\u{0}short\u{1}breaks\t\u{7f}")]));
        assert_eq!(
            request.map(|r| r.query).ok().as_deref(),
            Some("short breaks")
        );
    }
}
