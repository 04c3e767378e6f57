//! Recent answers of `/search`, so that a repeated search is answered from memory.
//!
//! Families type the same few queries over and over ("short breaks", "EHCP"), and a search
//! page asks again for a query it has just shown (the back button, a second look at page
//! one). An answer depends only on the request, the index generation and the rules, so the
//! same request on the same generation under the same rules gets the same answer: the cache
//! keeps answers keyed by the request, and drops them all when the generation or the rules
//! change. Answers are kept by recency of use within a count and a size (their length as
//! JSON); `api.toml`'s `[cache]` sets both, and `entries = 0` turns the cache off.
//!
//! Whatever the cache holds, every search is still logged for analytics and counted in
//! `/metrics`; only the work of searching is saved.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use lru::LruCache;

use crate::config::CacheConfig;
use crate::config::Config;
use crate::search::{Engine, SearchRequest, SearchResponse};

/// Kept answers; cheap to clone (clones share the answers).
#[derive(Clone)]
pub struct ResultCache {
    /// `None` when the cache is off.
    inner: Option<Arc<Mutex<Kept>>>,
    max_bytes: usize,
}

/// What the answers were computed with. Weak references name a generation and a set of
/// rules without keeping them alive, and an allocation a weak reference points to is never
/// reused while it is held, so a new generation can never be mistaken for an old one.
struct Epoch {
    engine: Weak<Engine>,
    config: Weak<Config>,
}

impl Epoch {
    fn of(engine: &Arc<Engine>, config: &Arc<Config>) -> Epoch {
        Epoch {
            engine: Arc::downgrade(engine),
            config: Arc::downgrade(config),
        }
    }

    fn is(&self, engine: &Arc<Engine>, config: &Arc<Config>) -> bool {
        std::ptr::eq(self.engine.as_ptr(), Arc::as_ptr(engine))
            && std::ptr::eq(self.config.as_ptr(), Arc::as_ptr(config))
    }
}

struct Kept {
    epoch: Option<Epoch>,
    answers: LruCache<SearchRequest, Answer>,
    bytes: usize,
}

struct Answer {
    response: Arc<SearchResponse>,
    bytes: usize,
}

impl Kept {
    /// Drops every answer unless they were computed with `engine` and `config`, which
    /// become the epoch. Returns whether the answers held are for them.
    fn enter(&mut self, engine: &Arc<Engine>, config: &Arc<Config>) -> bool {
        if self
            .epoch
            .as_ref()
            .is_some_and(|epoch| epoch.is(engine, config))
        {
            return true;
        }
        self.answers.clear();
        self.bytes = 0;
        self.epoch = Some(Epoch::of(engine, config));
        false
    }
}

impl ResultCache {
    pub fn new(config: CacheConfig) -> ResultCache {
        let inner = NonZeroUsize::new(config.entries)
            .filter(|_| config.max_bytes > 0)
            .map(|entries| {
                Arc::new(Mutex::new(Kept {
                    epoch: None,
                    answers: LruCache::new(entries),
                    bytes: 0,
                }))
            });
        ResultCache {
            inner,
            max_bytes: config.max_bytes,
        }
    }

    /// A cache that keeps nothing.
    pub fn off() -> ResultCache {
        ResultCache::new(CacheConfig {
            entries: 0,
            max_bytes: 0,
        })
    }

    /// The answer kept for `request` on this generation under these rules.
    pub fn get(
        &self,
        engine: &Arc<Engine>,
        config: &Arc<Config>,
        request: &SearchRequest,
    ) -> Option<Arc<SearchResponse>> {
        let mut kept = self.lock()?;
        if !kept.enter(engine, config) {
            return None;
        }
        kept.answers
            .get(request)
            .map(|answer| Arc::clone(&answer.response))
    }

    /// Keeps `response`, the answer to `request` on `engine` under `config`, unless the
    /// cache has moved on to another generation or other rules meanwhile, or the answer
    /// alone is larger than the whole cache may be.
    pub fn put(
        &self,
        engine: &Arc<Engine>,
        config: &Arc<Config>,
        request: SearchRequest,
        response: Arc<SearchResponse>,
    ) {
        if self.inner.is_none() {
            return;
        }
        // What the answer costs to keep: its JSON length is a fair measure of its strings.
        let bytes = serde_json::to_vec(response.as_ref())
            .map_or(usize::MAX, |json| json.len())
            .saturating_add(request.query.len());
        if bytes > self.max_bytes {
            return;
        }
        let Some(mut kept) = self.lock() else {
            return;
        };
        if !kept
            .epoch
            .as_ref()
            .is_some_and(|epoch| epoch.is(engine, config))
        {
            return;
        }
        if let Some((_, old)) = kept.answers.push(request, Answer { response, bytes }) {
            kept.bytes -= old.bytes;
        }
        kept.bytes += bytes;
        while kept.bytes > self.max_bytes {
            let Some((_, oldest)) = kept.answers.pop_lru() else {
                break;
            };
            kept.bytes -= oldest.bytes;
        }
    }

    /// The lock, or `None` when the cache is off. A thread that panicked while holding it
    /// left the answers consistent (every change above is complete before it can panic), so
    /// a poisoned lock is used as it is.
    fn lock(&self) -> Option<MutexGuard<'_, Kept>> {
        let inner = self.inner.as_ref()?;
        Some(
            inner
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// Answers held and their size, for tests and `/metrics`.
    pub fn usage(&self) -> (usize, usize) {
        self.lock()
            .map_or((0, 0), |kept| (kept.answers.len(), kept.bytes))
    }
}
