//! Keeping a long-running server's heap close to what it uses.
//!
//! glibc gives threads their own malloc arenas, up to eight per core, so that they do not
//! wait on one lock. Memory freed in an arena stays with that arena for its next
//! allocations, so with many arenas each one grows to its own high-water mark while the
//! bytes in use stay flat; `serve` limits them to one per core. Free memory inside a heap is
//! kept too, so `serve` also hands it back to the system now and then ([`keep_trimmed`]).
//! The Soak section of README.md has the measurements.

/// The environment variable glibc reads for the same limit; when it is set, it is left to
/// decide.
pub const ARENA_MAX_VARIABLE: &str = "MALLOC_ARENA_MAX";

/// Limits malloc to `arenas` arenas (at least one), unless `MALLOC_ARENA_MAX` is set.
/// Call it before starting any thread: arenas that already exist are not merged. Returns
/// whether the limit was applied; it is not on a C library other than glibc.
pub fn limit_malloc_arenas(arenas: usize) -> bool {
    if std::env::var_os(ARENA_MAX_VARIABLE).is_some() {
        return false;
    }
    set_arena_max(arenas.max(1))
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_arena_max(arenas: usize) -> bool {
    let arenas = libc::c_int::try_from(arenas).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt takes plain integers and only changes malloc's own settings.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, arenas) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_arena_max(_arenas: usize) -> bool {
    false
}

/// How often [`keep_trimmed`] hands free heap pages back to the system.
pub const TRIM_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// Hands free heap pages back to the system every [`TRIM_INTERVAL`] until the runtime stops.
///
/// glibc keeps memory that was freed inside its heaps for later allocations and returns only
/// the free space at the very top of each heap. A search, a popular-query refresh or an index
/// swap frees memory in the middle of the heap, so without this the resident size follows the
/// high-water mark of every such moment rather than what the server holds.
pub async fn keep_trimmed() {
    let mut ticker = tokio::time::interval(TRIM_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        // It takes each arena's lock in turn: brief, but not for an async worker thread.
        if tokio::task::spawn_blocking(release_free_memory)
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Hands the heap's free pages back to the system now; for a task that has just freed a lot.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn release_free_memory() {
    // SAFETY: malloc_trim only walks and releases malloc's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_free_memory() {}

/// One arena per core, as [`limit_malloc_arenas`] is called by `serve`.
pub fn arenas_for_this_machine() -> usize {
    std::thread::available_parallelism().map_or(2, |cores| cores.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_accepts_the_limit_unless_the_environment_sets_it() {
        let applied = limit_malloc_arenas(arenas_for_this_machine());
        assert_eq!(applied, std::env::var_os(ARENA_MAX_VARIABLE).is_none());
    }
}
