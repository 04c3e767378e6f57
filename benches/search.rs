//! Query latency on generated Local Offer sites of 1,000, 10,000 and 100,000 pages.
//!
//! ```sh
//! cargo bench --bench search                 # every size
//! cargo bench --bench search -- 10000        # names holding "10000" only
//! ```
//!
//! Each size's index is built once under `target/bench-corpus/` and reused by later runs
//! (see `offer_search::corpus::records::ensure_index`); the first run at 100,000 pages
//! spends a few minutes building it. The shipped `index-config/` is used, so acronyms
//! expand with the shipped synonyms.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use divan::Bencher;
use offer_search::config::Config;
use offer_search::corpus::records::ensure_index;
use offer_search::corpus::{DEFAULT_SEED, SiteSpec};
use offer_search::search::{Engine, SearchRequest};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        Config::load(&root().join("index-config")).expect("the shipped index-config is valid")
    })
}

/// The engine over the generated site of `pages` pages, built on first use.
fn engine(pages: usize) -> Arc<Engine> {
    static ENGINES: OnceLock<Mutex<HashMap<usize, Arc<Engine>>>> = OnceLock::new();
    let engines = ENGINES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut engines = engines
        .lock()
        .expect("no bench panicked while holding the lock");
    engines
        .entry(pages)
        .or_insert_with(|| {
            let dir = root()
                .join("target/bench-corpus")
                .join(format!("{pages}-{DEFAULT_SEED}"));
            let spec = SiteSpec::new(pages, DEFAULT_SEED);
            let generation = ensure_index(&dir, spec, config()).expect("corpus index builds");
            Arc::new(Engine::open(&generation).expect("corpus index opens"))
        })
        .clone()
}

fn run(bencher: Bencher, pages: usize, query: &str, snippets: bool, facets: bool) {
    let engine = engine(pages);
    let mut request = SearchRequest::new(query);
    request.snippets = snippets;
    request.facets = facets;
    bencher.bench(|| {
        engine
            .search(divan::black_box(&request), config())
            .expect("search succeeds")
    });
}

/// One common word.
#[divan::bench(args = SIZES)]
fn single_word(bencher: Bencher, pages: usize) {
    run(bencher, pages, "autism", true, true);
}

/// Several words, the usual family query.
#[divan::bench(args = SIZES)]
fn several_words(bencher: Bencher, pages: usize) {
    run(
        bencher,
        pages,
        "short breaks holiday activities",
        true,
        true,
    );
}

/// A quoted phrase.
#[divan::bench(args = SIZES)]
fn phrase(bencher: Bencher, pages: usize) {
    run(
        bencher,
        pages,
        "\"speech and language therapy\"",
        true,
        true,
    );
}

/// An acronym that the shipped synonyms expand.
#[divan::bench(args = SIZES)]
fn acronym(bencher: Bencher, pages: usize) {
    run(bencher, pages, "EHCP", true, true);
}

/// Several words without facet counts.
#[divan::bench(args = SIZES)]
fn several_words_no_facets(bencher: Bencher, pages: usize) {
    run(
        bencher,
        pages,
        "short breaks holiday activities",
        true,
        false,
    );
}

/// Several words with neither snippets nor facets: retrieval and ranking alone.
#[divan::bench(args = SIZES)]
fn several_words_bare(bencher: Bencher, pages: usize) {
    run(
        bencher,
        pages,
        "short breaks holiday activities",
        false,
        false,
    );
}

/// Type-ahead for a partly typed word.
#[divan::bench(args = SIZES)]
fn suggest(bencher: Bencher, pages: usize) {
    let engine = engine(pages);
    bencher.bench(|| engine.suggest(divan::black_box("short b"), 8));
}
