//! The search page at `/`, the A to Z page at `/a-z` and CORS, driven in-process through
//! the router: what a browser with JavaScript turned off gets, what is escaped, and which
//! status each outcome has.

mod common;

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
    common::page_record(url, title, "", body)
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
    harness_with(records(), with_index, api_toml)
}

fn harness_with(records: Vec<PageRecord>, with_index: bool, api_toml: &str) -> Harness {
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));
    let config_dir = temp.path().join("config");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    std::fs::write(config_dir.join("api.toml"), api_toml).expect("api.toml");
    let config = Config::load(&config_dir).expect("config");
    if with_index {
        let lock = data.lock().expect("lock");
        publish_records(&data, &lock, &config, records, None, false).expect("publish");
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
        answer.attribute(".no-results p a", "href").as_deref(),
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

/// A small site with two routes (every page links to both from its navigation), a topic
/// with a landing page and pages in both routes, a title that needs escaping, one that
/// starts with a number, and a page for professionals.
fn atoz_records() -> Vec<PageRecord> {
    let routes = [
        "http://site/care/care.html",
        "http://site/health/health.html",
    ];
    let pages = [
        ("care/care.html", "Social care", &[][..]),
        ("health/health.html", "Health and wellbeing", &[][..]),
        (
            "care/short-breaks/short-breaks.html",
            "Short breaks",
            &[][..],
        ),
        (
            "care/summer-camps.html",
            "Summer camps",
            &["Short breaks in summer"][..],
        ),
        (
            "health/carers.html",
            "Support for carers",
            &["Short breaks for carers"][..],
        ),
        (
            "odd.html",
            "Funding <script>alert(1)</script> & \"quotes\"",
            &[][..],
        ),
        ("care/travel.html", "16 to 25 travel", &[][..]),
        (
            "professionals/referrals.html",
            "Referrals for professionals",
            &[][..],
        ),
    ];
    pages
        .iter()
        .map(|(path, title, headings)| {
            let url = format!("http://site/{path}");
            let body = format!("{title}: what it is and how to ask for it. Short breaks help.");
            let mut record = page(&url, title, &body);
            record.headings = headings.iter().map(|heading| heading.to_string()).collect();
            record.links = routes
                .iter()
                .map(|route| Link {
                    url: route.to_string(),
                    text: "Route".into(),
                    place: LinkPlace::Nav,
                })
                .collect();
            record
        })
        .collect()
}

/// The text of every element under `selector`, each with its whitespace folded.
fn texts(answer: &Answer, selector: &str) -> Vec<String> {
    answer
        .all(selector)
        .iter()
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[tokio::test]
async fn the_a_to_z_lists_letters_topics_and_their_way_in_first() {
    let harness = harness_with(atoz_records(), true, "");
    let answer = get(&harness.app, "/a-z", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.title(),
        "A to Z of help and services \u{2013} Local Offer"
    );
    assert_eq!(answer.all("h1"), ["A to Z of help and services"]);
    let introduction = texts(&answer, ".atoz-introduction p").join(" ");
    assert!(
        introduction.contains("best place to start"),
        "{introduction}"
    );
    assert_eq!(
        answer.all("header a[aria-current=page]"),
        ["A to Z"],
        "the header marks the A to Z as the page shown"
    );

    let letters = "nav[aria-label='A to Z letters']";
    let links = answer.all(&format!("{letters} a"));
    assert_eq!(links, ["0-9", "F", "H", "R", "S"]);
    assert_eq!(
        answer.attribute(&format!("{letters} a"), "href").as_deref(),
        Some("#letter-0-9")
    );
    let plain = texts(&answer, &format!("{letters} .atoz-letters__none"));
    assert_eq!(
        plain.len(),
        26 - 4,
        "every other letter, as text: {plain:?}"
    );
    assert_eq!(plain.first().map(String::as_str), Some("A (no topics)"));

    assert_eq!(
        answer.all(".atoz-letter h2"),
        ["0-9", "F", "H", "R", "S"],
        "a heading per letter with topics"
    );
    assert_eq!(
        answer.attribute(".atoz-letter h2", "id").as_deref(),
        Some("letter-0-9"),
        "the letter links land on the headings"
    );
    let s_topics = texts(&answer, "#letter-S ~ .atoz-topics > li > h3");
    assert!(
        s_topics.contains(&"Short breaks".to_string()),
        "{s_topics:?}"
    );

    let html = answer.html();
    let topic_selector = Selector::parse(".atoz-topic").expect("selector");
    let short_breaks = html
        .select(&topic_selector)
        .find(|topic| topic.text().any(|text| text.trim() == "Short breaks"))
        .expect("the Short breaks topic");
    let walk = |selector: &str| -> Vec<String> {
        let selector = Selector::parse(selector).expect("selector");
        short_breaks
            .select(&selector)
            .map(|node| {
                node.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    assert_eq!(
        walk("a"),
        ["Short breaks", "Summer camps", "Support for carers"],
        "the way in first, then the pages by route"
    );
    assert_eq!(
        walk(".atoz-topic__start-link"),
        ["Start here: Short breaks"],
        "the way in is named in words, not only by coming first"
    );
    assert_eq!(
        walk("h4"),
        [
            "Other pages in Social care",
            "Other pages in Health and wellbeing"
        ]
    );
    assert!(
        walk(".atoz-description")
            .iter()
            .all(|text| !text.is_empty()),
        "each page has its description"
    );
    let first_href = Selector::parse("a").expect("selector");
    assert_eq!(
        short_breaks
            .select(&first_href)
            .next()
            .and_then(|link| link.value().attr("href")),
        Some("http://site/care/short-breaks/short-breaks.html")
    );
}

#[tokio::test]
async fn one_letter_of_the_a_to_z_links_to_the_others_and_back_to_all() {
    let harness = harness_with(atoz_records(), true, "");
    let answer = get(&harness.app, "/a-z?letter=s", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.title(),
        "Topics starting with S \u{2013} A to Z \u{2013} Local Offer"
    );
    assert_eq!(answer.all(".atoz-letter h2"), ["S"]);
    let letters = "nav[aria-label='A to Z letters']";
    assert_eq!(
        answer.all(&format!("{letters} a[aria-current=page]")),
        ["S"]
    );
    assert_eq!(
        answer.attribute(&format!("{letters} a"), "href").as_deref(),
        Some("?letter=0-9"),
        "on a letter's own page, the letters link to their own pages"
    );
    assert_eq!(
        answer.attribute("a[href='a-z']", "href").as_deref(),
        Some("a-z"),
        "a way back to every letter"
    );

    let digits = get(&harness.app, "/a-z?letter=0-9", &[]).await;
    assert_eq!(digits.all(".atoz-letter h3"), ["16 to 25 travel"]);
    assert!(digits.title().starts_with("Topics starting with a number"));

    let empty = get(&harness.app, "/a-z?letter=q", &[]).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.all(".atoz-letter").is_empty());
    let said = texts(&empty, ".atoz-empty").join("");
    assert!(
        said.starts_with("There are no topics starting with Q."),
        "{said}"
    );
}

#[tokio::test]
async fn a_letter_that_is_not_one_gets_the_error_summary_and_the_letters() {
    let harness = harness_with(atoz_records(), true, "");
    for uri in ["/a-z?letter=%3Cscript%3E", "/a-z?letter=SHORT"] {
        let answer = get(&harness.app, uri, &[]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(answer.title().starts_with("Error: "), "{uri}");
        assert_eq!(
            answer.all(".error-summary a"),
            ["Choose a letter from the list of letters"]
        );
        assert_eq!(
            answer.attribute(".error-summary a", "href").as_deref(),
            Some("#letters")
        );
        assert_eq!(
            answer.attribute("nav#letters", "aria-label").as_deref(),
            Some("A to Z letters")
        );
        assert!(!answer.text.contains("<script>"), "{uri}");
    }
}

#[tokio::test]
async fn odd_titles_in_the_a_to_z_are_escaped() {
    let harness = harness_with(atoz_records(), true, "");
    let answer = get(&harness.app, "/a-z?letter=F", &[]).await;
    assert!(!answer.text.contains("<script>alert"), "title escaped");
    assert!(
        answer
            .text
            .contains("Funding &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;")
    );
    assert_eq!(
        answer.all(".atoz-topic h3"),
        ["Funding <script>alert(1)</script> & \"quotes\""],
        "the title reads as written"
    );
}

#[tokio::test]
async fn without_an_index_the_a_to_z_says_it_is_not_working() {
    let harness = harness_with(atoz_records(), false, "");
    let answer = get(&harness.app, "/a-z", &[]).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        answer.all("h2"),
        ["Sorry, the A to Z is not working right now"]
    );
    assert!(
        texts(&answer, "main p")
            .iter()
            .any(|text| text.starts_with("Please try again later")),
        "the same words as the search page's"
    );
    let policy = answer.header("content-security-policy").unwrap_or("");
    assert!(policy.contains("default-src 'self'"), "{policy}");
}

#[tokio::test]
async fn the_search_page_and_the_a_to_z_link_to_each_other() {
    let harness = harness_with(atoz_records(), true, "");
    let home = get(&harness.app, "/", &[]).await;
    assert_eq!(home.all("header a[aria-current=page]"), ["Search"]);
    assert_eq!(
        home.attribute("header a[href='a-z']", "href").as_deref(),
        Some("a-z")
    );
    let atoz = get(&harness.app, "/a-z", &[]).await;
    assert_eq!(atoz.all("header nav a[href='./']"), ["Search"]);
    assert!(atoz.all("script").is_empty(), "the A to Z needs no script");
}

#[tokio::test]
async fn the_professional_choice_is_kept_by_links_and_said_in_words() {
    let harness = harness_with(atoz_records(), true, "");
    let home = get(&harness.app, "/", &[]).await;
    assert_eq!(home.attribute("input#audience", "checked"), None);
    assert_eq!(
        home.attribute("input#audience", "name").as_deref(),
        Some("audience")
    );
    assert_eq!(
        home.attribute("input#audience", "value").as_deref(),
        Some("professional")
    );
    assert_eq!(home.all("label[for=audience]"), ["I am a professional"]);
    let remembered = get(&harness.app, "/?audience=professional", &[]).await;
    assert!(remembered.attribute("input#audience", "checked").is_some());

    let answer = get(
        &harness.app,
        "/?q=short+breaks&limit=1&audience=professional",
        &[],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.attribute("input#audience", "checked").is_some());
    let count = answer.all("#result-count").join("");
    assert!(
        count.contains(", pages for professionals first"),
        "the live region says which is shown: {count}"
    );
    let next = answer
        .attribute(".pagination a[rel=next]", "href")
        .unwrap_or_default();
    assert!(next.ends_with("&audience=professional"), "{next}");
    let filters = Selector::parse(".filter-list__link").expect("selector");
    let html = answer.html();
    let hrefs: Vec<&str> = html
        .select(&filters)
        .filter_map(|link| link.value().attr("href"))
        .collect();
    assert!(!hrefs.is_empty());
    assert!(
        hrefs
            .iter()
            .all(|href| href.contains("audience=professional")),
        "{hrefs:?}"
    );

    let families = get(&harness.app, "/?q=short+breaks&limit=1", &[]).await;
    assert!(
        !families
            .all("#result-count")
            .join("")
            .contains("professionals")
    );
    let next = families
        .attribute(".pagination a[rel=next]", "href")
        .unwrap_or_default();
    assert!(!next.contains("audience"), "{next}");

    let tagged = get(&harness.app, "/?q=referrals&audience=professional", &[]).await;
    let tags = tagged.all(".result .tag--audience");
    assert_eq!(
        tags,
        ["For professionals"],
        "pages for professionals say so"
    );

    let bad = get(&harness.app, "/?q=short+breaks&audience=robots", &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let message = bad.all(".error-summary a").join("");
    assert!(message.contains("tick the box"), "{message}");
}
