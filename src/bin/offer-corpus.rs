//! `offer-corpus`: generated Local Offer sites for benchmarks and load tests.
//!
//! ```sh
//! cargo run --release --bin offer-corpus -- write --pages 10000 --out target/corpus/10k
//! cargo run --release --bin offer-corpus -- serve --pages 10000 --addr 127.0.0.1:0
//! cargo run --release --bin offer-corpus -- index --pages 100000 --data target/corpus/100k
//! ```
//!
//! The same `--pages` and `--seed` always give the same site. `index` extracts the pages
//! with the crawler's extractor and publishes a generation without any network, printing
//! how long extraction and indexing took.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use offer_search::config::Config;
use offer_search::corpus::records::{DEFAULT_BASE_URL, mark, reusable, site_records};
use offer_search::corpus::serve::{serve_site, write_site};
use offer_search::corpus::{DEFAULT_SEED, Site, SiteSpec};
use offer_search::publish::{lower_thread_priority, publish_records};
use offer_search::store::DataDir;

#[derive(Debug, Parser)]
#[command(
    name = "offer-corpus",
    about = "Generated Local Offer sites for benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args, Clone, Copy)]
struct SiteArgs {
    /// HTML pages in the site (documents come on top, about one per 20 pages).
    #[arg(long, default_value_t = 1_000)]
    pages: usize,
    /// The same seed and page count always give the same site.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the site's files to a folder, as a static web server would serve them.
    Write {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long)]
        out: PathBuf,
        /// Base URL written into robots.txt and the sitemaps.
        #[arg(long, default_value = "http://127.0.0.1:8000")]
        base_url: String,
    },
    /// Serve the site on loopback until stopped.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
    },
    /// Extract the site's pages and documents and publish them as an index generation.
    Index {
        #[command(flatten)]
        site: SiteArgs,
        /// Data folder to publish into.
        #[arg(long)]
        data: PathBuf,
        /// Config folder; the built-in defaults when it does not exist.
        #[arg(long, default_value = "./index-config")]
        config: PathBuf,
        /// The URL the records claim to come from.
        #[arg(long, default_value = DEFAULT_BASE_URL)]
        base_url: String,
        /// Do nothing when the data folder already holds this site's index.
        #[arg(long)]
        reuse: bool,
    },
}

fn main() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let cli = Cli::parse();
    match cli.command {
        Command::Write {
            site,
            out,
            base_url,
        } => {
            let site = Site::new(SiteSpec::new(site.pages, site.seed));
            let started = Instant::now();
            let written = write_site(&site, &out, base_url.trim_end_matches('/'))
                .with_context(|| format!("cannot write the site into `{}`", out.display()))?;
            println!(
                "wrote {written} file(s) ({} pages, {} documents) to {} in {:.1}s",
                site.pages.len(),
                site.documents.len(),
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Serve { site, addr } => {
            let site = Arc::new(Site::new(SiteSpec::new(site.pages, site.seed)));
            let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
            runtime.block_on(async move {
                let served = serve_site(site.clone(), addr)
                    .await
                    .with_context(|| format!("cannot serve on `{addr}`"))?;
                println!(
                    "serving {} pages and {} documents at {}/",
                    site.pages.len(),
                    site.documents.len(),
                    served.base_url()
                );
                tokio::signal::ctrl_c()
                    .await
                    .context("cannot wait for ctrl-c")?;
                served.shutdown().await.context("server failed")
            })
        }
        Command::Index {
            site,
            data,
            config,
            base_url,
            reuse,
        } => {
            let spec = SiteSpec::new(site.pages, site.seed);
            if reuse && let Some(generation) = reusable(&data, spec) {
                println!(
                    "reusing generation {} in {}",
                    generation.number,
                    data.display()
                );
                return Ok(());
            }
            index(spec, &data, &config, &base_url)
        }
    }
}

fn index(
    spec: SiteSpec,
    data_dir: &std::path::Path,
    config_dir: &std::path::Path,
    base_url: &str,
) -> anyhow::Result<()> {
    let config = if config_dir.is_dir() {
        Config::load(config_dir)
            .with_context(|| format!("cannot load config folder `{}`", config_dir.display()))?
    } else {
        Config::defaults()
    };
    let base = url::Url::parse(base_url).with_context(|| format!("`{base_url}` is not a URL"))?;
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get());
    // Extraction stands in for a crawl feeding the build, so it yields to searches as the
    // build does (`schedule.build_nice`).
    lower_thread_priority(config.site.schedule.build_nice);

    let started = Instant::now();
    let site = Site::new(spec);
    let layout_secs = started.elapsed().as_secs_f64();

    let extract_started = Instant::now();
    let records = site_records(&site, &base, &config.site, threads)?;
    let extract_secs = extract_started.elapsed().as_secs_f64();
    let num_records = records.len();

    let index_started = Instant::now();
    let data = DataDir::new(data_dir);
    let lock = data.lock()?;
    let generation = publish_records(&data, &lock, &config, records, None, true)?;
    let index_secs = index_started.elapsed().as_secs_f64();
    mark(data_dir, spec)?;

    println!(
        "layout {layout_secs:.2}s; extracted {num_records} record(s) in {extract_secs:.1}s \
         ({:.0}/s on {threads} thread(s)); indexed in {index_secs:.1}s ({:.0} records/s); \
         generation {} in {}",
        num_records as f64 / extract_secs,
        num_records as f64 / index_secs,
        generation.number,
        data_dir.display()
    );
    Ok(())
}
