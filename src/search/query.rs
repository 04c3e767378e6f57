//! The query language: words and "quoted phrases", nothing else.
//!
//! Families type questions, acronyms, pasted URLs and stray punctuation. None of it is syntax:
//! `AND`, `OR`, `NOT`, `-`, `+`, `:`, brackets and `^` are ordinary characters, so
//! "autism and adhd" is three words and `post-16` is the phrase `post 16`. Parsing never
//! fails; it is bounded in input length and in the number of items it keeps.

use std::collections::HashSet;
use std::sync::LazyLock;

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

/// One unit of a query: a single term, or terms that must appear together in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryItem {
    /// Analysed (lower-cased, stemmed) terms.
    pub terms: Vec<String>,
    /// Written in quotes by the user (as opposed to a hyphenated word like `post-16`).
    pub quoted: bool,
}

impl QueryItem {
    pub fn is_phrase(&self) -> bool {
        self.terms.len() > 1
    }

    /// Whether this is a lone function word such as `the` or `how`.
    pub fn is_stop_word(&self) -> bool {
        !self.quoted && self.terms.len() == 1 && is_stop_term(&self.terms[0])
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    /// The text as searched (trimmed, bounded), for echoing back.
    pub text: String,
    /// Every item, stop words included, in query order.
    pub items: Vec<QueryItem>,
}

impl ParsedQuery {
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

    /// The distinct terms of the content items.
    pub fn content_terms(&self) -> Vec<&str> {
        let mut terms: Vec<&str> = Vec::new();
        for item in self.content_items() {
            for term in &item.terms {
                if !terms.contains(&term.as_str()) {
                    terms.push(term);
                }
            }
        }
        terms
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

pub fn is_stop_term(term: &str) -> bool {
    STOP_TERMS.contains(term)
}

/// Parses query text. Never fails: text with no searchable words gives an empty query.
pub fn parse(text: &str) -> ParsedQuery {
    let bounded: String = text
        .chars()
        .take(MAX_QUERY_CHARS)
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
            push_item(&mut items, analyze(chunk), true);
            continue;
        }
        for word in chunk.split_whitespace() {
            push_item(&mut items, analyze(word), false);
        }
    }
    items.truncate(MAX_ITEMS);
    ParsedQuery {
        text: trimmed,
        items,
    }
}

fn push_item(items: &mut Vec<QueryItem>, mut terms: Vec<String>, quoted: bool) {
    if terms.is_empty() {
        return;
    }
    terms.truncate(MAX_PHRASE_TERMS);
    let item = QueryItem { terms, quoted };
    if !items.contains(&item) {
        items.push(item);
    }
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
    fn hostile_input_is_bounded_and_harmless() {
        assert!(parse("a:(^ ) [[[ \"\" ^^^ \u{0}").items.len() <= 1);
        let long = "word ".repeat(5_000);
        let query = parse(&long);
        assert!(query.text.chars().count() <= MAX_QUERY_CHARS);
        assert_eq!(query.items.len(), 1);
        assert!(parse("   ").is_empty());
        assert!(parse("?!").is_empty());
    }

    #[test]
    fn question_keeps_topic_words() {
        let query = parse("how can my child get an EHC plan");
        assert_eq!(query.content_terms(), vec!["child", "ehc", "plan"]);
        let only_stop = parse("what is the");
        assert_eq!(only_stop.content_terms(), vec!["what", "is", "the"]);
    }
}
