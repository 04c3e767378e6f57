//! Incremental recrawls: a second crawl asks "changed since?" and reuses what did not
//! change; edited pages are extracted again; pages that answer 404 or are no longer
//! linked leave the index; every crawl publishes a complete generation and a report.
//!
//! The loopback site here changes between crawls; the replica test keeps one `serve.py`
//! running for all its crawls, since robots.txt and the sitemap carry its port.

mod common;
mod support;

use std::io::Write;
use std::path::Path;

use offer_search::config::Config;
use offer_search::recrawl::{CrawlRun, RunOptions, Trigger, run_crawl};
use offer_search::store::DataDir;

use support::{LiveSite, test_site_config};

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn docx(title: &str, text: &str) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default();
    writer
        .start_file("word/document.xml", options)
        .expect("zip entry");
    let body = format!(
        "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>\
         </w:body></w:document>"
    );
    writer.write_all(body.as_bytes()).expect("zip write");
    writer
        .start_file("docProps/core.xml", options)
        .expect("zip entry");
    let core = format!(
        "<cp:coreProperties xmlns:dc=\"dc\"><dc:title>{title}</dc:title></cp:coreProperties>"
    );
    writer.write_all(core.as_bytes()).expect("zip write");
    writer.finish().expect("zip finish");
    buffer.into_inner()
}

const HOME: &str = r#"<p>Start here. <a href="/a">Page A</a> <a href="/b">Page B</a>
<a href="/same">Same body</a> <a href="/guide.docx">The guide</a></p>"#;

fn config() -> Config {
    let mut config = Config::defaults();
    config.site = test_site_config();
    config
}

async fn crawl_once(site: &LiveSite, data: &DataDir) -> CrawlRun {
    let lock = data.lock().expect("no other crawl holds the data folder");
    let mut options = RunOptions::new(Trigger::Command);
    options.start_urls = vec![site.base.clone()];
    options.worker_program = Some(env!("CARGO_BIN_EXE_offer-search").into());
    run_crawl(data, &config(), lock, options)
        .await
        .expect("the crawl runs")
}

