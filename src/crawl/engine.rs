//! The crawl loop: a frontier, a bounded set of jobs in flight, and one owner of the state.
//!
//! Jobs (fetch one URL, follow its redirects, extract it) run concurrently and only
//! *report*; every decision about identity (aliases, canonical links, content hashes) is
//! taken by the loop as reports arrive, so two variants of one page fetched at the same
//! moment still end as one record. The one piece of state jobs share is the set of
//! claimed URL keys, so a redirect never fetches a page another job already owns.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::OnceCell;
use tokio::task::JoinSet;
use tracing::Instrument;
use url::Url;

use super::fetch::{FetchError, Fetcher, Response, host_key};
use super::revisit::{Extraction, FetchRecord, PreviousCrawl, StoredDocument, StoredPage};
use super::robots::{self, RobotsRules};
use super::scope::Scope;
use super::sitemap::{self, SitemapEntry};
use super::urlnorm;
use super::{BrokenLink, CrawlError, CrawlOptions, CrawlOutput, CrawlSummary, Stopped};
use crate::config::CrawlConfig;
use crate::extract::document::{DocumentError, DocumentKind, DocumentWorker, WorkerLimits};
use crate::extract::html::{ExtractedHtml, HtmlExtractor, parse_robots_directives};
use crate::extract::text::{detect_language, find_review_date};
use crate::extract::{content_hash, media_type};
use crate::record::{Kind, PageRecord};

/// Redirect hops followed for one page. Browsers stop at about 20; a site needing more
/// than a handful is misconfigured, and each hop costs a polite delay.
const MAX_REDIRECTS: usize = 10;

/// RFC 9309 asks for at least five redirect hops when fetching robots.txt.
const ROBOTS_MAX_REDIRECTS: usize = 5;

/// Sitemap files read per crawl, index files included. A council site has a handful; the
/// bound keeps a generated index of thousands of files from stalling the start.
const MAX_SITEMAP_FILES: usize = 50;

/// Skips of one reason logged at warn level before the rest go to debug.
const WARN_LOGS_PER_REASON: usize = 10;

/// The failure share of the error budget is judged only after this many answers, so two
/// early timeouts out of three requests do not stop a crawl.
const MIN_ANSWERS_FOR_FAILURE_SHARE: usize = 20;

/// Without a progress bar, an info line every this many finished URLs.
const PROGRESS_LOG_EVERY: usize = 100;

/// File types never fetched: nothing in them is indexed, so a request would only cost
/// the site bandwidth. They are counted as `unsupported-type` without a request.
const SKIPPED_EXTENSIONS: &[&str] = &[
    "7z", "avi", "bmp", "css", "csv", "dmg", "doc", "eot", "exe", "gif", "gz", "ico", "ics", "iso",
    "jpeg", "jpg", "js", "json", "m4a", "mov", "mp3", "mp4", "msi", "odp", "ods", "png", "ppt",
    "pptx", "rar", "rss", "svg", "tar", "tgz", "tif", "tiff", "ttf", "wav", "webm", "webp", "wmv",
    "woff", "woff2", "xls", "xlsx", "xml", "zip",
];

/// Reasons that are the crawl working as intended, logged at debug level only.
const QUIET_REASONS: &[&str] = &[
    "duplicate",
    "max-pages",
    "noindex",
    "redirected",
    "robots",
    "unlinked-document",
    "unsupported-type",
];

/// One URL to fetch.
#[derive(Debug, Clone)]
struct Job {
    /// Discovery order; records come out sorted by it.
    seq: usize,
    /// The form to request ([`urlnorm::fetch_form`]).
    url: Url,
    /// The identity key ([`urlnorm::normalize`]).
    key: String,
}

/// Why a job recorded nothing, and what it learned about URL identity on the way.
#[derive(Debug)]
struct Skip {
    reason: String,
    detail: Option<String>,
    /// Keys that redirect to `alias_target`.
    aliases: Vec<String>,
    alias_target: Option<String>,
    /// Where an off-site redirect pointed (normalised): an external link.
    offsite_target: Option<String>,
    /// The key that gave a final HTTP answer and that answer's status.
    answered: Option<(String, u16)>,
}

impl Skip {
    fn new(reason: impl Into<String>) -> Skip {
        Skip {
            reason: reason.into(),
            detail: None,
            aliases: Vec::new(),
            alias_target: None,
            offsite_target: None,
            answered: None,
        }
    }

    fn with_detail(mut self, detail: impl Into<String>) -> Skip {
        self.detail = Some(detail.into());
        self
    }

    /// Whether this skip says the server is in trouble (it counts against the error
    /// budget), as opposed to the site saying "not this page".
    fn is_server_failure(&self) -> bool {
        let reason = self.reason.as_str();
        matches!(reason, "timeout" | "network-error" | "http-429")
            || reason
                .strip_prefix("http-")
                .and_then(|code| code.parse::<u16>().ok())
                .is_some_and(|code| (500..600).contains(&code))
    }
}

/// Whether a record's extraction ran this time or was taken from the last crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reuse {
    Extracted,
    /// The server answered 304 Not Modified.
    NotModified,
    /// The body hashed the same as last time.
    SameContent,
}

/// Where a job's redirects ended.
#[derive(Debug)]
struct Landing {
    url: Url,
    key: String,
    /// Keys of the hops before `key`.
    aliases: Vec<String>,
    response: Response,
    /// The validators sent with the request, when it was conditional.
    stored_validators: Option<super::fetch::Validators>,
}

#[derive(Debug)]
struct PageReport {
    key: String,
    aliases: Vec<String>,
    extracted: ExtractedHtml,
    header_noindex: bool,
    header_nofollow: bool,
    reuse: Reuse,
    fetch: FetchRecord,
}

#[derive(Debug)]
struct DocumentReport {
    key: String,
    aliases: Vec<String>,
    record: PageRecord,
    header_noindex: bool,
    reuse: Reuse,
    fetch: FetchRecord,
}

#[derive(Debug)]
enum Report {
    Page(Box<PageReport>),
    Document(Box<DocumentReport>),
    Skipped(Skip),
}

/// What every job needs; shared read-only except for the claimed keys.
struct Shared {
    config: CrawlConfig,
    agent: String,
    scope: Scope,
    fetcher: Fetcher,
    extractor: HtmlExtractor,
    worker: DocumentWorker,
    previous: PreviousCrawl,
    robots: Mutex<HashMap<String, Arc<OnceCell<Arc<RobotsRules>>>>>,
    claimed: Mutex<HashSet<String>>,
}

