//! Search analytics: which queries are asked, what they find, which results are clicked.
//!
//! The API hands each event to [`Analytics`], which only puts it on a bounded queue; a
//! writer thread ([`writer`]) batches the queue into SQLite (`DATA/analytics.sqlite`, see
//! [`db`]). A search never waits for the disk and never fails because of analytics: when
//! the queue is full the event is dropped and counted, and a write that fails is logged and
//! counted.
//!
//! What is kept is the normalised query text, the result count, the page of results, the
//! clicked rank and URL, and the time. Nothing about who searched: no IP address, cookie,
//! user agent or session. Query text can still hold what a person typed about themselves,
//! so e-mail addresses and long numbers (phone and NHS numbers) are masked before storing,
//! and rows are deleted after the configured retention.

pub mod db;
pub mod popular;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use regex::Regex;
use serde::Serialize;

pub use db::{ANALYTICS_FILE, open_for_reading};

use crate::sqlite::DbError;

/// Stored query text is cut to this many characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// How long [`Analytics::flush`] waits for the writer before giving up.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// Analytics that could not start.
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot start the analytics writer for `{path}`: {source}")]
    Writer {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A search the API answered.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchEvent {
    pub at: DateTime<Utc>,
    /// Normalised with [`normalize_query`].
    pub query: String,
    /// Every match, not just the page shown.
    pub result_count: u64,
    pub offset: u32,
    pub limit: u32,
}

/// A result a visitor followed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClickEvent {
    pub at: DateTime<Utc>,
    /// Normalised with [`normalize_query`]; empty when the front-end did not say.
    pub query: String,
    /// 1-based position in the results, counting earlier pages.
    pub rank: Option<u32>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Search(SearchEvent),
    Click(ClickEvent),
}

/// What goes down the queue to the writer.
enum Message {
    Event(Event),
    /// Answered once everything queued before it is written.
    Flush(SyncSender<()>),
}

/// Counters since the server started.
#[derive(Debug, Default)]
struct Counters {
    queued: AtomicU64,
    dropped: AtomicU64,
    written: AtomicU64,
    failed: AtomicU64,
}

/// A snapshot of the counters, for `/admin/analytics/status`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AnalyticsStats {
    pub enabled: bool,
    /// Events accepted onto the queue.
    pub queued: u64,
    /// Events dropped because the queue was full or the writer had stopped.
    pub dropped: u64,
    /// Events written to the database.
    pub written: u64,
    /// Events lost because a write failed.
    pub failed: u64,
}

struct Shared {
    sender: SyncSender<Message>,
    counters: Arc<Counters>,
    path: PathBuf,
}

/// A cheap handle for recording events. [`Analytics::disabled`] records nothing.
#[derive(Clone, Default)]
pub struct Analytics {
    shared: Option<Arc<Shared>>,
}

impl Analytics {
    /// A handle that drops every event without counting it.
    pub fn disabled() -> Analytics {
        Analytics { shared: None }
    }

    /// Opens (or creates) the database at `path` and starts its writer thread. The thread
    /// stops once every clone of the handle is dropped and the queue is written.
    /// `retention_days` is asked before each pruning, so a config reload applies.
    pub fn start(
        path: &Path,
        queue_capacity: usize,
        retention_days: impl Fn() -> u32 + Send + 'static,
    ) -> Result<Analytics, AnalyticsError> {
        let connection = db::open(path)?;
        let counters = Arc::new(Counters::default());
        let (sender, receiver) = std::sync::mpsc::sync_channel(queue_capacity.max(1));
        writer::spawn(
            connection,
            path.to_path_buf(),
            receiver,
            counters.clone(),
            Box::new(retention_days),
        )
        .map_err(|source| AnalyticsError::Writer {
            path: path.to_path_buf(),
            source,
        })?;
        tracing::info!(database = %path.display(), queue_capacity, "search analytics on");
        Ok(Analytics {
            shared: Some(Arc::new(Shared {
                sender,
                counters,
                path: path.to_path_buf(),
            })),
        })
    }

