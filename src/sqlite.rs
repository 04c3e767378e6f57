//! SQLite files in the data folder: opening them with their schema up to date.
//!
//! Each database records its schema version in `PRAGMA user_version`. Opening one applies
//! the migrations it has not had yet, in order, each in its own transaction, so a file from
//! an older release is upgraded in place and one from a newer release is refused rather than
//! misread.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A database that could not be opened, migrated or queried.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open database `{path}`: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "database `{path}` has schema version {found}, newer than the {known} this program \
         knows: use a newer offer-search"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot upgrade database `{path}` to schema version {version}: {source}")]
    Migrate {
        path: PathBuf,
        version: i64,
        #[source]
        source: rusqlite::Error,
    },
    #[error("query on database `{path}` failed: {source}")]
    Query {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

impl DbError {
    /// Wraps a failed statement on the database at `path`.
    pub fn query(path: &Path) -> impl FnOnce(rusqlite::Error) -> DbError + '_ {
        move |source| DbError::Query {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Switches `connection` to write-ahead logging. Switching needs the file to itself and
/// SQLite answers busy at once, without waiting, while another connection holds it (two
/// processes opening a new file together), so a busy answer is retried for a while.
pub fn use_wal(connection: &Connection) -> rusqlite::Result<()> {
    let mut tries = 0;
    loop {
        let switched = connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0));
        match switched {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::DatabaseBusy && tries < 250 =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(err) => return Err(err),
        }
    }
}

/// Opens (creating if needed) the database at `path` and brings its schema up to
/// `migrations.len()`. `migrations[i]` is the SQL that moves version `i` to `i + 1`.
pub fn open(path: &Path, migrations: &[&str]) -> Result<Connection, DbError> {
    let open_error = |source| DbError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut connection = Connection::open(path).map_err(open_error)?;
    connection.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
    // WAL lets reports read while the server writes.
    use_wal(&connection).map_err(open_error)?;
    migrate(&mut connection, path, migrations, true)?;
    Ok(connection)
}

/// Opens the database at `path` for reading; a file that does not exist yet reads as an
/// empty database of the current schema, and nothing is created on disk.
pub fn open_for_reading(path: &Path, migrations: &[&str]) -> Result<Connection, DbError> {
    if path.exists() {
        return open(path, migrations);
    }
    let mut connection = Connection::open_in_memory().map_err(|source| DbError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    migrate(&mut connection, path, migrations, false)?;
    Ok(connection)
}

/// Applies the migrations `connection` has not had; `on_disk` says whether to log them.
fn migrate(
    connection: &mut Connection,
    path: &Path,
    migrations: &[&str],
    on_disk: bool,
) -> Result<(), DbError> {
    let known = migrations.len() as i64;
    let found: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(DbError::query(path))?;
    if found > known {
        return Err(DbError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    for (index, sql) in migrations.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        let migrate_error = |source| DbError::Migrate {
            path: path.to_path_buf(),
            version,
            source,
        };
        // Another process may be migrating the same file: the write lock is taken first,
        // then the version looked at again.
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(migrate_error)?;
        let now: i64 = transaction
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(migrate_error)?;
        if now >= version {
            continue;
        }
        transaction.execute_batch(sql).map_err(migrate_error)?;
        transaction
            .pragma_update(None, "user_version", version)
            .map_err(migrate_error)?;
        transaction.commit().map_err(migrate_error)?;
        if on_disk {
            tracing::info!(database = %path.display(), version, "database schema upgraded");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIGRATIONS: [&str; 2] = [
        "CREATE TABLE a (x INTEGER);",
        "ALTER TABLE a ADD COLUMN y TEXT;",
    ];

    #[test]
    fn a_new_file_opened_by_many_at_once_migrates_once() {
        let temp = tempfile::tempdir().expect("temp dir");
        let path = temp.path().join("t.sqlite");
        let opened: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..6)
                .map(|_| scope.spawn(|| open(&path, &MIGRATIONS).map(|_| ())))
                .collect();
            handles.into_iter().map(|handle| handle.join()).collect()
        });
        for result in opened {
            result.expect("no panic").expect("every opener succeeds");
        }
    }

    #[test]
    fn migrations_apply_once_and_a_newer_file_is_refused() -> Result<(), DbError> {
        let temp = tempfile::tempdir().expect("temp dir");
        let path = temp.path().join("t.sqlite");
        let first = open(&path, &MIGRATIONS[..1])?;
        drop(first);
        let upgraded = open(&path, &MIGRATIONS)?;
        upgraded
            .execute("INSERT INTO a (x, y) VALUES (1, 'one')", [])
            .map_err(DbError::query(&path))?;
        drop(upgraded);

        let again = open(&path, &MIGRATIONS)?;
        let rows: i64 = again
            .query_row("SELECT COUNT(*) FROM a", [], |row| row.get(0))
            .map_err(DbError::query(&path))?;
        assert_eq!(rows, 1);
        drop(again);

        let err = open(&path, &MIGRATIONS[..1]).unwrap_err();
        assert!(
            matches!(
                err,
                DbError::TooNew {
                    found: 2,
                    known: 1,
                    ..
                }
            ),
            "{err}"
        );
        Ok(())
    }

    #[test]
    fn reading_a_missing_file_creates_nothing() -> Result<(), DbError> {
        let temp = tempfile::tempdir().expect("temp dir");
        let path = temp.path().join("missing.sqlite");
        let connection = open_for_reading(&path, &MIGRATIONS)?;
        let rows: i64 = connection
            .query_row("SELECT COUNT(*) FROM a", [], |row| row.get(0))
            .map_err(DbError::query(&path))?;
        assert_eq!(rows, 0);
        assert!(!path.exists());
        Ok(())
    }
}
