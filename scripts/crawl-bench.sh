#!/usr/bin/env bash
# First crawl and no-change recrawl of a generated site on loopback, politeness off,
# repeated, with medians. Options go to scripts/crawl_bench.py:
#   scripts/crawl-bench.sh [--pages 10000] [--runs 3] [--concurrency 8] [--bin PROGRAM]...
# Several --bin programs (e.g. a copy of an older build) are measured side by side in each
# run against the same server.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin offer-search --bin offer-corpus
exec python3 scripts/crawl_bench.py "$@"