    /// Starts analytics in `DATA/analytics.sqlite` for a server whose config is `config`
    /// (queue size when it starts, retention as it is at each pruning). A database that
    /// cannot be opened is logged as a warning and the server runs without analytics.
    pub fn start_in(data_dir: &Path, config: &crate::config::live::LiveConfig) -> Analytics {
        let path = data_dir.join(ANALYTICS_FILE);
        let settings = config.load().insight.analytics.clone();
        if let Err(err) = std::fs::create_dir_all(data_dir) {
            tracing::warn!(data = %data_dir.display(), error = %err, "search analytics off: cannot create the data folder");
            return Analytics::disabled();
        }
        let live = config.clone();
        let retention = move || live.load().insight.analytics.retention_days;
        match Analytics::start(&path, settings.queue_capacity, retention) {
            Ok(analytics) => analytics,
            Err(err) => {
                tracing::warn!(error = %err, "search analytics off: searches are served but not logged");
                Analytics::disabled()
            }
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.shared.is_some()
    }

    /// Where the events go, when analytics are on.
    pub fn path(&self) -> Option<&Path> {
        self.shared.as_deref().map(|shared| shared.path.as_path())
    }

    /// Queues a search. Never blocks; an empty query is not recorded.
    pub fn record_search(&self, query: &str, result_count: usize, offset: usize, limit: usize) {
        let query = normalize_query(query);
        if query.is_empty() {
            return;
        }
        self.record(Event::Search(SearchEvent {
            at: Utc::now(),
            query,
            result_count: result_count as u64,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            limit: u32::try_from(limit).unwrap_or(u32::MAX),
        }));
    }

    /// Queues a click. Never blocks.
    pub fn record_click(&self, query: &str, rank: Option<u32>, url: &str) {
        self.record(Event::Click(ClickEvent {
            at: Utc::now(),
            query: normalize_query(query),
            rank,
            url: url.to_string(),
        }));
    }

    /// Queues an event, or drops and counts it when the queue is full.
    pub fn record(&self, event: Event) {
        let Some(shared) = &self.shared else {
            return;
        };
        let counters = &shared.counters;
        match shared.sender.try_send(Message::Event(event)) {
            Ok(()) => {
                counters.queued.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                let dropped = counters.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                // One line for the first drop and then one per thousand, not one per search.
                if dropped == 1 || dropped.is_multiple_of(1_000) {
                    tracing::warn!(dropped, "analytics queue full: events dropped");
                }
            }
        }
    }

    /// Waits (a few seconds at most) until everything queued so far is written. Blocking:
    /// call it off the async runtime. Returns whether the writer confirmed.
    pub fn flush(&self) -> bool {
        let Some(shared) = &self.shared else {
            return true;
        };
        let (ack_sender, ack_receiver) = std::sync::mpsc::sync_channel(1);
        if shared.sender.send(Message::Flush(ack_sender)).is_err() {
            return false;
        }
        ack_receiver.recv_timeout(FLUSH_TIMEOUT).is_ok()
    }

    pub fn stats(&self) -> AnalyticsStats {
        let Some(shared) = &self.shared else {
            return AnalyticsStats {
                enabled: false,
                queued: 0,
                dropped: 0,
                written: 0,
                failed: 0,
            };
        };
        let counters = &shared.counters;
        AnalyticsStats {
            enabled: true,
            queued: counters.queued.load(Ordering::Relaxed),
            dropped: counters.dropped.load(Ordering::Relaxed),
            written: counters.written.load(Ordering::Relaxed),
            failed: counters.failed.load(Ordering::Relaxed),
        }
    }
}

/// E-mail addresses, masked before a query is stored.
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\S+@\S+").expect("the e-mail pattern is valid"));

/// Runs of nine or more digits, possibly split by spaces, dashes or dots: phone numbers and
/// NHS numbers. Years and ages ("post 16 transport 2026 27") stay.
static LONG_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+?\d(?:[\s\-.()]*\d){8,}").expect("the number pattern is valid")
});

/// The form a query is stored and grouped in: lower case, whitespace collapsed, e-mail
/// addresses and long numbers masked, at most [`MAX_QUERY_CHARS`] characters.
pub fn normalize_query(text: &str) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = collapsed.to_lowercase();
    let no_email = EMAIL.replace_all(&lower, "[email]");
    let masked = LONG_NUMBER.replace_all(&no_email, "[number]");
    masked.chars().take(MAX_QUERY_CHARS).collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_normalised_and_masked() {
        assert_eq!(normalize_query("  Short\tBREAKS \n "), "short breaks");
        assert_eq!(
            normalize_query("post 16 transport 2026 27"),
            "post 16 transport 2026 27"
        );
        assert_eq!(
            normalize_query("call me 07700 900 123 please"),
            "call me [number] please"
        );
        assert_eq!(
            normalize_query("NHS 943-476-5919 ehcp"),
            "nhs [number] ehcp"
        );
        assert_eq!(
            normalize_query("jo.bloggs@example.org ehcp"),
            "[email] ehcp"
        );
        assert_eq!(normalize_query(&"a".repeat(500)).len(), MAX_QUERY_CHARS);
        assert_eq!(normalize_query("   "), "");
    }

    /// A handle whose queue nobody reads: what a stalled writer looks like.
    fn stalled(capacity: usize) -> (Analytics, std::sync::mpsc::Receiver<Message>) {
        let (sender, receiver) = std::sync::mpsc::sync_channel(capacity);
        let shared = Shared {
            sender,
            counters: Arc::new(Counters::default()),
            path: PathBuf::from("unused.sqlite"),
        };
        let analytics = Analytics {
            shared: Some(Arc::new(shared)),
        };
        (analytics, receiver)
    }

    #[test]
    fn a_stalled_writer_never_blocks_searches() {
        let (analytics, _receiver) = stalled(3);
        for _ in 0..10 {
            analytics.record_search("autism", 1, 0, 10);
        }
        let stats = analytics.stats();
        assert_eq!((stats.queued, stats.dropped), (3, 7));
    }

    #[test]
    fn disabled_handle_records_nothing() {
        let analytics = Analytics::disabled();
        analytics.record_search("autism", 3, 0, 10);
        assert!(analytics.flush());
        assert_eq!(analytics.stats().queued, 0);
        assert!(!analytics.stats().enabled);
    }
}
