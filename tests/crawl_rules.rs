//! Loopback sites, one per behaviour: sitemap indexes and gzip, robots.txt agent groups,
//! off-site redirects, retries and backoff, the error budget, stalling servers, the crawl
//! deadline and compressed answers that inflate past the size cap.

mod support;

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use offer_search::config::{Config, SiteConfig};
use offer_search::crawl::{CrawlOptions, CrawlOutput, crawl};
use offer_search::recrawl::{RunOptions, Trigger, run_crawl};
use offer_search::store::DataDir;
use tokio::io::AsyncWriteExt;
use url::Url;

use support::{html, serve_router, test_site_config};

fn page(title: &str, main: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html(title, main),
    )
        .into_response()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("gzip write");
    encoder.finish().expect("gzip finish")
}

async fn crawl_with(base: &Url, adjust: impl FnOnce(&mut SiteConfig)) -> CrawlOutput {
    let mut site = test_site_config();
    adjust(&mut site);
    crawl(CrawlOptions::new(vec![base.clone()], site))
        .await
        .expect("the crawl starts")
}

fn paths(output: &CrawlOutput) -> Vec<String> {
    let mut found: Vec<String> = output
        .records
        .iter()
        .map(|record| {
            Url::parse(&record.url)
                .expect("record URL")
                .path()
                .to_string()
        })
        .collect();
    found.sort();
    found
}

