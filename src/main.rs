//! The `offer-search` command line: `demo`, `crawl`, `serve`, `search`, `report`, `review`.
//!
//! Run `cargo run --release -- demo` for the bundled sample site, or `--help` for the rest.
//! Every command takes `--data` (default `./data`) and `--config` (default `./index-config`).

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use offer_search::analytics::Analytics;
use offer_search::api::{AppState, router};
use offer_search::config::Config;
use offer_search::evaluate::{self as evaluation, Judgments, QueryScore, Summary};
use offer_search::record::Kind;
use offer_search::recrawl::{RunOptions, Trigger, run_crawl};
use offer_search::report::{self as reports, CrawlStateLinks, ReportKind, TrackerError};
use offer_search::search::live::LiveIndex;
use offer_search::search::{Engine, MAX_LIMIT, SearchRequest};
use offer_search::store::{DataDir, Generation, StoreError};

/// `println!` that returns an error instead of panicking when stdout is closed, as it is
/// when the output is piped into `head`.
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*)?
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "offer-search",
    version,
    about = "Site search for a SEND Local Offer website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args, Clone)]
struct Folders {
    /// Data folder holding the index generations.
    #[arg(long, default_value = "./data", global = true)]
    data: PathBuf,
    /// Config folder (site.toml, ranking.toml).
    #[arg(long, default_value = "./index-config", global = true)]
    config: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the bundled sample site, crawl it, and serve the search API over it.
    Demo {
        /// Data folder for the demo's index.
        #[arg(long, default_value = "./data/demo")]
        data: PathBuf,
        /// Config folder; the built-in defaults are used when it does not exist.
        #[arg(long, default_value = "./index-config")]
        config: PathBuf,
        /// Address for the search API.
        #[arg(long, default_value = "127.0.0.1:7700")]
        addr: SocketAddr,
    },
    /// Crawl the site and publish a new index generation.
    Crawl {
        #[command(flatten)]
        folders: Folders,
        /// Where to start; replaces `start_urls` in site.toml.
        start_urls: Vec<String>,
        /// Publish even when the crawl found no pages, far fewer than the current index, or
        /// stopped early (error budget, deadline).
        #[arg(long)]
        force: bool,
        /// Fetch and extract everything again instead of asking what changed.
        #[arg(long)]
        full: bool,
    },
    /// Serve the HTTP API over the current index generation.
    Serve {
        #[command(flatten)]
        folders: Folders,
        /// Address to listen on; a port of 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:7700")]
        addr: SocketAddr,
        /// File holding the admin token (else the OFFER_SEARCH_ADMIN_TOKEN variable). With
        /// neither, the /admin routes are off.
        #[arg(long)]
        admin_token_file: Option<PathBuf>,
    },
    /// Search the current index from the terminal, with the same ranking as the API.
    Search {
        #[command(flatten)]
        folders: Folders,
        /// What to search for.
        query: String,
        /// Print the API's JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Number of results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only `page` or `document` results.
        #[arg(long)]
        kind: Option<String>,
        /// Only results in this section.
        #[arg(long)]
        section: Option<String>,
        /// Show why each result is where it is.
        #[arg(long)]
        explain: bool,
    },
    /// Check the external links found on crawled pages, and list broken internal ones.
    Links {
        #[command(flatten)]
        folders: Folders,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List every page and document in the current index.
    Pages {
        #[command(flatten)]
        folders: Folders,
        /// Print JSON lines (one record's facts per line) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Score the ranking on judged queries (nDCG@10, MRR, P@1, recall@10, `first`).
    Evaluate {
        #[command(flatten)]
        folders: Folders,
        /// The judgments file (TOML, `[[query]]` tables).
        #[arg(long)]
        judgments: PathBuf,
        /// Query a running API at this base URL instead of the local index.
        #[arg(long)]
        url: Option<String>,
        /// Also run plain BM25 with no rules on the same index, side by side.
        #[arg(long, conflicts_with = "url")]
        baseline: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        thresholds: ThresholdArgs,
    },
    /// Reports for the steering group, as JSON (or CSV with --csv).
    Report {
        #[command(flatten)]
        folders: Folders,
        /// Which report.
        #[arg(value_enum)]
        report: ReportName,
        /// For `queries`: one table only (with --csv, top-queries unless given).
        #[arg(long, value_enum)]
        table: Option<QueryTable>,
        /// Print the report's table as CSV.
        #[arg(long)]
        csv: bool,
        /// "Today" for the review report (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// First day of the analytics window (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Last day of the analytics window (YYYY-MM-DD).
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// Most rows in the query tables (1 to 100000).
        #[arg(long, default_value_t = reports::DEFAULT_ROWS as u32,
              value_parser = clap::value_parser!(u32).range(1..=reports::MAX_ROWS as i64))]
        rows: u32,
    },
    /// The page review tracker.
    Review {
        #[command(subcommand)]
        action: ReviewAction,
    },
    /// Extract one document from stdin (the isolated worker the crawler starts).
    #[command(name = "extract-document", hide = true)]
    ExtractDocument {
        /// `pdf`, `docx`, `odt` or `rtf`.
        #[arg(long)]
        kind: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ReportName {
    Queries,
    Reviews,
    Keywords,
    Links,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum QueryTable {
    TopQueries,
    ZeroResults,
    NoClicks,
    ClickPositions,
    Weekly,
}

impl QueryTable {
    const ALL: [QueryTable; 5] = [
        QueryTable::TopQueries,
        QueryTable::ZeroResults,
        QueryTable::NoClicks,
        QueryTable::ClickPositions,
        QueryTable::Weekly,
    ];

    fn kind(self) -> ReportKind {
        match self {
            QueryTable::TopQueries => ReportKind::TopQueries,
            QueryTable::ZeroResults => ReportKind::ZeroResults,
            QueryTable::NoClicks => ReportKind::NoClicks,
            QueryTable::ClickPositions => ReportKind::ClickPositions,
            QueryTable::Weekly => ReportKind::Weekly,
        }
    }
}

#[derive(Debug, Subcommand)]
enum ReviewAction {
    /// Import the review tracker spreadsheet (CSV), replacing the one stored.
    Import {
        #[command(flatten)]
        folders: Folders,
        /// The tracker saved as CSV.
        file: PathBuf,
    },
}

/// Overall targets; each overrides the judgments file's `[thresholds]` entry of that name.
#[derive(Debug, Args, Clone)]
struct ThresholdArgs {
    /// Lowest acceptable mean nDCG@10 (0 to 1).
    #[arg(long, value_parser = share)]
    ndcg_at_10: Option<f64>,
    /// Lowest acceptable mean reciprocal rank of the first relevant result (0 to 1).
    #[arg(long, value_parser = share)]
    mrr: Option<f64>,
    /// Lowest acceptable share of queries whose first result is relevant (0 to 1).
    #[arg(long, value_parser = share)]
    p_at_1: Option<f64>,
    /// Lowest acceptable mean share of relevant paths found in the top 10 (0 to 1).
    #[arg(long, value_parser = share)]
    recall_at_10: Option<f64>,
    /// Share of `first` expectations that must be met (0 to 1; 1 means all of them).
    #[arg(long, value_parser = share)]
    first: Option<f64>,
}

/// A threshold given as a flag: a share from 0 to 1.
fn share(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    offer_search::evaluate::check_share(value)?;
    Ok(value)
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", one_line(&err));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The whole cause chain on one line: what failed, on which input, and why. A cause that
/// the message before it already quotes is not repeated.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

/// Whether output stopped because the reader of our stdout went away.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::ExtractDocument { kind } = &cli.command {
        let code = offer_search::extract::document::worker_main(kind);
        std::process::exit(code);
    }
    init_tracing();
    if matches!(cli.command, Command::Serve { .. }) {
        // Before the runtime starts its threads: a long-running server otherwise spreads
        // its heap over eight arenas per core.
        let arenas = offer_search::memory::arenas_for_this_machine();
        if offer_search::memory::limit_malloc_arenas(arenas) {
            tracing::debug!(arenas, "malloc arenas limited");
        }
    }

    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match cli.command {
        Command::Demo { data, config, addr } => runtime.block_on(demo(&data, &config, addr)),
        Command::Crawl {
            folders,
            start_urls,
            force,
            full,
        } => runtime.block_on(crawl(&folders, &start_urls, force, full)),
        Command::Serve {
            folders,
            addr,
            admin_token_file,
        } => {
            let token = admin_token(admin_token_file.as_deref())?;
            runtime.block_on(serve(&folders, addr, token))
        }
        Command::Search {
            folders,
            query,
            json,
            limit,
            kind,
            section,
            explain,
        } => {
            let options = SearchOptions {
                query,
                json,
                limit,
                kind,
                section,
                explain,
            };
            search(&folders, &options)
        }
        Command::Pages { folders, json } => pages(&folders, json),
        Command::Links { folders, json } => runtime.block_on(links(&folders, json)),
        Command::Evaluate {
            folders,
            judgments,
            url,
            baseline,
            json,
            thresholds,
        } => {
            let options = EvaluateOptions {
                judgments,
                url,
                baseline,
                json,
                thresholds,
            };
            runtime.block_on(evaluate(&folders, &options))
        }
        Command::Report {
            folders,
            report,
            table,
            csv,
            as_of,
            from,
            to,
            rows,
        } => {
            let options = ReportOptions {
                report,
                table,
                csv,
                as_of,
                from,
                to,
                rows: rows as usize,
            };
            report_command(&folders, &options)
        }
        Command::Review {
            action: ReviewAction::Import { folders, file },
        } => import_tracker(&folders, &file),
        Command::ExtractDocument { .. } => Ok(()),
    }
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn load_config(dir: &Path) -> anyhow::Result<Config> {
    Config::load(dir).with_context(|| format!("cannot load config folder `{}`", dir.display()))
}

/// Crawls `start_urls` (or the config's) into a new generation of `data`, incrementally
/// unless `full`. A crawl that a safety check refuses to publish is an error.
async fn crawl_and_publish(
    data: &DataDir,
    config: &Config,
    start_urls: Vec<url::Url>,
    force: bool,
    full: bool,
) -> anyhow::Result<Generation> {
    let lock = data.lock()?;
    let mut options = RunOptions::new(Trigger::Command);
    options.start_urls = start_urls;
    options.force = force;
    options.full = full;
    options.progress = std::io::stderr().is_terminal();
    let run = run_crawl(data, config, lock, options).await?;

    eprintln!("{}", run.report.one_line());
    eprintln!("report: {}", run.report_path.display());
    let Some(generation) = run.generation else {
        let reason = run
            .report
            .refused
            .unwrap_or_else(|| "not publishing".to_string());
        anyhow::bail!("{reason}");
    };
    if run.report.kept_current {
        eprintln!(
            "nothing changed: generation {} keeps serving ({} page(s), {} document(s))",
            generation.number, generation.meta.num_pages, generation.meta.num_documents
        );
    } else {
        eprintln!(
            "published generation {}: {} page(s), {} document(s)",
            generation.number, generation.meta.num_pages, generation.meta.num_documents
        );
    }
    Ok(generation)
}

async fn crawl(
    folders: &Folders,
    start_urls: &[String],
    force: bool,
    full: bool,
) -> anyhow::Result<()> {
    let config = load_config(&folders.config)?;
    let mut urls = Vec::new();
    for text in start_urls {
        let url =
            url::Url::parse(text).with_context(|| format!("start URL `{text}` is not a URL"))?;
        urls.push(url);
    }
    if urls.is_empty() {
        urls = config.site.start_urls.clone();
    }
    anyhow::ensure!(
        !urls.is_empty(),
        "no start URLs: run `offer-search crawl https://your-local-offer.example/` or add \
         `start_urls = [\"https://...\"]` under [site] in `{}`",
        folders.config.join("site.toml").display()
    );
    let data = DataDir::new(&folders.data);
    crawl_and_publish(&data, &config, urls, force, full).await?;
    Ok(())
}

async fn demo(data_dir: &Path, config_dir: &Path, addr: SocketAddr) -> anyhow::Result<()> {
    let watched = config_dir.is_dir();
    let mut config = if watched {
        eprintln!("rules from {}", config_dir.display());
        load_config(config_dir)?
    } else {
        eprintln!(
            "no {} folder: the built-in default rules apply",
            config_dir.display()
        );
        Config::defaults()
    };
    // The sample site is our own server on loopback: no need to wait between requests.
    config.site.crawl.delay = std::time::Duration::ZERO;

    // The address is taken first, so that a demo that cannot serve leaves the data folder
    // as it was instead of crawling into it.
    let (listener, bound) = listen(addr).await?;

    let local: SocketAddr = ([127, 0, 0, 1], 0).into();
    let site = offer_search::demo::serve_sample_site(local)
        .await
        .context("cannot start the sample site")?;
    eprintln!("sample Local Offer site at {}", site.base_url());

    let data = DataDir::new(data_dir);
    // The sample site's port changes every run, so its state never applies: crawl in full.
    crawl_and_publish(&data, &config, vec![site.base_url().clone()], true, true).await?;

    let index = LiveIndex::open(data).context("cannot open the demo index")?;
    println!("listening on http://{bound}");
    println!("try: curl 'http://{bound}/search?q=inclusion+funding'");
    println!("stop with ctrl-c");

    let state = AppState::new(index, config);
    if watched {
        tokio::spawn(state.config.clone().watch());
    }
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server failed")?;
    site.shutdown()
        .await
        .context("cannot stop the sample site")?;
    Ok(())
}

/// Takes `addr` for a server, and says the address it got (the real port for port 0).
async fn listen(addr: SocketAddr) -> anyhow::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on `{addr}` (is another server using it?)"))?;
    let bound = listener
        .local_addr()
        .context("cannot read the bound address")?;
    Ok((listener, bound))
}

/// Environment variable that may hold the admin token.
const ADMIN_TOKEN_VARIABLE: &str = "OFFER_SEARCH_ADMIN_TOKEN";

fn admin_token(file: Option<&Path>) -> anyhow::Result<Option<String>> {
    if let Some(file) = file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read admin token file `{}`", file.display()))?;
        let token = text.trim().to_string();
        anyhow::ensure!(
            !token.is_empty(),
            "admin token file `{}` is empty",
            file.display()
        );
        return Ok(Some(token));
    }
    Ok(std::env::var(ADMIN_TOKEN_VARIABLE)
        .ok()
        .map(|token| token.trim().to_string())
        .filter(|token| !token.is_empty()))
}

async fn serve(folders: &Folders, addr: SocketAddr, token: Option<String>) -> anyhow::Result<()> {
    let config = load_config(&folders.config)?;
    let data = DataDir::new(&folders.data);
    let index = LiveIndex::open(data).context("cannot open the current index generation")?;
    if index.engine().is_none() {
        tracing::warn!(
            data = %folders.data.display(),
            "no index yet: /search answers 503 until `offer-search crawl` publishes one"
        );
    }
    tokio::spawn(index.clone().watch());
    tokio::spawn(offer_search::api::metrics::keep_up());
    tokio::spawn(offer_search::memory::keep_trimmed());

    let (listener, bound) = listen(addr).await?;
    println!("listening on http://{bound}");

    let cache = config.api.cache;
    let state = AppState::new(index, config).with_admin_token(token);
    if state.results.is_on() {
        tracing::info!(
            entries = cache.entries,
            max_bytes = cache.max_bytes,
            "repeated searches are answered from the result cache"
        );
    } else {
        tracing::info!("the result cache is off: every search is searched");
    }
    if state.admin_token.is_none() {
        tracing::info!("admin routes are off: no admin token is configured");
    }
    let analytics = Analytics::start_in(&folders.data, &state.config);
    let links = CrawlStateLinks::new(DataDir::new(&folders.data));
    let state = state
        .with_analytics(analytics.clone())
        .with_link_checks(std::sync::Arc::new(links));
    if let Some(log) = analytics.path() {
        tokio::spawn(state.popular.clone().keep_fresh(log.to_path_buf()));
    }
    tokio::spawn(state.config.clone().watch());
    if let Some(interval) = state.config.load().site.schedule.recrawl_interval {
        tracing::info!(
            interval_mins = interval.as_secs() / 60,
            "scheduled recrawls are on"
        );
    }
    tokio::spawn(state.recrawler.clone().run_schedule());
    let app = router(state);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server failed");
    // Write what is still queued before the process ends.
    let _ = tokio::task::spawn_blocking(move || analytics.flush()).await;
    served
}

async fn shutdown_signal() {
    if let Err(err) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %err, "cannot listen for ctrl-c");
        std::future::pending::<()>().await;
    }
    tracing::info!("shutting down");
}

