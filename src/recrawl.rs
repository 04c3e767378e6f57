//! One crawl of a data folder, from its crawl state to a published generation and a
//! report, and the [`Recrawler`] that runs it on a schedule inside `serve`.
//!
//! [`run_crawl`] is what `offer-search crawl` and the server both call: it reads the crawl
//! state, crawls incrementally, publishes a complete new generation (or refuses, with the
//! reason in the report), saves the state, and writes the report to `DATA/reports/`, the
//! generation's meta and the state database. The caller holds the data folder's crawl
//! lock throughout, so a scheduled crawl and a crawl from the command line never overlap.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use url::Url;

use crate::config::Config;
use crate::config::live::LiveConfig;
use crate::crawl::revisit::fingerprint;
use crate::crawl::{CrawlError, CrawlOptions, CrawlSummary, crawl};
use crate::links::check_stored_links;
use crate::publish::{PublishError, build_fingerprint, publish_records};
use crate::state::{CrawlState, StateError};
use crate::store::{CrawlLock, DataDir, Generation, StoreError};

/// How often the schedule looks at the clock and the config (a changed interval applies
/// from the next look).
const SCHEDULE_CHECK_INTERVAL: Duration = Duration::from_secs(30);

/// What started a crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// `offer-search crawl` or the demo.
    Command,
    /// The server's schedule.
    Schedule,
    /// `POST /admin/recrawl`.
    Admin,
}

/// How to run one crawl.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Start URLs; empty means the config's `site.start_urls`.
    pub start_urls: Vec<Url>,
    /// Publish even an empty, shrunken or stopped crawl.
    pub force: bool,
    /// Ignore the crawl state: fetch and extract everything again.
    pub full: bool,
    pub progress: bool,
    /// See [`CrawlOptions::worker_program`].
    pub worker_program: Option<PathBuf>,
    pub trigger: Trigger,
}

impl RunOptions {
    pub fn new(trigger: Trigger) -> RunOptions {
        RunOptions {
            start_urls: Vec::new(),
            force: false,
            full: false,
            progress: false,
            worker_program: None,
            trigger,
        }
    }
}

/// The report of one crawl run, as written to `DATA/reports/` and the state database.
#[derive(Debug, Clone, Serialize)]
pub struct CrawlReport {
    pub trigger: Trigger,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// The generation published, if one was.
    pub generation: Option<u64>,
    pub published: bool,
    /// Why nothing was published (a safety check), when nothing was.
    pub refused: Option<String>,
    /// Nothing on the site changed, so the generation already served (`generation`) is
    /// kept rather than rebuilt.
    #[serde(default)]
    pub kept_current: bool,
    /// Crawl, publishing and saving together.
    pub total_secs: f64,
    #[serde(flatten)]
    pub summary: CrawlSummary,
}

impl CrawlReport {
    /// One line for a terminal or a log.
    pub fn one_line(&self) -> String {
        let summary = &self.summary;
        let skipped: usize = summary.skipped.values().sum();
        let mut line = format!(
            "{} crawl: {} page(s), {} document(s); {} new, {} changed, {} unchanged, {} removed; \
             {} fetched, {} not modified, {} request(s), {} retr{}, {} KiB; skipped \
             {skipped}{}; {} external link(s), {} broken internal link(s); {:.1}s",
            summary.mode,
            summary.pages,
            summary.documents,
            summary.new,
            summary.changed,
            summary.unchanged,
            summary.removed,
            summary.fetched,
            summary.not_modified,
            summary.requests,
            summary.retries,
            if summary.retries == 1 { "y" } else { "ies" },
            summary.downloaded_bytes / 1024,
            describe_skipped(&summary.skipped),
            summary.external_links,
            summary.broken_links,
            self.total_secs,
        );
        if let Some(stopped) = &summary.stopped {
            line.push_str(&format!(
                "; stopped early ({}: {})",
                stopped.reason, stopped.detail
            ));
        }
        line
    }
}

