//! Reports for a Local Offer steering group: what families search for and find, which pages
//! are overdue for review, how the meta keywords read, and which links are broken.
//!
//! Each report is a plain struct built from the index, the analytics log and the imported
//! review tracker; it serialises to JSON as it is and to CSV through [`CsvRow`] (one row per
//! line, a header even when there are no rows). The CLI and the admin API both go through
//! [`build`], so a report reads the same at a terminal and in the browser.

pub mod keywords;
pub mod links;
pub mod queries;
pub mod reviews;
pub mod tracker;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use crate::analytics::db::{ANALYTICS_FILE, DAY_SECS, Span};
use crate::config::Config;
use crate::record::IndexRecord;
use crate::sqlite::DbError;

pub use links::{BrokenLink, CrawlStateLinks, LinkChecks, NoLinkChecks};
pub use tracker::{TRACKER_FILE, TrackerError};

/// Rows a list report returns when the caller does not say.
pub const DEFAULT_ROWS: usize = 100;
/// The most rows a list report returns.
pub const MAX_ROWS: usize = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Tracker(#[from] TrackerError),
    #[error("date range `{from}` to `{to}` ends before it starts")]
    BackwardsRange { from: NaiveDate, to: NaiveDate },
    #[error("unknown report `{0}`: allowed are {allowed}", allowed = ReportKind::NAMES.join(", "))]
    UnknownReport(String),
    #[error("this report needs an index: run `offer-search crawl` first")]
    NoIndex,
    #[error("cannot read the index for the report: {0}")]
    Index(String),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// Inclusive dates `from`..=`to` (UTC days); either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateRange {
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<DateRange, ReportError> {
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(ReportError::BackwardsRange { from, to });
        }
        Ok(DateRange { from, to })
    }

    /// The half-open span of Unix seconds the range covers.
    pub fn span(&self) -> Span {
        let start_of = |date: NaiveDate| date.and_time(NaiveTime::MIN).and_utc().timestamp();
        Span {
            start: self.from.map_or(i64::MIN, start_of),
            end: self.to.map_or(i64::MAX, |to| start_of(to) + DAY_SECS),
        }
    }
}

/// A report row as one CSV record.
pub trait CsvRow {
    /// Column names, in the order of [`CsvRow::cells`].
    const COLUMNS: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

/// Renders rows as CSV with a header line, also when there are no rows.
pub fn to_csv<R: CsvRow>(rows: &[R]) -> Result<String, ReportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(R::COLUMNS)?;
    for row in rows {
        writer.write_record(row.cells())?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| ReportError::Csv(err.into_error().into()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// An optional value as a CSV cell: empty when absent.
pub(crate) fn cell<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// `part / whole` to four decimal places, 0 when `whole` is 0.
pub(crate) fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
}

/// The reports there are, by the names the CLI and the API use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    TopQueries,
    ZeroResults,
    NoClicks,
    ClickPositions,
    Weekly,
    Reviews,
    Keywords,
    Links,
}

impl ReportKind {
    pub const NAMES: &'static [&'static str] = &[
        "top-queries",
        "zero-results",
        "no-clicks",
        "click-positions",
        "weekly",
        "reviews",
        "keywords",
        "links",
    ];

    pub const ALL: [ReportKind; 8] = [
        ReportKind::TopQueries,
        ReportKind::ZeroResults,
        ReportKind::NoClicks,
        ReportKind::ClickPositions,
        ReportKind::Weekly,
        ReportKind::Reviews,
        ReportKind::Keywords,
        ReportKind::Links,
    ];

    pub fn parse(name: &str) -> Result<ReportKind, ReportError> {
        ReportKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| ReportError::UnknownReport(name.chars().take(40).collect()))
    }

    /// The name the CLI and the API use.
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::TopQueries => "top-queries",
            ReportKind::ZeroResults => "zero-results",
            ReportKind::NoClicks => "no-clicks",
            ReportKind::ClickPositions => "click-positions",
            ReportKind::Weekly => "weekly",
            ReportKind::Reviews => "reviews",
            ReportKind::Keywords => "keywords",
            ReportKind::Links => "links",
        }
    }

    /// Whether the report reads the index (and so fails before the first crawl).
    pub fn needs_index(self) -> bool {
        matches!(
            self,
            ReportKind::Reviews | ReportKind::Keywords | ReportKind::Links
        )
    }
}

