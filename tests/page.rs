//! The search page at `/` and CORS, driven in-process through the router: what a browser
//! with JavaScript turned off gets, what is escaped, and which status each outcome has.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use scraper::{Html, Selector};
use tower::ServiceExt;

use offer_search::api::{AppState, router};
use offer_search::config::Config;
use offer_search::publish::publish_records;
use offer_search::record::{Kind, Link, LinkPlace, PageRecord};
use offer_search::search::live::LiveIndex;
use offer_search::store::DataDir;

fn page(url: &str, title: &str, body: &str) -> PageRecord {
    PageRecord {
        url: url.to_string(),
        kind: Kind::Page,
        title: title.to_string(),
        description: format!("About {title}."),
        keywords: String::new(),
        headings: Vec::new(),
        body: body.to_string(),
        breadcrumbs: Vec::new(),
        links: Vec::new(),
        language: Some("eng".into()),
        last_reviewed: None,
        content_type: "text/html".to_string(),
        size_bytes: body.len() as u64,
        content_hash: url.to_string(),
    }
}

fn records() -> Vec<PageRecord> {
    let mut intro = page(
        "http://site/inclusion/inclusion.html",
        "Inclusion funding",
        "Inclusion funding helps schools support children with extra needs.",
    );
    intro.links.push(Link {
        url: "http://site/docs/form.pdf".into(),
        text: "Application form".into(),
        place: LinkPlace::Main,
    });
    let mut form = page(
        "http://site/docs/form.pdf",
        "Inclusion funding application form",
        "Inclusion funding application form for schools.",
    );
    form.kind = Kind::Document;
    form.content_type = "application/pdf".into();
    form.size_bytes = 3_298;
    let hostile = page(
        "http://site/odd.html",
        "Funding <script>alert(1)</script> & \"quotes\"",
        "Funding rules for schools, written oddly.",
    );
    let breaks = page(
        "http://site/breaks.html",
        "Short breaks",
        "Short breaks give carers a rest. Funding for short breaks comes from the council.",
    );
    vec![intro, form, hostile, breaks]
}

struct Harness {
    _temp: tempfile::TempDir,
    app: axum::Router,
}

fn harness(with_index: bool, api_toml: &str) -> Harness {
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));
    let config_dir = temp.path().join("config");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(config_dir.join("api.toml"), api_toml).expect("api.toml");
    let config = Config::load(&config_dir).expect("config");
    if with_index {
        let lock = data.lock().expect("lock");
        publish_records(&data, &lock, &config, records(), None, false).expect("publish");
    }
    let index = LiveIndex::open(data).expect("open index");
    Harness {
        _temp: temp,
        app: router(AppState::new(index, config)),
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn html(&self) -> Html {
        Html::parse_document(&self.text)
    }

    fn all(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .map(|node| node.text().collect::<String>().trim().to_string())
            .collect()
    }

    fn attribute(&self, selector: &str, name: &str) -> Option<String> {
        let selector = Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .next()
            .and_then(|node| node.value().attr(name).map(String::from))
    }

    fn title(&self) -> String {
        self.all("title").join("")
    }
}

async fn get(app: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut builder = Request::builder().uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[tokio::test]
async fn home_page_is_a_labelled_get_form_in_british_english() {
    let harness = harness(true, "");
    let home = get(&harness.app, "/", &[]).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.attribute("html", "lang").as_deref(), Some("en-GB"));
    assert_eq!(home.title(), "Search \u{2013} Local Offer");
    assert_eq!(home.attribute("form", "method").as_deref(), Some("get"));
    assert_eq!(home.attribute("label", "for").as_deref(), Some("q"));
    assert_eq!(home.attribute("input#q", "name").as_deref(), Some("q"));
    assert_eq!(home.all("a.skip-link"), ["Skip to main content"]);
    for landmark in ["header", "nav", "main", "footer"] {
        assert_eq!(home.all(landmark).len(), 1, "one <{landmark}>");
    }
    assert_eq!(
        home.attribute("#result-count", "aria-live").as_deref(),
        Some("polite")
    );
    let policy = home.header("content-security-policy").unwrap_or("");
    assert!(policy.contains("default-src 'self'"), "{policy}");
}