fn page_requests(site: &LiveSite) -> Vec<support::SeenRequest> {
    site.requests()
        .into_iter()
        .filter(|request| !matches!(request.path.as_str(), "/robots.txt" | "/sitemap.xml"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recrawl_asks_what_changed_and_follows_edits_and_removals() {
    let site = LiveSite::start().await;
    site.set_page("/", "Home", HOME);
    site.set_page("/a", "Page A", "<p>Short breaks give families a rest.</p>");
    site.set_page("/b", "Page B", "<p>Travel assistance for pupils.</p>");
    site.set_ignoring_validators(
        "/same",
        "text/html; charset=utf-8",
        support::html("Same", "<p>This server never answers 304.</p>"),
    );
    site.set(
        "/guide.docx",
        DOCX_TYPE,
        docx("Parent guide", "What the service offers."),
    );
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));

    let first = crawl_once(&site, &data).await;
    let report = &first.report;
    assert!(report.published, "{report:?}");
    assert_eq!(report.summary.mode, "full");
    assert_eq!((report.summary.pages, report.summary.documents), (4, 1));
    assert_eq!(report.summary.new, 5, "{report:?}");
    assert!(
        page_requests(&site)
            .iter()
            .all(|request| !request.conditional),
        "a first crawl has nothing to compare with"
    );
    assert!(first.report_path.ends_with("reports/crawl-1.json"));

    // Nothing changed: every page is asked conditionally and the answers are 304, except
    // the page whose server ignores validators, whose body hashes the same.
    site.clear_requests();
    let second = crawl_once(&site, &data).await;
    let summary = &second.report.summary;
    assert!(second.report.kept_current, "{:?}", second.report);
    assert!(
        !second.report.published,
        "nothing changed, so nothing is rebuilt"
    );
    assert_eq!(summary.mode, "incremental");
    assert_eq!(
        (summary.new, summary.changed, summary.removed),
        (0, 0, 0),
        "{summary:?}"
    );
    assert_eq!(summary.unchanged, 5, "{summary:?}");
    assert_eq!(summary.not_modified, 4, "{summary:?}");
    assert_eq!(summary.reused, 5, "{summary:?}");
    let requests = page_requests(&site);
    assert_eq!(requests.len(), 5, "{requests:?}");
    for request in &requests {
        // Without validators there is nothing to send back; the body's hash decides.
        let validated = request.path != "/same";
        assert_eq!(request.conditional, validated, "{request:?}");
        let expected = if validated { 304 } else { 200 };
        assert_eq!(request.status, expected, "{request:?}");
    }
    assert_eq!(
        second
            .generation
            .as_ref()
            .map(|generation| (generation.number, generation.meta.num_pages)),
        Some((1, 4)),
        "the first generation, complete, keeps serving"
    );

    // An edited page is extracted again; a page that now answers 404 leaves the index and
    // shows as a broken link on the page linking to it.
    site.set_page(
        "/a",
        "Page A",
        "<p>Short breaks now include holiday clubs.</p>",
    );
    site.remove("/b");
    let third = crawl_once(&site, &data).await;
    let summary = &third.report.summary;
    assert!(third.report.published, "{:?}", third.report);
    assert_eq!(
        (summary.changed, summary.removed, summary.unchanged),
        (1, 1, 3),
        "{summary:?}"
    );
    assert_eq!(summary.broken_links, 1, "{summary:?}");
    assert_eq!(summary.skipped.get("http-404"), Some(&1), "{summary:?}");
    let generation = third.generation.expect("published");
    assert_eq!(generation.meta.num_pages, 3);
    let engine = offer_search::search::Engine::open(&generation).expect("index opens");
    let titles: Vec<String> = engine
        .records()
        .expect("records")
        .into_iter()
        .map(|record| record.facts.title)
        .collect();
    assert!(
        !titles.iter().any(|title| title.contains("Page B")),
        "{titles:?}"
    );

    // A document no page links to any more is not fetched and leaves the index.
    site.set_page(
        "/",
        "Home",
        r#"<p>Start here. <a href="/a">Page A</a> <a href="/same">Same</a></p>"#,
    );
    site.clear_requests();
    let fourth = crawl_once(&site, &data).await;
    let summary = &fourth.report.summary;
    assert_eq!(summary.documents, 0, "{summary:?}");
    assert_eq!(summary.removed, 1, "{summary:?}");
    assert_eq!(summary.changed, 1, "the home page: {summary:?}");
    assert!(
        site.requests()
            .iter()
            .all(|request| request.path != "/guide.docx"),
        "an unlinked document was fetched"
    );

    // The report is in the data folder, in the generation's meta and in the state.
    let report_path = data.root().join("reports/crawl-3.json");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report_path).expect("the report file is written"))
            .expect("the report is JSON");
    assert_eq!(written["generation"], 3);
    assert_eq!(written["removed"], 1);
    assert!(written["skipped"].is_object() && written["elapsed"].is_number());
    let meta = data.current().expect("a current generation").meta;
    assert_eq!(
        meta.crawl.as_ref().map(|crawl| &crawl["removed"]),
        Some(&1.into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_recrawl_ignores_the_state_and_refused_crawls_keep_it() {
    let site = LiveSite::start().await;
    site.set_page(
        "/",
        "Home",
        r#"<p><a href="/a">A</a> <a href="/b">B</a> <a href="/c">C</a></p>"#,
    );
    for path in ["/a", "/b", "/c"] {
        site.set_page(path, &format!("Page {path}"), "<p>Some text.</p>");
    }
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));
    crawl_once(&site, &data).await;

    // Three of four pages gone: the safety check refuses, and the state is untouched.
    for path in ["/a", "/b", "/c"] {
        site.remove(path);
    }
    let refused = crawl_once(&site, &data).await;
    assert!(!refused.report.published);
    let reason = refused.report.refused.clone().unwrap_or_default();
    assert!(reason.contains("more than half"), "{reason}");
    assert!(
        refused
            .report_path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("crawl-unpublished-")),
        "{}",
        refused.report_path.display()
    );
    assert_eq!(data.current().expect("still serving").number, 1);

    for path in ["/a", "/b", "/c"] {
        site.set_page(path, &format!("Page {path}"), "<p>Some text.</p>");
    }
    site.clear_requests();
    let lock = data.lock().expect("free");
    let mut options = RunOptions::new(Trigger::Command);
    options.start_urls = vec![site.base.clone()];
    options.full = true;
    let full = run_crawl(&data, &config(), lock, options)
        .await
        .expect("the crawl runs");
    assert_eq!(full.report.summary.mode, "full");
    assert_eq!(full.report.summary.not_modified, 0);
    assert_eq!(
        full.report.summary.unchanged, 4,
        "compared with the state kept"
    );
    assert!(site.requests().iter().all(|request| !request.conditional));
}

