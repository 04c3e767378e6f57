//! `GET /`: the reference search page, rendered on the server, and its two assets; and
//! `GET /a-z`, the A to Z of topics in the same frame and style.
//!
//! The page is a plain GET form with links for filters and pages, so it works fully without
//! JavaScript; `assets/search.js` then adds suggestions as you type and updates results in
//! place. It asks the same engine as `/search`, with documents grouped under their page
//! and facet counts. The look is `assets/search.css`, whose colours are CSS custom
//! properties a council can override from its own stylesheet (`page.stylesheet_url`).
//! The A to Z is plain HTML with in-page links and needs no script at all.

pub(super) mod atoz;
mod links;
mod paging;
mod render;
mod wording;

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use maud::Markup;

use self::atoz::AtozView;
use self::links::SearchLink;
use self::wording::Problem;
use super::{ApiError, AppState};
use crate::config::PageConfig;
use crate::record::Audience;
use crate::search::{SearchRequest, SearchResponse};

const STYLESHEET: &str = include_str!("page/assets/search.css");
const SCRIPT: &str = include_str!("page/assets/search.js");

/// The parameters the page passes on to the search; others (`explain`, `group`) are the
/// API's business and are ignored here.
const PAGE_PARAMETERS: [&str; 7] = [
    "q", "limit", "offset", "kind", "section", "correct", "audience",
];

/// What the page shows.
pub enum View<'a> {
    /// No search yet: the form and a hint.
    Home { audience: Audience },
    Results {
        request: &'a SearchRequest,
        response: &'a SearchResponse,
    },
    /// The search could not be run as asked; `retry` is a search that can.
    Problem {
        typed: &'a str,
        audience: Audience,
        problem: Problem,
        retry: Option<SearchLink>,
    },
    /// No index yet, or a failure on our side.
    Unavailable,
}

/// `GET /`: the form, and results when `q` is given.
pub async fn search_page(
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let config = state.config.load();
    let page_config = &config.api.page;
    let Ok(Query(params)) = params else {
        let problem = wording::problem_for_code("bad_query_string");
        let view = View::Problem {
            typed: "",
            audience: Audience::Family,
            problem,
            retry: None,
        };
        return respond_search(StatusCode::BAD_REQUEST, page_config, &view);
    };
    // Read leniently for the form: a bad value is reported once the search runs.
    let audience = params
        .get("audience")
        .and_then(|text| Audience::parse(text))
        .unwrap_or_default();
    let Some(typed) = params.get("q").map(|q| q.trim().to_string()) else {
        let view = View::Home { audience };
        return respond_search(StatusCode::OK, page_config, &view);
    };

    let passed_on: HashMap<String, String> = params
        .into_iter()
        .filter(|(name, _)| PAGE_PARAMETERS.contains(&name.as_str()))
        .collect();
    let outcome = match super::search::parse_request(&passed_on) {
        Ok(request) => super::search::run(&state, request.clone())
            .await
            .map(|answered| (request, answered.answer)),
        Err(error) => Err(error),
    };
    match outcome {
        Ok((request, response)) => {
            let view = View::Results {
                request: &request,
                response: &response.response,
            };
            respond_search(StatusCode::OK, page_config, &view)
        }
        Err(error) => failure(page_config, &typed, audience, error),
    }
}

/// The page for a search that failed: the problem in plain words for bad input, or a
/// "not working" page when the fault is ours.
fn failure(page_config: &PageConfig, typed: &str, audience: Audience, error: ApiError) -> Response {
    let status = error.status();
    let view = match &error {
        ApiError::BadRequest { code, .. } => {
            let problem = wording::problem_for_code(code);
            let retry = (!typed.is_empty()).then(|| SearchLink::new(typed).for_audience(audience));
            View::Problem {
                typed,
                audience,
                problem,
                retry,
            }
        }
        ApiError::Internal(detail) => {
            tracing::error!(error = %detail, "search page failed");
            View::Unavailable
        }
        _ => View::Unavailable,
    };
    respond_search(status, page_config, &view)
}

/// `GET /a-z`: every topic, or one letter's with `?letter=S`; the same "not working" page
/// as the search when there is no index yet.
pub async fn atoz_page(
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let config = state.config.load();
    let page_config = &config.api.page;
    let Some(engine) = state.index.engine() else {
        let markup = atoz::page(page_config, &AtozView::Unavailable);
        return respond(StatusCode::SERVICE_UNAVAILABLE, page_config, markup);
    };
    let atoz = engine.browse();

    let letter = match &params {
        Ok(Query(params)) => atoz::chosen_letter(atoz, params.get("letter").map(String::as_str)),
        Err(_) => Err(atoz::BadLetter),
    };
    let (status, view) = match &letter {
        Ok(letter) => {
            let letter = letter.as_deref();
            (StatusCode::OK, AtozView::Topics { atoz, letter })
        }
        Err(atoz::BadLetter) => (StatusCode::BAD_REQUEST, AtozView::BadLetter { atoz }),
    };
    respond(status, page_config, atoz::page(page_config, &view))
}

fn respond_search(status: StatusCode, page_config: &PageConfig, view: &View) -> Response {
    respond(status, page_config, render::page(page_config, view))
}

fn respond(status: StatusCode, page_config: &PageConfig, markup: Markup) -> Response {
    let policy = content_security_policy(page_config);
    let mut response = (status, Html(markup.into_string())).into_response();
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Only our own script, styles and requests, plus the origin of the council's stylesheet.
fn content_security_policy(page_config: &PageConfig) -> String {
    let extra_style = page_config
        .stylesheet_url
        .as_deref()
        .and_then(|url| url::Url::parse(url).ok())
        .map(|url| format!(" {}", url.origin().ascii_serialization()))
        .unwrap_or_default();
    format!(
        "default-src 'self'; style-src 'self'{extra_style}; img-src 'self' data:; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `GET /assets/{file}`: the page's stylesheet and script, built into the binary.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "search.css" => (STYLESHEET, "text/css; charset=utf-8"),
        "search.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        _ => return ApiError::NotFound.into_response(),
    };
    let headers = [
        (CONTENT_TYPE, content_type),
        (CACHE_CONTROL, "public, max-age=300"),
    ];
    (headers, body).into_response()
}
