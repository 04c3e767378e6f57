//! The generation being served, swapped atomically when a crawl publishes a newer one.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;

use super::{Engine, SearchError};
use crate::store::{DataDir, StoreError};

/// How often a server looks for a newly published generation. Reading `CURRENT` is one
/// small file read, so this can be frequent.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// A handle to whichever generation is current. Cheap to clone; searches take a snapshot
/// ([`LiveIndex::engine`]) and keep using it even if a swap happens mid-request.
#[derive(Clone)]
pub struct LiveIndex {
    data: DataDir,
    engine: Arc<ArcSwapOption<Engine>>,
}

impl LiveIndex {
    /// Opens the current generation if there is one; a data folder without one is fine.
    pub fn open(data: DataDir) -> Result<LiveIndex, SearchError> {
        let live = LiveIndex {
            data,
            engine: Arc::new(ArcSwapOption::empty()),
        };
        live.refresh()?;
        Ok(live)
    }

    /// The engine of the current generation, or `None` before the first index.
    pub fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.load_full()
    }

    pub fn data(&self) -> &DataDir {
        &self.data
    }

    /// Switches to the generation `CURRENT` names if it differs from the one served.
    /// Returns whether a switch happened. On any error the old generation keeps serving.
    pub fn refresh(&self) -> Result<bool, SearchError> {
        let current = match self.data.current_number() {
            Ok(Some(number)) => number,
            Ok(None) => return Ok(false),
            Err(err) => return Err(SearchError::Store(err)),
        };
        let serving = self.engine().map(|engine| engine.generation().number);
        if serving == Some(current) {
            return Ok(false);
        }
        let generation = match self.data.current() {
            Ok(generation) => generation,
            Err(StoreError::NoIndex(_)) => return Ok(false),
            Err(err) => return Err(SearchError::Store(err)),
        };
        let engine = Engine::open(&generation)?;
        let previous = self.engine.swap(Some(Arc::new(engine)));
        tracing::info!(generation = generation.number, "serving index generation");
        // The previous generation's briefs, word lists and suggestions go once the searches
        // still using it finish (usually now); the engine hands their heap back as it drops.
        drop(previous);
        Ok(true)
    }

    /// Watches for new generations until the runtime shuts down.
    pub async fn watch(self) {
        let mut ticker = tokio::time::interval(WATCH_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let live = self.clone();
            let outcome = tokio::task::spawn_blocking(move || live.refresh()).await;
            match outcome {
                Ok(Ok(_)) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "cannot switch to the new generation"),
                Err(err) => tracing::warn!(error = %err, "generation watcher task failed"),
            }
        }
    }
}
