//! The bundled sample site as a crawler sees it: status codes, content types, validators,
//! redirects, base URL substitution, its links and its documents.
//!
//! Most tests send requests to the router in-process; one binds a loopback port.

use std::collections::BTreeSet;
use std::io::Read;
use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use scraper::{Html, Selector};
use tower::ServiceExt;
use url::Url;

use offer_search::demo;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const BASE: &str = "http://127.0.0.1:4321/";
const INCLUSION_FUNDING_PAGE: &str =
    "/education-and-learning/inclusion-funding/inclusion-funding.html";
const REDIRECTED_PATH: &str = "/send/ehc_plans/default.asp";
const BROKEN_LINK_PATH: &str = "/education-and-learning/ehc-plans/annual-review-paperwork.html";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn app() -> Result<Router, Box<dyn std::error::Error>> {
    let base_url = Url::parse(BASE)?;
    Ok(demo::router(&base_url)?)
}

async fn request(app: &Router, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(Body::empty()).expect("a valid test request");
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("an in-memory body");
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(app: &Router, path: &str) -> Answer {
    request(app, Method::GET, path, &[]).await
}

#[tokio::test]
async fn files_have_their_content_types() -> TestResult {
    let app = app()?;
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        (INCLUSION_FUNDING_PAGE, "text/html; charset=utf-8"),
        (
            "/documents/inclusion-funding-application-form.pdf",
            "application/pdf",
        ),
        (
            "/documents/short-breaks-guide-for-families.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/assets/site.css", "text/css; charset=utf-8"),
    ];
    for (path, content_type) in cases {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.header(header::CONTENT_TYPE), content_type, "{path}");
        assert!(!answer.body.is_empty(), "{path} is empty");
    }
    Ok(())
}

#[tokio::test]
async fn folders_serve_their_index_with_or_without_slash() -> TestResult {
    let app = app()?;
    let with_slash = get(&app, "/jargon-buster/").await;
    let without_slash = get(&app, "/jargon-buster").await;
    let by_name = get(&app, "/jargon-buster/index.html").await;

    assert_eq!(with_slash.status, StatusCode::OK);
    assert!(with_slash.text().contains("<h1>Jargon buster"));
    assert_eq!(without_slash.body, with_slash.body);
    assert_eq!(by_name.body, with_slash.body);
    Ok(())
}

#[tokio::test]
async fn query_strings_do_not_change_the_page() -> TestResult {
    let app = app()?;
    let plain = get(&app, "/social-care/short-breaks/short-breaks.html").await;
    let tagged = get(
        &app,
        "/social-care/short-breaks/short-breaks.html?utm_source=newsletter&utm_medium=email",
    )
    .await;
    assert_eq!(tagged.status, StatusCode::OK);
    assert_eq!(tagged.body, plain.body);
    Ok(())
}

#[tokio::test]
async fn old_path_redirects_permanently_to_its_new_page() -> TestResult {
    let app = app()?;
    let answer = get(&app, REDIRECTED_PATH).await;
    assert_eq!(answer.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        answer.header(header::LOCATION),
        "http://127.0.0.1:4321/education-and-learning/ehc-plans/ehc-plans.html"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_paths_are_not_found() -> TestResult {
    let app = app()?;
    for path in [
        BROKEN_LINK_PATH,
        "/search",
        "/no-such-page.html",
        "/documents/",
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            answer.header(header::CONTENT_TYPE),
            "text/html; charset=utf-8"
        );
    }
    Ok(())
}

#[tokio::test]
async fn paths_outside_the_site_are_not_found() -> TestResult {
    let app = app()?;
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/social-care/../../src/demo.rs",
        "/social-care/%2e%2e/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/..%5cCargo.toml",
        "/tools/make-pages.py",
        "/redirects.txt",
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!answer.text().contains("[package]"), "{path} leaked a file");
    }
    Ok(())
}

