//! Acceptance on real input: crawl the replica Local Offer site with the binary and the
//! shipped `index-config/`, serve the API, and check what families and admins rely on.
//!
//! The replica (`../shared/realdata/site`, served by its own `serve.py` on loopback) holds
//! real council page texts in scaffolding markup; `site-manifest.tsv` says what each path is.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use common::{
    dev_judgments_over_api, project_config, replica_site, result_paths, run_ok, search, serve,
    shared_dir,
};

/// One row of `site-manifest.tsv`.
struct ManifestRow {
    path: String,
    kind: String,
    notes: String,
}

fn manifest() -> Vec<ManifestRow> {
    let path = shared_dir().join("realdata/site-manifest.tsv");
    let text = std::fs::read_to_string(&path).expect("manifest is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .expect("manifest has a header")
        .split('\t')
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .expect("manifest column")
    };
    let (path_col, kind_col, notes_col) = (column("path"), column("kind"), column("notes"));
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |index: usize| cells.get(index).copied().unwrap_or("").to_string();
            ManifestRow {
                path: cell(path_col),
                kind: cell(kind_col),
                notes: cell(notes_col),
            }
        })
        .collect()
}

/// Paths compared the way the judgments compare them: decoded, no trailing slash.
fn comparable(path: &str) -> String {
    offer_search::evaluate::normalize_path(path)
}

fn indexed_records(data: &Path) -> Vec<serde_json::Value> {
    let listing = run_ok(&[
        "pages",
        "--json",
        "--data",
        data.to_str().expect("utf-8 path"),
    ]);
    listing
        .lines()
        .map(|line| serde_json::from_str(line).expect("pages --json prints JSON lines"))
        .collect()
}

