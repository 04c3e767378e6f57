//! The query language: words and "quoted phrases", nothing else.
//!
//! Families type questions, acronyms, pasted URLs and stray punctuation. None of it is syntax:
//! `AND`, `OR`, `NOT`, `-`, `+`, `:`, brackets and `^` are ordinary characters, so
//! "autism and adhd" is three words and `post-16` is the phrase `post 16`. Parsing never
//! fails; it is bounded in input length and in the number of items it keeps.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::config::{SynonymRule, Synonyms};
use crate::index::schema::analyze;

/// Characters of query text considered; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;
/// Items (words or phrases) kept from one query.
const MAX_ITEMS: usize = 24;
/// Terms kept in one phrase.
const MAX_PHRASE_TERMS: usize = 12;

/// English function words that carry no topic on their own. A query keeps them for phrase
/// matching but does not require or score them as words, unless it has nothing else.
const STOP_WORDS: &[&str] = &[
    "a", "about", "am", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for",
    "from", "get", "has", "have", "how", "i", "if", "in", "is", "it", "me", "my", "of", "on", "or",
    "our", "so", "that", "the", "their", "there", "this", "to", "was", "we", "what", "when",
    "where", "which", "who", "why", "will", "with", "you", "your",
];

/// The stop words as the analyser writes them ("does" is stemmed to "doe").
static STOP_TERMS: LazyLock<HashSet<String>> =
    LazyLock::new(|| STOP_WORDS.iter().flat_map(|word| analyze(word)).collect());

/// One unit of a query: a single term, terms that must appear together in order, or a run
/// of words that a synonym rule recognised as one concept.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryItem {
    /// Analysed (lower-cased, stemmed) terms.
    pub terms: Vec<String>,
    /// The text as typed.
    pub raw: String,
    /// Written in quotes by the user (as opposed to a hyphenated word like `post-16`).
    pub quoted: bool,
    /// Several typed words merged because a synonym rule names them together. They match
    /// as words (all present, nearness rewarded), not as a strict phrase.
    pub span: bool,
    /// Other phrases that mean the same, from synonym rules.
    pub alternatives: Vec<Alternative>,
    /// How distinctive the item is on this site (its words' inverse document frequency),
    /// so that a title holding "transport" covers more of "SEND transport" than one
    /// holding only "SEND". 1.0 until [`ParsedQuery::weigh`] is called.
    pub weight: f32,
}

/// A phrase searched in place of a query item because a synonym rule says it means the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub terms: Vec<String>,
    /// The phrase as written in the rule.
    pub text: String,
    /// The rule, for explain: `acronym EHCP`, `one_way[0] respite`.
    pub source: String,
}

impl QueryItem {
    fn new(terms: Vec<String>, raw: &str, quoted: bool) -> QueryItem {
        QueryItem {
            terms,
            raw: raw.to_string(),
            quoted,
            span: false,
            alternatives: Vec::new(),
            weight: 1.0,
        }
    }

    /// Terms that must appear in order (a hyphenated word or a quoted phrase).
    pub fn is_phrase(&self) -> bool {
        self.terms.len() > 1 && !self.span
    }

