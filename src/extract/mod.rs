//! Extraction: turn one fetched response into a [`crate::record::PageRecord`].
//!
//! HTML is parsed in-process with `scraper` ([`html`]). Documents (PDF, DOCX) come from
//! untrusted files, so [`document`] extracts them in a child process with time and memory
//! limits. [`text`] holds what both share: whitespace, review dates, language.

pub mod document;
pub mod html;
pub mod text;

use sha2::{Digest, Sha256};

pub use html::{ExtractedHtml, HtmlExtractor, extract_html};

/// A response that could not be turned into a record.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("invalid CSS selector `{selector}` in the extract config")]
    Selector { selector: String },
    #[error("no text in `{url}`: neither a title nor any body text")]
    Empty { url: String },
}

/// Returns the SHA-256 of `bytes` as lowercase hex, the form of `PageRecord::content_hash`.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Returns the media type of a `Content-Type` value without parameters, lowercased.
pub fn media_type(content_type_header: &str) -> String {
    content_type_header
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn media_type_strips_parameters() {
        assert_eq!(media_type("Text/HTML; charset=windows-1252"), "text/html");
        assert_eq!(media_type("application/pdf"), "application/pdf");
    }
}
