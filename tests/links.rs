//! The external link checker: HEAD then GET, redirects, statuses and network failures,
//! and the address policy that blocks private, loopback and link-local hosts unless
//! allowed. Every server here is on loopback, so the policy has to be relaxed for a link
//! to be asked at all.

mod common;
mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{any, get};
use offer_search::config::LinksConfig;
use offer_search::links::{LinkReport, Outcome, check_links};

use support::serve_router;

fn quick(allow_private: bool) -> LinksConfig {
    LinksConfig {
        allow_private,
        timeout: Duration::from_secs(5),
        delay: Duration::from_millis(1),
        concurrency: 2,
        check_on_schedule: false,
    }
}

async fn target_site() -> url::Url {
    let app = Router::new()
        .route("/ok", get(|| async { "fine" }))
        .route(
            "/no-head",
            any(|method: Method| async move {
                if method == Method::HEAD {
                    StatusCode::METHOD_NOT_ALLOWED.into_response()
                } else {
                    "GET works".into_response()
                }
            }),
        )
        .route("/moved", get(|| async { Redirect::permanent("/ok") }))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "gone") });
    serve_router(app).await
}

fn links(urls: &[String]) -> BTreeMap<String, Vec<String>> {
    urls.iter()
        .map(|url| (url.clone(), vec!["http://site.test/page".to_string()]))
        .collect()
}

fn outcome_of<'a>(report: &'a LinkReport, url: &str) -> &'a offer_search::links::LinkCheck {
    report
        .links
        .iter()
        .find(|link| link.url == url)
        .unwrap_or_else(|| panic!("{url} not checked: {report:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_redirects_and_head_fallback() {
    let base = target_site().await;
    let port = base.port().expect("a port");
    let at = |path: &str| format!("http://127.0.0.1:{port}{path}");
    // Named by host name: the policy applies when the name resolves, not just to literals.
    let by_name = format!("http://localhost:{port}/ok");
    let urls = [
        at("/ok"),
        at("/no-head"),
        at("/moved"),
        at("/missing"),
        at("/loop"),
        by_name.clone(),
    ];

    let report = check_links(links(&urls), &quick(true), "offer-search/test")
        .await
        .expect("the check runs");
    assert_eq!(outcome_of(&report, &at("/ok")).to_string(), "ok");
    assert_eq!(outcome_of(&report, &at("/no-head")).to_string(), "ok");
    let moved = outcome_of(&report, &at("/moved"));
    assert_eq!(moved.outcome, Outcome::Ok);
    assert!(moved.reason.contains("/ok"), "{moved:?}");
    assert_eq!(
        outcome_of(&report, &at("/missing")).to_string(),
        "broken: http-404"
    );
    assert_eq!(
        outcome_of(&report, &at("/loop")).to_string(),
        "broken: more than 5 redirects"
    );
    assert_eq!(outcome_of(&report, &by_name).to_string(), "ok");
    assert_eq!((report.ok, report.broken, report.blocked), (4, 2, 0));
    assert_eq!(
        outcome_of(&report, &at("/ok")).pages,
        ["http://site.test/page"]
    );

    let strict = check_links(links(&urls), &quick(false), "offer-search/test")
        .await
        .expect("the check runs");
    assert_eq!(strict.blocked, urls.len(), "{strict:?}");
    assert_eq!(
        outcome_of(&strict, &by_name).to_string(),
        "blocked by policy: private address"
    );
}

fn links_json(data: &str, config: &str) -> serde_json::Value {
    let out = common::run_ok(&["links", "--json", "--data", data, "--config", config]);
    serde_json::from_str(&out).expect("links --json prints JSON")
}

#[test]
fn replica_dead_links_are_broken_when_allowed_and_blocked_when_not() {
    let server = support::ReplicaServer::start(&support::replica_dir().join("site"));
    let temp = tempfile::tempdir().expect("temp dir");
    let data = temp.path().join("data");
    let strict = temp.path().join("strict");
    let open = temp.path().join("open");
    for (dir, allow) in [(&strict, false), (&open, true)] {
        std::fs::create_dir_all(dir).expect("config folder");
        let site =
            format!("[crawl]\ndelay_ms = 0\n\n[links]\nallow_private = {allow}\ndelay_ms = 0\n");
        std::fs::write(dir.join("site.toml"), site).expect("site.toml");
    }
    let data_arg = data.to_str().expect("utf-8 path");
    let strict_arg = strict.to_str().expect("utf-8 path");
    let open_arg = open.to_str().expect("utf-8 path");
    common::run_ok(&[
        "crawl",
        server.base.as_str(),
        "--data",
        data_arg,
        "--config",
        strict_arg,
    ]);

    let dead = [
        "http://127.0.0.2:9/nhs-autism-pathway",
        "http://127.0.0.2:9/send-code-of-practice",
        "http://127.0.0.3:9/derbyshire-iass",
        "http://127.0.0.4:9/young-epilepsy-guide",
    ];
    let outcomes = |report: &serde_json::Value| -> BTreeMap<String, (String, String)> {
        report["external"]["links"]
            .as_array()
            .expect("a list of links")
            .iter()
            .map(|link| {
                (
                    link["url"].as_str().unwrap_or_default().to_string(),
                    (
                        link["outcome"].as_str().unwrap_or_default().to_string(),
                        link["reason"].as_str().unwrap_or_default().to_string(),
                    ),
                )
            })
            .collect()
    };

    let blocked = links_json(data_arg, strict_arg);
    let found = outcomes(&blocked);
    assert_eq!(found.len(), dead.len(), "{blocked}");
    for url in dead {
        assert_eq!(
            found.get(url),
            Some(&("blocked".to_string(), "private address".to_string())),
            "{url}"
        );
    }
    let internal = blocked["internal_broken"].as_array().expect("a list");
    assert_eq!(internal.len(), 1, "{blocked}");
    assert_eq!(internal[0]["reason"], "http-404");

    let broken = links_json(data_arg, open_arg);
    let found = outcomes(&broken);
    for url in dead {
        assert_eq!(
            found.get(url),
            Some(&("broken".to_string(), "connection refused".to_string())),
            "{url}"
        );
    }
    // Each dead link names the page that carries it.
    let pages = broken["external"]["links"][0]["pages"]
        .as_array()
        .expect("pages");
    assert_eq!(pages.len(), 1);
    assert!(
        pages[0]
            .as_str()
            .unwrap_or_default()
            .starts_with(server.base.as_str())
    );

    // The table form says the same in words.
    let table = common::run_ok(&["links", "--data", data_arg, "--config", strict_arg]);
    assert!(
        table.contains("blocked by policy: private address\thttp://127.0.0.3:9/derbyshire-iass"),
        "{table}"
    );
}