impl Shared {
    /// Marks `key` as owned by the caller; `false` when it was already claimed.
    fn claim(&self, key: &str) -> bool {
        let mut claimed = self.claimed.lock().unwrap_or_else(PoisonError::into_inner);
        // Most offers are links to pages already claimed: look before allocating.
        !claimed.contains(key) && claimed.insert(key.to_string())
    }

    fn claimed_count(&self) -> usize {
        self.claimed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The robots.txt rules of `url`'s host, fetched once per crawl.
    async fn robots_for(&self, url: &Url) -> Arc<RobotsRules> {
        let cell = {
            let mut cells = self.robots.lock().unwrap_or_else(PoisonError::into_inner);
            cells.entry(host_key(url)).or_default().clone()
        };
        cell.get_or_init(|| self.load_robots(url)).await.clone()
    }

    async fn load_robots(&self, url: &Url) -> Arc<RobotsRules> {
        let robots_url = robots::robots_url(url);
        let (status, body) = match self.get_following(&robots_url, ROBOTS_MAX_REDIRECTS).await {
            Ok(response) => (Some(response.status), response.body),
            Err(err) => {
                tracing::warn!(
                    url = %robots_url,
                    error = %err,
                    "cannot fetch robots.txt: nothing on this host will be crawled"
                );
                (None, Vec::new())
            }
        };
        let rules = RobotsRules::from_response(status, &body, &self.agent);
        tracing::debug!(url = %robots_url, status = ?status, "robots.txt read");
        if self.config.respect_robots
            && let Some(delay) = rules.crawl_delay()
            && delay > self.config.delay
        {
            tracing::info!(
                host = %host_key(url),
                delay_ms = delay.as_millis(),
                "robots.txt crawl-delay raises the delay for this host"
            );
            self.fetcher.raise_delay(url, delay);
        }
        Arc::new(rules)
    }

    /// GET that follows redirects inside the scope, for robots.txt and sitemaps. Returns
    /// the last answer, which is still a redirect when the hops ran out.
    async fn get_following(&self, url: &Url, max_hops: usize) -> Result<Response, FetchError> {
        let mut response = self.fetcher.get(url).await?;
        for _hop in 0..max_hops {
            if !is_redirect(response.status) {
                break;
            }
            let next = response
                .location
                .as_deref()
                .and_then(|location| response.url.join(location).ok())
                .filter(|next| self.scope.allows(next));
            let Some(next) = next else {
                break;
            };
            response = self.fetcher.get(&next).await?;
        }
        Ok(response)
    }
}

/// Runs a whole crawl; see [`super::crawl`].
pub(super) async fn run(options: CrawlOptions) -> Result<CrawlOutput, CrawlError> {
    let started = Instant::now();
    let start_urls = if options.start_urls.is_empty() {
        options.site.start_urls.clone()
    } else {
        options.start_urls.clone()
    };
    let Some(first_url) = start_urls.first().cloned() else {
        return Err(CrawlError::NoStartUrls);
    };
    if let Some(bad) = start_urls
        .iter()
        .find(|url| !matches!(url.scheme(), "http" | "https"))
    {
        return Err(CrawlError::UnsupportedStartUrl {
            url: bad.to_string(),
        });
    }

    let config = options.site.crawl.clone();
    let fetcher = Fetcher::new(&config).map_err(|err| CrawlError::Client(err.to_string()))?;
    let extractor = HtmlExtractor::new(&options.site.extract)
        .map_err(|source| CrawlError::Extract { source })?;
    let limits = WorkerLimits::from_config(&config);
    let worker = DocumentWorker::new(options.worker_program.clone(), limits)
        .map_err(|source| CrawlError::WorkerProgram { source })?;
    let deadline = config
        .deadline
        .map(|limit| tokio::time::Instant::now() + limit);
    let incremental = !options.previous.fetches.is_empty();
    let shared = Arc::new(Shared {
        agent: robots::agent_token(&config.user_agent).to_string(),
        scope: Scope::new(&start_urls, &options.site.allowed_hosts),
        config,
        fetcher,
        extractor,
        worker,
        previous: options.previous,
        robots: Mutex::new(HashMap::new()),
        claimed: Mutex::new(HashSet::new()),
    });

    let span = tracing::info_span!("crawl", start_url = %first_url);
    async move {
        tracing::info!(start_urls = start_urls.len(), incremental, "crawl started");
        let progress = Progress::new(options.progress);
        let mut state = State::new(shared);
        for url in &start_urls {
            state.offer(url);
        }
        let seeding = state.seed_from_sitemaps(&start_urls);
        let seeded = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, seeding).await.is_ok(),
            None => {
                seeding.await;
                true
            }
        };
        if !seeded {
            tracing::warn!("crawl deadline passed while reading sitemaps");
        }
        state.drain(&progress, deadline).await;
        progress.finish();

        let output = state.finish(started.elapsed(), incremental);
        let summary = &output.summary;
        tracing::info!(
            pages = summary.pages,
            documents = summary.documents,
            new = summary.new,
            changed = summary.changed,
            unchanged = summary.unchanged,
            removed = summary.removed,
            skipped = summary.skipped.values().sum::<usize>(),
            external_links = summary.external_links,
            stopped = summary.stopped.as_ref().map(|stop| stop.reason.as_str()),
            elapsed_secs = summary.elapsed.as_secs_f64(),
            "crawl finished"
        );
        Ok(output)
    }
    .instrument(span)
    .await
}

/// A link target in both its forms ([`urlnorm::fetch_form_and_key`]).
struct LinkForms {
    fetch: Url,
    key: String,
    /// Whether the crawl may visit it ([`Scope::allows`]).
    in_scope: bool,
}