fn describe_skipped(skipped: &std::collections::BTreeMap<String, usize>) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = skipped
        .iter()
        .map(|(reason, count)| format!("{reason} {count}"))
        .collect();
    format!(" ({})", parts.join(", "))
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct CrawlRun {
    pub report: CrawlReport,
    pub generation: Option<Generation>,
    /// Where the report file was written.
    pub report_path: PathBuf,
}

/// A crawl run that failed outright (a refused publish is not a failure: see
/// [`CrawlReport::refused`]).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Crawl(#[from] CrawlError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Publish(PublishError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("crawl task `{task}` failed: {reason}")]
    Task { task: &'static str, reason: String },
}

fn task_error(task: &'static str) -> impl FnOnce(tokio::task::JoinError) -> RunError {
    move |err| RunError::Task {
        task,
        reason: err.to_string(),
    }
}

/// Crawls into `data` under `lock` and publishes a new generation unless a safety check
/// refuses it: no pages, more than half the current pages gone, or a crawl stopped early
/// by its error budget or deadline (all waived by `force`).
///
/// The crawl state is read first (unless `full`) and replaced only when the generation is
/// published, so a refused crawl leaves the next one comparing with what is served. Must
/// run inside a tokio runtime; indexing and database work run on its blocking pool.
pub async fn run_crawl(
    data: &DataDir,
    config: &Config,
    lock: CrawlLock,
    options: RunOptions,
) -> Result<CrawlRun, RunError> {
    let started = Instant::now();
    let started_at = Utc::now();
    let fingerprint = fingerprint(&config.site);

    let state_data = data.clone();
    let state_fingerprint = fingerprint.clone();
    let full = options.full;
    let (state, previous) = tokio::task::spawn_blocking(move || {
        let state = CrawlState::open(&state_data)?;
        let mut previous = state.previous(&state_fingerprint)?;
        if full {
            // Still compared with the last index, but nothing is reused.
            previous.fetches.clear();
        }
        Ok::<_, StateError>((state, previous))
    })
    .await
    .map_err(task_error("read crawl state"))??;

    let mut crawl_options = CrawlOptions::new(options.start_urls.clone(), config.site.clone());
    crawl_options.progress = options.progress;
    crawl_options.worker_program = options.worker_program.clone();
    crawl_options.previous = previous;
    let output = crawl(crawl_options).await?;

    let stopped = output.summary.stopped.clone();
    let summary_json = serde_json::to_value(&output.summary).ok();
    let publish_data = data.clone();
    let publish_config = config.clone();
    let force = options.force;
    let (outcome, output, mut state, lock) = tokio::task::spawn_blocking(move || {
        if !force
            && !full
            && stopped.is_none()
            && let Some(current) = unchanged_generation(&publish_data, &publish_config, &output)
        {
            return (Ok(Kept::Unchanged(current)), output, state, lock);
        }
        let outcome = match stopped {
            Some(stopped) if !force => Err(Ok(format!(
                "not publishing: the crawl stopped early ({}: {}) (use --force to publish \
                 anyway)",
                stopped.reason, stopped.detail
            ))),
            _ => publish_records(
                &publish_data,
                &lock,
                &publish_config,
                output.records.clone(),
                summary_json,
                force,
            )
            .map(Kept::Published)
            .map_err(|err| match err {
                PublishError::NoPages | PublishError::TooFewPages { .. } => Ok(err.to_string()),
                other => Err(other),
            }),
        };
        (outcome, output, state, lock)
    })
    .await
    .map_err(task_error("publish"))?;

    let (generation, refused, kept_current) = match outcome {
        Ok(Kept::Published(generation)) => (Some(generation), None, false),
        Ok(Kept::Unchanged(generation)) => (Some(generation), None, true),
        Err(Ok(refusal)) => (None, Some(refusal), false),
        Err(Err(failure)) => return Err(RunError::Publish(failure)),
    };

    let report = CrawlReport {
        trigger: options.trigger,
        started_at,
        finished_at: Utc::now(),
        generation: generation.as_ref().map(|generation| generation.number),
        published: generation.is_some() && !kept_current,
        refused,
        kept_current,
        total_secs: started.elapsed().as_secs_f64(),
        summary: output.summary.clone(),
    };
    let report_json = serde_json::to_value(&report).unwrap_or_default();
    let file_name = match &generation {
        Some(_) if kept_current => format!(
            "crawl-unchanged-{}.json",
            started_at.format("%Y%m%dT%H%M%SZ")
        ),
        Some(generation) => format!("crawl-{}.json", generation.number),
        None => format!(
            "crawl-unpublished-{}.json",
            started_at.format("%Y%m%dT%H%M%SZ")
        ),
    };

    let save_data = data.clone();
    // Unchanged crawls save the state too: the validators the site sent may be new.
    let published = generation.is_some();
    let generation_number = report.generation;
    let report_path = tokio::task::spawn_blocking(move || {
        if published {
            state.save_crawl(&fingerprint, &output)?;
        }
        state.record_run(generation_number, &report_json)?;
        let pretty = serde_json::to_vec_pretty(&report_json).unwrap_or_default();
        let path = save_data.write_report(&file_name, &pretty)?;
        // The lock is released only once the state matches the published generation.
        drop(lock);
        Ok::<_, RunError>(path)
    })
    .await
    .map_err(task_error("save crawl state"))??;

    tracing::info!(
        trigger = ?report.trigger,
        generation = report.generation,
        published = report.published,
        refused = report.refused.as_deref(),
        report = %report_path.display(),
        "crawl run finished"
    );
    Ok(CrawlRun {
        report,
        generation,
        report_path,
    })
}

