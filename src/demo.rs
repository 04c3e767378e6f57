//! The bundled sample site: a fictional council's Local Offer, served over loopback HTTP.
//!
//! The files under `examples/sample-site/` are embedded in the binary, so the demo works
//! from any directory. Every response is prepared once when the server starts (the body
//! with the server's own base URL written into robots.txt and sitemap.xml, its content
//! type, `ETag` and `Last-Modified`), so answering a request is a map lookup. Requests are
//! matched against the embedded file names only and never touch the file system, so no
//! path can reach a file outside the site.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{NaiveDate, NaiveDateTime};
use percent_encoding::percent_decode_str;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

/// The sample site's files as served. The generator scripts, the README, the judged
/// queries and the redirect table live beside them but are not part of the site.
#[derive(RustEmbed)]
#[folder = "examples/sample-site/"]
#[exclude = "tools/*"]
#[exclude = "README.md"]
#[exclude = "judgments.toml"]
#[exclude = "redirects.txt"]
struct SiteFiles;

/// Old paths that answer 301, one `/old/path /new/path` pair a line.
const REDIRECTS: &str = include_str!("../examples/sample-site/redirects.txt");

/// Judged queries over the sample site, in the format of the evaluation judgment files.
pub const JUDGMENTS_TOML: &str = include_str!("../examples/sample-site/judgments.toml");

/// Written in robots.txt and sitemap.xml where the server's base URL belongs, because the
/// port is only known once the server has bound.
const BASE_URL_TOKEN: &str = "{{BASE_URL}}";
const FILES_WITH_BASE_URL: [&str; 2] = ["robots.txt", "sitemap.xml"];

/// `Last-Modified` of files that show no "Last reviewed" date (documents, robots.txt,
/// sitemap.xml, the stylesheet): the day the sample site was published. A file's own
/// modification time is not used because a fresh checkout changes it.
const SITE_PUBLISHED: NaiveDate =
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("1 December 2026 is a calendar date");

const LAST_REVIEWED_PREFIX: &str = "Last reviewed: ";
const HTTP_DATE_FORMAT: &str = "%a, %d %b %Y %H:%M:%S GMT";

