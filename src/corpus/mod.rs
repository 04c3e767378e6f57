//! Generated Local Offer sites, for benchmarks and load tests.
//!
//! A [`Site`] is decided by its page count and seed alone: the same pair gives the same
//! pages byte for byte, so runs on different days compare. The layout (paths, titles, who
//! links to whom) is decided up front; each page's HTML is generated from its number when
//! asked for, so a site of 100,000 pages can be written to a folder or served on loopback
//! without being held in memory.
//!
//! The site has the shape of a council's Local Offer: a home page, route pages in the main
//! navigation, topic pages in folders named after them, leaf pages under each topic, and
//! PDF and Word documents linked from the pages about them. Text is drawn from word lists of
//! our own with a Zipf distribution, with each page's topic, its acronym and related words
//! mixed in, so that real queries ("short breaks", "EHCP", "autism assessment") meet
//! posting lists of realistic lengths.

pub mod document;
mod page;
pub mod records;
pub mod serve;
mod words;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

pub use words::{SECTIONS, TOPICS};

/// A small, fast, seedable random number generator (SplitMix64). Not for cryptography: it
/// only has to be deterministic and well spread.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// A generator for one numbered item of a seeded whole, independent of the others.
    pub fn for_item(seed: u64, stream: u64, item: u64) -> Rng {
        let mut mixer = Rng::new(seed);
        let base = mixer.next_u64() ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng::new(base ^ item.wrapping_mul(0xA24B_AED4_963E_E407))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `0..bound`; `bound` must not be 0.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }

    /// A uniform number in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Words sampled by rank with probability proportional to `1 / rank^s`.
#[derive(Debug, Clone)]
pub struct Zipf {
    words: Vec<&'static str>,
    cumulative: Vec<f64>,
}

/// Exponent of the rank distribution; natural text is close to 1.
const ZIPF_EXPONENT: f64 = 1.05;

impl Zipf {
    fn new(words: Vec<&'static str>) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|rank| {
                total += 1.0 / ((rank + 1) as f64).powf(ZIPF_EXPONENT);
                total
            })
            .collect::<Vec<f64>>()
            .into_iter()
            .map(|sum| sum / total)
            .collect();
        Zipf { words, cumulative }
    }

    pub fn sample(&self, rng: &mut Rng) -> &'static str {
        let target = rng.unit();
        let rank = self.cumulative.partition_point(|&sum| sum < target);
        self.words[rank.min(self.words.len() - 1)]
    }
}

/// What a generated site is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteSpec {
    /// HTML pages, the home page included; documents come on top (about one per 20 pages).
    pub pages: usize,
    pub seed: u64,
}

impl SiteSpec {
    pub fn new(pages: usize, seed: u64) -> SiteSpec {
        SiteSpec { pages, seed }
    }
}

/// The seed used when none is given, so that "the 10k corpus" means one site.
pub const DEFAULT_SEED: u64 = 20_261_203;

/// What a page is in the site's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Home,
    /// A route page in the main navigation.
    Route,
    /// A topic page: `/section/topic/topic.html`.
    Topic {
        topic: usize,
    },
    /// A page under a topic.
    Leaf {
        topic: usize,
    },
}

#[derive(Debug, Clone)]
pub struct PageInfo {
    pub path: String,
    pub title: String,
    pub role: Role,
    pub section: usize,
    pub last_reviewed: NaiveDate,
    /// Documents this page links to (indexes into [`Site::documents`]).
    pub documents: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct TopicInfo {
    /// Index into [`TOPICS`].
    pub seed: usize,
    pub title: String,
    /// The page of the topic itself.
    pub page: usize,
    pub section: usize,
    /// Leaf pages under the topic.
    pub leaves: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Pdf,
    Docx,
}

#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub path: String,
    pub title: String,
    pub format: DocumentFormat,
    /// The page that links to it.
    pub parent: usize,
    pub topic: usize,
}

/// What a path of the site answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page(usize),
    Document(usize),
}

