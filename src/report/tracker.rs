//! The review tracker: the spreadsheet a Local Offer team keeps of who owns each page and
//! when it was last reviewed, imported from CSV into `DATA/review-tracker.sqlite`.
//!
//! Columns are found by header name, case and spacing ignored: `Page URL` and `Last review`
//! are required; `Page name`, `Owner`, `Strategic lead` and `Notes` are read when present;
//! any other column is ignored. Dates are day/month/year (`03/12/2026`, also with `-` or
//! `.`) or ISO (`2026-12-03`). An import is all or nothing: a file with any bad row is
//! refused with every bad row named by its line number, and the tracker already stored
//! stays as it was.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;

use crate::sqlite::{self, DbError};

/// The file name inside the data folder.
pub const TRACKER_FILE: &str = "review-tracker.sqlite";

/// Schema versions, oldest first; see [`crate::sqlite`].
const MIGRATIONS: &[&str] = &["
    CREATE TABLE tracker_import (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        imported_at INTEGER NOT NULL,
        source TEXT NOT NULL,
        row_count INTEGER NOT NULL
    );
    CREATE TABLE tracker_rows (
        line INTEGER NOT NULL,
        page_url TEXT NOT NULL,
        page_key TEXT NOT NULL UNIQUE,
        page_name TEXT NOT NULL,
        owner TEXT,
        strategic_lead TEXT,
        last_review TEXT,
        notes TEXT NOT NULL
    );
"];

/// The header names, lower case, as matched.
const PAGE_URL: &str = "page url";
const LAST_REVIEW: &str = "last review";
const PAGE_NAME: &str = "page name";
const OWNER: &str = "owner";
const STRATEGIC_LEAD: &str = "strategic lead";
const NOTES: &str = "notes";

/// One bad row of a tracker file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

fn list(problems: &[RowProblem]) -> String {
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    shown.join("; ")
}

#[derive(Debug, thiserror::Error)]
pub enum TrackerError {
    #[error("tracker `{file}` is empty: expected a header row naming `Page URL` and `Last review`")]
    Empty { file: String },
    #[error("tracker `{file}` has no column {missing}: its header is {found}")]
    MissingColumns {
        file: String,
        missing: String,
        found: String,
    },
    #[error("tracker `{file}` not imported: {count} bad row(s): {rows}", count = problems.len(), rows = list(problems))]
    BadRows {
        file: String,
        problems: Vec<RowProblem>,
    },
    #[error("cannot read tracker `{file}`: {cause}")]
    Csv {
        file: String,
        #[source]
        cause: csv::Error,
    },
    #[error("cannot create data folder `{path}`: {source}")]
    Folder {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// One page's row in the tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackerRow {
    pub line: u64,
    /// As written: a path on the site or a full URL.
    pub page_url: String,
    pub page_name: String,
    pub owner: Option<String>,
    pub strategic_lead: Option<String>,
    pub last_review: Option<NaiveDate>,
    pub notes: String,
}

/// The tracker as last imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tracker {
    pub imported_at: DateTime<Utc>,
    /// The file name it came from.
    pub source: String,
    pub rows: Vec<TrackerRow>,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub source: String,
    pub rows: usize,
    pub without_owner: usize,
    pub without_date: usize,
}

/// The key a page is matched on, from a tracker's `Page URL` or an index record's path:
/// the path and query of a full URL, percent-decoded, lower case, without a fragment, a
/// trailing slash or a trailing `index.html`.
pub fn page_key(text: &str) -> String {
    let trimmed = text.trim();
    let without_origin = match url::Url::parse(trimmed) {
        Ok(url) if url.has_host() => {
            let mut path = url.path().to_string();
            if let Some(query) = url.query() {
                path.push('?');
                path.push_str(query);
            }
            path
        }
        _ => trimmed.to_string(),
    };
    let without_fragment = without_origin.split('#').next().unwrap_or_default();
    let (path, query) = match without_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (without_fragment, None),
    };
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut key = decoded.to_lowercase();
    if !key.starts_with('/') {
        key.insert(0, '/');
    }
    if key.ends_with("/index.html") {
        key.truncate(key.len() - "index.html".len());
    }
    while key.len() > 1 && key.ends_with('/') {
        key.pop();
    }
    if let Some(query) = query.filter(|query| !query.is_empty()) {
        key.push('?');
        key.push_str(&query.to_lowercase());
    }
    key
}

