//! The README's first command: the demo serves the bundled sample site, crawls it and
//! answers searches, and its judged queries score as the sample site's judgments expect.

mod common;

use common::{demo, result_paths, run_ok, search};

#[test]
fn demo_serves_ranked_results_over_the_sample_site() {
    let temp = tempfile::tempdir().expect("temp dir");
    let api = demo(&temp.path().join("demo"));

    let (status, health) = common::get_json(&format!("{}/health", api.base_url));
    assert_eq!(status, 200, "{health}");
    assert!(health["pages"].as_u64().unwrap_or(0) >= 15, "{health}");
    assert!(health["documents"].as_u64().unwrap_or(0) >= 4, "{health}");

    let (status, body) = search(&api.base_url, "inclusion funding", &[("group", "false")]);
    assert_eq!(status, 200);
    let paths = result_paths(&body);
    assert_eq!(
        paths.first().map(String::as_str),
        Some("/education-and-learning/inclusion-funding/inclusion-funding.html"),
        "{paths:?}"
    );
    let form = "/documents/inclusion-funding-application-form.pdf";
    assert!(paths.iter().skip(1).any(|path| path == form), "{paths:?}");

    let judgments = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/sample-site/judgments.toml");
    let report = run_ok(&[
        "evaluate",
        "--judgments",
        judgments.to_str().expect("utf-8 path"),
        "--url",
        &api.base_url,
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).expect("evaluate --json");
    let summary = &report["summary"];
    println!("sample-site judgments over the demo API: {summary}");
    assert_eq!(summary["first_met"], summary["first_total"], "{summary}");
    assert!(
        summary["ndcg_at_10"].as_f64().unwrap_or(0.0) >= 0.8,
        "{summary}"
    );

    // Broad worries find earlier help first; specific requests still find their match.
    // The file's own thresholds make `evaluate` fail when a `first` is missed.
    let pathway = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/sample-site/judgments-pathway.toml");
    let report = run_ok(&[
        "evaluate",
        "--judgments",
        pathway.to_str().expect("utf-8 path"),
        "--url",
        &api.base_url,
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).expect("evaluate --json");
    println!("sample-site pathway judgments: {}", report["summary"]);
    assert_eq!(report["summary"]["first"], 1.0, "{}", report["summary"]);
}