/// One generated Local Offer site: its layout, and the means to generate any page of it.
#[derive(Debug, Clone)]
pub struct Site {
    pub spec: SiteSpec,
    /// The area the Local Offer serves, e.g. `Ashcombe`.
    pub area: String,
    pub pages: Vec<PageInfo>,
    pub topics: Vec<TopicInfo>,
    pub documents: Vec<DocumentInfo>,
    by_path: HashMap<String, Target>,
    vocabulary: Zipf,
}

/// One document for about this many pages.
const PAGES_PER_DOCUMENT: usize = 20;
/// One topic page for about this many pages, on large sites.
const PAGES_PER_TOPIC: usize = 25;

impl Site {
    /// Decides the layout of the site `spec` describes. Costs a few hundred milliseconds for
    /// 100,000 pages; the pages themselves are generated by [`Site::page_html`].
    pub fn new(spec: SiteSpec) -> Site {
        let mut rng = Rng::for_item(spec.seed, 0, 0);
        let area = place_name(&mut rng);
        let vocabulary = Zipf::new(words::BODY_WORDS.split_whitespace().collect());
        let mut site = Site {
            spec,
            area,
            pages: Vec::new(),
            topics: Vec::new(),
            documents: Vec::new(),
            by_path: HashMap::new(),
            vocabulary,
        };
        let mut taken: HashSet<String> = HashSet::new();

        site.add_page(
            &mut rng,
            &mut taken,
            "/".into(),
            "Home".into(),
            Role::Home,
            0,
        );
        for (section, (slug, label)) in SECTIONS.iter().enumerate() {
            let path = format!("/{slug}/{slug}.html");
            site.add_page(
                &mut rng,
                &mut taken,
                path,
                label.to_string(),
                Role::Route,
                section,
            );
        }

        let fixed = 1 + SECTIONS.len();
        let room = spec.pages.saturating_sub(fixed);
        let num_topics = (spec.pages / PAGES_PER_TOPIC)
            .max(TOPICS.len().min(room / 4))
            .min(room);
        for number in 0..num_topics {
            let seed = number % TOPICS.len();
            let base = &TOPICS[seed];
            let title = if number < TOPICS.len() {
                base.name.to_string()
            } else {
                format!("{} in {}", base.name, place_name(&mut rng))
            };
            let section_slug = SECTIONS[base.section].0;
            let slug = unique_slug(&mut taken, section_slug, &slugify(&title));
            let path = format!("/{section_slug}/{slug}/{slug}.html");
            let topic = site.topics.len();
            let page = site.add_page(
                &mut rng,
                &mut taken,
                path,
                title.clone(),
                Role::Topic { topic },
                base.section,
            );
            site.topics.push(TopicInfo {
                seed,
                title,
                page,
                section: base.section,
                leaves: Vec::new(),
            });
        }

        let num_leaves = spec.pages.saturating_sub(fixed + num_topics);
        for number in 0..num_leaves {
            if site.topics.is_empty() {
                break;
            }
            let topic = number % site.topics.len();
            let title = leaf_title(&mut rng, &TOPICS[site.topics[topic].seed]);
            let topic_page = &site.pages[site.topics[topic].page];
            let folder = topic_page
                .path
                .rsplit_once('/')
                .map_or("", |(folder, _)| folder)
                .to_string();
            let slug = unique_slug(&mut taken, &folder, &slugify(&title));
            let path = format!("{folder}/{slug}.html");
            let section = site.topics[topic].section;
            let page = site.add_page(
                &mut rng,
                &mut taken,
                path,
                title,
                Role::Leaf { topic },
                section,
            );
            site.topics[topic].leaves.push(page);
        }

        let num_documents = site.pages.len() / PAGES_PER_DOCUMENT;
        for number in 0..num_documents {
            let Some(parent) = site.document_parent(&mut rng) else {
                break;
            };
            let topic = match site.pages[parent].role {
                Role::Topic { topic } | Role::Leaf { topic } => topic,
                Role::Home | Role::Route => 0,
            };
            let base = &TOPICS[site.topics[topic].seed];
            let kind = rng.pick(words::DOCUMENT_KINDS);
            let title = format!("{} {kind}", base.name);
            let format = if number % 5 < 3 {
                DocumentFormat::Pdf
            } else {
                DocumentFormat::Docx
            };
            let extension = match format {
                DocumentFormat::Pdf => "pdf",
                DocumentFormat::Docx => "docx",
            };
            let slug = unique_slug(&mut taken, "/documents", &slugify(&title));
            let path = format!("/documents/{slug}.{extension}");
            let document = site.documents.len();
            site.by_path
                .insert(path.clone(), Target::Document(document));
            site.pages[parent].documents.push(document);
            site.documents.push(DocumentInfo {
                path,
                title,
                format,
                parent,
                topic,
            });
        }
        site
    }