/// Why the sample site could not be prepared or served.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot bind the sample site server to `{addr}`: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: io::Error,
    },
    #[error("cannot read the address the sample site server bound to: {0}")]
    LocalAddr(#[source] io::Error),
    #[error("invalid base URL `{base_url}` for the sample site: {reason}")]
    BaseUrl { base_url: String, reason: String },
    #[error("invalid line {line_number} of the sample site's `redirects.txt` (`{line}`): {reason}")]
    Redirect {
        line_number: usize,
        line: String,
        reason: &'static str,
    },
    #[error("sample site file `{path}` is not UTF-8, so the base URL cannot be written into it")]
    NotUtf8 { path: String },
    #[error("the sample site server stopped with an error: {0}")]
    Server(#[source] io::Error),
    #[error("the sample site server task did not finish cleanly: {0}")]
    Task(#[source] tokio::task::JoinError),
}

/// A running sample site server, from [`serve_sample_site`].
///
/// Dropping the handle stops the server too, without waiting for it; call
/// [`SampleSite::shutdown`] to wait until open connections have finished.
#[derive(Debug)]
pub struct SampleSite {
    addr: SocketAddr,
    base_url: Url,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl SampleSite {
    /// The address the server is listening on (the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's root, e.g. `http://127.0.0.1:40123/`: the start URL of a crawl.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Stops accepting connections, waits for open ones to finish and reports whether the
    /// server ran without error.
    pub async fn shutdown(mut self) -> Result<(), DemoError> {
        if let Some(stop) = self.stop.take() {
            // The server may already have stopped on its own; its result says why.
            let _ = stop.send(());
        }
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        let served = task.await.map_err(DemoError::Task)?;
        served.map_err(DemoError::Server)?;
        tracing::info!(base_url = %self.base_url, "sample site stopped");
        Ok(())
    }
}

impl Drop for SampleSite {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` (port 0 picks a free port) and serves the sample site there until the
/// returned handle is shut down or dropped.
///
/// Must be called inside a tokio runtime; the server runs as a task on it. Fails when the
/// address cannot be bound, or when the embedded site is inconsistent (a redirect to a
/// missing page), which the tests rule out for the shipped site.
pub async fn serve_sample_site(addr: SocketAddr) -> Result<SampleSite, DemoError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| DemoError::Bind { addr, source })?;
    let bound_addr = listener.local_addr().map_err(DemoError::LocalAddr)?;

    let base_url = base_url_for(bound_addr)?;
    let app = router(&base_url)?;

    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown_signal = async move {
        // A dropped sender means the handle is gone: stop as well.
        let _ = stopped.await;
    };
    let server = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal);
    let task = tokio::spawn(async move { server.await });

    tracing::info!(base_url = %base_url, "sample site serving");
    Ok(SampleSite {
        addr: bound_addr,
        base_url,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Builds the sample site's router, answering as if it were served at `base_url`. Used by
/// [`serve_sample_site`]; tests call it directly to send requests in-process.
pub fn router(base_url: &Url) -> Result<Router, DemoError> {
    let site = PreparedSite::load(base_url)?;
    let state = Arc::new(site);
    let app = Router::new()
        .route("/", get(serve_path))
        .route("/{*path}", get(serve_path))
        .with_state(state);
    Ok(app)
}

fn base_url_for(addr: SocketAddr) -> Result<Url, DemoError> {
    let text = format!("http://{addr}/");
    Url::parse(&text).map_err(|err| DemoError::BaseUrl {
        base_url: text.clone(),
        reason: err.to_string(),
    })
}

/// One file, ready to send.
#[derive(Debug)]
struct SiteFile {
    body: Bytes,
    content_type: &'static str,
    /// Quoted strong validator: a hash of `body`, so any edit changes it.
    etag: String,
    last_modified: NaiveDateTime,
}

/// Every file and redirect of the site, prepared for one base URL.
#[derive(Debug)]
struct PreparedSite {
    /// Keyed by path without the leading slash, e.g. `social-care/social-care.html`.
    files: HashMap<String, SiteFile>,
    /// Old path (with leading slash) → absolute new URL.
    redirects: HashMap<String, String>,
}

impl PreparedSite {
    fn load(base_url: &Url) -> Result<PreparedSite, DemoError> {
        // `http://127.0.0.1:PORT` without the slash: the token is followed by a path.
        let base = base_url.as_str().trim_end_matches('/');

        let mut files: HashMap<String, SiteFile> = HashMap::new();
        for name in SiteFiles::iter() {
            let Some(embedded) = SiteFiles::get(&name) else {
                continue;
            };
            let raw: Bytes = match embedded.data {
                Cow::Borrowed(bytes) => Bytes::from_static(bytes),
                Cow::Owned(bytes) => Bytes::from(bytes),
            };
            let file = prepare_file(&name, raw, base)?;
            files.insert(name.into_owned(), file);
        }

        let mut redirects: HashMap<String, String> = HashMap::new();
        for (old_path, new_path) in parse_redirects(REDIRECTS, &files)? {
            redirects.insert(old_path, format!("{base}{new_path}"));
        }

        tracing::debug!(
            num_files = files.len(),
            num_redirects = redirects.len(),
            "sample site prepared"
        );
        Ok(PreparedSite { files, redirects })
    }

    /// Decides the answer for one request path (without its query string).
    fn respond(&self, path: &str, conditions: &Conditions) -> Outcome<'_> {
        let Some(clean_path) = clean_request_path(path) else {
            return Outcome::NotFound;
        };
        if let Some(location) = self.redirects.get(&clean_path) {
            return Outcome::Redirect(location);
        }
        let Some(file) = lookup(&self.files, &clean_path) else {
            return Outcome::NotFound;
        };
        if conditions.not_modified(file) {
            return Outcome::NotModified(file);
        }
        Outcome::File(file)
    }
}

fn prepare_file(name: &str, raw: Bytes, base: &str) -> Result<SiteFile, DemoError> {
    let body: Bytes = if FILES_WITH_BASE_URL.contains(&name) {
        let text = std::str::from_utf8(&raw).map_err(|_| DemoError::NotUtf8 {
            path: name.to_string(),
        })?;
        Bytes::from(text.replace(BASE_URL_TOKEN, base))
    } else {
        raw
    };

    let content_type = content_type_for(name);
    let reviewed = if content_type.starts_with("text/html") {
        last_reviewed(&body)
    } else {
        None
    };
    let last_modified_date = reviewed.unwrap_or(SITE_PUBLISHED);
    let last_modified = last_modified_date.and_time(chrono::NaiveTime::MIN);

    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", hex(&digest[..16]));

    Ok(SiteFile {
        body,
        content_type,
        etag,
        last_modified,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The media type of a site file, from its extension.
fn content_type_for(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// The date in a page's `Last reviewed: DD/MM/YYYY` line, if it has one.
fn last_reviewed(html: &[u8]) -> Option<NaiveDate> {
    let text = std::str::from_utf8(html).ok()?;
    let start = text.find(LAST_REVIEWED_PREFIX)? + LAST_REVIEWED_PREFIX.len();
    let date_text = text.get(start..start + "DD/MM/YYYY".len())?;
    NaiveDate::parse_from_str(date_text, "%d/%m/%Y").ok()
}

/// Parses the redirect table; each target must be a page of the site.
fn parse_redirects(
    table: &str,
    files: &HashMap<String, SiteFile>,
) -> Result<Vec<(String, String)>, DemoError> {
    let mut redirects: Vec<(String, String)> = Vec::new();
    for (index, line) in table.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let invalid = |reason: &'static str| DemoError::Redirect {
            line_number: index + 1,
            line: line.to_string(),
            reason,
        };

        let fields: Vec<&str> = trimmed.split_whitespace().collect();
        let [old_path, new_path] = fields[..] else {
            return Err(invalid("expected two paths separated by a space"));
        };
        if !old_path.starts_with('/') || !new_path.starts_with('/') {
            return Err(invalid("both paths must start with `/`"));
        }
        let target_exists = clean_request_path(new_path)
            .and_then(|clean| lookup(files, &clean))
            .is_some();
        if !target_exists {
            return Err(invalid("the new path is not a file of the sample site"));
        }
        redirects.push((old_path.to_string(), new_path.to_string()));
    }
    Ok(redirects)
}

/// Percent-decodes a request path and checks it stays inside the site. Returns the path
/// with one leading slash, or `None` for anything that could climb out (`..`, `.`, empty
/// segments, backslashes, NUL) or is not UTF-8; those requests get a 404.
fn clean_request_path(path: &str) -> Option<String> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let rest = decoded.strip_prefix('/')?;
    if rest.contains('\\') || rest.contains('\0') {
        return None;
    }

    // A trailing slash leaves one empty last segment, which is allowed.
    let inner = rest.strip_suffix('/').unwrap_or(rest);
    if !inner.is_empty() {
        let unsafe_segment = inner
            .split('/')
            .any(|segment| segment.is_empty() || segment == "." || segment == "..");
        if unsafe_segment {
            return None;
        }
    }
    Some(format!("/{rest}"))
}

/// Finds the file for a cleaned path: the file itself, or a folder's `index.html` with or
/// without the trailing slash.
fn lookup<'a>(files: &'a HashMap<String, SiteFile>, clean_path: &str) -> Option<&'a SiteFile> {
    let key = clean_path.trim_start_matches('/');
    if key.is_empty() || key.ends_with('/') {
        return files.get(&format!("{key}index.html"));
    }
    files
        .get(key)
        .or_else(|| files.get(&format!("{key}/index.html")))
}