/// The loop's own state: frontier, records, and what it knows about URL identity.
struct State {
    shared: Arc<Shared>,
    queue: VecDeque<Job>,
    next_seq: usize,
    records: Vec<(usize, PageRecord)>,
    /// Identity key → index in `records`.
    recorded: HashMap<String, usize>,
    /// Content hash → identity key of the record with that body.
    hashes: HashMap<String, String>,
    /// Key → the key it stands for (redirect source, non-canonical variant, duplicate).
    aliases: HashMap<String, String>,
    /// Keys linked from crawled pages: a document is kept only when one is linked.
    linked: HashSet<String>,
    /// External link → keys of the crawled pages carrying it.
    external: BTreeMap<String, BTreeSet<String>>,
    /// Each crawled page's key and the in-scope keys it links to.
    outlinks: Vec<(String, Vec<String>)>,
    /// Key → where it redirects off-site.
    offsite: HashMap<String, String>,
    /// Key → its final 4xx status, for broken internal links.
    client_errors: HashMap<String, u16>,
    /// Every fetch that gave an answer, for the crawl state.
    fetches: Vec<FetchRecord>,
    skipped: BTreeMap<String, usize>,
    completed: usize,
    /// Jobs that got an answer, and how many of them reused the last crawl's extraction.
    fetched: usize,
    not_modified: usize,
    same_content: usize,
    budget: ErrorBudget,
    stopped: Option<Stopped>,
}

/// Counts failed requests against the configured error budget.
#[derive(Debug, Default)]
struct ErrorBudget {
    max_consecutive: usize,
    max_percent: u8,
    consecutive: usize,
    failures: usize,
    answers: usize,
}

impl ErrorBudget {
    fn new(config: &CrawlConfig) -> ErrorBudget {
        ErrorBudget {
            max_consecutive: config.max_consecutive_failures,
            max_percent: config.max_failure_percent,
            ..ErrorBudget::default()
        }
    }

    /// Counts one finished job; returns why the budget is spent, once it is.
    fn count(&mut self, failed: bool) -> Option<String> {
        self.answers += 1;
        if failed {
            self.failures += 1;
            self.consecutive += 1;
        } else {
            self.consecutive = 0;
        }
        if self.max_consecutive > 0 && self.consecutive >= self.max_consecutive {
            return Some(format!("{} failed requests in a row", self.consecutive));
        }
        let percent = self.failures * 100 / self.answers.max(1);
        if self.max_percent > 0
            && self.answers >= MIN_ANSWERS_FOR_FAILURE_SHARE
            && percent >= usize::from(self.max_percent)
        {
            return Some(format!(
                "{} of {} requests failed ({percent}%)",
                self.failures, self.answers
            ));
        }
        None
    }
}

impl State {
    fn new(shared: Arc<Shared>) -> State {
        let budget = ErrorBudget::new(&shared.config);
        State {
            shared,
            queue: VecDeque::new(),
            next_seq: 0,
            records: Vec::new(),
            recorded: HashMap::new(),
            hashes: HashMap::new(),
            aliases: HashMap::new(),
            linked: HashSet::new(),
            external: BTreeMap::new(),
            outlinks: Vec::new(),
            offsite: HashMap::new(),
            client_errors: HashMap::new(),
            fetches: Vec::new(),
            skipped: BTreeMap::new(),
            completed: 0,
            fetched: 0,
            not_modified: 0,
            same_content: 0,
            budget,
            stopped: None,
        }
    }

    fn params(&self) -> &[String] {
        &self.shared.config.drop_query_params
    }

    /// Queues `target` unless it is off-site, already known, or a file type never fetched.
    fn offer(&mut self, target: &Url) {
        if !self.shared.scope.allows(target) {
            return;
        }
        let (url, key) = urlnorm::fetch_form_and_key(target, self.params());
        self.offer_forms(url, key.to_string());
    }

