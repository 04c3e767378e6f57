//! The writer thread: drains the queue into SQLite in batches and prunes old rows.
//!
//! It is a plain thread, not a task, because every SQLite call blocks. A batch is whatever
//! has queued up since the last write (up to [`MAX_BATCH`]), written in one transaction, so
//! a burst of searches costs one commit rather than one per search.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{Counters, Event, Message, db};

/// Events written in one transaction at most.
const MAX_BATCH: usize = 500;

/// How often old rows are deleted. Pruning is one indexed delete, so hourly is cheap.
const PRUNE_INTERVAL: Duration = Duration::from_secs(3_600);

/// Asked before each pruning: how many days of rows to keep.
pub type RetentionDays = Box<dyn Fn() -> u32 + Send>;

pub fn spawn(
    connection: Connection,
    path: PathBuf,
    receiver: Receiver<Message>,
    counters: Arc<Counters>,
    retention_days: RetentionDays,
) -> std::io::Result<()> {
    let writer = Writer {
        connection,
        path,
        counters,
        retention_days,
        last_pruned: None,
    };
    std::thread::Builder::new()
        .name("analytics-writer".into())
        .spawn(move || writer.run(receiver))?;
    Ok(())
}

struct Writer {
    connection: Connection,
    path: PathBuf,
    counters: Arc<Counters>,
    retention_days: RetentionDays,
    last_pruned: Option<Instant>,
}

impl Writer {
    fn run(mut self, receiver: Receiver<Message>) {
        self.prune_if_due();
        loop {
            let first = match receiver.recv_timeout(PRUNE_INTERVAL) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    self.prune_if_due();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let mut events: Vec<Event> = Vec::new();
            let mut waiting: Vec<std::sync::mpsc::SyncSender<()>> = Vec::new();
            let mut next = Some(first);
            while let Some(message) = next {
                match message {
                    Message::Event(event) => events.push(event),
                    Message::Flush(ack) => waiting.push(ack),
                }
                next = if events.len() < MAX_BATCH {
                    receiver.try_recv().ok()
                } else {
                    None
                };
            }
            self.write(&events);
            for ack in waiting {
                let _ = ack.send(());
            }
            self.prune_if_due();
        }
        tracing::debug!(database = %self.path.display(), "analytics writer stopped");
    }

    fn write(&mut self, events: &[Event]) {
        if events.is_empty() {
            return;
        }
        match db::insert(&mut self.connection, &self.path, events) {
            Ok(written) => {
                self.counters
                    .written
                    .fetch_add(written as u64, Ordering::Relaxed);
            }
            Err(err) => {
                let failed = self
                    .counters
                    .failed
                    .fetch_add(events.len() as u64, Ordering::Relaxed);
                tracing::warn!(
                    error = %err,
                    events = events.len(),
                    failed_before = failed,
                    "analytics events lost: write failed"
                );
            }
        }
    }

    fn prune_if_due(&mut self) {
        if self
            .last_pruned
            .is_some_and(|last| last.elapsed() < PRUNE_INTERVAL)
        {
            return;
        }
        self.last_pruned = Some(Instant::now());
        let retention_days = i64::from((self.retention_days)());
        let cutoff = chrono::Utc::now().timestamp() - retention_days * db::DAY_SECS;
        match db::prune(&self.connection, &self.path, cutoff) {
            Ok(0) => {}
            Ok(deleted) => {
                tracing::info!(deleted, retention_days, "old analytics rows deleted");
            }
            Err(err) => tracing::warn!(error = %err, "cannot delete old analytics rows"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Analytics, db};

    #[test]
    fn events_reach_the_database_and_old_rows_are_pruned() {
        let temp = tempfile::tempdir().expect("temp dir");
        let path = temp.path().join(db::ANALYTICS_FILE);

        // A row from long ago, written directly, goes at the first pruning.
        {
            let mut connection = db::open(&path).expect("open");
            let old = crate::analytics::Event::Search(crate::analytics::SearchEvent {
                at: chrono::DateTime::from_timestamp(1_000, 0).expect("time"),
                query: "old".into(),
                result_count: 1,
                offset: 0,
                limit: 10,
            });
            db::insert(&mut connection, &path, &[old]).expect("insert");
        }

        let analytics = Analytics::start(&path, 100, || 30).expect("start");
        analytics.record_search("Short  Breaks", 4, 0, 10);
        analytics.record_click("short breaks", Some(1), "http://site/b");
        assert!(analytics.flush());
        let stats = analytics.stats();
        assert_eq!((stats.queued, stats.written, stats.dropped), (2, 2, 0));

        let connection = db::open_for_reading(&path).expect("read");
        assert_eq!(db::row_counts(&connection, &path).expect("count"), (1, 1));
        let queries = db::distinct_queries(&connection, &path, db::Span::ALL).expect("q");
        assert_eq!(queries, vec!["short breaks".to_string()]);
    }

    #[test]
    fn a_full_queue_drops_and_counts() {
        let temp = tempfile::tempdir().expect("temp dir");
        let path = temp.path().join(db::ANALYTICS_FILE);
        let analytics = Analytics::start(&path, 1, || 365).expect("start");
        for _ in 0..2_000 {
            analytics.record_search("autism", 1, 0, 10);
        }
        assert!(analytics.flush());
        let stats = analytics.stats();
        assert_eq!(stats.queued + stats.dropped, 2_000);
        assert_eq!(stats.written, stats.queued);
    }
}
