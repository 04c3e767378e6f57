//! Extraction: turn one fetched response into a [`crate::record::PageRecord`].
