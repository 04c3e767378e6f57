//! Configuration the site admin edits, read from the `index-config/` folder.
//!
//! Each file is parsed into a raw struct that mirrors the TOML (unknown keys are errors, so a
//! misspelt key is never silently ignored), then validated into the typed config the rest of
//! the program uses. Every error names the file, the key and the reason.

mod api;
mod best_bets;
mod classify;
mod insight;
pub mod live;
mod ranking;
mod site;
mod synonyms;

use std::path::{Path, PathBuf};

pub use api::{ApiConfig, LimitsConfig, PageConfig};
pub use best_bets::{BestBet, BestBets, Pin, Trigger, trigger_terms};
pub use classify::{ClassifyConfig, Cue};
pub use insight::{
    AnalyticsConfig, EscalationStage, InsightConfig, KeywordLintConfig, ReviewConfig,
};
pub use ranking::{DocumentMode, FieldWeights, RankingConfig};
pub use site::{CrawlConfig, ExtractConfig, LinksConfig, ScheduleConfig, SiteConfig};
pub use synonyms::{SynonymRule, Synonyms};

/// The file names inside a config folder.
pub const SITE_FILE: &str = "site.toml";
pub const RANKING_FILE: &str = "ranking.toml";
pub const SYNONYMS_FILE: &str = "synonyms.toml";
pub const BEST_BETS_FILE: &str = "best-bets.toml";
pub const API_FILE: &str = "api.toml";
pub const INSIGHT_FILE: &str = "insight.toml";
pub const CLASSIFY_FILE: &str = "classify.toml";

/// A config file that could not be read or does not validate.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid config file `{path}`: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid value in `{path}` at `{key}`: {reason}")]
    Invalid {
        path: PathBuf,
        key: String,
        reason: String,
    },
}

/// The whole validated configuration of one config folder.
#[derive(Debug, Clone)]
pub struct Config {
    pub dir: PathBuf,
    pub site: SiteConfig,
    pub ranking: RankingConfig,
    pub synonyms: Synonyms,
    pub best_bets: BestBets,
    pub api: ApiConfig,
    /// Analytics, review cycle and keyword lint: what the reports say, not the ranking.
    pub insight: InsightConfig,
    pub classify: ClassifyConfig,
}

impl Config {
    /// Loads and validates every file in `dir`. A missing file means "all defaults"; a file
    /// that exists but does not parse or validate is an error naming it.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let site_path = dir.join(SITE_FILE);
        let site = match read_optional(&site_path)? {
            Some(text) => site::parse(&site_path, &text)?,
            None => SiteConfig::default(),
        };

        let ranking_path = dir.join(RANKING_FILE);
        let ranking = match read_optional(&ranking_path)? {
            Some(text) => ranking::parse(&ranking_path, &text)?,
            None => RankingConfig::default(),
        };

        let synonyms_path = dir.join(SYNONYMS_FILE);
        let synonyms = match read_optional(&synonyms_path)? {
            Some(text) => synonyms::parse(&synonyms_path, &text)?,
            None => Synonyms::default(),
        };

        let best_bets_path = dir.join(BEST_BETS_FILE);
        let best_bets = match read_optional(&best_bets_path)? {
            Some(text) => best_bets::parse(&best_bets_path, &text)?,
            None => BestBets::default(),
        };

        let api_path = dir.join(API_FILE);
        let api = match read_optional(&api_path)? {
            Some(text) => api::parse(&api_path, &text)?,
            None => ApiConfig::default(),
        };

        let insight_path = dir.join(INSIGHT_FILE);
        let insight = match read_optional(&insight_path)? {
            Some(text) => insight::parse(&insight_path, &text)?,
            None => InsightConfig::default(),
        };

        let classify_path = dir.join(CLASSIFY_FILE);
        let classify = match read_optional(&classify_path)? {
            Some(text) => classify::parse(&classify_path, &text)?,
            None => ClassifyConfig::default(),
        };

        Ok(Config {
            dir: dir.to_path_buf(),
            site,
            ranking,
            synonyms,
            best_bets,
            api,
            insight,
            classify,
        })
    }

    /// The configuration with every default and no folder behind it.
    pub fn defaults() -> Config {
        Config {
            dir: PathBuf::new(),
            site: SiteConfig::default(),
            ranking: RankingConfig::default(),
            synonyms: Synonyms::default(),
            best_bets: BestBets::default(),
            api: ApiConfig::default(),
            insight: InsightConfig::default(),
            classify: ClassifyConfig::default(),
        }
    }
}

/// Texts proposed for the query-time rules files; `None` keeps the file in force.
#[derive(Debug, Clone, Default)]
pub struct ProposedRules {
    pub ranking: Option<String>,
    pub synonyms: Option<String>,
    pub best_bets: Option<String>,
}

impl Config {
    /// This config with the proposed rules files in place of the live ones, validated as a
    /// reload would validate them. Every file is checked, so all errors come back at once;
    /// each names its file (as it would sit in this config folder), key and reason.
    pub fn with_proposed_rules(
        &self,
        proposed: &ProposedRules,
    ) -> Result<Config, Vec<ConfigError>> {
        let mut config = self.clone();
        let mut errors = Vec::new();
        if let Some(text) = &proposed.ranking {
            match ranking::parse(&self.dir.join(RANKING_FILE), text) {
                Ok(ranking) => config.ranking = ranking,
                Err(err) => errors.push(err),
            }
        }
        if let Some(text) = &proposed.synonyms {
            match synonyms::parse(&self.dir.join(SYNONYMS_FILE), text) {
                Ok(synonyms) => config.synonyms = synonyms,
                Err(err) => errors.push(err),
            }
        }
        if let Some(text) = &proposed.best_bets {
            match best_bets::parse(&self.dir.join(BEST_BETS_FILE), text) {
                Ok(best_bets) => config.best_bets = best_bets,
                Err(err) => errors.push(err),
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConfigError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Turns a `toml` deserialisation error into one that names the file and the key.
fn parse_error(path: &Path, err: toml::de::Error) -> ConfigError {
    let message = err.message().trim().to_string();
    ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    }
}

fn invalid(path: &Path, key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_path_buf(),
        key: key.to_string(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped `index-config/` documents the defaults: it must parse and say the same.
    #[test]
    fn shipped_config_states_the_defaults() -> Result<(), ConfigError> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-config");
        let config = Config::load(&dir)?;
        assert_eq!(config.ranking, RankingConfig::default());
        assert_eq!(config.api, ApiConfig::default());
        assert_eq!(config.classify, ClassifyConfig::default());
        let defaults = SiteConfig::default();
        assert_eq!(config.site.crawl, defaults.crawl);
        assert_eq!(config.site.extract, defaults.extract);
        assert_eq!(config.site.schedule, defaults.schedule);
        assert_eq!(config.site.links, defaults.links);
        assert!(config.site.start_urls.is_empty());
        assert!(config.site.allowed_hosts.is_empty());
        assert_eq!(config.insight, InsightConfig::default());
        Ok(())
    }
}
