//! Searching: parse the query, score with the ranking rules, shape results and snippets.
//!
//! [`Engine`] opens one index generation; [`Engine::search`] takes a [`SearchRequest`] and the
//! live [`crate::config::RankingConfig`] and returns a [`SearchResponse`] whose JSON is the
//! public API's result shape.

mod engine;
pub mod facets;
mod facts;
pub mod live;
pub mod query;
pub mod scoring;
pub mod snippet;
pub mod spelling;
pub mod suggest;
mod union;
mod window;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use utoipa::ToSchema;

pub use engine::{Engine, RescoreWindow, description_of};
pub use scoring::Boost;

use crate::record::{Audience, Kind, Stage};

/// Results per page when the caller does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// The most results one request may ask for; larger limits are clamped to it.
pub const MAX_LIMIT: usize = 50;
/// How deep paging may go: `offset + limit` never exceeds this.
pub const MAX_WINDOW: usize = 1_000;

/// One search, validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub kind: Option<Kind>,
    pub section: Option<String>,
    /// Attach the score breakdown to each result.
    pub explain: bool,
    /// Put documents under the page that links to them (`false`: one flat list).
    pub group: bool,
    /// Count matches by section and kind.
    pub facets: bool,
    /// Search words the index has never seen as the nearest word it has (`false`: as typed).
    pub correct: bool,
    /// Whom the results are for: pages written for others are demoted.
    pub audience: Audience,
    /// Give each result a snippet (`false`: empty snippets, for callers that show none).
    pub snippets: bool,
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
            group: true,
            facets: true,
            correct: true,
            audience: Audience::Family,
            snippets: true,
        }
    }
}

/// The answer to a search, serialised as the API's JSON body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResponse {
    pub query: String,
    /// Every matching record, not just this page of them.
    pub total: usize,
    pub took_ms: f64,
    pub results: Vec<SearchHit>,
    /// Whether results continue after this page.
    pub has_more: bool,
    /// How many entries the whole list has once documents sit under their pages: exact when
    /// every match was ranked, else an estimate (for the search page's page count).
    #[serde(skip)]
    pub entries: usize,
    /// Matches by section and by kind, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// A corrected query: `applied` when the results are already those of the correction
    /// (the typed query had words the site never uses), else a suggestion with its count.
    pub did_you_mean: Option<DidYouMean>,
    /// Messages of the best bets this query triggered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub best_bets: Vec<BestBetNotice>,
}

impl SearchResponse {
    fn empty(query: &str) -> SearchResponse {
        SearchResponse {
            query: query.to_string(),
            total: 0,
            took_ms: 0.0,
            results: Vec::new(),
            has_more: false,
            entries: 0,
            facets: None,
            did_you_mean: None,
            best_bets: Vec::new(),
        }
    }
}

/// A spelling correction of the query.
#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
pub struct DidYouMean {
    pub query: String,
    /// How many records the corrected query finds.
    pub total: usize,
    pub applied: bool,
}

/// Counts of matching records, for filters.
#[derive(Debug, Clone, Default, Serialize, PartialEq, ToSchema)]
pub struct Facets {
    /// By section, largest first; counted under the kind filter but not the section one.
    pub sections: Vec<FacetValue>,
    /// Pages and documents; counted under the section filter but not the kind one.
    pub kinds: Vec<FacetValue>,
}

#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
pub struct FacetValue {
    /// What to pass as the filter parameter.
    pub value: String,
    pub label: String,
    pub count: usize,
}

/// A document shown under the page that links to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentHit {
    pub url: String,
    pub path: String,
    pub title: String,
    pub kind: Kind,
    pub content_type: String,
    pub size_bytes: u64,
    pub snippet: String,
    /// As [`SearchHit::click_url`], with the rank of the page it is shown under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub click_url: Option<String>,
}

/// A best bet's message, shown with the results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BestBetNotice {
    pub name: String,
    pub message: String,
}

/// One result.
#[derive(Debug, Clone, Serialize, ToSchema)]
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
    /// Whom the page is written for.
    pub audience: Audience,
    /// Where it sits on the support pathway.
    pub stage: Stage,
    /// With grouping, the matching documents this page links to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentHit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// Why a result is where it is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Explain {
    /// BM25 over the weighted fields, before any multiplier.
    pub text_score: f32,
    /// The query's score in each field on its own (weights applied, bonuses left out).
    pub fields: BTreeMap<&'static str, f32>,
    /// Synonym rules whose phrase this result holds: `typed → synonym (rule)`.
    pub synonyms: Vec<String>,
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
    #[error("cannot read `{path}`: {source}")]
    Vocabulary {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("index is damaged: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("unknown section `{value}`: allowed are {}", allowed.join(", "))]
    UnknownSection { value: String, allowed: Vec<String> },
}
