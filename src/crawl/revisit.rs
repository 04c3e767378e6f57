//! What a crawl remembers about each URL, so the next one can ask "has it changed?".
//!
//! Every fetched URL leaves a [`FetchRecord`]: its status, validators (`ETag`,
//! `Last-Modified`), content hash, and, for a page or document, its [`Extraction`], the
//! report the crawl loop absorbed. A recrawl sends the validators back; a 304, or a 200
//! whose body hashes the same, replays the stored extraction instead of parsing again, so
//! the loop takes exactly the decisions it took last time. Storage (SQLite) is
//! [`crate::state`]'s business; this module is the in-memory form the engine reads.
//!
//! Stored extractions are only valid for the code and config that produced them: the
//! [`fingerprint`] of both is kept with them, and a crawl whose fingerprint differs
//! starts from nothing.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use super::fetch::Validators;
use crate::config::SiteConfig;
use crate::extract::html::ExtractedHtml;
use crate::record::PageRecord;

/// Bumped whenever extraction changes what it makes of the same bytes, so records stored
/// by an older build are extracted again rather than reused.
pub const EXTRACTION_VERSION: u32 = 1;

/// One URL as the last crawl fetched it.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchRecord {
    /// The identity key of the URL that answered (after redirects).
    pub key: String,
    /// The final HTTP status; 304 is stored as the 200 it stands for.
    pub status: u16,
    pub validators: Validators,
    /// SHA-256 of the body, for answers that had one.
    pub content_hash: Option<String>,
    pub fetched_at: DateTime<Utc>,
    /// What extraction made of the body; `None` for answers that were not extracted.
    /// Shared: a replayed extraction is the very one read from the crawl state.
    pub extraction: Option<Arc<Extraction>>,
    /// `extraction` is what the crawl state already holds for `key` (it was read from
    /// there, or replayed from the last crawl), so saving need not write it again.
    pub extraction_stored: bool,
}

/// What the crawl loop was told about one fetched page or document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Extraction {
    Page(StoredPage),
    Document(StoredDocument),
}

impl Extraction {
    /// The record this extraction carries.
    pub fn record(&self) -> &PageRecord {
        match self {
            Extraction::Page(page) => &page.record,
            Extraction::Document(document) => &document.record,
        }
    }
}

/// An HTML page's extraction: the record plus what the loop needs besides it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPage {
    pub record: PageRecord,
    pub canonical: Option<String>,
    pub noindex: bool,
    pub nofollow: bool,
    /// Link targets as requested (see [`ExtractedHtml::link_targets`]).
    pub link_targets: Vec<String>,
    pub header_noindex: bool,
    pub header_nofollow: bool,
}

impl StoredPage {
    pub fn new(extracted: &ExtractedHtml, header_noindex: bool, header_nofollow: bool) -> Self {
        StoredPage {
            record: extracted.record.clone(),
            canonical: extracted.canonical.as_ref().map(Url::to_string),
            noindex: extracted.noindex,
            nofollow: extracted.nofollow,
            link_targets: extracted.link_targets.iter().map(Url::to_string).collect(),
            header_noindex,
            header_nofollow,
        }
    }

    /// The extraction as [`crate::extract::html::HtmlExtractor`] produced it. Stored URLs
    /// that no longer parse (they always should) lose their link rather than the page.
    pub fn to_extracted(&self) -> ExtractedHtml {
        let mut record = self.record.clone();
        let mut link_targets: Vec<Url> = Vec::with_capacity(self.link_targets.len());
        let mut links = Vec::with_capacity(record.links.len());
        for (link, target) in record.links.drain(..).zip(&self.link_targets) {
            if let Ok(url) = Url::parse(target) {
                links.push(link);
                link_targets.push(url);
            }
        }
        record.links = links;
        ExtractedHtml {
            record,
            canonical: self
                .canonical
                .as_deref()
                .and_then(|text| Url::parse(text).ok()),
            noindex: self.noindex,
            nofollow: self.nofollow,
            link_targets,
        }
    }
}

/// A document's extraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDocument {
    pub record: PageRecord,
    pub header_noindex: bool,
}

/// What the previous crawl left: its fetches by key and the records it indexed.
#[derive(Debug, Clone, Default)]
pub struct PreviousCrawl {
    /// Fetch records by [`FetchRecord::key`].
    pub fetches: HashMap<String, FetchRecord>,
    /// Indexed record URL → content hash, to tell new, changed and removed records.
    pub indexed: HashMap<String, String>,
}

