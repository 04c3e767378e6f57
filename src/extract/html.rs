//! HTML extraction: decode, parse, and split a page into title, main text, links and dates.
//!
//! The main content is the first element matching a configured main selector; without one,
//! it is the element holding the most paragraph text. Page chrome (the configured drop
//! selectors) is left out of the text but its links are still reported, tagged with where
//! they were found, because navigation links tell the indexer which pages are the routes.
//! A drop selector never removes the main content itself or an element around it, so a
//! `[class*=cookie]` rule cannot blank a page whose `<body>` carries a cookie class.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ego_tree::NodeId;
use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node, Selector};
use url::Url;

use super::text::{collapse_whitespace, detect_language, find_review_date};
use super::{ExtractError, content_hash, media_type};
use crate::config::ExtractConfig;
use crate::crawl::urlnorm;
use crate::record::{Crumb, Kind, Link, LinkPlace, PageRecord};

/// How far into the body the `<meta charset>` prescan looks, as browsers do (they use 1024
/// bytes; a little more tolerates long `<head>` comments).
const META_PRESCAN_BYTES: usize = 4096;

/// Elements whose text is never page text, whatever the drop selectors say.
const NEVER_TEXT: &[&str] = &[
    "script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg",
    "select", "button",
];

/// Elements that start and end a text block.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// Containers whose links are navigation rather than chrome.
const NAV_LIKE: &str = "nav, header, menu, [role=navigation], [role=banner], [role=menubar], \
                        [role=menu], .menu, .nav, .navbar, .navigation, .breadcrumb, \
                        .breadcrumbs, [aria-label*=readcrumb]";

/// Breadcrumb containers, most specific first.
const BREADCRUMBS: &[&str] = &[
    "[itemtype*=BreadcrumbList]",
    "nav[aria-label*=readcrumb]",
    "[aria-label*=readcrumb]",
    ".breadcrumbs",
    ".breadcrumb",
    "#breadcrumbs",
    "#breadcrumb",
    "[class*=breadcrumb]",
    "[class*=crumb]",
    "[id*=crumb]",
    // "Trail" and "you are here" are the other names content systems give them.
    "[class*=trail]",
    "[class*=you-are-here]",
];

/// Characters sites put between breadcrumb steps.
const CRUMB_SEPARATORS: &[char] = &['›', '»', '>', '/', '|', '→', '\u{203a}', '·', '-'];

static ANCHOR: LazyLock<Selector> = LazyLock::new(|| selector("a[href]"));
static BASE: LazyLock<Selector> = LazyLock::new(|| selector("base[href]"));
static BODY: LazyLock<Selector> = LazyLock::new(|| selector("body"));
static HEAD_TITLE: LazyLock<Selector> = LazyLock::new(|| selector("head title, title"));
static LINK_REL: LazyLock<Selector> = LazyLock::new(|| selector("link[rel][href]"));
static LIST_ITEM: LazyLock<Selector> = LazyLock::new(|| selector("li"));
static META: LazyLock<Selector> = LazyLock::new(|| selector("meta[content]"));
static NAV: LazyLock<Selector> = LazyLock::new(|| selector(NAV_LIKE));
static PARAGRAPH: LazyLock<Selector> = LazyLock::new(|| selector("p"));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static HEADER: LazyLock<Selector> = LazyLock::new(|| selector("header"));
static CRUMB_CONTAINERS: LazyLock<Vec<Selector>> =
    LazyLock::new(|| BREADCRUMBS.iter().map(|text| selector(text)).collect());

static META_CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)"#)
        .expect("the meta charset pattern is valid")
});

fn selector(text: &str) -> Selector {
    Selector::parse(text).expect("built-in selectors are valid CSS")
}

/// What [`extract_html`] learned from one page.
#[derive(Debug, Clone)]
pub struct ExtractedHtml {
    /// The record; `url` is the page URL normalised without dropping any query parameter
    /// (the crawler re-keys it with its configured parameters).
    pub record: PageRecord,
    /// `<link rel="canonical">`, resolved and normalised like `record.url`.
    pub canonical: Option<Url>,
    /// `<meta name="robots" content="noindex">` (or `none`).
    pub noindex: bool,
    /// `<meta name="robots" content="nofollow">` (or `none`).
    pub nofollow: bool,
    /// The absolute target of each link in `record.links`, in the same order, before
    /// normalisation (fragment removed): the form a crawler should request.
    pub link_targets: Vec<Url>,
}

