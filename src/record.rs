//! The page record: what extraction produces and indexing consumes.
//!
//! This is the main contract between the pipeline stages. A [`PageRecord`] holds what one
//! fetched URL *says about itself* (title, text, links, dates). Facts that need the whole site
//! to decide (its section, whether it is a landing page, a document's parent page) are added
//! later as [`SiteFacts`], so extraction stays a pure function of one response.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whether a record is an HTML page or a linked document (PDF, DOCX, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Page,
    Document,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Document => "document",
        }
    }

    /// `page` or `document`, in any case.
    pub fn parse(text: &str) -> Option<Kind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "page" => Some(Kind::Page),
            "document" => Some(Kind::Document),
            _ => None,
        }
    }
}

/// Where on a page a link was found. Main-content links say what a page is about and
/// decide a document's parent; navigation links say which pages are the site's routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkPlace {
    /// Inside the main content.
    Main,
    /// Inside `<nav>`, the header or a menu.
    Nav,
    /// Inside the footer or other page chrome.
    Chrome,
}

/// One `<a href>` found on a page, resolved against the page URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Absolute URL after normalisation (see `crawl::urlnorm`); may point off-site.
    pub url: String,
    /// The visible link text, whitespace collapsed.
    pub text: String,
    pub place: LinkPlace,
}

/// One breadcrumb step, e.g. `Education and Learning` → `/education-and-learning/...`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crumb {
    pub label: String,
    /// Absolute normalised URL; `None` for the current page's own crumb.
    pub url: Option<String>,
}

/// Everything extraction learned from one fetched URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Canonical absolute URL: the page's identity in the index.
    pub url: String,
    pub kind: Kind,
    /// Title with surrounding whitespace collapsed; a site-wide suffix is removed later.
    pub title: String,
    /// `<meta name="description">`, or empty.
    pub description: String,
    /// `<meta name="keywords">` exactly as written (sentences or a comma list), or empty.
    pub keywords: String,
    /// Text of `<h1>`..`<h6>` inside the main content, in order.
    pub headings: Vec<String>,
    /// Main text: blocks (paragraphs, list items, cells) separated by `\n`.
    pub body: String,
    pub breadcrumbs: Vec<Crumb>,
    /// Links in document order.
    pub links: Vec<Link>,
    /// ISO 639-3 code from whatlang (`eng`), when it was confident.
    pub language: Option<String>,
    /// A visible "Last reviewed" / "Last updated" date on the page.
    pub last_reviewed: Option<NaiveDate>,
    /// The response's media type without parameters, e.g. `text/html`, `application/pdf`.
    pub content_type: String,
    /// Size of the response body as fetched.
    pub size_bytes: u64,
    /// SHA-256 of the response body, hex.
    pub content_hash: String,
}

/// The form the meta keywords are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeywordForm {
    /// Natural sentences that read well beneath a result.
    Sentence,
    /// A comma-separated list of terms.
    List,
    None,
}

/// Who a page is written for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Families, children and young people: the Local Offer's core audience.
    #[default]
    Family,
    /// Schools, settings and practitioners.
    Professional,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Family => "family",
            Audience::Professional => "professional",
        }
    }

    /// `family` or `professional` (or their plurals), in any case.
    pub fn parse(text: &str) -> Option<Audience> {
        match text.trim().to_ascii_lowercase().as_str() {
            "family" | "families" => Some(Audience::Family),
            "professional" | "professionals" => Some(Audience::Professional),
            _ => None,
        }
    }
}

/// Where a page sits on the support pathway.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Information, advice and early help open to everyone.
    #[default]
    Universal,
    /// Extra help for some: SEN support in school, outreach, short breaks.
    Targeted,
    /// EHC needs assessments and plans, CAMHS, specialist panels and provision.
    Specialist,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Universal => "universal",
            Stage::Targeted => "targeted",
            Stage::Specialist => "specialist",
        }
    }
}

/// Facts about a record that need the whole crawled site to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteFacts {
    /// Path and query relative to the site root, e.g. `/early-years/early-years.aspx`.
    pub path: String,
    /// Title with any site-wide suffix removed.
    pub title: String,
    /// Slug of the route this record belongs to, e.g. `education-and-learning`.
    pub section: Option<String>,
    /// Human label of that route, e.g. `Education and Learning`.
    pub section_label: Option<String>,
    /// Whether this is a landing page (home, route, or topic page).
    pub landing: bool,
    /// Path depth: `/` is 0, `/a/` 1, `/a/b.aspx` 2.
    pub depth: u32,
    /// For documents: the first page that links to it in its main content.
    pub parent_url: Option<String>,
    pub parent_title: Option<String>,
    /// How many distinct crawled pages link here.
    pub inbound_links: u32,
    pub keyword_form: KeywordForm,
    /// The text names the area the Local Offer serves (from `site.area_names`, or the
    /// site-wide title suffix).
    #[serde(default)]
    pub local: bool,
    #[serde(default)]
    pub audience: Audience,
    /// The rule that set the audience, for explain.
    #[serde(default)]
    pub audience_rule: String,
    #[serde(default)]
    pub stage: Stage,
    /// The rule that set the stage, for explain.
    #[serde(default)]
    pub stage_rule: String,
}

/// A record ready for indexing: what the page says plus what the site says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexRecord {
    pub page: PageRecord,
    pub facts: SiteFacts,
}
