//! The steering group's reports on real input: the replica Local Offer site crawled with
//! the binary, its example review tracker imported, and searches and clicks made through
//! a running server.
//!
//! Expected figures are worked out here from `site-manifest.tsv` (each page's "Last
//! reviewed" date, keyword form and description) and `review-tracker.csv`, independently of
//! the code under test.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use chrono::{Months, NaiveDate};
use serde_json::Value;

use common::{project_config, replica_site, run, run_ok, serve_with_token, shared_dir};

fn comparable(path: &str) -> String {
    offer_search::evaluate::normalize_path(path).to_lowercase()
}

/// A page or landing page of the manifest.
struct ManifestPage {
    path: String,
    keywords_form: String,
    has_description: bool,
    last_reviewed: NaiveDate,
}

fn manifest_pages() -> Vec<ManifestPage> {
    let path = shared_dir().join("realdata/site-manifest.tsv");
    let text = std::fs::read_to_string(&path).expect("manifest is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|found| *found == name)
            .unwrap_or_else(|| panic!("manifest column `{name}`"))
    };
    let (path_col, kind_col) = (column("path"), column("kind"));
    let (form_col, description_col) = (column("keywords_form"), column("has_description"));
    let reviewed_col = column("last_reviewed");
    lines
        .map(|line| line.split('\t').collect::<Vec<&str>>())
        .filter(|cells| matches!(cells[kind_col], "page" | "landing"))
        .map(|cells| ManifestPage {
            path: cells[path_col].to_string(),
            keywords_form: cells[form_col].to_string(),
            has_description: cells[description_col] == "yes",
            last_reviewed: cells[reviewed_col].parse().expect("manifest date"),
        })
        .collect()
}

/// One row of the example tracker.
struct TrackerRow {
    path: String,
    owner: String,
    last_review: NaiveDate,
}

fn tracker_file() -> std::path::PathBuf {
    shared_dir().join("realdata/review-tracker.csv")
}

fn tracker_rows() -> Vec<TrackerRow> {
    let mut reader = csv::Reader::from_path(tracker_file()).expect("tracker is readable");
    reader
        .records()
        .map(|record| {
            let record = record.expect("tracker row");
            let date = NaiveDate::parse_from_str(&record[4], "%d/%m/%Y").expect("tracker date");
            TrackerRow {
                path: record[0].to_string(),
                owner: record[2].trim().to_string(),
                last_review: date,
            }
        })
        .collect()
}

/// Pages overdue on `as_of` with a six-month cycle, and the days each is overdue, using the
/// tracker's date where it has one when `with_tracker`.
fn expected_overdue(as_of: NaiveDate, with_tracker: bool) -> BTreeMap<String, i64> {
    let tracker: HashMap<String, NaiveDate> = tracker_rows()
        .into_iter()
        .map(|row| (comparable(&row.path), row.last_review))
        .collect();
    manifest_pages()
        .into_iter()
        .filter_map(|page| {
            let key = comparable(&page.path);
            let reviewed = match tracker.get(&key) {
                Some(date) if with_tracker => *date,
                _ => page.last_reviewed,
            };
            let due = reviewed.checked_add_months(Months::new(6))?;
            (as_of > due).then(|| (key, (as_of - due).num_days()))
        })
        .collect()
}

fn as_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"))
}

fn paths_of(list: &Value, field: &str) -> BTreeSet<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item[field].as_str().map(comparable))
                .collect()
        })
        .unwrap_or_default()
}

