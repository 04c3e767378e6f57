//! The analytics database: its schema, the writes of the writer thread, and the
//! aggregates the reports are built from.
//!
//! Times are Unix seconds (UTC). Every read takes a [`Span`], half-open, so that reports for
//! consecutive date ranges never count a row twice.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, params};

use super::Event;
use crate::sqlite::{self, DbError};

/// The file name inside the data folder.
pub const ANALYTICS_FILE: &str = "analytics.sqlite";

/// Schema versions, oldest first; see [`crate::sqlite`]. Never edit a shipped entry: add one.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE searches (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        query TEXT NOT NULL,
        result_count INTEGER NOT NULL,
        result_offset INTEGER NOT NULL,
        result_limit INTEGER NOT NULL
    );
    CREATE INDEX searches_by_time ON searches (at);
    CREATE TABLE clicks (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        query TEXT NOT NULL,
        result_rank INTEGER,
        url TEXT NOT NULL
    );
    CREATE INDEX clicks_by_time ON clicks (at);
"];

/// Seconds in a day.
pub const DAY_SECS: i64 = 86_400;

/// Page cache of each connection, in KiB. The writer only appends, so it needs the last few
/// pages of each table and index, and reports scan rows in time order once; SQLite's default
/// of 2 MiB per connection would instead let the server's memory creep up by that much as the
/// log grows.
const CACHE_KIB: i64 = 256;

/// Opens the database for writing, creating it if needed.
pub fn open(path: &Path) -> Result<Connection, DbError> {
    small_cache(sqlite::open(path, MIGRATIONS)?, path)
}

/// Opens the database for reports; a missing file reads as empty and is not created.
pub fn open_for_reading(path: &Path) -> Result<Connection, DbError> {
    small_cache(sqlite::open_for_reading(path, MIGRATIONS)?, path)
}

fn small_cache(connection: Connection, path: &Path) -> Result<Connection, DbError> {
    connection
        .pragma_update(None, "cache_size", -CACHE_KIB)
        .map_err(DbError::query(path))?;
    Ok(connection)
}

/// A half-open time span `[start, end)` in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

impl Span {
    /// All time.
    pub const ALL: Span = Span {
        start: i64::MIN,
        end: i64::MAX,
    };
}