/// HTML extraction with its selectors compiled once; cheap to share across threads.
#[derive(Debug, Clone)]
pub struct HtmlExtractor {
    drop: Vec<Selector>,
    /// Whether the bare `header` selector is among the drop selectors (see
    /// [`is_banner`] for why it is treated specially).
    drops_header: bool,
    main: Vec<Selector>,
}

/// Extracts one page. Compiles `config`'s selectors on every call: a crawler should build
/// one [`HtmlExtractor`] and reuse it.
///
/// `url` is the URL the body was fetched from (relative links resolve against it, or
/// against `<base href>`). Fails only on an invalid selector in `config` or a page with
/// neither a title nor any text; broken markup is repaired the way browsers repair it.
pub fn extract_html(
    url: &Url,
    body: &[u8],
    content_type_header: Option<&str>,
    config: &ExtractConfig,
) -> Result<ExtractedHtml, ExtractError> {
    HtmlExtractor::new(config)?.extract(url, body, content_type_header)
}

impl HtmlExtractor {
    /// Compiles the drop and main selectors of `config`.
    pub fn new(config: &ExtractConfig) -> Result<HtmlExtractor, ExtractError> {
        let drops_header = config
            .drop_selectors
            .iter()
            .any(|selector| selector.trim().eq_ignore_ascii_case("header"));
        let other_drops: Vec<String> = config
            .drop_selectors
            .iter()
            .filter(|selector| !selector.trim().eq_ignore_ascii_case("header"))
            .cloned()
            .collect();
        Ok(HtmlExtractor {
            drop: compile(&other_drops)?,
            drops_header,
            main: compile(&config.main_selectors)?,
        })
    }

    /// Extracts one page; see [`extract_html`].
    pub fn extract(
        &self,
        url: &Url,
        body: &[u8],
        content_type_header: Option<&str>,
    ) -> Result<ExtractedHtml, ExtractError> {
        let text = decode_html(body, content_type_header);
        let document = Html::parse_document(&text);
        let base = base_url(&document, url);

        let mut dropped: HashSet<NodeId> = HashSet::new();
        for drop in &self.drop {
            dropped.extend(document.select(drop).map(|element| element.id()));
        }
        if self.drops_header {
            let banners = document
                .select(&HEADER)
                .filter(|header| is_banner(**header));
            dropped.extend(banners.map(|header| header.id()));
        }
        let main = self.main_element(&document, &mut dropped);
        // Keep the main content even when a drop selector matches it or a wrapper of it.
        dropped.remove(&main.id());
        for ancestor in main.ancestors() {
            dropped.remove(&ancestor.id());
        }

        let mut headings: Vec<String> = Vec::new();
        let blocks = collect_blocks(*main, &dropped, Some(&mut headings));
        let body_text = blocks.join("\n");

        let title = page_title(&document, &headings);
        let (noindex, nofollow) = robots_directives(&document);
        let (links, link_targets) = collect_links(&document, &base, main.id(), &dropped);
        let breadcrumbs = collect_breadcrumbs(&document, &base, url);
        let canonical = canonical_url(&document, &base);

        let last_reviewed = find_review_date(&body_text).or_else(|| {
            let everything = collect_blocks(*document.root_element(), &HashSet::new(), None);
            find_review_date(&everything.join("\n"))
        });
        let language = detect_language(if body_text.is_empty() {
            &title
        } else {
            &body_text
        });

        if title.is_empty() && body_text.is_empty() {
            return Err(ExtractError::Empty {
                url: url.to_string(),
            });
        }

        let content_type = content_type_header
            .map(media_type)
            .filter(|media| !media.is_empty())
            .unwrap_or_else(|| "text/html".to_string());
        let record = PageRecord {
            url: urlnorm::normalize(url, &[]).to_string(),
            kind: Kind::Page,
            title,
            description: collapse_whitespace(&meta_content(&document, "description")),
            keywords: meta_content(&document, "keywords").trim().to_string(),
            headings,
            body: body_text,
            breadcrumbs,
            links,
            language,
            last_reviewed,
            content_type,
            size_bytes: body.len() as u64,
            content_hash: content_hash(body),
        };
        Ok(ExtractedHtml {
            record,
            canonical,
            noindex,
            nofollow,
            link_targets,
        })
    }

