#!/usr/bin/env bash
# Runs each fuzz target for a bounded time with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh                 every target, 60 seconds each
#   scripts/fuzz.sh 300 html pdf    the named targets, 300 seconds each
#
# cargo-fuzz needs unstable compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them. Crashes are written to fuzz/artifacts/TARGET/; turn each into a regression
# test under tests/ (see tests/regression.rs) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(query html robots_sitemap docx pdf)
fi

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

for target in "${targets[@]}"; do
  echo "== fuzzing $target for ${seconds}s"
  mkdir -p "fuzz/corpus/$target"
  # -rss_limit_mb and -timeout turn runaway memory and hangs into reported failures.
  cargo fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536
done
