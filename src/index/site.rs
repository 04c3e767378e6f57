//! Site-level facts: what a record is, decided by looking at the whole crawled site.
//!
//! Extraction sees one response at a time; some facts need all of them. This module decides,
//! from the records of one crawl: the site-wide title suffix to strip, which pages are landing
//! pages (the home page, the routes in the main navigation, topic pages whose file name repeats
//! their folder, and hub pages that link to many pages below them), the section (route) each
//! record belongs to, and each document's parent page.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;

use rayon::prelude::*;
use url::Url;

use crate::config::ClassifyConfig;
use crate::index::classify;
use crate::index::schema::{analyze, for_each_term};
use crate::record::{IndexRecord, KeywordForm, Kind, LinkPlace, PageRecord, SiteFacts};

/// Separators that introduce a site-wide title suffix such as ` - Council Local Offer`.
const SUFFIX_SEPARATORS: [&str; 5] = [" - ", " | ", " – ", " — ", " :: "];

/// A page linked from the navigation of at least this share of pages is a route page.
const ROUTE_NAV_SHARE: f64 = 0.5;

/// Options for site analysis that come from configuration.
#[derive(Debug, Clone, Default)]
pub struct SiteRules {
    /// A title suffix to strip; `None` detects one shared by every page.
    pub title_suffix: Option<String>,
    /// A page linking to at least this many pages below its own folder is a landing page.
    pub min_child_links: u32,
    /// Names of the area the Local Offer serves (`Riverford`). Empty means: take them from
    /// the site-wide title suffix.
    pub area_names: Vec<String>,
    /// Who a page is for and its pathway stage.
    pub classify: ClassifyConfig,
}

/// Words of a site name that say what kind of site it is rather than where it is.
const GENERIC_SITE_WORDS: &[&str] = &[
    "a",
    "and",
    "authority",
    "borough",
    "children",
    "city",
    "council",
    "county",
    "directory",
    "district",
    "families",
    "family",
    "for",
    "hub",
    "in",
    "information",
    "local",
    "metropolitan",
    "of",
    "offer",
    "people",
    "portal",
    "send",
    "service",
    "services",
    "site",
    "support",
    "the",
    "website",
    "young",
    "your",
];

/// The area names in a title suffix: " - Derbyshire Local Offer" gives `["Derbyshire"]`.
pub fn area_names_from_suffix(suffix: &str) -> Vec<String> {
    suffix
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|word| word.len() >= 3)
        .filter(|word| !GENERIC_SITE_WORDS.contains(&word.to_lowercase().as_str()))
        .map(str::to_string)
        .collect()
}

