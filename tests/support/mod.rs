//! Shared test harness: the replica site server, its manifest, a fast crawl config, and a
//! loopback site whose pages a test can change between crawls.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use offer_search::config::SiteConfig;
use url::Url;

/// `../shared/realdata` next to the repository. Panics (failing the test) when missing:
/// a test that needs the replica must not pass silently without it.
pub fn replica_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata");
    assert!(
        dir.join("serve.py").is_file() && dir.join("site-manifest.tsv").is_file(),
        "the replica site is missing: expected serve.py and site-manifest.tsv in {}",
        dir.display()
    );
    dir
}

/// The default site config with no politeness delay, so tests run fast on loopback.
pub fn test_site_config() -> SiteConfig {
    let mut site = SiteConfig::default();
    site.crawl.delay = Duration::ZERO;
    site.crawl.request_timeout = Duration::from_secs(10);
    site.crawl.max_retries = 1;
    site.crawl.retry_base_delay = Duration::from_millis(10);
    site
}

/// `serve.py` on a free loopback port, killed when dropped.
pub struct ReplicaServer {
    child: Child,
    pub base: Url,
}

impl ReplicaServer {
    /// Serves `root` (the replica's `site/`, or a folder a test wrote).
    pub fn start(root: &Path) -> ReplicaServer {
        let script = replica_dir().join("serve.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--quiet", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs serve.py");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut first_line = String::new();
        BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("serve.py prints its address");
        // "Serving http://127.0.0.1:PORT/ from DIR"
        let address = first_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected first line from serve.py: {first_line:?}"));
        let base = Url::parse(address).expect("serve.py prints a URL");
        ReplicaServer { child, base }
    }
}

impl Drop for ReplicaServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One row of `site-manifest.tsv`.
#[derive(Debug, Clone)]
pub struct ManifestRow {
    pub path: String,
    pub kind: String,
    pub title: String,
    pub last_reviewed: String,
    pub notes: String,
}

pub struct Manifest {
    pub rows: Vec<ManifestRow>,
}

impl Manifest {
    pub fn load(path: &Path) -> Manifest {
        let text = std::fs::read_to_string(path).expect("the manifest is readable");
        let mut lines = text.lines();
        let header: Vec<&str> = lines
            .next()
            .expect("the manifest has a header")
            .split('\t')
            .collect();
        let column = |name: &str| {
            header
                .iter()
                .position(|heading| *heading == name)
                .unwrap_or_else(|| panic!("manifest column {name} is missing"))
        };
        let (path_at, kind_at, title_at, reviewed_at, notes_at) = (
            column("path"),
            column("kind"),
            column("title"),
            column("last_reviewed"),
            column("notes"),
        );
        let rows = lines
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let cells: Vec<&str> = line.split('\t').collect();
                let cell = |at: usize| cells.get(at).copied().unwrap_or_default().to_string();
                ManifestRow {
                    path: cell(path_at),
                    kind: cell(kind_at),
                    title: cell(title_at),
                    last_reviewed: cell(reviewed_at),
                    notes: cell(notes_at),
                }
            })
            .collect();
        Manifest { rows }
    }

    pub fn rows_of(&self, kinds: &[&str]) -> Vec<&ManifestRow> {
        self.rows
            .iter()
            .filter(|row| kinds.contains(&row.kind.as_str()))
            .collect()
    }
}

/// A loopback site whose pages a test changes between crawls. Every answer carries an
/// `ETag` (a hash of the body), `If-None-Match` is honoured with a 304, and each request
/// is remembered so a test can see what the crawler asked.
pub struct LiveSite {
    pub base: Url,
    pages: Arc<Mutex<BTreeMap<String, LivePage>>>,
    requests: Arc<Mutex<Vec<SeenRequest>>>,
}

/// What the live site serves at one path.
#[derive(Debug, Clone)]
struct LivePage {
    content_type: String,
    body: Vec<u8>,
    /// Answer 200 with no `ETag`, whatever the request says.
    ignore_validators: bool,
}

/// One request the live site answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    pub path: String,
    /// It carried `If-None-Match`.
    pub conditional: bool,
    pub status: u16,
}

impl LiveSite {
    pub async fn start() -> LiveSite {
        let pages: Arc<Mutex<BTreeMap<String, LivePage>>> = Arc::default();
        let requests: Arc<Mutex<Vec<SeenRequest>>> = Arc::default();
        let state = (pages.clone(), requests.clone());
        let app = axum::Router::new()
            .fallback(live_site_answer)
            .with_state(state);
        let base = serve_router(app).await;
        LiveSite {
            base,
            pages,
            requests,
        }
    }

    /// Serves `body` at `path` with `content_type`.
    pub fn set(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.insert(path, content_type, body.into(), false);
    }

    /// Serves `body` at `path` the way a server without validators does: no `ETag`,
    /// never a 304.
    pub fn set_ignoring_validators(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<Vec<u8>>,
    ) {
        self.insert(path, content_type, body.into(), true);
    }

    fn insert(&self, path: &str, content_type: &str, body: Vec<u8>, ignore_validators: bool) {
        let page = LivePage {
            content_type: content_type.to_string(),
            body,
            ignore_validators,
        };
        let mut pages = self.pages.lock().expect("pages lock");
        pages.insert(path.to_string(), page);
    }

    /// Serves an HTML page with `title` and `main` inside `<main>`.
    pub fn set_page(&self, path: &str, title: &str, main: &str) {
        self.set(path, "text/html; charset=utf-8", html(title, main));
    }

    /// Makes `path` answer 404.
    pub fn remove(&self, path: &str) {
        self.pages.lock().expect("pages lock").remove(path);
    }

    /// The requests answered so far, robots.txt and sitemaps included.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.requests.lock().expect("requests lock").clone()
    }

    pub fn clear_requests(&self) {
        self.requests.lock().expect("requests lock").clear();
    }
}

type LiveSiteState = (
    Arc<Mutex<BTreeMap<String, LivePage>>>,
    Arc<Mutex<Vec<SeenRequest>>>,
);

async fn live_site_answer(
    axum::extract::State((pages, requests)): axum::extract::State<LiveSiteState>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    let path = uri.path().to_string();
    let found = pages.lock().expect("pages lock").get(&path).cloned();
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let (status, response) = match found {
        None => (
            StatusCode::NOT_FOUND,
            (StatusCode::NOT_FOUND, "not here").into_response(),
        ),
        Some(page) if page.ignore_validators => {
            let headers = [(header::CONTENT_TYPE, page.content_type)];
            (StatusCode::OK, (headers, page.body).into_response())
        }
        Some(LivePage {
            content_type, body, ..
        }) => {
            let etag = format!("\"{}\"", offer_search::extract::content_hash(&body));
            if if_none_match.as_deref() == Some(etag.as_str()) {
                let response = (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
                (StatusCode::NOT_MODIFIED, response)
            } else {
                let headers = [(header::CONTENT_TYPE, content_type), (header::ETAG, etag)];
                (StatusCode::OK, (headers, body).into_response())
            }
        }
    };
    requests.lock().expect("requests lock").push(SeenRequest {
        path,
        conditional: if_none_match.is_some(),
        status: status.as_u16(),
    });
    response
}

/// A small HTML page: `title`, and `main` inside `<main>`.
pub fn html(title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         </head><body><main><h1>{title}</h1>{main}</main></body></html>"
    )
}

/// Serves `app` on a free loopback port for the rest of the test; returns its base URL.
pub async fn serve_router(app: axum::Router) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let address = listener.local_addr().expect("bound address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Url::parse(&format!("http://{address}/")).expect("base URL parses")
}
