//! Query handling on any text: parsing, synonym expansion with the shipped SEND pack, and
//! snippets of the text for the parsed terms. None of it may panic or hang.
#![no_main]

use std::collections::HashSet;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use offer_search::config::Config;
use offer_search::search::query::{expand, parse};
use offer_search::search::snippet::{best_passage, opening};

static RULES: LazyLock<Config> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../index-config");
    Config::load(&dir).unwrap_or_else(|_| Config::defaults())
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parsed = parse(&text);
    expand(&mut parsed, &RULES.synonyms);
    let terms: HashSet<String> = parsed.marked_terms().into_iter().map(String::from).collect();
    for width in [1, 40, 220] {
        let _ = best_passage(&text, &terms, width);
        let _ = opening(&text, &terms, width);
    }
});