/// What a report is built from.
pub struct Sources<'a> {
    /// The data folder: `analytics.sqlite` and `review-tracker.sqlite` live here.
    pub data_dir: &'a Path,
    /// Every record of the current index; `None` before the first crawl.
    pub records: Option<&'a [IndexRecord]>,
    pub config: &'a Config,
    pub links: &'a dyn LinkChecks,
}

impl Sources<'_> {
    pub fn analytics_path(&self) -> PathBuf {
        self.data_dir.join(ANALYTICS_FILE)
    }

    pub fn tracker_path(&self) -> PathBuf {
        self.data_dir.join(TRACKER_FILE)
    }

    fn records(&self) -> Result<&[IndexRecord], ReportError> {
        self.records.ok_or(ReportError::NoIndex)
    }
}

/// What a report is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub range: DateRange,
    /// "Today" for the review report.
    pub as_of: NaiveDate,
    /// Most rows in the list reports.
    pub rows: usize,
}

/// A built report, ready to render.
pub enum Built {
    TopQueries(queries::TopQueriesReport),
    ZeroResults(queries::ZeroResultsReport),
    NoClicks(queries::NoClicksReport),
    ClickPositions(queries::ClickPositionsReport),
    Weekly(queries::WeeklyReport),
    Reviews(Box<reviews::ReviewReport>),
    Keywords(keywords::KeywordReport),
    Links(links::LinksReport),
}

impl Built {
    pub fn to_json(&self) -> serde_json::Value {
        let value = match self {
            Built::TopQueries(report) => serde_json::to_value(report),
            Built::ZeroResults(report) => serde_json::to_value(report),
            Built::NoClicks(report) => serde_json::to_value(report),
            Built::ClickPositions(report) => serde_json::to_value(report),
            Built::Weekly(report) => serde_json::to_value(report),
            Built::Reviews(report) => serde_json::to_value(report),
            Built::Keywords(report) => serde_json::to_value(report),
            Built::Links(report) => serde_json::to_value(report),
        };
        // Every report is made of strings, numbers, dates and lists: it always serialises.
        value.unwrap_or(serde_json::Value::Null)
    }

    /// The report's main table as CSV.
    pub fn to_csv(&self) -> Result<String, ReportError> {
        match self {
            Built::TopQueries(report) => to_csv(&report.rows),
            Built::ZeroResults(report) => to_csv(&report.rows),
            Built::NoClicks(report) => to_csv(&report.rows),
            Built::ClickPositions(report) => to_csv(&report.rows),
            Built::Weekly(report) => to_csv(&report.rows),
            Built::Reviews(report) => to_csv(&report.pages),
            Built::Keywords(report) => to_csv(&report.pages),
            Built::Links(report) => to_csv(&report.rows),
        }
    }

    /// A one-line summary for a terminal, e.g. "31 of 72 pages overdue".
    pub fn summary(&self) -> String {
        match self {
            Built::TopQueries(report) => format!(
                "{} of {}",
                counted(report.searches, "search", "searches"),
                counted(
                    report.distinct_queries as u64,
                    "distinct query",
                    "distinct queries"
                )
            ),
            Built::ZeroResults(report) => format!(
                "{} of {} found nothing",
                report.zero_result_searches,
                counted(report.searches, "search", "searches")
            ),
            Built::NoClicks(report) => format!(
                "{} with results and no clicks listed",
                counted(report.rows.len() as u64, "query", "queries")
            ),
            Built::ClickPositions(report) => counted(report.clicks, "click", "clicks"),
            Built::Weekly(report) => counted(report.rows.len() as u64, "week", "weeks"),
            Built::Reviews(report) => report.summary.clone(),
            Built::Keywords(report) => report.summary.clone(),
            Built::Links(report) => report.summary.clone(),
        }
    }
}