impl PreviousCrawl {
    /// The validators to send for `key`: only when a stored extraction can stand in for
    /// the body a 304 will not carry.
    pub fn validators_for(&self, key: &str) -> Option<&Validators> {
        let fetch = self.fetches.get(key)?;
        if fetch.extraction.is_none() || fetch.validators.is_empty() {
            return None;
        }
        Some(&fetch.validators)
    }

    /// The stored extraction of `key` when its body hashed to `content_hash`.
    pub fn unchanged(&self, key: &str, content_hash: &str) -> Option<&Arc<Extraction>> {
        let fetch = self.fetches.get(key)?;
        let extraction = fetch.extraction.as_ref()?;
        (fetch.content_hash.as_deref() == Some(content_hash)).then_some(extraction)
    }

    /// The stored extraction of `key`, whatever its hash (for a 304).
    pub fn extraction(&self, key: &str) -> Option<&Arc<Extraction>> {
        self.fetches.get(key)?.extraction.as_ref()
    }
}

/// A digest of everything that shapes what extraction makes of a body: the extraction
/// code's version, the program version, the extract selectors and the dropped query
/// parameters (which decide link keys). Stored extractions are reused only under the same
/// fingerprint.
pub fn fingerprint(site: &SiteConfig) -> String {
    let extract = &site.extract;
    let parts = serde_json::json!({
        "extraction_version": EXTRACTION_VERSION,
        "program_version": env!("CARGO_PKG_VERSION"),
        "drop_selectors": extract.drop_selectors,
        "main_selectors": extract.main_selectors,
        "title_suffix": extract.title_suffix,
        "drop_query_params": site.crawl.drop_query_params,
    });
    let digest = Sha256::digest(parts.to_string().as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Kind, Link, LinkPlace};

    fn record(url: &str) -> PageRecord {
        PageRecord {
            url: url.to_string(),
            kind: Kind::Page,
            title: "T".into(),
            description: String::new(),
            keywords: String::new(),
            headings: Vec::new(),
            body: "text".into(),
            breadcrumbs: Vec::new(),
            links: vec![Link {
                url: "http://example.test/a".into(),
                text: "A".into(),
                place: LinkPlace::Main,
            }],
            language: None,
            last_reviewed: None,
            content_type: "text/html".into(),
            size_bytes: 4,
            content_hash: "h1".into(),
        }
    }

    fn fetch(extraction: Option<Extraction>, etag: Option<&str>) -> FetchRecord {
        FetchRecord {
            key: "http://example.test/".into(),
            status: 200,
            validators: Validators {
                etag: etag.map(str::to_string),
                last_modified: None,
            },
            content_hash: Some("h1".into()),
            fetched_at: Utc::now(),
            extraction: extraction.map(Arc::new),
            extraction_stored: false,
        }
    }

    #[test]
    fn stored_page_round_trips() -> Result<(), url::ParseError> {
        let extracted = ExtractedHtml {
            record: record("http://example.test/"),
            canonical: Some(Url::parse("http://example.test/canonical")?),
            noindex: false,
            nofollow: true,
            link_targets: vec![Url::parse("http://example.test/a/")?],
        };
        let stored = StoredPage::new(&extracted, true, false);
        let back = stored.to_extracted();
        assert_eq!(back.record, extracted.record);
        assert_eq!(back.canonical, extracted.canonical);
        assert_eq!(back.link_targets, extracted.link_targets);
        assert!(back.nofollow && !back.noindex);
        assert!(stored.header_noindex);
        Ok(())
    }

    #[test]
    fn validators_only_with_an_extraction_to_replay() {
        let page = Extraction::Document(StoredDocument {
            record: record("http://example.test/"),
            header_noindex: false,
        });
        let mut previous = PreviousCrawl::default();
        previous
            .fetches
            .insert("k".into(), fetch(Some(page), Some("\"e\"")));
        previous
            .fetches
            .insert("bare".into(), fetch(None, Some("\"e\"")));
        previous
            .fetches
            .insert("no-validators".into(), fetch(None, None));
        assert!(previous.validators_for("k").is_some());
        assert!(previous.validators_for("bare").is_none());
        assert!(previous.validators_for("no-validators").is_none());
        assert!(previous.unchanged("k", "h1").is_some());
        assert!(previous.unchanged("k", "h2").is_none());
    }

    #[test]
    fn fingerprint_follows_the_extract_config() {
        let site = SiteConfig::default();
        let mut changed = SiteConfig::default();
        changed.extract.drop_selectors.push(".promo".into());
        assert_eq!(fingerprint(&site), fingerprint(&SiteConfig::default()));
        assert_ne!(fingerprint(&site), fingerprint(&changed));
    }
}
