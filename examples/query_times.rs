//! In-process query and suggestion latency over an existing data folder, without HTTP: each
//! query of a list searched `--runs` times (snippets and facets on, as the front-end asks),
//! then the medians. For profiling (`perf record` on this binary) and for side-by-side runs
//! of two builds on the same index.
//!
//! ```sh
//! cargo run --release --example query_times -- --data target/corpus/100000-20261203
//! cargo run --release --example query_times -- --data DIR --suggest   # every typed prefix
//! ```

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use offer_search::config::Config;
use offer_search::search::{Engine, SearchRequest};
use offer_search::store::DataDir;

#[derive(Debug, Parser)]
struct Cli {
    /// Data folder holding the index generations.
    #[arg(long)]
    data: PathBuf,
    /// Config folder.
    #[arg(long, default_value = "index-config")]
    config: PathBuf,
    /// Queries, one a line; `#` starts a comment line.
    #[arg(long, default_value = "scripts/queries.txt")]
    queries: PathBuf,
    /// Times each query is searched.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Time `/suggest` lookups for every prefix of every query instead.
    #[arg(long)]
    suggest: bool,
    /// Print only the summary line.
    #[arg(long)]
    quiet: bool,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(&cli.config)
        .with_context(|| format!("loading config from {}", cli.config.display()))?;
    let generation = DataDir::new(&cli.data)
        .current()
        .with_context(|| format!("opening the index in {}", cli.data.display()))?;
    let engine = Engine::open(&generation)?;
    let text = std::fs::read_to_string(&cli.queries)
        .with_context(|| format!("reading {}", cli.queries.display()))?;
    let queries: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    anyhow::ensure!(
        !queries.is_empty(),
        "{} holds no queries",
        cli.queries.display()
    );

    if cli.suggest {
        let mut times = Vec::new();
        for query in &queries {
            for end in 1..=query.chars().count() {
                let typed: String = query.chars().take(end).collect();
                let started = Instant::now();
                let found = engine.suggest_scored(&typed, 8).len();
                times.push((elapsed_ms(started), typed, found));
            }
        }
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        let all: Vec<f64> = times.iter().map(|(ms, _, _)| *ms).collect();
        println!("suggest lookups {} {}", all.len(), summary(&all));
        if !cli.quiet {
            for (ms, typed, found) in times.iter().rev().take(10) {
                println!("  {ms:8.3} ms {found:2} suggestions for {typed:?}");
            }
        }
        return Ok(());
    }

    let mut all = Vec::new();
    for query in &queries {
        let mut request = SearchRequest::new(*query);
        request.snippets = true;
        request.facets = true;
        let mut times = Vec::with_capacity(cli.runs);
        let mut total = 0;
        for _ in 0..cli.runs.max(1) {
            let started = Instant::now();
            total = engine
                .search(&request, &config)
                .with_context(|| format!("searching {query:?}"))?
                .total;
            times.push(elapsed_ms(started));
        }
        times.sort_by(f64::total_cmp);
        if !cli.quiet {
            println!(
                "{:9.3} ms {total:8} matches  {query}",
                times[times.len() / 2]
            );
        }
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    println!("searches {} {}", all.len(), summary(&all));
    Ok(())
}

fn elapsed_ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

/// p50, p99 and max of sorted times.
fn summary(sorted: &[f64]) -> String {
    let at = |share: f64| sorted[((sorted.len() - 1) as f64 * share).round() as usize];
    format!(
        "p50 {:.3} ms p99 {:.3} ms max {:.3} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    )
}