    /// Whether this is a lone function word such as `the` or `how`.
    pub fn is_stop_word(&self) -> bool {
        !self.quoted
            && self.alternatives.is_empty()
            && self.terms.iter().all(|term| is_stop_term(term))
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedQuery {
    /// The text as searched (trimmed, bounded), for echoing back.
    pub text: String,
    /// Every item, stop words included, in query order.
    pub items: Vec<QueryItem>,
    /// When the whole query is one pasted address (a URL, `www.` or a path from `/`): its
    /// path and query string, encoded as the index stores a page's path.
    pub address: Option<String>,
    /// The host of a pasted home-page address (`https://www.example.gov.uk/`), lower case
    /// and without `www.`: the home page is put first only when it is on that host, since
    /// every site has a page at `/`. `None` for the bare path `/`.
    pub home_host: Option<String>,
}

impl ParsedQuery {
    /// Sets each item's weight to the mean `idf` of its topic words (of all its words when
    /// it has only stop words).
    pub fn weigh(&mut self, idf: impl Fn(&str) -> f32) {
        for item in &mut self.items {
            let topic: Vec<&String> = item
                .terms
                .iter()
                .filter(|term| !is_stop_term(term))
                .collect();
            let terms = if topic.is_empty() {
                item.terms.iter().collect()
            } else {
                topic
            };
            if !terms.is_empty() {
                item.weight = terms.iter().map(|term| idf(term)).sum::<f32>() / terms.len() as f32;
            }
        }
    }

    /// The items that decide what matches: all but lone stop words, unless the query is
    /// made only of stop words.
    pub fn content_items(&self) -> Vec<&QueryItem> {
        let content: Vec<&QueryItem> = self
            .items
            .iter()
            .filter(|item| !item.is_stop_word())
            .collect();
        if content.is_empty() {
            self.items.iter().collect()
        } else {
            content
        }
    }

    /// Every analysed term of the query, in order, stop words included.
    pub fn all_terms(&self) -> Vec<&str> {
        self.items
            .iter()
            .flat_map(|item| item.terms.iter().map(String::as_str))
            .collect()
    }

    /// How many words the query's topic is, as the family typed them: a hyphenated word
    /// (`post-16`, `COVID-19`) is one word, a quoted phrase as many as its words.
    pub fn content_word_count(&self) -> usize {
        self.content_items()
            .iter()
            .map(|item| {
                let words = item.terms.iter().filter(|term| !is_stop_term(term)).count();
                if item.is_phrase() && !item.quoted {
                    words.min(1)
                } else {
                    words
                }
            })
            .sum()
    }

    /// The distinct topic terms of the query: the content items' terms without small words
    /// (unless the query has nothing else).
    pub fn content_terms(&self) -> Vec<&str> {
        let mut terms: Vec<&str> = Vec::new();
        for item in self.content_items() {
            for term in &item.terms {
                if !is_stop_term(term) && !terms.contains(&term.as_str()) {
                    terms.push(term);
                }
            }
        }
        if terms.is_empty() {
            return self.all_terms();
        }
        terms
    }

    /// Every analysed term, with each item's synonyms after it: what decides whether the
    /// query names a stage of support ("EHCP" names one through its expansion).
    pub fn stage_terms(&self) -> Vec<String> {
        let mut terms = Vec::new();
        for item in &self.items {
            terms.extend(item.terms.iter().cloned());
            for alternative in &item.alternatives {
                terms.extend(alternative.terms.iter().cloned());
            }
        }
        terms
    }

    /// Topic terms of the query and of every synonym it was widened with: what a snippet
    /// marks.
    pub fn marked_terms(&self) -> Vec<&str> {
        let mut terms = self.content_terms();
        for item in self.content_items() {
            for alternative in &item.alternatives {
                for term in &alternative.terms {
                    if !is_stop_term(term) && !terms.contains(&term.as_str()) {
                        terms.push(term);
                    }
                }
            }
        }
        terms
    }

    /// Nothing to search for: no words, and not a home-page address either.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.address.is_none()
    }
}

pub fn is_stop_term(term: &str) -> bool {
    STOP_TERMS.contains(term)
}

/// Parses query text. Never fails: text with no searchable words gives an empty query.
pub fn parse(text: &str) -> ParsedQuery {
    // A text cut short keeps whole words only: a fragment would be searched, or "corrected",
    // as a word the family never typed.
    let cut = text.char_indices().nth(MAX_QUERY_CHARS).map(|(at, _)| at);
    let kept = match cut {
        Some(at) if !text[at..].starts_with(char::is_whitespace) => text[..at]
            .rsplit_once(char::is_whitespace)
            .map_or(&text[..at], |(whole, _)| whole),
        Some(at) => &text[..at],
        None => text,
    };
    let bounded: String = kept
        .chars()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .collect();
    let trimmed = bounded.split_whitespace().collect::<Vec<&str>>().join(" ");

    let mut items = Vec::new();
    for (chunk, quoted) in split_quotes(&trimmed) {
        if quoted {
            push_item(&mut items, analyze(chunk), chunk, true);
            continue;
        }
        for word in chunk.split_whitespace() {
            match address_path_words(word) {
                Some(segments) => {
                    for segment in &segments {
                        push_item(&mut items, analyze(segment), segment, false);
                    }
                }
                None => {
                    for piece in split_joined(word) {
                        push_item(&mut items, analyze(piece), piece, false);
                    }
                }
            }
        }
    }
    items.truncate(MAX_ITEMS);
    let (address, home_host) = match home_address_of(&trimmed) {
        Some(host) => (Some("/".to_string()), host),
        None => (address_of(&trimmed), None),
    };
    ParsedQuery {
        text: trimmed,
        items,
        address,
        home_host,
    }
}

/// When the text is a home-page address: `/` (no host), or a URL or `www.` address with no
/// path (its host). Such a query has no words to search. A bare `www.` host without a
/// slash is searched by its words instead.
fn home_address_of(text: &str) -> Option<Option<String>> {
    if text == "/" {
        return Some(None);
    }
    if text.to_ascii_lowercase().starts_with("www.") && !text.contains('/') {
        return None;
    }
    let (url, true) = pasted_url(text)? else {
        return None;
    };
    let host = url.host_str()?.to_ascii_lowercase();
    (url.path() == "/").then(|| Some(host.trim_start_matches("www.").to_string()))
}

/// A pasted address read as a URL, and whether it named a host: `http(s)://…` as typed and
/// `www.…` with `http://` put before it do; a path from `/` sits on a placeholder host.
fn pasted_url(text: &str) -> Option<(url::Url, bool)> {
    let lower = text.to_ascii_lowercase();
    let (absolute, with_host) = if lower.starts_with("http://") || lower.starts_with("https://") {
        (text.to_string(), true)
    } else if lower.starts_with("www.") {
        (format!("http://{text}"), true)
    } else if text.starts_with('/') && !text.starts_with("//") {
        (format!("http://host{text}"), false)
    } else {
        return None;
    };
    url::Url::parse(&absolute).ok().map(|url| (url, with_host))
}

/// The path (and query string) of a query that is a single address, as `path_of` gives it
/// for a crawled page: percent-encoded, the host and fragment dropped.
fn address_of(text: &str) -> Option<String> {
    if text.contains(char::is_whitespace) || address_path_words(text).is_none() {
        return None;
    }
    let (url, _) = pasted_url(text)?;
    // Tracking and session parameters (`utm_source` from a newsletter link) are not part of
    // a page's address, as the crawl stores it.
    let drop = crate::config::default_drop_params();
    let url = crate::crawl::urlnorm::fetch_form(&url, &drop);
    Some(crate::index::site::path_of(url.as_str()))
}

/// File endings of web pages and documents, left out of a pasted address's words.
const ADDRESS_ENDINGS: &[&str] = &[
    "html", "htm", "aspx", "asp", "php", "jsp", "page", "pdf", "docx", "doc", "rtf", "odt",
];

/// When `word` is a pasted web address or site path (`https://host/a/short-breaks.aspx`,
/// `/a/short-breaks.aspx`, `short-breaks.html`), the words of its path, a folder or file
/// name each: scheme, host, port, query string, fragment and file ending carry no topic, and
/// would otherwise make one long phrase that no page holds. `None` for any other word, and
/// for an address with no path words (a bare host), which is then searched as typed.
fn address_path_words(word: &str) -> Option<Vec<String>> {
    let lower = word.to_ascii_lowercase();
    let after_scheme = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.starts_with(scheme).then(|| &word[scheme.len()..]));
    let path = if let Some(rest) = after_scheme {
        rest.find('/').map_or("", |slash| &rest[slash..])
    } else if lower.starts_with("www.") {
        word.find('/').map_or("", |slash| &word[slash..])
    } else {
        let file_like = lower
            .rsplit_once('.')
            .is_some_and(|(stem, ending)| !stem.is_empty() && ADDRESS_ENDINGS.contains(&ending));
        let path_like = word.starts_with('/') && word[1..].contains(char::is_alphabetic);
        if !file_like && !path_like {
            return None;
        }
        word
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let segments: Vec<String> = decoded
        .split('/')
        .map(|segment| match segment.rsplit_once('.') {
            Some((stem, ending))
                if ADDRESS_ENDINGS.contains(&ending.to_ascii_lowercase().as_str()) =>
            {
                stem
            }
            _ => segment,
        })
        .filter(|segment| segment.contains(char::is_alphanumeric))
        .map(str::to_string)
        .collect();
    (!segments.is_empty()).then_some(segments)
}

fn push_item(items: &mut Vec<QueryItem>, mut terms: Vec<String>, raw: &str, quoted: bool) {
    if terms.is_empty() {
        return;
    }
    terms.truncate(MAX_PHRASE_TERMS);
    let duplicate = items
        .iter()
        .any(|item| item.terms == terms && item.quoted == quoted);
    if !duplicate {
        items.push(QueryItem::new(terms, raw, quoted));
    }
}

/// Widens a parsed query with synonym rules. Where a rule's trigger matches a run of typed
/// words (as analysed terms, on word boundaries), the run becomes one item carrying the
/// rule's alternatives. Longer matches win; quoted phrases are left as typed.
pub fn expand(query: &mut ParsedQuery, synonyms: &Synonyms) {
    if synonyms.rules.is_empty() {
        return;
    }
    let mut expanded: Vec<QueryItem> = Vec::with_capacity(query.items.len());
    let mut position = 0;
    while position < query.items.len() {
        match longest_match(&query.items, position, synonyms) {
            Some((end, rules)) => {
                expanded.push(merge(&query.items[position..end], &rules));
                position = end;
            }
            None => {
                expanded.push(query.items[position].clone());
                position += 1;
            }
        }
    }
    query.items = expanded;
}

/// The end of the longest run of items from `start` that some rule's trigger matches, with
/// every rule that matches exactly that run.
fn longest_match<'a>(
    items: &[QueryItem],
    start: usize,
    synonyms: &'a Synonyms,
) -> Option<(usize, Vec<&'a SynonymRule>)> {
    let mut best: Option<(usize, Vec<&SynonymRule>)> = None;
    for rule in &synonyms.rules {
        let Some(end) = match_at(items, start, rule) else {
            continue;
        };
        match &mut best {
            Some((best_end, rules)) if *best_end == end => rules.push(rule),
            Some((best_end, _)) if *best_end > end => {}
            _ => best = Some((end, vec![rule])),
        }
    }
    best
}