struct SearchOptions {
    query: String,
    json: bool,
    limit: usize,
    kind: Option<String>,
    section: Option<String>,
    explain: bool,
}

/// Opens the current generation, or says which command builds one.
fn open_engine(folders: &Folders) -> anyhow::Result<Engine> {
    let data = DataDir::new(&folders.data);
    let generation = match data.current() {
        Ok(generation) => generation,
        Err(StoreError::NoIndex(path)) => anyhow::bail!(
            "no index in `{}`: build one with `offer-search crawl --data {}`",
            path.display(),
            path.display()
        ),
        Err(err) => return Err(err.into()),
    };
    Ok(Engine::open(&generation)?)
}

fn search(folders: &Folders, options: &SearchOptions) -> anyhow::Result<()> {
    // The same refusals as the API's: an empty query and a limit of 0 are mistakes.
    let query = options
        .query
        .trim_matches(|c: char| c.is_whitespace() || c.is_control());
    if query.is_empty() {
        anyhow::bail!("the query is empty: give some words to search for");
    }
    if options.limit == 0 {
        anyhow::bail!("--limit must be at least 1");
    }
    let config = load_config(&folders.config)?;
    let engine = open_engine(folders)?;

    // The flat list: the ranking itself, one line per page or document.
    let mut request = SearchRequest::new(query);
    request.group = false;
    request.facets = false;
    request.limit = options.limit.min(MAX_LIMIT);
    request.section = options.section.clone();
    request.explain = options.explain;
    if let Some(kind) = &options.kind {
        request.kind = Some(
            Kind::parse(kind)
                .with_context(|| format!("unknown kind `{kind}`: allowed are page, document"))?,
        );
    }
    let response = engine.search(&request, &config)?;

    if options.json {
        outln!("{}", serde_json::to_string_pretty(&response)?);
        return Ok(());
    }
    outln!(
        "{} result(s) for \"{}\" ({} ms)",
        response.total,
        response.query,
        response.took_ms
    );
    match &response.did_you_mean {
        Some(correction) if correction.applied => outln!(
            "searched as \"{}\": the site never uses a word as typed",
            correction.query
        ),
        Some(suggestion) => outln!(
            "did you mean \"{}\"? ({} result(s))",
            suggestion.query,
            suggestion.total
        ),
        None => {}
    }
    for (rank, hit) in response.results.iter().enumerate() {
        let kind = match hit.kind {
            Kind::Page if hit.landing => "landing",
            Kind::Page => "page",
            Kind::Document => "document",
        };
        outln!("{:>3}. {}  [{kind}, {:.3}]", rank + 1, hit.title, hit.score);
        outln!("     {}", hit.path);
        if let Some(explain) = &hit.explain {
            let fields: Vec<String> = explain
                .fields
                .iter()
                .map(|(field, score)| format!("{field} {score:.2}"))
                .collect();
            outln!(
                "     text score {:.3} ({})",
                explain.text_score,
                fields.join(", ")
            );
            for synonym in &explain.synonyms {
                outln!("     synonym {synonym}");
            }
            if let Some(bet) = &explain.pinned_by {
                outln!("     pinned by best bet `{bet}`");
            }
            for boost in &explain.boosts {
                outln!("     ×{:.2} {}: {}", boost.factor, boost.rule, boost.detail);
            }
        }
    }
    Ok(())
}

