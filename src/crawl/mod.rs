//! Crawling: fetch a site's pages and linked documents over HTTP, politely and within bounds.
//!
//! The crawler stays on the allowed hosts, honours robots.txt and reads sitemaps, normalises
//! URLs so each page is fetched and recorded once, and hands each response to
//! [`crate::extract`]. One bad page never stops a crawl: it is logged with its URL, counted
//! by reason in the [`CrawlSummary`], and skipped.

pub mod urlnorm;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::config::SiteConfig;
use crate::record::PageRecord;

/// What a crawl needs besides the site config.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Start URLs; their host:port pairs are allowed hosts.
    pub start_urls: Vec<Url>,
    pub site: SiteConfig,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
}

/// The outcome of one crawl.
#[derive(Debug, Clone)]
pub struct CrawlOutput {
    /// One record per distinct page or document, in discovery order.
    pub records: Vec<PageRecord>,
    pub summary: CrawlSummary,
}

/// Counts for the end-of-crawl summary and the crawl report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlSummary {
    pub pages: usize,
    pub documents: usize,
    /// URLs not recorded, by reason (`robots`, `noindex`, `http-404`, `timeout`, ...).
    pub skipped: BTreeMap<String, usize>,
    /// Links to other hosts seen on crawled pages.
    pub external_links: usize,
    #[serde(serialize_with = "serialize_secs")]
    pub elapsed: Duration,
}

fn serialize_secs<S: serde::Serializer>(
    value: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(value.as_secs_f64())
}

/// A crawl that could not run at all (individual page failures are counted, not errors).
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error("no start URLs: give one on the command line or add `start_urls` to site.toml")]
    NoStartUrls,
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}
