//! Records of a generated site, made the way a crawl makes them but without the network:
//! each page's HTML goes through the crawler's own extractor, links are keyed with the same
//! URL normalisation, and documents go through the same PDF and DOCX extraction (in this
//! process: the generated files are trusted).

use std::ops::Range;

use url::Url;

use super::{DocumentFormat, Site};
use crate::config::SiteConfig;
use crate::crawl::urlnorm;
use crate::extract::document::{DocumentError, DocumentKind, extract_document};
use crate::extract::text::{detect_language, find_review_date};
use crate::extract::{ExtractError, HtmlExtractor, content_hash};
use crate::record::{Kind, PageRecord};

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot make a URL of `{path}` under `{base_url}`: {source}")]
    Url {
        base_url: String,
        path: String,
        #[source]
        source: url::ParseError,
    },
    #[error("cannot extract generated page `{url}`: {source}")]
    Page {
        url: String,
        #[source]
        source: ExtractError,
    },
    #[error("cannot extract generated document `{url}`: {source}")]
    Document {
        url: String,
        #[source]
        source: DocumentError,
    },
    #[error("an extraction thread panicked")]
    Thread,
    #[error(transparent)]
    Publish(#[from] crate::publish::PublishError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";
pub const DOCX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Every page and document of `site` as records, pages first, as if crawled from
/// `base_url`. Extraction is spread over `threads` threads (at least one); the output
/// order does not depend on it.
pub fn site_records(
    site: &Site,
    base_url: &Url,
    config: &SiteConfig,
    threads: usize,
) -> Result<Vec<PageRecord>, CorpusError> {
    let extractor = HtmlExtractor::new(&config.extract).map_err(|source| CorpusError::Page {
        url: base_url.to_string(),
        source,
    })?;
    let params = &config.crawl.drop_query_params;
    let pages = in_parallel(site.pages.len(), threads, |range| {
        range
            .map(|index| page_record(site, index, base_url, &extractor, params))
            .collect()
    })?;
    let documents = in_parallel(site.documents.len(), threads, |range| {
        range
            .map(|index| document_record(site, index, base_url))
            .collect()
    })?;
    Ok(pages.into_iter().chain(documents).collect())
}

/// Bumped whenever generated text changes, so that indexes built by an older generator are
/// rebuilt rather than reused.
pub const GENERATOR_VERSION: u32 = 1;

/// The base URL records claim to come from when none is given.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8000/";

/// The generation in `data_dir` holding the site `spec` describes: reused when a previous
/// run built it with the same page count, seed and generator version, else extracted and
/// published now (minutes for 100,000 pages on two cores).
pub fn ensure_index(
    data_dir: &std::path::Path,
    spec: super::SiteSpec,
    config: &crate::config::Config,
) -> Result<crate::store::Generation, CorpusError> {
    let data = crate::store::DataDir::new(data_dir);
    if let Some(generation) = reusable(data_dir, spec) {
        return Ok(generation);
    }
    let base = Url::parse(DEFAULT_BASE_URL).map_err(|source| CorpusError::Url {
        base_url: DEFAULT_BASE_URL.to_string(),
        path: String::new(),
        source,
    })?;
    let site = Site::new(spec);
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get());
    let records = site_records(&site, &base, &config.site, threads)?;
    let lock = data.lock()?;
    let generation = crate::publish::publish_records(&data, &lock, config, records, None, true)?;
    mark(data_dir, spec)?;
    Ok(generation)
}

const MARKER_FILE: &str = "corpus.txt";

fn marker_text(spec: super::SiteSpec) -> String {
    format!(
        "pages={} seed={} generator={GENERATOR_VERSION}\n",
        spec.pages, spec.seed
    )
}

/// The current generation of `data_dir` when [`mark`] says it holds the site `spec`.
pub fn reusable(
    data_dir: &std::path::Path,
    spec: super::SiteSpec,
) -> Option<crate::store::Generation> {
    let existing = std::fs::read_to_string(data_dir.join(MARKER_FILE)).ok()?;
    if existing != marker_text(spec) {
        return None;
    }
    crate::store::DataDir::new(data_dir).current().ok()
}

/// Records that the current generation of `data_dir` holds the site `spec`.
pub fn mark(data_dir: &std::path::Path, spec: super::SiteSpec) -> Result<(), CorpusError> {
    let path = data_dir.join(MARKER_FILE);
    std::fs::write(&path, marker_text(spec)).map_err(|source| CorpusError::Io { path, source })
}