fn pages(folders: &Folders, json: bool) -> anyhow::Result<()> {
    let engine = open_engine(folders)?;
    let mut records = engine.records()?;
    records.sort_by(|a, b| a.facts.path.cmp(&b.facts.path));
    for record in &records {
        let facts = &record.facts;
        if json {
            let line = serde_json::json!({
                "url": record.page.url,
                "path": facts.path,
                "kind": record.page.kind,
                "title": facts.title,
                "section": facts.section,
                "landing": facts.landing,
                "parent_url": facts.parent_url,
                "last_reviewed": record.page.last_reviewed,
                "keyword_form": facts.keyword_form,
                "language": record.page.language,
                "audience": facts.audience,
                "audience_rule": facts.audience_rule,
                "stage": facts.stage,
                "stage_rule": facts.stage_rule,
            });
            outln!("{line}");
        } else {
            let kind = match record.page.kind {
                Kind::Page if facts.landing => "landing",
                Kind::Page => "page",
                Kind::Document => "document",
            };
            let section = facts.section.as_deref().unwrap_or("-");
            outln!("{kind:<9} {section:<24} {}  {}", facts.path, facts.title);
        }
    }
    Ok(())
}

async fn links(folders: &Folders, json: bool) -> anyhow::Result<()> {
    let config = load_config(&folders.config)?;
    let data = DataDir::new(&folders.data);
    anyhow::ensure!(
        data.root().join(offer_search::state::STATE_FILE).is_file(),
        "no crawl state in `{}`: run `offer-search crawl --data {}` first",
        data.root().display(),
        data.root().display()
    );
    let report = offer_search::links::check_stored_links(&data, &config.site).await?;
    let internal = offer_search::state::CrawlState::open(&data)?.broken_links()?;
    let internal_broken: Vec<serde_json::Value> = internal
        .pages
        .iter()
        .flat_map(|(page, entries)| {
            entries
                .iter()
                .filter(|entry| entry.scope == "internal")
                .map(move |entry| {
                    serde_json::json!({"url": entry.url, "reason": entry.reason, "page": page})
                })
        })
        .collect();

    if json {
        let body = serde_json::json!({
            "external": report,
            "internal_broken": internal_broken,
        });
        outln!("{}", serde_json::to_string_pretty(&body)?);
        return Ok(());
    }
    for link in &report.links {
        let pages = link.pages.len();
        outln!("{link}\t{}\t(on {pages} page(s))", link.url);
        for page in &link.pages {
            outln!("    {page}");
        }
    }
    for broken in &internal_broken {
        outln!(
            "broken: {} (internal)\t{}\ton {}",
            broken["reason"].as_str().unwrap_or_default(),
            broken["url"].as_str().unwrap_or_default(),
            broken["page"].as_str().unwrap_or_default()
        );
    }
    outln!(
        "{} external link(s): {} ok, {} broken, {} blocked by policy; {} broken internal link(s)",
        report.checked,
        report.ok,
        report.broken,
        report.blocked,
        internal_broken.len()
    );
    Ok(())
}

