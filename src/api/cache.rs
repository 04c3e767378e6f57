//! Recent answers of `/search`, so that a repeated search is answered from memory.
//!
//! Families type the same few queries over and over ("short breaks", "EHCP"), and a search
//! page asks again for a query it has just shown (the back button, a second look at page
//! one). An answer depends only on the request, the index generation and the rules, so the
//! same request on the same generation under the same rules gets the same answer: the cache
//! keeps answers keyed by the request, and drops them all when the generation or the rules
//! change. Answers are kept by recency of use within a count and a size; `api.toml`'s
//! `[cache]` sets both, and `entries = 0` turns the cache off. An answer keeps its JSON
//! as written, so that a repeat costs a copy rather than a search and a serialisation.
//!
//! Whatever the cache holds, every search is still logged for analytics and counted in
//! `/metrics`; only the work of searching is saved.

use std::num::NonZeroUsize;
use std::ops::Range;
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
    answers: LruCache<SearchRequest, Arc<Answer>>,
    bytes: usize,
}

/// One search's answer: the response the search page renders, and the JSON the API sends,
/// written once. Only its `took_ms` differs between two requests it answers.
#[derive(Debug)]
pub struct Answer {
    pub response: SearchResponse,
    json: Vec<u8>,
    /// Where the value of `took_ms` sits in `json`.
    took: Range<usize>,
}

impl Answer {
    pub fn new(response: SearchResponse) -> Result<Answer, serde_json::Error> {
        let json = serde_json::to_vec(&response)?;
        // The key can only appear as a key: inside a JSON string its quotes are escaped.
        const KEY: &[u8] = b"\"took_ms\":";
        let start = json
            .windows(KEY.len())
            .position(|window| window == KEY)
            .map_or(json.len(), |at| at + KEY.len());
        let length = json[start..]
            .iter()
            .position(|&byte| byte == b',' || byte == b'}')
            .unwrap_or(0);
        Ok(Answer {
            response,
            json,
            took: start..start + length,
        })
    }

    /// The JSON body with `took_ms` set to `took_ms`.
    pub fn json(&self, took_ms: f64) -> Vec<u8> {
        let took = serde_json::to_vec(&took_ms).unwrap_or_else(|_| b"0".to_vec());
        let mut body = Vec::with_capacity(self.json.len() + took.len());
        body.extend_from_slice(&self.json[..self.took.start]);
        body.extend_from_slice(&took);
        body.extend_from_slice(&self.json[self.took.end..]);
        body
    }

    /// What keeping it costs: its JSON, and about as much again for the response itself.
    fn bytes(&self) -> usize {
        self.json.len().saturating_mul(2)
    }
}

/// What keeping `answer` under `request` counts against `max_bytes`.
fn cost(request: &SearchRequest, answer: &Answer) -> usize {
    answer.bytes().saturating_add(request.query.len())
}

impl Kept {
    /// Whether the answers held were computed with `engine` and `config`.
    fn is_for(&self, engine: &Arc<Engine>, config: &Arc<Config>) -> bool {
        self.epoch
            .as_ref()
            .is_some_and(|epoch| epoch.is(engine, config))
    }

    /// Drops every answer unless they were computed with `engine` and `config`, which
    /// become the epoch. Returns whether the answers held are for them.
    fn enter(&mut self, engine: &Arc<Engine>, config: &Arc<Config>) -> bool {
        if self.is_for(engine, config) {
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

    /// Whether answers are kept at all.
    pub fn is_on(&self) -> bool {
        self.inner.is_some()
    }

    /// The answer kept for `request` on this generation under these rules. While the cache
    /// is on, each lookup is counted in `/metrics` as a hit or a miss.
    pub fn get(
        &self,
        engine: &Arc<Engine>,
        config: &Arc<Config>,
        request: &SearchRequest,
    ) -> Option<Arc<Answer>> {
        let mut kept = self.lock()?;
        let found = if kept.enter(engine, config) {
            kept.answers.get(request).map(Arc::clone)
        } else {
            None
        };
        let result = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!("search_cache_lookups_total", "result" => result).increment(1);
        found
    }

    /// Keeps `answer`, the answer to `request` on `engine` under `config`, unless the cache
    /// has moved on to another generation or other rules meanwhile, or the answer alone is
    /// larger than the whole cache may be.
    pub fn put(
        &self,
        engine: &Arc<Engine>,
        config: &Arc<Config>,
        request: SearchRequest,
        answer: Arc<Answer>,
    ) {
        let bytes = cost(&request, &answer);
        if bytes > self.max_bytes {
            return;
        }
        let Some(mut kept) = self.lock() else {
            return;
        };
        if !kept.is_for(engine, config) {
            return;
        }
        if let Some((key, old)) = kept.answers.push(request, answer) {
            kept.bytes -= cost(&key, &old);
        }
        kept.bytes += bytes;
        while kept.bytes > self.max_bytes {
            let Some((key, oldest)) = kept.answers.pop_lru() else {
                break;
            };
            kept.bytes -= cost(&key, &oldest);
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

    /// Answers held and what they count against `max_bytes`, for tests.
    pub fn usage(&self) -> (usize, usize) {
        self.lock()
            .map_or((0, 0), |kept| (kept.answers.len(), kept.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(query: &str, took_ms: f64) -> SearchResponse {
        SearchResponse {
            query: query.to_string(),
            total: 3,
            took_ms,
            results: Vec::new(),
            has_more: false,
            entries: 3,
            facets: None,
            did_you_mean: None,
            best_bets: Vec::new(),
        }
    }

    #[test]
    fn a_kept_answer_differs_only_in_its_timing() -> Result<(), serde_json::Error> {
        // A query holding the key itself, quotes and all, cannot be mistaken for it.
        for query in ["short breaks", "\"took_ms\":12,", "}{\"took_ms\":"] {
            let answer = Answer::new(response(query, 17.25))?;
            let fresh: serde_json::Value = serde_json::from_slice(&answer.json(17.25))?;
            assert_eq!(fresh, serde_json::to_value(response(query, 17.25))?);
            let repeat: serde_json::Value = serde_json::from_slice(&answer.json(0.004))?;
            assert_eq!(repeat, serde_json::to_value(response(query, 0.004))?);
        }
        Ok(())
    }
}
