//! `GET /metrics`: Prometheus text format.
//!
//! Request counts and latency histograms by route come from a middleware on every request;
//! index size and age and the last crawl's outcomes are read from the served generation when
//! the metrics are scraped, so they are never stale.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::AppState;

/// Latency buckets, in seconds: most searches should land in the first few.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process-wide recorder, installed on first use. `None` only if another recorder was
/// installed first (then metrics are simply not exported).
fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".to_string()),
                    &LATENCY_BUCKETS,
                )
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(err) => {
                    tracing::warn!(error = %err, "cannot install the metrics recorder");
                    None
                }
            }
        })
        .as_ref()
}

/// Installs the recorder now, so that the first requests are counted.
pub fn init() {
    let _ = handle();
}

/// How often recorded latencies are folded into the histogram buckets. The recorder keeps
/// every sample until then (about 8 bytes a request), so without it a server whose
/// `/metrics` nobody scrapes grows for as long as it runs.
pub const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Folds recorded samples into the histograms every [`UPKEEP_INTERVAL`], until the
/// runtime stops. `install_recorder` leaves this to the caller; `serve` spawns it.
pub async fn keep_up() {
    let Some(handle) = handle() else {
        return;
    };
    let mut ticker = tokio::time::interval(UPKEEP_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        handle.run_upkeep();
    }
}

/// Counts each request and times it, labelled by its route (not its raw path, so that
/// query strings and unknown paths cannot grow the label set).
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |path| path.as_str())
        .to_string();
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let seconds = started.elapsed().as_secs_f64();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(seconds);
    response
}

#[utoipa::path(
    get,
    path = "/metrics",
    tag = "service",
    responses(
        (status = 200, description = "Metrics in the Prometheus text format",
            content_type = "text/plain"),
        (status = 503, description = "Metrics are not available", content_type = "text/plain"),
    )
)]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let Some(handle) = handle() else {
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "metrics are not available\n",
        )
            .into_response();
    };
    match state.index.engine() {
        Some(engine) => {
            let generation = engine.generation();
            let meta = &generation.meta;
            metrics::gauge!("index_serving").set(1.0);
            metrics::gauge!("index_generation").set(generation.number as f64);
            metrics::gauge!("index_records", "kind" => "page").set(meta.num_pages as f64);
            metrics::gauge!("index_records", "kind" => "document").set(meta.num_documents as f64);
            if let Ok(created) = chrono::DateTime::parse_from_rfc3339(&meta.created_at) {
                let age = chrono::Utc::now().signed_duration_since(created);
                metrics::gauge!("index_age_seconds").set(age.num_seconds() as f64);
            }
            if let Some(crawl) = &meta.crawl {
                record_crawl(crawl);
            }
        }
        None => metrics::gauge!("index_serving").set(0.0),
    }
    let body = handle.render();
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// The crawl report's counts as gauges: pages, documents, and skipped URLs by reason.
fn record_crawl(crawl: &serde_json::Value) {
    for (name, key) in [("page", "pages"), ("document", "documents")] {
        if let Some(count) = crawl.get(key).and_then(|value| value.as_f64()) {
            metrics::gauge!("crawl_recorded", "kind" => name).set(count);
        }
    }
    if let Some(skipped) = crawl.get("skipped").and_then(|value| value.as_object()) {
        for (reason, count) in skipped {
            if let Some(count) = count.as_f64() {
                metrics::gauge!("crawl_skipped", "reason" => reason.clone()).set(count);
            }
        }
    }
    if let Some(seconds) = crawl.get("elapsed").and_then(|value| value.as_f64()) {
        metrics::gauge!("crawl_duration_seconds").set(seconds);
    }
}