    /// The first element with text matching a main selector (selectors in priority
    /// order), else the element with the most paragraph text outside dropped chrome, else
    /// `<body>`.
    ///
    /// Before the density search, drop matches holding most of the page's paragraph text
    /// are released from `dropped`: such an element wraps the page rather than decorating
    /// it (ASP.NET sites put the whole body in one `<form>`, and `form` is dropped).
    fn main_element<'a>(
        &self,
        document: &'a Html,
        dropped: &mut HashSet<NodeId>,
    ) -> ElementRef<'a> {
        let configured = self.main.iter().find_map(|main| {
            document
                .select(main)
                .find(|candidate| candidate.text().any(|text| !text.trim().is_empty()))
        });
        if let Some(main) = configured {
            return main;
        }
        release_wrappers(document, dropped);
        densest_element(document, dropped)
            .or_else(|| document.select(&BODY).next())
            .unwrap_or_else(|| document.root_element())
    }
}

/// Whether a `<header>` is the page banner. ARIA gives a header the banner role only when
/// it is not inside `main`, `article`, `section`, `aside` or `nav`; inside those it is the
/// heading block of that content (often holding the page's `<h1>`), so the `header` drop
/// selector leaves it alone.
fn is_banner(header: NodeRef<'_, Node>) -> bool {
    !header.ancestors().any(|ancestor| {
        ancestor.value().as_element().is_some_and(|element| {
            matches!(
                element.name(),
                "main" | "article" | "section" | "aside" | "nav"
            )
        })
    })
}

/// Removes from `dropped` every element that holds at least half of the page's paragraph
/// text.
fn release_wrappers(document: &Html, dropped: &mut HashSet<NodeId>) {
    let paragraph_chars = |root: ElementRef<'_>| -> usize {
        root.select(&PARAGRAPH)
            .map(|paragraph| {
                paragraph
                    .text()
                    .map(|text| text.trim().len())
                    .sum::<usize>()
            })
            .sum()
    };
    let Some(body) = document.select(&BODY).next() else {
        return;
    };
    let total = paragraph_chars(body);
    if total == 0 {
        return;
    }
    let wrappers: Vec<NodeId> = dropped
        .iter()
        .filter_map(|id| document.tree.get(*id).and_then(ElementRef::wrap))
        .filter(|element| paragraph_chars(*element) * 2 >= total)
        .map(|element| element.id())
        .collect();
    for id in wrappers {
        dropped.remove(&id);
    }
}

fn compile(selectors: &[String]) -> Result<Vec<Selector>, ExtractError> {
    selectors
        .iter()
        .map(|text| {
            Selector::parse(text).map_err(|_| ExtractError::Selector {
                selector: text.clone(),
            })
        })
        .collect()
}

/// Decodes an HTML body: the charset of the `Content-Type` header, else a byte-order mark,
/// else `<meta charset>` / `http-equiv`, else UTF-8. Invalid bytes become U+FFFD.
pub fn decode_html(body: &[u8], content_type_header: Option<&str>) -> String {
    if let Some(encoding) = content_type_header.and_then(charset_from_header) {
        let (text, _had_errors) = encoding.decode_with_bom_removal(body);
        return text.into_owned();
    }
    if let Some((encoding, bom_length)) = Encoding::for_bom(body) {
        let (text, _had_errors) = encoding.decode_without_bom_handling(&body[bom_length..]);
        return text.into_owned();
    }
    let encoding = charset_from_meta(body).unwrap_or(encoding_rs::UTF_8);
    let (text, _had_errors) = encoding.decode_without_bom_handling(body);
    text.into_owned()
}

fn charset_from_header(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let label = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(label.as_bytes())
    })
}

fn charset_from_meta(body: &[u8]) -> Option<&'static Encoding> {
    let prefix = &body[..body.len().min(META_PRESCAN_BYTES)];
    let captures = META_CHARSET.captures(prefix)?;
    let encoding = Encoding::for_label(&captures[1])?;
    // A page cannot really be UTF-16 if its ASCII meta tag was readable: browsers read
    // such a declaration as UTF-8, and encoding_rs's output encoding does the same.
    Some(encoding.output_encoding())
}

