//! Query reports from the analytics log: top queries, queries that found nothing, queries
//! whose results nobody clicked, where clicks land, and the weekly trend.
//!
//! A "search" is a request for the first page of results; later pages of the same query
//! are counted apart (`later_pages`) so that paging does not inflate a query's popularity.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::{CsvRow, DateRange, ReportError, ratio};
use crate::analytics::db::{self, DayCounts, QueryStats};

/// A week's row is filled in for empty weeks between the range's ends only when the range
/// spans at most this many weeks (ten years); past that, only weeks with data are listed.
const MAX_FILLED_WEEKS: i64 = 522;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopQueryRow {
    pub query: String,
    pub searches: u64,
    /// Share of all searches in the range.
    pub share: f64,
    pub later_pages: u64,
    /// Result count of the latest search.
    pub results: u64,
    pub zero_result_searches: u64,
    pub clicks: u64,
    /// Clicks per search.
    pub click_rate: f64,
    pub last_searched: NaiveDate,
}

impl CsvRow for TopQueryRow {
    const COLUMNS: &'static [&'static str] = &[
        "query",
        "searches",
        "share",
        "later_pages",
        "results",
        "zero_result_searches",
        "clicks",
        "click_rate",
        "last_searched",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.query.clone(),
            self.searches.to_string(),
            self.share.to_string(),
            self.later_pages.to_string(),
            self.results.to_string(),
            self.zero_result_searches.to_string(),
            self.clicks.to_string(),
            self.click_rate.to_string(),
            self.last_searched.to_string(),
        ]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopQueriesReport {
    #[serde(flatten)]
    pub range: DateRange,
    /// First-page searches of every query in the range.
    pub searches: u64,
    pub distinct_queries: usize,
    pub rows: Vec<TopQueryRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ZeroResultRow {
    pub query: String,
    pub zero_result_searches: u64,
    /// Result count of the latest search: above 0 when content added since answers it.
    pub results_now: u64,
    pub last_searched: NaiveDate,
}

impl CsvRow for ZeroResultRow {
    const COLUMNS: &'static [&'static str] = &[
        "query",
        "zero_result_searches",
        "results_now",
        "last_searched",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.query.clone(),
            self.zero_result_searches.to_string(),
            self.results_now.to_string(),
            self.last_searched.to_string(),
        ]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ZeroResultsReport {
    #[serde(flatten)]
    pub range: DateRange,
    pub searches: u64,
    pub zero_result_searches: u64,
    pub zero_result_share: f64,
    pub rows: Vec<ZeroResultRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NoClickRow {
    pub query: String,
    pub searches: u64,
    pub results: u64,
    pub last_searched: NaiveDate,
}

impl CsvRow for NoClickRow {
    const COLUMNS: &'static [&'static str] = &["query", "searches", "results", "last_searched"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.query.clone(),
            self.searches.to_string(),
            self.results.to_string(),
            self.last_searched.to_string(),
        ]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NoClicksReport {
    #[serde(flatten)]
    pub range: DateRange,
    pub rows: Vec<NoClickRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClickPositionRow {
    /// 1-based position, counting earlier pages of results.
    pub rank: u32,
    pub clicks: u64,
    pub share: f64,
}

impl CsvRow for ClickPositionRow {
    const COLUMNS: &'static [&'static str] = &["rank", "clicks", "share"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.rank.to_string(),
            self.clicks.to_string(),
            self.share.to_string(),
        ]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClickPositionsReport {
    #[serde(flatten)]
    pub range: DateRange,
    /// Every click, ranked or not.
    pub clicks: u64,
    /// Clicks a front-end reported without a rank; not in `rows`.
    pub unranked_clicks: u64,
    pub rows: Vec<ClickPositionRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WeekRow {
    /// ISO 8601 week, e.g. `2026-W49`.
    pub week: String,
    /// The Monday the week starts on.
    pub week_start: NaiveDate,
    pub searches: u64,
    pub zero_result_searches: u64,
    pub zero_result_share: f64,
    pub clicks: u64,
}

impl CsvRow for WeekRow {
    const COLUMNS: &'static [&'static str] = &[
        "week",
        "week_start",
        "searches",
        "zero_result_searches",
        "zero_result_share",
        "clicks",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.week.clone(),
            self.week_start.to_string(),
            self.searches.to_string(),
            self.zero_result_searches.to_string(),
            self.zero_result_share.to_string(),
            self.clicks.to_string(),
        ]
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WeeklyReport {
    #[serde(flatten)]
    pub range: DateRange,
    pub rows: Vec<WeekRow>,
}

fn stats(analytics: &Path, range: DateRange) -> Result<Vec<QueryStats>, ReportError> {
    let connection = db::open_for_reading(analytics)?;
    Ok(db::query_stats(&connection, analytics, range.span())?)
}

fn day_of(secs: i64) -> NaiveDate {
    DateTime::from_timestamp(secs, 0).map_or(NaiveDate::MIN, |time| time.date_naive())
}

/// The most searched queries, most first (ties by query text).
pub fn top_queries(
    analytics: &Path,
    range: DateRange,
    rows: usize,
) -> Result<TopQueriesReport, ReportError> {
    let mut all = stats(analytics, range)?;
    all.retain(|stats| stats.searches > 0);
    let searches: u64 = all.iter().map(|stats| stats.searches).sum();
    let distinct_queries = all.len();
    all.sort_by(|a, b| b.searches.cmp(&a.searches).then(a.query.cmp(&b.query)));
    let rows = all
        .into_iter()
        .take(rows)
        .map(|stats| TopQueryRow {
            share: ratio(stats.searches, searches),
            click_rate: ratio(stats.clicks, stats.searches),
            last_searched: day_of(stats.last_searched),
            query: stats.query,
            searches: stats.searches,
            later_pages: stats.later_pages,
            results: stats.latest_result_count,
            zero_result_searches: stats.zero_result_searches,
            clicks: stats.clicks,
        })
        .collect();
    Ok(TopQueriesReport {
        range,
        searches,
        distinct_queries,
        rows,
    })
}

/// Queries that found nothing at least once, most often first.
pub fn zero_results(
    analytics: &Path,
    range: DateRange,
    rows: usize,
) -> Result<ZeroResultsReport, ReportError> {
    let mut all = stats(analytics, range)?;
    let searches: u64 = all.iter().map(|stats| stats.searches).sum();
    let zero_result_searches: u64 = all.iter().map(|stats| stats.zero_result_searches).sum();
    all.retain(|stats| stats.zero_result_searches > 0);
    all.sort_by(|a, b| {
        b.zero_result_searches
            .cmp(&a.zero_result_searches)
            .then(a.query.cmp(&b.query))
    });
    let rows = all
        .into_iter()
        .take(rows)
        .map(|stats| ZeroResultRow {
            last_searched: day_of(stats.last_searched),
            query: stats.query,
            zero_result_searches: stats.zero_result_searches,
            results_now: stats.latest_result_count,
        })
        .collect();
    Ok(ZeroResultsReport {
        range,
        searches,
        zero_result_share: ratio(zero_result_searches, searches),
        zero_result_searches,
        rows,
    })
}

/// Queries whose latest search found results and whose results were never clicked in the
/// range, most searched first.
pub fn no_clicks(
    analytics: &Path,
    range: DateRange,
    rows: usize,
) -> Result<NoClicksReport, ReportError> {
    let mut all = stats(analytics, range)?;
    all.retain(|stats| stats.searches > 0 && stats.latest_result_count > 0 && stats.clicks == 0);
    all.sort_by(|a, b| b.searches.cmp(&a.searches).then(a.query.cmp(&b.query)));
    let rows = all
        .into_iter()
        .take(rows)
        .map(|stats| NoClickRow {
            last_searched: day_of(stats.last_searched),
            query: stats.query,
            searches: stats.searches,
            results: stats.latest_result_count,
        })
        .collect();
    Ok(NoClicksReport { range, rows })
}

/// How many clicks each result position received.
pub fn click_positions(
    analytics: &Path,
    range: DateRange,
) -> Result<ClickPositionsReport, ReportError> {
    let connection = db::open_for_reading(analytics)?;
    let (ranks, unranked_clicks) = db::click_ranks(&connection, analytics, range.span())?;
    let ranked: u64 = ranks.iter().map(|(_, clicks)| clicks).sum();
    let rows = ranks
        .into_iter()
        .map(|(rank, clicks)| ClickPositionRow {
            rank,
            clicks,
            share: ratio(clicks, ranked),
        })
        .collect();
    Ok(ClickPositionsReport {
        range,
        clicks: ranked + unranked_clicks,
        unranked_clicks,
        rows,
    })
}

/// Searches, zero-result share and clicks per ISO week, oldest first. Weeks without any
/// search between the first and last one shown are listed with zeros, so a gap is visible.
pub fn weekly(analytics: &Path, range: DateRange) -> Result<WeeklyReport, ReportError> {
    let connection = db::open_for_reading(analytics)?;
    let days = db::daily_counts(&connection, analytics, range.span())?;
    Ok(WeeklyReport {
        range,
        rows: fold_weeks(&days, range),
    })
}

/// The Monday starting the ISO week of `date`.
fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

fn fold_weeks(days: &[DayCounts], range: DateRange) -> Vec<WeekRow> {
    let epoch = DateTime::UNIX_EPOCH.date_naive();
    let mut weeks: BTreeMap<NaiveDate, DayCounts> = BTreeMap::new();
    for counts in days {
        let date = epoch + Duration::days(counts.day);
        let week = weeks.entry(monday_of(date)).or_default();
        week.searches += counts.searches;
        week.zero_result_searches += counts.zero_result_searches;
        week.clicks += counts.clicks;
    }

    let first_data = weeks.keys().next().copied();
    let last_data = weeks.keys().next_back().copied();
    let first = match (range.from.map(monday_of), first_data) {
        (Some(from), Some(data)) => Some(from.min(data)),
        (from, data) => from.or(data),
    };
    let last = match (range.to.map(monday_of), last_data) {
        (Some(to), Some(data)) => Some(to.max(data)),
        (to, data) => to.or(data),
    };
    if let (Some(first), Some(last)) = (first, last)
        && (last - first).num_weeks() <= MAX_FILLED_WEEKS
    {
        let mut monday = first;
        while monday <= last {
            weeks.entry(monday).or_default();
            monday += Duration::weeks(1);
        }
    }

    weeks
        .into_iter()
        .map(|(monday, counts)| {
            let iso = monday.iso_week();
            WeekRow {
                week: format!("{}-W{:02}", iso.year(), iso.week()),
                week_start: monday,
                searches: counts.searches,
                zero_result_searches: counts.zero_result_searches,
                zero_result_share: ratio(counts.zero_result_searches, counts.searches),
                clicks: counts.clicks,
            }
        })
        .collect()
}

/// Every distinct query searched in the range, for the keyword report.
pub fn searched_queries(analytics: &Path, range: DateRange) -> Result<Vec<String>, ReportError> {
    let connection = db::open_for_reading(analytics)?;
    Ok(db::distinct_queries(&connection, analytics, range.span())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn day_number(date: NaiveDate) -> i64 {
        (date - date_epoch()).num_days()
    }

    fn date_epoch() -> NaiveDate {
        date(1970, 1, 1)
    }

    #[test]
    fn weeks_follow_iso_numbering_across_the_year_end() {
        // 2026-12-31 is a Thursday in ISO week 2026-W53; 2027-01-04 starts 2027-W01.
        let days = [
            DayCounts {
                day: day_number(date(2026, 12, 31)),
                searches: 4,
                zero_result_searches: 1,
                clicks: 2,
            },
            DayCounts {
                day: day_number(date(2027, 1, 2)),
                searches: 4,
                zero_result_searches: 1,
                clicks: 0,
            },
            DayCounts {
                day: day_number(date(2027, 1, 20)),
                searches: 2,
                zero_result_searches: 0,
                clicks: 1,
            },
        ];
        let rows = fold_weeks(&days, DateRange::default());
        let weeks: Vec<&str> = rows.iter().map(|row| row.week.as_str()).collect();
        assert_eq!(weeks, ["2026-W53", "2027-W01", "2027-W02", "2027-W03"]);
        assert_eq!(rows[0].week_start, date(2026, 12, 28));
        assert_eq!(rows[0].searches, 8);
        assert_eq!(rows[0].zero_result_share, 0.25);
        assert_eq!(rows[1].searches, 0, "an empty week is shown");
        assert_eq!(rows[3].clicks, 1);
    }
}
