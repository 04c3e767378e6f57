//! `GET /suggest`: type-ahead suggestions for the search box.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Serialize;

use super::{ApiError, AppState};
use crate::search::suggest::{DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS, MAX_TYPED_CHARS, Suggestion};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestResponse {
    pub query: String,
    pub suggestions: Vec<Suggestion>,
}

/// Answers at once from memory: no blocking work, so it stays on the async runtime.
#[utoipa::path(
    get,
    path = "/suggest",
    tag = "search",
    params(super::openapi::SuggestParams),
    responses(
        (status = 200, description = "Suggestions for what has been typed",
            body = SuggestResponse),
        (status = 400, description = "`limit` does not parse", body = super::openapi::ErrorBody),
        (status = 429, description = "This client has sent more than `limits.rate_per_second` \
            requests a second; `Retry-After` says when to try again",
            body = super::openapi::ErrorBody),
        (status = 503, description = "No index has been built yet",
            body = super::openapi::ErrorBody),
    )
)]
pub async fn suggest(
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<SuggestResponse>, ApiError> {
    let Query(params) =
        params.map_err(|err| ApiError::bad_request("bad_query_string", err.body_text()))?;
    // Only the first characters are searched, so only they are echoed back; control
    // characters separate words, as in `/search`.
    let typed: String = params
        .get("q")
        .map(|q| q.trim_matches(|c: char| c.is_whitespace() || c.is_control()))
        .unwrap_or("")
        .chars()
        .take(MAX_TYPED_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let limit = match params.get("limit") {
        None => DEFAULT_SUGGESTIONS,
        Some(text) => super::search::parse_number(text, "limit")?,
    };
    if limit == 0 {
        return Err(ApiError::bad_request(
            "bad_limit",
            "`limit` must be at least 1",
        ));
    }
    let limit = limit.min(MAX_SUGGESTIONS);
    let Some(engine) = state.index.engine() else {
        return Err(ApiError::NoIndex);
    };
    // Titles and keyword phrases from the index, and popular past queries, best first; a
    // query that says the same as a title is left out.
    let mut scored = engine.suggest_scored(&typed, limit);
    let popular = state.popular.suggester().suggest_scored(&typed, limit);
    for (score, suggestion) in popular {
        if !engine.knows_every_word(&suggestion.text) {
            continue;
        }
        let same = |other: &Suggestion| other.text.eq_ignore_ascii_case(&suggestion.text);
        if !scored.iter().any(|(_, existing)| same(existing)) {
            scored.push((score, suggestion));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let suggestions = scored
        .into_iter()
        .take(limit)
        .map(|(_, suggestion)| suggestion)
        .collect();
    Ok(Json(SuggestResponse {
        query: typed,
        suggestions,
    }))
}