/// Runs `work` over `0..count` split into `threads` contiguous ranges, keeping order.
fn in_parallel<T: Send>(
    count: usize,
    threads: usize,
    work: impl Fn(Range<usize>) -> Vec<Result<T, CorpusError>> + Sync,
) -> Result<Vec<T>, CorpusError> {
    let threads = threads.max(1);
    let chunk = count.div_ceil(threads).max(1);
    let chunks: Vec<Vec<Result<T, CorpusError>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..count)
            .step_by(chunk)
            .map(|start| {
                let work = &work;
                scope.spawn(move || work(start..(start + chunk).min(count)))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().map_err(|_| CorpusError::Thread))
            .collect::<Result<Vec<_>, CorpusError>>()
    })?;
    chunks.into_iter().flatten().collect()
}

fn url_of(base_url: &Url, path: &str) -> Result<Url, CorpusError> {
    base_url.join(path).map_err(|source| CorpusError::Url {
        base_url: base_url.to_string(),
        path: path.to_string(),
        source,
    })
}

/// One page through the crawler's extraction, with links keyed as the crawler keys them.
pub fn page_record(
    site: &Site,
    index: usize,
    base_url: &Url,
    extractor: &HtmlExtractor,
    params: &[String],
) -> Result<PageRecord, CorpusError> {
    let url = url_of(base_url, &site.pages[index].path)?;
    let html = site.page_html(index);
    let extracted = extractor
        .extract(&url, html.as_bytes(), Some(HTML_CONTENT_TYPE))
        .map_err(|source| CorpusError::Page {
            url: url.to_string(),
            source,
        })?;
    let mut record = extracted.record;
    for (link, target) in record.links.iter_mut().zip(&extracted.link_targets) {
        link.url = urlnorm::normalize(target, params).to_string();
    }
    for crumb in &mut record.breadcrumbs {
        crumb.url = crumb
            .url
            .as_deref()
            .and_then(|text| Url::parse(text).ok())
            .map(|target| urlnorm::normalize(&target, params).to_string());
    }
    record.url = urlnorm::normalize(&url, params).to_string();
    Ok(record)
}

/// One document through the crawler's document extraction.
pub fn document_record(
    site: &Site,
    index: usize,
    base_url: &Url,
) -> Result<PageRecord, CorpusError> {
    let info = &site.documents[index];
    let url = url_of(base_url, &info.path)?;
    let bytes = site.document_bytes(index);
    let (kind, content_type) = match info.format {
        DocumentFormat::Pdf => (DocumentKind::Pdf, "application/pdf"),
        DocumentFormat::Docx => (DocumentKind::Docx, DOCX_CONTENT_TYPE),
    };
    let extracted = extract_document(kind, &bytes).map_err(|source| CorpusError::Document {
        url: url.to_string(),
        source,
    })?;
    Ok(PageRecord {
        url: urlnorm::normalize(&url, &[]).to_string(),
        kind: Kind::Document,
        title: extracted.title,
        description: String::new(),
        keywords: String::new(),
        headings: Vec::new(),
        language: detect_language(&extracted.text),
        last_reviewed: find_review_date(&extracted.text),
        body: extracted.text,
        breadcrumbs: Vec::new(),
        links: Vec::new(),
        content_type: content_type.to_string(),
        size_bytes: bytes.len() as u64,
        content_hash: content_hash(&bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{DEFAULT_SEED, SiteSpec};
    use crate::record::LinkPlace;

    #[test]
    fn records_look_crawled() -> Result<(), Box<dyn std::error::Error>> {
        let site = Site::new(SiteSpec::new(200, DEFAULT_SEED));
        let base = Url::parse("http://127.0.0.1:9/")?;
        let config = crate::config::Config::defaults();
        let records = site_records(&site, &base, &config.site, 2)?;
        assert_eq!(records.len(), site.pages.len() + site.documents.len());
        let leaf = &records[100];
        assert!(leaf.body.split_whitespace().count() >= 250, "{}", leaf.body);
        assert!(leaf.links.iter().any(|link| link.place == LinkPlace::Main));
        assert!(leaf.links.iter().any(|link| link.place == LinkPlace::Nav));
        assert!(!leaf.breadcrumbs.is_empty());
        assert!(leaf.last_reviewed.is_some());
        let document = &records[site.pages.len()];
        assert_eq!(document.kind, Kind::Document);
        assert!(!document.body.is_empty());
        Ok(())
    }
}
