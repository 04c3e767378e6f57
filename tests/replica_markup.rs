//! The replica site with other markup: no `<main>`, `<nav>`, `<header>` or `<footer>`, a
//! menu in a plain `div`, breadcrumbs as a "trail" paragraph and another title suffix, as
//! older content systems write them. Extraction, sections and ranking must not depend on
//! the modern elements.

mod common;

use std::path::Path;

use regex::Regex;

use common::{
    dev_judgments_over_api, project_config, replica_site_from, run_ok, serve, shared_dir,
};

/// Copies the replica site into `target`, rewriting every HTML page's markup. Text and
/// documents are left as they are; pages are handled as Latin-1 so that the windows-1252
/// page keeps its bytes.
fn rewrite_site(source: &Path, target: &Path) {
    let main_open = Regex::new(r#"<main[^>]*>"#).expect("regex");
    let nav = Regex::new(r#"(?s)<nav class="main-nav"[^>]*>(.*?)</nav>"#).expect("regex");
    let crumbs = Regex::new(r#"(?s)<nav class="breadcrumbs"[^>]*>\s*<ol>(.*?)</ol>\s*</nav>"#)
        .expect("regex");
    let item = Regex::new(r#"(?s)<li[^>]*>(.*?)</li>"#).expect("regex");
    for entry in walk(source) {
        let relative = entry.strip_prefix(source).expect("inside the site");
        let destination = target.join(relative);
        std::fs::create_dir_all(destination.parent().expect("a parent")).expect("mkdir");
        let bytes = std::fs::read(&entry).expect("read");
        let text: String = bytes.iter().map(|byte| *byte as char).collect();
        if !text.contains("<html") {
            std::fs::write(&destination, &bytes).expect("copy");
            continue;
        }
        let text = main_open.replace_all(&text, r#"<div id="page-body">"#);
        let text = text.replace("</main>", "</div>");
        let text = nav.replace_all(&text, r#"<div class="menu">$1</div>"#);
        let text = crumbs.replace_all(&text, |captures: &regex::Captures| {
            let steps: Vec<String> = item
                .captures_iter(&captures[1])
                .map(|step| step[1].trim().to_string())
                .collect();
            format!(r#"<p class="trail">{}</p>"#, steps.join(" &gt; "))
        });
        let text = text
            .replace(r#"<header class="site-header">"#, r#"<div class="top">"#)
            .replace("</header>", "</div>")
            .replace(r#"<footer class="site-footer">"#, r#"<div class="bottom">"#)
            .replace("</footer>", "</div>")
            .replace(
                " - Derbyshire Local Offer</title>",
                " | Derbyshire County Council</title>",
            );
        let rewritten: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
        std::fs::write(&destination, rewritten).expect("write");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn other_markup_gives_the_same_sections_and_ranking() {
    let temp = tempfile::tempdir().expect("temp dir");
    let site_dir = temp.path().join("site");
    rewrite_site(&shared_dir().join("realdata/site"), &site_dir);
    let site = replica_site_from(&site_dir);
    let data = temp.path().join("data");
    let config = project_config();
    let data_arg = data.to_str().expect("utf-8 path");
    let start = format!("{}/", site.base_url);
    run_ok(&[
        "crawl",
        &start,
        "--data",
        data_arg,
        "--config",
        config.to_str().expect("utf-8"),
    ]);

    let listing = run_ok(&["pages", "--json", "--data", data_arg]);
    let records: Vec<serde_json::Value> = listing
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON lines"))
        .collect();
    let pages = records.iter().filter(|r| r["kind"] == "page").count();
    assert_eq!(pages, 72, "every page is still found once");
    let without_section = records.iter().filter(|r| r["section"].is_null()).count();
    assert!(
        without_section <= 4,
        "{without_section} records lost their section"
    );
    let home = records
        .iter()
        .find(|r| r["path"] == "/")
        .expect("home page");
    assert_eq!(
        home["title"], "Derbyshire Local Offer",
        "the other suffix is removed too"
    );

    let api = serve(&data, &config);
    let summary = &dev_judgments_over_api(&api.base_url);
    println!("dev judgments over the rewritten markup: {summary}");
    assert_eq!(summary["first_met"], summary["first_total"], "{summary}");
    assert!(
        summary["ndcg_at_10"].as_f64().unwrap_or(0.0) >= 0.90,
        "{summary}"
    );
}