fn base_url(document: &Html, page_url: &Url) -> Url {
    document
        .select(&BASE)
        .next()
        .and_then(|base| base.attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .filter(|base| matches!(base.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone())
}

/// Whether `node` or one of its ancestors is in `set`.
fn within(node: NodeRef<'_, Node>, set: &HashSet<NodeId>) -> bool {
    set.contains(&node.id())
        || node
            .ancestors()
            .any(|ancestor| set.contains(&ancestor.id()))
}

/// Splits the text under `root` into blocks, skipping dropped subtrees. When `headings` is
/// given, the text of each heading is pushed to it as well.
fn collect_blocks(
    root: NodeRef<'_, Node>,
    dropped: &HashSet<NodeId>,
    mut headings: Option<&mut Vec<String>>,
) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut skipping: Option<NodeId> = None;
    let mut heading: Option<(NodeId, String)> = None;

    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => {
                        current.push_str(text);
                        if let Some((_, heading_text)) = heading.as_mut() {
                            heading_text.push_str(text);
                        }
                    }
                    Node::Element(element) => {
                        let name = element.name();
                        if dropped.contains(&node.id()) || NEVER_TEXT.contains(&name) {
                            skipping = Some(node.id());
                            continue;
                        }
                        if BLOCK_ELEMENTS.contains(&name) {
                            end_block(&mut current, &mut blocks);
                        }
                        if heading.is_none() && HEADINGS.contains(&name) {
                            heading = Some((node.id(), String::new()));
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(skipped) = skipping {
                    if skipped == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                let Node::Element(element) = node.value() else {
                    continue;
                };
                if BLOCK_ELEMENTS.contains(&element.name()) {
                    end_block(&mut current, &mut blocks);
                }
                let closes_heading = heading.as_ref().is_some_and(|(id, _)| *id == node.id());
                if closes_heading && let Some((_, heading_text)) = heading.take() {
                    let heading_text = collapse_whitespace(&heading_text);
                    if let Some(list) = headings.as_deref_mut()
                        && !heading_text.is_empty()
                    {
                        list.push(heading_text);
                    }
                }
            }
        }
    }
    end_block(&mut current, &mut blocks);
    blocks
}

fn end_block(current: &mut String, blocks: &mut Vec<String>) {
    let block = collapse_whitespace(current);
    if !block.is_empty() {
        blocks.push(block);
    }
    current.clear();
}

/// The element holding the most paragraph text: each `<p>` outside dropped chrome credits
/// its text (less its link text) to its parent in full and its grandparent by half, so a
/// content column beats both a single long paragraph's wrapper and the whole page.
fn densest_element<'a>(document: &'a Html, dropped: &HashSet<NodeId>) -> Option<ElementRef<'a>> {
    let mut scores: HashMap<NodeId, usize> = HashMap::new();
    for paragraph in document.select(&PARAGRAPH) {
        if within(*paragraph, dropped) {
            continue;
        }
        let all_text = collapse_whitespace(&paragraph.text().collect::<String>()).len();
        let link_text: usize = paragraph
            .select(&ANCHOR)
            .map(|anchor| collapse_whitespace(&anchor.text().collect::<String>()).len())
            .sum();
        let score = all_text.saturating_sub(link_text);
        let Some(parent) = paragraph.parent() else {
            continue;
        };
        *scores.entry(parent.id()).or_default() += score;
        if let Some(grandparent) = parent.parent() {
            *scores.entry(grandparent.id()).or_default() += score / 2;
        }
    }
    let (best, score) = scores.into_iter().max_by_key(|(id, score)| (*score, *id))?;
    if score == 0 {
        return None;
    }
    document.tree.get(best).and_then(ElementRef::wrap)
}

fn page_title(document: &Html, headings: &[String]) -> String {
    let from_tag = document
        .select(&HEAD_TITLE)
        .next()
        .map(|title| collapse_whitespace(&title.text().collect::<String>()))
        .unwrap_or_default();
    if !from_tag.is_empty() {
        return from_tag;
    }
    // Without a <title>, the first main heading is what a reader would call the page.
    headings.first().cloned().unwrap_or_else(|| {
        document
            .select(&H1)
            .next()
            .map(|h1| collapse_whitespace(&h1.text().collect::<String>()))
            .unwrap_or_default()
    })
}

fn meta_content(document: &Html, wanted: &str) -> String {
    document
        .select(&META)
        .find(|meta| {
            meta.attr("name")
                .is_some_and(|name| name.trim().eq_ignore_ascii_case(wanted))
        })
        .and_then(|meta| meta.attr("content"))
        .unwrap_or_default()
        .to_string()
}

/// `(noindex, nofollow)` from every `<meta name="robots">`.
fn robots_directives(document: &Html) -> (bool, bool) {
    let mut noindex = false;
    let mut nofollow = false;
    let robots_metas = document.select(&META).filter(|meta| {
        meta.attr("name")
            .is_some_and(|name| name.trim().eq_ignore_ascii_case("robots"))
    });
    for meta in robots_metas {
        let content = meta.attr("content").unwrap_or_default();
        let (index, follow) = parse_robots_directives(content);
        noindex |= index;
        nofollow |= follow;
    }
    (noindex, nofollow)
}