/// Copies the replica site into `dir` so a test can edit it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn report(data: &Path, generation: u64) -> serde_json::Value {
    let path = data.join(format!("reports/crawl-{generation}.json"));
    let text = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_slice(&text).expect("the report is JSON")
}

/// The report of the one crawl that found nothing changed.
fn unchanged_report(data: &Path) -> serde_json::Value {
    let reports: Vec<_> = std::fs::read_dir(data.join("reports"))
        .expect("reports folder")
        .map(|entry| entry.expect("folder entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("crawl-unchanged-"))
        })
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let text = std::fs::read(&reports[0]).expect("report reads");
    serde_json::from_slice(&text).expect("the report is JSON")
}

#[test]
fn replica_recrawl_through_the_binary() {
    let temp = tempfile::tempdir().expect("temp dir");
    let site_dir = temp.path().join("site");
    copy_tree(&support::replica_dir().join("site"), &site_dir);
    // One server for every crawl: robots.txt and the sitemap carry its port.
    let server = support::ReplicaServer::start(&site_dir);
    let data = temp.path().join("data");
    let config = temp.path().join("config");
    std::fs::create_dir_all(&config).expect("config folder");
    std::fs::write(config.join("site.toml"), "[crawl]\ndelay_ms = 0\n").expect("site.toml");
    let args = [
        "crawl",
        server.base.as_str(),
        "--data",
        data.to_str().expect("utf-8 path"),
        "--config",
        config.to_str().expect("utf-8 path"),
    ];

    common::run_ok(&args);
    let first = report(&data, 1);
    assert_eq!(first["mode"], "full");
    assert_eq!(
        (first["pages"].as_u64(), first["documents"].as_u64()),
        (Some(72), Some(6))
    );

    common::run_ok(&args);
    let second = unchanged_report(&data);
    assert_eq!(second["kept_current"], true, "{second}");
    assert_eq!(second["generation"], 1, "{second}");
    assert_eq!(second["mode"], "incremental");
    assert_eq!(second["unchanged"], 78, "{second}");
    assert_eq!(
        (second["new"].as_u64(), second["changed"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(second["not_modified"].as_u64() >= Some(77), "{second}");
    // Only robots.txt and the sitemap come with a body now.
    let downloaded = |report: &serde_json::Value| report["downloaded_bytes"].as_u64().unwrap_or(0);
    assert!(
        downloaded(&second) * 20 < downloaded(&first),
        "{} bytes against {}",
        downloaded(&second),
        downloaded(&first)
    );

    let edited = site_dir.join("social-care/social-care.aspx");
    let text = std::fs::read_to_string(&edited).expect("page text");
    let text = text.replacen("</main>", "<p>Updated this week.</p></main>", 1);
    std::fs::write(&edited, text).expect("edit the page");
    std::fs::remove_file(
        site_dir.join("preparing-for-adulthood/preparing-for-adulthood-and-transition.aspx"),
    )
    .expect("delete a page");
    common::run_ok(&args);
    let third = report(&data, 2);
    assert_eq!(third["changed"], 1, "{third}");
    assert_eq!(third["removed"], 1, "{third}");
    assert_eq!(third["pages"], 71, "{third}");
    assert_eq!(third["skipped"]["http-404"], 2, "{third}");
}
