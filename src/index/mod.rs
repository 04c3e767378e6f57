//! Indexing: site-level facts, the tantivy schema, and building one index generation.
