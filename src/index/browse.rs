//! The A to Z: topics of the site, each pointing to its landing page and then its pages.
//!
//! Topics come from the site's own words: page titles (a question title such as "What is
//! inclusion funding?" gives the topic "Inclusion funding"), comma-list keywords, and
//! headings that several pages share. A topic holds the pages whose title, headings or
//! keywords name it, grouped by route, with the page that is the way in to it first. The
//! index is built with each generation, so it is always in step with what search finds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::schema::analyze;
use crate::record::{IndexRecord, KeywordForm, Kind};
use crate::search::description_of;
use crate::search::query::is_stop_term;

/// Pages listed under one topic, beyond its landing page.
const MAX_PAGES_PER_TOPIC: usize = 12;
/// Topics kept in all; the most used first when there are more.
const MAX_TOPICS: usize = 2_000;
/// A topic name longer than this, in words, is a sentence, not a topic.
const MAX_TOPIC_WORDS: usize = 6;
/// A heading becomes a topic only when this short, and never when it asks a question.
const MAX_HEADING_TOPIC_WORDS: usize = 4;
/// A name that this share of all pages holds is the site's subject, not a topic in it.
const MAX_TOPIC_SHARE: f64 = 0.25;
/// Headings starting like this say whom a part of a page is for, not what it is about.
const GENERIC_HEADING_STARTS: &[&str] = &[
    "information for",
    "help for",
    "advice for",
    "support for",
    "contact",
];

/// Headings that organise a page rather than name a topic, and names of a site's own
/// navigation (its home page, its A to Z).
const GENERIC_HEADINGS: &[&str] = &[
    "a to z",
    "a-z",
    "home",
    "home page",
    "about",
    "about us",
    "applications",
    "apply",
    "contact",
    "contact us",
    "contacts",
    "documents",
    "downloads",
    "eligibility",
    "faqs",
    "find out more",
    "further information",
    "get in touch",
    "how does it work",
    "how to apply",
    "in this section",
    "introduction",
    "key information",
    "more information",
    "news",
    "next steps",
    "overview",
    "pages in this section",
    "related documents",
    "related links",
    "related pages",
    "summary",
    "useful links",
    "what happens next",
    "who can apply",
    "who is it for",
    "want to know more",
    "information on partner websites",
    "other information",
    "resources",
    "help",
    "we offer",
    "what we offer",
    "our services",
    "who we are",
];

/// A page as the A to Z shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TopicPage {
    pub title: String,
    pub path: String,
    pub url: String,
    /// The keyword sentence, else the meta description, else the opening sentence.
    pub description: String,
    pub landing: bool,
}

/// The pages of one route under a topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RouteGroup {
    /// Section slug; `None` for pages outside the routes.
    pub section: Option<String>,
    pub label: String,
    #[serde(deserialize_with = "shared::pages")]
    #[schema(value_type = Vec<TopicPage>)]
    pub pages: Vec<Arc<TopicPage>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Topic {
    pub name: String,
    /// `A`..`Z`, or `0-9`.
    pub letter: String,
    /// The way in to the topic: its landing page, or the page named after it.
    #[serde(deserialize_with = "shared::page")]
    #[schema(value_type = TopicPage)]
    pub landing: Arc<TopicPage>,
    /// Other pages about it, by route.
    pub routes: Vec<RouteGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Letter {
    pub letter: String,
    pub topics: Vec<Topic>,
}

/// The whole A to Z of one generation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AtoZ {
    pub introduction: String,
    pub letters: Vec<Letter>,
}

impl AtoZ {
    /// Reads an A to Z written by [`build`]. A page listed under many topics is held once:
    /// on a large site the same few thousand pages fill some hundred thousand places.
    pub fn from_json(bytes: &[u8]) -> serde_json::Result<AtoZ> {
        let atoz = serde_json::from_slice(bytes);
        shared::forget();
        atoz
    }
}

/// Deserialising A to Z pages into one shared copy per page.
mod shared {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer};

    use super::TopicPage;

    thread_local! {
        static SEEN: RefCell<HashMap<String, Arc<TopicPage>>> = RefCell::new(HashMap::new());
    }

    fn share(page: TopicPage) -> Arc<TopicPage> {
        SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            match seen.get(&page.path) {
                Some(known) if **known == page => known.clone(),
                _ => {
                    let page = Arc::new(page);
                    seen.insert(page.path.clone(), page.clone());
                    page
                }
            }
        })
    }

    /// Drops the pages kept for sharing once a whole A to Z has been read.
    pub fn forget() {
        SEEN.with(|seen| *seen.borrow_mut() = HashMap::new());
    }

    pub fn page<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<TopicPage>, D::Error> {
        TopicPage::deserialize(deserializer).map(share)
    }

    pub fn pages<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Arc<TopicPage>>, D::Error> {
        let pages = Vec::<TopicPage>::deserialize(deserializer)?;
        Ok(pages.into_iter().map(share).collect())
    }
}