    fn add_page(
        &mut self,
        rng: &mut Rng,
        taken: &mut HashSet<String>,
        path: String,
        title: String,
        role: Role,
        section: usize,
    ) -> usize {
        taken.insert(path.clone());
        let index = self.pages.len();
        self.by_path.insert(path.clone(), Target::Page(index));
        let day = rng.below(3 * 365) as u64;
        let first = NaiveDate::from_ymd_opt(2024, 1, 1).expect("1 January 2024 is a calendar date");
        let last_reviewed = first
            .checked_add_days(chrono::Days::new(day))
            .unwrap_or(first);
        self.pages.push(PageInfo {
            path,
            title,
            role,
            section,
            last_reviewed,
            documents: Vec::new(),
        });
        index
    }

    /// A leaf page to hang a document on (a topic page when there are no leaves).
    fn document_parent(&self, rng: &mut Rng) -> Option<usize> {
        let topic = self.topics.get(rng.below(self.topics.len().max(1)))?;
        if topic.leaves.is_empty() {
            return Some(topic.page);
        }
        Some(*rng.pick(&topic.leaves))
    }

    /// The title suffix every page shares, e.g. ` - Ashcombe Local Offer`.
    pub fn title_suffix(&self) -> String {
        format!(" - {} Local Offer", self.area)
    }

    /// What `path` (with its leading slash, without a query) answers with.
    pub fn lookup(&self, path: &str) -> Option<Target> {
        if path.is_empty() || path == "/index.html" {
            return Some(Target::Page(0));
        }
        self.by_path.get(path).copied()
    }

    /// The page's HTML, as a site would serve it.
    pub fn page_html(&self, index: usize) -> String {
        page::render(self, index)
    }

    /// The document's bytes: a small PDF or DOCX of generated text.
    pub fn document_bytes(&self, index: usize) -> Vec<u8> {
        document::render(self, index)
    }

    /// `robots.txt` naming the sitemap at `base_url` (no trailing slash).
    pub fn robots_txt(&self, base_url: &str) -> String {
        format!("User-agent: *\nDisallow: /search\n\nSitemap: {base_url}/sitemap.xml\n")
    }

    /// Number of sitemap files below the sitemap index.
    pub fn sitemap_parts(&self) -> usize {
        self.pages.len().div_ceil(SITEMAP_URLS_PER_FILE).max(1)
    }

    /// `sitemap.xml`: an index of [`Site::sitemap_parts`] files.
    pub fn sitemap_index(&self, base_url: &str) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for part in 0..self.sitemap_parts() {
            xml.push_str(&format!(
                "<sitemap><loc>{base_url}/sitemap-{part}.xml</loc></sitemap>\n"
            ));
        }
        xml.push_str("</sitemapindex>\n");
        xml
    }

    /// One sitemap file: the pages `part * 10,000 ..` with their review dates.
    pub fn sitemap_part(&self, base_url: &str, part: usize) -> Option<String> {
        let start = part * SITEMAP_URLS_PER_FILE;
        if start >= self.pages.len() && part > 0 {
            return None;
        }
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for page in self.pages.iter().skip(start).take(SITEMAP_URLS_PER_FILE) {
            xml.push_str(&format!(
                "<url><loc>{base_url}{}</loc><lastmod>{}</lastmod></url>\n",
                page.path, page.last_reviewed
            ));
        }
        xml.push_str("</urlset>\n");
        Some(xml)
    }

    pub(crate) fn vocabulary(&self) -> &Zipf {
        &self.vocabulary
    }
}