/// "1 search", "2 searches".
fn counted(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Builds one report. Blocking (SQLite and CPU work): call it off the async runtime.
pub fn build(kind: ReportKind, sources: &Sources, options: &Options) -> Result<Built, ReportError> {
    let analytics = sources.analytics_path();
    let rows = options.rows.clamp(1, MAX_ROWS);
    let range = options.range;
    let built = match kind {
        ReportKind::TopQueries => Built::TopQueries(queries::top_queries(&analytics, range, rows)?),
        ReportKind::ZeroResults => {
            Built::ZeroResults(queries::zero_results(&analytics, range, rows)?)
        }
        ReportKind::NoClicks => Built::NoClicks(queries::no_clicks(&analytics, range, rows)?),
        ReportKind::ClickPositions => {
            Built::ClickPositions(queries::click_positions(&analytics, range)?)
        }
        ReportKind::Weekly => Built::Weekly(queries::weekly(&analytics, range)?),
        ReportKind::Reviews => {
            let tracker = tracker::load(&sources.tracker_path())?;
            let report = reviews::review_report(
                sources.records()?,
                tracker.as_ref(),
                &sources.config.insight.review,
                options.as_of,
            );
            Built::Reviews(Box::new(report))
        }
        ReportKind::Keywords => {
            let searched = queries::searched_queries(&analytics, range)?;
            Built::Keywords(keywords::keyword_report(
                sources.records()?,
                &searched,
                range,
                &sources.config.insight.keywords,
            ))
        }
        ReportKind::Links => {
            let tracker = tracker::load(&sources.tracker_path())?;
            Built::Links(links::links_report(
                sources.records()?,
                tracker.as_ref(),
                sources.links,
            )?)
        }
    };
    Ok(built)
}

/// A page record for the reports' tests: `path` on `http://site`, its path as its title.
#[cfg(test)]
pub(crate) fn test_page(path: &str) -> IndexRecord {
    use crate::record::{Audience, KeywordForm, Kind, PageRecord, SiteFacts, Stage};
    IndexRecord {
        page: PageRecord {
            url: format!("http://site{path}"),
            kind: Kind::Page,
            title: path.to_string(),
            description: String::new(),
            keywords: String::new(),
            headings: Vec::new(),
            body: String::new(),
            breadcrumbs: Vec::new(),
            links: Vec::new(),
            language: None,
            last_reviewed: None,
            content_type: "text/html".into(),
            size_bytes: 0,
            content_hash: path.to_string(),
        },
        facts: SiteFacts {
            path: path.to_string(),
            title: path.to_string(),
            section: None,
            section_label: None,
            landing: false,
            depth: 1,
            parent_url: None,
            parent_title: None,
            inbound_links: 0,
            keyword_form: KeywordForm::None,
            local: false,
            audience: Audience::default(),
            audience_rule: String::new(),
            stage: Stage::default(),
            stage_rule: String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pair(&'static str, Option<u32>);

    impl CsvRow for Pair {
        const COLUMNS: &'static [&'static str] = &["name", "count"];
        fn cells(&self) -> Vec<String> {
            vec![self.0.to_string(), cell(&self.1)]
        }
    }

    #[test]
    fn csv_has_a_header_even_without_rows_and_quotes_commas() -> Result<(), ReportError> {
        assert_eq!(to_csv::<Pair>(&[])?, "name,count\n");
        let rows = [Pair("a, b", Some(2)), Pair("c", None)];
        assert_eq!(to_csv(&rows)?, "name,count\n\"a, b\",2\nc,\n");
        Ok(())
    }

    #[test]
    fn date_ranges_are_inclusive_utc_days() -> Result<(), ReportError> {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        let range = DateRange::new(day("2026-12-01"), day("2026-12-01"))?;
        let span = range.span();
        assert_eq!(span.end - span.start, DAY_SECS);
        assert!(DateRange::new(day("2026-12-02"), day("2026-12-01")).is_err());
        assert_eq!(DateRange::default().span(), Span::ALL);
        Ok(())
    }

    #[test]
    fn report_names_round_trip() -> Result<(), ReportError> {
        for name in ReportKind::NAMES {
            assert_eq!(ReportKind::parse(name)?.name(), *name);
        }
        assert_eq!(ReportKind::NAMES.len(), ReportKind::ALL.len());
        assert!(ReportKind::parse("everything").is_err());
        Ok(())
    }
}
