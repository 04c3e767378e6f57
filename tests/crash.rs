//! Crash safety: a crawl killed with SIGKILL at any moment leaves the previous generation
//! serving exactly as before, and the next crawl completes.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{binary, project_config, replica_site, result_paths, run_ok, search, serve};

/// A config folder like the shipped one but with a slower crawl, so that a kill lands in the
/// middle of fetching or of building the index rather than after it.
fn slow_config(dir: &Path) {
    std::fs::create_dir_all(dir).expect("config dir");
    for entry in std::fs::read_dir(project_config()).expect("shipped config") {
        let entry = entry.expect("config entry");
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy config");
    }
    let site = std::fs::read_to_string(dir.join("site.toml")).expect("site.toml");
    let slower = site
        .replace("concurrency = 4", "concurrency = 1")
        .replace("delay_ms = 100", "delay_ms = 30");
    std::fs::write(dir.join("site.toml"), slower).expect("write site.toml");
}

const QUERIES: [&str; 4] = [
    "Inclusion funding",
    "short breaks",
    "EHCP",
    "post-16 transport",
];

fn answers(api: &str) -> Vec<Vec<String>> {
    QUERIES
        .iter()
        .map(|query| {
            let (status, body) = search(api, query, &[("group", "false")]);
            assert_eq!(status, 200, "{body}");
            result_paths(&body)
        })
        .collect()
}

#[test]
fn killed_crawls_never_disturb_the_serving_generation() {
    let site = replica_site();
    let temp = tempfile::tempdir().expect("temp dir");
    let data = temp.path().join("data");
    let config = temp.path().join("config");
    slow_config(&config);
    let start = format!("{}/", site.base_url);
    let data_arg = data.to_str().expect("utf-8 path");
    let config_arg = config.to_str().expect("utf-8 path");

    run_ok(&["crawl", &start, "--data", data_arg, "--config", config_arg]);
    let current = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");
    let api = serve(&data, &config);
    let before = answers(&api.base_url);

    // Kill crawls at spread-out moments: early in fetching, late in fetching, and around
    // the index build at the end.
    for wait_ms in [300u64, 1_500, 3_000, 4_500] {
        let mut child = Command::new(binary())
            .args([
                "crawl", &start, "--force", "--data", data_arg, "--config", config_arg,
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a crawl");
        std::thread::sleep(Duration::from_millis(wait_ms));
        let finished = child.try_wait().expect("crawl status").is_some();
        child.kill().ok();
        child.wait().expect("reap the crawl");
        if finished {
            // The crawl beat the kill and published: serving must follow it, unchanged.
            std::thread::sleep(Duration::from_secs(2));
        } else {
            let still = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");
            assert_eq!(still, current, "a killed crawl changed CURRENT");
        }
        assert_eq!(
            answers(&api.base_url),
            before,
            "results changed after a kill at {wait_ms} ms"
        );
    }

    // The next crawl takes the lock the dead ones held, completes and publishes.
    run_ok(&[
        "crawl", &start, "--force", "--data", data_arg, "--config", config_arg,
    ]);
    let next = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");
    assert_ne!(next, current, "the next crawl published a new generation");
    let leftovers: Vec<String> = std::fs::read_dir(data.join("generations"))
        .expect("generations")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .filter(|name| name.ends_with(".building"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "half-built generations left behind: {leftovers:?}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        answers(&api.base_url),
        before,
        "the same site gives the same results"
    );
}
