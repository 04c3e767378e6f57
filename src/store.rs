//! The data folder: index generations, the pointer to the current one, and the crawl lock.
//!
//! Layout:
//! ```text
//! DATA/
//!   CURRENT              number of the generation being served, e.g. "3\n"
//!   crawl.lock           held by the one crawl that may write here
//!   state.sqlite         crawl state for incremental recrawls (see `crate::state`)
//!   reports/
//!     crawl-3.json       the report of the crawl that published generation 3
//!     crawl-unpublished-20261203T101500Z.json   a crawl that did not publish
//!   generations/
//!     3/                 a complete generation: meta.json + index/
//!     4.building/        a build in progress, never read
//! ```
//! A generation is built under `N.building`, renamed to `N` when its index is committed, and
//! published by atomically replacing `CURRENT`. Readers only ever open what `CURRENT` names,
//! so they never see a half-built index; a crash mid-build leaves the last good one serving.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::index::GenerationMeta;

const CURRENT_FILE: &str = "CURRENT";
const LOCK_FILE: &str = "crawl.lock";
const GENERATIONS_DIR: &str = "generations";
const META_FILE: &str = "meta.json";
const INDEX_DIR: &str = "index";
const VOCABULARY_FILE: &str = "vocabulary.tsv";
const SUGGESTIONS_FILE: &str = "suggestions.tsv";
const BROWSE_FILE: &str = "a-to-z.json";
const BRIEFS_FILE: &str = "briefs.jsonl";
const BUILDING_SUFFIX: &str = ".building";
const REPORTS_DIR: &str = "reports";

