//! The command line refuses what the API refuses, before it opens anything.

use std::process::Command;

fn search(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_offer-search"))
        .arg("search")
        .args(args)
        .args(["--data", "/nonexistent/offer-search-cli-test"])
        .output()
        .expect("run offer-search");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn search_refuses_an_empty_query_and_a_zero_limit() {
    let (ok, stderr) = search(&["  "]);
    assert!(!ok);
    assert!(stderr.contains("the query is empty"), "{stderr}");

    let (ok, stderr) = search(&["--limit", "0", "short breaks"]);
    assert!(!ok);
    assert!(stderr.contains("--limit must be at least 1"), "{stderr}");

    // A real query gets as far as the data folder, and says which one is missing.
    let (ok, stderr) = search(&["short breaks"]);
    assert!(!ok);
    assert!(stderr.contains("offer-search-cli-test"), "{stderr}");
}
