//! The query reports on a generated search log: six weeks of searches and clicks made by a
//! seeded generator, written straight into the analytics database, and every report
//! checked against totals the test counts itself.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use offer_search::analytics::db::{self, ANALYTICS_FILE};
use offer_search::analytics::{ClickEvent, Event, SearchEvent};
use offer_search::config::Config;
use offer_search::report::{self, Built, DateRange, NoLinkChecks, Options, ReportKind, Sources};

/// Queries with how often they are picked and what they find (before and after
/// 2026-11-16, when a page answering "portage" is published).
const QUERIES: [(&str, u32, u64, u64); 7] = [
    ("ehcp", 30, 12, 12),
    ("short breaks", 20, 8, 8),
    ("autism assessment", 15, 5, 5),
    ("send transport", 10, 3, 3),
    ("portage", 8, 0, 2),
    ("dla forms", 5, 0, 0),
    ("respite", 12, 4, 4),
];

/// A small linear congruential generator: the same log on every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn at(day: NaiveDate, second: u32) -> DateTime<Utc> {
    day.and_hms_opt(8, 0, 0).expect("valid time").and_utc() + Duration::seconds(i64::from(second))
}

/// Six weeks from Monday 2026-10-19 (ISO week 43).
fn generate() -> Vec<Event> {
    let first_day = date(2026, 10, 19);
    let published = date(2026, 11, 16);
    let total_weight: u32 = QUERIES.iter().map(|(_, weight, _, _)| weight).sum();
    let mut random = Seeded(2026);
    let mut events = Vec::new();
    for offset in 0..42 {
        let day = first_day + Duration::days(offset);
        let searches = 5 + random.next(20) as u32;
        for second in 0..searches {
            let mut pick = random.next(u64::from(total_weight)) as u32;
            let &(query, _, before, after) = QUERIES
                .iter()
                .find(|(_, weight, _, _)| {
                    let found = pick < *weight;
                    pick = pick.saturating_sub(*weight);
                    found
                })
                .expect("a query is picked");
            let results = if day < published { before } else { after };
            let time = at(day, second * 60);
            events.push(Event::Search(SearchEvent {
                at: time,
                query: query.to_string(),
                result_count: results,
                offset: 0,
                limit: 10,
            }));
            if results > 10 && random.next(4) == 0 {
                events.push(Event::Search(SearchEvent {
                    at: time + Duration::seconds(5),
                    query: query.to_string(),
                    result_count: results,
                    offset: 10,
                    limit: 10,
                }));
            }
            // "respite" finds pages that nobody opens.
            if results > 0 && query != "respite" && random.next(3) != 0 {
                let rank = 1 + random.next(results.min(5)) as u32;
                events.push(Event::Click(ClickEvent {
                    at: time + Duration::seconds(20),
                    query: query.to_string(),
                    rank: Some(rank),
                    url: format!("http://site/{}/{rank}", query.replace(' ', "-")),
                }));
            }
        }
    }
    events
}

/// What the test expects, counted from the events in a date range.
#[derive(Default)]
struct Tally {
    searches: BTreeMap<String, u64>,
    zero: BTreeMap<String, u64>,
    later_pages: BTreeMap<String, u64>,
    clicks: BTreeMap<String, u64>,
    ranks: BTreeMap<u32, u64>,
    weeks: BTreeMap<(i32, u32), (u64, u64)>,
}

