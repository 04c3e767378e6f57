//! `synonyms.toml`: words that mean the same to the people searching.
//!
//! Three kinds of rule, all matched as analysed words (case, word endings and punctuation do
//! not matter, so "EHC plans" meets "ehc plan"):
//! - `[[acronym]]`: an acronym and what it stands for, two-way. With `match_case = true` the
//!   acronym triggers only when typed in capitals, for acronyms that are also everyday words
//!   ("ADD", "SEND").
//! - `[[two_way]]`: phrases that all mean the same.
//! - `[[one_way]]`: a query for `from` also finds the `to` phrases, not the reverse
//!   ("respite" finds "short breaks"; "short breaks" does not find every "respite").

use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, invalid, parse_error};
use crate::index::schema::analyze;

/// Longest phrase, in words, a rule may hold.
const MAX_PHRASE_WORDS: usize = 12;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynonyms {
    /// Weight of a synonym's match relative to the words as typed.
    weight: Option<f32>,
    #[serde(default)]
    acronym: Vec<RawAcronym>,
    #[serde(default)]
    two_way: Vec<RawTwoWay>,
    #[serde(default)]
    one_way: Vec<RawOneWay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAcronym {
    acronym: String,
    means: Vec<String>,
    #[serde(default)]
    match_case: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTwoWay {
    terms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOneWay {
    from: String,
    to: Vec<String>,
}

/// One way a query phrase is widened: when `trigger` occurs in a query, `alternatives` are
/// searched too.
#[derive(Debug, Clone, PartialEq)]
pub struct SynonymRule {
    /// Analysed terms of the trigger phrase.
    pub trigger: Vec<String>,
    /// When set, the trigger matches only where the query has exactly this text.
    pub exact_text: Option<String>,
    /// Analysed terms of each alternative phrase, with its text as written in the file.
    pub alternatives: Vec<(Vec<String>, String)>,
    /// Where the rule comes from, for explain: `acronym EHCP`, `two_way[3]`, `one_way[0]`.
    pub source: String,
}

/// Validated `synonyms.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Synonyms {
    pub weight: f32,
    pub rules: Vec<SynonymRule>,
}

impl Default for Synonyms {
    fn default() -> Self {
        Synonyms {
            weight: 0.5,
            rules: Vec::new(),
        }
    }
}

fn phrase(path: &Path, key: &str, text: &str) -> Result<Vec<String>, ConfigError> {
    let terms = analyze(text);
    if terms.is_empty() {
        return Err(invalid(
            path,
            key,
            format!("`{text}` holds no searchable word"),
        ));
    }
    if terms.len() > MAX_PHRASE_WORDS {
        return Err(invalid(
            path,
            key,
            format!("`{text}` is longer than {MAX_PHRASE_WORDS} words"),
        ));
    }
    Ok(terms)
}

/// Rules making every phrase of a group find the others.
fn group_rules(
    path: &Path,
    key: &str,
    texts: &[String],
    exact_first: Option<String>,
    source: &str,
) -> Result<Vec<SynonymRule>, ConfigError> {
    if texts.len() < 2 {
        return Err(invalid(path, key, "needs at least two phrases"));
    }
    let mut analysed = Vec::new();
    for (position, text) in texts.iter().enumerate() {
        analysed.push((
            phrase(path, &format!("{key}[{position}]"), text)?,
            text.clone(),
        ));
    }
    let mut rules = Vec::new();
    for (position, (trigger, _)) in analysed.iter().enumerate() {
        let alternatives = analysed
            .iter()
            .enumerate()
            .filter(|(other, (terms, _))| *other != position && terms != trigger)
            .map(|(_, alternative)| alternative.clone())
            .collect();
        let exact_text = if position == 0 {
            exact_first.clone()
        } else {
            None
        };
        rules.push(SynonymRule {
            trigger: trigger.clone(),
            exact_text,
            alternatives,
            source: source.to_string(),
        });
    }
    Ok(rules)
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Synonyms, ConfigError> {
    let raw: RawSynonyms = toml::from_str(text).map_err(|err| parse_error(path, text, err))?;
    let weight = raw.weight.unwrap_or(Synonyms::default().weight);
    if !weight.is_finite() || weight <= 0.0 || weight > 1.0 {
        return Err(invalid(path, "weight", "must be above 0 and at most 1"));
    }

    let mut rules = Vec::new();
    for (position, acronym) in raw.acronym.iter().enumerate() {
        let key = format!("acronym[{position}]");
        if acronym.means.is_empty() {
            return Err(invalid(
                path,
                &format!("{key}.means"),
                "needs at least one expansion",
            ));
        }
        let mut texts = vec![acronym.acronym.clone()];
        texts.extend(acronym.means.iter().cloned());
        let exact = acronym.match_case.then(|| acronym.acronym.clone());
        let source = format!("acronym {}", acronym.acronym);
        rules.extend(group_rules(path, &key, &texts, exact, &source)?);
    }
    for (position, group) in raw.two_way.iter().enumerate() {
        let key = format!("two_way[{position}].terms");
        let source = format!("two_way[{position}]");
        rules.extend(group_rules(path, &key, &group.terms, None, &source)?);
    }
    for (position, one_way) in raw.one_way.iter().enumerate() {
        let key = format!("one_way[{position}]");
        let trigger = phrase(path, &format!("{key}.from"), &one_way.from)?;
        if one_way.to.is_empty() {
            return Err(invalid(
                path,
                &format!("{key}.to"),
                "needs at least one phrase",
            ));
        }
        let mut alternatives = Vec::new();
        for (index, text) in one_way.to.iter().enumerate() {
            let terms = phrase(path, &format!("{key}.to[{index}]"), text)?;
            alternatives.push((terms, text.clone()));
        }
        rules.push(SynonymRule {
            trigger,
            exact_text: None,
            alternatives,
            source: format!("one_way[{position}] {}", one_way.from),
        });
    }
    Ok(Synonyms { weight, rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronym_is_two_way_and_case_can_matter() -> Result<(), ConfigError> {
        let text = "[[acronym]]\nacronym = \"ADD\"\nmeans = [\"attention deficit disorder\"]\nmatch_case = true\n";
        let synonyms = parse(Path::new("synonyms.toml"), text)?;
        assert_eq!(synonyms.rules.len(), 2);
        assert_eq!(synonyms.rules[0].trigger, vec!["add"]);
        assert_eq!(synonyms.rules[0].exact_text.as_deref(), Some("ADD"));
        assert_eq!(
            synonyms.rules[1].trigger,
            vec!["attent", "deficit", "disord"]
        );
        assert_eq!(synonyms.rules[1].exact_text, None);
        Ok(())
    }

    #[test]
    fn errors_name_the_key() {
        let empty = "[[one_way]]\nfrom = \"respite\"\nto = []\n";
        let err = parse(Path::new("synonyms.toml"), empty).unwrap_err();
        assert!(err.to_string().contains("one_way[0].to"), "{err}");
        let punctuation = "[[two_way]]\nterms = [\"autism\", \"??\"]\n";
        let err = parse(Path::new("synonyms.toml"), punctuation).unwrap_err();
        assert!(err.to_string().contains("two_way[0].terms[1]"), "{err}");
    }
}
