//! Shared test harness: the replica site server, its manifest, and a fast crawl config.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use offer_search::config::SiteConfig;
use url::Url;

/// `../shared/realdata` next to the repository. Panics (failing the test) when missing:
/// a test that needs the replica must not pass silently without it.
pub fn replica_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata");
    assert!(
        dir.join("serve.py").is_file() && dir.join("site-manifest.tsv").is_file(),
        "the replica site is missing: expected serve.py and site-manifest.tsv in {}",
        dir.display()
    );
    dir
}

/// The default site config with no politeness delay, so tests run fast on loopback.
pub fn test_site_config() -> SiteConfig {
    let mut site = SiteConfig::default();
    site.crawl.delay = Duration::ZERO;
    site.crawl.request_timeout = Duration::from_secs(10);
    site.crawl.max_retries = 1;
    site.crawl.retry_base_delay = Duration::from_millis(10);
    site
}

/// `serve.py` on a free loopback port, killed when dropped.
pub struct ReplicaServer {
    child: Child,
    pub base: Url,
}

impl ReplicaServer {
    /// Serves `root` (the replica's `site/`, or a folder a test wrote).
    pub fn start(root: &Path) -> ReplicaServer {
        let script = replica_dir().join("serve.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--quiet", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs serve.py");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut first_line = String::new();
        BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("serve.py prints its address");
        // "Serving http://127.0.0.1:PORT/ from DIR"
        let address = first_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected first line from serve.py: {first_line:?}"));
        let base = Url::parse(address).expect("serve.py prints a URL");
        ReplicaServer { child, base }
    }
}

impl Drop for ReplicaServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One row of `site-manifest.tsv`.
#[derive(Debug, Clone)]
pub struct ManifestRow {
    pub path: String,
    pub kind: String,
    pub title: String,
    pub last_reviewed: String,
    pub notes: String,
}

pub struct Manifest {
    pub rows: Vec<ManifestRow>,
}

impl Manifest {
    pub fn load(path: &Path) -> Manifest {
        let text = std::fs::read_to_string(path).expect("the manifest is readable");
        let mut lines = text.lines();
        let header: Vec<&str> = lines
            .next()
            .expect("the manifest has a header")
            .split('\t')
            .collect();
        let column = |name: &str| {
            header
                .iter()
                .position(|heading| *heading == name)
                .unwrap_or_else(|| panic!("manifest column {name} is missing"))
        };
        let (path_at, kind_at, title_at, reviewed_at, notes_at) = (
            column("path"),
            column("kind"),
            column("title"),
            column("last_reviewed"),
            column("notes"),
        );
        let rows = lines
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let cells: Vec<&str> = line.split('\t').collect();
                let cell = |at: usize| cells.get(at).copied().unwrap_or_default().to_string();
                ManifestRow {
                    path: cell(path_at),
                    kind: cell(kind_at),
                    title: cell(title_at),
                    last_reviewed: cell(reviewed_at),
                    notes: cell(notes_at),
                }
            })
            .collect();
        Manifest { rows }
    }

    pub fn rows_of(&self, kinds: &[&str]) -> Vec<&ManifestRow> {
        self.rows
            .iter()
            .filter(|row| kinds.contains(&row.kind.as_str()))
            .collect()
    }
}
