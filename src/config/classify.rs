//! `classify.toml`: who a page is written for, and where it sits on the support pathway.
//!
//! These rules decide facts when the index is built (a change takes effect at the next
//! crawl); how much the facts count is in `ranking.toml`, at query time.

use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, invalid, parse_error};
use crate::index::schema::analyze;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassify {
    #[serde(default)]
    audience: RawAudience,
    #[serde(default)]
    stage: RawStage,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    professional_paths: Option<Vec<String>>,
    professional_titles: Option<Vec<String>>,
    professional_text: Option<Vec<String>>,
    family_text: Option<Vec<String>>,
    text_ratio: Option<f32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    specialist: Option<Vec<String>>,
    targeted: Option<Vec<String>>,
    min_score: Option<f32>,
}

/// A phrase as written and as analysed terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub text: String,
    pub terms: Vec<String>,
}

/// Validated `classify.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifyConfig {
    /// Path patterns (`*` wildcard) of pages for professionals.
    pub professional_paths: Vec<String>,
    /// A title or breadcrumb holding one of these marks a page for professionals.
    pub professional_titles: Vec<Cue>,
    /// Phrases that address professionals, and ones that address families.
    pub professional_text: Vec<Cue>,
    pub family_text: Vec<Cue>,
    /// Professional cues must outnumber family cues by this factor (and be at least three).
    pub text_ratio: f32,
    /// Phrases of specialist and of targeted support.
    pub specialist: Vec<Cue>,
    pub targeted: Vec<Cue>,
    /// Score a page needs for a stage: title 3 per cue, headings and keywords 2, text 0.5.
    pub min_stage_score: f32,
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|text| text.to_string()).collect()
}

fn default_lists() -> RawClassify {
    RawClassify {
        audience: RawAudience {
            professional_paths: Some(strings(&[
                "*professional*",
                "*practitioner*",
                "*for-schools*",
                "*schools-and-settings*",
            ])),
            professional_titles: Some(strings(&[
                "professionals",
                "professional",
                "practitioners",
                "for schools",
                "schools and settings",
                "I work with children and families",
                "for SENCOs",
            ])),
            professional_text: Some(strings(&[
                "schools should",
                "settings should",
                "practitioners",
                "professionals should",
                "the SENCO should",
                "school staff",
                "education settings",
                "your school or setting",
                "referrals from professionals",
            ])),
            family_text: Some(strings(&[
                "your child",
                "your family",
                "you can",
                "parents and carers",
                "if you are worried",
                "you and your",
            ])),
            text_ratio: Some(2.0),
        },
        stage: RawStage {
            specialist: Some(strings(&[
                "EHC plan",
                "EHCP",
                "education health and care plan",
                "needs assessment",
                "statutory assessment",
                "CAMHS",
                "tribunal",
                "SEN panel",
                "specialist panel",
                "specialist provision",
                "specialist placement",
                "special school",
                "annual review",
                "mediation",
            ])),
            targeted: Some(strings(&[
                "SEN support",
                "short breaks",
                "outreach",
                "inclusion funding",
                "early help",
                "portage",
                "speech and language therapy",
                "travel assistance",
                "transport",
                "direct payments",
                "respite",
                "SENDIASS",
            ])),
            min_score: Some(3.0),
        },
    }
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        validate(
            Path::new("classify.toml"),
            default_lists(),
            RawClassify::default(),
        )
        .expect("the built-in cue lists are valid phrases")
    }
}

fn cues(path: &Path, key: &str, texts: &[String]) -> Result<Vec<Cue>, ConfigError> {
    let mut out = Vec::new();
    for (position, text) in texts.iter().enumerate() {
        let terms = analyze(text);
        if terms.is_empty() {
            let key = format!("{key}[{position}]");
            return Err(invalid(
                path,
                &key,
                format!("`{text}` holds no searchable word"),
            ));
        }
        out.push(Cue {
            text: text.clone(),
            terms,
        });
    }
    Ok(out)
}

fn validate(
    path: &Path,
    defaults: RawClassify,
    raw: RawClassify,
) -> Result<ClassifyConfig, ConfigError> {
    let pick = |value: Option<Vec<String>>, default: Option<Vec<String>>| {
        value.or(default).unwrap_or_default()
    };
    let audience = raw.audience;
    let stage = raw.stage;
    let text_ratio = audience
        .text_ratio
        .or(defaults.audience.text_ratio)
        .unwrap_or(2.0);
    if !text_ratio.is_finite() || text_ratio < 1.0 {
        return Err(invalid(path, "audience.text_ratio", "must be at least 1"));
    }
    let min_stage_score = stage.min_score.or(defaults.stage.min_score).unwrap_or(3.0);
    if !min_stage_score.is_finite() || min_stage_score <= 0.0 {
        return Err(invalid(path, "stage.min_score", "must be above 0"));
    }
    Ok(ClassifyConfig {
        professional_paths: pick(
            audience.professional_paths,
            defaults.audience.professional_paths,
        ),
        professional_titles: cues(
            path,
            "audience.professional_titles",
            &pick(
                audience.professional_titles,
                defaults.audience.professional_titles,
            ),
        )?,
        professional_text: cues(
            path,
            "audience.professional_text",
            &pick(
                audience.professional_text,
                defaults.audience.professional_text,
            ),
        )?,
        family_text: cues(
            path,
            "audience.family_text",
            &pick(audience.family_text, defaults.audience.family_text),
        )?,
        text_ratio,
        specialist: cues(
            path,
            "stage.specialist",
            &pick(stage.specialist, defaults.stage.specialist),
        )?,
        targeted: cues(
            path,
            "stage.targeted",
            &pick(stage.targeted, defaults.stage.targeted),
        )?,
        min_stage_score,
    })
}

pub(super) fn parse(path: &Path, text: &str) -> Result<ClassifyConfig, ConfigError> {
    let raw: RawClassify = toml::from_str(text).map_err(|err| parse_error(path, text, err))?;
    validate(path, default_lists(), raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_replace_the_defaults_and_bad_phrases_are_named() -> Result<(), ConfigError> {
        let config = parse(
            Path::new("classify.toml"),
            "[stage]\nspecialist = [\"tribunal\"]\n",
        )?;
        assert_eq!(config.specialist.len(), 1);
        assert_eq!(config.targeted, ClassifyConfig::default().targeted);
        let err = parse(Path::new("classify.toml"), "[stage]\ntargeted = [\"--\"]\n").unwrap_err();
        assert!(err.to_string().contains("stage.targeted[0]"), "{err}");
        Ok(())
    }
}