/// Writes `events` in one transaction. Returns how many were written.
pub fn insert(
    connection: &mut Connection,
    path: &Path,
    events: &[Event],
) -> Result<usize, DbError> {
    let transaction = connection.transaction().map_err(DbError::query(path))?;
    {
        let mut search = transaction
            .prepare_cached(
                "INSERT INTO searches (at, query, result_count, result_offset, result_limit)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(DbError::query(path))?;
        let mut click = transaction
            .prepare_cached(
                "INSERT INTO clicks (at, query, result_rank, url) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(DbError::query(path))?;
        for event in events {
            match event {
                Event::Search(event) => search.execute(params![
                    event.at.timestamp(),
                    event.query,
                    i64::try_from(event.result_count).unwrap_or(i64::MAX),
                    event.offset,
                    event.limit,
                ]),
                Event::Click(event) => click.execute(params![
                    event.at.timestamp(),
                    event.query,
                    event.rank,
                    event.url,
                ]),
            }
            .map_err(DbError::query(path))?;
        }
    }
    transaction.commit().map_err(DbError::query(path))?;
    Ok(events.len())
}

/// Deletes searches and clicks older than `cutoff` (Unix seconds). Returns the rows deleted.
pub fn prune(connection: &Connection, path: &Path, cutoff: i64) -> Result<usize, DbError> {
    let searches = connection
        .execute("DELETE FROM searches WHERE at < ?1", [cutoff])
        .map_err(DbError::query(path))?;
    let clicks = connection
        .execute("DELETE FROM clicks WHERE at < ?1", [cutoff])
        .map_err(DbError::query(path))?;
    Ok(searches + clicks)
}

/// What the log says about one normalised query over a span. "Searches" are requests for
/// the first page of results; requests for later pages are counted apart, so that paging
/// through results does not make a query look more popular.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryStats {
    pub query: String,
    pub searches: u64,
    pub later_pages: u64,
    pub zero_result_searches: u64,
    /// The result count of the latest first-page search.
    pub latest_result_count: u64,
    pub clicks: u64,
    /// Unix seconds of the latest search of any page.
    pub last_searched: i64,
}

/// Per-query statistics for every query searched in `span`, in no particular order.
pub fn query_stats(
    connection: &Connection,
    path: &Path,
    span: Span,
) -> Result<Vec<QueryStats>, DbError> {
    let mut clicks: HashMap<String, u64> = HashMap::new();
    let mut statement = connection
        .prepare("SELECT query, COUNT(*) FROM clicks WHERE at >= ?1 AND at < ?2 GROUP BY query")
        .map_err(DbError::query(path))?;
    let rows = statement
        .query_map([span.start, span.end], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
        })
        .map_err(DbError::query(path))?;
    for row in rows {
        let (query, count) = row.map_err(DbError::query(path))?;
        clicks.insert(query, count);
    }

    // With exactly one max() in the select, SQLite takes the bare `result_count` from the
    // row holding that maximum: the latest first-page search.
    let mut latest: HashMap<String, u64> = HashMap::new();
    let mut statement = connection
        .prepare(
            "SELECT query, result_count, MAX(at) FROM searches
             WHERE at >= ?1 AND at < ?2 AND result_offset = 0 GROUP BY query",
        )
        .map_err(DbError::query(path))?;
    let rows = statement
        .query_map([span.start, span.end], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
        })
        .map_err(DbError::query(path))?;
    for row in rows {
        let (query, count) = row.map_err(DbError::query(path))?;
        latest.insert(query, count);
    }

    let mut statement = connection
        .prepare(
            "SELECT query,
                    SUM(result_offset = 0),
                    SUM(result_offset > 0),
                    SUM(result_offset = 0 AND result_count = 0),
                    MAX(at)
             FROM searches WHERE at >= ?1 AND at < ?2 GROUP BY query",
        )
        .map_err(DbError::query(path))?;
    let rows = statement
        .query_map([span.start, span.end], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, u64>(1)?,
                row.get::<_, u64>(2)?,
                row.get::<_, u64>(3)?,
                row.get::<_, i64>(4)?,
            ))
        })
        .map_err(DbError::query(path))?;
    let mut stats = Vec::new();
    for row in rows {
        let (query, searches, later_pages, zero_result_searches, last_searched) =
            row.map_err(DbError::query(path))?;
        stats.push(QueryStats {
            latest_result_count: latest.get(&query).copied().unwrap_or(0),
            clicks: clicks.get(&query).copied().unwrap_or(0),
            query,
            searches,
            later_pages,
            zero_result_searches,
            last_searched,
        });
    }
    Ok(stats)
}

/// Clicks in `span` by rank, ascending, and the number of clicks whose rank is unknown.
pub fn click_ranks(
    connection: &Connection,
    path: &Path,
    span: Span,
) -> Result<(Vec<(u32, u64)>, u64), DbError> {
    let mut statement = connection
        .prepare(
            "SELECT result_rank, COUNT(*) FROM clicks
             WHERE at >= ?1 AND at < ?2 AND result_rank IS NOT NULL
             GROUP BY result_rank ORDER BY result_rank",
        )
        .map_err(DbError::query(path))?;
    let rows = statement
        .query_map([span.start, span.end], |row| {
            Ok((row.get::<_, u32>(0)?, row.get::<_, u64>(1)?))
        })
        .map_err(DbError::query(path))?;
    let ranks = rows
        .collect::<Result<Vec<_>, _>>()
        .map_err(DbError::query(path))?;
    let unranked: u64 = connection
        .query_row(
            "SELECT COUNT(*) FROM clicks WHERE at >= ?1 AND at < ?2 AND result_rank IS NULL",
            [span.start, span.end],
            |row| row.get(0),
        )
        .map_err(DbError::query(path))?;
    Ok((ranks, unranked))
}

/// One UTC day of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayCounts {
    /// Days since 1970-01-01.
    pub day: i64,
    pub searches: u64,
    pub zero_result_searches: u64,
    pub clicks: u64,
}

