//! A made-up site on loopback that misbehaves in every way a crawl must survive: redirect
//! loops and chains, off-site redirects, slow and huge answers, noindex and nofollow,
//! duplicate bodies, URL variants, garbage documents, and a document worker that hangs or
//! crashes. Each case must end as one counted skip while the rest of the crawl goes on.

mod support;

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use offer_search::crawl::{CrawlOptions, CrawlOutput, crawl};
use offer_search::record::Kind;
use url::Url;

use support::test_site_config;

fn html_page(title: &str, body: &str) -> Response {
    page_with_head(title, "", body)
}

fn page_with_head(title: &str, head: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         {head}</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn with_type(content_type: &'static str, body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A small DOCX written here: one paragraph and a title.
fn docx(title: &str, text: &str) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default();
    writer
        .start_file("word/document.xml", options)
        .expect("zip entry");
    let body = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    );
    writer.write_all(body.as_bytes()).expect("zip write");
    writer
        .start_file("docProps/core.xml", options)
        .expect("zip entry");
    let core = format!(
        "<cp:coreProperties xmlns:cp=\"x\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
         <dc:title>{title}</dc:title></cp:coreProperties>"
    );
    writer.write_all(core.as_bytes()).expect("zip write");
    writer.finish().expect("zip finish");
    buffer.into_inner()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("gzip write");
    encoder.finish().expect("gzip finish")
}

const HOME_LINKS: &str = r#"
<p><a href="/loop-a">Loop</a> <a href="/chain/0">Chain</a> <a href="/offsite">Away</a>
<a href="/slow">Slow</a> <a href="/huge">Huge</a> <a href="/missing">Missing</a>
<a href="/broken.pdf">Broken PDF</a> <a href="/report.docx">Report</a>
<a href="/noindex">Hidden</a> <a href="/header-noindex">Header hidden</a>
<a href="/nofollow">No follow</a> <a href="/copy-a">Copy A</a> <a href="/copy-b">Copy B</a>
<a href="/variant?utm_source=mail&amp;utm_medium=x">Variant</a> <a href="/variant#part">Variant</a>
<a href="/canon-x">Canonical variant</a> <a href="/private/page">Private</a>
<a href="/style.css">Styles</a> <a href="/data.bin">Data</a> <a href="/folder">Folder</a>
<a href="/folder/">Folder again</a> <a href="mailto:a@example.test">Mail</a>
<a href="tel:0100">Phone</a> <a href="javascript:void(0)">Script</a>
<a href="http://127.0.0.9:9/elsewhere">External</a></p>"#;

