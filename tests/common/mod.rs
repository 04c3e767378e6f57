//! Test harness: loopback servers, the binary, and JSON over HTTP.
//!
//! Every server a test needs is started by the test on 127.0.0.1 with port 0 and stopped
//! when its handle drops.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a test waits for a server to say where it listens.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// The folder of shared test material beside the project. Tests that need it fail, never
/// skip, when it is missing.
pub fn shared_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        dir.join("realdata/serve.py").is_file(),
        "shared test material is missing: expected `{}` beside the project",
        dir.display()
    );
    dir
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_offer-search"))
}

pub fn project_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("index-config")
}

/// A child process killed on drop.
pub struct Running {
    child: Child,
    pub base_url: String,
}

impl Running {
    /// Stops the process with SIGKILL, as a crash or the out-of-memory killer would, and
    /// reaps it.
    pub fn kill(self) {
        drop(self);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command`, reads its stdout until a line holds `http://`, and returns the URL
/// found there (without a trailing slash).
fn start_and_read_url(command: Command, what: &str) -> Running {
    start_with_stderr(command, Stdio::inherit(), what)
}

/// [`start_and_read_url`] with the child's stderr sent to `stderr`.
fn start_with_stderr(mut command: Command, stderr: Stdio, what: &str) -> Running {
    command.stdout(Stdio::piped()).stderr(stderr);
    let mut child = command
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {what}: {err}"));
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if let Some(start) = line.find("http://") {
                        let url = line[start..].split_whitespace().next().unwrap_or("");
                        let _ = sender.send(url.trim_end_matches('/').to_string());
                    }
                }
            }
        }
    });
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let url = receiver
        .recv_timeout(deadline - Instant::now())
        .unwrap_or_else(|_| panic!("{what} did not print its address"));
    Running {
        child,
        base_url: url,
    }
}

/// Serves the replica Local Offer site on a free loopback port.
pub fn replica_site() -> Running {
    let script = shared_dir().join("realdata/serve.py");
    let mut command = Command::new("python3");
    command.arg(script).args(["--port", "0"]);
    start_and_read_url(command, "the replica site server")
}

/// Serves a copy of the replica site kept in `root` (for tests that change its markup).
pub fn replica_site_from(root: &Path) -> Running {
    let script = shared_dir().join("realdata/serve.py");
    let mut command = Command::new("python3");
    command
        .arg(script)
        .args(["--port", "0", "--quiet", "--root"])
        .arg(root);
    start_and_read_url(command, "the replica site server")
}

/// Runs `offer-search ARGS...` to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("cannot run offer-search")
}

/// Runs `offer-search ARGS...` and fails the test with its output unless it succeeds.
pub fn run_ok(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "offer-search {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// Starts `offer-search serve` on a free port.
pub fn serve(data: &Path, config: &Path) -> Running {
    start_and_read_url(
        serve_command(data, config, None, "warn"),
        "offer-search serve",
    )
}

/// Starts `offer-search serve` on a free port with the admin routes on, their token read
/// from `token_file`.
pub fn serve_with_token(data: &Path, config: &Path, token_file: &Path) -> Running {
    let command = serve_command(data, config, Some(token_file), "warn");
    start_and_read_url(command, "offer-search serve")
}

/// Starts `offer-search serve` like [`serve_with_token`], logging everything down to
/// `debug` to `log`.
pub fn serve_logging_to(
    data: &Path,
    config: &Path,
    token_file: &Path,
    log: std::fs::File,
) -> Running {
    let command = serve_command(data, config, Some(token_file), "debug");
    start_with_stderr(command, Stdio::from(log), "offer-search serve")
}

/// The `offer-search serve` command on a free port, with `RUST_LOG` set to `log_level`.
fn serve_command(
    data: &Path,
    config: &Path,
    token_file: Option<&Path>,
    log_level: &str,
) -> Command {
    let mut command = Command::new(binary());
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", log_level);
    if let Some(token_file) = token_file {
        command.arg("--admin-token-file").arg(token_file);
    }
    command
}

/// Starts `offer-search demo` with its index in `data` and the API on a free port.
pub fn demo(data: &Path) -> Running {
    demo_with_config(data, &project_config())
}

/// Starts `offer-search demo` as [`demo`] does, with the rules in `config`.
pub fn demo_with_config(data: &Path, config: &Path) -> Running {
    let mut command = Command::new(binary());
    command
        .args(["demo", "--addr", "127.0.0.1:0", "--data"])
        .arg(data)
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "warn");
    start_and_read_url(command, "offer-search demo")
}

/// GETs `url` and returns the status and the JSON body.
pub fn get_json(url: &str) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|err| panic!("GET {url} failed: {err}"));
    let status = response.status().as_u16();
    let body: serde_json::Value = response
        .body_mut()
        .read_json()
        .unwrap_or_else(|err| panic!("GET {url} gave no JSON: {err}"));
    (status, body)
}

/// `/search` on a running API with `q` and extra parameters, percent-encoded.
pub fn search(base: &str, query: &str, extra: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let mut url = url::Url::parse(&format!("{base}/search")).expect("base URL parses");
    url.query_pairs_mut().append_pair("q", query);
    for (key, value) in extra {
        url.query_pairs_mut().append_pair(key, value);
    }
    get_json(url.as_str())
}

/// The `path` of each result, in order.
pub fn result_paths(body: &serde_json::Value) -> Vec<String> {
    body["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|result| result["path"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// `evaluate --json` of the shared dev judgments against a running API: the summary
/// figures, the way the held-out checks score it.
pub fn dev_judgments_over_api(base_url: &str) -> serde_json::Value {
    let judgments = shared_dir().join("judgments/dev.toml");
    let report = run_ok(&[
        "evaluate",
        "--judgments",
        judgments.to_str().expect("utf-8 path"),
        "--url",
        base_url,
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&report).expect("evaluate --json");
    report["summary"].clone()
}

/// A page record as a crawl would store it, titled `{title}{suffix}` (a site-wide suffix such
/// as " - Riverford", or "") and described as "About {title}.".
pub fn page_record(
    url: &str,
    title: &str,
    suffix: &str,
    body: &str,
) -> offer_search::record::PageRecord {
    offer_search::record::PageRecord {
        url: url.to_string(),
        kind: offer_search::record::Kind::Page,
        title: format!("{title}{suffix}"),
        description: format!("About {title}."),
        keywords: String::new(),
        headings: Vec::new(),
        body: body.to_string(),
        breadcrumbs: Vec::new(),
        links: Vec::new(),
        language: Some("eng".into()),
        last_reviewed: None,
        content_type: "text/html".to_string(),
        size_bytes: body.len() as u64,
        content_hash: url.to_string(),
    }
}