#[tokio::test]
async fn etag_and_last_modified_answer_conditional_requests() -> TestResult {
    let app = app()?;
    let path = "/social-care/direct-payments.html";
    let first = get(&app, path).await;
    let etag = first.header(header::ETAG).to_string();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    // The page says "Last reviewed: 08/12/2025".
    assert_eq!(
        first.header(header::LAST_MODIFIED),
        "Mon, 08 Dec 2025 00:00:00 GMT"
    );

    let same_tag = request(&app, Method::GET, path, &[("if-none-match", &etag)]).await;
    assert_eq!(same_tag.status, StatusCode::NOT_MODIFIED);
    assert!(same_tag.body.is_empty());
    assert_eq!(same_tag.header(header::ETAG), etag);

    let later = "Tue, 09 Dec 2025 00:00:00 GMT";
    let since_later = request(&app, Method::GET, path, &[("if-modified-since", later)]).await;
    assert_eq!(since_later.status, StatusCode::NOT_MODIFIED);

    let earlier = "Sun, 07 Dec 2025 00:00:00 GMT";
    let since_earlier = request(&app, Method::GET, path, &[("if-modified-since", earlier)]).await;
    assert_eq!(since_earlier.status, StatusCode::OK);
    assert_eq!(since_earlier.body, first.body);

    // A stale tag wins over a date that would otherwise say "not modified".
    let stale = [("if-none-match", "\"stale\""), ("if-modified-since", later)];
    let stale_tag = request(&app, Method::GET, path, &stale).await;
    assert_eq!(stale_tag.status, StatusCode::OK);

    let garbled = request(&app, Method::GET, path, &[("if-modified-since", "soon")]).await;
    assert_eq!(garbled.status, StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn etag_follows_the_served_body() -> TestResult {
    let here = demo::router(&Url::parse("http://127.0.0.1:1000/")?)?;
    let there = demo::router(&Url::parse("http://127.0.0.1:2000/")?)?;

    let page_here = get(&here, "/").await;
    let page_there = get(&there, "/").await;
    assert_eq!(
        page_here.header(header::ETAG),
        page_there.header(header::ETAG)
    );

    let robots_here = get(&here, "/robots.txt").await;
    let robots_there = get(&there, "/robots.txt").await;
    assert_ne!(
        robots_here.header(header::ETAG),
        robots_there.header(header::ETAG)
    );
    Ok(())
}

#[tokio::test]
async fn robots_and_sitemap_carry_the_servers_base_url() -> TestResult {
    let app = app()?;
    let robots = get(&app, "/robots.txt").await.text();
    assert!(robots.contains("Disallow: /search\n"), "{robots}");
    assert!(
        robots.contains("Sitemap: http://127.0.0.1:4321/sitemap.xml"),
        "{robots}"
    );
    assert!(!robots.contains("{{"), "{robots}");

    let sitemap = get(&app, "/sitemap.xml").await.text();
    assert!(!sitemap.contains("{{"), "{sitemap}");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</loc>").map(|(loc, _)| loc))
        .collect();
    assert!(locs.len() >= 15, "only {} sitemap entries", locs.len());
    assert_eq!(locs.len(), sitemap.matches("<lastmod>").count());
    for loc in locs {
        let path = loc
            .strip_prefix("http://127.0.0.1:4321")
            .ok_or_else(|| format!("`{loc}` is not on the server"))?;
        assert_eq!(get(&app, path).await.status, StatusCode::OK, "{loc}");
    }
    Ok(())
}

#[tokio::test]
async fn head_is_answered_and_other_methods_are_refused() -> TestResult {
    let app = app()?;
    let head = request(&app, Method::HEAD, INCLUSION_FUNDING_PAGE, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert!(!head.header(header::ETAG).is_empty());

    let post = request(&app, Method::POST, "/cookie-preferences", &[]).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    Ok(())
}

/// Every page's links, resolved against its URL, with the status each one answers.
async fn crawl_links(
    app: &Router,
) -> Result<Vec<(String, String, StatusCode)>, Box<dyn std::error::Error>> {
    let base = Url::parse(BASE)?;
    let anchor = Selector::parse("a[href]").map_err(|err| err.to_string())?;
    let mut pending: Vec<Url> = vec![base.clone()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut links: Vec<(String, String, StatusCode)> = Vec::new();

    while let Some(page_url) = pending.pop() {
        if !seen.insert(page_url.path().to_string()) {
            continue;
        }
        let answer = get(app, page_url.path()).await;
        if !answer.header(header::CONTENT_TYPE).starts_with("text/html") {
            continue;
        }
        let html = Html::parse_document(&answer.text());
        for element in html.select(&anchor) {
            let href = element.value().attr("href").unwrap_or_default();
            let target = page_url.join(href)?;
            if target.scheme() != "http" {
                continue;
            }
            assert_eq!(
                target.host_str(),
                Some("127.0.0.1"),
                "{href} leaves the site"
            );
            let mut target_path = target.path().to_string();
            if let Some(query) = target.query() {
                target_path = format!("{target_path}?{query}");
            }
            let status = get(app, &target_path).await.status;
            links.push((
                page_url.path().to_string(),
                target.path().to_string(),
                status,
            ));
            if status == StatusCode::OK {
                pending.push(target);
            }
        }
    }
    Ok(links)
}

#[tokio::test]
async fn every_link_works_except_the_planted_ones() -> TestResult {
    let app = app()?;
    let links = crawl_links(&app).await?;
    assert!(links.len() > 200, "only {} links", links.len());

    let failing: BTreeSet<(String, StatusCode)> = links
        .iter()
        .filter(|(_, _, status)| *status != StatusCode::OK)
        .map(|(_, target, status)| (target.clone(), *status))
        .collect();
    let expected: BTreeSet<(String, StatusCode)> = [
        (REDIRECTED_PATH.to_string(), StatusCode::MOVED_PERMANENTLY),
        (BROKEN_LINK_PATH.to_string(), StatusCode::NOT_FOUND),
    ]
    .into_iter()
    .collect();
    assert_eq!(failing, expected);

    let pages: BTreeSet<&str> = links.iter().map(|(page, _, _)| page.as_str()).collect();
    assert!(pages.len() >= 19, "reached only {} pages", pages.len());
    Ok(())
}

#[tokio::test]
async fn pages_share_the_title_suffix_and_keyword_forms_vary() -> TestResult {
    let app = app()?;
    let links = crawl_links(&app).await?;
    let title = Selector::parse("title").map_err(|err| err.to_string())?;
    let keywords = Selector::parse(r#"meta[name="keywords"]"#).map_err(|err| err.to_string())?;

    let pages: BTreeSet<String> = links
        .into_iter()
        .filter(|(_, _, status)| *status == StatusCode::OK)
        .map(|(_, target, _)| target)
        .filter(|target| !target.starts_with("/documents/") && !target.starts_with("/assets/"))
        .collect();
    let mut num_without_keywords = 0;
    let mut num_comma_lists = 0;
    // `/jargon-buster` and `/jargon-buster/` are one page: count each body once.
    let mut bodies: BTreeSet<Bytes> = BTreeSet::new();
    for path in &pages {
        let answer = get(&app, path).await;
        if !bodies.insert(answer.body.clone()) {
            continue;
        }
        let html = Html::parse_document(&answer.text());
        let title_text: String = html
            .select(&title)
            .flat_map(|element| element.text())
            .collect();
        assert!(
            title_text.ends_with(" - Riverford Local Offer"),
            "{path}: {title_text}"
        );

        match html.select(&keywords).next() {
            None => num_without_keywords += 1,
            Some(element) => {
                let content = element.value().attr("content").unwrap_or_default();
                if !content.contains('.') {
                    num_comma_lists += 1;
                }
            }
        }
    }
    assert_eq!(num_without_keywords, 1);
    assert_eq!(num_comma_lists, 2);
    Ok(())
}

#[tokio::test]
async fn documents_carry_titles_and_their_text() -> TestResult {
    let app = app()?;

    let form = get(&app, "/documents/inclusion-funding-application-form.pdf").await;
    assert!(form.body.starts_with(b"%PDF-"));
    let form_bytes: &[u8] = &form.body;
    assert!(contains(
        form_bytes,
        b"/Title (Inclusion funding application form)"
    ));
    let form_text = pdf_extract::extract_text_from_mem(&form.body)?.to_lowercase();
    let mentions = form_text.matches("inclusion funding").count();
    assert!(
        mentions >= 15,
        "the form names inclusion funding {mentions} times"
    );

    let policy = get(&app, "/documents/post-16-transport-policy-2026-27.pdf").await;
    let policy_bytes: &[u8] = &policy.body;
    assert!(contains(
        policy_bytes,
        b"/Title (Post-16 transport policy statement 2026 to 2027)"
    ));
    let policy_text = pdf_extract::extract_text_from_mem(&policy.body)?;
    assert!(policy_text.contains("£660 a year"), "{policy_text}");

    for (path, title) in [
        (
            "/documents/ehc-needs-assessment-request-form.docx",
            "EHC needs assessment request form",
        ),
        (
            "/documents/short-breaks-guide-for-families.docx",
            "Short breaks: a guide for families",
        ),
    ] {
        let docx = get(&app, path).await;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx.body.to_vec()))?;
        let mut core = String::new();
        archive
            .by_name("docProps/core.xml")?
            .read_to_string(&mut core)?;
        assert!(
            core.contains(&format!("<dc:title>{title}</dc:title>")),
            "{path}: {core}"
        );
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn served_on_loopback_until_shut_down() -> TestResult {
    let addr: SocketAddr = "127.0.0.1:0".parse()?;
    let site = demo::serve_sample_site(addr).await?;
    let bound = site.addr();
    assert_ne!(bound.port(), 0);
    assert_eq!(site.base_url().as_str(), format!("http://{bound}/"));

    let client = reqwest::Client::new();
    let robots_url = site.base_url().join("robots.txt")?;
    let robots = client.get(robots_url.clone()).send().await?;
    assert_eq!(robots.status(), reqwest::StatusCode::OK);
    let robots_text = robots.text().await?;
    assert!(robots_text.contains(&format!("Sitemap: http://{bound}/sitemap.xml")));

    site.shutdown().await?;
    let after = client.get(robots_url).send().await;
    assert!(after.is_err(), "still answering after shutdown");
    Ok(())
}

#[tokio::test]
async fn binding_a_taken_port_names_the_address() -> TestResult {
    let first = demo::serve_sample_site("127.0.0.1:0".parse()?).await?;
    let taken = first.addr();
    let Err(err) = demo::serve_sample_site(taken).await else {
        return Err("a second server bound the same port".into());
    };
    assert!(
        err.to_string()
            .starts_with(&format!("cannot bind the sample site server to `{taken}`"))
    );
    first.shutdown().await?;
    Ok(())
}

#[test]
fn judgments_name_only_served_paths() -> TestResult {
    let judgments: toml::Table = toml::from_str(demo::JUDGMENTS_TOML)?;
    let queries = judgments
        .get("query")
        .and_then(|value| value.as_array())
        .ok_or("no [[query]] tables")?;
    assert!(
        (10..=15).contains(&queries.len()),
        "{} queries",
        queries.len()
    );

    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let app = app()?;
    for query in queries {
        let q = query
            .get("q")
            .and_then(|value| value.as_str())
            .ok_or("a query without q")?;
        let grades = query
            .get("grades")
            .and_then(|value| value.as_table())
            .ok_or_else(|| format!("`{q}` has no grades"))?;
        assert!(
            grades.values().any(|grade| grade.as_integer() == Some(3)),
            "{q}"
        );
        let first = query.get("first").and_then(|value| value.as_str());
        if let Some(first) = first {
            assert_eq!(
                grades.get(first).and_then(|g| g.as_integer()),
                Some(3),
                "{q}"
            );
        }
        for path in grades.keys() {
            let status = runtime.block_on(get(&app, path)).status;
            assert_eq!(status, StatusCode::OK, "`{q}` grades `{path}`");
        }
    }
    Ok(())
}
