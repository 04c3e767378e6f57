//! `site.toml`: where to crawl, how politely, and what page chrome to drop.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::{ConfigError, invalid, parse_error};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    #[serde(default)]
    site: RawSiteSection,
    #[serde(default)]
    crawl: RawCrawl,
    #[serde(default)]
    extract: RawExtract,
    #[serde(default)]
    schedule: RawSchedule,
    #[serde(default)]
    links: RawLinks,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSiteSection {
    #[serde(default)]
    start_urls: Vec<String>,
    #[serde(default)]
    allowed_hosts: Vec<String>,
    #[serde(default)]
    area_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrawl {
    concurrency: Option<usize>,
    delay_ms: Option<u64>,
    max_pages: Option<usize>,
    max_response_bytes: Option<u64>,
    request_timeout_secs: Option<u64>,
    user_agent: Option<String>,
    drop_query_params: Option<Vec<String>>,
    respect_robots: Option<bool>,
    document_timeout_secs: Option<u64>,
    document_memory_mb: Option<u64>,
    max_retries: Option<u32>,
    retry_base_delay_ms: Option<u64>,
    max_retry_delay_secs: Option<u64>,
    max_consecutive_failures: Option<usize>,
    max_failure_percent: Option<u8>,
    max_crawl_minutes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtract {
    drop_selectors: Option<Vec<String>>,
    main_selectors: Option<Vec<String>>,
    title_suffix: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    recrawl_interval_minutes: Option<u64>,
    build_nice: Option<u8>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLinks {
    allow_private: Option<bool>,
    timeout_secs: Option<u64>,
    delay_ms: Option<u64>,
    concurrency: Option<usize>,
    check_on_schedule: Option<bool>,
}

/// Validated `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {
    /// Where a crawl starts when none are given on the command line.
    pub start_urls: Vec<Url>,
    /// Extra `host` or `host:port` entries a crawl may visit besides the start URLs' hosts.
    pub allowed_hosts: Vec<String>,
    /// Names of the area the Local Offer serves; empty means take them from the site-wide
    /// title suffix (" - Riverford Local Offer" gives "Riverford").
    pub area_names: Vec<String>,
    pub crawl: CrawlConfig,
    pub extract: ExtractConfig,
    pub schedule: ScheduleConfig,
    pub links: LinksConfig,
}

/// Limits and politeness for the crawler.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlConfig {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Minimum gap between two requests to one host (robots.txt `Crawl-delay` may raise it).
    pub delay: Duration,
    pub max_pages: usize,
    /// Responses larger than this are cut off and skipped.
    pub max_response_bytes: u64,
    pub request_timeout: Duration,
    pub user_agent: String,
    /// Query parameters that never change a page's identity. A trailing `*` matches a prefix.
    pub drop_query_params: Vec<String>,
    pub respect_robots: bool,
    /// Wall-clock limit for extracting one document in the isolated worker.
    pub document_timeout: Duration,
    /// Address-space limit for the document worker, in MiB.
    pub document_memory_mb: u64,
    /// Further tries after a 5xx, a 429 or a timeout; 0 means one try only.
    pub max_retries: u32,
    /// The wait before the first retry; each further retry waits twice as long.
    pub retry_base_delay: Duration,
    /// The longest wait before a retry, whether from backoff or a `Retry-After` header.
    pub max_retry_delay: Duration,
    /// Stop fetching new URLs after this many failures in a row; 0 turns the check off.
    pub max_consecutive_failures: usize,
    /// Stop fetching new URLs once this share of requests failed (checked from the
    /// twentieth request on); 0 turns the check off.
    pub max_failure_percent: u8,
    /// Wall-clock limit of one whole crawl; `None` means no limit.
    pub deadline: Option<Duration>,
}

/// When `serve` recrawls by itself, and how hard a rebuild may compete with searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleConfig {
    /// Time between the end of one scheduled crawl and the start of the next; `None`
    /// turns the schedule off.
    pub recrawl_interval: Option<Duration>,
    /// Niceness (0 to 19) of the threads that build a new generation; 0 leaves them at the
    /// priority of the process.
    pub build_nice: u8,
}

/// Niceness of the generation build unless `schedule.build_nice` says otherwise.
pub const DEFAULT_BUILD_NICE: u8 = 10;