/// `(noindex, nofollow)` from a robots directive list such as `noindex, nofollow` or
/// `none`, as found in `<meta name="robots">` and the `X-Robots-Tag` header.
pub fn parse_robots_directives(content: &str) -> (bool, bool) {
    let mut noindex = false;
    let mut nofollow = false;
    for directive in content.split([',', ' ', '\t']) {
        match directive.trim().to_ascii_lowercase().as_str() {
            "noindex" => noindex = true,
            "nofollow" => nofollow = true,
            "none" => {
                noindex = true;
                nofollow = true;
            }
            _ => {}
        }
    }
    (noindex, nofollow)
}

fn canonical_url(document: &Html, base: &Url) -> Option<Url> {
    document
        .select(&LINK_REL)
        .find(|link| {
            link.attr("rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|token| token.eq_ignore_ascii_case("canonical"))
            })
        })
        .and_then(|link| link.attr("href"))
        .and_then(|href| resolve_link(base, href))
        .map(|target| urlnorm::normalize(&target, &[]))
}

/// Resolves an `href` to an absolute http(s) URL without its fragment. Other schemes
/// (`tel:`, `mailto:`, `javascript:`) and links to a spot on the same page give `None`.
fn resolve_link(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let mut target = base.join(href).ok()?;
    if !matches!(target.scheme(), "http" | "https") {
        return None;
    }
    target.set_fragment(None);
    Some(target)
}

fn collect_links(
    document: &Html,
    base: &Url,
    main_id: NodeId,
    dropped: &HashSet<NodeId>,
) -> (Vec<Link>, Vec<Url>) {
    let nav_ids: HashSet<NodeId> = document.select(&NAV).map(|element| element.id()).collect();
    let mut links = Vec::new();
    let mut targets = Vec::new();

    for anchor in document.select(&ANCHOR) {
        let Some(target) = anchor
            .attr("href")
            .and_then(|href| resolve_link(base, href))
        else {
            continue;
        };
        let place = link_place(*anchor, main_id, dropped, &nav_ids);
        links.push(Link {
            url: urlnorm::normalize(&target, &[]).to_string(),
            text: link_text(anchor),
            place,
        });
        targets.push(target);
    }
    (links, targets)
}

fn link_place(
    anchor: NodeRef<'_, Node>,
    main_id: NodeId,
    dropped: &HashSet<NodeId>,
    nav_ids: &HashSet<NodeId>,
) -> LinkPlace {
    let mut in_main = false;
    let mut in_dropped = false;
    let mut in_nav = false;
    for ancestor in anchor.ancestors() {
        let id = ancestor.id();
        in_main |= id == main_id;
        in_dropped |= dropped.contains(&id);
        in_nav |= nav_ids.contains(&id);
    }
    // Dropped wrappers of the main content were removed from `dropped`, so a dropped
    // ancestor here is chrome inside or outside the main content, never around it.
    if in_main && !in_dropped {
        LinkPlace::Main
    } else if in_nav {
        LinkPlace::Nav
    } else {
        LinkPlace::Chrome
    }
}

fn link_text(anchor: ElementRef<'_>) -> String {
    let visible = collapse_whitespace(&anchor.text().collect::<String>());
    if !visible.is_empty() {
        return visible;
    }
    // An icon link: its accessible name is the best text there is.
    let labelled = ["aria-label", "title"]
        .iter()
        .find_map(|attribute| anchor.attr(attribute))
        .map(collapse_whitespace)
        .unwrap_or_default();
    if !labelled.is_empty() {
        return labelled;
    }
    anchor
        .descendent_elements()
        .find_map(|element| element.attr("alt"))
        .map(collapse_whitespace)
        .unwrap_or_default()
}

