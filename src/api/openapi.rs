//! `GET /openapi.json`: the OpenAPI 3.1 description of the public API.
//!
//! Each route's description sits on its handler (`#[utoipa::path]`) and is collected by the
//! router that serves it (utoipa-axum), so a described path is always a served one; result
//! shapes come from `ToSchema` on the response types themselves. The JSON bodies built
//! with `json!` (errors, health) are described by the types below, and a test checks real
//! responses against the document.

use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::record::{Audience, Kind};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "offer-search",
        description = "Site search for a SEND Local Offer website: ranked results with \
            snippets, facets and spelling corrections, type-ahead suggestions, and the \
            service's health, and click counting. Every error is `{\"error\": {\"code\", \"message\"}}`. The \
            search page at `/` and the A to Z page at `/a-z` are built on the same engine; \
            admin routes are not listed."
    ),
    tags(
        (name = "search", description = "Searching the Local Offer"),
        (name = "analytics", description = "Counting which results people open"),
        (name = "service", description = "The service itself")
    )
)]
pub struct ApiDoc;

/// The query parameters of `GET /search`.
#[derive(Debug, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to search for: words and "quoted phrases". Must not be empty.
    pub q: String,
    /// Results per page, 1 to 50 (larger values are clamped); default 10.
    #[param(minimum = 1)]
    pub limit: Option<usize>,
    /// Results to skip; `offset + limit` must not exceed 1000.
    #[param(minimum = 0)]
    pub offset: Option<usize>,
    /// Only pages or only documents.
    pub kind: Option<Kind>,
    /// Only results in this section (a slug from the facets).
    pub section: Option<String>,
    /// Whom the results are for: `family` (the default) or `professional`. Pages written
    /// for the other audience are demoted, not removed.
    pub audience: Option<Audience>,
    /// `true` groups matching documents under the page linking to them (default `true`).
    pub group: Option<bool>,
    /// `true` counts matches by section and kind (default `true`).
    pub facets: Option<bool>,
    /// `false` searches words the index has never seen as typed, without spelling
    /// correction (default `true`).
    pub correct: Option<bool>,
    /// `false` leaves every result's snippet empty, for callers that show none (default
    /// `true`).
    pub snippets: Option<bool>,
    /// `true` adds each result's score breakdown.
    pub explain: Option<bool>,
}

/// The query parameters of `GET /suggest`.
#[derive(Debug, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What has been typed so far; empty gives no suggestions.
    pub q: Option<String>,
    /// How many suggestions, 1 to 20 (larger values are clamped); default 8.
    #[param(minimum = 1)]
    pub limit: Option<usize>,
}

/// The query parameters of `GET /browse`.
#[derive(Debug, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseParams {
    /// Only the topics under this letter (`A` to `Z`, or `0-9`).
    pub letter: Option<String>,
}

/// The query parameters of `GET /click`, as a result's `click_url` carries them.
#[derive(Debug, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClickParams {
    /// Where to go: a page or document in the index.
    pub url: String,
    /// The search the result came from.
    pub q: Option<String>,
    /// The result's position, counting from 1 across pages of results.
    #[param(minimum = 1, maximum = 1000)]
    pub rank: Option<u32>,
}

/// `202` from `POST /events`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// Always `accepted`.
    #[schema(pattern = "^accepted$")]
    pub status: String,
}

/// Every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `empty_query`, `bad_limit`, `bad_offset`, `bad_flag`,
    /// `bad_kind`, `bad_section`, `bad_audience`, `bad_letter`, `bad_url`, `unknown_url`,
    /// `bad_rank`, `bad_event`, `bad_query_string`, `no_index`, `not_found`, `method_not_allowed`,
    /// `internal`.
    pub code: String,
    /// For people: what was wrong, naming the parameter.
    pub message: String,
    /// Every problem found, for an upload that is refused as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<String>>,
}

/// `GET /health` while an index is served.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthServing {
    /// Always `serving`.
    #[schema(pattern = "^serving$")]
    pub status: String,
    /// The index generation being served.
    pub generation: u64,
    /// When that generation was built (RFC 3339).
    pub created_at: String,
    pub pages: usize,
    pub documents: usize,
}

/// `GET /health` before the first index has been built.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthNoIndex {
    /// Always `no_index`.
    #[schema(pattern = "^no_index$")]
    pub status: String,
    pub reason: String,
}

/// `GET /openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document of the public API",
        content_type = "application/json"))
)]
pub async fn document() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let json = DOCUMENT.get_or_init(|| {
        let openapi = super::public_api().into_openapi();
        openapi.to_pretty_json().unwrap_or_else(|err| {
            tracing::error!(error = %err, "cannot serialise the OpenAPI document");
            String::from("{}")
        })
    });
    ([(CONTENT_TYPE, "application/json")], json.as_str()).into_response()
}
