//! The HTML of one generated page: page chrome (skip link, masthead, main navigation,
//! breadcrumbs, footer) around a main column of headings, paragraphs, lists and links.

use std::fmt::Write;

use super::words::{self, SECTIONS, TOPICS, TopicSeed};
use super::{Rng, Role, Site, mid_sentence};

/// Shortest and longest main text of a topic or leaf page, in words.
const MIN_WORDS: usize = 300;
const MAX_WORDS: usize = 1_500;

/// Most links a page lists in its main content.
const MAX_MAIN_LINKS: usize = 60;

/// Random stream of page text (see [`Rng::for_item`]).
const PAGE_STREAM: u64 = 1;

pub(super) fn render(site: &Site, index: usize) -> String {
    let page = &site.pages[index];
    let mut rng = Rng::for_item(site.spec.seed, PAGE_STREAM, index as u64);
    let topic_seed = topic_of(site, index).map(|topic| &TOPICS[site.topics[topic].seed]);
    let writer = TextWriter {
        site,
        topic: topic_seed,
    };

    let mut html = String::with_capacity(12 * 1024);
    let title = &page.title;
    let description = writer.sentence(&mut rng, true);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"UTF-8\">\n\
         <title>{}{}</title>\n<meta name=\"description\" content=\"{}\">\n",
        escape(title),
        escape(&site.title_suffix()),
        escape(&description)
    );
    if let Some(keywords) = writer.keywords(&mut rng) {
        let _ = writeln!(
            html,
            "<meta name=\"keywords\" content=\"{}\">",
            escape(&keywords)
        );
    }
    html.push_str("<link rel=\"stylesheet\" href=\"/assets/site.css\">\n</head>\n<body>\n");
    html.push_str("<a class=\"skip\" href=\"#main-content\">Skip to main content</a>\n");
    let _ = writeln!(
        html,
        "<header class=\"masthead\"><a class=\"brand\" href=\"/\">{} Council <span>Local \
         Offer</span></a>\n<form class=\"site-search\" action=\"/search\" method=\"get\" \
         role=\"search\"><label for=\"q\">Search</label><input id=\"q\" name=\"q\">\
         <button>Search</button></form></header>",
        escape(&site.area)
    );
    html.push_str("<nav class=\"primary\" aria-label=\"Main navigation\">\n<ul>\n");
    html.push_str("<li><a href=\"/\">Home</a></li>\n");
    for (slug, label) in SECTIONS {
        let _ = writeln!(html, "<li><a href=\"/{slug}/{slug}.html\">{label}</a></li>");
    }
    html.push_str("</ul>\n</nav>\n");
    breadcrumbs(site, index, &mut html);

    html.push_str("<main id=\"main-content\">\n");
    let _ = writeln!(html, "<h1>{}</h1>", escape(title));
    match page.role {
        Role::Home => home_body(site, &writer, &mut rng, &mut html),
        Role::Route => route_body(site, index, &writer, &mut rng, &mut html),
        Role::Topic { topic } | Role::Leaf { topic } => {
            topic_body(site, index, topic, &writer, &mut rng, &mut html)
        }
    }
    let _ = writeln!(
        html,
        "<p class=\"reviewed\">Last reviewed: {}</p>",
        page.last_reviewed
    );
    html.push_str("</main>\n");

    html.push_str("<footer><ul>\n");
    for (slug, label) in SECTIONS.iter().take(4) {
        let _ = writeln!(html, "<li><a href=\"/{slug}/{slug}.html\">{label}</a></li>");
    }
    let _ = writeln!(
        html,
        "</ul><p>&copy; {} Council. Written for benchmarks: every name is made up.</p></footer>",
        escape(&site.area)
    );
    html.push_str("</body>\n</html>\n");
    html
}

fn topic_of(site: &Site, index: usize) -> Option<usize> {
    match site.pages[index].role {
        Role::Topic { topic } | Role::Leaf { topic } => Some(topic),
        Role::Home | Role::Route => None,
    }
}

fn breadcrumbs(site: &Site, index: usize, html: &mut String) {
    let page = &site.pages[index];
    if page.role == Role::Home {
        return;
    }
    html.push_str("<nav class=\"crumbs\" aria-label=\"Breadcrumb\">\n<ol>\n");
    html.push_str("<li><a href=\"/\">Home</a></li>\n");
    let (slug, label) = SECTIONS[page.section];
    if page.role != Role::Route {
        let _ = writeln!(html, "<li><a href=\"/{slug}/{slug}.html\">{label}</a></li>");
    }
    if let Role::Leaf { topic } = page.role {
        let topic_page = &site.pages[site.topics[topic].page];
        let _ = writeln!(
            html,
            "<li><a href=\"{}\">{}</a></li>",
            topic_page.path,
            escape(&topic_page.title)
        );
    }
    let _ = writeln!(
        html,
        "<li aria-current=\"page\">{}</li>\n</ol>\n</nav>",
        escape(&page.title)
    );
}