fn tally(events: &[Event], range: DateRange) -> Tally {
    let inside = |time: &DateTime<Utc>| {
        let day = time.date_naive();
        range.from.is_none_or(|from| day >= from) && range.to.is_none_or(|to| day <= to)
    };
    let mut tally = Tally::default();
    for event in events {
        match event {
            Event::Search(search) if inside(&search.at) => {
                let query = search.query.clone();
                if search.offset > 0 {
                    *tally.later_pages.entry(query).or_default() += 1;
                    continue;
                }
                *tally.searches.entry(query.clone()).or_default() += 1;
                let week = search.at.date_naive().iso_week();
                let entry = tally.weeks.entry((week.year(), week.week())).or_default();
                entry.0 += 1;
                if search.result_count == 0 {
                    *tally.zero.entry(query).or_default() += 1;
                    entry.1 += 1;
                }
            }
            Event::Click(click) if inside(&click.at) => {
                *tally.clicks.entry(click.query.clone()).or_default() += 1;
                if let Some(rank) = click.rank {
                    *tally.ranks.entry(rank).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    tally
}

fn build(data: &Path, kind: ReportKind, range: DateRange) -> Built {
    let config = Config::defaults();
    let sources = Sources {
        data_dir: data,
        records: None,
        config: &config,
        links: &NoLinkChecks,
    };
    let options = Options {
        range,
        as_of: date(2026, 12, 3),
        rows: 100,
    };
    report::build(kind, &sources, &options).expect("report builds")
}

fn written_log() -> (tempfile::TempDir, Vec<Event>) {
    let temp = tempfile::tempdir().expect("temp dir");
    let path = temp.path().join(ANALYTICS_FILE);
    let mut connection = db::open(&path).expect("open analytics");
    let events = generate();
    db::insert(&mut connection, &path, &events).expect("insert the log");
    (temp, events)
}

fn ranges() -> [DateRange; 3] {
    [
        DateRange::default(),
        DateRange::new(Some(date(2026, 11, 2)), Some(date(2026, 11, 15))).expect("range"),
        DateRange::new(Some(date(2026, 11, 20)), None).expect("range"),
    ]
}

#[test]
fn top_queries_and_clicks_match_the_log() {
    let (temp, events) = written_log();
    for range in ranges() {
        let expected = tally(&events, range);
        let Built::TopQueries(top) = build(temp.path(), ReportKind::TopQueries, range) else {
            panic!("top queries report");
        };
        let total: u64 = expected.searches.values().sum();
        assert_eq!(top.searches, total, "{range:?}");
        assert_eq!(top.distinct_queries, expected.searches.len());
        let mut order: Vec<(&String, &u64)> = expected.searches.iter().collect();
        order.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown: Vec<(&str, u64)> = top
            .rows
            .iter()
            .map(|row| (row.query.as_str(), row.searches))
            .collect();
        let wanted: Vec<(&str, u64)> = order
            .iter()
            .map(|(query, count)| (query.as_str(), **count))
            .collect();
        assert_eq!(shown, wanted, "{range:?}");
        for row in &top.rows {
            let clicks = expected.clicks.get(&row.query).copied().unwrap_or(0);
            assert_eq!(row.clicks, clicks, "{} {range:?}", row.query);
            let later = expected.later_pages.get(&row.query).copied().unwrap_or(0);
            assert_eq!(row.later_pages, later, "{} {range:?}", row.query);
        }
    }
}

#[test]
fn zero_results_and_unclicked_queries_match_the_log() {
    let (temp, events) = written_log();
    let all = DateRange::default();
    let expected = tally(&events, all);
    let Built::ZeroResults(zero) = build(temp.path(), ReportKind::ZeroResults, all) else {
        panic!("zero results report");
    };
    let queries: HashMap<&str, (u64, u64)> = zero
        .rows
        .iter()
        .map(|row| {
            (
                row.query.as_str(),
                (row.zero_result_searches, row.results_now),
            )
        })
        .collect();
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert_eq!(queries["dla forms"], (expected.zero["dla forms"], 0));
    assert_eq!(
        queries["portage"],
        (expected.zero["portage"], 2),
        "portage found nothing until its page was published"
    );
    let zero_total: u64 = expected.zero.values().sum();
    assert_eq!(zero.zero_result_searches, zero_total);

    // After the page was published, portage is no longer a zero-result query.
    let later = DateRange::new(Some(date(2026, 11, 16)), None).expect("range");
    let Built::ZeroResults(zero) = build(temp.path(), ReportKind::ZeroResults, later) else {
        panic!("zero results report");
    };
    let names: Vec<&str> = zero.rows.iter().map(|row| row.query.as_str()).collect();
    assert_eq!(names, ["dla forms"]);

    let Built::NoClicks(unclicked) = build(temp.path(), ReportKind::NoClicks, all) else {
        panic!("no clicks report");
    };
    let names: Vec<&str> = unclicked
        .rows
        .iter()
        .map(|row| row.query.as_str())
        .collect();
    assert_eq!(
        names,
        ["respite"],
        "dla forms finds nothing, so it is not here"
    );
    assert_eq!(unclicked.rows[0].searches, expected.searches["respite"]);
}

#[test]
fn click_positions_and_weeks_match_the_log() {
    let (temp, events) = written_log();
    for range in ranges() {
        let expected = tally(&events, range);
        let Built::ClickPositions(positions) =
            build(temp.path(), ReportKind::ClickPositions, range)
        else {
            panic!("click positions report");
        };
        let shown: BTreeMap<u32, u64> = positions
            .rows
            .iter()
            .map(|row| (row.rank, row.clicks))
            .collect();
        assert_eq!(shown, expected.ranks, "{range:?}");
        let shares: f64 = positions.rows.iter().map(|row| row.share).sum();
        assert!((shares - 1.0).abs() < 0.001, "{shares}");

        let Built::Weekly(weekly) = build(temp.path(), ReportKind::Weekly, range) else {
            panic!("weekly report");
        };
        let shown: BTreeMap<String, (u64, u64)> = weekly
            .rows
            .iter()
            .map(|row| (row.week.clone(), (row.searches, row.zero_result_searches)))
            .collect();
        let wanted: BTreeMap<String, (u64, u64)> = expected
            .weeks
            .iter()
            .map(|((year, week), counts)| (format!("{year}-W{week:02}"), *counts))
            .collect();
        assert_eq!(shown, wanted, "{range:?}");
        for row in &weekly.rows {
            assert_eq!(row.week_start.weekday(), chrono::Weekday::Mon);
        }
    }
    let Built::Weekly(weekly) = build(temp.path(), ReportKind::Weekly, DateRange::default()) else {
        panic!("weekly report");
    };
    let weeks: Vec<&str> = weekly.rows.iter().map(|row| row.week.as_str()).collect();
    assert_eq!(
        weeks,
        [
            "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"
        ]
    );
}

#[test]
fn csv_tables_have_one_line_per_row() {
    let (temp, _) = written_log();
    for kind in [
        ReportKind::TopQueries,
        ReportKind::ZeroResults,
        ReportKind::NoClicks,
        ReportKind::ClickPositions,
        ReportKind::Weekly,
    ] {
        let built = build(temp.path(), kind, DateRange::default());
        let csv = built.to_csv().expect("csv");
        let rows = built.to_json()["rows"]
            .as_array()
            .map(Vec::len)
            .unwrap_or_default();
        assert_eq!(csv.lines().count(), rows + 1, "{}", kind.name());
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header_width = reader.headers().expect("header").len();
        for record in reader.records() {
            assert_eq!(
                record.expect("record").len(),
                header_width,
                "{}",
                kind.name()
            );
        }
    }
}