#[tokio::test]
async fn results_show_titles_tags_snippets_and_documents_under_their_page() {
    let harness = harness(true, "[page]\nsite_name = \"Riverford Local Offer\"\n");
    let answer = get(&harness.app, "/?q=inclusion+funding", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.title(),
        "Search results for \u{2018}inclusion funding\u{2019} (page 1 of 1) \u{2013} \
         Riverford Local Offer"
    );
    let titles = answer.all(".result__title a");
    assert_eq!(
        titles.first().map(String::as_str),
        Some("Inclusion funding")
    );
    let href = answer
        .attribute(".result__title a", "href")
        .unwrap_or_default();
    assert_eq!(
        href,
        "/click?q=inclusion+funding&rank=1&url=http%3A%2F%2Fsite%2Finclusion%2Finclusion.html",
        "result links are counted through /click"
    );
    assert_eq!(
        answer.all(".document-list a"),
        ["Inclusion funding application form (PDF, 3 KB)"]
    );
    assert!(answer.text.contains("<mark>Inclusion</mark>"), "marks kept");
    let tags = answer.all(".result .tag--kind");
    assert_eq!(tags.first().map(String::as_str), Some("Type: Web page"));
    let count = answer.all("#result-count").join("");
    assert_eq!(count, "4 results for \u{2018}inclusion funding\u{2019}");

    let kinds = answer.all(".filter-list__link");
    assert!(
        kinds.contains(&"Documents and forms (1 result)".to_string()),
        "{kinds:?}"
    );
    let filter_link = answer
        .attribute(".filter-list__link[href*=kind]", "href")
        .unwrap_or_default();
    assert!(
        filter_link.starts_with("?q=inclusion+funding&"),
        "{filter_link}"
    );
}

#[tokio::test]
async fn documents_alone_are_labelled_with_type_size_and_page() {
    let harness = harness(true, "");
    let answer = get(&harness.app, "/?q=application+form&kind=document", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.all(".result__title a"),
        ["Inclusion funding application form (PDF, 3 KB)"]
    );
    assert_eq!(answer.all(".result__parent a"), ["Inclusion funding"]);
    assert_eq!(
        answer.all(".filter-list__current"),
        [
            "✓ Selected: All topics",
            "✓ Selected: Documents and forms (1 result)"
        ]
    );
}

#[tokio::test]
async fn paging_links_keep_the_query_and_mark_the_current_page() {
    let harness = harness(true, "");
    let answer = get(&harness.app, "/?q=funding&limit=1&offset=1", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.title().contains("(page 2 of "), "{}", answer.title());
    assert_eq!(
        answer
            .attribute(".pagination a[rel=prev]", "href")
            .as_deref(),
        Some("?q=funding&limit=1")
    );
    assert_eq!(
        answer
            .attribute(".pagination a[rel=next]", "href")
            .as_deref(),
        Some("?q=funding&offset=2&limit=1")
    );
    assert_eq!(answer.all(".pagination a[aria-current=page]"), ["Page 2"]);
}