/// How to use the A to Z, for families: short sentences, no terms of ours.
const INTRODUCTION: &str = "Topics are listed in alphabetical order. Choose the first \
letter of what you are looking for, then find your topic. The first page listed under a \
topic is the best place to start. Other pages about the same topic come after it, grouped \
by area, such as education, health or social care.";

/// "What is inclusion funding?" → "Inclusion funding"; other titles unchanged but trimmed.
pub fn topic_from_title(title: &str) -> String {
    let trimmed = title.trim().trim_end_matches(['?', '.', '!', ':']).trim();
    let mut words: Vec<&str> = trimmed.split_whitespace().collect();
    let question = title.trim().ends_with('?');
    if question {
        let lead = ["is", "are", "get", "do", "does", "can", "about"];
        let opening = &words[..words.len().min(6)];
        if let Some(position) = opening
            .iter()
            .rposition(|word| lead.contains(&word.to_lowercase().as_str()))
        {
            words.drain(..=position);
            let articles = ["a", "an", "the", "my", "our", "i"];
            while words
                .first()
                .is_some_and(|word| articles.contains(&word.to_lowercase().as_str()))
            {
                words.remove(0);
            }
        }
    }
    let joined = words.join(" ");
    let mut characters = joined.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The words that identify a topic, whatever their order or endings.
fn topic_key(name: &str) -> Vec<String> {
    let mut terms: Vec<String> = analyze(name)
        .into_iter()
        .filter(|term| !is_stop_term(term))
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

fn letter_of(name: &str) -> String {
    match name.chars().find(|c| c.is_alphanumeric()) {
        Some(c) if c.is_ascii_digit() => "0-9".to_string(),
        Some(c) => c.to_uppercase().collect(),
        None => "#".to_string(),
    }
}

fn is_generic(name: &str) -> bool {
    let lower = name.to_lowercase();
    let plain = lower.trim_end_matches(['?', '.', ':']).trim();
    GENERIC_HEADINGS.contains(&plain)
}

/// Builds the A to Z from the records of one generation.
pub fn build(records: &[IndexRecord]) -> AtoZ {
    let pages: Vec<&IndexRecord> = records
        .iter()
        .filter(|record| record.page.kind == Kind::Page)
        .collect();

    // What each page names: its title, headings and keyword phrases, as analysed terms.
    let named: Vec<HashSet<String>> = pages
        .iter()
        .map(|record| {
            let mut texts = vec![record.facts.title.clone()];
            texts.extend(record.page.headings.iter().cloned());
            texts.push(record.page.keywords.clone());
            texts.iter().flat_map(|text| analyze(text)).collect()
        })
        .collect();

    // Candidate names, by key; titles win over keyword phrases over headings.
    let mut names: BTreeMap<Vec<String>, (u8, String)> = BTreeMap::new();
    let mut heading_uses: HashMap<Vec<String>, usize> = HashMap::new();
    let offer = |name: String, rank: u8, names: &mut BTreeMap<Vec<String>, (u8, String)>| {
        let words = name.split_whitespace().count();
        if words == 0 || words > MAX_TOPIC_WORDS || is_generic(&name) {
            return;
        }
        let key = topic_key(&name);
        if key.is_empty() {
            return;
        }
        let better = names.get(&key).is_none_or(|(current, _)| rank < *current);
        if better {
            names.insert(key, (rank, name));
        }
    };
    for record in &pages {
        offer(topic_from_title(&record.facts.title), 0, &mut names);
        if record.facts.keyword_form == KeywordForm::List {
            for phrase in record.page.keywords.split([',', ';']) {
                offer(topic_from_title(phrase), 1, &mut names);
            }
        }
        for heading in &record.page.headings {
            let key = topic_key(heading);
            if !key.is_empty() {
                *heading_uses.entry(key).or_default() += 1;
            }
        }
    }
    for record in &pages {
        for heading in &record.page.headings {
            let lower = heading.trim().to_lowercase();
            let usable = !lower.ends_with('?')
                && heading.split_whitespace().count() <= MAX_HEADING_TOPIC_WORDS
                && !GENERIC_HEADING_STARTS
                    .iter()
                    .any(|start| lower.starts_with(start));
            if usable && heading_uses.get(&topic_key(heading)).copied().unwrap_or(0) >= 2 {
                offer(topic_from_title(heading), 2, &mut names);
            }
        }
    }
    let max_holders = ((pages.len() as f64 * MAX_TOPIC_SHARE).ceil() as usize).max(3);

    // The pages naming each term, in page order, so that a topic's holders come from its
    // rarest term's pages rather than from a pass over every page.
    let mut naming: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, terms) in named.iter().enumerate() {
        for term in terms {
            naming.entry(term.as_str()).or_default().push(index);
        }
    }
    let mut titles: HashMap<usize, Vec<String>> = HashMap::new();

    let mut candidates: Vec<(usize, String, Vec<usize>, Vec<usize>)> = Vec::new();
    for (key, (_, name)) in names {
        let rarest = key
            .iter()
            .map(|term| naming.get(term.as_str()).map_or(&[][..], Vec::as_slice))
            .min_by_key(|indexes| indexes.len())
            .unwrap_or(&[]);
        let holders: Vec<usize> = rarest
            .iter()
            .copied()
            .filter(|index| key.iter().all(|term| named[*index].contains(term)))
            .collect();
        if holders.len() > max_holders {
            continue;
        }
        let title_holders: Vec<usize> = holders
            .iter()
            .copied()
            .filter(|index| {
                let title = titles
                    .entry(*index)
                    .or_insert_with(|| analyze(&pages[*index].facts.title));
                key.iter().all(|term| title.contains(term))
            })
            .collect();
        if title_holders.is_empty() && holders.len() < 2 {
            continue;
        }
        candidates.push((holders.len(), name, holders, title_holders));
    }

    // Only the topics named by most pages are kept; they are built once chosen.
    if candidates.len() > MAX_TOPICS {
        candidates.sort_by_key(|(holders, ..)| std::cmp::Reverse(*holders));
        candidates.truncate(MAX_TOPICS);
    }
    let mut topics: Vec<Topic> = Vec::with_capacity(candidates.len());
    for (_, name, holders, title_holders) in candidates {
        // The way in: a landing page named after the topic (the shallowest), else the page
        // whose title names it most plainly (the shortest), else the first that names it.
        let landing_index = title_holders
            .iter()
            .copied()
            .min_by_key(|index| {
                let facts = &pages[*index].facts;
                (!facts.landing, facts.depth, facts.title.len())
            })
            .or_else(|| holders.first().copied());
        let Some(landing_index) = landing_index else {
            continue;
        };
        let mut routes: BTreeMap<Option<String>, RouteGroup> = BTreeMap::new();
        for index in holders
            .iter()
            .copied()
            .filter(|index| *index != landing_index)
        {
            let facts = &pages[index].facts;
            let group = routes
                .entry(facts.section.clone())
                .or_insert_with(|| RouteGroup {
                    section: facts.section.clone(),
                    label: facts
                        .section_label
                        .clone()
                        .unwrap_or_else(|| "Other pages".to_string()),
                    pages: Vec::new(),
                });
            if group.pages.len() < MAX_PAGES_PER_TOPIC {
                group.pages.push(Arc::new(topic_page(pages[index])));
            }
        }
        let topic = Topic {
            letter: letter_of(&name),
            name,
            landing: Arc::new(topic_page(pages[landing_index])),
            routes: routes.into_values().collect(),
        };
        topics.push(topic);
    }

    let mut by_letter: BTreeMap<String, Vec<Topic>> = BTreeMap::new();
    for topic in topics {
        by_letter
            .entry(topic.letter.clone())
            .or_default()
            .push(topic);
    }
    let letters = by_letter
        .into_iter()
        .map(|(letter, mut topics)| {
            topics.sort_by_key(|topic| topic.name.to_lowercase());
            Letter { letter, topics }
        })
        .collect();
    AtoZ {
        introduction: INTRODUCTION.to_string(),
        letters,
    }
}

fn topic_page(record: &IndexRecord) -> TopicPage {
    TopicPage {
        title: record.facts.title.clone(),
        path: record.facts.path.clone(),
        url: record.page.url.clone(),
        description: description_of(record),
        landing: record.facts.landing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::site::{SiteRules, analyse};
    use crate::record::{Crumb, PageRecord};

    #[test]
    fn question_titles_give_plain_topics() {
        assert_eq!(
            topic_from_title("What is inclusion funding?"),
            "Inclusion funding"
        );
        assert_eq!(
            topic_from_title("How can my child get an EHC plan?"),
            "EHC plan"
        );
        assert_eq!(topic_from_title("Short breaks"), "Short breaks");
        assert_eq!(topic_from_title("What are short breaks?"), "Short breaks");
    }

    fn page(url: &str, title: &str, headings: &[&str], section: (&str, &str)) -> PageRecord {
        PageRecord {
            url: url.into(),
            kind: Kind::Page,
            title: format!("{title} - Site"),
            description: format!("About {title}."),
            keywords: String::new(),
            headings: headings.iter().map(|h| h.to_string()).collect(),
            body: "Text.".into(),
            breadcrumbs: vec![Crumb {
                label: section.1.into(),
                url: Some(format!("http://x/{0}/{0}.html", section.0)),
            }],
            links: Vec::new(),
            language: None,
            last_reviewed: None,
            content_type: "text/html".into(),
            size_bytes: 5,
            content_hash: url.into(),
        }
    }

    #[test]
    fn topics_point_to_their_landing_page_then_pages_by_route() {
        let records = vec![
            page(
                "http://x/care/breaks/breaks.html",
                "Short breaks",
                &["Who is it for?"],
                ("care", "Care"),
            ),
            page(
                "http://x/care/camp.html",
                "Summer camps",
                &["Short breaks in summer"],
                ("care", "Care"),
            ),
            page(
                "http://x/health/wellbeing.html",
                "Wellbeing",
                &["Short breaks for carers"],
                ("health", "Health"),
            ),
        ];
        let indexed = analyse(records, &SiteRules::default());
        let atoz = build(&indexed);
        let s = atoz
            .letters
            .iter()
            .find(|letter| letter.letter == "S")
            .expect("letter S");
        let topic = s
            .topics
            .iter()
            .find(|t| t.name == "Short breaks")
            .expect("short breaks topic");
        assert_eq!(topic.landing.path, "/care/breaks/breaks.html");
        let grouped: Vec<usize> = topic.routes.iter().map(|group| group.pages.len()).collect();
        assert_eq!(grouped.iter().sum::<usize>(), 2);
        assert!(
            atoz.letters
                .iter()
                .all(|letter| letter.topics.iter().all(|t| t.name != "Who is it for"))
        );
        assert!(!atoz.introduction.is_empty());
    }

    #[test]
    fn the_sites_own_navigation_is_not_a_topic() {
        let records = vec![
            page("http://x/", "Home", &[], ("", "")),
            page("http://x/a-z.html", "A to Z", &["A-Z"], ("", "")),
            page(
                "http://x/care/breaks/breaks.html",
                "Short breaks",
                &[],
                ("care", "Care"),
            ),
        ];
        let atoz = build(&analyse(records, &SiteRules::default()));
        let names: Vec<&str> = atoz
            .letters
            .iter()
            .flat_map(|letter| letter.topics.iter().map(|topic| topic.name.as_str()))
            .collect();
        assert!(names.contains(&"Short breaks"), "{names:?}");
        for navigation in ["Home", "A to Z", "A-Z"] {
            assert!(!names.contains(&navigation), "{names:?}");
        }
    }

    /// Read back, the A to Z is the one written, with each page held once however many
    /// topics list it.
    #[test]
    fn a_page_under_many_topics_is_read_back_once() {
        let page = |path: &str| {
            Arc::new(TopicPage {
                title: format!("Title of {path}"),
                path: path.to_string(),
                url: format!("http://x{path}"),
                description: "About it.".to_string(),
                landing: false,
            })
        };
        let topic = |name: &str, landing: &str, others: &[&str]| Topic {
            name: name.to_string(),
            letter: name[..1].to_string(),
            landing: page(landing),
            routes: vec![RouteGroup {
                section: None,
                label: "Other".to_string(),
                pages: others.iter().map(|path| page(path)).collect(),
            }],
        };
        let written = AtoZ {
            introduction: "How to use it.".to_string(),
            letters: vec![Letter {
                letter: "S".to_string(),
                topics: vec![
                    topic("Short breaks", "/a", &["/b", "/c"]),
                    topic("Speech therapy", "/b", &["/a"]),
                ],
            }],
        };
        let json = serde_json::to_vec(&written).expect("serialise");
        let read = AtoZ::from_json(&json).expect("read back");
        assert_eq!(read, written);
        let topics = &read.letters[0].topics;
        assert!(Arc::ptr_eq(
            &topics[0].landing,
            &topics[1].routes[0].pages[0]
        ));
        assert!(Arc::ptr_eq(
            &topics[0].routes[0].pages[0],
            &topics[1].landing
        ));
        assert!(!Arc::ptr_eq(
            &topics[0].landing,
            &topics[0].routes[0].pages[1]
        ));
    }
}
