//! Crash safety: a crawl killed with SIGKILL at any moment, on its own or inside `serve`,
//! leaves the previous generation serving exactly as before, the databases intact, and the
//! next crawl completes.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use offer_search::store::DataDir;

use common::{
    binary, project_config, replica_site, result_paths, run_ok, search, serve, serve_with_token,
};

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

const TOKEN: &str = "crash-test-admin-token";

/// A copy of the shipped config folder starting crawls at `start`, one request at a time
/// with `delay_ms` between them.
fn config_with_delay(dir: &Path, start: &str, delay_ms: u64) {
    std::fs::create_dir_all(dir).expect("config dir");
    for entry in std::fs::read_dir(project_config()).expect("shipped config") {
        let entry = entry.expect("config entry");
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy config");
    }
    let site = std::fs::read_to_string(dir.join("site.toml")).expect("site.toml");
    // `[crawl]` comes before `[links]`, so the first match of each is the crawl's.
    let changed = site
        .replacen("start_urls = []", &format!("start_urls = [\"{start}\"]"), 1)
        .replacen("concurrency = 4", "concurrency = 1", 1)
        .replacen("delay_ms = 100", &format!("delay_ms = {delay_ms}"), 1);
    std::fs::write(dir.join("site.toml"), changed).expect("write site.toml");
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Calls an admin route with the token; returns the status and the JSON body.
fn admin(method: &str, url: &str) -> (u16, serde_json::Value) {
    let bearer = format!("Bearer {TOKEN}");
    let agent = agent();
    let sent = match method {
        "POST" => agent
            .post(url)
            .header("authorization", &bearer)
            .send_empty(),
        _ => agent.get(url).header("authorization", &bearer).call(),
    };
    let mut response = sent.unwrap_or_else(|err| panic!("{method} {url} failed: {err}"));
    let status = response.status().as_u16();
    let body = response.body_mut().read_json().unwrap_or_default();
    (status, body)
}

/// The fetches of the last saved crawl, as (url, status, content hash), and the number of
/// crawl runs recorded.
fn crawl_state_rows(data: &Path) -> (Vec<(String, i64, Option<String>)>, i64) {
    let connection = rusqlite::Connection::open(data.join("state.sqlite")).expect("state opens");
    let mut select = connection
        .prepare("SELECT url, status, content_hash FROM fetches ORDER BY url")
        .expect("fetches query");
    let fetches: Vec<(String, i64, Option<String>)> = select
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .expect("fetches read")
        .collect::<Result<_, _>>()
        .expect("fetch rows read");
    let runs: i64 = connection
        .query_row("SELECT count(*) FROM crawl_runs", [], |row| row.get(0))
        .expect("crawl runs count");
    (fetches, runs)
}

fn integrity(database: &Path) -> String {
    let connection = rusqlite::Connection::open(database)
        .unwrap_or_else(|err| panic!("cannot open `{}`: {err}", database.display()));
    connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("integrity check of `{}`: {err}", database.display()))
}

#[test]
fn serve_killed_during_an_admin_recrawl_restarts_on_the_good_generation() {
    let site = replica_site();
    let temp = tempfile::tempdir().expect("temp dir");
    let data = temp.path().join("data");
    let start = format!("{}/", site.base_url);
    // The first crawl and the one after the kill are quick; the server's is slow enough
    // (about a second per request) to be killed in the middle of fetching.
    let quick = temp.path().join("config-quick");
    config_with_delay(&quick, &start, 0);
    let slow = temp.path().join("config");
    config_with_delay(&slow, &start, 1_000);
    let token_file = slow.join("admin-token");
    std::fs::write(&token_file, TOKEN).expect("write the token");
    let data_arg = data.to_str().expect("utf-8 path");
    let quick_arg = quick.to_str().expect("utf-8 path");

    run_ok(&["crawl", &start, "--data", data_arg, "--config", quick_arg]);
    let current = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");
    let (fetches, runs) = crawl_state_rows(&data);
    assert!(!fetches.is_empty(), "the first crawl saved its fetches");

    let api = serve_with_token(&data, &slow, &token_file);
    let before = answers(&api.base_url);
    let (status, body) = admin("POST", &format!("{}/admin/recrawl", api.base_url));
    assert_eq!(status, 202, "{body}");

    // Wait until the server's crawl has fetched a little, then make sure it is still
    // running when the server dies: the kill must land mid-crawl.
    let crawl_url = format!("{}/admin/crawl", api.base_url);
    std::thread::sleep(Duration::from_secs(3));
    let (status, body) = admin("GET", &crawl_url);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["status"], "running",
        "the recrawl ended before the kill: {body}"
    );
    api.kill();

    let still = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");
    assert_eq!(still, current, "a killed recrawl changed CURRENT");
    assert!(
        data.join("crawl.lock").exists(),
        "the killed crawl's lock file is left behind"
    );
    for database in ["state.sqlite", "analytics.sqlite"] {
        assert_eq!(
            integrity(&data.join(database)),
            "ok",
            "{database} after the kill"
        );
    }
    assert_eq!(
        crawl_state_rows(&data),
        (fetches.clone(), runs),
        "the crawl state still holds the last good crawl"
    );

    let restarted = serve_with_token(&data, &slow, &token_file);
    assert_eq!(
        answers(&restarted.base_url),
        before,
        "the restarted server answers as before the kill"
    );

    // The lock the dead server held does not stop the next crawl, which publishes.
    let lock = DataDir::new(&data)
        .lock()
        .expect("the dead server's lock is free");
    drop(lock);
    run_ok(&[
        "crawl", &start, "--force", "--data", data_arg, "--config", quick_arg,
    ]);
    let next = std::fs::read_to_string(data.join("CURRENT")).expect("CURRENT");
    assert_ne!(next, current, "the next crawl published a new generation");
    let (fetches_after, runs_after) = crawl_state_rows(&data);
    assert_eq!(runs_after, runs + 1, "the next crawl recorded its run");
    assert_eq!(
        fetches_after.len(),
        fetches.len(),
        "the same site was crawled"
    );

    // The restarted server follows the new generation by itself, with the same answers.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (status, health) = common::get_json(&format!("{}/health", restarted.base_url));
        assert_eq!(status, 200, "{health}");
        if health["generation"].as_u64() == next.trim().parse().ok() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the restarted server did not switch to generation {next}: {health}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        answers(&restarted.base_url),
        before,
        "the same site gives the same results"
    );
}