/// URLs per sitemap file; the protocol allows 50,000.
const SITEMAP_URLS_PER_FILE: usize = 10_000;

/// A made-up English place name: `Thornley`, `Ashcombe`.
fn place_name(rng: &mut Rng) -> String {
    format!(
        "{}{}",
        rng.pick(words::PLACE_STARTS),
        rng.pick(words::PLACE_ENDS)
    )
}

/// `name` as it reads inside a sentence: "Short breaks" → "short breaks", but "EHC needs
/// assessment" and "ADHD assessment" keep their capitals.
pub(crate) fn mid_sentence(name: &str) -> String {
    let mut chars = name.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return name.to_string();
    };
    if second.is_some_and(|c| c.is_uppercase()) {
        return name.to_string();
    }
    let mut out: String = first.to_lowercase().collect();
    out.extend(name.chars().skip(1));
    out
}

fn leaf_title(rng: &mut Rng, topic: &words::TopicSeed) -> String {
    let name = topic.name;
    let lower = mid_sentence(name);
    match rng.below(7) {
        0 => format!("{name} in {}", place_name(rng)),
        1 => format!("{} {}", place_name(rng), rng.pick(words::PLACE_KINDS)),
        2 => format!("{name} for {}", rng.pick(words::AUDIENCES)),
        3 => format!("{} {lower}", rng.pick(words::TITLE_LEADS)),
        4 => format!("{} {lower} group", place_name(rng)),
        5 => {
            let related = rng.pick(topic.related);
            format!("{name}: {related}")
        }
        _ => format!("{} and {lower}", rng.pick(words::HEADINGS)),
    }
}

/// Lower-case words of `text` joined by hyphens: "Post-16 transport" → `post-16-transport`.
pub(crate) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// `slug`, or `slug-2`, `slug-3`... so that `folder/slug` is not yet taken.
fn unique_slug(taken: &mut HashSet<String>, folder: &str, slug: &str) -> String {
    let mut candidate = slug.to_string();
    let mut number = 2;
    while !taken.insert(format!("{folder}/{candidate}")) {
        candidate = format!("{slug}-{number}");
        number += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_site_other_seed_other_site() {
        let first = Site::new(SiteSpec::new(300, 7));
        let again = Site::new(SiteSpec::new(300, 7));
        let other = Site::new(SiteSpec::new(300, 8));
        assert_eq!(first.pages.len(), 300);
        assert_eq!(first.page_html(150), again.page_html(150));
        assert_eq!(first.document_bytes(3), again.document_bytes(3));
        assert_ne!(first.page_html(150), other.page_html(150));
    }

    #[test]
    fn every_path_is_unique_and_found() {
        let site = Site::new(SiteSpec::new(2_000, DEFAULT_SEED));
        for (index, page) in site.pages.iter().enumerate() {
            assert_eq!(site.lookup(&page.path), Some(Target::Page(index)));
        }
        for (index, document) in site.documents.iter().enumerate() {
            assert_eq!(site.lookup(&document.path), Some(Target::Document(index)));
        }
        assert_eq!(site.documents.len(), 100);
        assert_eq!(site.lookup("/nowhere.html"), None);
    }

    #[test]
    fn zipf_favours_the_first_words() {
        let zipf = Zipf::new(vec!["the", "and", "rare"]);
        let mut rng = Rng::new(1);
        let draws: Vec<&str> = (0..3_000).map(|_| zipf.sample(&mut rng)).collect();
        let count = |word: &str| draws.iter().filter(|drawn| **drawn == word).count();
        assert!(count("the") > count("and"));
        assert!(count("and") > count("rare"));
        assert!(count("rare") > 0);
    }

    #[test]
    fn slugs_and_sentence_case() {
        assert_eq!(slugify("Post-16 transport"), "post-16-transport");
        assert_eq!(
            slugify("Education, health and care plans"),
            "education-health-and-care-plans"
        );
        assert_eq!(mid_sentence("Short breaks"), "short breaks");
        assert_eq!(mid_sentence("EHC needs assessment"), "EHC needs assessment");
    }
}