fn collect_breadcrumbs(document: &Html, base: &Url, page_url: &Url) -> Vec<Crumb> {
    let Some(container) = CRUMB_CONTAINERS
        .iter()
        .find_map(|container| document.select(container).next())
    else {
        return Vec::new();
    };
    let page_key = urlnorm::normalize(page_url, &[]);

    let items: Vec<ElementRef<'_>> = container
        .select(&LIST_ITEM)
        .filter(|item| item.select(&LIST_ITEM).next().is_none())
        .collect();
    let steps: Vec<ElementRef<'_>> = if items.is_empty() {
        container.select(&ANCHOR).collect()
    } else {
        items
    };

    steps
        .into_iter()
        .filter_map(|step| {
            let raw_label = collapse_whitespace(&step.text().collect::<String>());
            let label = raw_label
                .trim_matches(|c: char| c.is_whitespace() || CRUMB_SEPARATORS.contains(&c))
                .to_string();
            if label.is_empty() {
                return None;
            }
            let href = if step.value().name() == "a" {
                step.attr("href")
            } else {
                step.select(&ANCHOR)
                    .next()
                    .and_then(|anchor| anchor.attr("href"))
            };
            let url = href
                .and_then(|href| resolve_link(base, href))
                .map(|target| urlnorm::normalize(&target, &[]))
                .filter(|target| *target != page_key)
                .map(|target| target.to_string());
            Some(Crumb { label, url })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn page_url() -> Url {
        Url::parse("http://example.test/services/short-breaks/short-breaks.aspx")
            .expect("test URL parses")
    }

    fn extract(html: &str) -> Result<ExtractedHtml, ExtractError> {
        extract_html(
            &page_url(),
            html.as_bytes(),
            None,
            &ExtractConfig::default(),
        )
    }

    /// A made-up page in the common shape: cookie banner, header, nav, breadcrumbs, main,
    /// footer. Written for this test only.
    const TYPICAL: &str = r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>  Short   breaks - Example Offer </title>
<meta name="Description" content="Breaks for   carers.">
<meta name="keywords" content="short breaks, respite">
<link rel="canonical" href="/services/short-breaks/short-breaks.aspx?utm_source=x">
</head><body>
<div class="cookie-banner"><p>We use cookies to make this site work well for everyone.</p></div>
<header><a href="/">Example Offer</a></header>
<nav aria-label="Main"><a href="/health/">Health</a></nav>
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
<li><a href="/">Home</a></li><li><a href="../">Services</a></li>
<li aria-current="page">Short breaks</li></ol></nav>
<main id="main-content">
<h1>Short  breaks</h1>
<p>Short breaks give carers a rest. <a href="apply.aspx#form">Apply</a></p>
<h2>Who can <b>apply</b></h2>
<ul><li>Children aged 0 to 18</li><li>Young people up to 25</li></ul>
<p><a href="tel:0100">Call</a> <a href="mailto:a@b.test">Email</a>
<a href="javascript:void(0)">Print</a> <a href="#top">Top</a></p>
<nav class="on-this-page"><a href="#who">Who can apply</a><a href="/elsewhere">Elsewhere</a></nav>
<p class="last-reviewed">Last reviewed: 05/02/2026</p>
</main>
<footer><a href="/privacy">Privacy</a><p>Footer words</p></footer>
<script>var x = "not text";</script>
</body></html>"##;

    #[test]
    fn typical_page() -> TestResult {
        let page = extract(TYPICAL)?;
        let record = &page.record;
        assert_eq!(record.title, "Short breaks - Example Offer");
        assert_eq!(record.description, "Breaks for carers.");
        assert_eq!(record.keywords, "short breaks, respite");
        assert_eq!(record.headings, vec!["Short breaks", "Who can apply"]);
        assert_eq!(
            record.body,
            "Short breaks\nShort breaks give carers a rest. Apply\nWho can apply\n\
             Children aged 0 to 18\nYoung people up to 25\nCall Email Print Top\n\
             Last reviewed: 05/02/2026"
        );
        assert_eq!(record.last_reviewed, NaiveDate::from_ymd_opt(2026, 2, 5));
        assert_eq!(record.language.as_deref(), Some("eng"));
        assert_eq!(record.content_type, "text/html");
        assert_eq!(record.size_bytes, TYPICAL.len() as u64);
        assert!(!page.noindex && !page.nofollow);
        Ok(())
    }

    #[test]
    fn chrome_text_left_out() -> TestResult {
        let body = extract(TYPICAL)?.record.body;
        for chrome in ["cookies", "Footer words", "not text", "Health", "Home"] {
            assert!(!body.contains(chrome), "{chrome} leaked into {body:?}");
        }
        Ok(())
    }

    #[test]
    fn links_resolved_and_placed() -> TestResult {
        let page = extract(TYPICAL)?;
        let found: Vec<(&str, &str, LinkPlace)> = page
            .record
            .links
            .iter()
            .map(|link| (link.url.as_str(), link.text.as_str(), link.place))
            .collect();
        assert_eq!(
            found,
            vec![
                ("http://example.test/", "Example Offer", LinkPlace::Nav),
                ("http://example.test/health", "Health", LinkPlace::Nav),
                ("http://example.test/", "Home", LinkPlace::Nav),
                ("http://example.test/services", "Services", LinkPlace::Nav),
                (
                    "http://example.test/services/short-breaks/apply.aspx",
                    "Apply",
                    LinkPlace::Main
                ),
                ("http://example.test/elsewhere", "Elsewhere", LinkPlace::Nav),
                ("http://example.test/privacy", "Privacy", LinkPlace::Chrome),
            ]
        );
        assert_eq!(page.link_targets.len(), page.record.links.len());
        assert_eq!(page.link_targets[1].as_str(), "http://example.test/health/");
        Ok(())
    }

    #[test]
    fn breadcrumbs_with_current_page() -> TestResult {
        let crumbs = extract(TYPICAL)?.record.breadcrumbs;
        let expected = vec![
            Crumb {
                label: "Home".into(),
                url: Some("http://example.test/".into()),
            },
            Crumb {
                label: "Services".into(),
                url: Some("http://example.test/services".into()),
            },
            Crumb {
                label: "Short breaks".into(),
                url: None,
            },
        ];
        assert_eq!(crumbs, expected);
        Ok(())
    }

    #[test]
    fn schema_org_breadcrumbs_with_separators() -> TestResult {
        let html = r#"<html><head><title>T</title></head><body>
            <div itemscope itemtype="https://schema.org/BreadcrumbList">
            <a href="/">Home</a> &gt; <a href="/a">Area</a> &gt;</div>
            <main><p>Body text here.</p></main></body></html>"#;
        let crumbs = extract(html)?.record.breadcrumbs;
        let labels: Vec<&str> = crumbs.iter().map(|crumb| crumb.label.as_str()).collect();
        assert_eq!(labels, vec!["Home", "Area"]);
        Ok(())
    }

    #[test]
    fn canonical_resolved() -> TestResult {
        let canonical = extract(TYPICAL)?.canonical.ok_or("no canonical")?;
        assert_eq!(
            canonical.as_str(),
            "http://example.test/services/short-breaks/short-breaks.aspx?utm_source=x"
        );
        Ok(())
    }

    #[test]
    fn meta_robots() -> TestResult {
        let html = r#"<html><head><title>Search</title>
            <meta name="ROBOTS" content="noindex, nofollow"></head>
            <body><main><p>Results</p></main></body></html>"#;
        let page = extract(html)?;
        assert!(page.noindex && page.nofollow);
        assert_eq!(parse_robots_directives("none"), (true, true));
        assert_eq!(parse_robots_directives("noindex"), (true, false));
        assert_eq!(parse_robots_directives("index, follow"), (false, false));
        Ok(())
    }

    #[test]
    fn windows_1252_from_header() -> TestResult {
        // "£1 for the child’s “snack”" in windows-1252 bytes.
        let mut html = b"<html><head><title>Prices</title></head><body><main><p>".to_vec();
        html.extend_from_slice(b"\xa31 for the child\x92s \x93snack\x94");
        html.extend_from_slice(b"</p></main></body></html>");
        let page = extract_html(
            &page_url(),
            &html,
            Some("text/html; charset=windows-1252"),
            &ExtractConfig::default(),
        )?;
        assert_eq!(page.record.body, "£1 for the child’s “snack”");
        Ok(())
    }

    #[test]
    fn windows_1252_from_meta() -> TestResult {
        let mut html = b"<html><head><meta http-equiv=\"Content-Type\" \
            content=\"text/html; charset=windows-1252\"><title>P</title></head><body><p>"
            .to_vec();
        html.extend_from_slice(b"\xa35 a week");
        html.extend_from_slice(b"</p></body></html>");
        let page = extract_html(
            &page_url(),
            &html,
            Some("text/html"),
            &ExtractConfig::default(),
        )?;
        assert_eq!(page.record.body, "£5 a week");
        Ok(())
    }

    #[test]
    fn header_charset_beats_meta_and_bom_beats_meta() {
        let body = "<meta charset=\"windows-1252\"><p>caf\u{e9}</p>".as_bytes();
        assert!(decode_html(body, Some("text/html; charset=utf-8")).contains("café"));

        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(body);
        let decoded = decode_html(&with_bom, None);
        assert!(decoded.contains("café") && !decoded.starts_with('\u{feff}'));

        assert!(decode_html("<p>caf\u{e9}</p>".as_bytes(), None).contains("café"));
    }

    #[test]
    fn broken_markup_still_has_text() -> TestResult {
        let html = "<html><head><title>Travel help</title></head><body>\
            <main><div><div><p><b>Notice\n<h1>Travel help</h1>\n<p>First paragraph.\n\
            <p>Second paragraph.\n</span></td>\n<p>Last updated 3 March 2025";
        let page = extract(html)?;
        assert!(
            page.record.body.contains("First paragraph."),
            "{}",
            page.record.body
        );
        assert!(page.record.body.contains("Second paragraph."));
        assert_eq!(page.record.headings, vec!["Travel help"]);
        assert_eq!(
            page.record.last_reviewed,
            NaiveDate::from_ymd_opt(2025, 3, 3)
        );
        Ok(())
    }

    #[test]
    fn density_finds_content_without_main() -> TestResult {
        let html = r#"<html><head><title>Page</title></head><body>
            <div class="menu"><p><a href="/a">A link</a></p><p>Tiny</p></div>
            <div class="column">
              <p>The first long paragraph about support for families and children.</p>
              <p>A second long paragraph with more words about the local services.</p>
            </div>
            <div class="side"><p>Short aside.</p></div>
            </body></html>"#;
        let page = extract(html)?;
        assert!(page.record.body.starts_with("The first long paragraph"));
        assert!(!page.record.body.contains("Short aside"));
        assert!(!page.record.body.contains("Tiny"));
        Ok(())
    }

    #[test]
    fn drop_rule_never_removes_the_main_content() -> TestResult {
        let html = r#"<html><head><title>Page</title></head>
            <body class="cookies-accepted"><main><p>Real content.</p></main>
            <div class="cookie-notice"><p>Cookie text.</p></div></body></html>"#;
        let page = extract(html)?;
        assert_eq!(page.record.body, "Real content.");
        Ok(())
    }

    #[test]
    fn article_header_inside_main_is_content() -> TestResult {
        let html = r#"<html><head><title>Page</title></head><body>
            <header><a href="/">Site name</a></header>
            <main><article><header><h1>Short breaks</h1></header>
            <p>Breaks for carers.</p></article></main></body></html>"#;
        let page = extract(html)?;
        assert_eq!(page.record.headings, vec!["Short breaks"]);
        assert_eq!(page.record.body, "Short breaks\nBreaks for carers.");
        Ok(())
    }

    #[test]
    fn page_wide_form_is_not_chrome() -> TestResult {
        let html = r#"<html><head><title>Page</title></head><body>
            <form id="pageForm" action="/page.aspx" method="post">
            <div class="cookie-notice"><p>Cookie text here.</p></div>
            <div class="column"><p>A long paragraph about the service and who can use it.</p>
            <p>Another long paragraph about how to apply and what happens next.</p></div>
            </form></body></html>"#;
        let page = extract(html)?;
        assert!(
            page.record.body.starts_with("A long paragraph"),
            "{}",
            page.record.body
        );
        assert!(!page.record.body.contains("Cookie text"));
        Ok(())
    }

    #[test]
    fn empty_main_element_falls_back_to_density() -> TestResult {
        let html = r#"<html><head><title>Page</title></head><body>
            <main id="app"></main>
            <div><p>The real words of this page are in a plain div.</p></div></body></html>"#;
        let page = extract(html)?;
        assert_eq!(
            page.record.body,
            "The real words of this page are in a plain div."
        );
        Ok(())
    }

    #[test]
    fn main_selector_priority() -> TestResult {
        let html = r#"<html><head><title>Page</title></head><body>
            <article><p>Teaser.</p></article><main><p>Main text.</p></main></body></html>"#;
        let page = extract(html)?;
        assert_eq!(page.record.body, "Main text.");
        Ok(())
    }

    #[test]
    fn base_href_and_title_fallback() -> TestResult {
        let html = r#"<html><head><base href="http://example.test/root/"></head><body>
            <main><h1>Only a heading</h1><p><a href="child.aspx">Child</a></p></main>
            </body></html>"#;
        let page = extract(html)?;
        assert_eq!(page.record.title, "Only a heading");
        assert_eq!(
            page.record.links[0].url,
            "http://example.test/root/child.aspx"
        );
        Ok(())
    }

    #[test]
    fn empty_page_is_an_error() {
        let err = extract("<html><head></head><body>  </body></html>").unwrap_err();
        assert!(matches!(err, ExtractError::Empty { .. }), "{err}");
        assert!(err.to_string().contains("example.test"), "{err}");
    }

    #[test]
    fn bad_selector_is_an_error() {
        let config = ExtractConfig {
            drop_selectors: vec!["((".into()],
            ..ExtractConfig::default()
        };
        let err = HtmlExtractor::new(&config).unwrap_err();
        assert!(err.to_string().contains("`((`"), "{err}");
    }

    #[test]
    fn review_date_found_outside_main() -> TestResult {
        let html = r#"<html><head><title>P</title></head><body><main><p>Words.</p></main>
            <footer><p>Page last updated: 2024-06-30</p></footer></body></html>"#;
        let page = extract(html)?;
        assert_eq!(
            page.record.last_reviewed,
            NaiveDate::from_ymd_opt(2024, 6, 30)
        );
        Ok(())
    }
}