struct EvaluateOptions {
    judgments: PathBuf,
    url: Option<String>,
    baseline: bool,
    json: bool,
    thresholds: ThresholdArgs,
}

async fn evaluate(folders: &Folders, options: &EvaluateOptions) -> anyhow::Result<()> {
    let judgments = Judgments::load(&options.judgments)?;
    let mut thresholds = judgments.thresholds.clone();
    let overrides = &options.thresholds;
    thresholds.ndcg_at_10 = overrides.ndcg_at_10.or(thresholds.ndcg_at_10);
    thresholds.mrr = overrides.mrr.or(thresholds.mrr);
    thresholds.p_at_1 = overrides.p_at_1.or(thresholds.p_at_1);
    thresholds.recall_at_10 = overrides.recall_at_10.or(thresholds.recall_at_10);
    thresholds.first = overrides.first.or(thresholds.first);

    let (scores, baseline) = match &options.url {
        Some(url) => (score_over_api(&judgments, url).await?, None),
        None => {
            let config = load_config(&folders.config)?;
            let engine = open_engine(folders)?;
            let scores = score_over_engine(&judgments, &engine, &config)?;
            let baseline = if options.baseline {
                Some(score_baseline(&judgments, &engine)?)
            } else {
                None
            };
            (scores, baseline)
        }
    };
    let summary = evaluation::summarize(&scores);
    let baseline_summary = baseline.as_deref().map(evaluation::summarize);
    let missed = evaluation::missed(&summary, &thresholds);

    if options.json {
        let body = serde_json::json!({
            "summary": summary,
            "queries": scores,
            "baseline": baseline_summary,
            "thresholds": thresholds,
            "missed": missed,
        });
        outln!("{}", serde_json::to_string_pretty(&body)?);
    } else {
        print_evaluation(&scores, &summary, baseline_summary.as_ref())?;
    }
    if !missed.is_empty() {
        anyhow::bail!("thresholds missed: {}", missed.join("; "));
    }
    Ok(())
}

