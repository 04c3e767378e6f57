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
//!
//! Given what the last crawl learned ([`revisit::PreviousCrawl`]), a crawl is incremental:
//! every URL is still visited, so links and removals are seen, but with conditional
//! requests, and an unchanged page costs a 304 instead of a download and a parse.

mod engine;
pub mod fetch;
pub mod revisit;
pub mod robots;
pub mod scope;
pub mod sitemap;
pub mod urlnorm;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::config::SiteConfig;
use crate::record::PageRecord;
use revisit::{FetchRecord, PreviousCrawl};

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
    /// What the last crawl of this site learned; empty for a full crawl.
    pub previous: PreviousCrawl,
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
            previous: PreviousCrawl::default(),
        }
    }
}

/// Crawls the site from the start URLs and returns every page and linked document once.
///
/// Runs until the frontier is empty, `max_pages` URLs were fetched, the error budget is
/// spent or the deadline passes (the last two set [`CrawlSummary::stopped`]); individual
/// failures are counted in [`CrawlSummary::skipped`], never returned. Must run inside a tokio
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
    /// Every URL that gave an answer, for the next crawl ([`revisit`]).
    pub fetches: Vec<FetchRecord>,
    /// External link (normalised) → the crawled pages carrying it. A link that redirects
    /// off-site counts as a link to where it leads.
    pub external_links: BTreeMap<String, BTreeSet<String>>,
    /// Links to in-scope URLs that answered 4xx.
    pub broken_links: Vec<BrokenLink>,
}

/// A crawled link to an in-scope URL that answered 4xx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    pub url: String,
    pub status: u16,
    /// The crawled pages linking to it.
    pub pages: Vec<String>,
}

/// Why a crawl stopped before its frontier was empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stopped {
    /// `error-budget` or `deadline`.
    pub reason: String,
    pub detail: String,
}

/// Counts for the end-of-crawl summary and the crawl report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlSummary {
    /// `incremental` when the last crawl's state was used, else `full`.
    pub mode: String,
    pub pages: usize,
    pub documents: usize,
    /// URLs that gave an answer (any status).
    pub fetched: usize,
    /// Answers that were 304 Not Modified.
    pub not_modified: usize,
    /// Pages and documents whose last extraction was reused (304, or the same body).
    pub reused: usize,
    /// Records compared with the last crawl's index: not in it, in it with another
    /// content hash, in it unchanged, and in it but gone now.
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// HTTP requests sent (robots.txt, sitemaps and retries included) and retries.
    pub requests: usize,
    pub retries: usize,
    /// Response body bytes received, after decompression.
    pub downloaded_bytes: u64,
    /// URLs not recorded, by reason (`robots`, `noindex`, `http-404`, `timeout`, ...).
    pub skipped: BTreeMap<String, usize>,
    /// Distinct links to other hosts seen on crawled pages.
    pub external_links: usize,
    /// Distinct in-scope links that answered 4xx.
    pub broken_links: usize,
    /// Set when the crawl stopped early; such a crawl is incomplete.
    pub stopped: Option<Stopped>,
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
