#!/usr/bin/env bash
# Runs each fuzz target for a bounded time with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh                 every target, 60 seconds each
#   scripts/fuzz.sh 300 html pdf    the named targets, 300 seconds each
#
# cargo-fuzz needs unstable compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them. Crashes are written to fuzz/artifacts/TARGET/; turn each into a regression
# test under tests/ (see tests/regression.rs) before fixing it.
#
# An empty corpus is seeded from the sample site (examples/sample-site) and the load test's
# queries, the same inputs tests/regression.rs runs on every `cargo test`.
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

# Copies the seed inputs of target $1 into the folder $2.
seed() {
  local site=examples/sample-site
  case "$1" in
    query)
      local number=0
      grep -v '^#' scripts/queries.txt | while IFS= read -r line; do
        number=$((number + 1))
        printf '%s' "$line" >"$2/seed-$number"
      done
      ;;
    html)
      find "$site" -name '*.html' | while IFS= read -r page; do
        cp "$page" "$2/$(echo "${page#"$site"/}" | tr / _)"
      done
      ;;
    robots_sitemap) cp "$site/robots.txt" "$site/sitemap.xml" "$2/" ;;
    docx) cp "$site"/documents/*.docx "$2/" ;;
    pdf) cp "$site"/documents/*.pdf "$2/" ;;
  esac
}

for target in "${targets[@]}"; do
  echo "== fuzzing $target for ${seconds}s"
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  if [ -z "$(ls -A "$corpus")" ]; then
    seed "$target" "$corpus"
  fi
  # -rss_limit_mb and -timeout turn runaway memory and hangs into reported failures.
  cargo fuzz run "$target" "$corpus" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536
done
