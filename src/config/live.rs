//! The rules a running server uses, reloaded when `index-config/` changes.
//!
//! A change is validated in full before it is used: an invalid file is refused with an error
//! naming the file, key and reason, and the rules already loaded keep serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;

use super::{
    API_FILE, BEST_BETS_FILE, CacheConfig, Config, ConfigError, INSIGHT_FILE, LimitsConfig,
    RANKING_FILE, SITE_FILE, SYNONYMS_FILE,
};

/// How often the config folder is checked for changes.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(2);

/// The files whose change triggers a reload.
const WATCHED: [&str; 6] = [
    SITE_FILE,
    RANKING_FILE,
    SYNONYMS_FILE,
    BEST_BETS_FILE,
    API_FILE,
    INSIGHT_FILE,
];

/// What identifies a version of the config folder: each file's length and modification time.
type Fingerprint = Vec<Option<(u64, SystemTime)>>;

/// A shared handle to the current config. Cheap to clone.
#[derive(Clone)]
pub struct LiveConfig {
    dir: PathBuf,
    current: Arc<ArcSwap<Config>>,
    /// `api.toml`'s `[limits]` and `[cache]` as the server started with them: they are read
    /// only then.
    at_start: (LimitsConfig, CacheConfig),
}

impl LiveConfig {
    pub fn new(config: Config) -> LiveConfig {
        LiveConfig {
            dir: config.dir.clone(),
            at_start: (config.api.limits, config.api.cache),
            current: Arc::new(ArcSwap::from_pointee(config)),
        }
    }

    /// The config in force now; callers keep the snapshot for one whole request.
    pub fn load(&self) -> Arc<Config> {
        self.current.load_full()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads and validates the folder again and switches to it; on error keeps the old one.
    pub fn reload(&self) -> Result<(), ConfigError> {
        let config = Config::load(&self.dir)?;
        if (config.api.limits, config.api.cache) != self.at_start {
            tracing::warn!(
                file = API_FILE,
                "[limits] and [cache] are read when the server starts: restart it for their \
                 change to apply (the other rules apply now)"
            );
        }
        self.current.store(Arc::new(config));
        tracing::info!(config = %self.dir.display(), "config reloaded");
        Ok(())
    }

    /// Reloads whenever a watched file changes, until the runtime stops.
    pub async fn watch(self) {
        let mut last = fingerprint(&self.dir);
        let mut ticker = tokio::time::interval(WATCH_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let now = fingerprint(&self.dir);
            if now == last {
                continue;
            }
            last = now;
            let live = self.clone();
            match tokio::task::spawn_blocking(move || live.reload()).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "config change refused; the previous rules stay in force");
                }
                Err(err) => tracing::warn!(error = %err, "config reload task failed"),
            }
        }
    }
}

fn fingerprint(dir: &Path) -> Fingerprint {
    WATCHED
        .iter()
        .map(|name| {
            let metadata = std::fs::metadata(dir.join(name)).ok()?;
            Some((metadata.len(), metadata.modified().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_change_keeps_the_old_rules() -> Result<(), ConfigError> {
        let dir = tempfile::tempdir().map_err(|source| ConfigError::Read {
            path: "tmp".into(),
            source,
        })?;
        let ranking = dir.path().join(RANKING_FILE);
        let write = |text: &str| std::fs::write(&ranking, text).expect("write ranking.toml");
        write("[landing]\nboost = 2.0\n");
        let live = LiveConfig::new(Config::load(dir.path())?);
        assert_eq!(live.load().ranking.landing_boost, 2.0);

        write("[landing]\nboost = -3\n");
        let err = live.reload().unwrap_err();
        assert!(err.to_string().contains("landing.boost"), "{err}");
        assert_eq!(live.load().ranking.landing_boost, 2.0);

        write("[landing]\nboost = 3.0\n");
        live.reload()?;
        assert_eq!(live.load().ranking.landing_boost, 3.0);
        Ok(())
    }
}
