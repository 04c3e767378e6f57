//! The crawl state: what the last crawl learned, kept in SQLite in the data folder.
//!
//! `DATA/state.sqlite` holds, per fetched URL, its status, validators, content hash, fetch
//! time and extracted record, so the next crawl can ask the server "changed since?" and
//! reuse the record when it has not ([`crate::crawl::revisit`]). It also keeps the links
//! the crawl found (external ones and internal ones that answered 4xx), the link checker's
//! results, and one report per crawl run.
//!
//! The schema is versioned: `schema_migrations` lists the migrations applied, and
//! [`CrawlState::open`] applies the missing ones in order, each in its own transaction. A
//! file written by a newer program (a version this one does not know) is refused rather
//! than guessed at. Writes happen under the data folder's crawl lock, except the link
//! checker's, which touch only their own table; SQLite's WAL mode lets the server read
//! while a crawl writes.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::crawl::CrawlOutput;
use crate::crawl::fetch::Validators;
use crate::crawl::revisit::{Extraction, FetchRecord, PreviousCrawl, StoredDocument, StoredPage};
use crate::record::{Kind, PageRecord};
use crate::store::DataDir;

/// The state file's name inside the data folder.
pub const STATE_FILE: &str = "state.sqlite";

/// How long a writer waits for another connection's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Crawl reports kept in the database; older ones are deleted.
const MAX_RUNS_KEPT: i64 = 200;

/// The migrations, in order. A migration is never edited once released: a change is a
/// new migration.
const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "CREATE TABLE fetches (
        url TEXT PRIMARY KEY,
        status INTEGER NOT NULL,
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        fetched_at TEXT NOT NULL,
        kind TEXT,
        record TEXT,
        replay TEXT
    );
    CREATE TABLE indexed (
        url TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL
    );
    CREATE TABLE external_links (
        url TEXT NOT NULL,
        page_url TEXT NOT NULL,
        PRIMARY KEY (url, page_url)
    );
    CREATE TABLE broken_internal_links (
        url TEXT NOT NULL,
        status INTEGER NOT NULL,
        page_url TEXT NOT NULL,
        PRIMARY KEY (url, page_url)
    );
    CREATE TABLE link_checks (
        url TEXT PRIMARY KEY,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        http_status INTEGER,
        checked_at TEXT NOT NULL
    );
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        finished_at TEXT NOT NULL,
        generation INTEGER,
        report TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
)];

const FINGERPRINT_KEY: &str = "extraction_fingerprint";

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot create data folder `{path}`: {source}")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open crawl state `{path}`: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot {action} in crawl state `{path}`: {source}")]
    Sql {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "crawl state `{path}` has schema version {found}, newer than this program knows ({known})"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot encode a record for crawl state `{path}`: {source}")]
    Encode {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// What the link checker found for one link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLinkCheck {
    pub url: String,
    /// `ok`, `broken` or `blocked`.
    pub outcome: String,
    /// Why, e.g. `http-404`, `connection refused`, `private address`; empty for `ok`.
    pub reason: String,
    pub http_status: Option<u16>,
    pub checked_at: DateTime<Utc>,
}

/// A broken link and the pages that carry it, for the admin report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLinkEntry {
    pub url: String,
    /// `internal` (a crawled URL that answered 4xx) or `external`.
    pub scope: String,
    /// e.g. `http-404`, `connection refused`.
    pub reason: String,
    /// The link's text on the page, from the page's last extraction; empty when unknown.
    pub text: String,
}

/// Broken links grouped by the page carrying them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BrokenLinksReport {
    /// Page URL → its broken links.
    pub pages: BTreeMap<String, Vec<BrokenLinkEntry>>,
    /// When external links were last checked; `None` before the first check.
    pub external_checked_at: Option<DateTime<Utc>>,
}

