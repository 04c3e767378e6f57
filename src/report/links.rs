//! The links report: broken internal and external links, by the page that carries them and
//! that page's owner.
//!
//! Which links are broken is not decided here: a link checker records each link target's
//! outcome and hands it over through [`LinkChecks`]. The pages, their links (with the text
//! and the part of the page each sits in) and the owners come from the index and the review
//! tracker. A server without a link checker uses [`NoLinkChecks`], and the report says
//! that no checks are available rather than that nothing is broken.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::tracker::{Tracker, page_key};
use super::{CsvRow, ReportError, cell};
use crate::record::{IndexRecord, LinkPlace};

/// A link target that the last check found broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The target as the crawler normalises link URLs (see `crawl::urlnorm`), so that it
    /// equals the `url` of the [`crate::record::Link`]s pointing at it.
    pub url: String,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// What went wrong when there was no answer (`connection refused`, `timeout`, ...).
    pub error: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    /// The pages that carry the link, with the link's text on each (empty when unknown),
    /// when the source knows them. The index keeps no links in its stored records, so the
    /// crawl state says where each one is.
    pub carried_by: Vec<(String, String)>,
}

/// Where broken links come from.
pub trait LinkChecks: Send + Sync {
    /// `Err` with a reason when no checks can be read: no checker configured, or none run.
    fn broken_links(&self) -> Result<Vec<BrokenLink>, String>;
}

/// Broken links as the crawler records them in the data folder's crawl state: internal
/// links that answered 4xx in the last crawl, and external links the link checker found
/// broken.
pub struct CrawlStateLinks {
    data: crate::store::DataDir,
}

impl CrawlStateLinks {
    pub fn new(data: crate::store::DataDir) -> CrawlStateLinks {
        CrawlStateLinks { data }
    }
}

