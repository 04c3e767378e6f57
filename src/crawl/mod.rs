//! Crawling: fetch a site's pages and linked documents over HTTP, politely and within bounds.
//!
//! The crawler stays on the allowed hosts, honours robots.txt and reads sitemaps, normalises
//! URLs so each page is fetched and recorded once, and hands each response to
//! [`crate::extract`]. One bad page never stops a crawl: it is logged with its URL, counted
//! by reason in the [`CrawlSummary`], and skipped.
//!
//! The stages, in the order a URL meets them: [`scope`] (may we visit this host?),
//! [`robots`] and [`sitemap`] (seeding and rules), [`fetch`] (one polite GET), then the
//! engine, which follows redirects, decides a page's identity ([`urlnorm`], canonical
//! links, content hashes) and runs extraction off the async runtime.

mod engine;
pub mod fetch;
pub mod robots;
pub mod scope;
pub mod sitemap;
pub mod urlnorm;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::config::SiteConfig;
use crate::record::PageRecord;

/// What a crawl needs besides the site config.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Start URLs; their host:port pairs are allowed hosts. When empty, the config's
    /// `site.start_urls` are used.
    pub start_urls: Vec<Url>,
    pub site: SiteConfig,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// The program started as the isolated document worker (with the arguments
    /// `extract-document --kind pdf|docx`). `None` means this executable, which is right
    /// for the `offer-search` binary; tests point it at `CARGO_BIN_EXE_offer-search`.
    pub worker_program: Option<PathBuf>,
}

impl CrawlOptions {
    /// Options for crawling `start_urls` with `site`, no progress bar, and this
    /// executable as the document worker.
    pub fn new(start_urls: Vec<Url>, site: SiteConfig) -> CrawlOptions {
        CrawlOptions {
            start_urls,
            site,
            progress: false,
            worker_program: None,
        }
    }
}

/// Crawls the site from the start URLs and returns every page and linked document once.
///
/// Runs until the frontier is empty or `max_pages` URLs were fetched; individual failures
/// are counted in [`CrawlSummary::skipped`], never returned. Must run inside a tokio
/// runtime (HTML is parsed on its blocking pool, documents in child processes). Fails only when the crawl
/// cannot start: no start URL, a start URL that is not http(s), an HTTP client or worker
/// program that cannot be set up, or an invalid extract selector.
pub async fn crawl(options: CrawlOptions) -> Result<CrawlOutput, CrawlError> {
    engine::run(options).await
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
    #[error("cannot crawl start URL `{url}`: only http and https are supported")]
    UnsupportedStartUrl { url: String },
    #[error("cannot find the document worker program: {source}")]
    WorkerProgram {
        #[source]
        source: std::io::Error,
    },
    #[error("cannot use the extract config: {source}")]
    Extract {
        #[source]
        source: crate::extract::ExtractError,
    },
}