/// The fields of a page extraction besides its record, stored as JSON in `replay`.
#[derive(Debug, Serialize, Deserialize)]
struct PageReplay {
    canonical: Option<String>,
    noindex: bool,
    nofollow: bool,
    link_targets: Vec<String>,
    header_noindex: bool,
    header_nofollow: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct DocumentReplay {
    header_noindex: bool,
}

/// An open crawl state database.
#[derive(Debug)]
pub struct CrawlState {
    conn: Connection,
    path: PathBuf,
}

impl CrawlState {
    /// Opens (creating it if needed) the crawl state of `data`, migrating it to the
    /// current schema.
    pub fn open(data: &DataDir) -> Result<CrawlState, StateError> {
        std::fs::create_dir_all(data.root()).map_err(|source| StateError::Folder {
            path: data.root().to_path_buf(),
            source,
        })?;
        CrawlState::open_path(&data.root().join(STATE_FILE))
    }

    /// Opens the crawl state at `path`; see [`CrawlState::open`].
    pub fn open_path(path: &Path) -> Result<CrawlState, StateError> {
        let open_error = |source| StateError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        // WAL lets the server read reports while a crawl writes.
        crate::sqlite::use_wal(&conn).map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_error)?;
        let mut state = CrawlState {
            conn,
            path: path.to_path_buf(),
        };
        state.migrate()?;
        Ok(state)
    }