impl LinkChecks for CrawlStateLinks {
    fn broken_links(&self) -> Result<Vec<BrokenLink>, String> {
        let path = self.data.root().join(crate::state::STATE_FILE);
        if !path.exists() {
            return Err("no crawl has recorded links in this data folder yet".to_string());
        }
        let state = crate::state::CrawlState::open(&self.data).map_err(|err| err.to_string())?;
        let report = state.broken_links().map_err(|err| err.to_string())?;
        let mut carriers: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (page, entries) in &report.pages {
            for entry in entries {
                carriers
                    .entry(entry.url.clone())
                    .or_default()
                    .push((page.clone(), entry.text.clone()));
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut links = Vec::new();
        for entries in report.pages.values() {
            for entry in entries {
                if !seen.insert(entry.url.clone()) {
                    continue;
                }
                let status = entry
                    .reason
                    .strip_prefix("http-")
                    .and_then(|code| code.parse::<u16>().ok());
                let error = status.is_none().then(|| entry.reason.clone());
                let checked_at = match entry.scope.as_str() {
                    "external" => report.external_checked_at,
                    _ => None,
                };
                links.push(BrokenLink {
                    url: entry.url.clone(),
                    status,
                    error,
                    checked_at,
                    carried_by: carriers.remove(&entry.url).unwrap_or_default(),
                });
            }
        }
        Ok(links)
    }
}

/// For a server that has no link checker.
pub struct NoLinkChecks;

impl LinkChecks for NoLinkChecks {
    fn broken_links(&self) -> Result<Vec<BrokenLink>, String> {
        Err("no link checker is configured for this data folder".to_string())
    }
}

/// Fixed results, for tests and for callers that checked links themselves.
pub struct StaticLinkChecks(pub Vec<BrokenLink>);

impl LinkChecks for StaticLinkChecks {
    fn broken_links(&self) -> Result<Vec<BrokenLink>, String> {
        Ok(self.0.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkRow {
    pub page_path: String,
    pub page_title: String,
    pub owner: Option<String>,
    pub link_url: String,
    pub link_text: String,
    /// `main`, `nav` or `chrome`: a broken link in the navigation is on every page.
    pub place: &'static str,
    /// `internal` (same host as the page) or `external`.
    pub scope: &'static str,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

impl CsvRow for LinkRow {
    const COLUMNS: &'static [&'static str] = &[
        "page_path",
        "page_title",
        "owner",
        "link_url",
        "link_text",
        "place",
        "scope",
        "status",
        "error",
        "checked_at",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.page_path.clone(),
            self.page_title.clone(),
            cell(&self.owner),
            self.link_url.clone(),
            self.link_text.clone(),
            self.place.to_string(),
            self.scope.to_string(),
            cell(&self.status),
            cell(&self.error),
            cell(&self.checked_at.map(|time| time.to_rfc3339())),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinksReport {
    /// Whether link checks could be read; when not, `reason` says why and `rows` is empty.
    pub available: bool,
    pub reason: Option<String>,
    pub summary: String,
    /// Distinct broken targets linked from indexed pages.
    pub broken_targets: usize,
    pub internal: usize,
    pub external: usize,
    pub pages_affected: usize,
    /// Broken links per owner; pages without one count under "(no owner)".
    pub by_owner: BTreeMap<String, usize>,
    /// One row per page and broken link, by page path.
    pub rows: Vec<LinkRow>,
}

fn place_name(place: LinkPlace) -> &'static str {
    match place {
        LinkPlace::Main => "main",
        LinkPlace::Nav => "nav",
        LinkPlace::Chrome => "chrome",
    }
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(|host| host.to_lowercase()))
}

/// Builds the report. Fails only when reading the tracker did; missing checks are reported
/// inside the report.
pub fn links_report(
    records: &[IndexRecord],
    tracker: Option<&Tracker>,
    checks: &dyn LinkChecks,
) -> Result<LinksReport, ReportError> {
    let broken = match checks.broken_links() {
        Ok(broken) => broken,
        Err(reason) => {
            return Ok(LinksReport {
                available: false,
                summary: format!("link checks are not available: {reason}"),
                reason: Some(reason),
                broken_targets: 0,
                internal: 0,
                external: 0,
                pages_affected: 0,
                by_owner: BTreeMap::new(),
                rows: Vec::new(),
            });
        }
    };
    let broken: HashMap<&str, &BrokenLink> = broken
        .iter()
        .map(|link| (link.url.as_str(), link))
        .collect();
    let owners: HashMap<String, &str> = tracker
        .map(|tracker| {
            tracker
                .rows
                .iter()
                .filter_map(|row| Some((page_key(&row.page_url), row.owner.as_deref()?)))
                .collect()
        })
        .unwrap_or_default();

    let mut rows = Vec::new();
    for record in records {
        let page_host = host_of(&record.page.url);
        let owner = owners
            .get(&page_key(&record.facts.path))
            .map(|owner| owner.to_string());
        let mut seen: HashSet<&str> = HashSet::new();
        let mut push = |url: &str, text: &str, place: &'static str, check: &BrokenLink| {
            let internal = page_host.is_some() && host_of(url) == page_host;
            rows.push(LinkRow {
                page_path: record.facts.path.clone(),
                page_title: record.facts.title.clone(),
                owner: owner.clone(),
                link_url: url.to_string(),
                link_text: text.to_string(),
                place,
                scope: if internal { "internal" } else { "external" },
                status: check.status,
                error: check.error.clone(),
                checked_at: check.checked_at,
            });
        };
        for link in &record.page.links {
            let Some(check) = broken.get(link.url.as_str()) else {
                continue;
            };
            if seen.insert(link.url.as_str()) {
                push(&link.url, &link.text, place_name(link.place), check);
            }
        }
        // Links the record no longer holds, but the crawl says this page carries. In URL
        // order, so that the report reads the same every time.
        let mut carried: Vec<&&BrokenLink> = broken.values().collect();
        carried.sort_by_key(|check| check.url.as_str());
        for check in carried {
            let carrier = check
                .carried_by
                .iter()
                .find(|(page, _)| *page == record.page.url);
            if let Some((_, text)) = carrier
                && seen.insert(check.url.as_str())
            {
                push(&check.url, text, "main", check);
            }
        }
    }
    rows.sort_by(|a, b| {
        a.page_path
            .cmp(&b.page_path)
            .then(a.link_url.cmp(&b.link_url))
    });

    let targets: HashSet<&str> = rows.iter().map(|row| row.link_url.as_str()).collect();
    let internal_targets: HashSet<&str> = rows
        .iter()
        .filter(|row| row.scope == "internal")
        .map(|row| row.link_url.as_str())
        .collect();
    let pages: HashSet<&str> = rows.iter().map(|row| row.page_path.as_str()).collect();
    let mut by_owner: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        let owner = row
            .owner
            .clone()
            .unwrap_or_else(|| "(no owner)".to_string());
        *by_owner.entry(owner).or_default() += 1;
    }
    Ok(LinksReport {
        available: true,
        reason: None,
        summary: format!(
            "{} broken link(s) to {} target(s) on {} page(s)",
            rows.len(),
            targets.len(),
            pages.len()
        ),
        broken_targets: targets.len(),
        internal: internal_targets.len(),
        external: targets.len() - internal_targets.len(),
        pages_affected: pages.len(),
        by_owner,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Link;

    fn page(path: &str, links: &[(&str, LinkPlace)]) -> IndexRecord {
        let mut record = crate::report::test_page(path);
        record.page.links = links
            .iter()
            .map(|(url, place)| Link {
                url: url.to_string(),
                text: format!("to {url}"),
                place: *place,
            })
            .collect();
        record
    }

    #[test]
    fn broken_links_are_listed_by_page_and_owner() -> Result<(), ReportError> {
        let records = [
            page(
                "/a",
                &[
                    ("http://site/missing", LinkPlace::Main),
                    ("http://site/missing", LinkPlace::Main),
                    ("http://site/b", LinkPlace::Main),
                    ("http://127.0.0.1:9/x", LinkPlace::Chrome),
                ],
            ),
            page("/b", &[("http://127.0.0.1:9/x", LinkPlace::Main)]),
        ];
        let checks = StaticLinkChecks(vec![
            BrokenLink {
                url: "http://site/missing".into(),
                status: Some(404),
                error: None,
                checked_at: None,
                carried_by: Vec::new(),
            },
            BrokenLink {
                url: "http://127.0.0.1:9/x".into(),
                status: None,
                error: Some("connection refused".into()),
                checked_at: None,
                carried_by: Vec::new(),
            },
        ]);
        let tracker = Tracker {
            imported_at: DateTime::UNIX_EPOCH,
            source: "t.csv".into(),
            rows: vec![super::super::tracker::TrackerRow {
                line: 2,
                page_url: "/a".into(),
                page_name: "A".into(),
                owner: Some("Officer".into()),
                strategic_lead: None,
                last_review: None,
                notes: String::new(),
            }],
        };
        let report = links_report(&records, Some(&tracker), &checks)?;
        assert!(report.available);
        assert_eq!(report.rows.len(), 3);
        assert_eq!((report.internal, report.external), (1, 1));
        assert_eq!(report.pages_affected, 2);
        assert_eq!(report.by_owner["Officer"], 2);
        assert_eq!(report.by_owner["(no owner)"], 1);
        assert_eq!(report.rows[0].place, "chrome");
        assert_eq!(report.rows[1].status, Some(404));
        Ok(())
    }

    #[test]
    fn without_checks_the_report_says_so() -> Result<(), ReportError> {
        let report = links_report(&[page("/a", &[])], None, &NoLinkChecks)?;
        assert!(!report.available);
        assert!(
            report.summary.contains("not available"),
            "{}",
            report.summary
        );
        Ok(())
    }
}
