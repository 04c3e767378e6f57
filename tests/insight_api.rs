//! The analytics, click and admin report API driven in-process through the router: what is
//! logged (and what never is), click redirects that cannot be abused, report formats, the
//! tracker upload, the rule tester and the admin page.

mod common;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use offer_search::analytics::Analytics;
use offer_search::api::{AppState, router};
use offer_search::config::Config;
use offer_search::publish::publish_records;
use offer_search::record::{Kind, Link, LinkPlace, PageRecord};
use offer_search::search::live::LiveIndex;
use offer_search::store::DataDir;

const TOKEN: &str = "s3cret-admin";

fn page(url: &str, title: &str, body: &str) -> PageRecord {
    common::page_record(url, title, " - Riverford", body)
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
    _temp: tempfile::TempDir,
    app: axum::Router,
    data: PathBuf,
}

fn harness(token: Option<&str>) -> Harness {
    harness_with(token, |_| {})
}

/// An index of three records, analytics in the data folder, and `prepare` run on the data
/// folder before analytics start.
fn harness_with(token: Option<&str>, prepare: impl FnOnce(&std::path::Path)) -> Harness {
    let temp = tempfile::tempdir().expect("temp dir");
    let data_path = temp.path().join("data");
    let data = DataDir::new(&data_path);
    let config_dir = temp.path().join("config");
    std::fs::create_dir_all(&config_dir).expect("config dir");
    let config = Config::load(&config_dir).expect("default config");
    let lock = data.lock().expect("lock");
    publish_records(&data, &lock, &config, records(), None, false).expect("publish");
    drop(lock);
    prepare(&data_path);

    let index = LiveIndex::open(data).expect("open index");
    let state = AppState::new(index, config).with_admin_token(token.map(String::from));
    let analytics = Analytics::start_in(&data_path, &state.config);
    let state = state.with_analytics(analytics);
    Harness {
        _temp: temp,
        app: router(state),
        data: data_path,
    }
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("no JSON ({err}): {}", self.text))
    }
}

async fn send(app: &axum::Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &axum::Router, uri: &str, token: Option<&str>) -> Answer {
    let mut builder = Request::builder().method("GET").uri(uri);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    send(app, builder.body(Body::empty()).expect("request")).await
}

async fn post(app: &axum::Router, uri: &str, body: &str, content_type: &str) -> Answer {
    let request = Request::builder()
        .method("POST")
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", content_type)
        .body(Body::from(body.to_string()))
        .expect("request");
    send(app, request).await
}