/// Starts the hostile site on a free loopback port and returns its base URL.
async fn start_hostile_site() -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let address = listener.local_addr().expect("bound address");
    let base = format!("http://{address}");

    let robots =
        format!("User-agent: *\nDisallow: /private\n\nSitemap: {base}/sitemap-index.xml\n");
    // The index points at a gzipped sitemap served under a generic type.
    let sitemap_index = format!(
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <sitemap><loc>{base}/sitemap.xml.gz</loc></sitemap></sitemapindex>"
    );
    let sitemap = gzip(
        format!(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
             <url><loc>{base}/from-sitemap</loc><lastmod>2026-01-01</lastmod></url>\
             <url><loc>{base}/unlinked.docx</loc></url>\
             <url><loc>http://127.0.0.9:9/off-site-in-sitemap</loc></url></urlset>"
        )
        .as_bytes(),
    );

    let app = Router::new()
        .route("/", get(|| async { html_page("Home", HOME_LINKS) }))
        .route("/robots.txt", get(move || async move { robots }))
        .route(
            "/sitemap-index.xml",
            get(move || async move { with_type("application/xml", sitemap_index.into_bytes()) }),
        )
        .route(
            "/sitemap.xml.gz",
            get(move || async move { with_type("application/octet-stream", sitemap) }),
        )
        .route("/loop-a", get(|| async { Redirect::temporary("/loop-b") }))
        .route("/loop-b", get(|| async { Redirect::temporary("/loop-a") }))
        .route(
            "/chain/{step}",
            get(|Path(step): Path<u32>| async move {
                Redirect::temporary(&format!("/chain/{}", step + 1))
            }),
        )
        .route(
            "/offsite",
            get(|| async { Redirect::permanent("http://127.0.0.9:9/elsewhere") }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                html_page("Slow", "<p>Too late.</p>")
            }),
        )
        .route(
            "/huge",
            get(|| async { html_page("Huge", &"<p>words words words</p>".repeat(100_000)) }),
        )
        .route(
            "/broken.pdf",
            get(|| async { with_type("application/pdf", b"%PDF-1.4\n1 0 obj <<\n%%EOF".to_vec()) }),
        )
        .route(
            "/report.docx",
            get(|| async {
                with_type(
                    DOCX_TYPE,
                    docx("Annual report", "What the service did this year."),
                )
            }),
        )
        .route(
            "/unlinked.docx",
            get(|| async { with_type(DOCX_TYPE, docx("Nobody links here", "Orphan text.")) }),
        )
        .route(
            "/noindex",
            get(|| async {
                let head = r#"<meta name="robots" content="noindex">"#;
                let body = r#"<p>Not for the index. <a href="/only-from-noindex">More</a></p>"#;
                page_with_head("Hidden", head, body)
            }),
        )
        .route(
            "/only-from-noindex",
            get(|| async { html_page("Reached through a noindex page", "<p>Still indexed.</p>") }),
        )
        .route(
            "/header-noindex",
            get(|| async {
                let mut headers = HeaderMap::new();
                headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
                (
                    headers,
                    html_page("Header hidden", "<p>Hidden by header.</p>"),
                )
            }),
        )
        .route(
            "/nofollow",
            get(|| async {
                let mut headers = HeaderMap::new();
                headers.insert("x-robots-tag", HeaderValue::from_static("nofollow"));
                let body =
                    r#"<p>Indexed, links not followed. <a href="/only-from-nofollow">X</a></p>"#;
                (headers, html_page("No follow", body))
            }),
        )
        .route(
            "/only-from-nofollow",
            get(|| async { html_page("Never reached", "<p>Unreachable.</p>") }),
        )
        .route(
            "/copy-a",
            get(|| async { html_page("Copy", "<p>The same body twice.</p>") }),
        )
        .route(
            "/copy-b",
            get(|| async { html_page("Copy", "<p>The same body twice.</p>") }),
        )
        .route(
            "/variant",
            get(|| async { html_page("Variant", "<p>One page, many links.</p>") }),
        )
        .route(
            "/canon-x",
            get(|| async {
                let head = r#"<link rel="canonical" href="/canon-target">"#;
                page_with_head("Canonical", head, "<p>Canonical body.</p>")
            }),
        )
        .route(
            "/private/page",
            get(|| async { html_page("Private", "<p>Secret.</p>") }),
        )
        .route(
            "/style.css",
            get(|| async { with_type("text/css", b"body{}".to_vec()) }),
        )
        .route(
            "/data.bin",
            get(|| async { with_type("application/octet-stream", vec![0u8; 64]) }),
        )
        .route("/folder", get(|| async { Redirect::permanent("/folder/") }))
        .route(
            "/folder/",
            get(|| async { html_page("Folder", "<p>Folder index.</p>") }),
        )
        .route(
            "/from-sitemap",
            get(|| async { html_page("From the sitemap", "<p>Only listed.</p>") }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") });

    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Url::parse(&format!("{base}/")).expect("base URL parses")
}

fn hostile_options(base: &Url) -> CrawlOptions {
    let mut site = test_site_config();
    site.crawl.request_timeout = Duration::from_secs(1);
    site.crawl.max_response_bytes = 1024 * 1024;
    site.crawl.document_timeout = Duration::from_secs(5);
    let mut options = CrawlOptions::new(vec![base.clone()], site);
    options.worker_program = Some(env!("CARGO_BIN_EXE_offer-search").into());
    options
}

fn titles(output: &CrawlOutput) -> HashMap<String, String> {
    output
        .records
        .iter()
        .map(|record| (record.url.clone(), record.title.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_case_is_one_counted_skip() {
    let base = start_hostile_site().await;
    let output = crawl(hostile_options(&base))
        .await
        .expect("the crawl starts");
    let summary = &output.summary;
    let found = titles(&output);
    let at = |path: &str| base.join(path).expect("path joins").to_string();
    let skipped = |reason: &str| summary.skipped.get(reason).copied().unwrap_or(0);

    assert_eq!(skipped("redirect-loop"), 1, "{summary:?}");
    assert_eq!(skipped("too-many-redirects"), 1, "{summary:?}");
    assert_eq!(skipped("redirect-offsite"), 1, "{summary:?}");
    assert_eq!(skipped("timeout"), 1, "{summary:?}");
    assert_eq!(skipped("too-large"), 1, "{summary:?}");
    assert_eq!(skipped("http-404"), 1, "{summary:?}");
    assert_eq!(skipped("extract-failed"), 1, "the garbage PDF: {summary:?}");
    assert_eq!(skipped("robots"), 1, "{summary:?}");
    assert_eq!(skipped("noindex"), 2, "{summary:?}");
    assert_eq!(
        skipped("unsupported-type"),
        2,
        "style.css unfetched, data.bin fetched: {summary:?}"
    );
    assert_eq!(skipped("unlinked-document"), 1, "{summary:?}");
    assert!(skipped("duplicate") >= 1, "{summary:?}");
    assert_eq!(summary.external_links, 1, "{summary:?}");

    // What is left is one record per real page, under its canonical URL.
    let expected = [
        ("/", "Home"),
        ("/report.docx", "Annual report"),
        ("/only-from-noindex", "Reached through a noindex page"),
        ("/nofollow", "No follow"),
        ("/variant", "Variant"),
        ("/canon-target", "Canonical"),
        ("/folder", "Folder"),
        ("/from-sitemap", "From the sitemap"),
    ];
    for (path, title) in expected {
        assert_eq!(
            found.get(&at(path)).map(String::as_str),
            Some(title),
            "{path}: {found:?}"
        );
    }
    // The two copies share a body: whichever arrived first is the record.
    let copies = [at("/copy-a"), at("/copy-b")];
    assert_eq!(
        copies.iter().filter(|url| found.contains_key(*url)).count(),
        1,
        "{found:?}"
    );
    assert_eq!(output.records.len(), expected.len() + 1, "{found:?}");
    assert_eq!(summary.pages, 8);
    assert_eq!(summary.documents, 1);

    let report = output
        .records
        .iter()
        .find(|record| record.kind == Kind::Document)
        .expect("the report is recorded");
    assert_eq!(report.body, "What the service did this year.");
    assert_eq!(report.content_type, DOCX_TYPE);
}

/// Writes an executable shell script standing in for the document worker.
fn fake_worker(dir: &std::path::Path, script: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("fake-worker.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("script written");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_and_crashing_workers_cost_only_their_document() {
    let base = start_hostile_site().await;
    let dir = tempfile::tempdir().expect("temp dir");
    // `--kind docx` hangs forever; `--kind pdf` dies the way a parser panic does.
    let worker = fake_worker(
        dir.path(),
        "case \"$3\" in\n  docx) exec sleep 60 ;;\n  *) echo 'thread panicked at parser' >&2; exit 101 ;;\nesac",
    );
    let mut options = hostile_options(&base);
    options.worker_program = Some(worker);
    options.site.crawl.document_timeout = Duration::from_secs(1);

    let started = Instant::now();
    let output = crawl(options).await.expect("the crawl starts");
    let summary = &output.summary;

    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the crawl waited on a hung worker"
    );
    assert_eq!(
        summary.skipped.get("extract-timeout"),
        Some(&2),
        "both DOCX files hang: {summary:?}"
    );
    assert_eq!(
        summary.skipped.get("extract-failed"),
        Some(&1),
        "the PDF crashes: {summary:?}"
    );
    assert_eq!(summary.documents, 0);
    assert_eq!(
        summary.pages, 8,
        "every page is still recorded: {summary:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_limit_stops_the_crawl_and_counts_the_rest() {
    let base = start_hostile_site().await;
    let mut options = hostile_options(&base);
    options.site.crawl.max_pages = 3;
    let output = crawl(options).await.expect("the crawl starts");
    assert!(output.records.len() <= 3, "{:?}", output.summary);
    assert!(
        output
            .summary
            .skipped
            .get("max-pages")
            .copied()
            .unwrap_or(0)
            > 0,
        "{:?}",
        output.summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_crawl_delay_spaces_requests() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let address = listener.local_addr().expect("bound address");
    let app = Router::new()
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nCrawl-delay: 0.5\n" }),
        )
        .route(
            "/",
            get(|| async { html_page("Home", r#"<p><a href="/a">A</a> <a href="/b">B</a></p>"#) }),
        )
        .route("/a", get(|| async { html_page("A", "<p>Page A.</p>") }))
        .route("/b", get(|| async { html_page("B", "<p>Page B.</p>") }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base = Url::parse(&format!("http://{address}/")).expect("base URL parses");

    let started = Instant::now();
    let output = crawl(hostile_options(&base))
        .await
        .expect("the crawl starts");
    let elapsed = started.elapsed();

    assert_eq!(output.summary.pages, 3, "{:?}", output.summary);
    // robots.txt, /sitemap.xml (404), /, /a, /b: four gaps of half a second at least.
    assert!(
        elapsed >= Duration::from_millis(2000),
        "crawl took only {elapsed:?}"
    );
}
