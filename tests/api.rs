//! The HTTP API driven in-process through its router: shapes, status codes, bad input.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use offer_search::api::{AppState, router};
use offer_search::config::Config;
use offer_search::publish::publish_records;
use offer_search::record::{Kind, Link, LinkPlace, PageRecord};
use offer_search::search::live::LiveIndex;
use offer_search::store::DataDir;

fn page(url: &str, title: &str, body: &str) -> PageRecord {
    common::page_record(url, title, " - Riverford", body)
}

fn records() -> Vec<PageRecord> {
    let mut intro = page(
        "http://site/inclusion/inclusion.html",
        "Inclusion funding",
        "Inclusion funding helps schools support children. It costs £200 – “free” for you.",
    );
    intro.links.push(Link {
        url: "http://site/docs/form.pdf".into(),
        text: "Application form".into(),
        place: LinkPlace::Main,
    });
    let mut form = page(
        "http://site/docs/form.pdf",
        "Inclusion funding form",
        "Inclusion funding application form.",
    );
    form.kind = Kind::Document;
    form.title = "Inclusion funding form".into();
    form.content_type = "application/pdf".into();
    vec![
        intro,
        form,
        page(
            "http://site/breaks.html",
            "Short breaks",
            "Short breaks give carers a rest.",
        ),
    ]
}

struct Harness {
    temp: tempfile::TempDir,
    app: axum::Router,
    /// The state behind `app`, for what a test checks beside the HTTP answers.
    state: AppState,
    index: LiveIndex,
    data: DataDir,
    config: Config,
    config_dir: std::path::PathBuf,
}

fn harness(with_index: bool, token: Option<&str>) -> Harness {
    harness_with(with_index, token, &[])
}