/// First-page searches, zero-result searches and clicks per UTC day in `span`, ascending.
pub fn daily_counts(
    connection: &Connection,
    path: &Path,
    span: Span,
) -> Result<Vec<DayCounts>, DbError> {
    let mut days: std::collections::BTreeMap<i64, DayCounts> = Default::default();
    let mut statement = connection
        .prepare(
            "SELECT at / 86400, SUM(result_offset = 0), SUM(result_offset = 0 AND result_count = 0)
             FROM searches WHERE at >= ?1 AND at < ?2 GROUP BY at / 86400",
        )
        .map_err(DbError::query(path))?;
    let rows = statement
        .query_map([span.start, span.end], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, u64>(1)?,
                row.get::<_, u64>(2)?,
            ))
        })
        .map_err(DbError::query(path))?;
    for row in rows {
        let (day, searches, zero) = row.map_err(DbError::query(path))?;
        let entry = days.entry(day).or_insert(DayCounts {
            day,
            ..DayCounts::default()
        });
        entry.searches = searches;
        entry.zero_result_searches = zero;
    }
    let mut statement = connection
        .prepare(
            "SELECT at / 86400, COUNT(*) FROM clicks WHERE at >= ?1 AND at < ?2 GROUP BY at / 86400",
        )
        .map_err(DbError::query(path))?;
    let rows = statement
        .query_map([span.start, span.end], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, u64>(1)?))
        })
        .map_err(DbError::query(path))?;
    for row in rows {
        let (day, clicks) = row.map_err(DbError::query(path))?;
        days.entry(day)
            .or_insert(DayCounts {
                day,
                ..DayCounts::default()
            })
            .clicks = clicks;
    }
    Ok(days.into_values().collect())
}

/// Every distinct normalised query searched in `span`.
pub fn distinct_queries(
    connection: &Connection,
    path: &Path,
    span: Span,
) -> Result<Vec<String>, DbError> {
    let mut statement = connection
        .prepare("SELECT DISTINCT query FROM searches WHERE at >= ?1 AND at < ?2")
        .map_err(DbError::query(path))?;
    let rows = statement
        .query_map([span.start, span.end], |row| row.get::<_, String>(0))
        .map_err(DbError::query(path))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(DbError::query(path))
}

/// Rows in each table, for the status endpoint.
pub fn row_counts(connection: &Connection, path: &Path) -> Result<(u64, u64), DbError> {
    let searches: u64 = connection
        .query_row("SELECT COUNT(*) FROM searches", [], |row| row.get(0))
        .map_err(DbError::query(path))?;
    let clicks: u64 = connection
        .query_row("SELECT COUNT(*) FROM clicks", [], |row| row.get(0))
        .map_err(DbError::query(path))?;
    Ok((searches, clicks))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::analytics::{ClickEvent, SearchEvent};

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).expect("valid time")
    }

    fn search(secs: i64, query: &str, results: u64, offset: u32) -> Event {
        Event::Search(SearchEvent {
            at: at(secs),
            query: query.into(),
            result_count: results,
            offset,
            limit: 10,
        })
    }

    #[test]
    fn stats_count_first_pages_and_join_clicks() -> Result<(), DbError> {
        let temp = tempfile::tempdir().expect("temp dir");
        let path = temp.path().join(ANALYTICS_FILE);
        let mut connection = open(&path)?;
        let events = vec![
            search(100, "autism", 7, 0),
            search(200, "autism", 5, 0),
            search(250, "autism", 5, 10),
            search(300, "zzz", 0, 0),
            Event::Click(ClickEvent {
                at: at(210),
                query: "autism".into(),
                rank: Some(2),
                url: "http://site/a".into(),
            }),
        ];
        insert(&mut connection, &path, &events)?;

        let mut stats = query_stats(&connection, &path, Span::ALL)?;
        stats.sort_by(|a, b| a.query.cmp(&b.query));
        assert_eq!(
            stats[0],
            QueryStats {
                query: "autism".into(),
                searches: 2,
                later_pages: 1,
                zero_result_searches: 0,
                latest_result_count: 5,
                clicks: 1,
                last_searched: 250,
            }
        );
        assert_eq!(stats[1].zero_result_searches, 1);

        let early = Span { start: 0, end: 150 };
        let stats = query_stats(&connection, &path, early)?;
        assert_eq!(stats.len(), 1);
        assert_eq!(stats[0].clicks, 0);

        assert_eq!(
            click_ranks(&connection, &path, Span::ALL)?,
            (vec![(2, 1)], 0)
        );
        assert_eq!(prune(&connection, &path, 220)?, 3);
        assert_eq!(row_counts(&connection, &path)?, (2, 0));
        Ok(())
    }
}