    /// [`State::offer`] for an in-scope URL already in its fetch form, with its key.
    fn offer_forms(&mut self, url: Url, key: String) {
        if !self.shared.claim(&key) {
            return;
        }
        if has_skipped_extension(&url) {
            self.count_skip(
                "unsupported-type",
                &url,
                Some("file type is never indexed".into()),
            );
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.queue.push_back(Job { seq, url, key });
    }

    /// Reads the sitemaps named in robots.txt (or `/sitemap.xml`) of each start host and
    /// queues their URLs, most recently modified first.
    async fn seed_from_sitemaps(&mut self, start_urls: &[Url]) {
        let shared = self.shared.clone();
        let mut pending: VecDeque<Url> = VecDeque::new();
        let mut hosts_seen: HashSet<String> = HashSet::new();
        for start in start_urls {
            if !hosts_seen.insert(host_key(start)) {
                continue;
            }
            let rules = shared.robots_for(start).await;
            let listed: Vec<Url> = rules
                .sitemaps()
                .iter()
                .filter_map(|text| Url::parse(text.trim()).ok())
                .filter(|url| shared.scope.allows(url))
                .collect();
            if listed.is_empty() {
                let mut fallback = start.clone();
                fallback.set_path("/sitemap.xml");
                fallback.set_query(None);
                fallback.set_fragment(None);
                pending.push_back(fallback);
            } else {
                pending.extend(listed);
            }
        }

        let max_pages = shared.config.max_pages;
        let mut files_seen: HashSet<String> = HashSet::new();
        let mut entries: Vec<SitemapEntry> = Vec::new();
        while let Some(url) = pending.pop_front() {
            if files_seen.len() >= MAX_SITEMAP_FILES || entries.len() >= max_pages {
                tracing::info!(
                    files = files_seen.len(),
                    urls = entries.len(),
                    "sitemap limit reached: remaining sitemaps not read"
                );
                break;
            }
            if !files_seen.insert(url.to_string()) {
                continue;
            }
            if shared.config.respect_robots && !shared.robots_for(&url).await.allowed(&url) {
                tracing::debug!(url = %url, "sitemap disallowed by robots.txt");
                continue;
            }
            let response = match shared.get_following(&url, MAX_REDIRECTS).await {
                Ok(response) if (200..300).contains(&response.status) => response,
                Ok(response) => {
                    tracing::debug!(url = %url, status = response.status, "no sitemap here");
                    continue;
                }
                Err(err) => {
                    tracing::warn!(url = %url, error = %err, "cannot fetch sitemap");
                    continue;
                }
            };
            match sitemap::parse_sitemap(&response.url, &response.body, sitemap::MAX_SITEMAP_BYTES)
            {
                Ok(parsed) => {
                    let in_scope = |url: &Url| shared.scope.allows(url);
                    entries.extend(
                        parsed
                            .entries
                            .into_iter()
                            .filter(|entry| in_scope(&entry.url)),
                    );
                    pending.extend(parsed.sitemaps.into_iter().filter(|url| in_scope(url)));
                }
                Err(err) => tracing::warn!(url = %url, error = %err, "cannot parse sitemap"),
            }
        }

        // Newest first (undated last, `None` sorts below any date); the sort is stable, so
        // equal dates keep their order in the file.
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.lastmod));
        entries.truncate(max_pages);
        tracing::info!(
            files = files_seen.len(),
            urls = entries.len(),
            "sitemaps read"
        );
        for entry in &entries {
            self.offer(&entry.url);
        }
    }

    /// Runs jobs until the frontier is empty, the page limit is reached, the error budget
    /// is spent or the deadline passes.
    async fn drain(&mut self, progress: &Progress, deadline: Option<tokio::time::Instant>) {
        let concurrency = self.shared.config.concurrency;
        let max_pages = self.shared.config.max_pages;
        let mut tasks: JoinSet<(Job, Report)> = JoinSet::new();
        let mut dispatched: usize = 0;

        loop {
            while self.stopped.is_none() && tasks.len() < concurrency && dispatched < max_pages {
                let Some(job) = self.queue.pop_front() else {
                    break;
                };
                if let Some(identity) = self.recorded_identity(&job.key) {
                    let detail = format!("already recorded as `{identity}`");
                    self.count_skip("duplicate", &job.url, Some(detail));
                    continue;
                }
                dispatched += 1;
                let shared = self.shared.clone();
                tasks.spawn(async move {
                    let report = run_job(shared, &job).await;
                    (job, report)
                });
            }

            let next = match deadline {
                Some(deadline) => {
                    match tokio::time::timeout_at(deadline, tasks.join_next()).await {
                        Ok(next) => next,
                        Err(_elapsed) => {
                            self.stop_at_deadline(&mut tasks).await;
                            break;
                        }
                    }
                }
                None => tasks.join_next().await,
            };
            let Some(joined) = next else {
                break;
            };
            let finished_url = match joined {
                Ok((job, report)) => {
                    let url = job.url.to_string();
                    self.count_against_budget(&report);
                    self.absorb(job, report);
                    url
                }
                Err(err) => {
                    // Jobs catch their own failures; this is a bug, so say so loudly.
                    tracing::error!(error = %err, "crawl job ended abnormally");
                    *self.skipped.entry("internal-error".into()).or_default() += 1;
                    String::new()
                }
            };
            self.completed += 1;
            progress.update(self.completed, self.shared.claimed_count(), &finished_url);
        }

        if !self.queue.is_empty() {
            let left = self.queue.len();
            let reason = match &self.stopped {
                Some(stopped) => stopped.reason.clone(),
                None => {
                    tracing::warn!(
                        max_pages,
                        left,
                        "page limit reached: the rest of the frontier is not crawled"
                    );
                    "max-pages".to_string()
                }
            };
            *self.skipped.entry(reason).or_default() += left;
            self.queue.clear();
        }
    }

    /// Counts a finished job against the error budget and stops dispatching once it is
    /// spent; jobs in flight still finish.
    fn count_against_budget(&mut self, report: &Report) {
        let failed = matches!(report, Report::Skipped(skip) if skip.is_server_failure());
        let Some(detail) = self.budget.count(failed) else {
            return;
        };
        if self.stopped.is_none() {
            tracing::warn!(
                detail = %detail,
                "error budget spent: no new URLs are fetched"
            );
            self.stopped = Some(Stopped {
                reason: "error-budget".into(),
                detail,
            });
        }
    }

    /// Abandons the jobs in flight when the crawl deadline passes.
    async fn stop_at_deadline(&mut self, tasks: &mut JoinSet<(Job, Report)>) {
        let in_flight = tasks.len();
        tasks.shutdown().await;
        let limit_secs = self
            .shared
            .config
            .deadline
            .map_or(0, |limit| limit.as_secs());
        tracing::warn!(
            limit_secs,
            in_flight,
            "crawl deadline passed: the crawl stops here"
        );
        *self.skipped.entry("deadline".into()).or_default() += in_flight;
        self.stopped = Some(Stopped {
            reason: "deadline".into(),
            detail: format!("the crawl ran longer than {limit_secs} s"),
        });
    }

    fn absorb(&mut self, job: Job, report: Report) {
        match report {
            Report::Skipped(skip) => {
                if let Some(target) = &skip.alias_target {
                    for alias in &skip.aliases {
                        self.aliases.insert(alias.clone(), target.clone());
                    }
                }
                if let Some(target) = skip.offsite_target.clone() {
                    self.offsite.insert(job.key.clone(), target);
                }
                if let Some((key, status)) = skip.answered.clone() {
                    self.fetched += 1;
                    if (400..500).contains(&status) {
                        self.client_errors.insert(key.clone(), status);
                    }
                    self.fetches.push(FetchRecord {
                        key,
                        status,
                        validators: Default::default(),
                        content_hash: None,
                        fetched_at: Utc::now(),
                        extraction: None,
                        extraction_stored: false,
                    });
                }
                self.count_skip(&skip.reason, &job.url, skip.detail);
            }
            Report::Page(page) => {
                self.count_fetch(page.reuse, page.fetch.clone());
                self.absorb_page(&job, *page);
            }
            Report::Document(document) => {
                self.count_fetch(document.reuse, document.fetch.clone());
                self.absorb_document(&job, *document);
            }
        }
    }

    fn count_fetch(&mut self, reuse: Reuse, fetch: FetchRecord) {
        self.fetched += 1;
        match reuse {
            Reuse::Extracted => {}
            Reuse::NotModified => self.not_modified += 1,
            Reuse::SameContent => self.same_content += 1,
        }
        self.fetches.push(fetch);
    }

    fn absorb_page(&mut self, job: &Job, report: PageReport) {
        let PageReport {
            key,
            aliases,
            extracted,
            header_noindex,
            header_nofollow,
            ..
        } = report;
        let ExtractedHtml {
            mut record,
            canonical,
            noindex,
            nofollow,
            link_targets,
        } = extracted;
        for alias in aliases {
            self.aliases.insert(alias, key.clone());
        }

        // Links are re-keyed with the configured parameters: extraction alone cannot know
        // which query parameters are tracking noise. Each target is normalised once here
        // and its forms reused below: a page carries dozens of links.
        let shared = self.shared.clone();
        let params = &shared.config.drop_query_params;
        let forms: Vec<LinkForms> = link_targets
            .iter()
            .map(|target| {
                let (fetch, key) = urlnorm::fetch_form_and_key(target, params);
                LinkForms {
                    fetch,
                    key: key.to_string(),
                    in_scope: shared.scope.allows(target),
                }
            })
            .collect();
        for (link, target) in record.links.iter_mut().zip(&forms) {
            link.url.clone_from(&target.key);
            if !self.linked.contains(&target.key) {
                self.linked.insert(target.key.clone());
            }
        }
        for crumb in &mut record.breadcrumbs {
            let rekeyed = crumb
                .url
                .as_deref()
                .and_then(|text| Url::parse(text).ok())
                .map(|url| urlnorm::normalize(&url, params).to_string());
            crumb.url = rekeyed;
        }
        let mut internal: Vec<String> = Vec::new();
        for target in &forms {
            if target.in_scope {
                internal.push(target.key.clone());
            } else {
                self.external
                    .entry(target.key.clone())
                    .or_default()
                    .insert(key.clone());
            }
        }
        internal.sort_unstable();
        internal.dedup();
        self.outlinks.push((key.clone(), internal));
        if !(nofollow || header_nofollow) {
            for target in forms.into_iter().filter(|target| target.in_scope) {
                self.offer_forms(target.fetch, target.key);
            }
        }

        if noindex || header_noindex {
            self.count_skip("noindex", &job.url, None);
            return;
        }

        let identity = self.identity(&key, canonical.as_ref());
        if identity != key {
            self.aliases.insert(key.clone(), identity.clone());
            // The canonical URL is now this record; fetching it again would only find
            // the duplicate.
            self.shared.claim(&identity);
        }
        self.store(job, identity, record);
    }

    fn absorb_document(&mut self, job: &Job, report: DocumentReport) {
        let DocumentReport {
            key,
            aliases,
            record,
            header_noindex,
            ..
        } = report;
        for alias in aliases {
            self.aliases.insert(alias, key.clone());
        }
        if header_noindex {
            self.count_skip("noindex", &job.url, None);
            return;
        }
        self.store(job, key, record);
    }

    /// Records `record` under `identity` unless that identity or the same body is
    /// already recorded.
    fn store(&mut self, job: &Job, identity: String, mut record: PageRecord) {
        if self.recorded.contains_key(&identity) {
            let detail = format!("already recorded as `{identity}`");
            self.count_skip("duplicate", &job.url, Some(detail));
            return;
        }
        if let Some(existing) = self.hashes.get(&record.content_hash).cloned() {
            self.aliases.insert(identity, existing.clone());
            let detail = format!("same content as `{existing}`");
            self.count_skip("duplicate", &job.url, Some(detail));
            return;
        }
        record.url = identity.clone();
        self.hashes
            .insert(record.content_hash.clone(), identity.clone());
        self.recorded.insert(identity, self.records.len());
        self.records.push((job.seq, record));
    }

    /// The key a page is recorded under: its canonical URL when that is on an allowed
    /// host, else the key it was fetched under.
    fn identity(&self, key: &str, canonical: Option<&Url>) -> String {
        let Some(canonical) = canonical.filter(|url| self.shared.scope.allows(url)) else {
            return key.to_string();
        };
        let canonical_key = urlnorm::normalize(canonical, self.params());
        // A canonical link to the home page from a deeper page is the classic template
        // mistake (every page says it is `/`); trusting it would fold the site into one.
        let fetched_path = Url::parse(key)
            .map(|url| url.path().to_string())
            .unwrap_or_default();
        if canonical_key.path() == "/" && fetched_path != "/" {
            tracing::debug!(
                url = %key,
                canonical = %canonical_key,
                "ignoring canonical link to the home page"
            );
            return key.to_string();
        }
        canonical_key.to_string()
    }

    /// Follows the alias chain from `key` to a recorded identity, if there is one.
    fn recorded_identity(&self, key: &str) -> Option<String> {
        let resolved = self.resolve(key);
        self.recorded.contains_key(&resolved).then_some(resolved)
    }

    fn resolve(&self, key: &str) -> String {
        let mut current = key.to_string();
        // Alias chains are short (a redirect, then a canonical); the bound only guards
        // against a cycle, which the loop never creates on purpose.
        for _step in 0..16 {
            match self.aliases.get(&current) {
                Some(next) if *next != current => current = next.clone(),
                _ => break,
            }
        }
        current
    }

    fn count_skip(&mut self, reason: &str, url: &Url, detail: Option<String>) {
        let count = self.skipped.entry(reason.to_string()).or_default();
        *count += 1;
        let count = *count;
        let detail = detail.unwrap_or_default();
        if QUIET_REASONS.contains(&reason) || count > WARN_LOGS_PER_REASON {
            tracing::debug!(url = %url, reason, detail, "skipped");
        } else {
            tracing::warn!(url = %url, reason, detail, "skipped");
            if count == WARN_LOGS_PER_REASON {
                tracing::warn!(
                    reason,
                    "further skips for this reason are logged at debug level"
                );
            }
        }
    }

    /// Drops documents no crawled page links to, orders records by discovery, and sums up.
    fn finish(mut self, elapsed: Duration, incremental: bool) -> CrawlOutput {
        let linked: HashSet<String> = self.linked.iter().map(|key| self.resolve(key)).collect();
        let mut records: Vec<(usize, PageRecord)> = Vec::with_capacity(self.records.len());
        for (seq, record) in std::mem::take(&mut self.records) {
            if record.kind == Kind::Document && !linked.contains(&record.url) {
                tracing::debug!(url = %record.url, "document not linked from any crawled page");
                *self.skipped.entry("unlinked-document".into()).or_default() += 1;
                continue;
            }
            records.push((seq, record));
        }
        records.sort_by_key(|(seq, _)| *seq);
        let records: Vec<PageRecord> = records.into_iter().map(|(_, record)| record).collect();

        let (external, broken_links) = self.link_outcomes();
        let changes = Changes::between(&self.shared.previous, &records);
        let counts = self.shared.fetcher.counts();
        let summary = CrawlSummary {
            mode: if incremental { "incremental" } else { "full" }.to_string(),
            pages: records
                .iter()
                .filter(|record| record.kind == Kind::Page)
                .count(),
            documents: records
                .iter()
                .filter(|record| record.kind == Kind::Document)
                .count(),
            fetched: self.fetched,
            not_modified: self.not_modified,
            reused: self.not_modified + self.same_content,
            new: changes.new,
            changed: changes.changed,
            unchanged: changes.unchanged,
            removed: changes.removed,
            requests: counts.requests,
            retries: counts.retries,
            downloaded_bytes: counts.body_bytes,
            skipped: self.skipped,
            external_links: external.len(),
            broken_links: broken_links.len(),
            stopped: self.stopped,
            elapsed,
        };
        CrawlOutput {
            records,
            summary,
            fetches: self.fetches,
            external_links: external,
            broken_links,
        }
    }

    /// External links with the pages carrying them (off-site redirects count as the link
    /// they lead to), and in-scope links whose target answered 4xx.
    fn link_outcomes(&self) -> (BTreeMap<String, BTreeSet<String>>, Vec<BrokenLink>) {
        let mut external = self.external.clone();
        let mut broken: BTreeMap<(String, u16), BTreeSet<String>> = BTreeMap::new();
        for (page, targets) in &self.outlinks {
            for target in targets {
                let resolved = self.resolve(target);
                if let Some(offsite) = self.offsite.get(&resolved) {
                    external
                        .entry(offsite.clone())
                        .or_default()
                        .insert(page.clone());
                }
                if let Some(status) = self.client_errors.get(&resolved) {
                    broken
                        .entry((target.clone(), *status))
                        .or_default()
                        .insert(page.clone());
                }
            }
        }
        let broken_links = broken
            .into_iter()
            .map(|((url, status), pages)| BrokenLink {
                url,
                status,
                pages: pages.into_iter().collect(),
            })
            .collect();
        (external, broken_links)
    }
}