impl Default for ScheduleConfig {
    fn default() -> ScheduleConfig {
        ScheduleConfig {
            recrawl_interval: None,
            build_nice: DEFAULT_BUILD_NICE,
        }
    }
}

/// How the external link checker probes links found on crawled pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinksConfig {
    /// Probe links whose host is a private, loopback or link-local address.
    pub allow_private: bool,
    /// Per-request limit, connection included.
    pub timeout: Duration,
    /// Minimum gap between two requests to one host.
    pub delay: Duration,
    /// Hosts probed at once.
    pub concurrency: usize,
    /// Check links after each scheduled crawl that published.
    pub check_on_schedule: bool,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            allow_private: false,
            timeout: Duration::from_secs(10),
            delay: Duration::from_millis(1000),
            concurrency: 4,
            check_on_schedule: false,
        }
    }
}

/// What to strip from HTML before taking its text.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractConfig {
    /// CSS selectors of page chrome removed before the main text is taken.
    pub drop_selectors: Vec<String>,
    /// CSS selectors tried in order to find the main content.
    pub main_selectors: Vec<String>,
    /// A title suffix to remove. `None` means detect one shared by every page.
    pub title_suffix: Option<String>,
}

pub const DEFAULT_USER_AGENT: &str = "offer-search/0.1 (site search crawler)";

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            concurrency: 4,
            delay: Duration::from_millis(100),
            max_pages: 5_000,
            max_response_bytes: 20 * 1024 * 1024,
            request_timeout: Duration::from_secs(20),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            drop_query_params: default_drop_params(),
            respect_robots: true,
            document_timeout: Duration::from_secs(20),
            document_memory_mb: 1024,
            max_retries: 2,
            retry_base_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(60),
            max_consecutive_failures: 25,
            max_failure_percent: 50,
            deadline: Some(Duration::from_secs(4 * 60 * 60)),
        }
    }
}

/// The tracking and session parameters a crawl drops unless `crawl.drop_query_params` says
/// otherwise; a pasted address drops them too.
pub fn default_drop_params() -> Vec<String> {
    [
        "utm_*",
        "jsessionid",
        "sessionid",
        "phpsessid",
        "sid",
        "fbclid",
        "gclid",
        "msclkid",
        "_ga",
    ]
    .iter()
    .map(|param| param.to_string())
    .collect()
}

impl Default for ExtractConfig {
    fn default() -> Self {
        let drop = [
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "header",
            "nav",
            "footer",
            "aside",
            "form",
            "[role=navigation]",
            "[role=banner]",
            "[role=contentinfo]",
            "[role=search]",
            "[aria-hidden=true]",
            "[hidden]",
            ".cookie-banner",
            "#cookie-banner",
            ".cookie-notice",
            "#cookie-notice",
            ".cookies",
            "#cookies",
            "[class*=cookie]",
            ".skip-link",
            ".breadcrumbs",
            ".breadcrumb",
        ];
        let main = [
            "main",
            "[role=main]",
            "#main-content",
            "#content",
            "article",
        ];
        ExtractConfig {
            drop_selectors: drop.iter().map(|s| s.to_string()).collect(),
            main_selectors: main.iter().map(|s| s.to_string()).collect(),
            title_suffix: None,
        }
    }
}

pub(super) fn parse(path: &Path, text: &str) -> Result<SiteConfig, ConfigError> {
    let raw: RawSite = toml::from_str(text).map_err(|err| parse_error(path, text, err))?;
    let defaults = SiteConfig::default();

    let mut start_urls = Vec::new();
    for (position, text) in raw.site.start_urls.iter().enumerate() {
        let key = format!("site.start_urls[{position}]");
        let url =
            Url::parse(text).map_err(|err| invalid(path, &key, format!("`{text}`: {err}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(
                path,
                &key,
                format!("`{text}`: only http and https"),
            ));
        }
        start_urls.push(url);
    }

    let crawl = validate_crawl(path, raw.crawl, defaults.crawl)?;
    let extract = validate_extract(path, raw.extract, defaults.extract)?;
    let build_nice = raw
        .schedule
        .build_nice
        .unwrap_or(defaults.schedule.build_nice);
    if build_nice > 19 {
        return Err(invalid(
            path,
            "schedule.build_nice",
            "must be between 0 and 19",
        ));
    }
    let schedule = ScheduleConfig {
        recrawl_interval: raw
            .schedule
            .recrawl_interval_minutes
            .filter(|minutes| *minutes > 0)
            .map(|minutes| Duration::from_secs(minutes.saturating_mul(60))),
        build_nice,
    };
    let links = validate_links(path, raw.links, defaults.links)?;

    Ok(SiteConfig {
        start_urls,
        allowed_hosts: raw.site.allowed_hosts,
        area_names: raw.site.area_names,
        crawl,
        extract,
        schedule,
        links,
    })
}

