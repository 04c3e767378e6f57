//! The A to Z page's HTML: the topics of the served generation by letter, each with its
//! way-in page first and then its other pages by route.
//!
//! It is plain HTML in the search page's frame. On the full page the letter links jump to
//! each letter's heading in the page (the heading takes focus, so the next Tab goes on
//! from there); with `?letter=S` only that letter is shown and the letters link to their
//! own pages. The way-in page is marked "Start here" in words, not only by coming first.

use std::collections::BTreeSet;

use maud::{Markup, html};

use super::render::{self, Place};
use super::wording;
use crate::config::PageConfig;
use crate::index::browse::{AtoZ, Letter, RouteGroup, Topic, TopicPage};

/// The id of the letter navigation, which "Back to the letters" links return to.
const LETTERS_ID: &str = "letters";

/// What the A to Z page shows.
pub enum AtozView<'a> {
    /// Every letter, or only `letter` when one was chosen.
    Topics {
        atoz: &'a AtoZ,
        letter: Option<&'a str>,
    },
    /// `?letter=` named something that is not a letter: the letters to choose from.
    BadLetter { atoz: &'a AtoZ },
    /// No index yet.
    Unavailable,
}

/// `?letter=` was given but is not a letter the A to Z could hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadLetter;

/// The letter asked for, as the A to Z spells it (`S`, `0-9`), or `None` for every
/// letter. A single letter or digit, or a letter the A to Z has, is accepted in either
/// case even when no topic starts with it; anything else is refused.
pub fn chosen_letter(atoz: &AtoZ, asked: Option<&str>) -> Result<Option<String>, BadLetter> {
    let Some(asked) = asked.map(str::trim).filter(|asked| !asked.is_empty()) else {
        return Ok(None);
    };
    let letter = asked.to_uppercase();
    let mut characters = letter.chars();
    let (single, letter) = match (characters.next(), characters.next()) {
        // Topics starting with a digit are listed together.
        (Some(only), None) if only.is_ascii_digit() => (true, "0-9".to_string()),
        (Some(only), None) => (only.is_alphabetic(), letter),
        _ => (false, letter),
    };
    let known = letter == "0-9" || atoz.letters.iter().any(|entry| entry.letter == letter);
    if single || known {
        Ok(Some(letter))
    } else {
        Err(BadLetter)
    }
}

/// The whole page for `view`.
pub fn page(config: &PageConfig, view: &AtozView) -> Markup {
    let title = window_title(config, view);
    let content = match view {
        AtozView::Unavailable => html! {
            h1.heading-xl { (wording::ATOZ_HEADING) }
            (render::unavailable(config, wording::ATOZ_UNAVAILABLE_HEADING))
        },
        AtozView::BadLetter { atoz } => html! {
            h1.heading-xl { (wording::ATOZ_HEADING) }
            (error_summary())
            (introduction(atoz))
            (letter_navigation(atoz, None, false))
        },
        AtozView::Topics { atoz, letter } => topics_page(atoz, *letter),
    };
    render::layout(config, &title, Place::AtoZ, content)
}

fn window_title(config: &PageConfig, view: &AtozView) -> String {
    let site = &config.site_name;
    match view {
        AtozView::Unavailable => format!("The A to Z is not working \u{2013} {site}"),
        AtozView::BadLetter { .. } => format!("Error: A to Z \u{2013} {site}"),
        AtozView::Topics { letter: None, .. } => {
            format!("{} \u{2013} {site}", wording::ATOZ_HEADING)
        }
        AtozView::Topics {
            letter: Some(letter),
            ..
        } => format!(
            "Topics starting with {} \u{2013} A to Z \u{2013} {site}",
            letter_phrase(letter)
        ),
    }
}

/// How a sentence names a letter: "S", or "a number" for `0-9`.
fn letter_phrase(letter: &str) -> &str {
    match letter {
        "0-9" => "a number",
        other => other,
    }
}

/// The id of a letter's heading; letters beyond ASCII are spelt as code points, so the
/// id is safe in a fragment as it stands.
fn letter_id(letter: &str) -> String {
    let mut id = String::from("letter-");
    for character in letter.chars() {
        if character.is_ascii_alphanumeric() || character == '-' {
            id.push(character);
        } else {
            id.push_str(&format!("u{:x}", u32::from(character)));
        }
    }
    id
}

fn topics_page(atoz: &AtoZ, letter: Option<&str>) -> Markup {
    let letters: Vec<&Letter> = match letter {
        None => atoz.letters.iter().collect(),
        Some(wanted) => atoz
            .letters
            .iter()
            .filter(|entry| entry.letter == wanted)
            .collect(),
    };
    let one_letter = letter.is_some();
    html! {
        h1.heading-xl { (wording::ATOZ_HEADING) }
        (introduction(atoz))
        @if let Some(wanted) = letter {
            p.body {
                "Showing topics starting with " (letter_phrase(wanted)) ". "
                a.link href="a-z" { "Show all topics from A to Z" }
            }
        }
        (letter_navigation(atoz, letter, !one_letter))
        @if letters.is_empty() {
            p.body.atoz-empty {
                @match letter {
                    Some(wanted) => {
                        "There are no topics starting with " (letter_phrase(wanted)) ". "
                        "Choose another letter, or "
                        a.link href="./" { "search for what you need" } "."
                    }
                    None => {
                        "There are no topics yet. "
                        a.link href="./" { "Search for what you need" } " instead."
                    }
                }
            }
        }
        @for entry in &letters {
            (letter_section(entry, !one_letter))
        }
    }
}