/// How this crawl's records compare with those the last crawl indexed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    new: usize,
    changed: usize,
    unchanged: usize,
    removed: usize,
}

impl Changes {
    fn between(previous: &PreviousCrawl, records: &[PageRecord]) -> Changes {
        let mut changes = Changes::default();
        let mut seen: HashSet<&str> = HashSet::with_capacity(records.len());
        for record in records {
            seen.insert(record.url.as_str());
            match previous.indexed.get(&record.url) {
                None => changes.new += 1,
                Some(hash) if *hash == record.content_hash => changes.unchanged += 1,
                Some(_) => changes.changed += 1,
            }
        }
        changes.removed = previous
            .indexed
            .keys()
            .filter(|url| !seen.contains(url.as_str()))
            .count();
        changes
    }
}

/// Fetches one job's URL (following redirects) and extracts it, or replays what the last
/// crawl extracted when the server says, or the body shows, that nothing changed.
async fn run_job(shared: Arc<Shared>, job: &Job) -> Report {
    let landing = match follow_redirects(&shared, job).await {
        Ok(landing) => landing,
        Err(skip) => return Report::Skipped(skip),
    };
    let status = landing.response.status;
    if status == 304 {
        return match shared.previous.extraction(&landing.key).cloned() {
            Some(extraction) => replay(landing, extraction, Reuse::NotModified, None),
            None => {
                let mut skip = Skip::new("http-304").with_detail("not modified, but never fetched");
                skip.answered = Some((landing.key, status));
                Report::Skipped(skip)
            }
        };
    }
    if !(200..300).contains(&status) || status == 204 {
        let mut skip = Skip::new(format!("http-{status}"));
        skip.answered = Some((landing.key, status));
        return Report::Skipped(skip);
    }

    let body_hash = content_hash(&landing.response.body);
    if let Some(extraction) = shared.previous.unchanged(&landing.key, &body_hash).cloned() {
        return replay(landing, extraction, Reuse::SameContent, Some(body_hash));
    }

    let media = landing
        .response
        .content_type
        .as_deref()
        .map(media_type)
        .unwrap_or_default();
    let (header_noindex, header_nofollow) =
        header_directives(&landing.response.robots_tags, &shared.agent);

    if is_html(&media, &landing.response.body) {
        return extract_page(shared, landing, header_noindex, header_nofollow, body_hash).await;
    }
    let kind = DocumentKind::detect(&media, &landing.url, &landing.response.body);
    match kind {
        Some(kind) => {
            extract_document(&shared, landing, kind, &media, header_noindex, body_hash).await
        }
        None => {
            let shown = if media.is_empty() {
                "none"
            } else {
                media.as_str()
            };
            Report::Skipped(
                Skip::new("unsupported-type").with_detail(format!("content type {shown}")),
            )
        }
    }
}