fn validate_crawl(
    path: &Path,
    raw: RawCrawl,
    defaults: CrawlConfig,
) -> Result<CrawlConfig, ConfigError> {
    let concurrency = raw.concurrency.unwrap_or(defaults.concurrency);
    if !(1..=64).contains(&concurrency) {
        return Err(invalid(
            path,
            "crawl.concurrency",
            "must be between 1 and 64",
        ));
    }
    let max_pages = raw.max_pages.unwrap_or(defaults.max_pages);
    if max_pages == 0 {
        return Err(invalid(path, "crawl.max_pages", "must be at least 1"));
    }
    let max_response_bytes = raw
        .max_response_bytes
        .unwrap_or(defaults.max_response_bytes);
    if max_response_bytes < 1024 {
        return Err(invalid(
            path,
            "crawl.max_response_bytes",
            "must be at least 1024",
        ));
    }
    let timeout_secs = raw
        .request_timeout_secs
        .unwrap_or(defaults.request_timeout.as_secs());
    if timeout_secs == 0 {
        return Err(invalid(
            path,
            "crawl.request_timeout_secs",
            "must be at least 1",
        ));
    }
    let document_timeout_secs = raw
        .document_timeout_secs
        .unwrap_or(defaults.document_timeout.as_secs());
    if document_timeout_secs == 0 {
        return Err(invalid(
            path,
            "crawl.document_timeout_secs",
            "must be at least 1",
        ));
    }
    let document_memory_mb = raw
        .document_memory_mb
        .unwrap_or(defaults.document_memory_mb);
    if document_memory_mb < 64 {
        return Err(invalid(
            path,
            "crawl.document_memory_mb",
            "must be at least 64",
        ));
    }
    let user_agent = raw.user_agent.unwrap_or(defaults.user_agent);
    if user_agent.trim().is_empty() {
        return Err(invalid(path, "crawl.user_agent", "must not be empty"));
    }
    let max_retries = raw.max_retries.unwrap_or(defaults.max_retries);
    if max_retries > 10 {
        return Err(invalid(path, "crawl.max_retries", "must be at most 10"));
    }
    let max_failure_percent = raw
        .max_failure_percent
        .unwrap_or(defaults.max_failure_percent);
    if max_failure_percent > 100 {
        return Err(invalid(
            path,
            "crawl.max_failure_percent",
            "must be between 0 and 100",
        ));
    }
    let deadline = match raw.max_crawl_minutes {
        Some(0) => None,
        Some(minutes) => Some(Duration::from_secs(minutes.saturating_mul(60))),
        None => defaults.deadline,
    };

    Ok(CrawlConfig {
        concurrency,
        delay: raw
            .delay_ms
            .map(Duration::from_millis)
            .unwrap_or(defaults.delay),
        max_pages,
        max_response_bytes,
        request_timeout: Duration::from_secs(timeout_secs),
        user_agent,
        drop_query_params: raw.drop_query_params.unwrap_or(defaults.drop_query_params),
        respect_robots: raw.respect_robots.unwrap_or(defaults.respect_robots),
        document_timeout: Duration::from_secs(document_timeout_secs),
        document_memory_mb,
        max_retries,
        retry_base_delay: raw
            .retry_base_delay_ms
            .map(Duration::from_millis)
            .unwrap_or(defaults.retry_base_delay),
        max_retry_delay: raw
            .max_retry_delay_secs
            .map(Duration::from_secs)
            .unwrap_or(defaults.max_retry_delay),
        max_consecutive_failures: raw
            .max_consecutive_failures
            .unwrap_or(defaults.max_consecutive_failures),
        max_failure_percent,
        deadline,
    })
}

