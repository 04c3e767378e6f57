//! `/admin/reports/{name}`, `/admin/review/tracker` and `/admin/analytics/status`: the
//! steering group's reports as JSON (or CSV with `?format=csv`), the tracker upload, and
//! the state of the search log.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{ApiError, AppState};
use crate::analytics::db as analytics_db;
use crate::report::{
    self, DEFAULT_ROWS, DateRange, MAX_ROWS, Options, ReportError, ReportKind, Sources, tracker,
};

/// The file name the tracker is stored under when the upload does not say.
const DEFAULT_TRACKER_NAME: &str = "tracker.csv";

/// `GET /admin/reports/{name}?from=&to=&as_of=&rows=&format=json|csv`.
pub async fn report(
    State(state): State<AppState>,
    Path(name): Path<String>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) =
        params.map_err(|err| ApiError::bad_request("bad_query_string", err.body_text()))?;
    let kind = ReportKind::parse(&name)?;
    let options = parse_options(&params)?;
    let csv = match params.get("format").map(String::as_str) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "bad_format",
                format!(
                    "unknown format `{}`: allowed are json, csv",
                    other.chars().take(20).collect::<String>()
                ),
            ));
        }
    };
    let engine = state.index.engine();
    if kind.needs_index() && engine.is_none() {
        return Err(ApiError::NoIndex);
    }

    let config = state.config.load();
    let analytics = state.analytics.clone();
    let link_checks = state.link_checks.clone();
    let data_dir = state.index.data().root().to_path_buf();
    let built = tokio::task::spawn_blocking(move || {
        // Reports include what was searched up to this moment.
        analytics.flush();
        let records = match engine {
            Some(engine) if kind.needs_index() => Some(
                engine
                    .records()
                    .map_err(|err| ReportError::Index(err.to_string()))?,
            ),
            _ => None,
        };
        let sources = Sources {
            data_dir: &data_dir,
            records: records.as_deref(),
            config: &config,
            links: link_checks.as_ref(),
        };
        report::build(kind, &sources, &options)
    })
    .await
    .map_err(|err| ApiError::Internal(format!("report task failed: {err}")))??;

    if !csv {
        return Ok(Json(built.to_json()).into_response());
    }
    let body = built.to_csv()?;
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Reads `from`, `to`, `as_of` (YYYY-MM-DD) and `rows`.
pub fn parse_options(params: &HashMap<String, String>) -> Result<Options, ApiError> {
    let from = parse_date(params, "from")?;
    let to = parse_date(params, "to")?;
    let range = DateRange::new(from, to)?;
    let as_of = parse_date(params, "as_of")?.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let rows = match params.get("rows").map(|text| text.trim()) {
        None | Some("") => DEFAULT_ROWS,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|rows| (1..=MAX_ROWS).contains(rows))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "bad_rows",
                    format!(
                        "`rows` must be a whole number from 1 to {MAX_ROWS}, not `{}`",
                        text.chars().take(20).collect::<String>()
                    ),
                )
            })?,
    };
    Ok(Options { range, as_of, rows })
}

fn parse_date(params: &HashMap<String, String>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    let Some(text) = params
        .get(name)
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
    else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            ApiError::bad_request(
                "bad_date",
                format!(
                    "`{name}` must be a date as YYYY-MM-DD, not `{}`",
                    text.chars().take(20).collect::<String>()
                ),
            )
        })
}

/// `POST /admin/review/tracker?name=FILE.csv` with the CSV as the body: replaces the stored
/// tracker when every row is good, else `422` listing every bad row by line.
pub async fn import_tracker(
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let Query(params) =
        params.map_err(|err| ApiError::bad_request("bad_query_string", err.body_text()))?;
    let name: String = params
        .get("name")
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .unwrap_or(DEFAULT_TRACKER_NAME)
        .chars()
        .take(120)
        .collect();
    let database = state.index.data().root().join(report::TRACKER_FILE);
    let summary = tokio::task::spawn_blocking(move || tracker::import(&database, &name, &body))
        .await
        .map_err(|err| ApiError::Internal(format!("tracker import task failed: {err}")))??;
    Ok(Json(json!({ "status": "imported", "import": summary })))
}

/// `GET /admin/analytics/status`: whether logging is on, the counters since the server
/// started, and the rows kept.
pub async fn analytics_status(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let config = state.config.load();
    let analytics = state.analytics.clone();
    let path = state.index.data().root().join(analytics_db::ANALYTICS_FILE);
    let counts = tokio::task::spawn_blocking(move || {
        analytics.flush();
        let connection = analytics_db::open_for_reading(&path)?;
        analytics_db::row_counts(&connection, &path)
    })
    .await
    .map_err(|err| ApiError::Internal(format!("analytics status task failed: {err}")))?;
    // A log that cannot be read is what this endpoint is for: say so instead of failing.
    let (stored, problem) = match counts {
        Ok((searches, clicks)) => (json!({ "searches": searches, "clicks": clicks }), None),
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the analytics log");
            (Value::Null, Some(err.to_string()))
        }
    };
    Ok(Json(json!({
        "logging": config.insight.analytics.enabled && state.analytics.is_enabled(),
        "retention_days": config.insight.analytics.retention_days,
        "since_start": state.analytics.stats(),
        "stored": stored,
        "problem": problem,
    })))
}