fn score_over_engine(
    judgments: &Judgments,
    engine: &Engine,
    rules: &Config,
) -> anyhow::Result<Vec<QueryScore>> {
    let mut scores = Vec::new();
    for judged in &judgments.queries {
        // Judgments score the flat list, as the API gives it with `group=false`.
        let mut request = SearchRequest::new(judged.text.clone());
        request.limit = evaluation::CUTOFF;
        request.group = false;
        request.facets = false;
        let response = engine.search(&request, rules)?;
        let ranked: Vec<String> = response.results.into_iter().map(|hit| hit.path).collect();
        scores.push(evaluation::score_query(judged, &ranked));
    }
    Ok(scores)
}

/// Scores every judged query under plain BM25 over the same index, with no rules.
fn score_baseline(judgments: &Judgments, engine: &Engine) -> anyhow::Result<Vec<QueryScore>> {
    let mut scores = Vec::new();
    for judged in &judgments.queries {
        let ranked = engine.plain_bm25(&judged.text, evaluation::CUTOFF)?;
        scores.push(evaluation::score_query(judged, &ranked));
    }
    Ok(scores)
}

async fn score_over_api(judgments: &Judgments, base: &str) -> anyhow::Result<Vec<QueryScore>> {
    let client = reqwest::Client::new();
    let endpoint = format!("{}/search", base.trim_end_matches('/'));
    let endpoint_url = url::Url::parse(&endpoint)
        .with_context(|| format!("`{base}` is not a base URL such as http://127.0.0.1:7700"))?;
    let mut scores = Vec::new();
    for judged in &judgments.queries {
        let mut request_url = endpoint_url.clone();
        request_url
            .query_pairs_mut()
            .append_pair("q", &judged.text)
            .append_pair("limit", &evaluation::CUTOFF.to_string())
            .append_pair("group", "false");
        let response = client
            .get(request_url)
            .send()
            .await
            .and_then(|response| response.error_for_status())
            .with_context(|| format!("search for `{}` at `{endpoint}` failed", judged.text))?;
        let bytes = response
            .bytes()
            .await
            .with_context(|| format!("search for `{}` gave no body", judged.text))?;
        let body: serde_json::Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("search for `{}` gave no JSON", judged.text))?;
        let ranked: Vec<String> = body["results"]
            .as_array()
            .map(|results| {
                results
                    .iter()
                    .filter_map(|result| result["path"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        scores.push(evaluation::score_query(judged, &ranked));
    }
    Ok(scores)
}

fn print_evaluation(
    scores: &[QueryScore],
    summary: &Summary,
    baseline: Option<&Summary>,
) -> anyhow::Result<()> {
    // Queries whose `first` expectation fails come first: they are what a reviewer fixes.
    let mut ordered: Vec<&QueryScore> = scores.iter().collect();
    ordered.sort_by_key(|score| score.first_met != Some(false));
    outln!(
        "{:>6} {:>5} {:>4} {:>6}  {:<42} first",
        "nDCG",
        "RR",
        "P@1",
        "R@10",
        "query"
    );
    for score in ordered {
        let first = match score.first_met {
            None => "",
            Some(true) => "ok",
            Some(false) => "MISS",
        };
        let query: String = score.query.chars().take(42).collect();
        outln!(
            "{:>6.3} {:>5.2} {:>4.0} {:>6.2}  {query:<42} {first}",
            score.ndcg_at_10,
            score.reciprocal_rank,
            score.p_at_1,
            score.recall_at_10
        );
        if score.first_met == Some(false) {
            let top = score.top.first().map_or("-", String::as_str);
            let expected = score.expected_first.as_deref().unwrap_or("-");
            outln!("       expected {expected}\n       got      {top}");
        }
    }
    print_summary("overall", summary)?;
    if let Some(baseline) = baseline {
        print_summary("baseline", baseline)?;
        outln!(
            "rules add nDCG@10 {:+.3}, MRR {:+.3}, P@1 {:+.3}",
            summary.ndcg_at_10 - baseline.ndcg_at_10,
            summary.mrr - baseline.mrr,
            summary.p_at_1 - baseline.p_at_1
        );
    }
    Ok(())
}

fn print_summary(label: &str, summary: &Summary) -> anyhow::Result<()> {
    outln!(
        "{label}: queries={} nDCG@10={:.3} MRR={:.3} P@1={:.3} recall@10={:.3} first={}/{}",
        summary.queries,
        summary.ndcg_at_10,
        summary.mrr,
        summary.p_at_1,
        summary.recall_at_10,
        summary.first_met,
        summary.first_total
    );
    Ok(())
}

struct ReportOptions {
    report: ReportName,
    table: Option<QueryTable>,
    csv: bool,
    as_of: Option<chrono::NaiveDate>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    rows: usize,
}

/// `report`: prints the report as JSON (or its table as CSV) and a summary line on stderr.
fn report_command(folders: &Folders, options: &ReportOptions) -> anyhow::Result<()> {
    let config = load_config(&folders.config)?;
    let kinds: Vec<ReportKind> = match (options.report, options.table) {
        (ReportName::Queries, Some(table)) => vec![table.kind()],
        (ReportName::Queries, None) if options.csv => vec![ReportKind::TopQueries],
        (ReportName::Queries, None) => QueryTable::ALL.iter().map(|t| t.kind()).collect(),
        (ReportName::Reviews, _) => vec![ReportKind::Reviews],
        (ReportName::Keywords, _) => vec![ReportKind::Keywords],
        (ReportName::Links, _) => vec![ReportKind::Links],
    };
    let records = if kinds.iter().any(|kind| kind.needs_index()) {
        Some(open_engine(folders)?.records()?)
    } else {
        None
    };
    let sources = reports::Sources {
        data_dir: &folders.data,
        records: records.as_deref(),
        config: &config,
        links: &CrawlStateLinks::new(DataDir::new(&folders.data)),
    };
    let report_options = reports::Options {
        range: reports::DateRange::new(options.from, options.to)?,
        as_of: options
            .as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive()),
        rows: options.rows,
    };

    let mut combined = serde_json::Map::new();
    for kind in kinds {
        let name = kind.name();
        let built = reports::build(kind, &sources, &report_options)?;
        eprintln!("{name}: {}", built.summary());
        if options.csv {
            write!(std::io::stdout(), "{}", built.to_csv()?)?;
            return Ok(());
        }
        combined.insert(name.replace('-', "_"), built.to_json());
    }
    let body = match combined.len() {
        1 => combined
            .into_iter()
            .next()
            .map(|(_, value)| value)
            .unwrap_or_default(),
        _ => serde_json::Value::Object(combined),
    };
    outln!("{}", serde_json::to_string_pretty(&body)?);
    Ok(())
}

/// `review import FILE.csv`: stores the tracker, or lists every bad row and stores nothing.
fn import_tracker(folders: &Folders, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read tracker file `{}`", file.display()))?;
    let name = file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let database = folders.data.join(reports::TRACKER_FILE);
    match reports::tracker::import(&database, &name, &bytes) {
        Ok(summary) => {
            outln!(
                "imported {} row(s) from `{}`: {} without an owner, {} without a review date",
                summary.rows,
                summary.source,
                summary.without_owner,
                summary.without_date
            );
            Ok(())
        }
        Err(TrackerError::BadRows { file, problems }) => {
            for problem in &problems {
                eprintln!("{file}: {problem}");
            }
            anyhow::bail!(
                "tracker `{file}` not imported: {} bad row(s); the stored tracker is unchanged",
                problems.len()
            )
        }
        Err(err) => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read `x.toml`: {source}")]
    struct Quoting {
        source: std::io::Error,
    }

    #[test]
    fn the_error_line_names_each_cause_once() {
        let missing = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let quoted = anyhow::Error::new(Quoting { source: missing() });
        assert_eq!(one_line(&quoted), "cannot read `x.toml`: no such file");

        let chained = anyhow::Error::new(missing()).context("cannot open the index");
        assert_eq!(one_line(&chained), "cannot open the index: no such file");
    }
}