/// The fetch record of a landing whose body hashed to `body_hash`.
fn fetch_record(
    landing: &Landing,
    body_hash: Option<String>,
    extraction: Arc<Extraction>,
) -> FetchRecord {
    FetchRecord {
        key: landing.key.clone(),
        status: 200,
        validators: landing.response.validators.clone(),
        content_hash: body_hash,
        fetched_at: Utc::now(),
        extraction: Some(extraction),
        extraction_stored: false,
    }
}

/// Reports a page or document exactly as the last crawl extracted it.
fn replay(
    landing: Landing,
    extraction: Arc<Extraction>,
    reuse: Reuse,
    body_hash: Option<String>,
) -> Report {
    let previous_hash = body_hash.or_else(|| Some(extraction.record().content_hash.clone()));
    let mut fetch = fetch_record(&landing, previous_hash, extraction.clone());
    // The crawl state holds this extraction under this key: saving keeps it there.
    fetch.extraction_stored = true;
    if fetch.validators.is_empty() {
        // A 304 need not repeat the validators; the stored ones still hold.
        fetch.validators = landing.stored_validators.clone().unwrap_or_default();
    }
    match &*extraction {
        Extraction::Page(page) => Report::Page(Box::new(PageReport {
            key: landing.key,
            aliases: landing.aliases,
            extracted: page.to_extracted(),
            header_noindex: page.header_noindex,
            header_nofollow: page.header_nofollow,
            reuse,
            fetch,
        })),
        Extraction::Document(document) => Report::Document(Box::new(DocumentReport {
            key: landing.key,
            aliases: landing.aliases,
            record: document.record.clone(),
            header_noindex: document.header_noindex,
            reuse,
            fetch,
        })),
    }
}

