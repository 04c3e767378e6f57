//! Searching: parse the query, score with the ranking rules, shape results and snippets.
//!
//! [`Engine`] opens one index generation; [`Engine::search`] takes a [`SearchRequest`] and the
//! live [`crate::config::RankingConfig`] and returns a [`SearchResponse`] whose JSON is the
//! public API's result shape.

mod engine;
pub mod live;
pub mod query;
pub mod scoring;
pub mod snippet;

use std::path::PathBuf;

use serde::Serialize;

pub use engine::{Engine, description_of};
pub use scoring::Boost;

use crate::record::Kind;

/// Results per page when the caller does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// The most results one request may ask for; larger limits are clamped to it.
pub const MAX_LIMIT: usize = 50;
/// How deep paging may go: `offset + limit` never exceeds this.
pub const MAX_WINDOW: usize = 1_000;

/// One search, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub kind: Option<Kind>,
    pub section: Option<String>,
    /// Attach the score breakdown to each result.
    pub explain: bool,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            kind: None,
            section: None,
            explain: false,
        }
    }
}

/// The answer to a search, serialised as the API's JSON body.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    /// Every matching record, not just this page of them.
    pub total: usize,
    pub took_ms: f64,
    pub results: Vec<SearchHit>,
    /// Messages of the best bets this query triggered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub best_bets: Vec<BestBetNotice>,
}

/// A best bet's message, shown with the results.
#[derive(Debug, Clone, Serialize)]
pub struct BestBetNotice {
    pub name: String,
    pub message: String,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub url: String,
    /// Path and query relative to the site root.
    pub path: String,
    pub title: String,
    pub kind: Kind,
    pub section: Option<String>,
    pub section_label: Option<String>,
    pub description: String,
    /// HTML-escaped text with matched words in `<mark>`.
    pub snippet: String,
    pub score: f32,
    pub landing: bool,
    pub parent_url: Option<String>,
    pub parent_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    pub last_reviewed: Option<String>,
    pub language: Option<String>,
    /// Put at its position by a best bet rather than by its score.
    pub pinned: bool,
    /// Where a front-end links the result so that the click is counted: `/click?...` on
    /// this API, which redirects to `url`. Set by the API, absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub click_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// Why a result is where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Explain {
    /// BM25 over the weighted fields, before any multiplier.
    pub text_score: f32,
    /// Every multiplier applied, with its rule.
    pub boosts: Vec<Boost>,
    /// The best bet that pinned this result, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned_by: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot open index `{path}`: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("search failed: {0}")]
    Query(#[source] tantivy::TantivyError),
    #[error("index is damaged: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("unknown section `{value}`: allowed are {}", allowed.join(", "))]
    UnknownSection { value: String, allowed: Vec<String> },
}
