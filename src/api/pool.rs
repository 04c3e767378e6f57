//! The threads searches run on: a fixed pool of two per core.
//!
//! A search is CPU work that blocks, so it cannot run on the async workers. Handed to
//! tokio's blocking pool, a search starts a new thread whenever the others are busy for a
//! moment, and under steady load that pool keeps every thread it ever started (each is
//! reused within its ten idle seconds), each with the stack pages its searches touched: the
//! server's memory crept up with its thread count for many minutes. A fixed pool holds the
//! same threads from start to shutdown; searches beyond its size wait their turn in order,
//! which also bounds the memory that half-done searches hold.

use std::panic::AssertUnwindSafe;

/// Why a job handed to the pool gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("the search panicked")]
    Panicked,
    #[error("the search pool has stopped")]
    Stopped,
}

/// A fixed set of search threads; cheap to clone.
#[derive(Clone)]
pub struct SearchPool {
    /// `None` when the threads could not be started: jobs then go to tokio's blocking pool.
    pool: Option<std::sync::Arc<rayon::ThreadPool>>,
}

impl SearchPool {
    /// A pool of `threads` threads (at least one).
    pub fn new(threads: usize) -> SearchPool {
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|number| format!("search-{number}"))
            .build();
        match built {
            Ok(pool) => SearchPool {
                pool: Some(std::sync::Arc::new(pool)),
            },
            Err(err) => {
                tracing::warn!(error = %err, "cannot start the search threads; searches use the shared blocking pool");
                SearchPool { pool: None }
            }
        }
    }

    /// Two threads per core, so that one waiting on a page of the mapped index does not
    /// leave a core idle.
    pub fn for_this_machine() -> SearchPool {
        SearchPool::new(std::thread::available_parallelism().map_or(2, |cores| cores.get() * 2))
    }

    /// Runs `job` on one of the pool's threads and waits for its answer. A job whose caller
    /// has gone away (the client hung up) before a thread was free is skipped.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        let Some(pool) = &self.pool else {
            return tokio::task::spawn_blocking(job).await.map_err(|err| {
                if err.is_panic() {
                    PoolError::Panicked
                } else {
                    PoolError::Stopped
                }
            });
        };
        let (answer, answered) = tokio::sync::oneshot::channel();
        pool.spawn(move || {
            if answer.is_closed() {
                return;
            }
            // The pool's threads outlive any one search, panicking or not.
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(job));
            let _ = answer.send(outcome);
        });
        match answered.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err(PoolError::Panicked),
            Err(_) => Err(PoolError::Stopped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_answer_and_a_panic_leaves_the_pool_working() {
        let pool = SearchPool::new(2);
        assert_eq!(pool.run(|| 6 * 7).await.ok(), Some(42));
        let panicked = pool.run(|| -> u32 { panic!("a search went wrong") }).await;
        assert!(matches!(panicked, Err(PoolError::Panicked)));
        assert_eq!(pool.run(|| "still here").await.ok(), Some("still here"));
    }

    #[tokio::test]
    async fn the_same_threads_run_every_job() {
        let pool = SearchPool::new(2);
        let mut names = std::collections::BTreeSet::new();
        for _ in 0..50 {
            let name = pool
                .run(|| std::thread::current().name().map(String::from))
                .await
                .ok()
                .flatten();
            names.insert(name.unwrap_or_default());
        }
        assert!(names.len() <= 2, "{names:?}");
        assert!(
            names.iter().all(|name| name.starts_with("search-")),
            "{names:?}"
        );
    }
}
