//! Extraction: turn one fetched response into a [`crate::record::PageRecord`].
//!
//! HTML is parsed in-process with `scraper`. Documents (PDF, DOCX) come from untrusted
//! files, so [`document`] extracts them in a child process with time and memory limits.

pub mod document;