fn introduction(atoz: &AtoZ) -> Markup {
    html! {
        div.atoz-introduction {
            h2.heading-m { "How to use this A to Z" }
            p.body { (atoz.introduction) }
            p.body {
                "If you know what you are looking for, you can also "
                a.link href="./" { "search for it" } "."
            }
        }
    }
}

/// The GOV.UK error summary pattern, pointing at the letters.
fn error_summary() -> Markup {
    html! {
        div.error-summary #error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
            h2.error-summary__title #error-summary-title { "There is a problem" }
            ul.error-summary__list {
                li { a href={ "#" (LETTERS_ID) } { (wording::ATOZ_BAD_LETTER) } }
            }
        }
    }
}

/// Every letter from A to Z, and any other the A to Z holds (`0-9`): a link for each
/// letter with topics (to its heading when `in_page`, else to its own page), plain text
/// said to have no topics for the rest. `current` is the letter shown on its own.
fn letter_navigation(atoz: &AtoZ, current: Option<&str>, in_page: bool) -> Markup {
    let mut shown: BTreeSet<String> = ('A'..='Z').map(String::from).collect();
    shown.extend(atoz.letters.iter().map(|entry| entry.letter.clone()));
    let with_topics: BTreeSet<&str> = atoz
        .letters
        .iter()
        .filter(|entry| !entry.topics.is_empty())
        .map(|entry| entry.letter.as_str())
        .collect();
    html! {
        nav.atoz-letters #(LETTERS_ID) aria-label="A to Z letters" tabindex="-1" {
            ul.atoz-letters__list {
                @for letter in &shown {
                    li.atoz-letters__item {
                        @if with_topics.contains(letter.as_str()) {
                            @let href = if in_page {
                                format!("#{}", letter_id(letter))
                            } else {
                                format!("?letter={letter}")
                            };
                            @let is_current = current == Some(letter.as_str());
                            a.link.atoz-letters__link href=(href)
                                aria-current=[is_current.then_some("page")] {
                                (letter)
                            }
                        } @else {
                            span.atoz-letters__none {
                                (letter)
                                span.visually-hidden { " (no topics)" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn letter_section(entry: &Letter, back_link: bool) -> Markup {
    html! {
        div.atoz-letter {
            h2.atoz-letter__heading #(letter_id(&entry.letter)) tabindex="-1" { (entry.letter) }
            ul.atoz-topics {
                @for topic in &entry.topics {
                    (topic_entry(topic))
                }
            }
            @if back_link {
                p.atoz-letter__back {
                    a.link href={ "#" (LETTERS_ID) } { "Back to the letters" }
                }
            }
        }
    }
}

fn topic_entry(topic: &Topic) -> Markup {
    html! {
        li.atoz-topic {
            h3.atoz-topic__name { (topic.name) }
            div.atoz-topic__start {
                p.atoz-topic__start-link {
                    strong { (wording::ATOZ_START_HERE) } " "
                    a.link href=(topic.landing.url) { (topic.landing.title) }
                }
                (description(&topic.landing))
            }
            // Pages outside every route come last, after the routes families know.
            @for group in topic.routes.iter().filter(|group| group.section.is_some()) {
                (route_group(group))
            }
            @for group in topic.routes.iter().filter(|group| group.section.is_none()) {
                (route_group(group))
            }
        }
    }
}

fn route_group(group: &RouteGroup) -> Markup {
    let heading = match group.section {
        Some(_) => format!("Other pages in {}", group.label),
        None => "Other pages".to_string(),
    };
    html! {
        h4.atoz-topic__route { (heading) }
        ul.atoz-pages {
            @for page in &group.pages {
                li.atoz-pages__item {
                    a.link href=(page.url) { (page.title) }
                    (description(page))
                }
            }
        }
    }
}

fn description(page: &TopicPage) -> Markup {
    html! {
        @if !page.description.is_empty() {
            p.atoz-description { (page.description) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoz_with(letters: &[&str]) -> AtoZ {
        AtoZ {
            introduction: String::new(),
            letters: letters
                .iter()
                .map(|letter| Letter {
                    letter: letter.to_string(),
                    topics: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn letters_are_read_in_either_case_and_anything_else_is_refused() {
        let atoz = atoz_with(&["S", "0-9"]);
        assert_eq!(chosen_letter(&atoz, None), Ok(None));
        assert_eq!(chosen_letter(&atoz, Some(" ")), Ok(None));
        assert_eq!(chosen_letter(&atoz, Some("s")), Ok(Some("S".into())));
        assert_eq!(chosen_letter(&atoz, Some("q")), Ok(Some("Q".into())));
        assert_eq!(chosen_letter(&atoz, Some("0-9")), Ok(Some("0-9".into())));
        assert_eq!(chosen_letter(&atoz, Some("1")), Ok(Some("0-9".into())));
        assert_eq!(chosen_letter(&atoz, Some("é")), Ok(Some("É".into())));
        assert_eq!(chosen_letter(&atoz, Some("ST")), Err(BadLetter));
        assert_eq!(chosen_letter(&atoz, Some("zz")), Err(BadLetter));
        assert_eq!(chosen_letter(&atoz, Some("<")), Err(BadLetter));
    }

    #[test]
    fn letter_ids_are_safe_in_a_fragment() {
        assert_eq!(letter_id("S"), "letter-S");
        assert_eq!(letter_id("0-9"), "letter-0-9");
        assert_eq!(letter_id("\u{c9}"), "letter-uc9");
        assert_eq!(letter_id("#"), "letter-u23");
    }
}