#[tokio::test]
async fn everything_from_the_index_and_the_query_is_escaped() {
    let harness = harness(true, "");
    let answer = get(&harness.app, "/?q=funding+%3Cb%3Ebold%3C%2Fb%3E+oddly", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(!answer.text.contains("<script>alert"), "title escaped");
    assert!(
        answer
            .text
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!answer.text.contains("<b>bold</b>"), "query escaped");
    assert_eq!(
        answer.attribute("input#q", "value").as_deref(),
        Some("funding <b>bold</b> oddly")
    );
}

#[tokio::test]
async fn an_empty_search_shows_the_error_summary_with_a_400() {
    let harness = harness(true, "");
    let answer = get(&harness.app, "/?q=+", &[]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.title().starts_with("Error: "), "{}", answer.title());
    assert_eq!(answer.all(".error-summary h2"), ["There is a problem"]);
    assert_eq!(
        answer.all(".error-summary a"),
        ["Enter a word or phrase to search for"]
    );
    assert_eq!(
        answer.attribute(".error-summary a", "href").as_deref(),
        Some("#q")
    );
    assert_eq!(
        answer.attribute("input#q", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        answer.attribute("input#q", "aria-describedby").as_deref(),
        Some("q-hint q-error")
    );
    assert_eq!(
        answer.all("#q-error"),
        ["Error: Enter a word or phrase to search for"]
    );
}

#[tokio::test]
async fn bad_addresses_get_plain_words_and_a_way_back() {
    let harness = harness(true, "");
    for uri in [
        "/?q=funding&offset=lots",
        "/?q=funding&limit=0",
        "/?q=funding&kind=video",
        "/?q=funding&section=nowhere",
        "/?q=funding&correct=maybe",
    ] {
        let answer = get(&harness.app, uri, &[]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        let message = answer.all(".error-summary a").join("");
        assert!(!message.is_empty(), "{uri}");
        assert!(!message.contains('`'), "{uri}: {message}");
        assert_eq!(
            answer.attribute(".error-summary a", "href").as_deref(),
            Some("?q=funding"),
            "{uri}"
        );
        assert_eq!(
            answer.attribute("input#q", "aria-invalid"),
            None,
            "{uri}: the box itself is fine"
        );
    }
}

#[tokio::test]
async fn a_corrected_search_offers_the_words_as_typed() {
    let harness = harness(true, "");
    let answer = get(&harness.app, "/?q=inclusoin", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    let notice = answer.all(".spelling").join("");
    assert_eq!(
        notice,
        "Showing results for inclusion. Search instead for inclusoin."
    );
    assert_eq!(
        answer.attribute(".spelling a", "href").as_deref(),
        Some("?q=inclusoin&correct=false")
    );

    let as_typed = get(&harness.app, "/?q=inclusoin&correct=false", &[]).await;
    assert!(
        as_typed
            .all("#result-count")
            .join("")
            .starts_with("No results"),
        "{}",
        as_typed.all("#result-count").join("")
    );
}

#[tokio::test]
async fn no_results_say_what_to_try_and_who_to_ask() {
    let harness = harness(
        true,
        "[page]\ncontact_name = \"Riverford SENDIASS\"\n\
         contact_url = \"https://example.org/sendiass\"\n",
    );
    let answer = get(&harness.app, "/?q=qwxzvy+plomk&correct=false", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.title().starts_with("No results for"),
        "{}",
        answer.title()
    );
    assert_eq!(
        answer.all(".no-results h2"),
        ["Things you can try", "Still cannot find what you need?"]
    );
    assert_eq!(
        answer.attribute(".no-results a", "href").as_deref(),
        Some("https://example.org/sendiass")
    );
}

#[tokio::test]
async fn without_an_index_the_page_says_search_is_not_working() {
    let harness = harness(false, "");
    let answer = get(&harness.app, "/?q=autism", &[]).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.all("h2"), ["Sorry, search is not working right now"]);
    let home = get(&harness.app, "/", &[]).await;
    assert_eq!(home.status, StatusCode::OK, "the form itself still works");
}

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let harness = harness(false, "");
    let css = get(&harness.app, "/assets/search.css", &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.text.contains("--colour-link"));
    let js = get(&harness.app, "/assets/search.js", &[]).await;
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text.contains("aria-activedescendant"));
    let missing = get(&harness.app, "/assets/other.js", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cors_answers_only_the_named_origins() {
    let harness = harness(
        true,
        "[api]\ncors_origins = [\"https://localoffer.example.gov.uk\"]\n",
    );
    let allowed = [("origin", "https://localoffer.example.gov.uk")];
    let answer = get(&harness.app, "/search?q=funding", &allowed).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("https://localoffer.example.gov.uk")
    );
    let suggest = get(&harness.app, "/suggest?q=fun", &allowed).await;
    assert_eq!(
        suggest.header("access-control-allow-origin"),
        Some("https://localoffer.example.gov.uk")
    );

    let other = [("origin", "https://elsewhere.example")];
    let refused = get(&harness.app, "/search?q=funding", &other).await;
    assert_eq!(refused.header("access-control-allow-origin"), None);

    let closed = harness_without_origins().await;
    assert_eq!(closed, None, "no origins configured: no CORS headers");
}

async fn harness_without_origins() -> Option<String> {
    let harness = harness(true, "");
    let origin = [("origin", "https://localoffer.example.gov.uk")];
    let answer = get(&harness.app, "/search?q=funding", &origin).await;
    answer
        .header("access-control-allow-origin")
        .map(String::from)
}

#[tokio::test]
async fn a_preflight_allows_reads_and_events_but_no_token() {
    let harness = harness(
        true,
        "[api]\ncors_origins = [\"https://localoffer.example.gov.uk\"]\n",
    );
    let request = Request::builder()
        .method("OPTIONS")
        .uri("/search?q=funding")
        .header("origin", "https://localoffer.example.gov.uk")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .expect("request");
    let response = harness.app.clone().oneshot(request).await.expect("answer");
    let methods = response
        .headers()
        .get("access-control-allow-methods")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        methods.contains("GET") && methods.contains("POST"),
        "{methods}"
    );
    assert!(!methods.contains("DELETE"), "{methods}");
    let headers = response
        .headers()
        .get("access-control-allow-headers")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    assert_eq!(headers, "content-type", "never authorization");
    assert_eq!(
        response.headers().get("access-control-allow-credentials"),
        None
    );
}
