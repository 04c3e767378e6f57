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
use crate::record::{Audience, IndexRecord, Kind, Stage};

/// One multiplier and the rule it came from.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
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

/// What a request says about whom results are for, decided once per search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The audience searched for.
    pub audience: Audience,
    /// The furthest stage of support the query names, itself or through a synonym; `None`
    /// for a broad query ("my child is struggling at school"). Pages at later stages than
    /// this are demoted so that earlier help comes first.
    pub named_stage: Option<Stage>,
}

/// The index facts the multipliers read, as fast fields give them.
#[derive(Debug, Clone, Copy)]
pub struct StaticFacts<'a> {
    pub is_document: bool,
    pub section: Option<&'a str>,
    pub audience: Audience,
    pub stage: Stage,
}

/// The multiplier from index facts and the request, without the query's words: document
/// demotion, section, audience and stage. (The landing, local and title boosts depend on
/// the words: see [`boosts_for`].)
pub fn static_factor(config: &RankingConfig, facts: &StaticFacts, context: &Context) -> f32 {
    document_factor(config, facts.is_document)
        * section_factor(config, facts.section)
        * audience_factor(config, facts.audience, context)
        * stage_factor(config, facts.stage, context)
}

/// "families" or "professionals", for explain.
fn plural(audience: Audience) -> &'static str {
    match audience {
        Audience::Family => "families",
        Audience::Professional => "professionals",
    }
}

pub fn audience_factor(config: &RankingConfig, audience: Audience, context: &Context) -> f32 {
    if audience == context.audience {
        1.0
    } else {
        config.other_audience_factor
    }
}

