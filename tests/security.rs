//! Hostile requests: no path, however encoded, serves a file from outside what the binary
//! embeds, and the admin token and config never reach the logs.
//!
//! Every page and asset is built into the binary, so no route reads a file by a path taken
//! from the request; these tests keep it that way, in-process through the router and over
//! raw TCP against `serve`, so that no client tidies the paths on the way.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Uri};
use tower::ServiceExt;

use offer_search::api::{AppState, router};
use offer_search::config::Config;
use offer_search::publish::publish_records;
use offer_search::record::PageRecord;
use offer_search::search::live::LiveIndex;
use offer_search::store::DataDir;

use common::{project_config, serve_logging_to};

const TOKEN: &str = "security-test-admin-token-4b1d";
const WRONG_TOKEN: &str = "not-the-token-77c2";
const CANARY_AGENT: &str = "canary-agent-9f3e";
const CANARY_CONTACT: &str = "Canary Contact Service 6a0d";

/// Paths that try to leave the embedded assets: dot segments plain, percent-encoded, doubly
/// encoded and in overlong UTF-8, backslashes, absolute paths and NUL bytes, on every route
/// that answers with a page or an asset.
const TRAVERSALS: [&str; 38] = [
    "/assets/../Cargo.toml",
    "/assets/../../Cargo.toml",
    "/assets/..%2fCargo.toml",
    "/assets/..%2f..%2fCargo.toml",
    "/assets/%2e%2e%2fCargo.toml",
    "/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
    "/assets/%2E%2E%2FCargo.toml",
    "/assets/%2e%2e/Cargo.toml",
    "/assets/..%5cCargo.toml",
    "/assets/..%5c..%5cCargo.toml",
    "/assets/%252e%252e%252fCargo.toml",
    "/assets/..%252f..%252fCargo.toml",
    "/assets/%25252e%25252e%25252fCargo.toml",
    "/assets/..%c0%afCargo.toml",
    "/assets/%c0%ae%c0%ae%c0%afCargo.toml",
    "/assets/....//....//Cargo.toml",
    "/assets/Cargo.toml",
    "/assets/%2e/Cargo.toml",
    "/assets/search.css/../../Cargo.toml",
    "/assets/search.css%00../../Cargo.toml",
    "/assets/%00/etc/passwd",
    "/assets//etc/passwd",
    "/assets/%2fetc%2fpasswd",
    "/assets/%2Fetc%2Fpasswd",
    "/assets/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/assets/file:%2f%2f%2fetc%2fpasswd",
    "/../Cargo.toml",
    "/%2e%2e/Cargo.toml",
    "/%2e%2e%2fCargo.toml",
    "/etc/passwd",
    "//etc/passwd",
    "/a-z/../Cargo.toml",
    "/a-z/%2e%2e%2fCargo.toml",
    "/admin/assets/..%2f..%2fCargo.toml",
    "/admin/assets/admin.js/../../../Cargo.toml",
    "/admin/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/admin/reports/..%2f..%2f..%2fCargo.toml",
];

/// Paths with raw backslashes, which `http::Uri` refuses to build but a raw client can send.
const RAW_BACKSLASHES: [&str; 3] = [
    "/assets/..\\Cargo.toml",
    "/assets/..\\..\\..\\..\\..\\..\\etc\\passwd",
    "/assets/\\etc\\passwd",
];

/// Query strings carrying paths: they are searched for or refused, never opened.
const QUERIES: [&str; 5] = [
    "/?q=..%2f..%2fCargo.toml",
    "/?q=%2fetc%2fpasswd",
    "/a-z?letter=..%2f..%2fetc%2fpasswd",
    "/a-z?letter=%2fetc%2fpasswd",
    "/browse?letter=..%2fCargo.toml",
];

/// Fails the test when `body` holds any of the files a traversal would aim at.
fn assert_no_file_contents(request: &str, body: &str) {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("Cargo.toml reads");
    let manifest_line = manifest
        .lines()
        .find(|line| line.starts_with("name = "))
        .expect("Cargo.toml names the package");
    assert!(
        !body.contains(manifest_line) && !body.contains("[dependencies]"),
        "{request} served Cargo.toml:\n{body}"
    );
    assert!(
        !body.contains("root:x:0:0") && !body.contains("/bin/sh"),
        "{request} served /etc/passwd:\n{body}"
    );
}

fn record() -> PageRecord {
    common::page_record(
        "http://site/breaks.html",
        "Short breaks",
        " - Riverford",
        "Short breaks give carers a rest.",
    )
}

/// The router over a one-page index, with the admin routes on.
fn app(temp: &Path) -> axum::Router {
    let data = DataDir::new(temp.join("data"));
    let config = Config::defaults();
    let lock = data.lock().expect("lock");
    publish_records(&data, &lock, &config, vec![record()], None, false).expect("publish");
    drop(lock);
    let index = LiveIndex::open(data).expect("open index");
    let state = AppState::new(index, config).with_admin_token(Some(TOKEN.into()));
    router(state)
}

