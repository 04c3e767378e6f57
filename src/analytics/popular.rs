//! Popular past queries, for type-ahead suggestions.
//!
//! Only queries that several searches used, and that found something, are offered: a query
//! typed once may hold something personal, and suggesting a dead end helps nobody.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::db::{self, Span};
use crate::search::suggest::{Suggester, Suggestion, SuggestionKind};

/// A query must have been searched at least this many times to be suggested.
pub const MIN_SEARCHES: u64 = 3;
/// How far back popularity is counted.
const WINDOW_DAYS: i64 = 90;
/// The most popular queries kept.
const MAX_QUERIES: usize = 500;
/// How often the list is rebuilt from the search log.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(300);

/// Whether a logged query is words a family might pick from a list: not a pasted address
/// or path (`/social-care/...`, `social-care/short-breaks`, `https://...`, `www....`), not
/// a quoted phrase (it finds what its words without quotes find), and not a query the log
/// masked (`[email] short breaks`: the mask is not what anyone typed).
fn reads_as_words(query: &str) -> bool {
    let lower = query.trim().to_ascii_lowercase();
    !(query.contains('"')
        || query.contains('/')
        || lower.starts_with("www.")
        || lower.contains("[email]")
        || lower.contains("[number]"))
}

/// Suggestions built from the search log; shared and swapped whole.
#[derive(Clone, Default)]
pub struct PopularQueries {
    current: Arc<ArcSwap<Suggester>>,
}

impl PopularQueries {
    pub fn suggester(&self) -> Arc<Suggester> {
        self.current.load_full()
    }

    /// Rebuilds the list from the log at `path`. Returns how many queries it holds.
    pub fn refresh(&self, path: &Path, now_unix: i64) -> Result<usize, crate::sqlite::DbError> {
        let connection = db::open_for_reading(path)?;
        let span = Span {
            start: now_unix - WINDOW_DAYS * 86_400,
            end: i64::MAX,
        };
        let mut stats = db::query_stats(&connection, path, span)?;
        stats.retain(|query| {
            query.searches >= MIN_SEARCHES
                && query.latest_result_count > 0
                && reads_as_words(&query.query)
        });
        stats.sort_by(|a, b| {
            b.searches
                .cmp(&a.searches)
                .then_with(|| a.query.cmp(&b.query))
        });
        stats.truncate(MAX_QUERIES);
        let most = stats.first().map_or(1, |query| query.searches.max(1)) as f32;
        let mut suggester = Suggester::default();
        for query in &stats {
            let suggestion = Suggestion {
                text: query.query.clone(),
                kind: SuggestionKind::Query,
                path: None,
                url: None,
            };
            // Between a keyword phrase and a page title, by how often it was searched.
            suggester.add(suggestion, 0.2 + 0.3 * query.searches as f32 / most);
        }
        let count = suggester.len();
        self.current.store(Arc::new(suggester));
        Ok(count)
    }

    /// Rebuilds the list now and then every [`REFRESH_INTERVAL`] until the runtime stops.
    pub async fn keep_fresh(self, path: std::path::PathBuf) {
        let mut ticker = tokio::time::interval(REFRESH_INTERVAL);
        loop {
            ticker.tick().await;
            let popular = self.clone();
            let log = path.clone();
            let now = chrono::Utc::now().timestamp();
            let outcome = tokio::task::spawn_blocking(move || {
                let refreshed = popular.refresh(&log, now);
                // The scan of the log freed its page cache and grouping tables just now.
                crate::memory::release_free_memory();
                refreshed
            })
            .await;
            match outcome {
                Ok(Ok(count)) => tracing::debug!(queries = count, "popular queries refreshed"),
                // No log yet is normal for a new server; anything else is worth a warning.
                Ok(Err(err)) if !log_missing(&path) => {
                    tracing::warn!(error = %err, "cannot refresh popular queries")
                }
                Ok(Err(_)) => {}
                Err(err) => tracing::warn!(error = %err, "popular query task failed"),
            }
        }
    }
}

fn log_missing(path: &Path) -> bool {
    !path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Analytics;

    #[test]
    fn only_queries_searched_often_and_finding_something_are_offered() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|err| err.to_string())?;
        let path = dir.path().join("analytics.sqlite");
        let analytics = Analytics::start(&path, 64, || 365).map_err(|err| err.to_string())?;
        for _ in 0..5 {
            analytics.record_search("short breaks for teenagers", 4, 0, 10);
        }
        for _ in 0..4 {
            analytics.record_search("shopping vouchers", 0, 0, 10);
        }
        analytics.record_search("short note about my son tom", 2, 0, 10);
        for pasted in [
            "/social-care/short-breaks/short-breaks.html",
            "social-care/short-breaks",
            "https://example.org/short-breaks",
            "\"short breaks\"",
            "short breaks a@b.com",
            "short breaks 07700900123",
        ] {
            for _ in 0..3 {
                analytics.record_search(pasted, 1, 0, 10);
            }
        }
        assert!(analytics.flush(), "the log was written");

        let popular = PopularQueries::default();
        let now = chrono::Utc::now().timestamp();
        let count = popular.refresh(&path, now).map_err(|err| err.to_string())?;
        assert_eq!(count, 1);
        let found = popular.suggester().suggest("sho", 8);
        let texts: Vec<&str> = found.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["short breaks for teenagers"]);
        assert_eq!(found[0].kind, SuggestionKind::Query);
        Ok(())
    }
}