/// Whether a record's text names the area, as a whole word; `body_terms` are its body's
/// analysed terms.
fn mentions_area(record: &PageRecord, body_terms: &[String], area_terms: &HashSet<String>) -> bool {
    if area_terms.is_empty() {
        return false;
    }
    body_terms.iter().any(|term| area_terms.contains(term))
        || [&record.description, &record.keywords].iter().any(|text| {
            let found = for_each_term(text, |term, _, _| {
                if area_terms.contains(term) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            found.is_some()
        })
}

/// Adds [`SiteFacts`] to every record of one crawl. Records keep their order, which is the
/// crawl's discovery order; a document's parent is the first page in that order that links
/// to it from its main content.
pub fn analyse(records: Vec<PageRecord>, rules: &SiteRules) -> Vec<IndexRecord> {
    let suffix = match &rules.title_suffix {
        Some(suffix) => Some(suffix.clone()),
        None => detect_title_suffix(&records),
    };
    let urls: HashSet<&str> = records.iter().map(|record| record.url.as_str()).collect();
    let area_names = if rules.area_names.is_empty() {
        suffix
            .as_deref()
            .map(area_names_from_suffix)
            .unwrap_or_default()
    } else {
        rules.area_names.clone()
    };
    let area_terms: HashSet<String> = area_names.iter().flat_map(|name| analyze(name)).collect();

    let inbound = count_inbound_links(&records, &urls);
    let routes = find_route_pages(&records, &urls);
    let titles: HashMap<&str, String> = records
        .iter()
        .map(|record| {
            (
                record.url.as_str(),
                strip_suffix(&record.title, suffix.as_deref()),
            )
        })
        .collect();

    let mut sections: BTreeMap<String, Route> = BTreeMap::new();
    for url in &routes {
        if let Some(route) = Route::from_url(url, titles.get(url.as_str())) {
            sections.insert(url.clone(), route);
        }
    }

    let mut parents: HashMap<&str, &str> = HashMap::new();
    for record in records.iter().filter(|record| record.kind == Kind::Page) {
        for link in record
            .links
            .iter()
            .filter(|link| link.place == LinkPlace::Main)
        {
            parents
                .entry(link.url.as_str())
                .or_insert(record.url.as_str());
        }
    }

    let mut page_sections: HashMap<String, Option<(String, String)>> = HashMap::new();
    for record in records.iter().filter(|record| record.kind == Kind::Page) {
        let section = section_of(record, &sections);
        page_sections.insert(record.url.clone(), section);
    }

    // Each record's facts depend only on the maps above, so records are decided in parallel
    // (on the caller's rayon pool), then move into their index records without a copy.
    let facts: Vec<SiteFacts> = records
        .par_iter()
        .map(|record| {
            let path = path_of(&record.url);
            let title = titles
                .get(record.url.as_str())
                .cloned()
                .unwrap_or_else(|| record.title.clone());
            let depth = folder_depth(&path);

            let parent_url = match record.kind {
                Kind::Document => parents.get(record.url.as_str()).map(|url| url.to_string()),
                Kind::Page => None,
            };
            let parent_title = parent_url
                .as_deref()
                .and_then(|url| titles.get(url))
                .cloned();

            let section = match record.kind {
                Kind::Page => page_sections.get(&record.url).cloned().flatten(),
                Kind::Document => parent_url
                    .as_ref()
                    .and_then(|url| page_sections.get(url).cloned().flatten()),
            };

            let landing = record.kind == Kind::Page
                && (path == "/"
                    || routes.contains(&record.url)
                    || repeats_folder_name(&path)
                    || links_to_children(record, &urls) >= rules.min_child_links.max(1) as usize);

            let body_terms = analyze(&record.body);
            let body = classify::Positions::new(&body_terms);
            let (audience, audience_rule) =
                classify::audience(&rules.classify, record, &body, &path, &title);
            let is_route = path == "/" || routes.contains(&record.url);
            let (stage, stage_rule) =
                classify::stage(&rules.classify, record, &body, &title, is_route);
            SiteFacts {
                path,
                title,
                section: section.as_ref().map(|(slug, _)| slug.clone()),
                section_label: section.map(|(_, label)| label),
                landing,
                depth,
                parent_url,
                parent_title,
                inbound_links: inbound.get(record.url.as_str()).copied().unwrap_or(0),
                keyword_form: keyword_form(&record.keywords),
                local: mentions_area(record, &body_terms, &area_terms),
                audience,
                audience_rule,
                stage,
                stage_rule,
            }
        })
        .collect();
    records
        .into_iter()
        .zip(facts)
        .map(|(page, facts)| IndexRecord { page, facts })
        .collect()
}

/// A route of the site: a page in the main navigation, and the section it names.
#[derive(Debug, Clone)]
struct Route {
    slug: String,
    label: String,
    /// Path prefix of the route's folder, e.g. `/education-and-learning/`.
    folder: String,
}

impl Route {
    fn from_url(url: &str, title: Option<&String>) -> Option<Route> {
        let path = path_of(url);
        let segments: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
        let first = segments.first()?;
        let slug = slugify(file_stem(first));
        if slug.is_empty() {
            return None;
        }
        let label = title.cloned().unwrap_or_else(|| first.replace('-', " "));
        Some(Route {
            slug,
            label,
            folder: format!("/{first}/"),
        })
    }
}

/// The path and query of a URL, as the API reports it.
pub fn path_of(url: &str) -> String {
    match Url::parse(url) {
        Ok(parsed) => match parsed.query() {
            Some(query) => format!("{}?{query}", parsed.path()),
            None => parsed.path().to_string(),
        },
        Err(_) => url.to_string(),
    }
}

/// How many folders deep a page sits, counting a file that names its folder
/// (`/x/y/y.aspx`, `/x/index.html`) as the folder itself.
pub fn folder_depth(path: &str) -> u32 {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    let Some(last) = segments.last() else {
        return 0;
    };
    let count = segments.len() as u32;
    let stem = file_stem(last);
    let names_folder = segments.len() >= 2 && stem == segments[segments.len() - 2];
    let is_index = matches!(stem, "index" | "default" | "home") && last.contains('.');
    if names_folder || is_index {
        count - 1
    } else {
        count
    }
}

fn file_stem(segment: &str) -> &str {
    match segment.rfind('.') {
        Some(dot) if dot > 0 => &segment[..dot],
        _ => segment,
    }
}

/// `/x/y/y.aspx`: the page a content system makes for folder `y`.
fn repeats_folder_name(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    segments.len() >= 2 && {
        let last = segments[segments.len() - 1];
        last.contains('.') && file_stem(last) == segments[segments.len() - 2]
    }
}

fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for character in text.chars() {
        if character.is_alphanumeric() {
            slug.extend(character.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

fn strip_suffix(title: &str, suffix: Option<&str>) -> String {
    let Some(suffix) = suffix else {
        return title.to_string();
    };
    match title.strip_suffix(suffix) {
        Some(stripped) if !stripped.trim().is_empty() => stripped.trim().to_string(),
        _ => title.to_string(),
    }
}

/// The longest ` - Site name` suffix that every HTML page's title ends with, if any.
fn detect_title_suffix(records: &[PageRecord]) -> Option<String> {
    let titles: Vec<&str> = records
        .iter()
        .filter(|record| record.kind == Kind::Page && !record.title.is_empty())
        .map(|record| record.title.as_str())
        .collect();
    if titles.len() < 2 {
        return None;
    }
    let first = titles[0];
    let mut best: Option<&str> = None;
    for separator in SUFFIX_SEPARATORS {
        let mut search_from = 0;
        while let Some(found) = first[search_from..].find(separator) {
            let start = search_from + found;
            let candidate = &first[start..];
            if titles
                .iter()
                .all(|title| title.ends_with(candidate) && title.len() > candidate.len())
                && best.is_none_or(|current| candidate.len() > current.len())
            {
                best = Some(candidate);
            }
            search_from = start + separator.len();
        }
    }
    best.map(str::to_string)
}

fn count_inbound_links(records: &[PageRecord], urls: &HashSet<&str>) -> HashMap<String, u32> {
    let mut inbound: HashMap<String, u32> = HashMap::new();
    for record in records {
        let targets: HashSet<&str> = record
            .links
            .iter()
            .map(|link| link.url.as_str())
            .filter(|url| *url != record.url && urls.contains(url))
            .collect();
        for target in targets {
            *inbound.entry(target.to_string()).or_default() += 1;
        }
    }
    inbound
}

/// Pages linked from the navigation of most pages: the site's main routes.
fn find_route_pages(records: &[PageRecord], urls: &HashSet<&str>) -> HashSet<String> {
    let pages: Vec<&PageRecord> = records
        .iter()
        .filter(|record| record.kind == Kind::Page)
        .collect();
    let mut nav_counts: HashMap<&str, usize> = HashMap::new();
    for page in &pages {
        let targets: HashSet<&str> = page
            .links
            .iter()
            .filter(|link| link.place == LinkPlace::Nav)
            .map(|link| link.url.as_str())
            .collect();
        for target in targets {
            *nav_counts.entry(target).or_default() += 1;
        }
    }
    let threshold = (pages.len() as f64 * ROUTE_NAV_SHARE).ceil() as usize;
    nav_counts
        .into_iter()
        .filter(|(url, count)| *count >= threshold.max(1) && urls.contains(url))
        .filter(|(url, _)| path_of(url) != "/")
        .map(|(url, _)| url.to_string())
        .collect()
}

/// The section of a page: the route its breadcrumb passes through, else the route whose
/// folder holds it.
fn section_of(record: &PageRecord, routes: &BTreeMap<String, Route>) -> Option<(String, String)> {
    if let Some(route) = routes.get(&record.url) {
        return Some((route.slug.clone(), route.label.clone()));
    }
    for crumb in &record.breadcrumbs {
        let Some(url) = &crumb.url else {
            continue;
        };
        if let Some(route) = routes.get(url) {
            return Some((route.slug.clone(), route.label.clone()));
        }
    }
    let path = path_of(&record.url);
    routes
        .values()
        .filter(|route| path.starts_with(&route.folder))
        .max_by_key(|route| route.folder.len())
        .map(|route| (route.slug.clone(), route.label.clone()))
}

/// Distinct crawled pages this page links to that sit below its own folder.
fn links_to_children(record: &PageRecord, urls: &HashSet<&str>) -> usize {
    let path = path_of(&record.url);
    let folder = match path.rfind('/') {
        Some(slash) => &path[..=slash],
        None => return 0,
    };
    if folder == "/" {
        return 0;
    }
    let children: HashSet<&str> = record
        .links
        .iter()
        .filter(|link| link.place == LinkPlace::Main && link.url != record.url)
        .map(|link| link.url.as_str())
        .filter(|url| urls.contains(url) && path_of(url).starts_with(folder))
        .collect();
    children.len()
}

/// Whether meta keywords are written as sentences or as a comma list.
pub fn keyword_form(keywords: &str) -> KeywordForm {
    let text = keywords.trim();
    if text.is_empty() {
        return KeywordForm::None;
    }
    let words = text.split_whitespace().count();
    let commas = text.matches(',').count();
    let ends_like_sentence = text.ends_with(['.', '?', '!']);
    let has_sentence_break = text.contains(". ") || text.contains("? ");
    // A list has short items between commas; a sentence reads on with few commas per word.
    let words_per_item = words as f64 / (commas + 1) as f64;
    if (ends_like_sentence || has_sentence_break) && words >= 5 && words_per_item >= 4.0 {
        KeywordForm::Sentence
    } else if commas >= 1 || words <= 4 {
        KeywordForm::List
    } else {
        KeywordForm::Sentence
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Crumb, Link};

    fn page(url: &str, title: &str) -> PageRecord {
        PageRecord {
            url: url.to_string(),
            kind: Kind::Page,
            title: title.to_string(),
            description: String::new(),
            keywords: String::new(),
            headings: Vec::new(),
            body: String::new(),
            breadcrumbs: Vec::new(),
            links: Vec::new(),
            language: None,
            last_reviewed: None,
            content_type: "text/html".to_string(),
            size_bytes: 0,
            content_hash: String::new(),
        }
    }

    fn link(url: &str, place: LinkPlace) -> Link {
        Link {
            url: url.to_string(),
            text: String::new(),
            place,
        }
    }

    #[test]
    fn folder_depth_counts_folder_pages_as_their_folder() {
        assert_eq!(folder_depth("/"), 0);
        assert_eq!(folder_depth("/education/education.aspx"), 1);
        assert_eq!(folder_depth("/preparing-for-adulthood"), 1);
        assert_eq!(folder_depth("/a/b/b.aspx"), 2);
        assert_eq!(folder_depth("/a/b/c.aspx"), 3);
        assert_eq!(folder_depth("/a/index.html"), 1);
    }

    #[test]
    fn suffix_shared_by_every_title_is_found() {
        let records = vec![
            page("http://x/", "Home - Riverford Offer"),
            page("http://x/a", "Short breaks - Riverford Offer"),
        ];
        assert_eq!(
            detect_title_suffix(&records).as_deref(),
            Some(" - Riverford Offer")
        );
        let mixed = vec![page("http://x/", "Home - A"), page("http://x/b", "B")];
        assert_eq!(detect_title_suffix(&mixed), None);
    }

    #[test]
    fn area_names_come_from_the_site_name() {
        assert_eq!(
            area_names_from_suffix(" - Derbyshire Local Offer"),
            vec!["Derbyshire"]
        );
        assert_eq!(
            area_names_from_suffix(" | Riverford Council SEND Local Offer"),
            vec!["Riverford"]
        );
        assert!(area_names_from_suffix(" - Local Offer").is_empty());
    }

    #[test]
    fn keyword_forms() {
        let sentence = "Short breaks give families a rest. Ask your social worker.";
        assert_eq!(keyword_form(sentence), KeywordForm::Sentence);
        assert_eq!(keyword_form("autism, adhd, assessment"), KeywordForm::List);
        assert_eq!(keyword_form("  "), KeywordForm::None);
    }

    #[test]
    fn routes_sections_landing_and_parents() {
        let home = "http://x/";
        let route = "http://x/social-care/social-care.aspx";
        let topic = "http://x/breaks/short-breaks.aspx";
        let document = "http://x/documents/form.pdf";

        let mut records = Vec::new();
        for (url, title) in [
            (home, "Home"),
            (route, "Social Care"),
            (topic, "Short breaks"),
        ] {
            let mut record = page(url, &format!("{title} - Site"));
            record.links.push(link(route, LinkPlace::Nav));
            records.push(record);
        }
        records[2].breadcrumbs = vec![
            Crumb {
                label: "Home".into(),
                url: Some(home.into()),
            },
            Crumb {
                label: "Social Care".into(),
                url: Some(route.into()),
            },
        ];
        records[2].links.push(link(document, LinkPlace::Main));
        let mut doc = page(document, "Application form");
        doc.kind = Kind::Document;
        records.push(doc);

        let rules = SiteRules {
            title_suffix: None,
            min_child_links: 5,
            area_names: Vec::new(),
            classify: ClassifyConfig::default(),
        };
        let out = analyse(records, &rules);
        let by_url: HashMap<&str, &IndexRecord> = out
            .iter()
            .map(|record| (record.page.url.as_str(), record))
            .collect();

        assert!(by_url[home].facts.landing);
        assert!(by_url[route].facts.landing);
        assert!(!by_url[topic].facts.landing);
        assert_eq!(by_url[topic].facts.title, "Short breaks");
        assert_eq!(by_url[topic].facts.section.as_deref(), Some("social-care"));
        assert_eq!(
            by_url[topic].facts.section_label.as_deref(),
            Some("Social Care")
        );
        assert_eq!(by_url[document].facts.parent_url.as_deref(), Some(topic));
        assert_eq!(
            by_url[document].facts.parent_title.as_deref(),
            Some("Short breaks")
        );
        assert_eq!(
            by_url[document].facts.section.as_deref(),
            Some("social-care")
        );
    }
}