async fn get(app: &axum::Router, uri: &str) -> (u16, String) {
    let uri: Uri = uri
        .parse()
        .unwrap_or_else(|err| panic!("`{uri}` does not parse: {err}"));
    let request = Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .expect("request builds");
    let response = app.clone().oneshot(request).await.expect("router answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .expect("body reads");
    (status, String::from_utf8_lossy(&bytes).to_string())
}

#[tokio::test]
async fn traversal_paths_are_not_found_through_the_router() {
    let temp = tempfile::tempdir().expect("temp dir");
    let app = app(temp.path());

    // The real assets answer, so a 404 below means the path was refused, not a broken route.
    let (status, _) = get(&app, "/assets/search.css").await;
    assert_eq!(status, 200);

    for path in TRAVERSALS {
        let (status, body) = get(&app, path).await;
        assert!(
            status == 404 || status == 400,
            "{path} answered {status}:\n{body}"
        );
        assert_no_file_contents(path, &body);
    }
    for path in QUERIES {
        let (status, body) = get(&app, path).await;
        assert!(status < 500, "{path} answered {status}:\n{body}");
        assert_no_file_contents(path, &body);
    }
}

/// Sends `path` exactly as given and returns the status and the whole answer.
fn raw_get(base_url: &str, path: &str, authorization: Option<&str>) -> (u16, String) {
    let address = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(value) = authorization {
        request.push_str(&format!("Authorization: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("request sent");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer read");
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no status line in `{answer}`"));
    (status, answer)
}

/// A copy of the shipped config with values that must never be logged.
fn canary_config(dir: &Path) {
    std::fs::create_dir_all(dir).expect("config dir");
    for entry in std::fs::read_dir(project_config()).expect("shipped config") {
        let entry = entry.expect("config entry");
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy config");
    }
    let site = std::fs::read_to_string(dir.join("site.toml")).expect("site.toml");
    let user_agent = site
        .lines()
        .find(|line| line.starts_with("user_agent = "))
        .expect("site.toml sets the user agent")
        .to_string();
    let site = site.replace(&user_agent, &format!("user_agent = \"{CANARY_AGENT}\""));
    std::fs::write(dir.join("site.toml"), site).expect("write site.toml");
    let api = std::fs::read_to_string(dir.join("api.toml")).expect("api.toml");
    let contact = api
        .lines()
        .find(|line| line.starts_with("contact_name = "))
        .expect("api.toml sets the contact")
        .to_string();
    let api = api.replace(&contact, &format!("contact_name = \"{CANARY_CONTACT}\""));
    std::fs::write(dir.join("api.toml"), api).expect("write api.toml");
}

#[test]
fn serve_refuses_traversals_and_keeps_the_token_and_config_out_of_its_log() {
    let temp = tempfile::tempdir().expect("temp dir");
    let data = temp.path().join("data");
    let config = temp.path().join("config");
    canary_config(&config);
    let token_file = config.join("admin-token");
    std::fs::write(&token_file, TOKEN).expect("write the token");
    let log_path = temp.path().join("serve.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let api = serve_logging_to(&data, &config, &token_file, log);
    let bearer = format!("Bearer {TOKEN}");

    let (status, answer) = raw_get(&api.base_url, "/assets/search.js", None);
    assert_eq!(status, 200, "{answer}");
    for path in TRAVERSALS.iter().chain(RAW_BACKSLASHES.iter()) {
        let (status, answer) = raw_get(&api.base_url, path, Some(&bearer));
        assert!(
            status == 404 || status == 400,
            "{path} answered {status}:\n{answer}"
        );
        assert_no_file_contents(path, &answer);
    }

    // A wrong or missing token gets a bare 401 that names nothing.
    for authorization in [Some(format!("Bearer {WRONG_TOKEN}")), None] {
        let (status, answer) = raw_get(&api.base_url, "/admin/crawl", authorization.as_deref());
        assert_eq!(status, 401, "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(body).expect("a JSON error");
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "unauthorized", "message": "unauthorized"}})
        );
    }
    let (status, answer) = raw_get(&api.base_url, "/admin/crawl", Some(&bearer));
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = raw_get(&api.base_url, "/", None);
    assert!(
        answer.contains(CANARY_CONTACT),
        "{status}: the config is in use"
    );
    api.kill();

    let log = std::fs::read_to_string(&log_path).expect("log reads");
    assert!(
        log.contains("admin request refused"),
        "the refusals are logged:\n{log}"
    );
    for secret in [TOKEN, WRONG_TOKEN, CANARY_AGENT, CANARY_CONTACT] {
        assert!(!log.contains(secret), "`{secret}` is in the log:\n{log}");
    }
}
