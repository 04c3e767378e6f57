//! Text helpers shared by HTML and document extraction: whitespace, review dates, language.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// How much text language detection looks at. Detection cost grows with the text, and a
/// few thousand characters are plenty to tell English from Welsh or Polish.
const LANGUAGE_SAMPLE_CHARS: usize = 3_000;

/// Collapses every run of whitespace to one space and trims both ends.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Joins lines into `\n`-separated blocks: whitespace collapsed inside each, empty ones
/// dropped.
pub fn lines_to_blocks(text: &str) -> String {
    let blocks: Vec<String> = text
        .lines()
        .map(collapse_whitespace)
        .filter(|line| !line.is_empty())
        .collect();
    blocks.join("\n")
}

/// Returns the ISO 639-3 code of the text's language when whatlang is confident.
pub fn detect_language(text: &str) -> Option<String> {
    let sample_end = text
        .char_indices()
        .nth(LANGUAGE_SAMPLE_CHARS)
        .map_or(text.len(), |(index, _)| index);
    let info = whatlang::detect(&text[..sample_end])?;
    info.is_reliable().then(|| info.lang().code().to_string())
}

/// The text an XML entity or character reference stands for (`&amp;` → `&`, `&#163;` → `£`).
/// Unknown named entities give `None`: without a DTD they have no defined text.
pub fn xml_reference_text(reference: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if reference.is_char_ref() {
        return reference
            .resolve_char_ref()
            .ok()
            .flatten()
            .map(String::from);
    }
    quick_xml::escape::resolve_predefined_entity(reference).map(str::to_string)
}

static REVIEW_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:page\s+)?last\s+(?:reviewed|updated|modified|revised)(?:\s+on)?\s*[:\-–—]?\s*",
    )
    .expect("the review label pattern is valid")
});

static NUMERIC_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b").expect("valid pattern")
});

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})-(\d{2})-(\d{2})(?:\b|T)").expect("valid pattern"));

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})\b")
        .expect("valid pattern")
});

static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
        .expect("valid pattern")
});

static MONTH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^([a-z]{3,9})\.?\s+(\d{4})\b").expect("valid pattern"));

/// Finds a visible "Last reviewed: …" / "Last updated …" / "Page last reviewed …" date.
///
/// Understands `dd/mm/yyyy` (UK order; `.` and `-` separators too), `yyyy-mm-dd`,
/// `d Month yyyy`, `Month d, yyyy` and `Month yyyy` (taken as the 1st). The first label
/// followed by a valid date wins.
pub fn find_review_date(text: &str) -> Option<NaiveDate> {
    REVIEW_LABEL
        .find_iter(text)
        .find_map(|label| parse_date_prefix(&text[label.end()..]))
}

/// Parses a date at the start of `text`, ignoring whatever follows it.
pub fn parse_date_prefix(text: &str) -> Option<NaiveDate> {
    if let Some(caps) = ISO_DATE.captures(text) {
        return ymd(&caps[1], &caps[2], &caps[3]);
    }
    if let Some(caps) = NUMERIC_DMY.captures(text) {
        return ymd(&caps[3], &caps[2], &caps[1]);
    }
    if let Some(caps) = DAY_MONTH_YEAR.captures(text) {
        let month = month_number(&caps[2])?;
        return date(&caps[3], month, &caps[1]);
    }
    if let Some(caps) = MONTH_DAY_YEAR.captures(text) {
        let month = month_number(&caps[1])?;
        return date(&caps[3], month, &caps[2]);
    }
    if let Some(caps) = MONTH_YEAR.captures(text) {
        let month = month_number(&caps[1])?;
        return date(&caps[2], month, "1");
    }
    None
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    date(year, month.parse().ok()?, day)
}

fn date(year: &str, month: u32, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let name = name.to_ascii_lowercase();
    // Full names and three-letter abbreviations (plus "sept"), nothing looser, so a word
    // such as "mayor" is not read as May.
    MONTHS
        .iter()
        .position(|month| *month == name || (name.len() >= 3 && month[..3] == name))
        .or_else(|| (name == "sept").then_some(8))
        .and_then(|index| u32::try_from(index + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, month, day)
    }

    #[test]
    fn collapse() {
        assert_eq!(collapse_whitespace("  a \n\t b  c "), "a b c");
        assert_eq!(collapse_whitespace("\n \n"), "");
    }

    #[test]
    fn blocks_from_lines() {
        assert_eq!(
            lines_to_blocks(" one  two \n\n  \nthree\n"),
            "one two\nthree"
        );
    }

    #[test]
    fn review_dates_in_each_format() {
        assert_eq!(
            find_review_date("Last reviewed: 01/12/2026"),
            day(2026, 12, 1)
        );
        assert_eq!(
            find_review_date("Page last reviewed 5/2/2026."),
            day(2026, 2, 5)
        );
        assert_eq!(
            find_review_date("Last updated 3 March 2025"),
            day(2025, 3, 3)
        );
        assert_eq!(
            find_review_date("last updated on 21st Sept 2024"),
            day(2024, 9, 21)
        );
        assert_eq!(
            find_review_date("Last Updated: 2024-06-30"),
            day(2024, 6, 30)
        );
        assert_eq!(
            find_review_date("Last reviewed: June 2025"),
            day(2025, 6, 1)
        );
        assert_eq!(
            find_review_date("Last updated: Monday, 4 August 2025"),
            day(2025, 8, 4)
        );
        assert_eq!(
            find_review_date("Last updated: August 4, 2025"),
            day(2025, 8, 4)
        );
    }

    #[test]
    fn review_date_needs_a_label_and_a_real_date() {
        assert_eq!(find_review_date("Published 01/12/2026"), None);
        assert_eq!(find_review_date("Last reviewed: 31/02/2026"), None);
        assert_eq!(find_review_date("Last updated by the mayor 2020"), None);
        assert_eq!(
            find_review_date("Last updated: soon. Page last reviewed: 02/01/2025"),
            day(2025, 1, 2)
        );
    }

    #[test]
    fn language_when_reliable() {
        let english = "Short breaks give disabled children and young people the chance to \
                       spend time away from their families, have fun and make friends, while \
                       their parents and carers get a break from caring.";
        assert_eq!(detect_language(english).as_deref(), Some("eng"));
        assert_eq!(detect_language("ok"), None);
    }
}