/// Matches a rule's trigger against the items from `start`, comparing content words only,
/// so "education, health & care plan" meets "education health and care plan". Returns the
/// end of the run.
fn match_at(items: &[QueryItem], start: usize, rule: &SynonymRule) -> Option<usize> {
    let wanted: Vec<&String> = rule.trigger.iter().filter(|t| !is_stop_term(t)).collect();
    let wanted: Vec<&String> = if wanted.is_empty() {
        rule.trigger.iter().collect()
    } else {
        wanted
    };
    let mut matched = 0;
    let mut end = start;
    while matched < wanted.len() {
        let item = items.get(end)?;
        if item.quoted {
            return None;
        }
        let content: Vec<&String> = item.terms.iter().filter(|t| !is_stop_term(t)).collect();
        if content.is_empty() && matched > 0 {
            // A small word inside the run ("and", "of") is part of it.
            end += 1;
            continue;
        }
        let content = if content.is_empty() {
            item.terms.iter().collect()
        } else {
            content
        };
        if !wanted[matched..].starts_with(&content) {
            return None;
        }
        matched += content.len();
        end += 1;
    }
    if let Some(acronym) = &rule.exact_text {
        let typed: Vec<&str> = items[start..end]
            .iter()
            .map(|item| item.raw.as_str())
            .collect();
        if !written_as_acronym(&typed.join(" "), acronym) {
            return None;
        }
    }
    Some(end)
}

