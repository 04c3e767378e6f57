//! `ranking.toml`: how text matches are weighed and which boosts apply.
//!
//! Everything here is applied at query time, so a change takes effect without a reindex.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, invalid, parse_error};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRanking {
    #[serde(default)]
    fields: RawFields,
    #[serde(default)]
    landing: RawLanding,
    #[serde(default)]
    documents: RawDocuments,
    #[serde(default)]
    sections: RawSections,
    #[serde(default)]
    phrase: RawPhrase,
    #[serde(default)]
    title: RawTitle,
    #[serde(default)]
    words: RawWords,
    #[serde(default)]
    local: RawLocal,
    #[serde(default)]
    audience: RawAudience,
    #[serde(default)]
    stage: RawStage,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    other_factor: Option<f32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    targeted_factor: Option<f32>,
    specialist_factor: Option<f32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocal {
    boost: Option<f32>,
    min_title_coverage: Option<f32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    all_words_weight: Option<f32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFields {
    title: Option<f32>,
    keywords: Option<f32>,
    keyword_list: Option<f32>,
    headings: Option<f32>,
    description: Option<f32>,
    body: Option<f32>,
    url: Option<f32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanding {
    boost: Option<f32>,
    depth_decay: Option<f32>,
    min_child_links: Option<u32>,
    min_title_coverage: Option<f32>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocuments {
    mode: Option<String>,
    factor: Option<f32>,
    lift_when_named: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSections {
    #[serde(default)]
    boosts: BTreeMap<String, f32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhrase {
    boost: Option<f32>,
    slop: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitle {
    exact_boost: Option<f32>,
    all_words_boost: Option<f32>,
    synonym_credit: Option<f32>,
}

/// BM25 weight of each indexed field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldWeights {
    pub title: f32,
    /// Meta keywords written as sentences.
    pub keywords: f32,
    /// Meta keywords written as a comma list.
    pub keyword_list: f32,
    pub headings: f32,
    pub description: f32,
    pub body: f32,
    /// Words of the URL path.
    pub url: f32,
}

/// How documents (PDF, DOCX, ...) are treated in results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentMode {
    /// Ranked with their score multiplied by [`RankingConfig::document_factor`].
    Demote,
    /// Left out of results altogether.
    Exclude,
    /// Ranked like pages.
    Neutral,
}

/// Validated `ranking.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingConfig {
    pub fields: FieldWeights,
    /// Multiplier for a landing page one level below the home page.
    pub landing_boost: f32,
    /// How much of the landing boost is kept per extra level of depth (0..=1).
    pub landing_depth_decay: f32,
    /// A page that links to at least this many pages below its own folder is a landing page.
    pub landing_min_child_links: u32,
    /// Share of the query's topic words a landing page's title must hold for the boost.
    pub landing_min_title_coverage: f32,
    /// Path patterns (`*` wildcard) always treated as landing pages.
    pub landing_include: Vec<String>,
    /// Path patterns never treated as landing pages.
    pub landing_exclude: Vec<String>,
    pub document_mode: DocumentMode,
    pub document_factor: f32,
    /// Lift the demotion when a document's title matches the query clearly better than the
    /// title of the page that links to it (the query names the document).
    pub document_lift_when_named: bool,
    /// Multiplier per section slug.
    pub section_boosts: BTreeMap<String, f32>,
    /// Extra weight of a match of the whole query as a phrase.
    pub phrase_boost: f32,
    pub phrase_slop: u32,
    /// Multiplier when the title equals the query (ignoring case, stemming and stop words).
    pub exact_title_boost: f32,
    /// Multiplier when the title holds every topic word of the query (or a synonym).
    pub title_all_words_boost: f32,
    /// How much of a query word's share of the title a synonym of it (or an acronym's
    /// expansion) earns, where the word itself earns 1: the family's own word is the
    /// surer sign that a page is about what they asked.
    pub title_synonym_credit: f32,
    /// Extra weight, added to the word scores, for records holding every word of the query.
    pub all_words_weight: f32,
    /// Multiplier for a record whose text names the area the Local Offer serves.
    pub local_boost: f32,
    /// The local boost applies only when the title holds at least this share of the
    /// query's topic words: among pages about the topic, the family's own area first.
    pub local_min_title_coverage: f32,
    /// Multiplier for a page written for another audience than the one searched for.
    pub other_audience_factor: f32,
    /// For broad queries: multipliers for targeted and specialist pages.
    pub targeted_stage_factor: f32,
    pub specialist_stage_factor: f32,
}

impl Default for RankingConfig {
    fn default() -> Self {
        RankingConfig {
            fields: FieldWeights {
                title: 4.0,
                keywords: 2.5,
                keyword_list: 1.5,
                headings: 2.0,
                description: 1.5,
                body: 1.0,
                url: 1.0,
            },
            landing_boost: 1.5,
            landing_depth_decay: 0.8,
            landing_min_child_links: 5,
            landing_min_title_coverage: 0.5,
            landing_include: Vec::new(),
            landing_exclude: Vec::new(),
            document_mode: DocumentMode::Demote,
            document_factor: 0.4,
            document_lift_when_named: true,
            section_boosts: BTreeMap::new(),
            phrase_boost: 1.5,
            phrase_slop: 1,
            exact_title_boost: 1.5,
            title_all_words_boost: 2.0,
            title_synonym_credit: 0.8,
            all_words_weight: 0.5,
            local_boost: 1.3,
            local_min_title_coverage: 0.5,
            other_audience_factor: 0.7,
            targeted_stage_factor: 0.95,
            specialist_stage_factor: 0.8,
        }
    }
}

fn weight(path: &Path, key: &str, value: Option<f32>, default: f32) -> Result<f32, ConfigError> {
    let value = value.unwrap_or(default);
    if !value.is_finite() || !(0.0..=100.0).contains(&value) {
        return Err(invalid(
            path,
            key,
            format!("{value} is not between 0 and 100"),
        ));
    }
    Ok(value)
}

fn multiplier(
    path: &Path,
    key: &str,
    value: Option<f32>,
    default: f32,
) -> Result<f32, ConfigError> {
    let value = value.unwrap_or(default);
    if !value.is_finite() || value <= 0.0 || value > 100.0 {
        return Err(invalid(
            path,
            key,
            format!("{value} is not above 0 and at most 100"),
        ));
    }
    Ok(value)
}

/// A demotion: above 0, at most 1.
/// A share from 0 to 1, both included.
fn share(path: &Path, key: &str, value: Option<f32>, default: f32) -> Result<f32, ConfigError> {
    let value = value.unwrap_or(default);
    if !(0.0..=1.0).contains(&value) {
        return Err(invalid(
            path,
            key,
            format!("{value} is not between 0 and 1"),
        ));
    }
    Ok(value)
}

fn factor(path: &Path, key: &str, value: Option<f32>, default: f32) -> Result<f32, ConfigError> {
    let value = value.unwrap_or(default);
    if !value.is_finite() || value <= 0.0 || value > 1.0 {
        return Err(invalid(
            path,
            key,
            format!("{value} is not above 0 and at most 1"),
        ));
    }
    Ok(value)
}

pub(super) fn parse(path: &Path, text: &str) -> Result<RankingConfig, ConfigError> {
    let raw: RawRanking = toml::from_str(text).map_err(|err| parse_error(path, text, err))?;
    let defaults = RankingConfig::default();
    let field_defaults = &defaults.fields;

    let fields = FieldWeights {
        title: weight(path, "fields.title", raw.fields.title, field_defaults.title)?,
        keywords: weight(
            path,
            "fields.keywords",
            raw.fields.keywords,
            field_defaults.keywords,
        )?,
        keyword_list: weight(
            path,
            "fields.keyword_list",
            raw.fields.keyword_list,
            field_defaults.keyword_list,
        )?,
        headings: weight(
            path,
            "fields.headings",
            raw.fields.headings,
            field_defaults.headings,
        )?,
        description: weight(
            path,
            "fields.description",
            raw.fields.description,
            field_defaults.description,
        )?,
        body: weight(path, "fields.body", raw.fields.body, field_defaults.body)?,
        url: weight(path, "fields.url", raw.fields.url, field_defaults.url)?,
    };

    let document_mode = match raw.documents.mode.as_deref() {
        None => defaults.document_mode,
        Some("demote") => DocumentMode::Demote,
        Some("exclude") => DocumentMode::Exclude,
        Some("neutral") => DocumentMode::Neutral,
        Some(other) => {
            return Err(invalid(
                path,
                "documents.mode",
                format!("`{other}` is not one of demote, exclude, neutral"),
            ));
        }
    };

    let landing_depth_decay = share(
        path,
        "landing.depth_decay",
        raw.landing.depth_decay,
        defaults.landing_depth_decay,
    )?;
    let landing_min_title_coverage = share(
        path,
        "landing.min_title_coverage",
        raw.landing.min_title_coverage,
        defaults.landing_min_title_coverage,
    )?;
    let local_min_title_coverage = share(
        path,
        "local.min_title_coverage",
        raw.local.min_title_coverage,
        defaults.local_min_title_coverage,
    )?;
    let document_factor = raw.documents.factor.unwrap_or(defaults.document_factor);
    if !document_factor.is_finite() || document_factor <= 0.0 || document_factor > 1.0 {
        return Err(invalid(
            path,
            "documents.factor",
            "must be above 0 and at most 1",
        ));
    }

    let mut section_boosts = BTreeMap::new();
    for (section, value) in raw.sections.boosts {
        let key = format!("sections.boosts.{section}");
        section_boosts.insert(section, multiplier(path, &key, Some(value), 1.0)?);
    }

    Ok(RankingConfig {
        fields,
        landing_boost: multiplier(
            path,
            "landing.boost",
            raw.landing.boost,
            defaults.landing_boost,
        )?,
        landing_depth_decay,
        landing_min_child_links: raw
            .landing
            .min_child_links
            .unwrap_or(defaults.landing_min_child_links),
        landing_min_title_coverage,
        landing_include: raw.landing.include.unwrap_or_default(),
        landing_exclude: raw.landing.exclude.unwrap_or_default(),
        document_mode,
        document_factor,
        document_lift_when_named: raw
            .documents
            .lift_when_named
            .unwrap_or(defaults.document_lift_when_named),
        section_boosts,
        phrase_boost: weight(
            path,
            "phrase.boost",
            raw.phrase.boost,
            defaults.phrase_boost,
        )?,
        phrase_slop: raw.phrase.slop.unwrap_or(defaults.phrase_slop),
        title_all_words_boost: multiplier(
            path,
            "title.all_words_boost",
            raw.title.all_words_boost,
            defaults.title_all_words_boost,
        )?,
        exact_title_boost: multiplier(
            path,
            "title.exact_boost",
            raw.title.exact_boost,
            defaults.exact_title_boost,
        )?,
        title_synonym_credit: share(
            path,
            "title.synonym_credit",
            raw.title.synonym_credit,
            defaults.title_synonym_credit,
        )?,
        all_words_weight: weight(
            path,
            "words.all_words_weight",
            raw.words.all_words_weight,
            defaults.all_words_weight,
        )?,
        local_boost: multiplier(path, "local.boost", raw.local.boost, defaults.local_boost)?,
        local_min_title_coverage,
        other_audience_factor: factor(
            path,
            "audience.other_factor",
            raw.audience.other_factor,
            defaults.other_audience_factor,
        )?,
        targeted_stage_factor: factor(
            path,
            "stage.targeted_factor",
            raw.stage.targeted_factor,
            defaults.targeted_stage_factor,
        )?,
        specialist_stage_factor: factor(
            path,
            "stage.specialist_factor",
            raw.stage.specialist_factor,
            defaults.specialist_stage_factor,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() -> Result<(), ConfigError> {
        assert_eq!(
            parse(Path::new("ranking.toml"), "")?,
            RankingConfig::default()
        );
        Ok(())
    }

    #[test]
    fn bad_mode_names_key_and_choices() {
        let err = parse(Path::new("ranking.toml"), "[documents]\nmode = \"hide\"\n").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("documents.mode"), "{message}");
        assert!(message.contains("exclude"), "{message}");
    }

    /// The file says 0 turns the phrase and all-words bonuses off; 0 must be accepted.
    #[test]
    fn zero_turns_the_added_bonuses_off() -> Result<(), ConfigError> {
        let text = "[phrase]\nboost = 0\n[words]\nall_words_weight = 0\n";
        let config = parse(Path::new("ranking.toml"), text)?;
        assert_eq!((config.phrase_boost, config.all_words_weight), (0.0, 0.0));
        Ok(())
    }

    #[test]
    fn negative_weight_is_refused() {
        let err = parse(Path::new("ranking.toml"), "[fields]\ntitle = -1\n").unwrap_err();
        assert!(err.to_string().contains("fields.title"), "{err}");
    }

    #[test]
    fn shares_outside_zero_to_one_are_refused() -> Result<(), ConfigError> {
        for (table, key) in [
            ("title", "synonym_credit"),
            ("landing", "min_title_coverage"),
            ("local", "min_title_coverage"),
        ] {
            let err = parse(
                Path::new("ranking.toml"),
                &format!("[{table}]\n{key} = 1.5\n"),
            )
            .unwrap_err();
            assert!(err.to_string().contains(&format!("{table}.{key}")), "{err}");
        }
        let config = parse(Path::new("ranking.toml"), "[title]\nsynonym_credit = 1\n")?;
        assert_eq!(config.title_synonym_credit, 1.0);
        Ok(())
    }
}