/// A harness whose config folder holds `files` (name, text).
fn harness_with(with_index: bool, token: Option<&str>, files: &[(&str, &str)]) -> Harness {
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));
    let config_dir = temp.path().join("config");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    for (name, text) in files {
        std::fs::write(config_dir.join(name), text).expect("write config file");
    }
    let config = Config::load(&config_dir).expect("default config");
    if with_index {
        let lock = data.lock().expect("lock");
        publish_records(&data, &lock, &config, records(), None, false).expect("publish");
    }
    let index = LiveIndex::open(data.clone()).expect("open index");
    let state =
        AppState::new(index.clone(), config.clone()).with_admin_token(token.map(String::from));
    Harness {
        temp,
        app: router(state.clone()),
        state,
        index,
        data,
        config,
        config_dir,
    }
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let request = builder.body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|err| {
        panic!(
            "{uri} gave no JSON ({err}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, body)
}

#[tokio::test]
async fn no_index_yet_is_503_with_a_reason() {
    let harness = harness(false, None);
    let (status, body) = call(&harness.app, "GET", "/health", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "no_index");
    let (status, body) = call(&harness.app, "GET", "/search?q=autism", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"]["code"], "no_index");
}

#[tokio::test]
async fn search_answers_with_the_documented_shape() {
    let harness = harness(true, None);
    let (status, body) = call(&harness.app, "GET", "/search?q=inclusion%20funding", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["query"], "inclusion funding");
    assert_eq!(body["total"], 2);
    assert!(body["took_ms"].is_number());
    let first = &body["results"][0];
    for field in [
        "url",
        "path",
        "title",
        "kind",
        "section",
        "description",
        "snippet",
        "score",
        "landing",
        "parent_url",
    ] {
        assert!(
            first.get(field).is_some(),
            "result lacks `{field}`: {first}"
        );
    }
    assert_eq!(first["path"], "/inclusion/inclusion.html");
    assert_eq!(first["title"], "Inclusion funding");
    assert!(
        first["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("<mark>Inclusion</mark>"))
    );
    let form = &first["documents"][0];
    assert_eq!(form["kind"], "document", "{first}");
    assert_eq!(form["path"], "/docs/form.pdf");
    assert_eq!(form["content_type"], "application/pdf");
    assert_eq!(body["facets"]["kinds"][1]["value"], "document");
    assert_eq!(body["has_more"], false);

    let (_, flat) = call(
        &harness.app,
        "GET",
        "/search?q=inclusion%20funding&group=false",
        None,
    )
    .await;
    let form = &flat["results"][1];
    assert_eq!(form["kind"], "document");
    assert_eq!(form["parent_url"], "http://site/inclusion/inclusion.html");
    assert!(form.get("documents").is_none());

    let (_, health) = call(&harness.app, "GET", "/health", None).await;
    assert_eq!(health["status"], "serving");
    assert_eq!(health["pages"], 2);
    assert_eq!(health["documents"], 1);
}

#[tokio::test]
async fn snippets_keep_pound_signs_dashes_and_quotes() {
    let harness = harness(true, None);
    let (_, body) = call(&harness.app, "GET", "/search?q=costs", None).await;
    let snippet = body["results"][0]["snippet"].as_str().unwrap_or_default();
    assert!(snippet.contains("£200 – “free”"), "{snippet}");
}

#[tokio::test]
async fn bad_parameters_are_400_with_json_errors() {
    let harness = harness(true, None);
    let cases = [
        ("/search", "empty_query"),
        ("/search?q=%20%20", "empty_query"),
        ("/search?q=%00%09%01", "empty_query"),
        ("/search?q=%E2%80%8B%EF%BB%BF", "empty_query"),
        ("/search?q=x&limit=abc", "bad_limit"),
        ("/search?q=x&limit=0", "bad_limit"),
        ("/search?q=x&offset=-4", "bad_offset"),
        ("/search?q=x&offset=5000", "bad_offset"),
        ("/search?q=x&kind=pdf", "bad_kind"),
        ("/search?q=x&section=nowhere", "bad_section"),
        ("/search?q=x&explain=maybe", "bad_flag"),
        ("/search?q=x&offset=99999999999999999999999", "bad_offset"),
        ("/suggest?q=sh&limit=0", "bad_limit"),
        ("/suggest?q=sh&limit=x", "bad_limit"),
        ("/browse?letter=zz", "bad_letter"),
    ];
    for (uri, code) in cases {
        let (status, body) = call(&harness.app, "GET", uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["code"], code, "{uri}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    for uri in [
        "/search?q=short&kind=Page&audience=PROFESSIONAL",
        "/search?q=short&limit=500",
        "/search?q=short&limit=99999999999999999999999",
        "/suggest?q=sh&limit=99999999999999999999999",
    ] {
        let (status, body) = call(&harness.app, "GET", uri, None).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{uri}: a limit above the maximum is clamped, and kinds and audiences take any case: {body}"
        );
    }
}

#[tokio::test]
async fn a_method_a_route_does_not_answer_is_405_with_json() {
    let harness = harness(true, None);
    let (status, body) = call(&harness.app, "POST", "/search?q=x", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn flags_take_any_case_and_the_error_lists_the_accepted_words() {
    let harness = harness(true, None);
    let (status, body) = call(&harness.app, "GET", "/search?q=costs&explain=TRUE", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["results"][0]["explain"].is_object(), "{body}");
    let (status, body) = call(&harness.app, "GET", "/search?q=costs&facets=maybe", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "`facets` must be true, false, yes, no, 1 or 0, not `maybe`"
    );
}

#[tokio::test]
async fn odd_queries_never_fail() {
    let harness = harness(true, None);
    let long = "a".repeat(10_000);
    let queries = [
        "a%3A(%5E",
        "%22%22",
        "((((%5B%5B",
        "AND%20OR%20NOT",
        "%E2%80%9Cshort%20breaks",
        "%F0%9F%99%82",
        "%D8%B4%D9%83%D8%B1%D8%A7",
        "%00%01%02",
        "http%3A%2F%2Fexample.org%2Fa%3Fb%3Dc",
        "-short%20%2Bbreaks%5E2",
        long.as_str(),
    ];
    for query in queries {
        let (status, body) = call(&harness.app, "GET", &format!("/search?q={query}"), None).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{query}: {status} {body}"
        );
    }
}

#[tokio::test]
async fn admin_routes_are_off_without_a_token() {
    let harness = harness(true, None);
    let (status, _) = call(&harness.app, "POST", "/admin/reload", Some("anything")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admin_reload_needs_the_token_and_refuses_bad_rules() {
    let harness = harness(true, Some("s3cret"));
    let (status, body) = call(&harness.app, "POST", "/admin/reload", Some("wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["message"], "unauthorized");
    let (status, _) = call(&harness.app, "POST", "/admin/reload", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = call(&harness.app, "POST", "/admin/reload", Some("s3cret")).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    std::fs::write(
        harness.config_dir.join("ranking.toml"),
        "[documents]\nmode = \"hide\"\n",
    )
    .expect("write");
    let (status, body) = call(&harness.app, "POST", "/admin/reload", Some("s3cret")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("ranking.toml") && message.contains("documents.mode"),
        "{message}"
    );
    let (status, _) = call(&harness.app, "GET", "/search?q=short", None).await;
    assert_eq!(status, StatusCode::OK, "the old rules keep serving");
}

#[tokio::test]
async fn suggest_offers_titles_for_partly_typed_words() {
    let harness = harness(true, None);
    let (status, body) = call(&harness.app, "GET", "/suggest?q=short%20br", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["suggestions"][0]["text"], "Short breaks");
    assert_eq!(body["suggestions"][0]["kind"], "title");
    assert_eq!(body["suggestions"][0]["path"], "/breaks.html");

    let (status, body) = call(&harness.app, "GET", "/suggest?q=", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["suggestions"].as_array().map(Vec::len), Some(0));
    let (status, _) = call(&harness.app, "GET", "/suggest?q=a&limit=x", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(&harness.app, "GET", "/suggest?q=%F0%9F%99%82%00", None).await;
    assert_eq!(status, StatusCode::OK);

    // A long paste is looked at, and echoed, only as far as its first 100 characters.
    let long = format!("/suggest?q=short%20br{}", "x".repeat(10_000));
    let (status, body) = call(&harness.app, "GET", &long, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let echoed = body["query"].as_str().unwrap_or_default();
    assert_eq!(echoed.chars().count(), 100, "{echoed}");
    assert!(echoed.starts_with("short br"), "{echoed}");
}

#[tokio::test]
async fn browse_lists_topics_by_letter() {
    let harness = harness(true, None);
    let (status, body) = call(&harness.app, "GET", "/browse", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["introduction"]
            .as_str()
            .is_some_and(|text| !text.is_empty())
    );
    let letters = body["letters_available"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(letters.iter().any(|letter| letter == "S"), "{body}");
    let (_, only_s) = call(&harness.app, "GET", "/browse?letter=s", None).await;
    let topics = &only_s["letters"][0]["topics"];
    let short = topics
        .as_array()
        .and_then(|topics| topics.iter().find(|topic| topic["name"] == "Short breaks"))
        .unwrap_or_else(|| panic!("no short breaks topic: {only_s}"));
    assert_eq!(short["landing"]["path"], "/breaks.html");
    let (status, _) = call(&harness.app, "GET", "/browse?letter=abcd", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_describe_the_index() {
    let harness = harness(true, None);
    call(&harness.app, "GET", "/search?q=short", None).await;
    call(&harness.app, "GET", "/search?q=", None).await;
    let request = Request::builder()
        .uri("/metrics")
        .body(Body::empty())
        .expect("request");
    let response = harness
        .app
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("http_requests_total{"), "{text}");
    assert!(text.contains("route=\"/search\""), "{text}");
    assert!(text.contains("status=\"400\""), "{text}");
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("index_records{kind=\"page\"} 2"), "{text}");
    assert!(text.contains("index_serving 1"), "{text}");
}

#[tokio::test]
async fn clients_over_the_rate_limit_get_429_with_retry_after() {
    let limits = "[limits]\nrate_per_second = 1\nrate_burst = 2\n";
    let harness = harness_with(true, None, &[("api.toml", limits)]);
    for _ in 0..2 {
        let (status, _) = call(&harness.app, "GET", "/search?q=short", None).await;
        assert_eq!(status, StatusCode::OK);
    }
    let request = Request::builder()
        .uri("/suggest?q=sh")
        .body(Body::empty())
        .expect("request");
    let response = harness
        .app
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    assert!(
        retry_after.is_some_and(|seconds| seconds >= 1),
        "{retry_after:?}"
    );
    let (status, body) = call(&harness.app, "GET", "/search?q=short", None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "rate_limited");
    let (status, _) = call(&harness.app, "GET", "/health", None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "routes outside the limit are not limited"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let harness = harness_with(
        true,
        None,
        &[("api.toml", "[limits]\nmax_body_bytes = 2048\n")],
    );
    let body = format!(
        "{{\"type\": \"click\", \"query\": \"{}\"}}",
        "x".repeat(10_000)
    );
    let request = Request::builder()
        .method("POST")
        .uri("/events")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = harness
        .app
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// A search's JSON without its timing, which differs between two answers of the same search.
fn untimed(mut body: Value) -> Value {
    if let Some(fields) = body.as_object_mut() {
        fields.remove("took_ms");
    }
    body
}

#[tokio::test]
async fn repeated_searches_come_from_the_cache_until_the_index_or_rules_change() {
    let harness = harness(true, Some("s3cret"));
    let (app, state) = (&harness.app, &harness.state);
    let uri = "/search?q=inclusion+funding&group=false";

    let (status, first) = call(app, "GET", uri, None).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["total"], 2, "{first}");
    assert_eq!(state.results.usage().0, 1);
    let (_, again) = call(app, "GET", uri, None).await;
    assert_eq!(untimed(again), untimed(first.clone()));
    assert_eq!(
        state.results.usage().0,
        1,
        "the repeat was answered from memory"
    );
    let (_, shorter) = call(app, "GET", &format!("{uri}&limit=1"), None).await;
    assert_eq!(shorter["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        state.results.usage().0,
        2,
        "other parameters, another answer"
    );

    // New rules: documents left out. The kept answers held the form; they must go.
    std::fs::write(
        harness.config_dir.join("ranking.toml"),
        "[documents]\nmode = \"exclude\"\n",
    )
    .expect("write rules");
    let (status, body) = call(app, "POST", "/admin/reload", Some("s3cret")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, ruled) = call(app, "GET", uri, None).await;
    assert_eq!(ruled["total"], 1, "{ruled}");
    assert_eq!(ruled["results"][0]["kind"], "page", "{ruled}");
    assert_eq!(
        state.results.usage().0,
        1,
        "the old rules' answers were dropped"
    );

    // A new generation with one more page about inclusion funding.
    let mut more = records();
    more.push(page(
        "http://site/early-years.html",
        "Early years inclusion funding",
        "Inclusion funding for nurseries and childminders.",
    ));
    {
        let lock = harness.data.lock().expect("lock");
        publish_records(&harness.data, &lock, &harness.config, more, None, false)
            .expect("publish again");
    }
    assert!(harness.index.refresh().expect("the new generation opens"));
    let (_, newer) = call(app, "GET", uri, None).await;
    assert_eq!(newer["total"], 2, "{newer}");
    let paths: Vec<&str> = newer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|hit| hit["path"].as_str())
        .collect();
    assert!(paths.contains(&"/early-years.html"), "{newer}");
}

#[tokio::test]
async fn a_cache_of_no_entries_keeps_nothing() {
    for (files, kept) in [
        (vec![("api.toml", "[cache]\nentries = 0\n")], 0),
        // An answer larger than the whole cache is not kept either.
        (vec![("api.toml", "[cache]\nmax_bytes = 64\n")], 0),
        (vec![], 1),
    ] {
        let harness = harness_with(true, None, &files);
        for _ in 0..2 {
            let (status, body) = call(&harness.app, "GET", "/search?q=short+breaks", None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["total"], 1, "{body}");
        }
        assert_eq!(harness.state.results.usage().0, kept, "{files:?}");
    }
}

#[tokio::test]
async fn popular_queries_with_a_slip_in_them_are_not_suggested() {
    let harness = harness(true, None);
    let log = harness.temp.path().join("analytics.sqlite");
    let analytics =
        offer_search::analytics::Analytics::start(&log, 64, || 365).expect("analytics starts");
    for _ in 0..3 {
        analytics.record_search("short breaks for carers", 1, 0, 10);
        analytics.record_search("short breaks for carrers", 1, 0, 10);
    }
    assert!(analytics.flush(), "the log was written");
    let now = chrono::Utc::now().timestamp();
    harness
        .state
        .popular
        .refresh(&log, now)
        .expect("popular queries");
    let (status, body) = call(&harness.app, "GET", "/suggest?q=short+breaks+for", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let texts: Vec<&str> = body["suggestions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|suggestion| suggestion["text"].as_str())
        .collect();
    assert!(texts.contains(&"short breaks for carers"), "{body}");
    assert!(!texts.contains(&"short breaks for carrers"), "{body}");
}
