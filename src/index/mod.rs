//! Indexing: site-level facts, the tantivy schema, and building one index generation.
//!
//! Index-time facts, query-time judgement: the index stores what a record *is* (kind,
//! section, landing level, text per field); how much each of those counts is decided at
//! query time from `ranking.toml`, so rule changes never need a reindex.

pub mod brief;
pub mod browse;
mod build;
pub mod classify;
pub mod schema;
pub mod site;

pub use build::{BuildError, GenerationMeta, build_index};
