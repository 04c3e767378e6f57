//! `GET /health`: whether the service has an index to serve.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::AppState;

#[utoipa::path(
    get,
    path = "/health",
    tag = "service",
    responses(
        (status = 200, description = "An index is being served",
            body = super::openapi::HealthServing),
        (status = 503, description = "No index has been built yet",
            body = super::openapi::HealthNoIndex),
    )
)]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let Some(engine) = state.index.engine() else {
        let body = json!({
            "status": "no_index",
            "reason": "no index generation has been published in the data folder yet",
        });
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body));
    };
    let generation = engine.generation();
    let body = json!({
        "status": "serving",
        "generation": generation.number,
        "created_at": generation.meta.created_at,
        "pages": generation.meta.num_pages,
        "documents": generation.meta.num_documents,
    });
    (StatusCode::OK, Json(body))
}