pub fn stage_factor(config: &RankingConfig, stage: Stage, context: &Context) -> f32 {
    let named = context.named_stage.unwrap_or(Stage::Universal);
    if stage <= named {
        return 1.0;
    }
    match stage {
        Stage::Universal => 1.0,
        Stage::Targeted => config.targeted_stage_factor,
        Stage::Specialist => config.specialist_stage_factor,
    }
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

/// The share of the query's topic items that a title holds, an item counting by its weight
/// (how distinctive its words are on the site) when the title has all its topic words, and
/// by `synonym_credit` times that when the title has only those of one of its synonyms:
/// "EHCP" is partly covered by a title saying "EHC plan" when the synonyms say they are the
/// same, and wholly by one saying "EHCP".
pub fn title_coverage(query: &ParsedQuery, title: &str, synonym_credit: f32) -> f32 {
    let title_terms = analyze(title);
    let holds = |terms: &[String]| {
        let mut topic = terms.iter().filter(|term| !is_stop_term(term)).peekable();
        if topic.peek().is_none() {
            return terms.iter().all(|term| title_terms.contains(term));
        }
        topic.all(|term| title_terms.contains(term))
    };
    let items = query.content_items();
    let total: f32 = items.iter().map(|item| item.weight).sum();
    if items.is_empty() || total <= 0.0 {
        return 0.0;
    }
    let covered: f32 = items
        .iter()
        .map(|item| {
            if holds(&item.terms) {
                item.weight
            } else if item.alternatives.iter().any(|alt| holds(&alt.terms)) {
                item.weight * synonym_credit
            } else {
                0.0
            }
        })
        .sum();
    covered / total
}

/// Every multiplier for one record and query, with its reason.
pub fn boosts_for(
    config: &RankingConfig,
    record: &IndexRecord,
    query: &ParsedQuery,
    context: &Context,
) -> Vec<Boost> {
    let mut boosts = Vec::new();
    let facts = &record.facts;

    // A landing page is the best entry to its topic, not to every word it mentions in
    // passing: the boost needs the query in its title.
    let (level, pattern_note) = landing_level(config, record);
    let landing = landing_factor(config, level);
    let own_coverage = title_coverage(query, &facts.title, config.title_synonym_credit);
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
        let parent = facts.parent_title.as_deref().map_or(0.0, |title| {
            title_coverage(query, title, config.title_synonym_credit)
        });
        let named = own_coverage >= 1.0 && parent < 1.0;
        if config.document_lift_when_named && query.content_word_count() >= 2 && named {
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
    if local != 1.0 && own_coverage >= config.local_min_title_coverage {
        boosts.push(Boost {
            rule: "local",
            factor: local,
            detail: "the page names the area this Local Offer serves".to_string(),
        });
    }

    let audience = audience_factor(config, facts.audience, context);
    if audience != 1.0 {
        boosts.push(Boost {
            rule: "audience",
            factor: audience,
            detail: format!(
                "written for {}, searched for {} ({})",
                plural(facts.audience),
                plural(context.audience),
                facts.audience_rule
            ),
        });
    }
    let stage = stage_factor(config, facts.stage, context);
    if stage != 1.0 {
        boosts.push(Boost {
            rule: "stage",
            factor: stage,
            detail: format!(
                "{} support, after earlier stages the query did not go beyond ({})",
                facts.stage.as_str(),
                facts.stage_rule
            ),
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

    // By the square of the share of the query the title holds: all of it gets the whole
    // boost, half of it a quarter of the extra, so partial titles count but little.
    if config.title_all_words_boost != 1.0 && own_coverage > 0.0 {
        let factor = 1.0 + (config.title_all_words_boost - 1.0) * own_coverage * own_coverage;
        boosts.push(Boost {
            rule: "title-words",
            factor,
            detail: format!(
                "the title holds {:.0}% of the query's words",
                own_coverage * 100.0
            ),
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

    /// "SEND" is on every page of a SEND site and "transport" on few: a title holding only
    /// "SEND" covers little of "SEND transport".
    #[test]
    fn coverage_counts_distinctive_words_more() {
        let mut query = crate::search::query::parse("SEND transport");
        assert_eq!(title_coverage(&query, "A to Z of SEND terms", 1.0), 0.5);
        query.weigh(|term| if term == "send" { 0.1 } else { 2.0 });
        let common_only = title_coverage(&query, "A to Z of SEND terms", 1.0);
        let rare_only = title_coverage(&query, "School transport", 1.0);
        assert!((common_only - 0.1 / 2.1).abs() < 1e-6, "{common_only}");
        assert!((rare_only - 2.0 / 2.1).abs() < 1e-6, "{rare_only}");
        assert_eq!(title_coverage(&query, "SEND school transport", 1.0), 1.0);
    }

    /// A title holding the word typed covers it wholly; one holding only a synonym of it
    /// covers it by the synonym credit.
    #[test]
    fn synonyms_cover_a_title_by_their_credit() {
        let mut query = crate::search::query::parse("EHCP");
        query.items[0]
            .alternatives
            .push(crate::search::query::Alternative {
                terms: analyze("EHC plan"),
                text: "EHC plan".to_string(),
                source: "acronym EHCP".to_string(),
            });
        assert_eq!(title_coverage(&query, "What is an EHCP?", 0.8), 1.0);
        assert_eq!(title_coverage(&query, "Your child's EHC plan", 0.8), 0.8);
        assert_eq!(title_coverage(&query, "Your child's EHC plan", 1.0), 1.0);
        assert_eq!(title_coverage(&query, "Short breaks", 0.8), 0.0);
    }

    /// Naming the area lifts a page about the query's topic, not every page that names it.
    #[test]
    fn local_boost_needs_the_topic_in_the_title() {
        let config = RankingConfig::default();
        let context = Context {
            audience: Audience::Family,
            named_stage: None,
        };
        let query = crate::search::query::parse("short breaks");
        let local_rule = |title: &str, local: bool| {
            let mut record = crate::report::test_page("/a/page.html");
            record.facts.title = title.to_string();
            record.facts.local = local;
            boosts_for(&config, &record, &query, &context)
                .into_iter()
                .find(|boost| boost.rule == "local")
                .map(|boost| boost.factor)
        };
        assert_eq!(local_rule("Short breaks", true), Some(config.local_boost));
        assert_eq!(local_rule("Social care", true), None);
        assert_eq!(local_rule("Short breaks", false), None);
    }
}
