//! Sitemaps: `<urlset>` and `<sitemapindex>` XML (gzipped or not) and plain-text lists.
//!
//! Gzip is recognised by its magic bytes, not by the `.gz` name or the content type,
//! because servers label compressed sitemaps every possible way. Decompression stops at a
//! cap so a small bomb cannot fill memory; the limits follow the sitemaps protocol
//! (50,000 URLs and 50 MB uncompressed per file).

use std::io::Read;

use chrono::NaiveDate;
use flate2::read::GzDecoder;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use url::Url;

use crate::extract::text::xml_reference_text;

/// The protocol's limit on one sitemap file, uncompressed.
pub const MAX_SITEMAP_BYTES: u64 = 50 * 1024 * 1024;

/// The protocol's limit on entries in one sitemap file.
pub const MAX_SITEMAP_ENTRIES: usize = 50_000;

/// One `<url>` of a sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub url: Url,
    /// `<lastmod>`, as a date (the time of day, when given, is dropped).
    pub lastmod: Option<NaiveDate>,
}

/// What one sitemap file lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sitemap {
    /// Pages (`<urlset>`, or the lines of a text sitemap).
    pub entries: Vec<SitemapEntry>,
    /// Further sitemaps (`<sitemapindex>`).
    pub sitemaps: Vec<Url>,
}

/// A sitemap that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SitemapError {
    #[error("cannot decompress sitemap `{url}`: {source}")]
    Gzip {
        url: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read sitemap `{url}`: larger than {limit_bytes} bytes uncompressed")]
    TooLarge { url: String, limit_bytes: u64 },
    #[error("cannot parse sitemap `{url}`: {reason}")]
    Xml { url: String, reason: String },
}

/// Parses one sitemap file fetched from `url` (relative `<loc>`s resolve against it).
///
/// Entries beyond [`MAX_SITEMAP_ENTRIES`] and `<loc>`s that are not absolute http(s) URLs
/// are skipped. `limit_bytes` caps the decompressed size.
pub fn parse_sitemap(url: &Url, body: &[u8], limit_bytes: u64) -> Result<Sitemap, SitemapError> {
    let data = decompress(url, body, limit_bytes)?;
    let text = String::from_utf8_lossy(&data);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        parse_xml(url, trimmed)
    } else {
        Ok(parse_text(trimmed))
    }
}

fn decompress(url: &Url, body: &[u8], limit_bytes: u64) -> Result<Vec<u8>, SitemapError> {
    const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
    if !body.starts_with(GZIP_MAGIC) {
        if body.len() as u64 > limit_bytes {
            return Err(too_large(url, limit_bytes));
        }
        return Ok(body.to_vec());
    }
    let mut data: Vec<u8> = Vec::new();
    // One byte past the cap tells "at the cap" from "over it".
    GzDecoder::new(body)
        .take(limit_bytes + 1)
        .read_to_end(&mut data)
        .map_err(|source| SitemapError::Gzip {
            url: url.to_string(),
            source,
        })?;
    if data.len() as u64 > limit_bytes {
        return Err(too_large(url, limit_bytes));
    }
    Ok(data)
}

fn too_large(url: &Url, limit_bytes: u64) -> SitemapError {
    SitemapError::TooLarge {
        url: url.to_string(),
        limit_bytes,
    }
}

/// A text sitemap is one absolute URL per line; anything else on a line is skipped.
fn parse_text(text: &str) -> Sitemap {
    let entries = text
        .lines()
        .filter_map(|line| Url::parse(line.trim()).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .take(MAX_SITEMAP_ENTRIES)
        .map(|url| SitemapEntry { url, lastmod: None })
        .collect();
    Sitemap {
        entries,
        sitemaps: Vec::new(),
    }
}

/// Which element's text is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Loc,
    Lastmod,
}