/// Requests the job's URL and follows redirects that stay on allowed hosts.
async fn follow_redirects(shared: &Shared, job: &Job) -> Result<Landing, Skip> {
    let params = &shared.config.drop_query_params;
    let mut current = job.url.clone();
    let mut current_key = job.key.clone();
    let mut aliases: Vec<String> = Vec::new();
    let mut requested: HashSet<String> = HashSet::from([current.to_string()]);

    for _hop in 0..=MAX_REDIRECTS {
        let rules = shared.robots_for(&current).await;
        if shared.config.respect_robots && !rules.allowed(&current) {
            let reason = match *rules {
                RobotsRules::Unreachable => "robots-unreachable",
                _ => "robots",
            };
            return Err(Skip::new(reason));
        }

        let validators = shared.previous.validators_for(&current_key);
        let response = shared
            .fetcher
            .get_conditional(&current, validators)
            .await
            .map_err(|err| Skip::new(err.reason_key()).with_detail(err.to_string()))?;
        if !is_redirect(response.status) {
            return Ok(Landing {
                url: current,
                key: current_key,
                aliases,
                response,
                stored_validators: validators.cloned(),
            });
        }

        let status = response.status;
        let Some(location) = response.location.as_deref() else {
            return Err(
                Skip::new(format!("http-{status}")).with_detail("redirect without a location")
            );
        };
        let target = current
            .join(location)
            .ok()
            .filter(|target| matches!(target.scheme(), "http" | "https"));
        let Some(target) = target else {
            return Err(Skip::new("redirect-invalid").with_detail(format!("location `{location}`")));
        };
        if !shared.scope.allows(&target) {
            let mut skip = Skip::new("redirect-offsite").with_detail(format!("to `{target}`"));
            skip.offsite_target = Some(urlnorm::normalize(&target, params).to_string());
            return Err(skip);
        }
        let (next, next_key) = urlnorm::fetch_form_and_key(&target, params);
        if !requested.insert(next.to_string()) {
            let detail = format!("`{next}` redirects back to a URL already requested");
            return Err(Skip::new("redirect-loop").with_detail(detail));
        }

        let next_key = next_key.to_string();
        // A redirect that only adds or removes the trailing slash stays the same page.
        if next_key != current_key {
            aliases.push(current_key.clone());
            if !shared.claim(&next_key) {
                let mut skip = Skip::new("redirected")
                    .with_detail(format!("to `{next_key}`, crawled on its own"));
                skip.aliases = aliases;
                skip.alias_target = Some(next_key);
                return Err(skip);
            }
        }
        current = next;
        current_key = next_key;
    }
    Err(Skip::new("too-many-redirects").with_detail(format!("more than {MAX_REDIRECTS} hops")))
}

async fn extract_page(
    shared: Arc<Shared>,
    landing: Landing,
    header_noindex: bool,
    header_nofollow: bool,
    body_hash: String,
) -> Report {
    let Landing {
        url,
        key,
        aliases,
        response,
        ..
    } = landing;
    let content_type = response.content_type;
    let body = response.body;
    let validators = response.validators;
    let extractor_shared = shared.clone();
    // Parsing a large page takes milliseconds of CPU: keep it off the async workers.
    let parsed = tokio::task::spawn_blocking(move || {
        extractor_shared
            .extractor
            .extract(&url, &body, content_type.as_deref())
    })
    .await;
    match parsed {
        Ok(Ok(extracted)) => {
            let stored = StoredPage::new(&extracted, header_noindex, header_nofollow);
            let fetch = FetchRecord {
                key: key.clone(),
                status: 200,
                validators,
                content_hash: Some(body_hash),
                fetched_at: Utc::now(),
                extraction: Some(Arc::new(Extraction::Page(stored))),
                extraction_stored: false,
            };
            Report::Page(Box::new(PageReport {
                key,
                aliases,
                extracted,
                header_noindex,
                header_nofollow,
                reuse: Reuse::Extracted,
                fetch,
            }))
        }
        Ok(Err(err)) => Report::Skipped(Skip::new("extract-failed").with_detail(err.to_string())),
        Err(err) => Report::Skipped(
            Skip::new("extract-failed").with_detail(format!("html extraction panicked: {err}")),
        ),
    }
}

async fn extract_document(
    shared: &Shared,
    landing: Landing,
    kind: DocumentKind,
    media: &str,
    header_noindex: bool,
    body_hash: String,
) -> Report {
    let body = &landing.response.body;
    let extracted = match shared.worker.extract(kind, body).await {
        Ok(extracted) => extracted,
        Err(err) => {
            let reason = match err {
                DocumentError::Timeout { .. } => "extract-timeout",
                _ => "extract-failed",
            };
            return Report::Skipped(Skip::new(reason).with_detail(err.to_string()));
        }
    };

    let title = if extracted.title.is_empty() {
        file_name_title(&landing.url)
    } else {
        extracted.title
    };
    let content_type = if media.is_empty() || media == "application/octet-stream" {
        kind.media_type().to_string()
    } else {
        media.to_string()
    };
    let record = PageRecord {
        url: landing.key.clone(),
        kind: Kind::Document,
        title,
        description: String::new(),
        keywords: String::new(),
        headings: Vec::new(),
        language: detect_language(&extracted.text),
        last_reviewed: find_review_date(&extracted.text),
        body: extracted.text,
        breadcrumbs: Vec::new(),
        links: Vec::new(),
        content_type,
        size_bytes: body.len() as u64,
        content_hash: body_hash.clone(),
    };
    let stored = StoredDocument {
        record: record.clone(),
        header_noindex,
    };
    let fetch = fetch_record(
        &landing,
        Some(body_hash),
        Arc::new(Extraction::Document(stored)),
    );
    Report::Document(Box::new(DocumentReport {
        key: landing.key,
        aliases: landing.aliases,
        record,
        header_noindex,
        reuse: Reuse::Extracted,
        fetch,
    }))
}

