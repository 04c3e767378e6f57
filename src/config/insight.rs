//! `insight.toml`: search analytics, the content review cycle and the keyword lint.
//!
//! These settings shape what the steering group's reports say; none of them changes how
//! results are ranked, so a change applies to the next report without a recrawl.

use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, invalid, parse_error};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInsight {
    #[serde(default)]
    analytics: RawAnalytics,
    #[serde(default)]
    review: RawReview,
    #[serde(default)]
    keywords: RawKeywords,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnalytics {
    enabled: Option<bool>,
    retention_days: Option<u32>,
    queue_capacity: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReview {
    cycle_months: Option<u32>,
    escalation: Option<Vec<RawEscalation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    after_months: u32,
    stage: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeywords {
    min_words: Option<usize>,
    max_words: Option<usize>,
}

/// Validated `insight.toml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InsightConfig {
    pub analytics: AnalyticsConfig,
    pub review: ReviewConfig,
    pub keywords: KeywordLintConfig,
}

/// What the search log keeps, and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsConfig {
    /// Log searches and clicks at all.
    pub enabled: bool,
    /// Rows older than this many days are deleted.
    pub retention_days: u32,
    /// Events waiting to be written; beyond this they are dropped and counted.
    pub queue_capacity: usize,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            enabled: true,
            retention_days: 365,
            queue_capacity: 10_000,
        }
    }
}

/// How often pages must be reviewed, and who hears about it when they are late.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewConfig {
    /// A page falls due this many calendar months after its last review.
    pub cycle_months: u32,
    /// Stages in increasing `after_months` order.
    pub escalation: Vec<EscalationStage>,
}

/// The stage an overdue page reaches once it has been overdue for `after_months` months.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationStage {
    pub after_months: u32,
    pub stage: String,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        let stage = |after_months: u32, name: &str| EscalationStage {
            after_months,
            stage: name.to_string(),
        };
        ReviewConfig {
            cycle_months: 6,
            escalation: vec![
                stage(0, "owner"),
                stage(2, "line manager"),
                stage(4, "director"),
            ],
        }
    }
}

/// Length limits for meta keywords, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordLintConfig {
    pub min_words: usize,
    pub max_words: usize,
}

impl Default for KeywordLintConfig {
    fn default() -> Self {
        KeywordLintConfig {
            min_words: 5,
            max_words: 60,
        }
    }
}

/// The longest review cycle or escalation delay accepted: ten years.
const MAX_MONTHS: u32 = 120;

pub(super) fn parse(path: &Path, text: &str) -> Result<InsightConfig, ConfigError> {
    let raw: RawInsight = toml::from_str(text).map_err(|err| parse_error(path, text, err))?;
    let defaults = InsightConfig::default();

    let analytics = AnalyticsConfig {
        enabled: raw.analytics.enabled.unwrap_or(defaults.analytics.enabled),
        retention_days: raw
            .analytics
            .retention_days
            .unwrap_or(defaults.analytics.retention_days),
        queue_capacity: raw
            .analytics
            .queue_capacity
            .unwrap_or(defaults.analytics.queue_capacity),
    };
    if analytics.retention_days == 0 {
        return Err(invalid(
            path,
            "analytics.retention_days",
            "must be at least 1",
        ));
    }
    if !(1..=1_000_000).contains(&analytics.queue_capacity) {
        return Err(invalid(
            path,
            "analytics.queue_capacity",
            "must be between 1 and 1000000",
        ));
    }

    let review = validate_review(path, raw.review, defaults.review)?;

    let keywords = KeywordLintConfig {
        min_words: raw
            .keywords
            .min_words
            .unwrap_or(defaults.keywords.min_words),
        max_words: raw
            .keywords
            .max_words
            .unwrap_or(defaults.keywords.max_words),
    };
    if keywords.max_words == 0 || keywords.min_words > keywords.max_words {
        return Err(invalid(
            path,
            "keywords.max_words",
            format!(
                "{} must be at least 1 and not below keywords.min_words ({})",
                keywords.max_words, keywords.min_words
            ),
        ));
    }

    Ok(InsightConfig {
        analytics,
        review,
        keywords,
    })
}

fn validate_review(
    path: &Path,
    raw: RawReview,
    defaults: ReviewConfig,
) -> Result<ReviewConfig, ConfigError> {
    let cycle_months = raw.cycle_months.unwrap_or(defaults.cycle_months);
    if !(1..=MAX_MONTHS).contains(&cycle_months) {
        return Err(invalid(
            path,
            "review.cycle_months",
            format!("{cycle_months} is not between 1 and {MAX_MONTHS}"),
        ));
    }

    let Some(raw_stages) = raw.escalation else {
        return Ok(ReviewConfig {
            cycle_months,
            escalation: defaults.escalation,
        });
    };
    let mut escalation: Vec<EscalationStage> = Vec::with_capacity(raw_stages.len());
    for (position, raw_stage) in raw_stages.into_iter().enumerate() {
        let key = format!("review.escalation[{position}]");
        let stage = raw_stage.stage.trim().to_string();
        if stage.is_empty() {
            return Err(invalid(path, &format!("{key}.stage"), "must not be empty"));
        }
        if raw_stage.after_months > MAX_MONTHS {
            return Err(invalid(
                path,
                &format!("{key}.after_months"),
                format!("{} is above {MAX_MONTHS}", raw_stage.after_months),
            ));
        }
        if let Some(previous) = escalation.last()
            && raw_stage.after_months <= previous.after_months
        {
            return Err(invalid(
                path,
                &format!("{key}.after_months"),
                format!(
                    "{} must be above the previous stage's {}",
                    raw_stage.after_months, previous.after_months
                ),
            ));
        }
        escalation.push(EscalationStage {
            after_months: raw_stage.after_months,
            stage,
        });
    }
    Ok(ReviewConfig {
        cycle_months,
        escalation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_the_defaults() -> Result<(), ConfigError> {
        let config = parse(Path::new("insight.toml"), "")?;
        assert_eq!(config, InsightConfig::default());
        assert_eq!(config.review.cycle_months, 6);
        assert_eq!(config.review.escalation.len(), 3);
        Ok(())
    }

    #[test]
    fn escalation_replaces_the_default_stages() -> Result<(), ConfigError> {
        let text = "[review]\ncycle_months = 12\n\
                    [[review.escalation]]\nafter_months = 1\nstage = \"team lead\"\n";
        let config = parse(Path::new("insight.toml"), text)?;
        assert_eq!(config.review.cycle_months, 12);
        assert_eq!(
            config.review.escalation,
            vec![EscalationStage {
                after_months: 1,
                stage: "team lead".into()
            }]
        );
        Ok(())
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            ("[review]\ncycle_months = 0\n", "review.cycle_months"),
            (
                "[[review.escalation]]\nafter_months = 4\nstage = \"a\"\n\
                 [[review.escalation]]\nafter_months = 2\nstage = \"b\"\n",
                "review.escalation[1].after_months",
            ),
            (
                "[[review.escalation]]\nafter_months = 1\nstage = \" \"\n",
                "review.escalation[0].stage",
            ),
            (
                "[analytics]\nretention_days = 0\n",
                "analytics.retention_days",
            ),
            (
                "[keywords]\nmin_words = 9\nmax_words = 3\n",
                "keywords.max_words",
            ),
            ("[analytics]\nkeep_ip = true\n", "keep_ip"),
        ];
        for (text, key) in cases {
            let err = parse(Path::new("insight.toml"), text).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains(key) && message.contains("insight.toml"),
                "{message}"
            );
        }
    }
}
