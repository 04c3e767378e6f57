//! The multipliers applied on top of the text score, each with the rule that gave it.
//!
//! One function, [`boosts_for`], decides every multiplier a result gets, and records why, so
//! the explain output cannot drift from what ranking does. The collector applies the
//! query-independent part ([`static_factor`]) while it gathers candidates; the same functions
//! give the same numbers again when a candidate is re-scored.

use serde::Serialize;

use super::query::{ParsedQuery, is_stop_term};
use crate::config::{DocumentMode, RankingConfig};
use crate::index::schema::analyze;
use crate::record::{IndexRecord, Kind};

/// One multiplier and the rule it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Boost {
    /// A stable rule name: `landing`, `document`, `document-named`, `section`, `exact-title`.
    pub rule: &'static str,
    pub factor: f32,
    /// What applied it, in the admin's terms.
    pub detail: String,
}

/// Landing multiplier for a landing level (0 = not a landing page, else folder depth + 1).
pub fn landing_factor(config: &RankingConfig, level: u64) -> f32 {
    if level == 0 {
        return 1.0;
    }
    let depth = level.saturating_sub(1).max(1) as i32;
    let extra = config.landing_boost - 1.0;
    1.0 + extra * config.landing_depth_decay.powi(depth - 1)
}

pub fn document_factor(config: &RankingConfig, is_document: bool) -> f32 {
    match (is_document, config.document_mode) {
        (true, DocumentMode::Demote) => config.document_factor,
        _ => 1.0,
    }
}

pub fn section_factor(config: &RankingConfig, section: Option<&str>) -> f32 {
    section
        .and_then(|slug| config.section_boosts.get(slug))
        .copied()
        .unwrap_or(1.0)
}

/// The query-independent multiplier from index facts alone: document demotion and section
/// boosts. (The landing boost depends on the query: see [`boosts_for`].)
pub fn static_factor(
    config: &RankingConfig,
    is_document: bool,
    section: Option<&str>,
    local: bool,
) -> f32 {
    document_factor(config, is_document)
        * section_factor(config, section)
        * local_factor(config, local)
}

pub fn local_factor(config: &RankingConfig, local: bool) -> f32 {
    if local { config.local_boost } else { 1.0 }
}

/// Whether a path matches a pattern where `*` stands for any run of characters.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == path;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !path.starts_with(first) || path.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &path[first.len()..];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(found) => rest = &rest[found + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// The landing level of a record under the configured include/exclude patterns.
pub fn landing_level(config: &RankingConfig, record: &IndexRecord) -> (u64, Option<String>) {
    let path = &record.facts.path;
    let level = record.facts.depth as u64 + 1;
    if let Some(pattern) = config
        .landing_exclude
        .iter()
        .find(|p| path_matches(p, path))
    {
        return (0, Some(format!("excluded by landing pattern `{pattern}`")));
    }
    if record.facts.landing {
        return (level, None);
    }
    let included = config
        .landing_include
        .iter()
        .find(|pattern| path_matches(pattern, path));
    if let Some(pattern) = included
        && record.page.kind == Kind::Page
    {
        return (
            level,
            Some(format!("included by landing pattern `{pattern}`")),
        );
    }
    (0, None)
}

/// The share of the query's topic items that a title holds, an item counting when the
/// title has all its topic words or those of one of its synonyms. "EHCP" is covered by a
/// title saying "EHC plan" when the synonyms say they are the same.
pub fn title_coverage(query: &ParsedQuery, title: &str) -> f32 {
    let title_terms = analyze(title);
    let holds = |terms: &[String]| {
        let mut topic = terms.iter().filter(|term| !is_stop_term(term)).peekable();
        if topic.peek().is_none() {
            return terms.iter().all(|term| title_terms.contains(term));
        }
        topic.all(|term| title_terms.contains(term))
    };
    let items = query.content_items();
    if items.is_empty() {
        return 0.0;
    }
    let covered = items
        .iter()
        .filter(|item| holds(&item.terms) || item.alternatives.iter().any(|alt| holds(&alt.terms)))
        .count();
    covered as f32 / items.len() as f32
}

/// Every multiplier for one record and query, with its reason.
pub fn boosts_for(config: &RankingConfig, record: &IndexRecord, query: &ParsedQuery) -> Vec<Boost> {
    let mut boosts = Vec::new();
    let facts = &record.facts;

    // A landing page is the best entry to its topic, not to every word it mentions in
    // passing: the boost needs the query in its title.
    let (level, pattern_note) = landing_level(config, record);
    let landing = landing_factor(config, level);
    let own_coverage = title_coverage(query, &facts.title);
    if landing != 1.0 && own_coverage >= config.landing_min_title_coverage {
        let detail = pattern_note.unwrap_or_else(|| match facts.depth {
            0 => "home page".to_string(),
            depth => format!("landing page {depth} folder(s) deep"),
        });
        boosts.push(Boost {
            rule: "landing",
            factor: landing,
            detail: format!("{detail}, its title holds the query"),
        });
    }

    let content_terms = query.content_terms();
    if record.page.kind == Kind::Document && config.document_mode == DocumentMode::Demote {
        boosts.push(Boost {
            rule: "document",
            factor: config.document_factor,
            detail: format!("documents demoted by factor {}", config.document_factor),
        });
        let parent = facts
            .parent_title
            .as_deref()
            .map_or(0.0, |title| title_coverage(query, title));
        let named = own_coverage >= 1.0 && parent < 1.0;
        if config.document_lift_when_named && content_terms.len() >= 2 && named {
            boosts.push(Boost {
                rule: "document-named",
                factor: 1.0 / config.document_factor,
                detail: "the query names this document: its title holds every query word and \
                         its parent page's title does not"
                    .to_string(),
            });
        }
    }

    let local = local_factor(config, facts.local);
    if local != 1.0 {
        boosts.push(Boost {
            rule: "local",
            factor: local,
            detail: "the page names the area this Local Offer serves".to_string(),
        });
    }

    let section = section_factor(config, facts.section.as_deref());
    if section != 1.0 {
        boosts.push(Boost {
            rule: "section",
            factor: section,
            detail: format!("section `{}` boost", facts.section.as_deref().unwrap_or("")),
        });
    }

    if config.exact_title_boost != 1.0 && !content_terms.is_empty() {
        let mut title_terms: Vec<String> = analyze(&facts.title)
            .into_iter()
            .filter(|term| !super::query::is_stop_term(term))
            .collect();
        title_terms.sort();
        title_terms.dedup();
        let mut wanted: Vec<&str> = content_terms.clone();
        wanted.sort();
        wanted.dedup();
        if title_terms == wanted {
            boosts.push(Boost {
                rule: "exact-title",
                factor: config.exact_title_boost,
                detail: "the title is the query".to_string(),
            });
        }
    }
    boosts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_paths() {
        assert!(path_matches("/a/*", "/a/b/c"));
        assert!(path_matches("*/index.html", "/x/index.html"));
        assert!(path_matches("/exact", "/exact"));
        assert!(!path_matches("/exact", "/exactly"));
        assert!(path_matches("/a/*/c*", "/a/b/cd"));
        assert!(!path_matches("/a/*b", "/a/"));
    }

    #[test]
    fn landing_boost_decays_with_depth() {
        let config = RankingConfig::default();
        assert_eq!(landing_factor(&config, 0), 1.0);
        assert_eq!(landing_factor(&config, 1), config.landing_boost);
        assert_eq!(landing_factor(&config, 2), config.landing_boost);
        assert!(landing_factor(&config, 3) < landing_factor(&config, 2));
        assert!(landing_factor(&config, 3) > 1.0);
    }
}
