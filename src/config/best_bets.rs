//! `best-bets.toml`: results an admin pins for chosen queries, or hides.
//!
//! A bet triggers when the query, compared as analysed words with small words left out
//! (so case and word endings do not matter), is exactly a phrase, contains a phrase, or
//! holds all of a set of words. It then pins pages at given positions, hides pages, and may
//! show a short message with the results.

use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, invalid, parse_error};
use crate::index::schema::analyze;
use crate::search::query::is_stop_term;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBestBets {
    #[serde(default)]
    bet: Vec<RawBet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBet {
    name: Option<String>,
    #[serde(default)]
    exact: Vec<String>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    all_words: Vec<String>,
    #[serde(default)]
    pin: Vec<RawPin>,
    #[serde(default)]
    hide: Vec<String>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPin {
    Path(String),
    At { path: String, position: usize },
}

/// How a bet's trigger compares with the query.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// The query is this phrase.
    Exact(Vec<String>),
    /// The query contains this phrase.
    Contains(Vec<String>),
    /// The query holds every one of these words, in any order.
    AllWords(Vec<String>),
}

/// A page pinned at a 1-based position.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    /// A path relative to the site root, or a full URL.
    pub target: String,
    pub position: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BestBet {
    /// For explain and the response: the bet's `name`, or `bet[N]`.
    pub name: String,
    pub triggers: Vec<Trigger>,
    pub pins: Vec<Pin>,
    pub hide: Vec<String>,
    pub message: Option<String>,
}

/// Validated `best-bets.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BestBets {
    pub bets: Vec<BestBet>,
}

/// Analysed words of `text` without small words (all of them if nothing else is left).
pub fn trigger_terms(text: &str) -> Vec<String> {
    let terms = analyze(text);
    let content: Vec<String> = terms.iter().filter(|t| !is_stop_term(t)).cloned().collect();
    if content.is_empty() { terms } else { content }
}

impl BestBet {
    /// Whether the query (as [`trigger_terms`]) triggers this bet.
    pub fn matches(&self, query_terms: &[String]) -> bool {
        self.triggers.iter().any(|trigger| match trigger {
            Trigger::Exact(phrase) => query_terms == phrase.as_slice(),
            Trigger::Contains(phrase) => query_terms
                .windows(phrase.len())
                .any(|window| window == phrase.as_slice()),
            Trigger::AllWords(words) => words.iter().all(|word| query_terms.contains(word)),
        })
    }
}

fn terms_of(path: &Path, key: &str, text: &str) -> Result<Vec<String>, ConfigError> {
    let terms = trigger_terms(text);
    if terms.is_empty() {
        return Err(invalid(
            path,
            key,
            format!("`{text}` holds no searchable word"),
        ));
    }
    Ok(terms)
}

fn check_target(path: &Path, key: &str, target: &str) -> Result<(), ConfigError> {
    let valid =
        target.starts_with('/') || target.starts_with("http://") || target.starts_with("https://");
    if !valid {
        return Err(invalid(
            path,
            key,
            format!("`{target}` must be a path starting with / or a full http(s) URL"),
        ));
    }
    Ok(())
}

pub(super) fn parse(path: &Path, text: &str) -> Result<BestBets, ConfigError> {
    let raw: RawBestBets = toml::from_str(text).map_err(|err| parse_error(path, text, err))?;
    let mut bets = Vec::new();
    for (index, bet) in raw.bet.into_iter().enumerate() {
        let key = format!("bet[{index}]");
        let mut triggers = Vec::new();
        for (position, phrase) in bet.exact.iter().enumerate() {
            let terms = terms_of(path, &format!("{key}.exact[{position}]"), phrase)?;
            triggers.push(Trigger::Exact(terms));
        }
        for (position, phrase) in bet.contains.iter().enumerate() {
            let terms = terms_of(path, &format!("{key}.contains[{position}]"), phrase)?;
            triggers.push(Trigger::Contains(terms));
        }
        if !bet.all_words.is_empty() {
            let mut words = Vec::new();
            for (position, word) in bet.all_words.iter().enumerate() {
                words.extend(terms_of(
                    path,
                    &format!("{key}.all_words[{position}]"),
                    word,
                )?);
            }
            triggers.push(Trigger::AllWords(words));
        }
        if triggers.is_empty() {
            return Err(invalid(
                path,
                &key,
                "needs `exact`, `contains` or `all_words`",
            ));
        }

        let mut pins = Vec::new();
        for (position, pin) in bet.pin.into_iter().enumerate() {
            let pin_key = format!("{key}.pin[{position}]");
            let pin = match pin {
                RawPin::Path(target) => Pin {
                    target,
                    position: position + 1,
                },
                RawPin::At {
                    path: target,
                    position,
                } => Pin { target, position },
            };
            check_target(path, &pin_key, &pin.target)?;
            if pin.position == 0 {
                return Err(invalid(path, &pin_key, "positions start at 1"));
            }
            pins.push(pin);
        }
        for (position, target) in bet.hide.iter().enumerate() {
            check_target(path, &format!("{key}.hide[{position}]"), target)?;
        }
        if pins.is_empty() && bet.hide.is_empty() && bet.message.is_none() {
            return Err(invalid(path, &key, "needs `pin`, `hide` or `message`"));
        }
        bets.push(BestBet {
            name: bet.name.unwrap_or(key),
            triggers,
            pins,
            hide: bet.hide,
            message: bet.message,
        });
    }
    Ok(BestBets { bets })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[[bet]]
name = "inclusion"
contains = ["Inclusion Funding"]
pin = ["/a", { path = "/b", position = 3 }]
hide = ["/old.pdf"]
message = "Applications changed in April."

[[bet]]
all_words = ["transport", "college"]
pin = ["https://x/travel"]
"#;

    #[test]
    fn triggers_ignore_case_endings_and_small_words() -> Result<(), ConfigError> {
        let bets = parse(Path::new("best-bets.toml"), EXAMPLE)?;
        let inclusion = &bets.bets[0];
        assert!(inclusion.matches(&trigger_terms("what is inclusion funded for")));
        assert!(!inclusion.matches(&trigger_terms("funding inclusion")));
        assert_eq!(inclusion.pins[1].position, 3);
        let transport = &bets.bets[1];
        assert_eq!(transport.name, "bet[1]");
        assert!(transport.matches(&trigger_terms("college and transport")));
        assert!(!transport.matches(&trigger_terms("transport")));
        Ok(())
    }

    #[test]
    fn errors_name_the_key() {
        let no_trigger = "[[bet]]\npin = [\"/a\"]\n";
        let err = parse(Path::new("best-bets.toml"), no_trigger).unwrap_err();
        assert!(err.to_string().contains("bet[0]"), "{err}");
        let bad_pin = "[[bet]]\nexact = [\"x\"]\npin = [\"a-page\"]\n";
        let err = parse(Path::new("best-bets.toml"), bad_pin).unwrap_err();
        assert!(err.to_string().contains("bet[0].pin[0]"), "{err}");
    }
}
