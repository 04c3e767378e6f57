//! Snippets: the passage of a page that best answers the query, with matched words marked.
//!
//! The text is tokenised with the index's own analyser, so a match is a match of stems
//! ("funded" marks for "funding"). Output is HTML-escaped text with `<mark>` around matches;
//! it is cut only at character boundaries, so any text (multi-byte letters, £, curly quotes,
//! dashes) comes out whole.

use std::collections::HashSet;
use std::ops::ControlFlow;

use crate::index::schema::for_each_term;

/// Target length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 220;

/// How far before the first match a snippet may start to include the sentence opening.
const LEAD_CHARS: usize = 60;

/// A token of the source text that matched a query term, as a byte range.
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    term: usize,
}

/// The best passage of `text` for `terms`, or `None` when no term occurs in it.
pub fn best_passage(text: &str, terms: &HashSet<String>, max_chars: usize) -> Option<String> {
    let term_list: Vec<&String> = terms.iter().collect();
    let hits = find_hits(text, &term_list);
    if hits.is_empty() {
        return None;
    }

    // Score every window that starts at a hit: distinct terms first, then total hits.
    let window_bytes = byte_len_of_chars(text, 0, max_chars);
    let mut best: (usize, usize, usize) = (0, 0, 0);
    for (position, first) in hits.iter().enumerate() {
        let limit = first.start + window_bytes.max(1);
        let mut distinct: HashSet<usize> = HashSet::new();
        let mut count = 0;
        for hit in hits[position..].iter().take_while(|hit| hit.end <= limit) {
            distinct.insert(hit.term);
            count += 1;
        }
        let score = (distinct.len(), count);
        if position == 0 || score > (best.1, best.2) {
            best = (position, distinct.len(), count);
        }
    }

    let anchor = hits[best.0];
    let start = passage_start(text, anchor.start, (max_chars / 3).min(LEAD_CHARS));
    // However narrow the width, the passage holds the match it was chosen for.
    let end = passage_end(text, start, max_chars).max(anchor.end);
    let inside: Vec<Hit> = hits
        .into_iter()
        .filter(|hit| hit.start >= start && hit.end <= end)
        .collect();
    Some(render(text, start, end, &inside))
}

/// `text` cut to `max_chars` from its start, escaped, with any matches marked.
pub fn opening(text: &str, terms: &HashSet<String>, max_chars: usize) -> String {
    let term_list: Vec<&String> = terms.iter().collect();
    let end = passage_end(text, 0, max_chars);
    let hits: Vec<Hit> = find_hits(text, &term_list)
        .into_iter()
        .filter(|hit| hit.end <= end)
        .collect();
    render(text, 0, end, &hits)
}

fn find_hits(text: &str, terms: &[&String]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for_each_term(text, |text_term, start, end| {
        if let Some(term) = terms.iter().position(|term| **term == text_term) {
            hits.push(Hit { start, end, term });
        }
        ControlFlow::<()>::Continue(())
    });
    hits
}

/// Byte length of `count` characters of `text` from byte `from` (fewer at the end).
fn byte_len_of_chars(text: &str, from: usize, count: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(count)
        .map_or(text.len() - from, |(offset, _)| offset)
}

/// Where a passage around `anchor` starts: the start of its sentence or line when that is
/// near, else a word boundary a little before the anchor.
fn passage_start(text: &str, anchor: usize, lead_chars: usize) -> usize {
    let before = &text[..anchor];
    if lead_chars == 0 {
        return anchor;
    }
    let lead_start = before
        .char_indices()
        .rev()
        .nth(lead_chars - 1)
        .map_or(0, |(offset, _)| offset);
    let window = &before[lead_start..];
    let sentence = window
        .rfind(['\n', '.', '?', '!', ':'])
        .map(|offset| lead_start + offset + 1);
    match sentence {
        Some(start) => start + (text[start..].len() - text[start..].trim_start().len()),
        None if lead_start == 0 => 0,
        None => {
            let space = window.find(' ').map_or(0, |offset| offset + 1);
            lead_start + space
        }
    }
}

/// Where a passage starting at `start` ends: about `max_chars` later, at a word boundary.
fn passage_end(text: &str, start: usize, max_chars: usize) -> usize {
    let limit = start + byte_len_of_chars(text, start, max_chars);
    if limit >= text.len() {
        return text.len();
    }
    match text[start..limit].rfind([' ', '\n']) {
        Some(offset) if offset > 0 => start + offset,
        _ => limit,
    }
}

fn render(text: &str, start: usize, end: usize, hits: &[Hit]) -> String {
    let mut out = String::with_capacity(end - start + 32);
    if start > 0 {
        out.push_str("… ");
    }
    let mut cursor = start;
    for hit in hits {
        if hit.start < cursor {
            continue;
        }
        escape_into(&mut out, &text[cursor..hit.start]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[hit.start..hit.end]);
        out.push_str("</mark>");
        cursor = hit.end;
    }
    escape_into(&mut out, &text[cursor..end]);
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if end < text.len() {
        out.push_str(" …");
    }
    out
}

/// Escapes text for HTML and turns line breaks into spaces.
pub fn escape_into(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::analyze;

    fn terms(query: &str) -> HashSet<String> {
        analyze(query).into_iter().collect()
    }

    #[test]
    fn marks_stemmed_matches_and_escapes() {
        let text = "Schools <apply> for funding. The funded support helps.";
        let snippet = best_passage(text, &terms("fund"), 200).unwrap_or_default();
        assert_eq!(
            snippet,
            "Schools &lt;apply&gt; for <mark>funding</mark>. The <mark>funded</mark> support helps."
        );
    }

    #[test]
    fn picks_the_passage_with_most_distinct_terms() {
        let filler = "Nothing to see here at all. ".repeat(20);
        let text =
            format!("Short notes. {filler}Short breaks give parents a rest from caring. {filler}");
        let snippet = best_passage(&text, &terms("short breaks"), 80).unwrap_or_default();
        assert!(
            snippet.starts_with("… <mark>Short</mark> <mark>breaks</mark>"),
            "{snippet}"
        );
        assert!(snippet.ends_with('…'), "{snippet}");
    }

    #[test]
    fn multibyte_text_is_cut_safely() {
        let text = "£200 for the child’s “short break” — café ".repeat(30);
        for width in [1, 5, 17, 50, 220] {
            let snippet = best_passage(&text, &terms("break"), width).unwrap_or_default();
            assert!(snippet.contains("<mark>break</mark>"), "{snippet}");
            let plain = opening(&text, &terms("none"), width);
            assert!(!plain.is_empty());
        }
    }

    #[test]
    fn no_match_gives_none() {
        assert_eq!(best_passage("nothing here", &terms("autism"), 100), None);
        assert_eq!(best_passage("", &terms("autism"), 100), None);
    }
}
