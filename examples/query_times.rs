//! In-process query and suggestion latency over an existing data folder, without HTTP: each
//! query of a list searched `--runs` times (snippets and facets on, as the front-end asks),
//! then the medians. For profiling (`perf record` on this binary) and for side-by-side runs
//! of two builds on the same index.
//!
//! ```sh
//! cargo run --release --example query_times -- --data target/corpus/100000-20261203
//! cargo run --release --example query_times -- --data DIR --suggest   # every typed prefix
//! cargo run --release --example query_times -- --data DIR --exact     # no rescoring window
//! cargo run --release --example query_times -- --data DIR --agreement # window against exact
//! ```

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use offer_search::config::Config;
use offer_search::search::{Engine, RescoreWindow, SearchRequest};
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
    /// Score every match with the full query, however large the index (no rescoring window).
    #[arg(long)]
    exact: bool,
    /// Compare the first ten results of the rescoring window with exact ranking's, per query.
    #[arg(long)]
    agreement: bool,
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
    let engine = if cli.exact {
        engine.with_window(RescoreWindow::NEVER)
    } else {
        engine
    };
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

    if cli.agreement {
        let exact = Engine::open(&generation)?.with_window(RescoreWindow::NEVER);
        return agreement(&engine, &exact, &config, &queries, cli.quiet);
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

/// How often the window's first result and first ten are exact ranking's.
fn agreement(
    windowed: &Engine,
    exact: &Engine,
    config: &Config,
    queries: &[&str],
    quiet: bool,
) -> anyhow::Result<()> {
    let (mut same_first, mut shared, mut shown, mut same_total) = (0, 0, 0, 0);
    for query in queries {
        let mut request = SearchRequest::new(*query);
        request.limit = 10;
        request.group = false;
        let urls = |engine: &Engine| -> anyhow::Result<(Vec<String>, usize)> {
            let response = engine
                .search(&request, config)
                .with_context(|| format!("searching {query:?}"))?;
            let urls = response.results.into_iter().map(|hit| hit.url).collect();
            Ok((urls, response.total))
        };
        let ((window, window_total), (best, best_total)) = (urls(windowed)?, urls(exact)?);
        same_first += usize::from(window.first() == best.first());
        same_total += usize::from(window_total == best_total);
        let common = best.iter().filter(|url| window.contains(url)).count();
        shared += common;
        shown += best.len();
        if !quiet && common < best.len() {
            println!("{common:2} of {:2} shared  {query}", best.len());
        }
    }
    println!(
        "queries {}: same first result {same_first}, same total {same_total}, first ten shared {shared} of {shown} ({:.1} %)",
        queries.len(),
        100.0 * shared as f64 / shown.max(1) as f64
    );
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