/// Report files kept in `reports/`; the oldest go first.
const MAX_REPORTS_KEPT: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use data folder `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("another crawl is writing to data folder `{0}`")]
    Locked(PathBuf),
    #[error("no index in data folder `{0}` yet")]
    NoIndex(PathBuf),
    #[error("data folder `{path}` is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A data folder on local disk.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// A generation that is ready to be read.
#[derive(Debug, Clone)]
pub struct Generation {
    pub number: u64,
    pub dir: PathBuf,
    pub meta: GenerationMeta,
}

impl Generation {
    pub fn index_dir(&self) -> PathBuf {
        self.dir.join(INDEX_DIR)
    }

    /// The generation's word list, for spelling correction.
    pub fn vocabulary_path(&self) -> PathBuf {
        self.dir.join(VOCABULARY_FILE)
    }

    /// The generation's type-ahead suggestions.
    pub fn suggestions_path(&self) -> PathBuf {
        self.dir.join(SUGGESTIONS_FILE)
    }

    /// The generation's A to Z of topics.
    pub fn browse_path(&self) -> PathBuf {
        self.dir.join(BROWSE_FILE)
    }

    /// The facts re-scoring reads, one line per record (see [`crate::index::brief`]).
    pub fn briefs_path(&self) -> PathBuf {
        self.dir.join(BRIEFS_FILE)
    }
}

/// Exclusive right to write new generations, released on drop.
#[derive(Debug)]
pub struct CrawlLock {
    _file: File,
}

/// A generation being built; [`DataDir::publish`] makes it current.
#[derive(Debug)]
pub struct PendingGeneration {
    pub number: u64,
    building_dir: PathBuf,
}

impl PendingGeneration {
    /// Where the index of this generation must be written.
    pub fn index_dir(&self) -> PathBuf {
        self.building_dir.join(INDEX_DIR)
    }

    /// Where the generation's word list must be written.
    pub fn vocabulary_path(&self) -> PathBuf {
        self.building_dir.join(VOCABULARY_FILE)
    }

    /// Where the generation's type-ahead suggestions must be written.
    pub fn suggestions_path(&self) -> PathBuf {
        self.building_dir.join(SUGGESTIONS_FILE)
    }

    /// Where the generation's A to Z must be written.
    pub fn browse_path(&self) -> PathBuf {
        self.building_dir.join(BROWSE_FILE)
    }

    /// Where the generation's briefs must be written.
    pub fn briefs_path(&self) -> PathBuf {
        self.building_dir.join(BRIEFS_FILE)
    }
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn generations_dir(&self) -> PathBuf {
        self.root.join(GENERATIONS_DIR)
    }

    /// Writes `bytes` as `reports/<file_name>` and removes the oldest reports beyond the
    /// last hundred. Returns the file's path.
    pub fn write_report(&self, file_name: &str, bytes: &[u8]) -> Result<PathBuf, StoreError> {
        let dir = self.root.join(REPORTS_DIR);
        fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let path = dir.join(file_name);
        let temporary = dir.join(format!(".{file_name}.tmp"));
        write_synced(&temporary, bytes)?;
        fs::rename(&temporary, &path).map_err(io_error(&path))?;

        let mut reports: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io_error(&dir))? {
            let entry = entry.map_err(io_error(&dir))?;
            let modified = entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .map_err(io_error(&dir))?;
            reports.push((modified, entry.path()));
        }
        reports.sort();
        let excess = reports.len().saturating_sub(MAX_REPORTS_KEPT);
        for (_, old) in reports.into_iter().take(excess) {
            fs::remove_file(&old).map_err(io_error(&old))?;
        }
        Ok(path)
    }

    /// Takes the crawl lock, or fails at once when another process holds it.
    pub fn lock(&self) -> Result<CrawlLock, StoreError> {
        fs::create_dir_all(&self.root).map_err(io_error(&self.root))?;
        let path = self.root.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(CrawlLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked(self.root.clone())),
            Err(fs::TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
        }
    }

    /// The number `CURRENT` names, if any.
    pub fn current_number(&self) -> Result<Option<u64>, StoreError> {
        let path = self.root.join(CURRENT_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StoreError::Io { path, source }),
        };
        let number = text
            .trim()
            .parse::<u64>()
            .map_err(|_| StoreError::Damaged {
                path: path.clone(),
                reason: format!("`{}` is not a generation number", text.trim()),
            })?;
        Ok(Some(number))
    }

    /// The generation being served, or [`StoreError::NoIndex`].
    pub fn current(&self) -> Result<Generation, StoreError> {
        let Some(number) = self.current_number()? else {
            return Err(StoreError::NoIndex(self.root.clone()));
        };
        let dir = self.generations_dir().join(number.to_string());
        let meta_path = dir.join(META_FILE);
        let text = fs::read_to_string(&meta_path).map_err(io_error(&meta_path))?;
        let meta: GenerationMeta =
            serde_json::from_str(&text).map_err(|err| StoreError::Damaged {
                path: meta_path.clone(),
                reason: err.to_string(),
            })?;
        Ok(Generation { number, dir, meta })
    }

    /// Starts a new generation numbered after every existing one. Needs the crawl lock.
    pub fn begin(&self, _lock: &CrawlLock) -> Result<PendingGeneration, StoreError> {
        let generations = self.generations_dir();
        fs::create_dir_all(&generations).map_err(io_error(&generations))?;
        let mut highest = self.current_number()?.unwrap_or(0);
        for entry in fs::read_dir(&generations).map_err(io_error(&generations))? {
            let entry = entry.map_err(io_error(&generations))?;
            let name = entry.file_name().to_string_lossy().to_string();
            let digits = name.trim_end_matches(BUILDING_SUFFIX);
            if let Ok(number) = digits.parse::<u64>() {
                highest = highest.max(number);
            }
        }
        let number = highest + 1;
        let building_dir = generations.join(format!("{number}{BUILDING_SUFFIX}"));
        if building_dir.exists() {
            fs::remove_dir_all(&building_dir).map_err(io_error(&building_dir))?;
        }
        fs::create_dir_all(&building_dir).map_err(io_error(&building_dir))?;
        Ok(PendingGeneration {
            number,
            building_dir,
        })
    }

    /// Writes the generation's metadata, moves it into place and points `CURRENT` at it,
    /// then removes generations that are neither current nor the one before it.
    pub fn publish(
        &self,
        _lock: &CrawlLock,
        pending: PendingGeneration,
        mut meta: GenerationMeta,
    ) -> Result<Generation, StoreError> {
        meta.generation = pending.number;
        let meta_path = pending.building_dir.join(META_FILE);
        let json = serde_json::to_string_pretty(&meta).map_err(|err| StoreError::Damaged {
            path: meta_path.clone(),
            reason: err.to_string(),
        })?;
        write_synced(&meta_path, json.as_bytes())?;

        let final_dir = self.generations_dir().join(pending.number.to_string());
        fs::rename(&pending.building_dir, &final_dir).map_err(io_error(&final_dir))?;
        sync_dir(&self.generations_dir())?;

        let previous = self.current_number()?;
        let current_path = self.root.join(CURRENT_FILE);
        let temporary = self.root.join(format!("{CURRENT_FILE}.tmp"));
        write_synced(&temporary, format!("{}\n", pending.number).as_bytes())?;
        fs::rename(&temporary, &current_path).map_err(io_error(&current_path))?;
        sync_dir(&self.root)?;

        self.remove_old(pending.number, previous)?;
        Ok(Generation {
            number: pending.number,
            dir: final_dir,
            meta,
        })
    }

    /// Removes every generation folder except `current` and `keep`. A server still reading an
    /// older one keeps its open files: removal only unlinks them.
    fn remove_old(&self, current: u64, keep: Option<u64>) -> Result<(), StoreError> {
        let generations = self.generations_dir();
        for entry in fs::read_dir(&generations).map_err(io_error(&generations))? {
            let entry = entry.map_err(io_error(&generations))?;
            let name = entry.file_name().to_string_lossy().to_string();
            let Ok(number) = name.parse::<u64>() else {
                // A `.building` folder left by a crash: nobody reads it.
                if name.ends_with(BUILDING_SUFFIX) {
                    let path = entry.path();
                    fs::remove_dir_all(&path).map_err(io_error(&path))?;
                }
                continue;
            };
            if number != current && Some(number) != keep {
                let path = entry.path();
                fs::remove_dir_all(&path).map_err(io_error(&path))?;
            }
        }
        Ok(())
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut file = File::create(path).map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

fn sync_dir(path: &Path) -> Result<(), StoreError> {
    let dir = File::open(path).map_err(io_error(path))?;
    dir.sync_all().map_err(io_error(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_switches_current_and_cleans_up() -> Result<(), StoreError> {
        let temp = tempfile::tempdir().map_err(io_error(Path::new("tmp")))?;
        let data = DataDir::new(temp.path());
        assert!(matches!(data.current(), Err(StoreError::NoIndex(_))));

        let lock = data.lock()?;
        assert!(matches!(data.lock(), Err(StoreError::Locked(_))));

        for expected in 1..=3u64 {
            let pending = data.begin(&lock)?;
            assert_eq!(pending.number, expected);
            let generation = data.publish(&lock, pending, GenerationMeta::default())?;
            assert_eq!(generation.number, expected);
            assert_eq!(data.current()?.number, expected);
        }
        let remaining: Vec<String> = fs::read_dir(temp.path().join(GENERATIONS_DIR))
            .map_err(io_error(temp.path()))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().to_string())
            .collect();
        let mut remaining = remaining;
        remaining.sort();
        assert_eq!(remaining, vec!["2", "3"]);
        Ok(())
    }

    #[test]
    fn reports_are_written_and_pruned() -> Result<(), StoreError> {
        let temp = tempfile::tempdir().map_err(io_error(Path::new("tmp")))?;
        let data = DataDir::new(temp.path());
        let path = data.write_report("crawl-1.json", b"{}")?;
        assert_eq!(path, temp.path().join("reports/crawl-1.json"));
        assert_eq!(fs::read(&path).map_err(io_error(&path))?, b"{}");
        for number in 0..MAX_REPORTS_KEPT + 5 {
            data.write_report(&format!("crawl-x{number}.json"), b"{}")?;
        }
        let kept = fs::read_dir(temp.path().join(REPORTS_DIR))
            .map_err(io_error(temp.path()))?
            .count();
        assert_eq!(kept, MAX_REPORTS_KEPT);
        Ok(())
    }

    #[test]
    fn abandoned_build_is_never_current() -> Result<(), StoreError> {
        let temp = tempfile::tempdir().map_err(io_error(Path::new("tmp")))?;
        let data = DataDir::new(temp.path());
        let lock = data.lock()?;
        let first = data.begin(&lock)?;
        data.publish(&lock, first, GenerationMeta::default())?;
        let abandoned = data.begin(&lock)?;
        assert_eq!(abandoned.number, 2);
        drop(abandoned);
        assert_eq!(data.current()?.number, 1);
        let next = data.begin(&lock)?;
        assert_eq!(next.number, 3);
        Ok(())
    }
}
