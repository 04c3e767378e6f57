//! The search page in headless Chromium: runs `tests/browser/run.mjs` (playwright-core and
//! axe-core) against this build's binary and fails with its output.
//!
//! Needs Node.js 20 or newer, Debian's `chromium` and `npm ci` in `tests/browser/`; `.ci/run`
//! installs them. A missing browser or package is a failure, never a skip.

use std::path::Path;
use std::process::Command;

#[test]
fn search_page_passes_its_browser_tests() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        folder.join("node_modules/playwright-core").is_dir(),
        "the browser tests' packages are missing: run `npm ci` in `{}`",
        folder.display()
    );

    let output = Command::new("node")
        .arg(folder.join("run.mjs"))
        .env("OFFER_SEARCH_BIN", env!("CARGO_BIN_EXE_offer-search"))
        .current_dir(&folder)
        .output()
        .unwrap_or_else(|err| panic!("cannot run `node` (Node.js 20 or newer is needed): {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "browser tests failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}