fn home_body(site: &Site, writer: &TextWriter<'_>, rng: &mut Rng, html: &mut String) {
    writer.paragraphs(rng, 2, html);
    html.push_str("<h2>Find support</h2>\n<ul class=\"routes\">\n");
    for (slug, label) in SECTIONS {
        let _ = writeln!(html, "<li><a href=\"/{slug}/{slug}.html\">{label}</a></li>");
    }
    html.push_str("</ul>\n<h2>Popular topics</h2>\n<ul>\n");
    for topic in site.topics.iter().take(MAX_MAIN_LINKS / 2) {
        let page = &site.pages[topic.page];
        let _ = writeln!(
            html,
            "<li><a href=\"{}\">{}</a></li>",
            page.path,
            escape(&page.title)
        );
    }
    html.push_str("</ul>\n");
    writer.paragraphs(rng, 2, html);
}

fn route_body(
    site: &Site,
    index: usize,
    writer: &TextWriter<'_>,
    rng: &mut Rng,
    html: &mut String,
) {
    let section = site.pages[index].section;
    writer.paragraphs(rng, 2, html);
    html.push_str("<h2>In this section</h2>\n<ul>\n");
    let in_section = site
        .topics
        .iter()
        .filter(|topic| topic.section == section)
        .take(MAX_MAIN_LINKS);
    for topic in in_section {
        let page = &site.pages[topic.page];
        let _ = writeln!(
            html,
            "<li><a href=\"{}\">{}</a></li>",
            page.path,
            escape(&page.title)
        );
    }
    html.push_str("</ul>\n");
    writer.paragraphs(rng, 3, html);
}

fn topic_body(
    site: &Site,
    index: usize,
    topic: usize,
    writer: &TextWriter<'_>,
    rng: &mut Rng,
    html: &mut String,
) {
    let page = &site.pages[index];
    let info = &site.topics[topic];
    let target_words = MIN_WORDS + rng.below(MAX_WORDS - MIN_WORDS + 1);
    let mut written = writer.paragraphs(rng, 1, html);
    while written < target_words {
        let heading = writer.heading(rng);
        let _ = writeln!(html, "<h2>{}</h2>", escape(&heading));
        written += heading.split(' ').count();
        if rng.chance(0.25) {
            written += writer.list(rng, html);
        } else {
            let count = 1 + rng.below(3);
            written += writer.paragraphs(rng, count, html);
        }
    }

    // Links in the main content: the topic's pages, a few neighbours, other topics. A leaf
    // links to fewer pages of its own folder than `landing.min_child_links`, so that only
    // the topic page is a landing page, as on a real Local Offer.
    html.push_str("<h2>Related pages</h2>\n<ul>\n");
    let mut linked: Vec<usize> = Vec::new();
    if index == info.page {
        linked.extend(info.leaves.iter().take(MAX_MAIN_LINKS).copied());
    } else {
        linked.push(info.page);
        let position = info.leaves.iter().position(|&leaf| leaf == index);
        if let Some(position) = position {
            let neighbours = info.leaves.iter().cycle().skip(position + 1).take(3);
            linked.extend(neighbours.filter(|&&leaf| leaf != index));
        }
    }
    for _ in 0..2 {
        let other = rng.pick(&site.topics);
        linked.push(other.page);
    }
    linked.dedup();
    for target in linked {
        let target_page = &site.pages[target];
        let _ = writeln!(
            html,
            "<li><a href=\"{}\">{}</a></li>",
            target_page.path,
            escape(&target_page.title)
        );
    }
    html.push_str("</ul>\n");

    if !page.documents.is_empty() {
        html.push_str("<h2>Documents</h2>\n<ul class=\"documents\">\n");
        for &document in &page.documents {
            let info = &site.documents[document];
            let _ = writeln!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                info.path,
                escape(&info.title)
            );
        }
        html.push_str("</ul>\n");
    }
}

/// Writes generated text about one topic (or about the site, for the home and route pages).
pub(super) struct TextWriter<'a> {
    pub(super) site: &'a Site,
    pub(super) topic: Option<&'static TopicSeed>,
}