/// What a crawl did with the data folder.
enum Kept {
    Published(Generation),
    /// Nothing changed: the current generation stays.
    Unchanged(Generation),
}

/// The current generation, when this crawl found no page new, changed or removed and that
/// generation was built by this program with the same index-time rules from as many records.
fn unchanged_generation(
    data: &DataDir,
    config: &Config,
    output: &crate::crawl::CrawlOutput,
) -> Option<Generation> {
    let summary = &output.summary;
    if summary.new > 0 || summary.changed > 0 || summary.removed > 0 {
        return None;
    }
    let current = data.current().ok()?;
    let same_build = current.meta.build.as_deref() == Some(build_fingerprint(config).as_str());
    let same_count = current.meta.num_pages + current.meta.num_documents == output.records.len();
    (same_build && same_count).then_some(current)
}

/// What the server's recrawler is doing, for `GET /admin/crawl`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecrawlStatus {
    /// The crawl running now in this server, if any.
    pub running: Option<RunningCrawl>,
    pub last_finished_at: Option<DateTime<Utc>>,
    /// Why the last crawl run by this server failed, when it did.
    pub last_error: Option<String>,
    /// When the schedule starts the next crawl; `None` when the schedule is off.
    pub next_scheduled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunningCrawl {
    pub trigger: Trigger,
    pub started_at: DateTime<Utc>,
}

/// Why a crawl could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("a crawl is already running on data folder `{0}`")]
    Running(PathBuf),
    #[error(transparent)]
    Store(StoreError),
}

/// Runs crawls inside the server: on request and on the schedule, one at a time, under
/// the data folder's crawl lock. Cheap to clone.
#[derive(Clone)]
pub struct Recrawler {
    inner: Arc<RecrawlerInner>,
}

struct RecrawlerInner {
    data: DataDir,
    config: LiveConfig,
    worker_program: Option<PathBuf>,
    status: Mutex<RecrawlStatus>,
    finished: tokio::sync::Notify,
}

impl Recrawler {
    /// A recrawler for `data`, reading the site config from `config` at each start.
    pub fn new(data: DataDir, config: LiveConfig, worker_program: Option<PathBuf>) -> Recrawler {
        Recrawler {
            inner: Arc::new(RecrawlerInner {
                data,
                config,
                worker_program,
                status: Mutex::new(RecrawlStatus::default()),
                finished: tokio::sync::Notify::new(),
            }),
        }
    }

