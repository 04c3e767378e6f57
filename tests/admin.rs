//! Recrawls inside the server: `POST /admin/recrawl` (202, or 409 while a crawl holds the
//! data folder), `GET /admin/crawl` with the last report, `GET /admin/links`, and the
//! schedule, with searches answered from the generation that is complete.

mod support;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use offer_search::api::{AppState, router};
use offer_search::config::Config;
use offer_search::recrawl::Recrawler;
use offer_search::search::live::LiveIndex;
use offer_search::store::DataDir;

use support::{LiveSite, test_site_config};

const TOKEN: &str = "test-admin-token";

fn config_for(site: &LiveSite) -> Config {
    let mut config = Config::defaults();
    config.site = test_site_config();
    config.site.start_urls = vec![site.base.clone()];
    config
}

async fn site() -> LiveSite {
    let site = LiveSite::start().await;
    site.set_page(
        "/",
        "Short breaks",
        r#"<p>Short breaks for disabled children. <a href="/clubs">Holiday clubs</a>
           <a href="/old-page">An old page</a></p>"#,
    );
    site.set_page(
        "/clubs",
        "Holiday clubs",
        "<p>Holiday clubs run in every town.</p>",
    );
    site
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("request builds"))
        .await
        .expect("the router answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body reads");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_recrawl_runs_one_crawl_at_a_time_and_reports() {
    let site = site().await;
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));
    let index = LiveIndex::open(data.clone()).expect("an empty data folder opens");
    let state = AppState::new(index.clone(), config_for(&site))
        .with_admin_token(Some(TOKEN.into()))
        .with_worker_program(env!("CARGO_BIN_EXE_offer-search").into());
    let recrawler = state.recrawler.clone();
    let app = router(state);

    let (status, _) = call(&app, "POST", "/admin/recrawl", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&app, "GET", "/admin/crawl", Some("wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A crawl from the command line holds the lock: the server must not start another.
    let held = data.lock().expect("the folder is free");
    let (status, body) = call(&app, "POST", "/admin/recrawl", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "crawl_running");
    drop(held);

    let (status, body) = call(&app, "GET", "/search?q=holiday", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");

    let (status, body) = call(&app, "POST", "/admin/recrawl", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "started");
    recrawler.wait_idle().await;

    let (status, body) = call(&app, "GET", "/admin/crawl", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "idle");
    assert_eq!(body["last_error"], Value::Null, "{body}");
    let report = &body["last_report"];
    assert_eq!(report["published"], true, "{body}");
    assert_eq!(report["trigger"], "admin");
    assert_eq!(report["pages"], 2);
    assert_eq!(report["broken_links"], 1);

    // The server follows CURRENT by itself; here the switch is asked for directly.
    index.refresh().expect("the new generation opens");
    let (status, body) = call(&app, "GET", "/search?q=holiday+clubs", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["total"].as_u64() >= Some(1), "{body}");

    let (status, body) = call(&app, "GET", "/admin/links", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["broken_links"], 1, "{body}");
    let on_home = &body["pages"][site.base.as_str()];
    assert_eq!(on_home[0]["scope"], "internal", "{body}");
    assert_eq!(on_home[0]["reason"], "http-404");
    assert!(
        on_home[0]["url"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/old-page"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_recrawls_and_searches_go_on() {
    let site = site().await;
    let temp = tempfile::tempdir().expect("temp dir");
    let data = DataDir::new(temp.path().join("data"));
    let mut config = config_for(&site);
    config.site.schedule.recrawl_interval = Some(Duration::from_millis(200));
    let index = LiveIndex::open(data.clone()).expect("an empty data folder opens");
    let state = AppState::new(index.clone(), config)
        .with_worker_program(env!("CARGO_BIN_EXE_offer-search").into());
    let recrawler: Recrawler = state.recrawler.clone();
    let schedule = tokio::spawn(recrawler.clone().run_schedule());
    let app = router(state);

    // The first crawl is due at once (there is no index yet); the next an interval later
    // finds nothing changed and keeps the first generation serving.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // Whatever generation is current answers while the next crawl runs.
        index.refresh().expect("the current generation opens");
        if index.engine().is_some() {
            let (status, body) = call(&app, "GET", "/search?q=short+breaks", None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let kept = recrawler
            .last_report()
            .expect("the state reads")
            .is_some_and(|report| report["kept_current"] == true);
        if kept {
            break;
        }
        assert!(Instant::now() < deadline, "the schedule did not recrawl");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    schedule.abort();
    recrawler.wait_idle().await;
    let report = recrawler
        .last_report()
        .expect("the state reads")
        .expect("a report");
    assert_eq!(report["trigger"], "schedule");
    assert!(
        report["unchanged"].as_u64() >= Some(2),
        "the second scheduled crawl reused the first: {report}"
    );
    assert_eq!(report["generation"], 1, "{report}");
    assert_eq!(report["published"], false, "{report}");
    assert_eq!(
        data.current_number().expect("CURRENT reads"),
        Some(1),
        "an unchanged site is not rebuilt"
    );
}