/// robots.txt with agent groups, a sitemap index naming a gzipped sitemap (served under
/// `.xml` with an XML type: the bytes decide), a nested index and a text sitemap.
async fn sitemap_site() -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let base = format!("http://{}", listener.local_addr().expect("bound address"));
    let robots = format!(
        "User-agent: *\nDisallow: /\n\n\
         User-agent: Offer-Search\nDisallow: /members\nAllow: /members/open\n\n\
         User-agent: otherbot\nAllow: /\n\n\
         Sitemap: {base}/maps/index.xml\n"
    );
    let index = format!(
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <sitemap><loc>{base}/maps/pages.xml</loc></sitemap>\
         <sitemap><loc>{base}/maps/nested-index.xml</loc></sitemap></sitemapindex>"
    );
    let pages = gzip(
        format!(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
             <url><loc>{base}/old</loc><lastmod>2019-03-01</lastmod></url>\
             <url><loc>{base}/undated</loc></url>\
             <url><loc>{base}/newest</loc><lastmod>2026-11-30T08:00:00+00:00</lastmod></url>\
             <url><loc>{base}/newer</loc><lastmod>2026-01</lastmod></url>\
             <url><loc>{base}/members/secret</loc><lastmod>2018-12-01</lastmod></url>\
             <url><loc>{base}/members/open/notes</loc><lastmod>2025-01-01</lastmod></url>\
             </urlset>"
        )
        .as_bytes(),
    );
    let nested = format!(
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <sitemap><loc>{base}/maps/list.txt</loc></sitemap></sitemapindex>"
    );
    let text_list = format!("{base}/from-text-sitemap\n");

    let app = Router::new()
        .route("/robots.txt", get(move || async move { robots }))
        .route("/maps/index.xml", get(move || async move { index }))
        .route(
            "/maps/pages.xml",
            get(move || async move { ([(header::CONTENT_TYPE, "application/xml")], pages) }),
        )
        .route("/maps/nested-index.xml", get(move || async move { nested }))
        .route("/maps/list.txt", get(move || async move { text_list }))
        .route("/", get(|| async { page("Home", "<p>Welcome.</p>") }))
        .route(
            "/{name}",
            get(|Path(name): Path<String>| async move { page(&name, "<p>A listed page.</p>") }),
        )
        .route(
            "/members/{*rest}",
            get(|Path(rest): Path<String>| async move { page(&rest, "<p>Members.</p>") }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Url::parse(&format!("{base}/")).expect("base URL parses")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sitemap_indexes_gzip_and_robots_groups() {
    let base = sitemap_site().await;
    let output = crawl_with(&base, |_| {}).await;
    assert_eq!(
        paths(&output),
        [
            "/",
            "/from-text-sitemap",
            "/members/open/notes",
            "/newer",
            "/newest",
            "/old",
            "/undated"
        ],
        "{:?}",
        output.summary
    );
    // Our group (matched without regard to case) applies instead of `*`, which would
    // forbid everything; its Disallow keeps /members/secret out.
    assert_eq!(output.summary.skipped.get("robots"), Some(&1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newest_sitemap_entries_come_first_under_a_page_limit() {
    let base = sitemap_site().await;
    let output = crawl_with(&base, |site| site.crawl.max_pages = 3).await;
    assert_eq!(
        paths(&output),
        ["/", "/newer", "/newest"],
        "{:?}",
        output.summary
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_agent_gets_the_star_group() {
    let base = sitemap_site().await;
    let output = crawl_with(&base, |site| {
        site.crawl.user_agent = "someotherbot/2.0".into();
    })
    .await;
    assert!(output.records.is_empty(), "{:?}", paths(&output));
    assert!(output.summary.skipped.get("robots").copied().unwrap_or(0) >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_site_redirect_is_an_external_link_never_crawled() {
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                page(
                    "Home",
                    r#"<p><a href="/moved">Our partner</a> <a href="/here">Here</a></p>"#,
                )
            }),
        )
        .route(
            "/moved",
            get(|| async { Redirect::permanent("http://127.0.0.9:9/new-home") }),
        )
        .route("/here", get(|| async { Redirect::temporary("/here") }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") });
    let base = serve_router(app).await;
    let output = crawl_with(&base, |_| {}).await;

    let carriers = output
        .external_links
        .get("http://127.0.0.9:9/new-home")
        .expect("the redirect target is an external link");
    assert_eq!(
        carriers.iter().cloned().collect::<Vec<_>>(),
        [base.to_string()]
    );
    let skipped = &output.summary.skipped;
    assert_eq!(skipped.get("redirect-offsite"), Some(&1), "{skipped:?}");
    assert_eq!(skipped.get("redirect-loop"), Some(&1), "{skipped:?}");
    assert_eq!(output.summary.external_links, 1);
    assert_eq!(paths(&output), ["/"]);
}

/// Counts requests per path, so a handler can fail the first few.
#[derive(Clone, Default)]
struct Attempts(Arc<Mutex<HashMap<String, usize>>>);

impl Attempts {
    fn next(&self, path: &str) -> usize {
        let mut counts = self.0.lock().expect("attempts lock");
        let count = counts.entry(path.to_string()).or_default();
        *count += 1;
        *count
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_are_retried_with_backoff() {
    let attempts = Attempts::default();
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                page(
                    "Home",
                    r#"<p><a href="/flaky">F</a> <a href="/limited">L</a> <a href="/patient">P</a>
                       <a href="/down">D</a> <a href="/stall">S</a></p>"#,
                )
            }),
        )
        .route(
            "/flaky",
            get(|State(attempts): State<Attempts>| async move {
                if attempts.next("/flaky") <= 2 {
                    return (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response();
                }
                page("Flaky", "<p>Third time lucky.</p>")
            }),
        )
        .route(
            "/limited",
            get(|State(attempts): State<Attempts>| async move {
                if attempts.next("/limited") == 1 {
                    let headers = [(header::RETRY_AFTER, "0")];
                    return (StatusCode::TOO_MANY_REQUESTS, headers, "slow down").into_response();
                }
                page("Limited", "<p>Thanks for waiting.</p>")
            }),
        )
        .route(
            "/patient",
            get(|State(attempts): State<Attempts>| async move {
                if attempts.next("/patient") == 1 {
                    // An hour: honoured only up to the configured cap.
                    let headers = [(header::RETRY_AFTER, "3600")];
                    return (StatusCode::SERVICE_UNAVAILABLE, headers, "later").into_response();
                }
                page("Patient", "<p>Worth the wait.</p>")
            }),
        )
        .route(
            "/down",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "broken") }),
        )
        .route(
            "/stall",
            get(|State(attempts): State<Attempts>| async move {
                if attempts.next("/stall") == 1 {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                page("Stall", "<p>Answered on the second try.</p>")
            }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") })
        .with_state(attempts);
    let base = serve_router(app).await;

    let output = crawl_with(&base, |site| {
        site.crawl.max_retries = 2;
        site.crawl.retry_base_delay = Duration::from_millis(5);
        site.crawl.max_retry_delay = Duration::from_millis(50);
        site.crawl.request_timeout = Duration::from_millis(500);
    })
    .await;
    let summary = &output.summary;
    assert_eq!(
        paths(&output),
        ["/", "/flaky", "/limited", "/patient", "/stall"],
        "{summary:?}"
    );
    assert_eq!(summary.skipped.get("http-500"), Some(&1), "{summary:?}");
    // flaky 2, limited 1, patient 1, down 2, stall 1.
    assert_eq!(summary.retries, 7, "{summary:?}");
}

/// A raw TCP server that answers every request with headers promising a body, then
/// sends it one byte every 100 ms: a server that stalls a crawl unless the whole
/// exchange has a deadline.
async fn trickling_server() -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let address = listener.local_addr().expect("bound address");
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let read = tokio::io::AsyncReadExt::read(&mut socket, &mut request)
                    .await
                    .unwrap_or(0);
                let request_line = String::from_utf8_lossy(&request[..read]);
                if request_line.starts_with("GET /robots.txt ")
                    || request_line.starts_with("GET /sitemap.xml ")
                {
                    // The socket closes after this answer, so it must say so: a client
                    // that reused the connection would see a reset, not the trickle.
                    let missing = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\
                                   Connection: close\r\n\r\n";
                    let _ = socket.write_all(missing.as_bytes()).await;
                    return;
                }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
                            Content-Length: 100000\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for _ in 0..100_000 {
                    if socket.write_all(b" ").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
        }
    });
    Url::parse(&format!("http://{address}/")).expect("base URL parses")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickling_server_cannot_hold_a_request_past_its_timeout() {
    let base = trickling_server().await;
    let output = crawl_with(&base, |site| {
        site.crawl.request_timeout = Duration::from_millis(400);
        site.crawl.max_retries = 0;
    })
    .await;
    let skipped = &output.summary.skipped;
    assert_eq!(skipped.get("timeout"), Some(&1), "{:?}", output.summary);
    assert!(output.records.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawl_deadline_stops_a_stalled_crawl() {
    let app = Router::new()
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
        .route(
            "/",
            get(|| async {
                let links: String = (0..20)
                    .map(|n| format!("<a href=\"/slow/{n}\">{n}</a> "))
                    .collect();
                page("Home", &format!("<p>{links}</p>"))
            }),
        )
        .route(
            "/slow/{n}",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                page("Slow", "<p>Late.</p>")
            }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") });
    let base = serve_router(app).await;
    let output = crawl_with(&base, |site| {
        site.crawl.request_timeout = Duration::from_secs(20);
        site.crawl.deadline = Some(Duration::from_millis(1500));
    })
    .await;
    let summary = &output.summary;
    let stopped = summary
        .stopped
        .as_ref()
        .expect("the deadline stopped the crawl");
    assert_eq!(stopped.reason, "deadline");
    assert!(
        summary.skipped.get("deadline").copied().unwrap_or(0) >= 16,
        "{summary:?}"
    );
    assert_eq!(paths(&output), ["/"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_budget_stops_fetching_and_refuses_to_publish() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                let links: String = (0..40)
                    .map(|n| format!("<a href=\"/p/{n}\">{n}</a> "))
                    .collect();
                page("Home", &format!("<p>{links}</p>"))
            }),
        )
        .route(
            "/p/{n}",
            get(move || {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::Relaxed);
                    (StatusCode::BAD_GATEWAY, "upstream down")
                }
            }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") });
    let base = serve_router(app).await;

    let mut config = Config::defaults();
    config.site = test_site_config();
    config.site.crawl.max_retries = 0;
    config.site.crawl.max_consecutive_failures = 5;
    config.site.crawl.concurrency = 1;
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));
    let mut options = RunOptions::new(Trigger::Command);
    options.start_urls = vec![base.clone()];
    let run = run_crawl(&data, &config, data.lock().expect("free"), options)
        .await
        .expect("the crawl runs");

    let summary = &run.report.summary;
    let stopped = summary
        .stopped
        .as_ref()
        .expect("the budget stopped the crawl");
    assert_eq!(stopped.reason, "error-budget");
    assert!(
        stopped.detail.contains("5 failed requests in a row"),
        "{stopped:?}"
    );
    assert_eq!(
        served.load(Ordering::Relaxed),
        5,
        "no URL fetched after the budget"
    );
    assert_eq!(
        summary.skipped.get("error-budget"),
        Some(&35),
        "{summary:?}"
    );
    assert!(!run.report.published);
    let refused = run.report.refused.clone().unwrap_or_default();
    assert!(refused.contains("stopped early (error-budget"), "{refused}");
    assert!(data.current().is_err(), "nothing was published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_answer_is_capped_by_its_inflated_size() {
    let bomb = gzip(&vec![b' '; 4 * 1024 * 1024]);
    let app = Router::new()
        .route(
            "/",
            get(|| async { page("Home", r#"<p><a href="/bomb">Bomb</a></p>"#) }),
        )
        .route(
            "/bomb",
            get(move || async move {
                let headers = [
                    (header::CONTENT_TYPE, "text/html"),
                    (header::CONTENT_ENCODING, "gzip"),
                ];
                (headers, bomb)
            }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not here") });
    let base = serve_router(app).await;
    let output = crawl_with(&base, |site| site.crawl.max_response_bytes = 1024 * 1024).await;
    assert_eq!(
        output.summary.skipped.get("too-large"),
        Some(&1),
        "{:?}",
        output.summary
    );
    assert_eq!(paths(&output), ["/"]);
}