    fn sql_error(&self, action: &'static str) -> impl FnOnce(rusqlite::Error) -> StateError + '_ {
        move |source| StateError::Sql {
            path: self.path.clone(),
            action,
            source,
        }
    }

    /// The schema version in force (the highest migration applied).
    pub fn schema_version(&self) -> Result<i64, StateError> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |row| row.get(0),
            )
            .map_err(self.sql_error("read the schema version"))
    }

    fn migrate(&mut self) -> Result<(), StateError> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    applied_at TEXT NOT NULL
                )",
            )
            .map_err(self.sql_error("create the migration table"))?;
        let current = self.schema_version()?;
        let known = MIGRATIONS.last().map_or(0, |(version, _)| *version);
        if current > known {
            return Err(StateError::NewerSchema {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > current) {
            let path = self.path.clone();
            let sql_error = |source| StateError::Sql {
                path: path.clone(),
                action: "apply a schema migration",
                source,
            };
            // Another process may be migrating the same file: the write lock is taken
            // first, then the version looked at again.
            let transaction = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sql_error)?;
            let applied: bool = transaction
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                    [version],
                    |row| row.get(0),
                )
                .map_err(sql_error)?;
            if applied {
                continue;
            }
            transaction.execute_batch(sql).map_err(sql_error)?;
            transaction
                .execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                    params![version, Utc::now().to_rfc3339()],
                )
                .map_err(sql_error)?;
            transaction.commit().map_err(sql_error)?;
            tracing::info!(path = %self.path.display(), version, "crawl state migrated");
        }
        Ok(())
    }

    /// What the last crawl stored: the records it indexed, and its fetches when they were
    /// made under `fingerprint` (see [`crate::crawl::revisit::fingerprint`]); without
    /// fetches the crawl is full. Rows that no longer decode are left out: that URL is
    /// simply fetched afresh.
    pub fn previous(&self, fingerprint: &str) -> Result<PreviousCrawl, StateError> {
        let mut previous = PreviousCrawl {
            fetches: Default::default(),
            indexed: self.indexed()?,
        };
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [FINGERPRINT_KEY],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sql_error("read the extraction fingerprint"))?;
        if stored.as_deref() != Some(fingerprint) {
            if stored.is_some() {
                tracing::info!(
                    "extraction settings changed since the last crawl: crawling in full"
                );
            }
            return Ok(previous);
        }

        let mut statement = self
            .conn
            .prepare(
                "SELECT url, status, etag, last_modified, content_hash, fetched_at, kind, \
                 record, replay FROM fetches",
            )
            .map_err(self.sql_error("read fetches"))?;
        let rows = statement
            .query_map([], |row| {
                Ok(FetchRow {
                    url: row.get(0)?,
                    status: row.get(1)?,
                    etag: row.get(2)?,
                    last_modified: row.get(3)?,
                    content_hash: row.get(4)?,
                    fetched_at: row.get(5)?,
                    kind: row.get(6)?,
                    record: row.get(7)?,
                    replay: row.get(8)?,
                })
            })
            .map_err(self.sql_error("read fetches"))?;
        for row in rows {
            let row = row.map_err(self.sql_error("read fetches"))?;
            let fetch = row.into_fetch();
            previous.fetches.insert(fetch.key.clone(), fetch);
        }
        Ok(previous)
    }

    /// The records the last published crawl indexed: URL → content hash.
    fn indexed(&self) -> Result<std::collections::HashMap<String, String>, StateError> {
        let mut statement = self
            .conn
            .prepare("SELECT url, content_hash FROM indexed")
            .map_err(self.sql_error("read indexed records"))?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(self.sql_error("read indexed records"))?;
        let mut indexed = std::collections::HashMap::new();
        for row in rows {
            let (url, hash): (String, String) =
                row.map_err(self.sql_error("read indexed records"))?;
            indexed.insert(url, hash);
        }
        Ok(indexed)
    }

    /// Replaces the stored crawl with `output`: its fetches (made under `fingerprint`),
    /// its records as the indexed set, and the links it found. One transaction, so a
    /// crash leaves the previous crawl whole.
    ///
    /// A fetch whose extraction is the stored one ([`FetchRecord::extraction_stored`]: a
    /// 304 or an unchanged body) only has its status, validators, hash and time written;
    /// its record stays as stored, so a recrawl that found nothing changed neither encodes
    /// nor rewrites the records. Rows of URLs this crawl did not fetch are deleted.
    pub fn save_crawl(
        &mut self,
        fingerprint: &str,
        output: &CrawlOutput,
    ) -> Result<(), StateError> {
        let path = self.path.clone();
        let sql_error = |source| StateError::Sql {
            path: path.clone(),
            action: "save the crawl",
            source,
        };
        let encode_error = |source| StateError::Encode {
            path: path.clone(),
            source,
        };
        let transaction = self.conn.transaction().map_err(sql_error)?;
        transaction
            .execute_batch(
                "DELETE FROM indexed; DELETE FROM external_links; \
                 DELETE FROM broken_internal_links;",
            )
            .map_err(sql_error)?;
        {
            let fetched: HashSet<&str> = output
                .fetches
                .iter()
                .map(|fetch| fetch.key.as_str())
                .collect();
            let stored_urls: Vec<String> = {
                let mut select = transaction
                    .prepare("SELECT url FROM fetches")
                    .map_err(sql_error)?;
                let rows = select.query_map([], |row| row.get(0)).map_err(sql_error)?;
                rows.collect::<Result<_, _>>().map_err(sql_error)?
            };
            let mut delete = transaction
                .prepare("DELETE FROM fetches WHERE url = ?1")
                .map_err(sql_error)?;
            for url in stored_urls
                .iter()
                .filter(|url| !fetched.contains(url.as_str()))
            {
                delete.execute([url]).map_err(sql_error)?;
            }

            let mut update = transaction
                .prepare(
                    "UPDATE fetches SET status = ?2, etag = ?3, last_modified = ?4, \
                     content_hash = ?5, fetched_at = ?6 WHERE url = ?1 AND record IS NOT NULL",
                )
                .map_err(sql_error)?;
            let mut insert = transaction
                .prepare(
                    "INSERT OR REPLACE INTO fetches (url, status, etag, last_modified, \
                     content_hash, fetched_at, kind, record, replay) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(sql_error)?;
            for fetch in &output.fetches {
                if fetch.extraction_stored && fetch.extraction.is_some() {
                    let updated = update
                        .execute(params![
                            fetch.key,
                            fetch.status,
                            fetch.validators.etag,
                            fetch.validators.last_modified,
                            fetch.content_hash,
                            fetch.fetched_at.to_rfc3339(),
                        ])
                        .map_err(sql_error)?;
                    if updated == 1 {
                        continue;
                    }
                }
                let (kind, record, replay) =
                    encode_extraction(fetch.extraction.as_deref()).map_err(encode_error)?;
                insert
                    .execute(params![
                        fetch.key,
                        fetch.status,
                        fetch.validators.etag,
                        fetch.validators.last_modified,
                        fetch.content_hash,
                        fetch.fetched_at.to_rfc3339(),
                        kind,
                        record,
                        replay,
                    ])
                    .map_err(sql_error)?;
            }

            let mut insert = transaction
                .prepare("INSERT OR REPLACE INTO indexed (url, content_hash) VALUES (?1, ?2)")
                .map_err(sql_error)?;
            for record in &output.records {
                insert
                    .execute(params![record.url, record.content_hash])
                    .map_err(sql_error)?;
            }

            let mut insert = transaction
                .prepare("INSERT OR IGNORE INTO external_links (url, page_url) VALUES (?1, ?2)")
                .map_err(sql_error)?;
            for (url, pages) in &output.external_links {
                for page in pages {
                    insert.execute(params![url, page]).map_err(sql_error)?;
                }
            }

            let mut insert = transaction
                .prepare(
                    "INSERT OR IGNORE INTO broken_internal_links (url, status, page_url) \
                     VALUES (?1, ?2, ?3)",
                )
                .map_err(sql_error)?;
            for broken in &output.broken_links {
                for page in &broken.pages {
                    insert
                        .execute(params![broken.url, broken.status, page])
                        .map_err(sql_error)?;
                }
            }
        }
        transaction
            .execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                params![FINGERPRINT_KEY, fingerprint],
            )
            .map_err(sql_error)?;
        transaction.commit().map_err(sql_error)
    }

    /// Keeps one crawl run's report; returns its id. Only the latest runs are kept.
    pub fn record_run(
        &mut self,
        generation: Option<u64>,
        report: &serde_json::Value,
    ) -> Result<i64, StateError> {
        let path = self.path.clone();
        let sql_error = |source| StateError::Sql {
            path: path.clone(),
            action: "record the crawl report",
            source,
        };
        let transaction = self.conn.transaction().map_err(sql_error)?;
        transaction
            .execute(
                "INSERT INTO crawl_runs (finished_at, generation, report) VALUES (?1, ?2, ?3)",
                params![
                    Utc::now().to_rfc3339(),
                    generation.and_then(|number| i64::try_from(number).ok()),
                    report.to_string()
                ],
            )
            .map_err(sql_error)?;
        let id = transaction.last_insert_rowid();
        transaction
            .execute(
                "DELETE FROM crawl_runs WHERE id <= ?1",
                params![id - MAX_RUNS_KEPT],
            )
            .map_err(sql_error)?;
        transaction.commit().map_err(sql_error)?;
        Ok(id)
    }

    /// The report of the latest crawl run, if any.
    pub fn last_run(&self) -> Result<Option<serde_json::Value>, StateError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT report FROM crawl_runs ORDER BY id DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sql_error("read the last crawl report"))?;
        Ok(text.and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// Every external link the last crawl found, with the pages carrying it.
    pub fn external_links(&self) -> Result<BTreeMap<String, Vec<String>>, StateError> {
        let mut statement = self
            .conn
            .prepare("SELECT url, page_url FROM external_links ORDER BY url, page_url")
            .map_err(self.sql_error("read external links"))?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(self.sql_error("read external links"))?;
        let mut links: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in rows {
            let (url, page): (String, String) =
                row.map_err(self.sql_error("read external links"))?;
            links.entry(url).or_default().push(page);
        }
        Ok(links)
    }

    /// Replaces the link checker's results with `checks`.
    pub fn save_link_checks(&mut self, checks: &[StoredLinkCheck]) -> Result<(), StateError> {
        let path = self.path.clone();
        let sql_error = |source| StateError::Sql {
            path: path.clone(),
            action: "save link checks",
            source,
        };
        let transaction = self.conn.transaction().map_err(sql_error)?;
        transaction
            .execute("DELETE FROM link_checks", [])
            .map_err(sql_error)?;
        {
            let mut insert = transaction
                .prepare(
                    "INSERT OR REPLACE INTO link_checks (url, outcome, reason, http_status, \
                     checked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(sql_error)?;
            for check in checks {
                insert
                    .execute(params![
                        check.url,
                        check.outcome,
                        check.reason,
                        check.http_status,
                        check.checked_at.to_rfc3339(),
                    ])
                    .map_err(sql_error)?;
            }
        }
        transaction.commit().map_err(sql_error)
    }

    /// Broken links by the page carrying them: internal links that answered 4xx in the
    /// last crawl, and external links the last check found broken (blocked ones are not
    /// broken, so they are left out).
    pub fn broken_links(&self) -> Result<BrokenLinksReport, StateError> {
        let mut report = BrokenLinksReport::default();

        let mut statement = self
            .conn
            .prepare("SELECT url, status, page_url FROM broken_internal_links ORDER BY url")
            .map_err(self.sql_error("read broken internal links"))?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, u16>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(self.sql_error("read broken internal links"))?;
        for row in rows {
            let (url, status, page) = row.map_err(self.sql_error("read broken internal links"))?;
            report.pages.entry(page).or_default().push(BrokenLinkEntry {
                url,
                scope: "internal".into(),
                reason: format!("http-{status}"),
                text: String::new(),
            });
        }

        let mut statement = self
            .conn
            .prepare(
                "SELECT c.url, c.reason, e.page_url FROM link_checks c \
                 JOIN external_links e ON e.url = c.url \
                 WHERE c.outcome = 'broken' ORDER BY c.url",
            )
            .map_err(self.sql_error("read broken external links"))?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(self.sql_error("read broken external links"))?;
        for row in rows {
            let (url, reason, page) = row.map_err(self.sql_error("read broken external links"))?;
            report.pages.entry(page).or_default().push(BrokenLinkEntry {
                url,
                scope: "external".into(),
                reason,
                text: String::new(),
            });
        }

        // The words each link shows, from the carrying page's stored extraction.
        let mut statement = self
            .conn
            .prepare("SELECT record FROM fetches WHERE url = ?1 AND record IS NOT NULL")
            .map_err(self.sql_error("read link texts"))?;
        for (page, entries) in &mut report.pages {
            let stored: Option<String> = statement
                .query_row([page.as_str()], |row| row.get(0))
                .optional()
                .map_err(self.sql_error("read link texts"))?;
            let Some(record) = stored
                .and_then(|json| serde_json::from_str::<crate::record::PageRecord>(&json).ok())
            else {
                continue;
            };
            for entry in entries.iter_mut() {
                if let Some(link) = record.links.iter().find(|link| link.url == entry.url) {
                    entry.text = link.text.clone();
                }
            }
        }

        let checked_at: Option<String> = self
            .conn
            .query_row("SELECT MAX(checked_at) FROM link_checks", [], |row| {
                row.get(0)
            })
            .map_err(self.sql_error("read link check times"))?;
        report.external_checked_at = checked_at
            .and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
            .map(|date| date.with_timezone(&Utc));
        Ok(report)
    }
}

/// One `fetches` row as read.
struct FetchRow {
    url: String,
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    content_hash: Option<String>,
    fetched_at: String,
    kind: Option<String>,
    record: Option<String>,
    replay: Option<String>,
}

impl FetchRow {
    fn into_fetch(self) -> FetchRecord {
        let extraction = decode_extraction(
            self.kind.as_deref(),
            self.record.as_deref(),
            self.replay.as_deref(),
        );
        if extraction.is_none() && self.record.is_some() {
            tracing::debug!(url = %self.url, "stored record does not decode: fetching afresh");
        }
        FetchRecord {
            key: self.url,
            status: self.status,
            validators: Validators {
                etag: self.etag,
                last_modified: self.last_modified,
            },
            content_hash: self.content_hash,
            fetched_at: DateTime::parse_from_rfc3339(&self.fetched_at)
                .map(|date| date.with_timezone(&Utc))
                .unwrap_or_else(|_| Utc::now()),
            extraction_stored: extraction.is_some(),
            extraction: extraction.map(Arc::new),
        }
    }
}

type EncodedExtraction = (Option<&'static str>, Option<String>, Option<String>);

fn encode_extraction(
    extraction: Option<&Extraction>,
) -> Result<EncodedExtraction, serde_json::Error> {
    let Some(extraction) = extraction else {
        return Ok((None, None, None));
    };
    match extraction {
        Extraction::Page(page) => {
            let replay = PageReplay {
                canonical: page.canonical.clone(),
                noindex: page.noindex,
                nofollow: page.nofollow,
                link_targets: page.link_targets.clone(),
                header_noindex: page.header_noindex,
                header_nofollow: page.header_nofollow,
            };
            Ok((
                Some(Kind::Page.as_str()),
                Some(serde_json::to_string(&page.record)?),
                Some(serde_json::to_string(&replay)?),
            ))
        }
        Extraction::Document(document) => {
            let replay = DocumentReplay {
                header_noindex: document.header_noindex,
            };
            Ok((
                Some(Kind::Document.as_str()),
                Some(serde_json::to_string(&document.record)?),
                Some(serde_json::to_string(&replay)?),
            ))
        }
    }
}

fn decode_extraction(
    kind: Option<&str>,
    record: Option<&str>,
    replay: Option<&str>,
) -> Option<Extraction> {
    let record: PageRecord = serde_json::from_str(record?).ok()?;
    match Kind::parse(kind?)? {
        Kind::Page => {
            let replay: PageReplay = serde_json::from_str(replay?).ok()?;
            Some(Extraction::Page(StoredPage {
                record,
                canonical: replay.canonical,
                noindex: replay.noindex,
                nofollow: replay.nofollow,
                link_targets: replay.link_targets,
                header_noindex: replay.header_noindex,
                header_nofollow: replay.header_nofollow,
            }))
        }
        Kind::Document => {
            let replay: DocumentReplay = serde_json::from_str(replay?).ok()?;
            Some(Extraction::Document(StoredDocument {
                record,
                header_noindex: replay.header_noindex,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::crawl::{BrokenLink, CrawlSummary};
    use crate::record::{Link, LinkPlace};

    #[test]
    fn a_new_state_opened_by_many_at_once_migrates_once() {
        let temp = tempfile::tempdir().expect("temp dir");
        let path = temp.path().join("state.sqlite");
        let opened: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..6)
                .map(|_| scope.spawn(|| CrawlState::open_path(&path).map(|_| ())))
                .collect();
            handles.into_iter().map(|handle| handle.join()).collect()
        });
        for result in opened {
            result.expect("no panic").expect("every opener succeeds");
        }
        let state = CrawlState::open_path(&path).expect("opens");
        let known = MIGRATIONS.last().map(|(version, _)| *version);
        assert_eq!(state.schema_version().ok(), known);
    }

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn record(url: &str) -> PageRecord {
        PageRecord {
            url: url.into(),
            kind: Kind::Page,
            title: "Short breaks".into(),
            description: String::new(),
            keywords: String::new(),
            headings: vec!["Short breaks".into()],
            body: "Short breaks give families a rest.".into(),
            breadcrumbs: Vec::new(),
            links: vec![
                Link {
                    url: "http://site.test/b".into(),
                    text: "B".into(),
                    place: LinkPlace::Main,
                },
                Link {
                    url: "http://site.test/gone".into(),
                    text: "the old form".into(),
                    place: LinkPlace::Main,
                },
                Link {
                    url: "http://other.test/x".into(),
                    text: "a partner's page".into(),
                    place: LinkPlace::Main,
                },
            ],
            language: Some("eng".into()),
            last_reviewed: None,
            content_type: "text/html".into(),
            size_bytes: 100,
            content_hash: "abc".into(),
        }
    }

    fn output() -> CrawlOutput {
        let page = StoredPage {
            record: record("http://site.test/a"),
            canonical: None,
            noindex: false,
            nofollow: false,
            link_targets: vec!["http://site.test/b/".into()],
            header_noindex: false,
            header_nofollow: false,
        };
        let fetches = vec![
            FetchRecord {
                key: "http://site.test/a".into(),
                status: 200,
                validators: Validators {
                    etag: Some("\"v1\"".into()),
                    last_modified: Some("Tue, 01 Dec 2026 09:00:00 GMT".into()),
                },
                content_hash: Some("abc".into()),
                fetched_at: Utc::now(),
                extraction: Some(Arc::new(Extraction::Page(page))),
                extraction_stored: false,
            },
            FetchRecord {
                key: "http://site.test/gone".into(),
                status: 404,
                validators: Validators::default(),
                content_hash: None,
                fetched_at: Utc::now(),
                extraction: None,
                extraction_stored: false,
            },
        ];
        let mut external = BTreeMap::new();
        external.insert(
            "http://other.test/x".to_string(),
            BTreeSet::from(["http://site.test/a".to_string()]),
        );
        CrawlOutput {
            records: vec![record("http://site.test/a")],
            summary: CrawlSummary::default(),
            fetches,
            external_links: external,
            broken_links: vec![BrokenLink {
                url: "http://site.test/gone".into(),
                status: 404,
                pages: vec!["http://site.test/a".into()],
            }],
        }
    }

    #[test]
    fn migrates_once_and_records_the_version() -> TestResult {
        let temp = tempfile::tempdir()?;
        let path = temp.path().join(STATE_FILE);
        let state = CrawlState::open_path(&path)?;
        assert_eq!(state.schema_version()?, 1);
        drop(state);
        let again = CrawlState::open_path(&path)?;
        assert_eq!(again.schema_version()?, 1);
        let applied: i64 =
            again
                .conn
                .query_row("SELECT COUNT(*) FROM schema_migrations", [], |row| {
                    row.get(0)
                })?;
        assert_eq!(applied, 1);
        Ok(())
    }

    #[test]
    fn a_newer_schema_is_refused() -> TestResult {
        let temp = tempfile::tempdir()?;
        let path = temp.path().join(STATE_FILE);
        let state = CrawlState::open_path(&path)?;
        state.conn.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'later')",
            [],
        )?;
        drop(state);
        let err = CrawlState::open_path(&path).unwrap_err();
        assert!(
            matches!(err, StateError::NewerSchema { found: 99, .. }),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn a_saved_crawl_comes_back_for_the_same_fingerprint_only() -> TestResult {
        let temp = tempfile::tempdir()?;
        let mut state = CrawlState::open_path(&temp.path().join(STATE_FILE))?;
        let saved = output();
        state.save_crawl("f1", &saved)?;

        let previous = state.previous("f1")?;
        assert_eq!(previous.fetches.len(), 2);
        let read = &previous.fetches["http://site.test/a"];
        assert!(read.extraction_stored, "what was read is what is stored");
        let read = FetchRecord {
            extraction_stored: false,
            ..read.clone()
        };
        assert_eq!(read, saved.fetches[0]);
        assert_eq!(previous.fetches["http://site.test/gone"].status, 404);
        assert_eq!(
            previous
                .indexed
                .get("http://site.test/a")
                .map(String::as_str),
            Some("abc")
        );
        assert!(previous.validators_for("http://site.test/a").is_some());

        let other = state.previous("f2")?;
        assert!(
            other.fetches.is_empty(),
            "fetches need the same fingerprint"
        );
        assert_eq!(
            other.indexed.len(),
            1,
            "the indexed set is kept for comparison"
        );
        Ok(())
    }

    /// The row of `url` as stored: status, ETag, record.
    fn stored_row(
        state: &CrawlState,
        url: &str,
    ) -> rusqlite::Result<(u16, Option<String>, String)> {
        state.conn.query_row(
            "SELECT status, etag, record FROM fetches WHERE url = ?1",
            [url],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
    }

    #[test]
    fn a_replayed_extraction_keeps_its_stored_record() -> TestResult {
        let temp = tempfile::tempdir()?;
        let mut state = CrawlState::open_path(&temp.path().join(STATE_FILE))?;
        state.save_crawl("f1", &output())?;
        let (_, _, stored_record) = stored_row(&state, "http://site.test/a")?;

        // The next crawl replays `a` (a 304 with a new ETag) and no longer meets `gone`.
        let previous = state.previous("f1")?;
        let mut replayed = previous.fetches["http://site.test/a"].clone();
        replayed.validators.etag = Some("\"v2\"".into());
        let mut next = output();
        next.fetches = vec![replayed];
        state.save_crawl("f1", &next)?;

        let (status, etag, record) = stored_row(&state, "http://site.test/a")?;
        assert_eq!(status, 200);
        assert_eq!(etag.as_deref(), Some("\"v2\""));
        assert_eq!(record, stored_record);
        let previous = state.previous("f1")?;
        assert_eq!(previous.fetches.len(), 1, "the URL not fetched is gone");
        assert_eq!(
            previous.fetches["http://site.test/a"].extraction,
            next.fetches[0].extraction
        );

        // A fetch claiming a stored extraction that is not there is written whole.
        let mut lost = output();
        let mut claimed = lost.fetches[0].clone();
        claimed.key = "http://site.test/new".into();
        claimed.extraction_stored = true;
        lost.fetches.push(claimed);
        state.save_crawl("f1", &lost)?;
        let (_, _, record) = stored_row(&state, "http://site.test/new")?;
        assert_eq!(record, stored_record);
        assert_eq!(state.previous("f1")?.fetches.len(), 3);
        Ok(())
    }

    #[test]
    fn links_and_reports() -> TestResult {
        let temp = tempfile::tempdir()?;
        let mut state = CrawlState::open_path(&temp.path().join(STATE_FILE))?;
        state.save_crawl("f", &output())?;

        let external = state.external_links()?;
        assert_eq!(
            external.get("http://other.test/x"),
            Some(&vec!["http://site.test/a".to_string()])
        );
        state.save_link_checks(&[StoredLinkCheck {
            url: "http://other.test/x".into(),
            outcome: "broken".into(),
            reason: "connection refused".into(),
            http_status: None,
            checked_at: Utc::now(),
        }])?;
        let report = state.broken_links()?;
        let on_a = &report.pages["http://site.test/a"];
        assert_eq!(on_a.len(), 2);
        assert!(on_a.iter().any(|entry| entry.scope == "internal"
            && entry.reason == "http-404"
            && entry.text == "the old form"));
        assert!(on_a.iter().any(|entry| entry.scope == "external"
            && entry.reason == "connection refused"
            && entry.text == "a partner's page"));
        assert!(report.external_checked_at.is_some());

        assert_eq!(state.last_run()?, None);
        state.record_run(Some(3), &serde_json::json!({"pages": 1}))?;
        state.record_run(None, &serde_json::json!({"pages": 2}))?;
        assert_eq!(state.last_run()?, Some(serde_json::json!({"pages": 2})));
        Ok(())
    }
}
