//! Serving a generated site on loopback, and writing it to a folder.
//!
//! The server generates each response from its path when asked (a page takes well under a
//! millisecond), so serving 100,000 pages holds nothing but the layout. Responses carry an
//! `ETag` and `Last-Modified` and answer conditional requests with `304`, as a council's web
//! server does, so recrawls can be measured against it.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::records::{DOCX_CONTENT_TYPE, HTML_CONTENT_TYPE};
use super::{DocumentFormat, Site, Target};

const STYLESHEET: &str = "body{font-family:sans-serif;max-width:50em;margin:auto}\n";

/// A generated site being served, from [`serve_site`]. Dropping it stops the server.
#[derive(Debug)]
pub struct ServedSite {
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl ServedSite {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for ServedSite {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

struct Served {
    site: Arc<Site>,
    base_url: String,
}

/// Binds `addr` (port 0 picks a free one) and serves `site` there until the handle is shut
/// down or dropped. Must be called inside a tokio runtime.
pub async fn serve_site(site: Arc<Site>, addr: SocketAddr) -> io::Result<ServedSite> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let base_url = format!("http://{bound}");
    let state = Arc::new(Served {
        site,
        base_url: base_url.clone(),
    });
    let app = Router::new().fallback(respond).with_state(state);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stopped.await;
    });
    let task = tokio::spawn(async move { server.await });
    tracing::info!(base_url = %base_url, "generated site serving");
    Ok(ServedSite {
        base_url,
        stop: Some(stop),
        task: Some(task),
    })
}

async fn respond(State(served): State<Arc<Served>>, uri: Uri, headers: HeaderMap) -> Response {
    let site = &served.site;
    let path = uri.path();
    if path == "/robots.txt" {
        return text(
            site.robots_txt(&served.base_url),
            "text/plain; charset=utf-8",
        );
    }
    if path == "/sitemap.xml" {
        return text(site.sitemap_index(&served.base_url), "application/xml");
    }
    if let Some(part) = sitemap_part_number(path) {
        return match site.sitemap_part(&served.base_url, part) {
            Some(xml) => text(xml, "application/xml"),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    if path == "/assets/site.css" {
        return text(STYLESHEET.to_string(), "text/css");
    }
    let Some(target) = site.lookup(path) else {
        return StatusCode::NOT_FOUND.into_response();
    };

    let etag = etag_of(site, target);
    let presented = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok());
    let (reviewed, content_type) = match target {
        Target::Page(index) => (site.pages[index].last_reviewed, HTML_CONTENT_TYPE),
        Target::Document(index) => {
            let document = &site.documents[index];
            let content_type = match document.format {
                DocumentFormat::Pdf => "application/pdf",
                DocumentFormat::Docx => DOCX_CONTENT_TYPE,
            };
            (site.pages[document.parent].last_reviewed, content_type)
        }
    };
    let last_modified = reviewed
        .and_hms_opt(9, 0, 0)
        .map(|time| time.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default();
    let mut response = if presented == Some(etag.as_str()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = match target {
            Target::Page(index) => site.page_html(index).into_bytes(),
            Target::Document(index) => site.document_bytes(index),
        };
        let mut response = Response::new(Body::from(body));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&last_modified) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    response
}

fn text(body: String, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn sitemap_part_number(path: &str) -> Option<usize> {
    path.strip_prefix("/sitemap-")?
        .strip_suffix(".xml")?
        .parse()
        .ok()
}

/// A strong validator that changes whenever the generated bytes could: the seed, the size
/// of the site and the item.
fn etag_of(site: &Site, target: Target) -> String {
    let (kind, index) = match target {
        Target::Page(index) => ("p", index),
        Target::Document(index) => ("d", index),
    };
    format!("\"{:x}-{}-{kind}{index}\"", site.spec.seed, site.spec.pages)
}

/// Writes every page, document, `robots.txt` and sitemap of `site` under `folder`, as a
/// static web server would serve them from `base_url` (no trailing slash). The home page
/// is `index.html`. Returns the number of files written.
pub fn write_site(site: &Site, folder: &Path, base_url: &str) -> io::Result<usize> {
    let mut written = 0;
    let mut put = |relative: &str, bytes: &[u8]| -> io::Result<()> {
        let relative = relative.trim_start_matches('/');
        let relative = if relative.is_empty() {
            "index.html"
        } else {
            relative
        };
        let path = folder.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
        written += 1;
        Ok(())
    };
    for (index, page) in site.pages.iter().enumerate() {
        put(&page.path, site.page_html(index).as_bytes())?;
    }
    for (index, document) in site.documents.iter().enumerate() {
        put(&document.path, &site.document_bytes(index))?;
    }
    put("robots.txt", site.robots_txt(base_url).as_bytes())?;
    put("sitemap.xml", site.sitemap_index(base_url).as_bytes())?;
    for part in 0..site.sitemap_parts() {
        if let Some(xml) = site.sitemap_part(base_url, part) {
            put(&format!("sitemap-{part}.xml"), xml.as_bytes())?;
        }
    }
    put("assets/site.css", STYLESHEET.as_bytes())?;
    Ok(written)
}