/// The conditional request headers that matter here.
#[derive(Debug, Default)]
struct Conditions {
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
}

impl Conditions {
    fn from_headers(headers: &HeaderMap) -> Conditions {
        let text = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        };
        Conditions {
            if_none_match: text(header::IF_NONE_MATCH),
            if_modified_since: text(header::IF_MODIFIED_SINCE),
        }
    }

    /// Whether the client's copy is current. `If-None-Match` wins when both are sent, as
    /// HTTP requires; an unreadable `If-Modified-Since` is ignored.
    fn not_modified(&self, file: &SiteFile) -> bool {
        if let Some(tags) = &self.if_none_match {
            return etag_matches(tags, &file.etag);
        }
        let Some(since_text) = &self.if_modified_since else {
            return false;
        };
        match NaiveDateTime::parse_from_str(since_text.trim(), HTTP_DATE_FORMAT) {
            Ok(since) => file.last_modified <= since,
            Err(_) => false,
        }
    }
}

/// Weak comparison of an `If-None-Match` list against our ETag (`W/` prefixes ignored).
fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// What the site answers to one request.
#[derive(Debug)]
enum Outcome<'a> {
    File(&'a SiteFile),
    NotModified(&'a SiteFile),
    Redirect(&'a str),
    NotFound,
}

async fn serve_path(
    State(site): State<Arc<PreparedSite>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let conditions = Conditions::from_headers(&headers);
    let outcome = site.respond(uri.path(), &conditions);
    let response = outcome_response(outcome);
    tracing::debug!(
        path = uri.path(),
        status = response.status().as_u16(),
        "sample site request"
    );
    response
}

fn outcome_response(outcome: Outcome<'_>) -> Response {
    match outcome {
        Outcome::File(file) => {
            let mut response = Body::from(file.body.clone()).into_response();
            add_validators(response.headers_mut(), file);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            );
            response
        }
        Outcome::NotModified(file) => {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            add_validators(response.headers_mut(), file);
            response
        }
        Outcome::Redirect(location) => {
            let mut response = (StatusCode::MOVED_PERMANENTLY, "Moved permanently").into_response();
            if let Ok(value) = HeaderValue::from_str(location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Outcome::NotFound => {
            let body = "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"UTF-8\">\
                <title>Page not found - Riverford Local Offer</title></head>\
                <body><h1>Page not found</h1><p>This page may have moved. Try the \
                <a href=\"/\">home page</a>.</p></body></html>\n";
            let mut response = (StatusCode::NOT_FOUND, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
    }
}

fn add_validators(headers: &mut HeaderMap, file: &SiteFile) {
    if let Ok(etag) = HeaderValue::from_str(&file.etag) {
        headers.insert(header::ETAG, etag);
    }
    let date_text = file.last_modified.format(HTTP_DATE_FORMAT).to_string();
    if let Ok(last_modified) = HeaderValue::from_str(&date_text) {
        headers.insert(header::LAST_MODIFIED, last_modified);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn site() -> Result<PreparedSite, Box<dyn std::error::Error>> {
        let base_url = Url::parse("http://127.0.0.1:4321/")?;
        Ok(PreparedSite::load(&base_url)?)
    }

    #[test]
    fn traversal_and_odd_paths_are_rejected() {
        for path in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/social-care/../../src/lib.rs",
            "/social-care/%2E%2E/index.html",
            "/./index.html",
            "//index.html",
            "/social-care//social-care.html",
            "/..%5csrc%5clib.rs",
            "/index.html%00",
            "/%ff",
            "no-leading-slash.html",
        ] {
            assert_eq!(clean_request_path(path), None, "{path}");
        }
    }

    #[test]
    fn ordinary_paths_are_kept() {
        assert_eq!(clean_request_path("/").as_deref(), Some("/"));
        assert_eq!(
            clean_request_path("/jargon-buster/").as_deref(),
            Some("/jargon-buster/")
        );
        assert_eq!(
            clean_request_path("/my%20file.pdf").as_deref(),
            Some("/my file.pdf")
        );
    }

    #[test]
    fn every_page_shows_a_last_reviewed_date() -> TestResult {
        let site = site()?;
        let pages: Vec<(&String, &SiteFile)> = site
            .files
            .iter()
            .filter(|(_, file)| file.content_type.starts_with("text/html"))
            .collect();
        assert!(pages.len() >= 19, "only {} pages", pages.len());
        for (name, file) in pages {
            assert!(last_reviewed(&file.body).is_some(), "{name} has no date");
        }
        Ok(())
    }

    #[test]
    fn last_modified_is_the_review_date_or_the_publication_date() -> TestResult {
        let site = site()?;
        let page = &site.files["social-care/direct-payments.html"];
        let reviewed = NaiveDate::from_ymd_opt(2025, 12, 8).ok_or("a valid date")?;
        assert_eq!(page.last_modified.date(), reviewed);

        let document = &site.files["documents/short-breaks-guide-for-families.docx"];
        assert_eq!(document.last_modified.date(), SITE_PUBLISHED);
        Ok(())
    }

    #[test]
    fn generator_and_notes_are_not_served() -> TestResult {
        let site = site()?;
        let conditions = Conditions::default();
        for path in [
            "/tools/make-pages.py",
            "/tools/make-documents.py",
            "/README.md",
            "/judgments.toml",
            "/redirects.txt",
        ] {
            let outcome = site.respond(path, &conditions);
            assert!(matches!(outcome, Outcome::NotFound), "{path}: {outcome:?}");
        }
        Ok(())
    }

    #[test]
    fn redirect_table_errors_name_the_line() -> TestResult {
        let files = site()?.files;
        let Err(err) = parse_redirects("# ok\n/old-only\n", &files) else {
            return Err("a one-path line was accepted".into());
        };
        assert_eq!(
            err.to_string(),
            "invalid line 2 of the sample site's `redirects.txt` (`/old-only`): \
             expected two paths separated by a space"
        );

        let Err(err) = parse_redirects("/old /missing.html\n", &files) else {
            return Err("a redirect to a missing page was accepted".into());
        };
        assert!(
            err.to_string().contains("not a file of the sample site"),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn if_none_match_accepts_lists_and_weak_tags() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