fn parse_xml(url: &Url, text: &str) -> Result<Sitemap, SitemapError> {
    let mut reader = Reader::from_str(text);
    let mut sitemap = Sitemap::default();
    let mut field = Field::None;
    let mut loc = String::new();
    let mut lastmod = String::new();

    loop {
        let event = reader.read_event().map_err(|err| SitemapError::Xml {
            url: url.to_string(),
            reason: err.to_string(),
        })?;
        match event {
            Event::Start(start) => match start.local_name().into_inner() {
                "url" | "sitemap" => {
                    loc.clear();
                    lastmod.clear();
                }
                "loc" => field = Field::Loc,
                "lastmod" => field = Field::Lastmod,
                _ => field = Field::None,
            },
            Event::Text(content) => {
                push_field(field, &content.xml10_content(), &mut loc, &mut lastmod)
            }
            Event::CData(content) => {
                push_field(field, &content.xml10_content(), &mut loc, &mut lastmod)
            }
            Event::GeneralRef(reference) => {
                if let Some(resolved) = xml_reference_text(&reference) {
                    push_field(field, &resolved, &mut loc, &mut lastmod);
                }
            }
            Event::End(end) => {
                field = Field::None;
                let name = end.local_name().into_inner();
                let full = sitemap.entries.len() + sitemap.sitemaps.len() >= MAX_SITEMAP_ENTRIES;
                if full || !matches!(name, "url" | "sitemap") {
                    continue;
                }
                let Some(target) = absolute(url, loc.trim()) else {
                    continue;
                };
                if name == "url" {
                    sitemap.entries.push(SitemapEntry {
                        url: target,
                        lastmod: parse_lastmod(lastmod.trim()),
                    });
                } else {
                    sitemap.sitemaps.push(target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sitemap)
}

fn push_field(field: Field, text: &str, loc: &mut String, lastmod: &mut String) {
    match field {
        Field::Loc => loc.push_str(text),
        Field::Lastmod => lastmod.push_str(text),
        Field::None => {}
    }
}

/// A W3C datetime as the protocol allows it: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a full
/// date and time (whose time is dropped).
fn parse_lastmod(text: &str) -> Option<NaiveDate> {
    let date_part = text.get(..10).unwrap_or(text);
    let mut parts = date_part.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next().map_or(Some(1), |month| month.parse().ok())?;
    let day: u32 = parts.next().map_or(Some(1), |day| day.parse().ok())?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn absolute(base: &Url, text: &str) -> Option<Url> {
    if text.is_empty() {
        return None;
    }
    let url = base.join(text).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn base() -> Url {
        Url::parse("http://example.test/sitemap.xml").expect("test URL parses")
    }

    const URLSET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://example.test/</loc><lastmod>2026-12-01</lastmod></url>
  <url><loc> http://example.test/a?x=1&amp;y=2 </loc><lastmod>2025-06-02T10:00:00+00:00</lastmod></url>
  <url><loc>/relative.aspx</loc></url>
  <url><loc>ftp://example.test/file</loc></url>
</urlset>"#;

    fn gzip(data: &[u8]) -> Result<Vec<u8>, std::io::Error> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data)?;
        encoder.finish()
    }

    #[test]
    fn urlset_with_lastmod() -> TestResult {
        let sitemap = parse_sitemap(&base(), URLSET.as_bytes(), MAX_SITEMAP_BYTES)?;
        let found: Vec<(&str, Option<NaiveDate>)> = sitemap
            .entries
            .iter()
            .map(|entry| (entry.url.as_str(), entry.lastmod))
            .collect();
        assert_eq!(
            found,
            vec![
                ("http://example.test/", NaiveDate::from_ymd_opt(2026, 12, 1)),
                (
                    "http://example.test/a?x=1&y=2",
                    NaiveDate::from_ymd_opt(2025, 6, 2)
                ),
                ("http://example.test/relative.aspx", None),
            ]
        );
        assert!(sitemap.sitemaps.is_empty());
        Ok(())
    }

    #[test]
    fn index_lists_sitemaps() -> TestResult {
        let index = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>http://example.test/pages.xml.gz</loc><lastmod>2026-01-01</lastmod></sitemap>
            <sitemap><loc>http://example.test/docs.xml</loc></sitemap></sitemapindex>"#;
        let sitemap = parse_sitemap(&base(), index.as_bytes(), MAX_SITEMAP_BYTES)?;
        let found: Vec<&str> = sitemap.sitemaps.iter().map(Url::as_str).collect();
        assert_eq!(
            found,
            vec![
                "http://example.test/pages.xml.gz",
                "http://example.test/docs.xml"
            ]
        );
        assert!(sitemap.entries.is_empty());
        Ok(())
    }

    #[test]
    fn gzip_found_by_magic_bytes() -> TestResult {
        let compressed = gzip(URLSET.as_bytes())?;
        // Named .xml, not .gz: the bytes decide.
        let sitemap = parse_sitemap(&base(), &compressed, MAX_SITEMAP_BYTES)?;
        assert_eq!(sitemap.entries.len(), 3);
        Ok(())
    }

    #[test]
    fn gzip_bomb_stops_at_the_cap() -> TestResult {
        let compressed = gzip(&vec![b' '; 4 * 1024 * 1024])?;
        let err = parse_sitemap(&base(), &compressed, 1024 * 1024).unwrap_err();
        assert!(matches!(err, SitemapError::TooLarge { .. }), "{err}");
        assert!(
            err.to_string().contains("http://example.test/sitemap.xml"),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn text_sitemap() -> TestResult {
        let body = "http://example.test/one\n\nhttp://example.test/two\r\nnot a url at all\n";
        let sitemap = parse_sitemap(&base(), body.as_bytes(), MAX_SITEMAP_BYTES)?;
        let found: Vec<&str> = sitemap
            .entries
            .iter()
            .map(|entry| entry.url.as_str())
            .collect();
        assert_eq!(
            found,
            vec!["http://example.test/one", "http://example.test/two"]
        );
        Ok(())
    }

    #[test]
    fn lastmod_forms() {
        let day = NaiveDate::from_ymd_opt;
        assert_eq!(parse_lastmod("2025-06-02"), day(2025, 6, 2));
        assert_eq!(parse_lastmod("2025-06-02T10:00:00+01:00"), day(2025, 6, 2));
        assert_eq!(parse_lastmod("2025-06"), day(2025, 6, 1));
        assert_eq!(parse_lastmod("2025"), day(2025, 1, 1));
        assert_eq!(parse_lastmod("June 2025"), None);
        assert_eq!(parse_lastmod(""), None);
    }

    #[test]
    fn broken_xml_is_an_error() {
        let err =
            parse_sitemap(&base(), b"<urlset><url><loc>x</url>", MAX_SITEMAP_BYTES).unwrap_err();
        assert!(matches!(err, SitemapError::Xml { .. }), "{err}");
    }
}
