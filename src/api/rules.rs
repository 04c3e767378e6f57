//! `POST /admin/rules/test`: one query run with the rules in force and with proposed ones,
//! side by side, before anything is saved.
//!
//! The proposal is the text of any of `ranking.toml`, `synonyms.toml` and `best-bets.toml`;
//! a file left out keeps the live one. It is validated exactly as a reload would validate
//! it, and refused with every error (file, key, reason) when it does not pass. Tests are
//! not logged as searches.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::{Deserialize, Serialize};

use super::{ApiError, AppState};
use crate::config::ProposedRules;
use crate::search::{DEFAULT_LIMIT, MAX_LIMIT, SearchRequest, SearchResponse};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTest {
    query: String,
    #[serde(default)]
    limit: Option<usize>,
    /// Text of a proposed `ranking.toml`.
    #[serde(default)]
    ranking: Option<String>,
    /// Text of a proposed `synonyms.toml`.
    #[serde(default)]
    synonyms: Option<String>,
    /// Text of a proposed `best-bets.toml`.
    #[serde(default)]
    best_bets: Option<String>,
}

/// How one result moved between the live and the proposed rules.
#[derive(Debug, Serialize)]
pub struct Change {
    pub path: String,
    pub title: String,
    pub live_rank: Option<usize>,
    pub proposed_rank: Option<usize>,
    /// `same`, `up`, `down`, `new` (only with the proposal) or `gone` (only live).
    pub movement: &'static str,
}

#[derive(Debug, Serialize)]
pub struct RuleTestResponse {
    pub query: String,
    /// The files the proposal replaces.
    pub proposed_files: Vec<&'static str>,
    pub live: SearchResponse,
    pub proposed: SearchResponse,
    pub changes: Vec<Change>,
}

pub async fn test_rules(
    State(state): State<AppState>,
    body: Result<Json<RuleTest>, JsonRejection>,
) -> Result<Json<RuleTestResponse>, ApiError> {
    let Json(test) = body.map_err(|err| ApiError::from_json_rejection("bad_json", err))?;
    let query = test.query.trim().to_string();
    if query.is_empty() {
        return Err(ApiError::bad_request(
            "empty_query",
            "the `query` field must not be empty",
        ));
    }
    // As /search reads `limit`: at least 1, a larger number clamped.
    if test.limit == Some(0) {
        return Err(ApiError::bad_request(
            "bad_limit",
            "the `limit` field must be at least 1",
        ));
    }
    let limit = test.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);

    let mut proposed_files = Vec::new();
    for (text, file) in [
        (&test.ranking, crate::config::RANKING_FILE),
        (&test.synonyms, crate::config::SYNONYMS_FILE),
        (&test.best_bets, crate::config::BEST_BETS_FILE),
    ] {
        if text.is_some() {
            proposed_files.push(file);
        }
    }
    let proposal = ProposedRules {
        ranking: test.ranking,
        synonyms: test.synonyms,
        best_bets: test.best_bets,
    };
    let live_rules = state.config.load();
    let proposed_rules = live_rules
        .with_proposed_rules(&proposal)
        .map_err(|errors| {
            let problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
            ApiError::Rejected {
                code: "invalid_config",
                message: problems.join("; "),
                problems,
            }
        })?;
    let Some(engine) = state.index.engine() else {
        return Err(ApiError::NoIndex);
    };

    let mut request = SearchRequest::new(query.clone());
    request.limit = limit;
    request.explain = true;
    // The flat list, so that every page and document has a rank of its own to compare.
    request.group = false;
    request.facets = false;
    let outcome = tokio::task::spawn_blocking(move || {
        let live = engine.search(&request, &live_rules)?;
        let proposed = engine.search(&request, &proposed_rules)?;
        Ok::<_, crate::search::SearchError>((live, proposed))
    })
    .await
    .map_err(|err| ApiError::Internal(format!("rule test task failed: {err}")))?;
    let (live, proposed) = outcome?;

    let changes = compare(&live, &proposed);
    Ok(Json(RuleTestResponse {
        query,
        proposed_files,
        live,
        proposed,
        changes,
    }))
}

/// Every result of either list with its rank in each, in proposed order then the gone ones.
fn compare(live: &SearchResponse, proposed: &SearchResponse) -> Vec<Change> {
    let live_ranks: HashMap<&str, usize> = live
        .results
        .iter()
        .enumerate()
        .map(|(index, hit)| (hit.path.as_str(), index + 1))
        .collect();
    let mut changes: Vec<Change> = proposed
        .results
        .iter()
        .enumerate()
        .map(|(index, hit)| {
            let proposed_rank = index + 1;
            let live_rank = live_ranks.get(hit.path.as_str()).copied();
            let movement = match live_rank {
                None => "new",
                Some(rank) if rank == proposed_rank => "same",
                Some(rank) if rank > proposed_rank => "up",
                Some(_) => "down",
            };
            Change {
                path: hit.path.clone(),
                title: hit.title.clone(),
                live_rank,
                proposed_rank: Some(proposed_rank),
                movement,
            }
        })
        .collect();
    let shown: std::collections::HashSet<&str> = proposed
        .results
        .iter()
        .map(|hit| hit.path.as_str())
        .collect();
    for (index, hit) in live.results.iter().enumerate() {
        if !shown.contains(hit.path.as_str()) {
            changes.push(Change {
                path: hit.path.clone(),
                title: hit.title.clone(),
                live_rank: Some(index + 1),
                proposed_rank: None,
                movement: "gone",
            });
        }
    }
    changes
}