#[test]
fn replica_site_end_to_end() {
    let site = replica_site();
    let temp = tempfile::tempdir().expect("temp dir");
    let data = temp.path().join("data");
    let config = project_config();
    let data_arg = data.to_str().expect("utf-8 path");
    let config_arg = config.to_str().expect("utf-8 path");
    let start = format!("{}/", site.base_url);

    run_ok(&["crawl", &start, "--data", data_arg, "--config", config_arg]);
    let records = indexed_records(&data);
    let manifest = manifest();

    // Every page and landing page is indexed exactly once, whatever URL variants link to it.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for record in &records {
        let path = record["path"].as_str().expect("path");
        *counts.entry(comparable(path)).or_default() += 1;
    }
    for row in manifest
        .iter()
        .filter(|row| row.kind == "page" || row.kind == "landing")
    {
        let count = counts.get(&comparable(&row.path)).copied().unwrap_or(0);
        assert_eq!(count, 1, "`{}` is indexed {count} times", row.path);
    }
    let pages = records.iter().filter(|r| r["kind"] == "page").count();
    let expected_pages = manifest
        .iter()
        .filter(|row| row.kind == "page" || row.kind == "landing")
        .count();
    assert_eq!(pages, expected_pages, "no page beyond the manifest's");

    // Redirects, the robots-disallowed search page and the missing page are not indexed.
    for row in manifest
        .iter()
        .filter(|row| row.kind == "redirect" || row.kind == "search-page")
    {
        assert!(
            !counts.contains_key(&comparable(&row.path)),
            "`{}` is indexed",
            row.path
        );
    }
    let missing = "/apply-for-an-assessment/ehc-plan/statutory-annual-reviews/preparing-for-your-annual-review-meeting.aspx";
    assert!(!counts.contains_key(missing));

    // The documents are found, each with the page that links to it as its parent.
    let by_path: BTreeMap<String, &serde_json::Value> = records
        .iter()
        .map(|r| (comparable(r["path"].as_str().unwrap_or("")), r))
        .collect();
    for row in manifest.iter().filter(|row| row.kind == "document") {
        let record = by_path
            .get(&comparable(&row.path))
            .unwrap_or_else(|| panic!("document `{}` is not indexed", row.path));
        assert_eq!(record["kind"], "document");
        let parent = row
            .notes
            .split("linked from ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("manifest names the linking page");
        let parent_url = record["parent_url"].as_str().unwrap_or("");
        assert!(
            comparable(parent_url.trim_start_matches(&site.base_url)) == comparable(parent),
            "`{}` has parent `{parent_url}`, expected `{parent}`",
            row.path
        );
    }

    let api = serve(&data, &config);

    // "Inclusion funding" lands on the introduction page, the form and guidance below it.
    let (status, body) = search(&api.base_url, "Inclusion funding", &[("group", "false")]);
    assert_eq!(status, 200, "{body}");
    let paths = result_paths(&body);
    let intro = "/education-and-learning/inclusion-support-advisory-service/inclusion-panel/inclusion-panel.aspx";
    assert_eq!(paths.first().map(String::as_str), Some(intro), "{paths:?}");
    for document in [
        "/documents/Inclusion Panel Referral Form.pdf",
        "/documents/inclusion-funding-guidance-for-schools.docx",
    ] {
        let position = paths.iter().position(|path| comparable(path) == document);
        assert!(
            position.is_some_and(|p| p > 0),
            "`{document}` below the intro in {paths:?}"
        );
    }

    // The windows-1252 page reads right: its £ and curly quotes survive into the snippet.
    let nlincs = "/partners/localoffer.northlincs.gov.uk/short-breaks";
    let (_, body) = search(
        &api.base_url,
        "contribution for a snack or cook and eat",
        &[],
    );
    let hit = body["results"]
        .as_array()
        .and_then(|results| {
            results
                .iter()
                .find(|r| comparable(r["path"].as_str().unwrap_or("")) == nlincs)
        })
        .unwrap_or_else(|| panic!("the windows-1252 page is not found: {body}"));
    let snippet = hit["snippet"].as_str().unwrap_or("");
    assert!(snippet.contains("£1"), "{snippet}");
    assert!(!snippet.contains('\u{FFFD}'), "{snippet}");
    let (_, body) = search(&api.base_url, "book your child place", &[]);
    let hit = body["results"]
        .as_array()
        .and_then(|results| {
            results
                .iter()
                .find(|r| comparable(r["path"].as_str().unwrap_or("")) == nlincs)
        })
        .unwrap_or_else(|| panic!("the windows-1252 page is not found: {body}"));
    let snippet = hit["snippet"].as_str().unwrap_or("");
    assert!(
        snippet.contains("</mark>’s") && snippet.contains("‘All About Me"),
        "{snippet}"
    );

    // Judged queries through the API, as the held-out checks run them. The figures are
    // printed for the record; the floor guards against a ranking regression.
    let summary = &dev_judgments_over_api(&api.base_url);
    println!("dev judgments over the API: {summary}");
    assert_eq!(summary["first_met"], summary["first_total"], "{summary}");
    assert!(
        summary["ndcg_at_10"].as_f64().unwrap_or(0.0) >= 0.90,
        "{summary}"
    );
    assert!(
        summary["p_at_1"].as_f64().unwrap_or(0.0) >= 0.90,
        "{summary}"
    );

    // Our own pathway judgments over the replica: the specific requests must find their
    // match first; the broad ones are reported.
    let pathway =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/judgments/replica-pathway.toml");
    let report = run_ok(&[
        "evaluate",
        "--judgments",
        pathway.to_str().expect("utf-8 path"),
        "--url",
        &api.base_url,
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).expect("evaluate --json");
    let pathway_summary = &report["summary"];
    println!("replica pathway judgments over the API: {pathway_summary}");
    assert_eq!(pathway_summary["first"], 1.0, "{pathway_summary}");
}

/// One deterministic slip in the longest word of a query: letters swapped, dropped,
/// doubled or replaced, in turn.
fn misspell(query: &str, position: usize) -> String {
    let mut words: Vec<String> = query.split(' ').map(String::from).collect();
    let longest = (0..words.len())
        .max_by_key(|index| (words[*index].chars().count(), usize::MAX - index))
        .unwrap_or(0);
    let chars: Vec<char> = words[longest].chars().collect();
    let middle = chars.len() / 2;
    let mut slipped = chars.clone();
    match position % 4 {
        0 if middle >= 1 => slipped.swap(middle - 1, middle),
        1 => {
            slipped.remove(middle);
        }
        2 => slipped.insert(middle, chars[middle]),
        _ => slipped[middle] = if chars[middle] == 'e' { 'a' } else { 'e' },
    }
    words[longest] = slipped.into_iter().collect();
    words.join(" ")
}

/// The dev judgments with every query misspelt once, in the same format.
fn misspelt_judgments(source: &Path, target: &Path) {
    let text = std::fs::read_to_string(source).expect("judgments are readable");
    let mut judgments: toml::Table = toml::from_str(&text).expect("judgments parse");
    let queries = judgments
        .get_mut("query")
        .and_then(|value| value.as_array_mut())
        .expect("judgments hold queries");
    for (position, query) in queries.iter_mut().enumerate() {
        let table = query.as_table_mut().expect("a query is a table");
        let typed = table["q"].as_str().expect("q is text").to_string();
        table.insert("q".into(), toml::Value::String(misspell(&typed, position)));
    }
    let written = toml::to_string(&judgments).expect("judgments serialise");
    std::fs::write(target, written).expect("write misspelt judgments");
}

fn evaluate_over(api: &str, judgments: &Path) -> serde_json::Value {
    let report = run_ok(&[
        "evaluate",
        "--judgments",
        judgments.to_str().expect("utf-8 path"),
        "--url",
        api,
        "--json",
    ]);
    serde_json::from_str(&report).expect("evaluate --json")
}

#[test]
fn misspelt_queries_keep_their_results() {
    let site = replica_site();
    let temp = tempfile::tempdir().expect("temp dir");
    let data = temp.path().join("data");
    let config = project_config();
    let start = format!("{}/", site.base_url);
    let data_arg = data.to_str().expect("utf-8 path");
    run_ok(&[
        "crawl",
        &start,
        "--data",
        data_arg,
        "--config",
        config.to_str().expect("utf-8"),
    ]);
    let api = serve(&data, &config);

    let dev = shared_dir().join("judgments/dev.toml");
    let misspelt = temp.path().join("misspelt.toml");
    misspelt_judgments(&dev, &misspelt);
    let right = evaluate_over(&api.base_url, &dev);
    let wrong = evaluate_over(&api.base_url, &misspelt);
    let right_ndcg = right["summary"]["ndcg_at_10"].as_f64().unwrap_or(0.0);
    let wrong_ndcg = wrong["summary"]["ndcg_at_10"].as_f64().unwrap_or(0.0);
    println!("nDCG@10 correctly spelt {right_ndcg:.3}, misspelt {wrong_ndcg:.3}");
    assert!(
        wrong_ndcg >= 0.9 * right_ndcg,
        "misspelt {wrong_ndcg:.3} vs {right_ndcg:.3}"
    );

    // Correct spelling is never "corrected": those queries run exactly as typed.
    let text = std::fs::read_to_string(&dev).expect("judgments are readable");
    let judgments: toml::Table = toml::from_str(&text).expect("judgments parse");
    for query in judgments["query"].as_array().expect("queries") {
        let typed = query["q"].as_str().expect("q is text");
        let (_, body) = search(&api.base_url, typed, &[("group", "false")]);
        assert!(
            body["did_you_mean"].is_null(),
            "`{typed}` was corrected: {}",
            body["did_you_mean"]
        );
    }
}