    pub fn data(&self) -> &DataDir {
        &self.inner.data
    }

    pub fn status(&self) -> RecrawlStatus {
        self.lock_status().clone()
    }

    fn lock_status(&self) -> std::sync::MutexGuard<'_, RecrawlStatus> {
        self.inner
            .status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The report of the latest crawl run on this data folder (from the state database),
    /// whoever ran it.
    pub fn last_report(&self) -> Result<Option<serde_json::Value>, StateError> {
        CrawlState::open(&self.inner.data)?.last_run()
    }

    /// Starts a crawl in the background. Fails at once with [`StartError::Running`] when a
    /// crawl holds the data folder's lock, in this process or another. Must be called
    /// inside a tokio runtime.
    pub fn start(&self, trigger: Trigger) -> Result<RunningCrawl, StartError> {
        let lock = match self.inner.data.lock() {
            Ok(lock) => lock,
            Err(StoreError::Locked(path)) => return Err(StartError::Running(path)),
            Err(err) => return Err(StartError::Store(err)),
        };
        let running = RunningCrawl {
            trigger,
            started_at: Utc::now(),
        };
        self.lock_status().running = Some(running.clone());

        let recrawler = self.clone();
        tokio::spawn(async move {
            let config = recrawler.inner.config.load();
            let mut options = RunOptions::new(trigger);
            options.worker_program = recrawler.inner.worker_program.clone();
            let outcome = run_crawl(&recrawler.inner.data, &config, lock, options).await;
            let error = match outcome {
                Ok(run) => {
                    tracing::info!(summary = %run.report.one_line(), "recrawl finished");
                    let check_links = trigger == Trigger::Schedule
                        && run.report.generation.is_some()
                        && config.site.links.check_on_schedule;
                    if check_links
                        && let Err(err) =
                            check_stored_links(&recrawler.inner.data, &config.site).await
                    {
                        tracing::warn!(error = %err, "link check after the scheduled crawl failed");
                    }
                    run.report.refused.clone()
                }
                Err(err) => {
                    tracing::error!(error = %err, "recrawl failed; the current index keeps serving");
                    Some(err.to_string())
                }
            };
            {
                let mut status = recrawler.lock_status();
                status.running = None;
                status.last_finished_at = Some(Utc::now());
                status.last_error = error;
            }
            recrawler.inner.finished.notify_waiters();
        });
        Ok(running)
    }

    /// Waits until the crawl running in this server, if any, has finished.
    pub async fn wait_idle(&self) {
        loop {
            let finished = self.inner.finished.notified();
            if self.lock_status().running.is_none() {
                return;
            }
            finished.await;
        }
    }

    /// Recrawls every `schedule.recrawl_interval_minutes` after the last crawl finished,
    /// until the runtime shuts down. The interval is read from the live config at each
    /// look, so editing `site.toml` turns the schedule on, off or changes it.
    pub async fn run_schedule(self) {
        loop {
            let interval = self.inner.config.load().site.schedule.recrawl_interval;
            let Some(interval) = interval else {
                self.lock_status().next_scheduled_at = None;
                tokio::time::sleep(SCHEDULE_CHECK_INTERVAL).await;
                continue;
            };
            let due = self.next_due(interval);
            self.lock_status().next_scheduled_at = Some(due);

            let now = Utc::now();
            if now >= due {
                match self.start(Trigger::Schedule) {
                    Ok(_) => {
                        tracing::info!("scheduled recrawl started");
                        self.wait_idle().await;
                    }
                    Err(StartError::Running(_)) => {
                        tracing::info!("scheduled recrawl skipped: another crawl is running");
                        // Try again after a full interval, as if it had run.
                        self.lock_status().last_finished_at = Some(Utc::now());
                    }
                    Err(StartError::Store(err)) => {
                        tracing::error!(error = %err, "scheduled recrawl cannot start");
                        let mut status = self.lock_status();
                        status.last_finished_at = Some(Utc::now());
                        status.last_error = Some(err.to_string());
                    }
                }
                continue;
            }
            let until_due = (due - now).to_std().unwrap_or(Duration::ZERO);
            tokio::time::sleep(until_due.min(SCHEDULE_CHECK_INTERVAL)).await;
        }
    }