/// A document without a title of its own is named by its file: `Referral Form` for
/// `/documents/Referral%20Form.pdf`.
fn file_name_title(url: &Url) -> String {
    let name = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .unwrap_or_default();
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let decoded = percent_decode(stem);
    decoded.replace(['-', '_'], " ").trim().to_string()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

fn is_html(media: &str, body: &[u8]) -> bool {
    if matches!(media, "text/html" | "application/xhtml+xml") {
        return true;
    }
    if !media.is_empty() {
        return false;
    }
    // No content type at all: look at the start of the body, as browsers do.
    let start = &body[..body.len().min(512)];
    let text = String::from_utf8_lossy(start)
        .trim_start()
        .to_ascii_lowercase();
    text.starts_with("<!doctype html") || text.starts_with("<html")
}

fn has_skipped_extension(url: &Url) -> bool {
    let Some(name) = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
    else {
        return false;
    };
    let Some((_, extension)) = name.rsplit_once('.') else {
        return false;
    };
    SKIPPED_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
}

/// `(noindex, nofollow)` from `X-Robots-Tag` values. A value may name an agent
/// (`otherbot: noindex`); such values count only when they name ours.
fn header_directives(values: &[String], agent: &str) -> (bool, bool) {
    // Directives that carry a value after a colon, so their name is not an agent.
    const VALUED: &[&str] = &[
        "unavailable_after",
        "max-snippet",
        "max-image-preview",
        "max-video-preview",
    ];
    let mut noindex = false;
    let mut nofollow = false;
    for value in values {
        let directives = match value.split_once(':') {
            Some((prefix, rest))
                if !prefix.contains(',')
                    && !VALUED.contains(&prefix.trim().to_ascii_lowercase().as_str()) =>
            {
                if !prefix.trim().eq_ignore_ascii_case(agent) {
                    continue;
                }
                rest
            }
            _ => value.as_str(),
        };
        let (index, follow) = parse_robots_directives(directives);
        noindex |= index;
        nofollow |= follow;
    }
    (noindex, nofollow)
}

/// A progress bar on a terminal, else an info line now and then.
struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(wanted: bool) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::new(0);
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {pos}/{len} [{elapsed}] {wide_msg}")
        {
            bar.set_style(style);
        }
        Progress { bar: Some(bar) }
    }

    fn update(&self, done: usize, known: usize, url: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(known as u64);
                bar.set_position(done as u64);
                bar.set_message(url.to_string());
            }
            None if done.is_multiple_of(PROGRESS_LOG_EVERY) => {
                tracing::info!(done, known, "crawl progress");
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL parses")
    }

    #[test]
    fn x_robots_tag_values() {
        let tags = |values: &[&str]| {
            values
                .iter()
                .map(|value| value.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            header_directives(&tags(&["noindex"]), "offer-search"),
            (true, false)
        );
        assert_eq!(
            header_directives(&tags(&["otherbot: noindex"]), "offer-search"),
            (false, false)
        );
        assert_eq!(
            header_directives(&tags(&["offer-search: none"]), "offer-search"),
            (true, true)
        );
        assert_eq!(
            header_directives(
                &tags(&["unavailable_after: 2030-01-01", "nofollow"]),
                "offer-search"
            ),
            (false, true)
        );
    }

    #[test]
    fn html_sniffed_only_without_a_content_type() {
        assert!(is_html("text/html", b""));
        assert!(is_html("", b"  <!DOCTYPE html><p>x"));
        assert!(!is_html("text/plain", b"<!DOCTYPE html>"));
        assert!(!is_html("", b"%PDF-1.4"));
    }

    #[test]
    fn skipped_extensions() {
        assert!(has_skipped_extension(&url("http://example.test/logo.PNG")));
        assert!(has_skipped_extension(&url(
            "http://example.test/a/styles.css?v=3"
        )));
        assert!(!has_skipped_extension(&url(
            "http://example.test/page.aspx"
        )));
        assert!(!has_skipped_extension(&url("http://example.test/form.pdf")));
        assert!(!has_skipped_extension(&url("http://example.test/folder/")));
    }

    #[test]
    fn error_budget_counts_in_a_row_and_by_share() {
        let config = CrawlConfig {
            max_consecutive_failures: 3,
            max_failure_percent: 50,
            ..CrawlConfig::default()
        };
        let mut budget = ErrorBudget::new(&config);
        assert_eq!(budget.count(true), None);
        assert_eq!(budget.count(true), None);
        assert_eq!(budget.count(false), None, "a success resets the run");
        assert_eq!(budget.count(true), None);
        assert_eq!(budget.count(true), None);
        let spent = budget.count(true).expect("three in a row");
        assert!(spent.contains("3 failed requests in a row"), "{spent}");

        let by_share = CrawlConfig {
            max_consecutive_failures: 0,
            max_failure_percent: 50,
            ..CrawlConfig::default()
        };
        let mut budget = ErrorBudget::new(&by_share);
        let mut spent = None;
        for answer in 0..MIN_ANSWERS_FOR_FAILURE_SHARE {
            spent = budget.count(answer % 2 == 0);
            if answer + 1 < MIN_ANSWERS_FOR_FAILURE_SHARE {
                assert_eq!(spent, None, "judged too early at answer {answer}");
            }
        }
        assert!(spent.is_some_and(|detail| detail.contains("(50%)")));

        let off = CrawlConfig {
            max_consecutive_failures: 0,
            max_failure_percent: 0,
            ..CrawlConfig::default()
        };
        let mut budget = ErrorBudget::new(&off);
        assert!((0..100).all(|_| budget.count(true).is_none()));
    }

    #[test]
    fn server_failures_are_told_from_missing_pages() {
        for reason in [
            "timeout",
            "network-error",
            "http-429",
            "http-500",
            "http-503",
        ] {
            assert!(Skip::new(reason).is_server_failure(), "{reason}");
        }
        for reason in [
            "http-404",
            "http-410",
            "robots",
            "redirect-loop",
            "too-large",
        ] {
            assert!(!Skip::new(reason).is_server_failure(), "{reason}");
        }
    }

    #[test]
    fn changes_against_the_last_index() {
        let record = |url: &str, hash: &str| PageRecord {
            url: url.into(),
            kind: Kind::Page,
            title: String::new(),
            description: String::new(),
            keywords: String::new(),
            headings: Vec::new(),
            body: String::new(),
            breadcrumbs: Vec::new(),
            links: Vec::new(),
            language: None,
            last_reviewed: None,
            content_type: "text/html".into(),
            size_bytes: 0,
            content_hash: hash.into(),
        };
        let mut previous = PreviousCrawl::default();
        for (url, hash) in [("a", "1"), ("b", "2"), ("gone", "3")] {
            previous.indexed.insert(url.into(), hash.into());
        }
        let records = [record("a", "1"), record("b", "changed"), record("c", "4")];
        assert_eq!(
            Changes::between(&previous, &records),
            Changes {
                new: 1,
                changed: 1,
                unchanged: 1,
                removed: 1
            }
        );
    }

    #[test]
    fn title_from_file_name() {
        assert_eq!(
            file_name_title(&url(
                "http://example.test/documents/Inclusion%20Panel%20Referral%20Form.pdf"
            )),
            "Inclusion Panel Referral Form"
        );
        assert_eq!(
            file_name_title(&url("http://example.test/d/short-breaks_2024.pdf")),
            "short breaks 2024"
        );
    }
}