async fn report(app: &axum::Router, name_and_query: &str) -> Value {
    let answer = get(
        app,
        &format!("/admin/reports/{name_and_query}"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json()
}

#[tokio::test]
async fn searches_are_logged_without_anything_about_the_searcher() {
    let harness = harness(Some(TOKEN));
    let request = Request::builder()
        .uri("/search?q=Short%20%20BREAKS")
        .header("user-agent", "Mozilla/5.0 TestBrowser/99")
        .header("cookie", "session=abc123")
        .header("x-forwarded-for", "203.0.113.7")
        .body(Body::empty())
        .expect("request");
    let answer = send(&harness.app, request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = get(&harness.app, "/search?q=zzzz%20nothing&offset=10", None).await;
    assert_eq!(answer.status, StatusCode::OK);

    let top = report(&harness.app, "top-queries").await;
    assert_eq!(
        top["searches"], 1,
        "a later page is not a new search: {top}"
    );
    assert_eq!(top["rows"][0]["query"], "short breaks");
    assert_eq!(top["rows"][0]["results"], 1);

    // Nothing stored anywhere in the database mentions the browser, cookie or address.
    let path = harness.data.join("analytics.sqlite");
    let connection = rusqlite::Connection::open(&path).expect("open analytics");
    let mut stored = String::new();
    for table in ["searches", "clicks"] {
        let mut statement = connection
            .prepare(&format!("SELECT * FROM {table}"))
            .expect("select");
        let columns = statement.column_count();
        let names: Vec<String> = statement
            .column_names()
            .map(|name| name.to_string())
            .collect();
        for name in &names {
            for personal in ["ip", "agent", "cookie", "session", "address"] {
                assert!(!name.contains(personal), "column `{table}.{name}`");
            }
        }
        let mut rows = statement.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            for index in 0..columns {
                let value: rusqlite::types::Value = row.get(index).expect("value");
                stored.push_str(&format!("{value:?} "));
            }
        }
    }
    assert!(stored.contains("short breaks"), "{stored}");
    for personal in ["TestBrowser", "abc123", "203.0.113.7"] {
        assert!(!stored.contains(personal), "{personal} stored: {stored}");
    }
}

#[tokio::test]
async fn results_link_through_click_which_counts_and_redirects() {
    let harness = harness(Some(TOKEN));
    // Grouped (the default), the form sits under its page and shares the page's rank.
    let grouped = get(&harness.app, "/search?q=inclusion%20funding", None)
        .await
        .json();
    let grouped_form = grouped["results"][0]["documents"][0]["click_url"]
        .as_str()
        .expect("a grouped document's click_url");
    assert!(
        grouped_form.contains("rank=1&url=http%3A%2F%2Fsite%2Fdocs%2Fform.pdf"),
        "{grouped_form}"
    );

    let body = get(
        &harness.app,
        "/search?q=inclusion%20funding&group=false",
        None,
    )
    .await
    .json();
    let first = &body["results"][0];
    let second = &body["results"][1];
    let click_url = second["click_url"].as_str().expect("click_url");
    assert!(
        click_url.starts_with("/click?q=inclusion+funding&rank=2&url="),
        "{click_url}"
    );
    assert!(
        first["click_url"]
            .as_str()
            .is_some_and(|url| url.contains("rank=1"))
    );

    let answer = get(&harness.app, click_url, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers["location"].to_str().ok(),
        second["url"].as_str()
    );
    assert_eq!(answer.headers["cache-control"], "no-store");

    let head = Request::builder()
        .method("HEAD")
        .uri(click_url)
        .body(Body::empty())
        .expect("request");
    let answer = send(&harness.app, head).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);

    let positions = report(&harness.app, "click-positions").await;
    assert_eq!(
        positions["clicks"], 1,
        "a HEAD request is not a click: {positions}"
    );
    assert_eq!(
        positions["rows"],
        json!([{ "rank": 2, "clicks": 1, "share": 1.0 }])
    );
    let no_clicks = report(&harness.app, "no-clicks").await;
    assert_eq!(no_clicks["rows"], json!([]), "the query was clicked");
}

#[tokio::test]
async fn click_never_redirects_off_the_index() {
    let harness = harness(None);
    let cases = [
        (
            "/click?q=x&rank=1&url=https%3A%2F%2Fevil.example%2F",
            "unknown_url",
        ),
        (
            "/click?q=x&rank=1&url=http%3A%2F%2Fsite%2Fnot-indexed.html",
            "unknown_url",
        ),
        ("/click?q=x&rank=1&url=%2F%2Fevil.example", "unknown_url"),
        ("/click?q=x&rank=1", "bad_url"),
        (
            "/click?q=x&rank=0&url=http%3A%2F%2Fsite%2Fbreaks.html",
            "bad_rank",
        ),
        (
            "/click?q=x&rank=first&url=http%3A%2F%2Fsite%2Fbreaks.html",
            "bad_rank",
        ),
    ];
    for (uri, code) in cases {
        let answer = get(&harness.app, uri, None).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            answer.text
        );
        assert!(answer.headers.get("location").is_none(), "{uri}");
        assert_eq!(answer.json()["error"]["code"], code, "{uri}");
    }
    let answer = get(
        &harness.app,
        "/click?url=http%3A%2F%2Fsite%2Fbreaks.html",
        None,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "query and rank are optional"
    );
}

#[tokio::test]
async fn front_ends_report_clicks_as_events() {
    let harness = harness(Some(TOKEN));
    get(&harness.app, "/search?q=short%20breaks", None).await;
    let click = json!({
        "type": "click",
        "query": "Short breaks",
        "rank": 1,
        "url": "http://site/breaks.html"
    });
    let answer = post(
        &harness.app,
        "/events",
        &click.to_string(),
        "application/json",
    )
    .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text);

    let bad = [
        json!({ "type": "view", "query": "x", "url": "http://site/breaks.html" }),
        json!({ "type": "click", "query": "x", "url": "https://elsewhere.example/" }),
        json!({ "type": "click", "query": "x", "rank": 0, "url": "http://site/breaks.html" }),
        json!({ "type": "click", "url": "http://site/breaks.html", "ip": "203.0.113.7" }),
    ];
    for body in bad {
        let answer = post(
            &harness.app,
            "/events",
            &body.to_string(),
            "application/json",
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.text
        );
    }
    let answer = post(&harness.app, "/events", "{not json", "application/json").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // An event of another type is told about its type, whatever else it lacks; a click
    // without a url is told about the url.
    for (body, told) in [
        (r#"{"type": "view"}"#, "unknown event type `view`"),
        (r#"{"type": "click"}"#, "`url`"),
    ] {
        let answer = post(&harness.app, "/events", body, "application/json").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer.text.contains(told), "{body}: {}", answer.text);
    }

    let top = report(&harness.app, "top-queries").await;
    assert_eq!(top["rows"][0]["query"], "short breaks");
    assert_eq!(top["rows"][0]["clicks"], 1, "{top}");
    assert_eq!(top["rows"][0]["click_rate"], 1.0);
}

