//! From crawled records to a published generation, with the checks that keep a bad crawl
//! from replacing a good index.

use chrono::Utc;

use crate::config::Config;
use crate::index::site::{SiteRules, analyse};
use crate::index::{BuildError, build_index};
use crate::record::{IndexRecord, Kind, PageRecord};
use crate::search::spelling::VocabularyBuilder;
use crate::store::{CrawlLock, DataDir, Generation, StoreError};

/// A new generation may not have fewer than this share of the current one's pages.
const MIN_KEPT_SHARE: f64 = 0.5;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("not publishing: the crawl fetched no pages (use --force to publish anyway)")]
    NoPages,
    #[error(
        "not publishing: the crawl found {new} pages where generation {generation} has \
         {current}, which would drop more than half of them (use --force to publish anyway)"
    )]
    TooFewPages {
        new: usize,
        current: usize,
        generation: u64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the A to Z `{path}`: {source}")]
    Browse {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the suggestions `{path}`: {source}")]
    Suggestions {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the briefs `{path}`: {source}")]
    Briefs {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the word list `{path}`: {source}")]
    Vocabulary {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// Indexes `records` as a new generation and makes it current. Holds `lock` throughout.
/// Unless `force`, refuses an empty crawl or one that would drop more than half the pages
/// of the current generation; the current generation then keeps serving.
pub fn publish_records(
    data: &DataDir,
    lock: &CrawlLock,
    config: &Config,
    records: Vec<PageRecord>,
    crawl_summary: Option<serde_json::Value>,
    force: bool,
) -> Result<Generation, PublishError> {
    let num_pages = records
        .iter()
        .filter(|record| record.kind == Kind::Page)
        .count();
    if !force {
        check_safe(data, num_pages)?;
    }

    // The build runs on a thread of its own at background priority, and every thread it
    // starts (tantivy's indexing threads among them) inherits that priority: `serve` and
    // searches running beside a crawl keep the CPU they need.
    let nice = config.site.schedule.build_nice;
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                lower_thread_priority(nice);
                build_and_publish(data, lock, config, records, crawl_summary)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Raises the calling thread's niceness to `nice` (Linux keeps niceness per thread, and a
/// new thread starts with its creator's). Best effort: a failure leaves the priority as it
/// was, which only makes the build compete harder.
pub fn lower_thread_priority(nice: u8) {
    #[cfg(target_os = "linux")]
    if nice > 0 {
        // SAFETY: gettid and setpriority take plain integers and touch no memory of ours.
        let outcome = unsafe {
            let thread = libc::gettid() as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, thread, libc::c_int::from(nice))
        };
        if outcome != 0 {
            tracing::debug!(nice, error = %std::io::Error::last_os_error(), "build priority unchanged");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

fn build_and_publish(
    data: &DataDir,
    lock: &CrawlLock,
    config: &Config,
    records: Vec<PageRecord>,
    crawl_summary: Option<serde_json::Value>,
) -> Result<Generation, PublishError> {
    let started = std::time::Instant::now();
    let rules = site_rules(config);
    let pending = data.begin(lock)?;
    let index_dir = pending.index_dir();
    // Everything below runs on one pool: site analysis, then the index (tantivy adds its
    // indexing threads) beside the generation's other files, which read the same records.
    let (indexed, analysed_secs, built, others) = on_build_threads(|| {
        let indexed = analyse(records, &rules);
        let analysed_secs = started.elapsed().as_secs_f64();
        let (built, others) = rayon::join(
            || {
                let started = std::time::Instant::now();
                build_index(&index_dir, &indexed)
                    .map(|meta| (meta, started.elapsed().as_secs_f64()))
            },
            || {
                let started = std::time::Instant::now();
                write_side_files(&pending, &indexed).map(|()| started.elapsed().as_secs_f64())
            },
        );
        (indexed, analysed_secs, built, others)
    });
    let (mut meta, index_secs) = built?;
    let side_secs = others?;
    tracing::info!(
        records = indexed.len(),
        analysed_secs,
        index_secs,
        side_secs,
        "generation built"
    );
    meta.created_at = Utc::now().to_rfc3339();
    meta.crawl = crawl_summary;
    meta.build = Some(build_fingerprint(config));
    let generation = data.publish(lock, pending, meta)?;
    tracing::info!(
        generation = generation.number,
        pages = generation.meta.num_pages,
        documents = generation.meta.num_documents,
        "published index generation"
    );
    Ok(generation)
}

/// Runs `work` on a rayon pool started by the calling thread, so that its threads share the
/// build's priority (the global pool may have been started by a thread at normal priority).
/// Falls back to the current thread when no pool can be started.
fn on_build_threads<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|index| format!("build-{index}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(error) => {
            tracing::debug!(%error, "the generation is built on one thread");
            work()
        }
    }
}

/// The files beside the index: word list, A to Z, briefs and suggestions, written in
/// parallel on the caller's rayon pool.
fn write_side_files(
    pending: &crate::store::PendingGeneration,
    indexed: &[crate::record::IndexRecord],
) -> Result<(), PublishError> {
    fn timed<T>(file: &str, work: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let done = work();
        tracing::debug!(
            file,
            secs = started.elapsed().as_secs_f64(),
            "side file written"
        );
        done
    }
    let ((vocabulary, browse), (briefs, suggestions)) = rayon::join(
        || {
            rayon::join(
                || {
                    timed("vocabulary", || {
                        write_vocabulary(indexed, &pending.vocabulary_path())
                    })
                },
                || timed("a to z", || write_browse(indexed, &pending.browse_path())),
            )
        },
        || {
            rayon::join(
                || {
                    timed("briefs", || {
                        let path = pending.briefs_path();
                        crate::index::brief::write_briefs(&path, indexed)
                            .map_err(|source| PublishError::Briefs { path, source })
                    })
                },
                || {
                    timed("suggestions", || {
                        let path = pending.suggestions_path();
                        let suggestions = crate::search::suggest::collect(indexed);
                        crate::search::suggest::write(&path, &suggestions)
                            .map_err(|source| PublishError::Suggestions { path, source })
                    })
                },
            )
        },
    );
    vocabulary.and(browse).and(briefs).and(suggestions)
}

/// The A to Z of the site's topics, as JSON.
fn write_browse(
    indexed: &[crate::record::IndexRecord],
    path: &std::path::Path,
) -> Result<(), PublishError> {
    let browse_error = |source| PublishError::Browse {
        path: path.to_path_buf(),
        source,
    };
    let atoz = crate::index::browse::build(indexed);
    let json = serde_json::to_vec(&atoz).map_err(|err| browse_error(std::io::Error::other(err)))?;
    std::fs::write(path, json).map_err(browse_error)
}

/// The index-time rules of a config.
fn site_rules(config: &Config) -> SiteRules {
    SiteRules {
        title_suffix: config.site.extract.title_suffix.clone(),
        min_child_links: config.ranking.landing_min_child_links,
        area_names: config.site.area_names.clone(),
        classify: config.classify.clone(),
    }
}

/// The files a generation holds, what they record and how the analyser splits words; raise
/// it whenever one of them changes, so that a recrawl of an unchanged site rebuilds a
/// generation written the old way (3: numbers with thousands separators and decimal numbers
/// are one word).
const INDEX_LAYOUT: u32 = 3;

/// Identifies how an index is built from records: this program's version and the
/// index-time rules. Two generations with the same fingerprint and the same records hold
/// the same index.
pub fn build_fingerprint(config: &Config) -> String {
    use sha2::{Digest, Sha256};
    let described = format!(
        "{}|{INDEX_LAYOUT}|{:?}",
        env!("CARGO_PKG_VERSION"),
        site_rules(config)
    );
    let digest = Sha256::digest(described.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn write_vocabulary(records: &[IndexRecord], path: &std::path::Path) -> Result<(), PublishError> {
    let mut vocabulary = VocabularyBuilder::default();
    for record in records {
        let page = &record.page;
        let mut texts: Vec<&str> = vec![&record.facts.title, &page.keywords, &page.description];
        texts.extend(page.headings.iter().map(String::as_str));
        texts.push(&page.body);
        vocabulary.add_record(&texts);
    }
    vocabulary
        .write(path)
        .map_err(|source| PublishError::Vocabulary {
            path: path.to_path_buf(),
            source,
        })
}

fn check_safe(data: &DataDir, num_pages: usize) -> Result<(), PublishError> {
    if num_pages == 0 {
        return Err(PublishError::NoPages);
    }
    let current = match data.current() {
        Ok(current) => current,
        Err(StoreError::NoIndex(_)) => return Ok(()),
        Err(err) => return Err(err.into()),
    };
    let floor = (current.meta.num_pages as f64 * MIN_KEPT_SHARE).ceil() as usize;
    if num_pages < floor {
        return Err(PublishError::TooFewPages {
            new: num_pages,
            current: current.meta.num_pages,
            generation: current.number,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(count: usize) -> Vec<PageRecord> {
        (0..count)
            .map(|number| PageRecord {
                url: format!("http://x/p{number}"),
                kind: Kind::Page,
                title: format!("Page {number}"),
                description: String::new(),
                keywords: String::new(),
                headings: Vec::new(),
                body: "text".into(),
                breadcrumbs: Vec::new(),
                links: Vec::new(),
                language: None,
                last_reviewed: None,
                content_type: "text/html".into(),
                size_bytes: 4,
                content_hash: format!("{number}"),
            })
            .collect()
    }

    #[test]
    fn refuses_empty_and_shrinking_crawls_unless_forced() -> Result<(), PublishError> {
        let temp = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let data = DataDir::new(temp.path());
        let lock = data.lock()?;
        let config = Config::defaults();

        let empty = publish_records(&data, &lock, &config, Vec::new(), None, false);
        assert!(matches!(empty, Err(PublishError::NoPages)));

        publish_records(&data, &lock, &config, pages(10), None, false)?;
        let shrunk = publish_records(&data, &lock, &config, pages(4), None, false);
        assert!(matches!(
            shrunk,
            Err(PublishError::TooFewPages {
                new: 4,
                current: 10,
                ..
            })
        ));
        assert_eq!(data.current()?.meta.num_pages, 10);

        let forced = publish_records(&data, &lock, &config, pages(4), None, true)?;
        assert_eq!(forced.meta.num_pages, 4);
        publish_records(&data, &lock, &config, pages(2), None, false)?;
        Ok(())
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_lowered_build_thread_passes_its_priority_to_the_threads_it_starts() {
        fn niceness() -> i32 {
            // SAFETY: plain integer arguments; errno is not consulted.
            unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
        }
        let asking = niceness();
        std::thread::spawn(|| {
            let before = niceness();
            let wanted = (before + 1).min(19);
            lower_thread_priority(wanted as u8);
            assert_eq!(niceness(), wanted);
            let started = std::thread::spawn(niceness)
                .join()
                .expect("the child thread ran");
            assert_eq!(started, wanted);
        })
        .join()
        .expect("the build thread ran");
        // Only the build thread changed, not the thread that started it.
        assert_eq!(niceness(), asking);
    }
}
