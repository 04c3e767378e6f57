//! The `offer-search` command line: `demo`, `crawl`, `serve`, `search`.
//!
//! Run `cargo run --release -- demo` for the bundled sample site, or `--help` for the rest.
//! Every command takes `--data` (default `./data`) and `--config` (default `./index-config`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use offer_search::api::{AppState, router};
use offer_search::config::Config;
use offer_search::record::Kind;
use offer_search::search::live::LiveIndex;
use offer_search::search::{MAX_LIMIT, SearchRequest};
use offer_search::store::{DataDir, StoreError};

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
    /// Serve the HTTP API over the current index generation.
    Serve {
        #[command(flatten)]
        folders: Folders,
        /// Address to listen on; a port of 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:7700")]
        addr: SocketAddr,
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
    /// Extract one document from stdin (the isolated worker the crawler starts).
    #[command(name = "extract-document", hide = true)]
    ExtractDocument {
        /// `pdf` or `docx`.
        #[arg(long)]
        kind: String,
    },
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // One line, whole cause chain: what failed, on which input, and why.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::ExtractDocument { kind } = &cli.command {
        let code = offer_search::extract::document::worker_main(kind);
        std::process::exit(code);
    }
    init_tracing();

    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match cli.command {
        Command::Serve { folders, addr } => runtime.block_on(serve(&folders, addr)),
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
        Command::ExtractDocument { .. } => Ok(()),
    }
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn load_config(dir: &Path) -> anyhow::Result<Config> {
    Config::load(dir).with_context(|| format!("cannot load config folder `{}`", dir.display()))
}

async fn serve(folders: &Folders, addr: SocketAddr) -> anyhow::Result<()> {
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

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on `{addr}`"))?;
    let bound = listener
        .local_addr()
        .context("cannot read the bound address")?;
    println!("listening on http://{bound}");

    let app = router(AppState::new(index, config));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")
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

fn search(folders: &Folders, options: &SearchOptions) -> anyhow::Result<()> {
    let config = load_config(&folders.config)?;
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
    let engine = offer_search::search::Engine::open(&generation)?;

    let mut request = SearchRequest::new(options.query.clone());
    request.limit = options.limit.clamp(1, MAX_LIMIT);
    request.section = options.section.clone();
    request.explain = options.explain;
    if let Some(kind) = &options.kind {
        request.kind = Some(
            Kind::parse(kind)
                .with_context(|| format!("unknown kind `{kind}`: allowed are page, document"))?,
        );
    }
    let response = engine.search(&request, &config.ranking)?;

    if options.json {
        println!("{}", serde_json::to_string_pretty(&response)?);
        return Ok(());
    }
    println!(
        "{} result(s) for \"{}\" ({} ms)",
        response.total, response.query, response.took_ms
    );
    for (rank, hit) in response.results.iter().enumerate() {
        let kind = match hit.kind {
            Kind::Page if hit.landing => "landing",
            Kind::Page => "page",
            Kind::Document => "document",
        };
        println!("{:>3}. {}  [{kind}, {:.3}]", rank + 1, hit.title, hit.score);
        println!("     {}", hit.path);
        if let Some(explain) = &hit.explain {
            println!("     text score {:.3}", explain.text_score);
            for boost in &explain.boosts {
                println!("     ×{:.2} {}: {}", boost.factor, boost.rule, boost.detail);
            }
        }
    }
    Ok(())
}