/// Whether typed text is the acronym as the rule writes it (`CoP`) or in capitals (`COP`),
/// as opposed to an everyday word (`cop`).
fn written_as_acronym(typed: &str, acronym: &str) -> bool {
    let letters = |text: &str| -> String { text.chars().filter(|c| c.is_alphanumeric()).collect() };
    let typed_letters = letters(typed);
    if typed_letters == letters(acronym) {
        return true;
    }
    let all_capitals = typed_letters.chars().all(|c| !c.is_lowercase());
    all_capitals && typed_letters.to_uppercase() == letters(acronym).to_uppercase()
}

fn merge(run: &[QueryItem], rules: &[&SynonymRule]) -> QueryItem {
    let mut item = if run.len() == 1 {
        run[0].clone()
    } else {
        let terms: Vec<String> = run.iter().flat_map(|item| item.terms.clone()).collect();
        let raw: Vec<&str> = run.iter().map(|item| item.raw.as_str()).collect();
        let mut merged = QueryItem::new(terms, &raw.join(" "), false);
        merged.span = true;
        merged
    };
    for rule in rules {
        for (terms, text) in &rule.alternatives {
            let known = item.alternatives.iter().any(|alt| alt.terms == *terms);
            if *terms != item.terms && !known {
                item.alternatives.push(Alternative {
                    terms: terms.clone(),
                    text: text.clone(),
                    source: rule.source.clone(),
                });
            }
        }
    }
    item
}