fn overdue_in(report: &Value) -> BTreeMap<String, i64> {
    report["pages"]
        .as_array()
        .map(|pages| {
            pages
                .iter()
                .filter(|page| page["status"] == "overdue")
                .map(|page| {
                    let path = comparable(page["path"].as_str().unwrap_or_default());
                    (path, page["days_overdue"].as_i64().unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default()
}

struct Folders {
    data: String,
    config: String,
}

impl Folders {
    fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = args.to_vec();
        all.extend(["--data", &self.data, "--config", &self.config]);
        all
    }
}

#[test]
fn steering_group_reports_on_the_replica_site() {
    let site = replica_site();
    let temp = tempfile::tempdir().expect("temp dir");
    let folders = Folders {
        data: temp.path().join("data").display().to_string(),
        config: project_config().display().to_string(),
    };
    let start = format!("{}/", site.base_url);
    run_ok(&folders.args(&["crawl", &start]));

    // The tracker: 66 rows, 7 without an owner.
    let tracker = tracker_file();
    let tracker_arg = tracker.to_str().expect("utf-8 path");
    let imported = run_ok(&folders.args(&["review", "import", tracker_arg]));
    assert!(
        imported.contains("imported 66 row(s)") && imported.contains("7 without an owner"),
        "{imported}"
    );

    check_reviews(&folders);
    check_bad_tracker_is_refused(&folders, temp.path());
    check_keyword_lint(&folders, &[]);
    check_links_report(&folders);
    check_logged_searches(&folders, temp.path());
}

fn check_reviews(folders: &Folders) {
    let as_of = NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
    let report = as_json(&run_ok(&folders.args(&[
        "report",
        "reviews",
        "--as-of",
        "2026-12-03",
    ])));
    let expected = expected_overdue(as_of, true);
    assert_eq!(expected.len(), 31, "the manifest and tracker say 31 of 72");
    assert_eq!(
        report["summary"], "31 of 72 pages overdue",
        "{}",
        report["summary"]
    );
    assert_eq!(overdue_in(&report), expected, "days overdue per page");
    assert!(expected.values().all(|days| *days >= 1));

    let totals = &report["totals"];
    assert_eq!(totals["pages"], 72);
    assert_eq!(totals["on_tracker"], 66);
    assert_eq!(totals["tracker_rows_not_on_site"], 0);
    let by_stage: i64 = totals["by_stage"]
        .as_object()
        .map(|stages| stages.values().filter_map(Value::as_i64).sum())
        .unwrap_or_default();
    assert_eq!(by_stage, 31, "every overdue page has a stage: {totals}");

    // The six pages missing from the tracker, and the seven rows without an owner.
    let tracker = tracker_rows();
    let tracked: BTreeSet<String> = tracker.iter().map(|row| comparable(&row.path)).collect();
    let missing: BTreeSet<String> = manifest_pages()
        .iter()
        .map(|page| comparable(&page.path))
        .filter(|path| !tracked.contains(path))
        .collect();
    assert_eq!(missing.len(), 6);
    assert_eq!(paths_of(&report["not_on_tracker"], "path"), missing);
    let ownerless: BTreeSet<String> = tracker
        .iter()
        .filter(|row| row.owner.is_empty())
        .map(|row| comparable(&row.path))
        .collect();
    assert_eq!(ownerless.len(), 7);
    assert_eq!(paths_of(&report["no_owner"], "path"), ownerless);

    // The four rows where the tracker's later date wins over the page's.
    let page_dates: HashMap<String, NaiveDate> = manifest_pages()
        .into_iter()
        .map(|page| (comparable(&page.path), page.last_reviewed))
        .collect();
    let later: BTreeSet<String> = tracker
        .iter()
        .filter(|row| page_dates.get(&comparable(&row.path)) < Some(&row.last_review))
        .map(|row| comparable(&row.path))
        .collect();
    assert_eq!(later.len(), 4);
    assert_eq!(totals["tracker_later_than_page"], 4);
    let pages = report["pages"].as_array().cloned().unwrap_or_default();
    for page in &pages {
        let path = comparable(page["path"].as_str().unwrap_or_default());
        if later.contains(&path) {
            assert_eq!(page["date_source"], "tracker", "{page}");
            assert_ne!(page["last_reviewed"], page["page_date"], "{page}");
        }
    }

    // In March 2027 the tracker's dates keep some pages in date that their own dates would
    // make overdue.
    let march = NaiveDate::from_ymd_opt(2027, 3, 10).expect("date");
    let report = as_json(&run_ok(&folders.args(&[
        "report",
        "reviews",
        "--as-of",
        "2027-03-10",
    ])));
    let expected = expected_overdue(march, true);
    assert_ne!(
        expected,
        expected_overdue(march, false),
        "the tracker matters here"
    );
    assert_eq!(overdue_in(&report), expected);
    assert_eq!(
        report["summary"],
        format!("{} of 72 pages overdue", expected.len())
    );

    let csv = run_ok(&folders.args(&["report", "reviews", "--csv", "--as-of", "2026-12-03"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    let status_col = header
        .iter()
        .position(|name| name == "status")
        .expect("status");
    let statuses: Vec<String> = reader
        .records()
        .map(|record| record.expect("row")[status_col].to_string())
        .collect();
    assert_eq!(statuses.len(), 72);
    assert_eq!(
        statuses
            .iter()
            .filter(|status| *status == "overdue")
            .count(),
        31
    );
}

fn check_bad_tracker_is_refused(folders: &Folders, temp: &Path) {
    let bad = temp.join("bad-tracker.csv");
    std::fs::write(
        &bad,
        "Page URL,Page name,Owner,Strategic lead,Last review,Notes\n\
         /,Home,Local Offer Officer,Head of SEND,01/12/2026,\n\
         /a-to-z/a-to-z.aspx,A to Z,,Head of SEND,31/06/2026,\n",
    )
    .expect("write bad tracker");
    let output = run(&folders.args(&["review", "import", bad.to_str().expect("utf-8")]));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("31/06/2026"),
        "{stderr}"
    );
    let report = as_json(&run_ok(&folders.args(&[
        "report",
        "reviews",
        "--as-of",
        "2026-12-03",
    ])));
    assert_eq!(
        report["totals"]["on_tracker"], 66,
        "the stored tracker is unchanged"
    );
}

/// Keyword lint against the manifest's keyword form and description columns; `searched`
/// are queries logged so far.
fn check_keyword_lint(folders: &Folders, searched: &[&str]) -> Value {
    let report = as_json(&run_ok(&folders.args(&["report", "keywords"])));
    let rows: HashMap<String, Value> = report["pages"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    (
                        comparable(row["path"].as_str().unwrap_or_default()),
                        row.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let pages = manifest_pages();
    assert_eq!(rows.len(), pages.len());
    for page in &pages {
        let row = &rows[&comparable(&page.path)];
        let problems = row["problems"].to_string();
        let form = match page.keywords_form.as_str() {
            "comma" => "list",
            other => other,
        };
        assert_eq!(row["keyword_form"], form, "{}", page.path);
        assert_eq!(
            problems.contains("\"comma_list\""),
            page.keywords_form == "comma",
            "{}: {problems}",
            page.path
        );
        assert_eq!(
            problems.contains("\"missing_keywords\""),
            page.keywords_form == "none",
            "{}: {problems}",
            page.path
        );
        assert_eq!(
            problems.contains("\"missing_description\""),
            !page.has_description,
            "{}: {problems}",
            page.path
        );
    }
    assert_eq!(report["problem_counts"]["comma_list"], 8);
    assert_eq!(report["problem_counts"]["missing_keywords"], 21);
    assert_eq!(report["queries_in_window"], searched.len());
    report
}

/// The crawl recorded the replica's one broken internal link (the annual reviews page links
/// to a page that answers 404); external links are checked by `links`, not by the crawl.
fn check_links_report(folders: &Folders) {
    let report = as_json(&run_ok(&folders.args(&["report", "links"])));
    assert_eq!(report["available"], true, "{report}");
    assert_eq!(report["internal"], 1, "{report}");
    let rows = report["rows"].as_array().cloned().unwrap_or_default();
    let row = rows
        .iter()
        .find(|row| row["status"] == 404)
        .unwrap_or_else(|| panic!("no 404 row: {report}"));
    assert_eq!(
        row["page_path"],
        "/apply-for-an-assessment/ehc-plan/statutory-annual-reviews/statutory-annual-reviews.aspx"
    );
    assert!(
        row["link_url"]
            .as_str()
            .is_some_and(|url| url.ends_with("/preparing-for-your-annual-review-meeting.aspx")),
        "{row}"
    );
    assert!(
        row["owner"].is_string(),
        "the tracker names this page's owner: {row}"
    );
}

/// An HTTP agent that reports redirects instead of following them.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn admin_get(base: &str, path: &str, token: &str) -> Value {
    let mut response = agent()
        .get(&format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap_or_else(|err| panic!("GET {path} failed: {err}"));
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.body_mut().read_json().expect("JSON")
}

fn check_logged_searches(folders: &Folders, temp: &Path) {
    let token = "replica-admin-token";
    let token_file = temp.join("admin-token");
    std::fs::write(&token_file, format!("{token}\n")).expect("write token");
    let api = serve_with_token(
        Path::new(&folders.data),
        Path::new(&folders.config),
        &token_file,
    );

    // A fixed log: queries typed as families type them, some more than once.
    let searches = [
        "Inclusion funding",
        "inclusion  FUNDING",
        "short breaks",
        "EHCP",
        "short breaks",
        "xyzzy plugh",
        "short breaks",
    ];
    let mut first_results: HashMap<String, Value> = HashMap::new();
    for query in searches {
        let (status, body) = common::search(&api.base_url, query, &[]);
        assert_eq!(status, 200, "{body}");
        first_results
            .entry(
                query
                    .to_lowercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .or_insert(body);
    }

    // Follow two results' click links: rank 1 for inclusion funding, rank 2 for short breaks.
    for (query, index) in [("inclusion funding", 0), ("short breaks", 1)] {
        let hit = &first_results[query]["results"][index];
        let click_url = hit["click_url"].as_str().expect("click_url");
        let response = agent()
            .get(&format!("{}{click_url}", api.base_url))
            .call()
            .expect("click");
        assert_eq!(response.status().as_u16(), 303);
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok());
        assert_eq!(location, hit["url"].as_str());
    }
    let response = agent()
        .get(&format!(
            "{}/click?q=x&rank=1&url=https%3A%2F%2Fexample.org%2F",
            api.base_url
        ))
        .call()
        .expect("click off the site");
    assert_eq!(response.status().as_u16(), 400);

    let top = admin_get(&api.base_url, "/admin/reports/top-queries", token);
    let rows: Vec<(String, i64, i64)> = top["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    (
                        row["query"].as_str().unwrap_or_default().to_string(),
                        row["searches"].as_i64().unwrap_or(0),
                        row["clicks"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        rows,
        [
            ("short breaks".to_string(), 3, 1),
            ("inclusion funding".to_string(), 2, 1),
            ("ehcp".to_string(), 1, 0),
            ("xyzzy plugh".to_string(), 1, 0),
        ]
    );
    let zero = admin_get(&api.base_url, "/admin/reports/zero-results", token);
    assert_eq!(zero["rows"][0]["query"], "xyzzy plugh", "{zero}");
    let positions = admin_get(&api.base_url, "/admin/reports/click-positions", token);
    assert_eq!(positions["clicks"], 2);
    let reviews = admin_get(
        &api.base_url,
        "/admin/reports/reviews?as_of=2026-12-03",
        token,
    );
    assert_eq!(reviews["summary"], "31 of 72 pages overdue");

    // The same figures from the command line, which reads the log the server writes.
    let all = as_json(&run_ok(&folders.args(&["report", "queries"])));
    let tables: Vec<&String> = all
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        tables,
        [
            "click_positions",
            "no_clicks",
            "top_queries",
            "weekly",
            "zero_results"
        ]
    );
    assert_eq!(all["top_queries"]["searches"], 7);
    let today = chrono::Utc::now().date_naive().to_string();
    let csv = run_ok(&folders.args(&[
        "report",
        "queries",
        "--table",
        "top-queries",
        "--csv",
        "--from",
        &today,
        "--to",
        &today,
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(lines[1].starts_with("short breaks,3,"), "{csv}");

    // The keyword review now knows what was searched: "short" and "breaks" are searched
    // words, so no page lists them as unsearched.
    let report = check_keyword_lint(
        folders,
        &["inclusion funding", "short breaks", "ehcp", "xyzzy plugh"],
    );
    let unsearched: Vec<&str> = report["unsearched_words"]
        .as_array()
        .map(|words| {
            words
                .iter()
                .filter_map(|word| word["word"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(!unsearched.is_empty());
    for word in ["short", "breaks", "inclusion", "funding"] {
        assert!(!unsearched.contains(&word), "`{word}` was searched");
    }
}
