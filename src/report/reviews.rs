//! The content review report: which pages are overdue for review, by how long, who owns
//! them, and who hears about it next.
//!
//! A page's last review comes from the imported tracker when the tracker has a date for it,
//! else from the "Last reviewed" date shown on the page: a team often reviews a page before
//! the date line on it is updated. The page falls due `cycle_months` calendar months later
//! (31 August plus six months is the end of February). It is *due* on that day and
//! *overdue* from the day after, so an overdue page is always at least one day overdue.

use std::collections::{BTreeMap, HashMap};

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::tracker::{Tracker, TrackerRow, page_key};
use super::{CsvRow, cell};
use crate::config::{EscalationStage, ReviewConfig};
use crate::record::{IndexRecord, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Overdue,
    /// Falls due on the report's date.
    Due,
    /// Neither the page nor the tracker gives a review date.
    NoDate,
    InDate,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Overdue => "overdue",
            ReviewStatus::Due => "due",
            ReviewStatus::NoDate => "no_date",
            ReviewStatus::InDate => "in_date",
        }
    }
}

/// Where a page's last-reviewed date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    Tracker,
    Page,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Tracker => "tracker",
            DateSource::Page => "page",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewRow {
    pub path: String,
    pub url: String,
    pub title: String,
    pub status: ReviewStatus,
    /// Days since the review fell due; at least 1 for an overdue page, absent otherwise.
    pub days_overdue: Option<i64>,
    /// The escalation stage an overdue page has reached.
    pub stage: Option<String>,
    pub owner: Option<String>,
    pub strategic_lead: Option<String>,
    /// The date the report uses: the tracker's when it has one, else the page's.
    pub last_reviewed: Option<NaiveDate>,
    pub date_source: Option<DateSource>,
    pub page_date: Option<NaiveDate>,
    pub tracker_date: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub on_tracker: bool,
    /// The page's line in the tracker file.
    pub tracker_line: Option<u64>,
}

impl CsvRow for ReviewRow {
    const COLUMNS: &'static [&'static str] = &[
        "path",
        "title",
        "status",
        "days_overdue",
        "stage",
        "owner",
        "strategic_lead",
        "last_reviewed",
        "date_source",
        "page_date",
        "tracker_date",
        "due",
        "on_tracker",
        "url",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.path.clone(),
            self.title.clone(),
            self.status.as_str().to_string(),
            cell(&self.days_overdue),
            cell(&self.stage),
            cell(&self.owner),
            cell(&self.strategic_lead),
            cell(&self.last_reviewed),
            cell(&self.date_source.map(DateSource::as_str)),
            cell(&self.page_date),
            cell(&self.tracker_date),
            cell(&self.due),
            if self.on_tracker { "yes" } else { "no" }.to_string(),
            self.url.clone(),
        ]
    }
}

/// A page named in one of the report's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageRef {
    pub path: String,
    pub title: String,
}

/// A tracker row that names no page on the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackerRef {
    pub line: u64,
    pub page_url: String,
    pub page_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewTotals {
    pub pages: usize,
    pub overdue: usize,
    pub due: usize,
    pub in_date: usize,
    pub no_date: usize,
    pub on_tracker: usize,
    pub not_on_tracker: usize,
    /// Pages on the tracker with no owner recorded.
    pub no_owner: usize,
    /// Pages whose date came from the tracker.
    pub dated_by_tracker: usize,
    /// Pages whose tracker date is later than the date shown on the page.
    pub tracker_later_than_page: usize,
    /// Pages whose tracker date is earlier than the date shown on the page.
    pub tracker_earlier_than_page: usize,
    pub tracker_rows_not_on_site: usize,
    /// Overdue pages by escalation stage.
    pub by_stage: BTreeMap<String, usize>,
}

/// Where the tracker came from, when one is imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackerInfo {
    pub source: String,
    pub imported_at: chrono::DateTime<chrono::Utc>,
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewReport {
    pub as_of: NaiveDate,
    pub cycle_months: u32,
    /// e.g. "31 of 72 pages overdue".
    pub summary: String,
    pub totals: ReviewTotals,
    pub tracker: Option<TrackerInfo>,
    /// Every page: overdue first (longest overdue first), then due, undated and in date.
    pub pages: Vec<ReviewRow>,
    pub not_on_tracker: Vec<PageRef>,
    pub no_owner: Vec<PageRef>,
    pub tracker_rows_not_on_site: Vec<TrackerRef>,
}

/// The day a page reviewed on `reviewed` falls due, or `None` past the calendar's end.
pub fn due_date(reviewed: NaiveDate, cycle_months: u32) -> Option<NaiveDate> {
    reviewed.checked_add_months(Months::new(cycle_months))
}

/// The last stage whose delay an overdue page has passed: overdue by more than
/// `after_months` calendar months since `due`.
fn stage_for(due: NaiveDate, as_of: NaiveDate, stages: &[EscalationStage]) -> Option<String> {
    stages
        .iter()
        .rfind(|stage| {
            due.checked_add_months(Months::new(stage.after_months))
                .is_some_and(|threshold| as_of > threshold)
        })
        .map(|stage| stage.stage.clone())
}

