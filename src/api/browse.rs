//! `GET /browse`: the A to Z of topics, as JSON.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Serialize;

use super::{ApiError, AppState};
use crate::index::browse::Letter;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BrowseResponse {
    pub generation: u64,
    pub introduction: String,
    /// Every letter that has topics, for the letter navigation.
    pub letters_available: Vec<String>,
    pub letters: Vec<Letter>,
}

/// `?letter=S` narrows the answer to one letter.
#[utoipa::path(
    get,
    path = "/browse",
    tag = "search",
    params(super::openapi::BrowseParams),
    responses(
        (status = 200, description = "The A to Z of topics", body = BrowseResponse),
        (status = 400, description = "`letter` is not one letter", body = super::openapi::ErrorBody),
        (status = 503, description = "No index has been built yet",
            body = super::openapi::ErrorBody),
    )
)]
pub async fn browse(
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<BrowseResponse>, ApiError> {
    let Query(params) =
        params.map_err(|err| ApiError::bad_request("bad_query_string", err.body_text()))?;
    let Some(engine) = state.index.engine() else {
        return Err(ApiError::NoIndex);
    };
    let atoz = engine.browse();
    let letters_available: Vec<String> = atoz
        .letters
        .iter()
        .map(|letter| letter.letter.clone())
        .collect();
    // The same letters as the A to Z page takes.
    let wanted =
        super::page::atoz::chosen_letter(atoz, params.get("letter").map(String::as_str))
            .map_err(|_| ApiError::bad_request("bad_letter", "`letter` is one letter, or 0-9"))?;
    let letters = match &wanted {
        None => atoz.letters.clone(),
        Some(letter) => atoz
            .letters
            .iter()
            .filter(|entry| entry.letter == *letter)
            .cloned()
            .collect(),
    };
    Ok(Json(BrowseResponse {
        generation: engine.generation().number,
        introduction: atoz.introduction.clone(),
        letters_available,
        letters,
    }))
}
