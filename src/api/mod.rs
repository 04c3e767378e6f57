//! The HTTP API (axum): `/search`, `/health`.