#[tokio::test]
async fn reports_need_the_token_filter_by_date_and_speak_csv() {
    let harness = harness(Some(TOKEN));
    get(&harness.app, "/search?q=autism%20assessment", None).await;
    get(&harness.app, "/search?q=short%20breaks", None).await;

    let answer = get(&harness.app, "/admin/reports/top-queries", None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = get(&harness.app, "/admin/reports/top-queries", Some("wrong")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = get(&harness.app, "/admin/reports/everything", Some(TOKEN)).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    for (query, code) in [
        ("from=03/12/2026", "bad_date"),
        ("from=2026-12-04&to=2026-12-01", "bad_date"),
        ("rows=0", "bad_rows"),
        ("format=xlsx", "bad_format"),
    ] {
        let answer = get(
            &harness.app,
            &format!("/admin/reports/top-queries?{query}"),
            Some(TOKEN),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.text
        );
        assert_eq!(answer.json()["error"]["code"], code, "{query}");
    }

    let today = chrono::Utc::now().date_naive();
    let tomorrow = today.succ_opt().expect("a tomorrow");
    let zero = report(
        &harness.app,
        &format!("zero-results?from={today}&to={today}"),
    )
    .await;
    assert_eq!(zero["searches"], 2, "{zero}");
    assert_eq!(zero["zero_result_searches"], 1);
    assert_eq!(zero["zero_result_share"], 0.5);
    assert_eq!(zero["rows"][0]["query"], "autism assessment");
    let later = report(&harness.app, &format!("top-queries?from={tomorrow}")).await;
    assert_eq!(later["searches"], 0, "{later}");
    let weekly = report(&harness.app, "weekly").await;
    assert_eq!(weekly["rows"][0]["searches"], 2, "{weekly}");

    let answer = get(
        &harness.app,
        "/admin/reports/top-queries?format=csv",
        Some(TOKEN),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        answer.headers["content-disposition"]
            .to_str()
            .is_ok_and(|value| value.contains("top-queries.csv"))
    );
    let mut lines = answer.text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "query,searches,share,later_pages,results,zero_result_searches,clicks,click_rate,last_searched"
        )
    );
    assert_eq!(lines.count(), 2);

    let status = get(&harness.app, "/admin/analytics/status", Some(TOKEN))
        .await
        .json();
    assert_eq!(status["logging"], true);
    assert_eq!(status["stored"]["searches"], 2);
    assert_eq!(status["since_start"]["dropped"], 0);
}