impl TextWriter<'_> {
    /// One sentence: Zipf-drawn words with the topic, its acronym, related words and the
    /// area's name mixed in. `about` puts the topic's name in it for sure.
    pub(super) fn sentence(&self, rng: &mut Rng, about: bool) -> String {
        let length = 6 + rng.below(14);
        let vocabulary = self.site.vocabulary();
        let mut words: Vec<String> = Vec::with_capacity(length + 4);
        let topic_at = if about || rng.chance(0.35) {
            Some(rng.below(length))
        } else {
            None
        };
        for position in 0..length {
            if Some(position) == topic_at {
                match self.topic {
                    Some(topic) => words.push(mid_sentence(topic.name)),
                    None => words.push(self.site.area.clone()),
                }
                continue;
            }
            let roll = rng.unit();
            let word = match self.topic {
                Some(topic) if roll < 0.06 => rng.pick(topic.related).to_string(),
                Some(topic) if roll < 0.08 => match topic.acronym {
                    Some(acronym) => acronym.to_string(),
                    None => vocabulary.sample(rng).to_string(),
                },
                _ if roll < 0.09 => self.site.area.clone(),
                _ if roll < 0.10 => other_topic(rng),
                _ if roll < 0.105 => format!(
                    "{}{} {}",
                    rng.pick(words::PLACE_STARTS),
                    rng.pick(words::PLACE_ENDS),
                    rng.pick(words::STREET_WORDS)
                ),
                _ => vocabulary.sample(rng).to_string(),
            };
            words.push(word);
        }
        let mut sentence = words.join(" ");
        if let Some(first) = sentence.get(0..1) {
            let upper = first.to_uppercase();
            sentence.replace_range(0..1, &upper);
        }
        sentence.push(if rng.chance(0.08) { '?' } else { '.' });
        sentence
    }

    /// `count` paragraphs of 2 to 5 sentences; returns the words written.
    pub(super) fn paragraphs(&self, rng: &mut Rng, count: usize, html: &mut String) -> usize {
        let mut written = 0;
        for _ in 0..count {
            let sentences = 2 + rng.below(4);
            let text: Vec<String> = (0..sentences)
                .map(|number| {
                    let about = number == 0 && rng.chance(0.5);
                    self.sentence(rng, about)
                })
                .collect();
            let text = text.join(" ");
            written += text.split(' ').count();
            let _ = writeln!(html, "<p>{}</p>", escape(&text));
        }
        written
    }

    /// A bullet list of short phrases; returns the words written.
    fn list(&self, rng: &mut Rng, html: &mut String) -> usize {
        let vocabulary = self.site.vocabulary();
        let items = 3 + rng.below(4);
        let mut written = 0;
        html.push_str("<ul>\n");
        for _ in 0..items {
            let length = 2 + rng.below(5);
            let mut item: Vec<&str> = (0..length).map(|_| vocabulary.sample(rng)).collect();
            if let Some(topic) = self.topic
                && rng.chance(0.4)
            {
                item.push(*rng.pick(topic.related));
            }
            written += item.len();
            let _ = writeln!(html, "<li>{}</li>", escape(&item.join(" ")));
        }
        html.push_str("</ul>\n");
        written
    }

    fn heading(&self, rng: &mut Rng) -> String {
        let Some(topic) = self.topic else {
            return rng.pick(words::HEADINGS).to_string();
        };
        match rng.below(4) {
            0 => format!("What is {}?", mid_sentence(topic.name)),
            1 => format!(
                "{} and {}",
                rng.pick(words::HEADINGS),
                rng.pick(topic.related)
            ),
            _ => rng.pick(words::HEADINGS).to_string(),
        }
    }

    /// Meta keywords: sentences written for families, a comma list, or none.
    fn keywords(&self, rng: &mut Rng) -> Option<String> {
        let roll = rng.unit();
        if roll < 0.4 {
            let first = self.sentence(rng, true);
            let second = self.sentence(rng, false);
            return Some(format!("{first} {second}"));
        }
        if roll < 0.75 {
            let mut terms: Vec<String> = Vec::new();
            match self.topic {
                Some(topic) => {
                    terms.push(mid_sentence(topic.name));
                    if let Some(acronym) = topic.acronym {
                        terms.push(acronym.to_string());
                    }
                    terms.extend(topic.related.iter().map(|term| term.to_string()));
                }
                None => terms.push("local offer".to_string()),
            }
            terms.push("SEND".to_string());
            terms.push(self.site.area.to_lowercase());
            return Some(terms.join(", "));
        }
        None
    }
}

fn other_topic(rng: &mut Rng) -> String {
    mid_sentence(rng.pick(TOPICS).name)
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::corpus::{DEFAULT_SEED, Role, Site, SiteSpec};

    #[test]
    fn leaf_pages_have_chrome_crumbs_and_enough_words() {
        let site = Site::new(SiteSpec::new(1_000, DEFAULT_SEED));
        let leaf = site
            .pages
            .iter()
            .position(|page| matches!(page.role, Role::Leaf { .. }))
            .expect("a 1,000 page site has leaf pages");
        let html = site.page_html(leaf);
        for part in [
            "<title>",
            " Local Offer</title>",
            "name=\"description\"",
            "aria-label=\"Breadcrumb\"",
            "aria-label=\"Main navigation\"",
            "<main id=\"main-content\">",
            "<h2>",
            "Last reviewed: ",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
        let main = html
            .split("<main")
            .nth(1)
            .and_then(|rest| rest.split("</main>").next())
            .unwrap_or_default();
        let words = main.split_whitespace().count();
        assert!(words >= 300, "{words} words");
    }
}
