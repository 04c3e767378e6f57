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

pub use api::{ApiConfig, CacheConfig, LimitsConfig, PageConfig};
pub use best_bets::{BestBet, BestBets, Pin, Trigger, trigger_terms};
pub use classify::{ClassifyConfig, Cue};
pub use insight::{
    AnalyticsConfig, EscalationStage, InsightConfig, KeywordLintConfig, ReviewConfig,
};
pub use ranking::{DocumentMode, FieldWeights, RankingConfig};
pub use site::{
    CrawlConfig, ExtractConfig, LinksConfig, ScheduleConfig, SiteConfig, default_drop_params,
};
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

/// Turns a `toml` deserialisation error into one that names the file, the line and the
/// key, with the expected type in words rather than Rust's.
fn parse_error(path: &Path, text: &str, err: toml::de::Error) -> ConfigError {
    let mut message = plain_types(err.message().trim());
    if let Some(span) = err.span() {
        let (line, key) = line_and_key(text, span.start);
        message = match key {
            Some(key) => format!("line {line}, at `{key}`: {message}"),
            None => format!("line {line}: {message}"),
        };
    }
    ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    }
}

/// The 1-based line holding byte `offset` of `text`, and the dotted key written on it
/// (under the nearest table header above it), if the line is a `key = value` line.
fn line_and_key(text: &str, offset: usize) -> (usize, Option<String>) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let current = text.lines().nth(line - 1).unwrap_or("");
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| line.starts_with('['))
        .map(|header| {
            header
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string()
        });
    let key = current
        .split_once('=')
        .map(|(key, _)| key.trim().trim_matches('"').to_string())
        .filter(|key| !key.is_empty() && !key.starts_with('#') && !key.starts_with('['));
    let dotted = match (table, key) {
        (Some(table), Some(key)) => Some(format!("{table}.{key}")),
        (None, Some(key)) => Some(key),
        (Some(table), None) if current.trim().starts_with('[') => Some(table),
        _ => None,
    };
    (line, dotted)
}

/// Rust type names in serde's messages, said as a config author would; the parser's
/// "expected nothing" (it had no alternative to offer) is left out.
fn plain_types(message: &str) -> String {
    const WORDS: [(&str, &str); 9] = [
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u32", "expected a whole number of 0 or more"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected usize", "expected a whole number of 0 or more"),
        ("expected i64", "expected a whole number"),
        ("expected f32", "expected a number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ];
    let mut plain = message
        .strip_suffix(", expected nothing")
        .unwrap_or(message)
        .to_string();
    for (rust, words) in WORDS {
        if plain.ends_with(rust) || plain.contains(&format!("{rust},")) {
            plain = plain.replace(rust, words);
        }
    }
    // A number too large for any whole-number type reaches serde as a 128-bit one.
    if plain.contains("` as i128") {
        plain = plain
            .replace("invalid type: integer", "invalid value: integer")
            .replace("` as i128", "` is too large");
    }
    plain
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

    #[test]
    fn a_value_of_the_wrong_type_names_its_line_and_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site.toml");
        let text = "[crawl]\ndelay_ms = 0\n\n[schedule]\nbuild_nice = -1\n";
        std::fs::write(&site, text).expect("write site.toml");
        let err = Config::load(dir.path()).expect_err("a negative niceness is refused");
        let shown = err.to_string();
        assert!(shown.contains("site.toml"), "{shown}");
        assert!(
            shown.contains("line 5, at `schedule.build_nice`"),
            "{shown}"
        );
        assert!(shown.contains("a whole number from 0 to 255"), "{shown}");
        assert!(!shown.contains("u8"), "{shown}");

        std::fs::write(&site, "[links]\ndelay_ms = 00\n").expect("write site.toml");
        let shown = Config::load(dir.path())
            .expect_err("a leading zero is not TOML")
            .to_string();
        assert!(shown.contains("line 2, at `links.delay_ms`"), "{shown}");
        assert!(shown.contains("leading zero"), "{shown}");
        assert!(!shown.contains("expected nothing"), "{shown}");

        std::fs::write(&site, "[crawl]\nmax_pages = 99999999999999999999\n").expect("write");
        let shown = Config::load(dir.path())
            .expect_err("too large a number is refused")
            .to_string();
        assert!(shown.contains("line 2, at `crawl.max_pages`"), "{shown}");
        assert!(shown.contains("is too large"), "{shown}");
        assert!(!shown.contains("i128"), "{shown}");
    }

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