#[tokio::test]
async fn admin_surface_is_absent_without_a_token() {
    let harness = harness(None);
    for uri in [
        "/admin/",
        "/admin/reports/top-queries",
        "/admin/assets/admin.js",
    ] {
        let answer = get(&harness.app, uri, Some("anything")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn admin_page_loads_without_the_token_and_asks_for_it() {
    let harness = harness(Some(TOKEN));
    let answer = get(&harness.app, "/admin/", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "text/html; charset=utf-8");
    let policy = answer.headers["content-security-policy"]
        .to_str()
        .unwrap_or_default();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let html = &answer.text;
    for landmark in ["<main", "<header", "<nav", "<footer", "lang=\"en-GB\""] {
        assert!(html.contains(landmark), "the page lacks {landmark}");
    }
    assert!(html.contains("<label for=\"token\">"));
    assert!(!html.contains("<script>"), "no inline script");
    for asset in ["/admin/assets/admin.js", "/admin/assets/admin.css"] {
        assert!(html.contains(asset));
        let answer = get(&harness.app, asset, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{asset}");
    }
    let script = get(&harness.app, "/admin/assets/admin.js", None).await.text;
    assert!(
        !script.contains("innerHTML"),
        "values go in as text, never markup"
    );
    assert!(script.contains("sessionStorage"));
}

#[tokio::test]
async fn tracker_upload_lists_every_bad_row_by_line() {
    let harness = harness(Some(TOKEN));
    let bad = "Page URL,Page name,Owner,Strategic lead,Last review,Notes\n\
               /breaks.html,Short breaks,Officer,Head,01/02/2026,\n\
               /inclusion/inclusion.html,Inclusion,Officer,Head,2026/13/01,\n\
               ,Nameless,Officer,Head,01/02/2026,\n";
    let answer = post(
        &harness.app,
        "/admin/review/tracker?name=team.csv",
        bad,
        "text/csv",
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    let error = &answer.json()["error"];
    assert_eq!(error["code"], "bad_tracker");
    let problems: Vec<&str> = error["problems"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("line 3: last review `2026/13/01`"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("line 4: has no page URL"),
        "{problems:?}"
    );

    let good = "page url,OWNER,Last Review\n/breaks.html,Officer,01/02/2026\n";
    let answer = post(&harness.app, "/admin/review/tracker", good, "text/csv").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["import"]["rows"], 1);

    let as_of = "2026-12-03";
    let reviews = report(&harness.app, &format!("reviews?as_of={as_of}")).await;
    assert_eq!(reviews["as_of"], as_of);
    assert_eq!(
        reviews["totals"]["pages"], 2,
        "documents are not reviewed: {reviews}"
    );
    assert_eq!(reviews["totals"]["overdue"], 1);
    assert_eq!(
        reviews["not_on_tracker"][0]["path"],
        "/inclusion/inclusion.html"
    );
    let overdue = &reviews["pages"][0];
    assert_eq!(overdue["path"], "/breaks.html");
    assert_eq!(overdue["days_overdue"], 124);
    assert_eq!(overdue["stage"], "director");
    assert_eq!(overdue["owner"], "Officer");
}

#[tokio::test]
async fn rule_tester_compares_live_and_proposed_rules() {
    let harness = harness(Some(TOKEN));
    let proposal = json!({
        "query": "inclusion funding",
        "ranking": "[documents]\nmode = \"exclude\"\n",
    });
    let answer = post(
        &harness.app,
        "/admin/rules/test",
        &proposal.to_string(),
        "application/json",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["proposed_files"], json!(["ranking.toml"]));
    assert_eq!(body["live"]["total"], 2);
    assert_eq!(
        body["proposed"]["results"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(body["live"]["results"][0]["explain"]["boosts"].is_array());
    assert!(body["proposed"]["results"][0]["explain"].is_object());
    let gone: Vec<&Value> = body["changes"]
        .as_array()
        .map(|changes| changes.iter().filter(|c| c["movement"] == "gone").collect())
        .unwrap_or_default();
    assert_eq!(gone.len(), 1, "{}", body["changes"]);
    assert_eq!(gone[0]["path"], "/docs/form.pdf");

    let invalid = json!({
        "query": "inclusion funding",
        "ranking": "[documents]\nmode = \"hide\"\n",
        "synonyms": "[[one_way]]\nfrom = \"respite\"\nto = []\n",
    });
    let answer = post(
        &harness.app,
        "/admin/rules/test",
        &invalid.to_string(),
        "application/json",
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    let error = &answer.json()["error"];
    assert_eq!(error["code"], "invalid_config");
    let problems = error["problems"].to_string();
    assert!(
        problems.contains("ranking.toml")
            && problems.contains("documents.mode")
            && problems.contains("synonyms.toml")
            && problems.contains("one_way[0].to"),
        "{problems}"
    );

    let answer = post(
        &harness.app,
        "/admin/rules/test",
        &json!({ "query": "  " }).to_string(),
        "application/json",
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = post(
        &harness.app,
        "/admin/rules/test",
        &json!({ "query": "short breaks", "limit": 0 }).to_string(),
        "application/json",
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text.contains("bad_limit"), "{}", answer.text);

    let top = report(&harness.app, "top-queries").await;
    assert_eq!(top["searches"], 0, "rule tests are not logged as searches");
}

#[tokio::test]
async fn searches_are_served_when_analytics_cannot_start() {
    // A folder where the database file should be: the database cannot be opened.
    let harness = harness_with(Some(TOKEN), |data| {
        std::fs::create_dir_all(data.join("analytics.sqlite")).expect("blocking folder");
    });
    let answer = get(&harness.app, "/search?q=short%20breaks", None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["total"], 1);
    let answer = get(
        &harness.app,
        "/click?url=http%3A%2F%2Fsite%2Fbreaks.html",
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let status = get(&harness.app, "/admin/analytics/status", Some(TOKEN)).await;
    assert_eq!(status.json()["logging"], false, "{}", status.text);
}