/// Builds the report for the pages (not documents) in `records` as of `as_of`.
pub fn review_report(
    records: &[IndexRecord],
    tracker: Option<&Tracker>,
    config: &ReviewConfig,
    as_of: NaiveDate,
) -> ReviewReport {
    let tracker_rows: HashMap<String, &TrackerRow> = tracker
        .map(|tracker| {
            tracker
                .rows
                .iter()
                .map(|row| (page_key(&row.page_url), row))
                .collect()
        })
        .unwrap_or_default();

    let mut totals = ReviewTotals::default();
    let mut pages = Vec::new();
    let mut not_on_tracker = Vec::new();
    let mut no_owner = Vec::new();
    let mut matched_keys: std::collections::HashSet<String> = Default::default();
    for record in records
        .iter()
        .filter(|record| record.page.kind == Kind::Page)
    {
        let key = page_key(&record.facts.path);
        let row = tracker_rows.get(&key).copied();
        if row.is_some() {
            matched_keys.insert(key);
        }
        let page_ref = || PageRef {
            path: record.facts.path.clone(),
            title: record.facts.title.clone(),
        };
        match row {
            Some(row) if row.owner.is_none() => no_owner.push(page_ref()),
            Some(_) => {}
            None if tracker.is_some() => not_on_tracker.push(page_ref()),
            None => {}
        }

        let page_date = record.page.last_reviewed;
        let tracker_date = row.and_then(|row| row.last_review);
        let (last_reviewed, date_source) = match (tracker_date, page_date) {
            (Some(date), _) => (Some(date), Some(DateSource::Tracker)),
            (None, Some(date)) => (Some(date), Some(DateSource::Page)),
            (None, None) => (None, None),
        };
        if let (Some(tracker_date), Some(page_date)) = (tracker_date, page_date) {
            if tracker_date > page_date {
                totals.tracker_later_than_page += 1;
            } else if tracker_date < page_date {
                totals.tracker_earlier_than_page += 1;
            }
        }
        if date_source == Some(DateSource::Tracker) {
            totals.dated_by_tracker += 1;
        }

        let due = last_reviewed.and_then(|date| due_date(date, config.cycle_months));
        let (status, days_overdue, stage) = match due {
            None => (ReviewStatus::NoDate, None, None),
            Some(due) if as_of > due => (
                ReviewStatus::Overdue,
                Some((as_of - due).num_days()),
                stage_for(due, as_of, &config.escalation),
            ),
            Some(due) if as_of == due => (ReviewStatus::Due, None, None),
            Some(_) => (ReviewStatus::InDate, None, None),
        };
        match status {
            ReviewStatus::Overdue => totals.overdue += 1,
            ReviewStatus::Due => totals.due += 1,
            ReviewStatus::NoDate => totals.no_date += 1,
            ReviewStatus::InDate => totals.in_date += 1,
        }
        if let Some(stage) = &stage {
            *totals.by_stage.entry(stage.clone()).or_default() += 1;
        }

        pages.push(ReviewRow {
            path: record.facts.path.clone(),
            url: record.page.url.clone(),
            title: record.facts.title.clone(),
            status,
            days_overdue,
            stage,
            owner: row.and_then(|row| row.owner.clone()),
            strategic_lead: row.and_then(|row| row.strategic_lead.clone()),
            last_reviewed,
            date_source,
            page_date,
            tracker_date,
            due,
            on_tracker: row.is_some(),
            tracker_line: row.map(|row| row.line),
        });
    }

    pages.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then(b.days_overdue.cmp(&a.days_overdue))
            .then(a.due.cmp(&b.due))
            .then(a.path.cmp(&b.path))
    });
    not_on_tracker.sort_by(|a, b| a.path.cmp(&b.path));
    no_owner.sort_by(|a, b| a.path.cmp(&b.path));

    let tracker_rows_not_on_site: Vec<TrackerRef> = tracker
        .map(|tracker| {
            tracker
                .rows
                .iter()
                .filter(|row| !matched_keys.contains(&page_key(&row.page_url)))
                .map(|row| TrackerRef {
                    line: row.line,
                    page_url: row.page_url.clone(),
                    page_name: row.page_name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();

    totals.pages = pages.len();
    totals.on_tracker = pages.iter().filter(|row| row.on_tracker).count();
    totals.not_on_tracker = not_on_tracker.len();
    totals.no_owner = no_owner.len();
    totals.tracker_rows_not_on_site = tracker_rows_not_on_site.len();

    let mut summary = format!("{} of {} pages overdue", totals.overdue, totals.pages);
    if tracker.is_none() {
        summary.push_str(" (no review tracker imported: dates from the pages only)");
    }

    ReviewReport {
        as_of,
        cycle_months: config.cycle_months,
        summary,
        totals,
        tracker: tracker.map(|tracker| TrackerInfo {
            source: tracker.source.clone(),
            imported_at: tracker.imported_at,
            rows: tracker.rows.len(),
        }),
        pages,
        not_on_tracker,
        no_owner,
        tracker_rows_not_on_site,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn record(path: &str, reviewed: Option<NaiveDate>) -> IndexRecord {
        let mut record = crate::report::test_page(path);
        record.page.last_reviewed = reviewed;
        record
    }

    fn tracker_row(
        line: u64,
        url: &str,
        owner: Option<&str>,
        date: Option<NaiveDate>,
    ) -> TrackerRow {
        TrackerRow {
            line,
            page_url: url.to_string(),
            page_name: String::new(),
            owner: owner.map(String::from),
            strategic_lead: None,
            last_review: date,
            notes: String::new(),
        }
    }

    #[test]
    fn calendar_months_end_at_the_month_end() {
        assert_eq!(due_date(date(2026, 8, 31), 6), Some(date(2027, 2, 28)));
        assert_eq!(due_date(date(2027, 8, 31), 6), Some(date(2028, 2, 29)));
        assert_eq!(due_date(date(2026, 1, 31), 1), Some(date(2026, 2, 28)));
        assert_eq!(due_date(date(2026, 6, 15), 6), Some(date(2026, 12, 15)));
        assert_eq!(due_date(NaiveDate::MAX, 6), None);
    }

    #[test]
    fn due_today_is_due_and_overdue_starts_at_one_day() {
        let config = ReviewConfig::default();
        let records = [
            record("/due-today", Some(date(2026, 6, 3))),
            record("/one-day", Some(date(2026, 6, 2))),
            record("/fresh", Some(date(2026, 11, 1))),
            record("/undated", None),
        ];
        let report = review_report(&records, None, &config, date(2026, 12, 3));
        let by_path: HashMap<&str, &ReviewRow> = report
            .pages
            .iter()
            .map(|row| (row.path.as_str(), row))
            .collect();
        assert_eq!(by_path["/due-today"].status, ReviewStatus::Due);
        assert_eq!(by_path["/due-today"].days_overdue, None);
        assert_eq!(by_path["/one-day"].status, ReviewStatus::Overdue);
        assert_eq!(by_path["/one-day"].days_overdue, Some(1));
        assert_eq!(by_path["/one-day"].stage.as_deref(), Some("owner"));
        assert_eq!(by_path["/fresh"].status, ReviewStatus::InDate);
        assert_eq!(by_path["/undated"].status, ReviewStatus::NoDate);
        assert_eq!(report.pages[0].path, "/one-day");
        assert!(
            report.summary.starts_with("1 of 4 pages overdue"),
            "{}",
            report.summary
        );
    }

    #[test]
    fn escalation_follows_calendar_months_overdue() {
        let config = ReviewConfig::default();
        let due = date(2026, 1, 31);
        let stages = &config.escalation;
        assert_eq!(
            stage_for(due, date(2026, 3, 31), stages).as_deref(),
            Some("owner")
        );
        assert_eq!(
            stage_for(due, date(2026, 4, 1), stages).as_deref(),
            Some("line manager")
        );
        assert_eq!(
            stage_for(due, date(2026, 6, 1), stages).as_deref(),
            Some("director")
        );
        let late_start = [EscalationStage {
            after_months: 1,
            stage: "manager".into(),
        }];
        assert_eq!(stage_for(due, date(2026, 2, 10), &late_start), None);
    }

    #[test]
    fn the_tracker_wins_and_gaps_are_listed() {
        let config = ReviewConfig::default();
        let records = [
            record("/a", Some(date(2026, 1, 1))),
            record("/b", Some(date(2026, 1, 1))),
            record("/c", Some(date(2026, 11, 1))),
        ];
        let tracker = Tracker {
            imported_at: chrono::DateTime::UNIX_EPOCH,
            source: "t.csv".into(),
            rows: vec![
                tracker_row(2, "/a", Some("Officer"), Some(date(2026, 10, 1))),
                tracker_row(3, "https://lo.example/b/", None, None),
                tracker_row(4, "/gone", Some("Officer"), None),
            ],
        };
        let report = review_report(&records, Some(&tracker), &config, date(2026, 12, 3));
        let totals = &report.totals;
        assert_eq!((totals.overdue, totals.in_date), (1, 2));
        assert_eq!(totals.tracker_later_than_page, 1);
        assert_eq!(totals.dated_by_tracker, 1);
        assert_eq!(report.not_on_tracker[0].path, "/c");
        assert_eq!(report.no_owner[0].path, "/b");
        assert_eq!(report.tracker_rows_not_on_site[0].line, 4);
        let a = report
            .pages
            .iter()
            .find(|row| row.path == "/a")
            .expect("/a");
        assert_eq!(a.date_source, Some(DateSource::Tracker));
        assert_eq!(a.owner.as_deref(), Some("Officer"));
    }
}