/// Characters that join two words a family means separately ("autism/ADHD", "SEN,SEND",
/// "title:autism"). A hyphen, apostrophe, `&` or full stop keeps its word whole (`post-16`,
/// `A&E`, `0.5`), and so does a comma between digits (`£1,200`).
const WORD_JOINERS: &[char] = &[
    '/', '\\', ',', ';', ':', '+', '^', '|', '(', ')', '[', ']', '{', '}', '<', '>', '=', '!', '?',
    '*', '~',
];

/// The pieces of a typed word split where [`WORD_JOINERS`] join them.
fn split_joined(word: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    let mut chars = word.char_indices().peekable();
    while let Some((at, character)) = chars.next() {
        let next = chars.peek().map(|(_, next)| *next);
        let number_comma = character == ','
            && previous.is_some_and(|c| c.is_ascii_digit())
            && next.is_some_and(|c| c.is_ascii_digit());
        if WORD_JOINERS.contains(&character) && !number_comma {
            if start < at {
                pieces.push(&word[start..at]);
            }
            start = at + character.len_utf8();
        }
        previous = Some(character);
    }
    if start < word.len() {
        pieces.push(&word[start..]);
    }
    pieces
}

/// Splits text into (chunk, quoted) pieces. An unclosed quote is not a phrase: its words
/// are searched as words, since a half-typed phrase should still find them.
fn split_quotes(text: &str) -> Vec<(&str, bool)> {
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        let Some(open) = rest.find(['"', '“', '”']) else {
            pieces.push((rest, false));
            break;
        };
        let quote_len = rest[open..].chars().next().map_or(1, char::len_utf8);
        let after = &rest[open + quote_len..];
        let Some(close) = after.find(['"', '“', '”']) else {
            pieces.push((&rest[..open], false));
            pieces.push((after, false));
            break;
        };
        pieces.push((&rest[..open], false));
        pieces.push((&after[..close], true));
        let close_len = after[close..].chars().next().map_or(1, char::len_utf8);
        rest = &after[close + close_len..];
    }
    pieces.retain(|(chunk, _)| !chunk.trim().is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(query: &ParsedQuery) -> Vec<Vec<&str>> {
        query
            .items
            .iter()
            .map(|item| item.terms.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn operators_are_words() {
        let query = parse("autism AND adhd");
        assert_eq!(
            terms(&query),
            vec![vec!["autism"], vec!["and"], vec!["adhd"]]
        );
        assert_eq!(query.content_terms(), vec!["autism", "adhd"]);
    }

    #[test]
    fn a_query_that_is_one_address_keeps_its_path() {
        for (text, address) in [
            (
                "https://www.example.gov.uk/social-care/short-breaks.aspx#top",
                Some("/social-care/short-breaks.aspx"),
            ),
            ("www.example.gov.uk/a/b/?page=2", Some("/a/b/?page=2")),
            ("/Local Offer/short-breaks.htm", None),
            (
                "/Local%20Offer/short-breaks.htm",
                Some("/Local%20Offer/short-breaks.htm"),
            ),
            ("/send/caf\u{e9}.html", Some("/send/caf%C3%A9.html")),
            ("short-breaks.html", None),
            ("short breaks", None),
            ("http://example.org/a.aspx and more", None),
            (
                "https://www.example.gov.uk/a/b.aspx?utm_source=news&id=7&fbclid=x",
                Some("/a/b.aspx?id=7"),
            ),
            ("/a/b.aspx?UTM_Medium=email", Some("/a/b.aspx")),
            ("/", Some("/")),
            ("https://WWW.Example.gov.uk/", Some("/")),
            ("http://127.0.0.1:8765", Some("/")),
            ("www.example.gov.uk/", Some("/")),
            ("www.example.gov.uk", None),
            ("//", None),
        ] {
            assert_eq!(parse(text).address.as_deref(), address, "{text}");
        }
        assert_eq!(
            parse("https://WWW.Example.gov.uk/?utm_source=x")
                .home_host
                .as_deref(),
            Some("example.gov.uk")
        );
        assert_eq!(parse("/").home_host, None);
        assert!(!parse("/").is_empty() && parse("/").items.is_empty());
    }

    #[test]
    fn words_joined_by_a_slash_or_comma_are_separate_words() {
        for (text, expected) in [
            ("autism/ADHD", vec![vec!["autism"], vec!["adhd"]]),
            ("SEN,SEND", vec![vec!["sen"], vec!["send"]]),
            (
                "title:autism^2",
                vec![vec!["titl"], vec!["autism"], vec!["2"]],
            ),
            ("(autism)", vec![vec!["autism"]]),
            ("post-16/19", vec![vec!["post", "16"], vec!["19"]]),
            ("£1,200", vec![vec!["1200"]]),
            ("A&E", vec![vec!["a", "e"]]),
            ("1,2", vec![vec!["1", "2"]]),
        ] {
            assert_eq!(terms(&parse(text)), expected, "{text}");
        }
        assert!(parse("///").items.is_empty());
    }

    #[test]
    fn a_hyphenated_word_counts_as_one_word_of_the_topic() {
        for (text, words) in [
            ("post-16", 1),
            ("post-16 transport", 2),
            ("COVID-19", 1),
            ("\"inclusion funding form\"", 3),
            ("how do I get an EHC plan", 2),
            ("short breaks", 2),
        ] {
            assert_eq!(parse(text).content_word_count(), words, "{text}");
        }
    }

    #[test]
    fn hyphenated_word_is_a_phrase() {
        let query = parse("post-16 transport");
        assert_eq!(terms(&query), vec![vec!["post", "16"], vec!["transport"]]);
        assert!(query.items[0].is_phrase());
        assert!(!query.items[0].quoted);
    }

    #[test]
    fn quoted_phrase_and_unclosed_quote() {
        let query = parse("\"short breaks\" respite");
        assert_eq!(terms(&query), vec![vec!["short", "break"], vec!["respit"]]);
        assert!(query.items[0].quoted);
        let half = parse("\"short breaks");
        assert_eq!(terms(&half), vec![vec!["short"], vec!["break"]]);
    }

    #[test]
    fn a_pasted_address_is_searched_by_its_path_words() {
        let expected = vec![vec!["social", "care"], vec!["short", "break"]];
        for pasted in [
            "https://www.example.gov.uk:8443/social-care/short-breaks/short-breaks.aspx?id=7#top",
            "http://127.0.0.1:8765/social-care/short-breaks.html",
            "www.example.gov.uk/social-care/short-breaks/",
            "/social-care/short-breaks/short-breaks.aspx",
        ] {
            assert_eq!(terms(&parse(pasted)), expected, "{pasted}");
        }
        assert_eq!(
            terms(&parse("short-breaks.html")),
            vec![vec!["short", "break"]]
        );
        assert_eq!(
            terms(&parse("/documents/Inclusion%20Panel%20Form.pdf")),
            vec![vec!["document"], vec!["inclus", "panel", "form"]]
        );
        // Not addresses: searched as typed.
        assert_eq!(terms(&parse("and/or")), vec![vec!["and"], vec!["or"]]);
        assert_eq!(terms(&parse("e.g.")), vec![vec!["eg"]]);
        assert_eq!(
            terms(&parse("www.example.gov.uk")),
            vec![vec!["www", "exampl", "gov", "uk"]]
        );
        assert_eq!(terms(&parse("post-16")), vec![vec!["post", "16"]]);
    }

    #[test]
    fn hostile_input_is_bounded_and_harmless() {
        assert!(parse("a:(^ ) [[[ \"\" ^^^ \u{0}").items.len() <= 1);
        let long = "word ".repeat(5_000);
        let query = parse(&long);
        assert!(query.text.chars().count() <= MAX_QUERY_CHARS);
        assert_eq!(query.items.len(), 1);
        assert!(parse("   ").is_empty());
        assert!(parse("?!").is_empty());

        // Cut inside a word, the fragment is left out; one unbroken run is kept as cut.
        let cut_mid_word = format!("{}breaks", "a ".repeat(MAX_QUERY_CHARS / 2 - 1));
        assert!(parse(&cut_mid_word).text.ends_with('a'));
        let unbroken = "x".repeat(MAX_QUERY_CHARS + 10);
        assert_eq!(parse(&unbroken).text.chars().count(), MAX_QUERY_CHARS);
    }

    fn synonyms(text: &str) -> Synonyms {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("synonyms.toml"), text).expect("write");
        crate::config::Config::load(dir.path())
            .expect("valid synonyms")
            .synonyms
    }

    #[test]
    fn acronym_and_expansion_find_each_other() {
        let rules = synonyms(
            "[[acronym]]\nacronym = \"EHCP\"\nmeans = [\"education, health and care plan\"]\n",
        );
        let mut short = parse("ehcp review");
        expand(&mut short, &rules);
        assert_eq!(
            short.items[0].alternatives[0].terms,
            analyze("education health and care plan")
        );
        assert_eq!(short.items[1].alternatives.len(), 0);

        let mut long = parse("my Education Health & Care Plan");
        expand(&mut long, &rules);
        assert_eq!(long.items.len(), 2);
        assert!(long.items[1].span);
        assert_eq!(long.items[1].alternatives[0].terms, vec!["ehcp"]);
        assert_eq!(long.content_items().len(), 1);
    }

    #[test]
    fn case_sensitive_acronym_needs_capitals() {
        let rules = synonyms(
            "[[acronym]]\nacronym = \"ADD\"\nmeans = [\"attention deficit disorder\"]\nmatch_case = true\n",
        );
        let mut lower = parse("add a child");
        expand(&mut lower, &rules);
        assert!(lower.items[0].alternatives.is_empty());
        let mut upper = parse("ADD assessment");
        expand(&mut upper, &rules);
        assert_eq!(upper.items[0].alternatives.len(), 1);
        assert!(written_as_acronym("COP", "CoP"));
        assert!(written_as_acronym("CoP", "CoP"));
        assert!(!written_as_acronym("cop", "CoP"));
    }

    #[test]
    fn question_keeps_topic_words() {
        let query = parse("how can my child get an EHC plan");
        assert_eq!(query.content_terms(), vec!["child", "ehc", "plan"]);
        let only_stop = parse("what is the");
        assert_eq!(only_stop.content_terms(), vec!["what", "is", "the"]);
    }
}