/// Reads a day/month/year or ISO date.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    // A two-digit year is refused: 03/12/26 could be 1926 as well as 2026.
    if year.len() != 4 || day.is_empty() || day.len() > 2 || month.is_empty() || month.len() > 2 {
        return None;
    }
    let day: u32 = day.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let year: i32 = year.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Decodes a file as UTF-8 (without a byte order mark), or as Windows-1252 when it is not
/// UTF-8: what spreadsheet programs save as "CSV" on Windows.
fn decode(bytes: &[u8]) -> String {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(without_bom) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(without_bom).0.into_owned(),
    }
}

fn header_name(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Parses a tracker file. `file` names it in errors.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Vec<TrackerRow>, TrackerError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let csv_error = |cause| TrackerError::Csv {
        file: file.to_string(),
        cause,
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    if headers.iter().all(|name| name.trim().is_empty()) {
        return Err(TrackerError::Empty {
            file: file.to_string(),
        });
    }
    let names: Vec<String> = headers.iter().map(header_name).collect();
    let column = |name: &str| names.iter().position(|found| found == name);
    let missing: Vec<String> = [PAGE_URL, LAST_REVIEW]
        .iter()
        .filter(|name| column(name).is_none())
        .map(|name| format!("`{name}`"))
        .collect();
    if !missing.is_empty() {
        let found: Vec<String> = headers.iter().map(|name| format!("`{name}`")).collect();
        return Err(TrackerError::MissingColumns {
            file: file.to_string(),
            missing: missing.join(" or "),
            found: found.join(", "),
        });
    }
    let url_column = column(PAGE_URL).unwrap_or_default();
    let date_column = column(LAST_REVIEW).unwrap_or_default();
    let name_column = column(PAGE_NAME);
    let owner_column = column(OWNER);
    let lead_column = column(STRATEGIC_LEAD);
    let notes_column = column(NOTES);

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut lines_by_key: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |position| position.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            problems.push(RowProblem {
                line,
                reason: format!(
                    "has {} field(s) where the header has {}",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        let text = |index: Option<usize>| -> String {
            index
                .and_then(|index| record.get(index))
                .map(|cell| cell.trim().to_string())
                .unwrap_or_default()
        };
        let page_url = text(Some(url_column));
        if page_url.is_empty() {
            problems.push(RowProblem {
                line,
                reason: "has no page URL".to_string(),
            });
            continue;
        }
        let date_text = text(Some(date_column));
        let last_review = if date_text.is_empty() {
            None
        } else if let Some(date) = parse_date(&date_text) {
            Some(date)
        } else {
            problems.push(RowProblem {
                line,
                reason: format!(
                    "last review `{}` is not a day/month/year date such as 03/12/2026",
                    date_text.chars().take(40).collect::<String>()
                ),
            });
            continue;
        };
        let key = page_key(&page_url);
        if let Some(first) = lines_by_key.get(&key) {
            problems.push(RowProblem {
                line,
                reason: format!("page `{page_url}` is already on line {first}"),
            });
            continue;
        }
        lines_by_key.insert(key, line);
        let optional = |index: Option<usize>| Some(text(index)).filter(|value| !value.is_empty());
        rows.push(TrackerRow {
            line,
            page_url,
            page_name: text(name_column),
            owner: optional(owner_column),
            strategic_lead: optional(lead_column),
            last_review,
            notes: text(notes_column),
        });
    }
    if !problems.is_empty() {
        return Err(TrackerError::BadRows {
            file: file.to_string(),
            problems,
        });
    }
    Ok(rows)
}

/// Parses `bytes` and, when every row is good, replaces the stored tracker with it.
pub fn import(database: &Path, file: &str, bytes: &[u8]) -> Result<ImportSummary, TrackerError> {
    let rows = parse(file, bytes)?;
    if let Some(folder) = database.parent() {
        std::fs::create_dir_all(folder).map_err(|source| TrackerError::Folder {
            path: folder.to_path_buf(),
            source,
        })?;
    }
    let mut connection = sqlite::open(database, MIGRATIONS)?;
    let transaction = connection.transaction().map_err(DbError::query(database))?;
    transaction
        .execute_batch("DELETE FROM tracker_rows; DELETE FROM tracker_import;")
        .map_err(DbError::query(database))?;
    {
        let mut insert = transaction
            .prepare(
                "INSERT INTO tracker_rows
                 (line, page_url, page_key, page_name, owner, strategic_lead, last_review, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(DbError::query(database))?;
        for row in &rows {
            insert
                .execute(params![
                    row.line,
                    row.page_url,
                    page_key(&row.page_url),
                    row.page_name,
                    row.owner,
                    row.strategic_lead,
                    row.last_review.map(|date| date.to_string()),
                    row.notes,
                ])
                .map_err(DbError::query(database))?;
        }
    }
    transaction
        .execute(
            "INSERT INTO tracker_import (id, imported_at, source, row_count) VALUES (1, ?1, ?2, ?3)",
            params![Utc::now().timestamp(), file, rows.len()],
        )
        .map_err(DbError::query(database))?;
    transaction.commit().map_err(DbError::query(database))?;

    let summary = ImportSummary {
        source: file.to_string(),
        rows: rows.len(),
        without_owner: rows.iter().filter(|row| row.owner.is_none()).count(),
        without_date: rows.iter().filter(|row| row.last_review.is_none()).count(),
    };
    tracing::info!(
        source = file,
        rows = summary.rows,
        without_owner = summary.without_owner,
        "review tracker imported"
    );
    Ok(summary)
}

/// The stored tracker, or `None` when none has been imported.
pub fn load(database: &Path) -> Result<Option<Tracker>, TrackerError> {
    let connection = sqlite::open_for_reading(database, MIGRATIONS)?;
    let header = connection.query_row(
        "SELECT imported_at, source FROM tracker_import WHERE id = 1",
        [],
        |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
    );
    let (imported_at, source) = match header {
        Ok(header) => header,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
        Err(source) => return Err(DbError::query(database)(source).into()),
    };
    let mut statement = connection
        .prepare(
            "SELECT line, page_url, page_name, owner, strategic_lead, last_review, notes
             FROM tracker_rows ORDER BY line",
        )
        .map_err(DbError::query(database))?;
    let rows = statement
        .query_map([], |row| {
            let date: Option<String> = row.get(5)?;
            Ok(TrackerRow {
                line: row.get(0)?,
                page_url: row.get(1)?,
                page_name: row.get(2)?,
                owner: row.get(3)?,
                strategic_lead: row.get(4)?,
                last_review: date.and_then(|text| text.parse().ok()),
                notes: row.get(6)?,
            })
        })
        .map_err(DbError::query(database))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(DbError::query(database))?;
    Ok(Some(Tracker {
        imported_at: DateTime::from_timestamp(imported_at, 0).unwrap_or_default(),
        source,
        rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(parse_date("03/12/2026"), date(2026, 12, 3));
        assert_eq!(parse_date("3/1/2026"), date(2026, 1, 3));
        assert_eq!(parse_date("03-12-2026"), date(2026, 12, 3));
        assert_eq!(parse_date("03.12.2026"), date(2026, 12, 3));
        assert_eq!(parse_date("2026-12-03"), date(2026, 12, 3));
        assert_eq!(parse_date("12/31/2026"), None, "month first is refused");
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("03/12/26"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn keys_match_paths_and_full_urls() {
        assert_eq!(page_key("/"), "/");
        assert_eq!(page_key("https://lo.example.gov.uk/"), "/");
        assert_eq!(page_key("/Short-Breaks/"), "/short-breaks");
        assert_eq!(
            page_key("https://lo.example.gov.uk/families/Local%20Offer/a.htm#top"),
            "/families/local offer/a.htm"
        );
        assert_eq!(page_key("a/index.html"), "/a");
        assert_eq!(page_key("/site.page?id=X1"), "/site.page?id=x1");
    }

    #[test]
    fn headers_match_whatever_their_case_and_order() -> Result<(), TrackerError> {
        let text = "NOTES, last  Review ,Page url,owner,Extra\n\
                    \"a, b\",01/02/2026,/x.aspx,Team lead,ignored\n\
                    ,,,,\n\
                    ,,/y.aspx,,\n";
        let rows = parse("t.csv", text.as_bytes())?;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].notes, "a, b");
        assert_eq!(rows[0].last_review, date(2026, 2, 1));
        assert_eq!(rows[0].owner.as_deref(), Some("Team lead"));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].owner, None);
        assert_eq!(rows[1].last_review, None);
        Ok(())
    }

    #[test]
    fn bad_rows_are_all_named_by_line() {
        let text = "Page URL,Last review,Owner\n\
                    /a,01/02/2026,x\n\
                    /b,31/02/2026,x\n\
                    ,01/02/2026,x\n\
                    /A/,01/03/2026,y\n\
                    /c,01/02/2026\n";
        let err = parse("tracker.csv", text.as_bytes()).unwrap_err();
        let TrackerError::BadRows { problems, .. } = &err else {
            panic!("expected bad rows, got {err}");
        };
        let lines: Vec<u64> = problems.iter().map(|problem| problem.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        let message = err.to_string();
        assert!(
            message.contains("line 3: last review `31/02/2026`"),
            "{message}"
        );
        assert!(message.contains("already on line 2"), "{message}");
        assert!(message.contains("tracker.csv"), "{message}");
    }

    #[test]
    fn missing_columns_are_named() {
        let err = parse("t.csv", b"Page,Owner\n/a,x\n").unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("`page url` or `last review`") && message.contains("`Page`"),
            "{message}"
        );
        assert!(matches!(
            parse("t.csv", b"").unwrap_err(),
            TrackerError::Empty { .. }
        ));
    }

    #[test]
    fn windows_1252_files_are_read() -> Result<(), TrackerError> {
        let bytes = b"Page URL,Last review,Notes\n/a,01/02/2026,caf\xe9 \x93quoted\x94\n";
        let rows = parse("t.csv", bytes)?;
        assert_eq!(rows[0].notes, "café “quoted”");
        Ok(())
    }

    #[test]
    fn import_replaces_the_tracker_only_when_every_row_is_good() -> Result<(), TrackerError> {
        let temp = tempfile::tempdir().expect("temp dir");
        let database = temp.path().join(TRACKER_FILE);
        assert_eq!(load(&database)?, None);

        let good = "Page URL,Last review,Owner\n/a,01/02/2026,x\n/b,,\n";
        let summary = import(&database, "v1.csv", good.as_bytes())?;
        assert_eq!(
            (summary.rows, summary.without_owner, summary.without_date),
            (2, 1, 1)
        );

        let bad = "Page URL,Last review\n/a,someday\n";
        assert!(import(&database, "v2.csv", bad.as_bytes()).is_err());
        let stored = load(&database)?.expect("a tracker is stored");
        assert_eq!(stored.source, "v1.csv");
        assert_eq!(stored.rows.len(), 2);
        assert_eq!(stored.rows[0].last_review, date(2026, 2, 1));
        Ok(())
    }
}
