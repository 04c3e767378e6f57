#!/usr/bin/env bash
# Load test of `offer-search serve` on a generated 100,000-page site, with the bare axum
# ceiling and two peers measured in the same run. Options go to scripts/load.py:
#   scripts/load.sh [--pages N] [--duration 10s] [--runs 3] [--no-xapian] [--no-reindex]
# Needs oha (cargo install oha --locked) and, for the Xapian peer, Debian's xapian-omega,
# xapian-tools and python3-xapian. Results go to target/load/<time>/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin offer-search --bin offer-corpus \
    --example bare --example peer_bm25
exec python3 scripts/load.py "$@"