    /// When the next scheduled crawl is due: an interval after the last crawl this server
    /// finished, else after the current generation was made; at once without either.
    fn next_due(&self, interval: Duration) -> DateTime<Utc> {
        let last = self.lock_status().last_finished_at.or_else(|| {
            let generation = self.inner.data.current().ok()?;
            DateTime::parse_from_rfc3339(&generation.meta.created_at)
                .ok()
                .map(|date| date.with_timezone(&Utc))
        });
        match last {
            Some(last) => last + chrono::Duration::from_std(interval).unwrap_or_default(),
            None => Utc::now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_names_the_counts_and_a_stop() {
        let mut summary = CrawlSummary {
            mode: "incremental".into(),
            pages: 72,
            documents: 6,
            unchanged: 78,
            not_modified: 77,
            ..CrawlSummary::default()
        };
        summary.skipped.insert("robots".into(), 2);
        summary.stopped = Some(crate::crawl::Stopped {
            reason: "deadline".into(),
            detail: "the crawl ran longer than 60 s".into(),
        });
        let report = CrawlReport {
            trigger: Trigger::Command,
            started_at: Utc::now(),
            finished_at: Utc::now(),
            generation: None,
            published: false,
            refused: None,
            kept_current: false,
            total_secs: 1.25,
            summary,
        };
        let line = report.one_line();
        assert!(
            line.starts_with("incremental crawl: 72 page(s), 6 document(s)"),
            "{line}"
        );
        assert!(line.contains("78 unchanged"), "{line}");
        assert!(line.contains("77 not modified"), "{line}");
        assert!(line.contains("(robots 2)"), "{line}");
        assert!(line.contains("stopped early (deadline"), "{line}");
    }

    #[test]
    fn report_json_is_flat() -> Result<(), serde_json::Error> {
        let report = CrawlReport {
            trigger: Trigger::Schedule,
            started_at: Utc::now(),
            finished_at: Utc::now(),
            generation: Some(4),
            published: true,
            refused: None,
            kept_current: false,
            total_secs: 2.0,
            summary: CrawlSummary::default(),
        };
        let json = serde_json::to_value(&report)?;
        assert_eq!(json["trigger"], "schedule");
        assert_eq!(json["generation"], 4);
        assert!(json.get("unchanged").is_some(), "{json}");
        assert!(json.get("skipped").is_some(), "{json}");
        Ok(())
    }

    #[tokio::test]
    async fn due_at_once_without_any_crawl() -> Result<(), Box<dyn std::error::Error>> {
        let temp = tempfile::tempdir()?;
        let recrawler = Recrawler::new(
            DataDir::new(temp.path()),
            LiveConfig::new(Config::defaults()),
            None,
        );
        let interval = Duration::from_secs(3600);
        assert!(recrawler.next_due(interval) <= Utc::now());

        let finished = Utc::now();
        recrawler.lock_status().last_finished_at = Some(finished);
        assert_eq!(
            recrawler.next_due(interval),
            finished + chrono::Duration::hours(1)
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_held_lock_means_running() -> Result<(), Box<dyn std::error::Error>> {
        let temp = tempfile::tempdir()?;
        let data = DataDir::new(temp.path());
        let recrawler = Recrawler::new(data.clone(), LiveConfig::new(Config::defaults()), None);
        let _held = data.lock()?;
        let err = recrawler.start(Trigger::Admin).unwrap_err();
        assert!(matches!(err, StartError::Running(_)), "{err}");
        assert!(recrawler.status().running.is_none());
        Ok(())
    }
}