fn validate_links(
    path: &Path,
    raw: RawLinks,
    defaults: LinksConfig,
) -> Result<LinksConfig, ConfigError> {
    let timeout_secs = raw.timeout_secs.unwrap_or(defaults.timeout.as_secs());
    if timeout_secs == 0 {
        return Err(invalid(path, "links.timeout_secs", "must be at least 1"));
    }
    let concurrency = raw.concurrency.unwrap_or(defaults.concurrency);
    if !(1..=64).contains(&concurrency) {
        return Err(invalid(
            path,
            "links.concurrency",
            "must be between 1 and 64",
        ));
    }
    Ok(LinksConfig {
        allow_private: raw.allow_private.unwrap_or(defaults.allow_private),
        timeout: Duration::from_secs(timeout_secs),
        delay: raw
            .delay_ms
            .map(Duration::from_millis)
            .unwrap_or(defaults.delay),
        concurrency,
        check_on_schedule: raw.check_on_schedule.unwrap_or(defaults.check_on_schedule),
    })
}

fn validate_extract(
    path: &Path,
    raw: RawExtract,
    defaults: ExtractConfig,
) -> Result<ExtractConfig, ConfigError> {
    let drop_selectors = raw.drop_selectors.unwrap_or(defaults.drop_selectors);
    let main_selectors = raw.main_selectors.unwrap_or(defaults.main_selectors);
    for (key, list) in [
        ("extract.drop_selectors", &drop_selectors),
        ("extract.main_selectors", &main_selectors),
    ] {
        for selector in list {
            if scraper::Selector::parse(selector).is_err() {
                return Err(invalid(
                    path,
                    key,
                    format!("`{selector}` is not a CSS selector"),
                ));
            }
        }
    }
    let title_suffix = raw.title_suffix.filter(|suffix| !suffix.is_empty());
    Ok(ExtractConfig {
        drop_selectors,
        main_selectors,
        title_suffix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() -> Result<(), ConfigError> {
        let config = parse(Path::new("site.toml"), "")?;
        assert_eq!(config.crawl.concurrency, 4);
        assert!(config.start_urls.is_empty());
        Ok(())
    }

    #[test]
    fn unknown_key_is_named() {
        let err = parse(Path::new("site.toml"), "[crawl]\nconcurency = 3\n").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("site.toml"), "{message}");
        assert!(message.contains("concurency"), "{message}");
    }

    #[test]
    fn bad_start_url_names_key() {
        let err = parse(
            Path::new("site.toml"),
            "[site]\nstart_urls = [\"ftp://x\"]\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("site.start_urls[0]"), "{err}");
    }

    #[test]
    fn schedule_and_links_keys() -> Result<(), ConfigError> {
        let text = "[schedule]\nrecrawl_interval_minutes = 90\n\
                    [links]\nallow_private = true\ndelay_ms = 0\n\
                    [crawl]\nmax_crawl_minutes = 0\nmax_retries = 0\n";
        let config = parse(Path::new("site.toml"), text)?;
        assert_eq!(
            config.schedule.recrawl_interval,
            Some(Duration::from_secs(90 * 60))
        );
        assert!(config.links.allow_private);
        assert_eq!(config.links.delay, Duration::ZERO);
        assert_eq!(config.crawl.deadline, None);
        assert_eq!(config.crawl.max_retries, 0);

        let off = parse(
            Path::new("site.toml"),
            "[schedule]\nrecrawl_interval_minutes = 0\n",
        )?;
        assert_eq!(off.schedule.recrawl_interval, None);
        assert_eq!(off.schedule.build_nice, DEFAULT_BUILD_NICE);
        let at_once = parse(Path::new("site.toml"), "[schedule]\nbuild_nice = 0\n")?;
        assert_eq!(at_once.schedule.build_nice, 0);
        let err = parse(Path::new("site.toml"), "[schedule]\nbuild_nice = 20\n").unwrap_err();
        assert!(err.to_string().contains("schedule.build_nice"), "{err}");
        Ok(())
    }

    #[test]
    fn out_of_range_budget_is_refused() {
        let err = parse(
            Path::new("site.toml"),
            "[crawl]\nmax_failure_percent = 150\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("crawl.max_failure_percent"),
            "{err}"
        );
        let err = parse(Path::new("site.toml"), "[links]\nconcurrency = 0\n").unwrap_err();
        assert!(err.to_string().contains("links.concurrency"), "{err}");
    }

    #[test]
    fn bad_selector_is_refused() {
        let err = parse(
            Path::new("site.toml"),
            "[extract]\ndrop_selectors = [\"((\"]\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("extract.drop_selectors"), "{err}");
    }
}
